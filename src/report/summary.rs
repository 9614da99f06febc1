//! The job summary: what a reviewer reads on the run page.
//!
//! First the verdict (result, version, from → to), then the lifecycle path with the current
//! position, the hops, the gates, AppTrust's evaluations, the first failures collapsed, and what
//! to do next. Pure: `Outcome` in, markdown out, bounded below GitHub's 1 MiB limit.

use std::fmt::Write;

use super::markdown::{code, cut, escape, escape_lines};
use super::tables::{MAX_ROWS, evaluations, findings, gate_tables};
use super::wording;
use crate::gates::GateStatus;
use crate::inputs::Command;
use crate::lifecycle::HopAction;
use crate::promotion::outcome::{HopStatus, Outcome, RunResult};

/// GitHub drops summaries above 1 MiB entirely; stay well below.
pub const MAX_BYTES: usize = 1_000_000;

/// Links and provenance shown with the summary.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// Workflow run URL.
    pub(crate) run_url: Option<String>,
    /// Run id, for the link text.
    pub(crate) run_id: Option<String>,
    /// Commit SHA.
    pub(crate) sha: Option<String>,
    /// Commit URL.
    pub(crate) commit_url: Option<String>,
    /// Policy file and its digest.
    pub(crate) policy: Option<String>,
    /// Record file.
    pub(crate) record: Option<String>,
}

fn stage_icon(status: HopStatus) -> &'static str {
    match status {
        HopStatus::Done => "✅",
        HopStatus::Planned => "📝",
        HopStatus::Blocked => "⛔",
        HopStatus::Failed => "❌",
        HopStatus::NotReached => "⏭️",
    }
}

fn headline(o: &Outcome) -> String {
    if let Some(h) = super::rollback_list::headline(o) {
        return h;
    }
    let app = escape(&o.application);
    let version = escape(&o.version);
    let to = escape(o.display(&o.to_stage));
    let from = if o.from_stage.is_empty() {
        "(no stage)".to_string()
    } else {
        escape(o.display(&o.from_stage))
    };
    let stopped_at = o
        .hops
        .iter()
        .find(|h| matches!(h.status, HopStatus::Blocked | HopStatus::Failed))
        .map(|h| escape(o.display(&h.to)));
    if o.command == Command::Plan && o.failure.is_none() && !o.hops.is_empty() {
        let icon = match o.result {
            RunResult::Blocked => "⛔",
            RunResult::Deferred => "⏸️",
            _ => "📝",
        };
        let verdicts = escape(&wording::plan_verdicts(o).join(", "));
        return format!("## {icon} Plan for {app} {version}: {verdicts}");
    }
    if o.command == Command::Status && o.failure.is_none() {
        let stage = if o.to_stage.is_empty() {
            "no stage yet".to_string()
        } else {
            escape(o.display(&o.to_stage))
        };
        let status = if o.release_status.is_empty() {
            String::new()
        } else {
            format!(" · {}", escape(&o.release_status))
        };
        return format!("## 📍 {app} {version} is in {stage}{status}");
    }
    match o.result {
        RunResult::Promoted => format!("## ✅ {app} {version} promoted {from} → {to}"),
        RunResult::Released => format!("## 🚀 {app} {version} released {from} → {to}"),
        RunResult::RolledBack => format!(
            "## ↩️ {app} {version} rolled back {from} → {}",
            if o.to_stage.is_empty() {
                "(no stage)".into()
            } else {
                to
            }
        ),
        RunResult::Reverted => format!(
            "## ↩️ {app} {version} reverted: {}; back in {to}",
            escape(&super::wording::reverted_because(o))
        ),
        RunResult::Planned => format!(
            "## 📝 Plan: {app} {version} {from} → {}",
            o.target_stage
                .as_deref()
                .map(|t| escape(o.display(t)))
                .unwrap_or(to)
        ),
        RunResult::Unchanged => format!("## ➖ {app} {version} already at {to}: nothing to do"),
        RunResult::Deferred => {
            format!(
                "## ⏸️ {app} {version} deferred: {}",
                super::wording::deferral(o)
            )
        }
        RunResult::Blocked => match stopped_at {
            Some(s) => format!("## ⛔ {app} {version} blocked before {s}"),
            None => format!("## ⛔ {app} {version} blocked"),
        },
        RunResult::Failed => match stopped_at {
            Some(s) => format!("## ❌ {app} {version} failed before {s}"),
            None => format!("## ❌ {app} {version} failed"),
        },
    }
}

fn path_line(o: &Outcome, links: &Links) -> Option<String> {
    let l = o.lifecycle.as_ref()?;
    let mut parts = Vec::new();
    for stage in &l.stages {
        let name = code(l.display(stage));
        // A rollback's target was reached long ago; what this run did is leave its source.
        let hop = o
            .hops
            .iter()
            .find(|h| h.action != HopAction::Rollback && &h.to == stage);
        let left = o.hops.iter().any(|h| {
            h.action == HopAction::Rollback && h.status == HopStatus::Done && &h.from == stage
        });
        let reached = l
            .index(stage)
            .zip(l.index(&o.to_stage))
            .is_some_and(|(i, cur)| i <= cur);
        let icon = match hop {
            _ if left => " ↩️".to_string(),
            Some(h) => format!(" {}", stage_icon(h.status)),
            None if reached => " ✅".to_string(),
            None => String::new(),
        };
        if stage == &o.to_stage {
            parts.push(format!("**{name}**{icon}"));
        } else {
            parts.push(format!("{name}{icon}"));
        }
    }
    let mut line = parts.join(" → ");
    let now = match (o.to_stage.is_empty(), o.stage_read) {
        (false, _) => escape(l.display(&o.to_stage)),
        (true, true) => "no stage".to_string(),
        (true, false) => "not read".to_string(),
    };
    let _ = write!(line, "  ·  now at **{now}**");
    if let (Some(url), Some(id)) = (&links.run_url, &links.run_id) {
        let _ = write!(line, " · run [#{}]({url})", escape(id));
    }
    if let Some(sha) = &links.sha {
        let short: String = sha.chars().take(7).collect();
        match &links.commit_url {
            Some(u) => {
                let _ = write!(line, " · commit [{}]({u})", code(&short));
            }
            None => {
                let _ = write!(line, " · commit {}", code(&short));
            }
        }
    }
    Some(line)
}

fn hop_table(o: &Outcome, out: &mut String) {
    if o.hops.is_empty() {
        return;
    }
    out.push_str("| hop | result | gates | took |\n|---|---|---|---|\n");
    let plan = o.command == Command::Plan;
    for h in &o.hops {
        let from = if h.from.is_empty() {
            "(none)"
        } else {
            o.display(&h.from)
        };
        let verb = match (h.action, h.status) {
            (HopAction::Release, HopStatus::Done) => {
                format!("released ({})", escape(&h.promotion_type))
            }
            (HopAction::Rollback, HopStatus::Done) => "rolled back".to_string(),
            (_, HopStatus::Done) => format!("promoted ({})", escape(&h.promotion_type)),
            (_, HopStatus::Planned) => format!(
                "would {} ({})",
                if h.action == HopAction::Release {
                    "release"
                } else {
                    "promote"
                },
                escape(&h.promotion_type)
            ),
            (_, HopStatus::Blocked) if plan => "would be blocked".to_string(),
            (_, HopStatus::NotReached) if plan => "would be deferred".to_string(),
            (_, HopStatus::Blocked) => "blocked".to_string(),
            (_, HopStatus::Failed) => "failed".to_string(),
            (_, HopStatus::NotReached) => "not reached".to_string(),
        };
        let gates: Vec<_> = o
            .gates
            .iter()
            .filter(|g| g.stage == h.to && g.status != GateStatus::Skip)
            .collect();
        let passed = gates
            .iter()
            .filter(|g| g.status != GateStatus::Fail)
            .count();
        let gate_cell = if gates.is_empty() {
            "—".to_string()
        } else {
            format!("{passed} / {} passed", gates.len())
        };
        let took = h
            .duration_ms
            .map(|ms| {
                if ms == 0 {
                    "< 1 ms".to_string()
                } else if ms < 1000 {
                    format!("{ms} ms")
                } else {
                    format!("{:.1} s", ms as f64 / 1000.0)
                }
            })
            .unwrap_or_else(|| "—".into());
        let _ = writeln!(
            out,
            "| {} → {} | {} {} | {} | {} |",
            escape(from),
            escape(o.display(&h.to)),
            if h.action == HopAction::Rollback && h.status == HopStatus::Done {
                "↩️"
            } else {
                stage_icon(h.status)
            },
            verb,
            gate_cell,
            took
        );
    }
    out.push('\n');
    for h in o
        .hops
        .iter()
        .filter(|h| h.action == HopAction::Rollback && !h.message.is_empty())
    {
        let _ = writeln!(out, "> ↩️ Reason: {}\n", escape(&cut(&h.message, 500)));
    }
    for h in o.hops.iter().filter(|h| {
        h.action != HopAction::Rollback
            && matches!(h.status, HopStatus::Blocked | HopStatus::Failed)
            && !h.message.is_empty()
    }) {
        let from = if h.from.is_empty() {
            "(none)"
        } else {
            o.display(&h.from)
        };
        let _ = writeln!(
            out,
            "> {} → {}: {}\n",
            escape(from),
            escape(o.display(&h.to)),
            escape(&cut(&h.message, 500))
        );
    }
}

fn history(o: &Outcome, out: &mut String) {
    if o.history.is_empty() {
        return;
    }
    out.push_str(
        "### Promotion history\n\n| when | from | to | status | by |\n|---|---|---|---|---|\n",
    );
    for p in o.history.iter().take(MAX_ROWS) {
        let from = if p.source_stage.is_empty() {
            "(none)"
        } else {
            o.display(&p.source_stage)
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            escape(&p.promoted),
            escape(from),
            escape(o.display(&p.target_stage)),
            escape(&p.status),
            escape(&p.promoted_by)
        );
    }
    out.push('\n');
}

fn next_steps(o: &Outcome, out: &mut String) {
    let now = escape(&o.whereabouts());
    if o.command == Command::Plan && o.failure.is_none() {
        let fix = match o.result {
            RunResult::Blocked => {
                let stages: Vec<String> = o
                    .hops
                    .iter()
                    .filter(|h| h.status == HopStatus::Blocked)
                    .map(|h| escape(o.display(&h.to)))
                    .collect();
                format!(
                    "Fix what would block {} (above), then run with `command: promote`.",
                    stages.join(" and ")
                )
            }
            RunResult::Deferred => "A scheduled run would wait for the window; a run started by hand would be blocked by it.".to_string(),
            _ if !o.rollbacks.is_empty() => {
                "Run with `command: rollback` and the same `to-version` to apply it.".to_string()
            }
            _ => "Run with `command: promote` to apply it.".to_string(),
        };
        let _ = writeln!(
            out,
            "**What next:** this was a plan; nothing was changed and the version stays in {now}. {fix}\n"
        );
        return;
    }
    match o.result {
        RunResult::Blocked => {
            let stopped = o
                .hops
                .iter()
                .find(|h| h.status == HopStatus::Blocked)
                .map(|h| format!("{} ", escape(o.display(&h.to))))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "**What next:** fix the failures above and re-run; the version stays in {now} until every {stopped}gate passes.\n\n\
                 Emergency? Re-run with `hotfix: true` and a `reason` (skips only what the policy's `hotfix.skip` lists).\n"
            );
        }
        RunResult::Failed => {
            if let Some(f) = &o.failure {
                let _ = writeln!(out, "**Error:** {}\n", escape_lines(&f.message));
            }
            if o.to_stage.is_empty() && !o.stage_read {
                let _ = writeln!(
                    out,
                    "**Where the version is:** not read: the run stopped before asking AppTrust, so nothing was changed.\n"
                );
            } else {
                let _ = writeln!(
                    out,
                    "**Where the version is:** {now}. A re-run resumes from there; nothing is promoted twice.\n"
                );
            }
        }
        RunResult::Reverted => {
            let _ = writeln!(
                out,
                "**What next:** the promotion was undone after its verification failed (above); the version is in {now}. Find out why the metric went bad, fix it, and promote again.\n"
            );
        }
        RunResult::Deferred => {
            let _ = writeln!(
                out,
                "**What next:** nothing was promoted; the version stays in {now}. A scheduled run inside the window promotes it, or run the workflow by hand.\n"
            );
        }
        _ => {}
    }
}

/// A URL made safe for a markdown link destination: no space or parenthesis can end it early.
fn link_url(u: &str) -> String {
    let mut out = String::with_capacity(u.len());
    for c in u.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '"' => out.push_str("%22"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The links line at the bottom: run, commit and the version in AppTrust. Also shown when the
/// run failed before the lifecycle was read (then the path line with run and commit is absent).
fn links_line(o: &Outcome, links: &Links, version_url: Option<&str>) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(url) = &links.run_url {
        let text = match &links.run_id {
            Some(id) => format!("workflow run #{}", escape(id)),
            None => "workflow run".to_string(),
        };
        parts.push(format!("[{text}]({})", link_url(url)));
    }
    if let Some(sha) = &links.sha {
        let short: String = sha.chars().take(7).collect();
        parts.push(match &links.commit_url {
            Some(u) => format!("[commit {}]({})", code(&short), link_url(u)),
            None => format!("commit {}", code(&short)),
        });
    }
    if let Some(u) = version_url {
        parts.push(format!(
            "[{} {} in AppTrust]({})",
            escape(&o.application),
            escape(&o.version),
            link_url(u)
        ));
    }
    (!parts.is_empty()).then(|| format!("**Links:** {}\n\n", parts.join(" · ")))
}

/// Renders the whole summary.
pub fn render(o: &Outcome, links: &Links) -> String {
    render_with(o, links, None)
}

/// Renders the whole summary, linking the version's AppTrust page when `version_url` is given
/// (see [`crate::report::apptrust_version_url`]).
pub(crate) fn render_with(o: &Outcome, links: &Links, version_url: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", headline(o));
    out.push_str(&super::stop_callout::render(o).unwrap_or_default());
    if let Some(line) = path_line(o, links) {
        let _ = writeln!(out, "{line}\n");
    }
    if let Some(reason) = &o.hotfix_reason {
        let _ = writeln!(out, "> 🚑 **Hotfix** — reason: {}\n", escape(reason));
    }
    for n in &o.notes {
        let _ = writeln!(out, "> ℹ️ {}\n", escape(n));
    }
    for w in &o.warnings {
        let _ = writeln!(out, "> ⚠️ {}\n", escape(w));
    }
    hop_table(o, &mut out);
    super::rollback_list::table(o, &mut out);
    super::changes::render(o, &mut out);
    gate_tables(o, &mut out);
    evaluations(o, &mut out);
    super::test_changes::render(o, &mut out);
    findings(o, &mut out);
    history(o, &mut out);
    next_steps(o, &mut out);
    // The links live in the footer so a cut for size never drops them.
    let mut footer = links_line(o, links, version_url).unwrap_or_default();
    let _ = write!(footer, "<sub>promote-action {}", env!("CARGO_PKG_VERSION"));
    if let Some(p) = &links.policy {
        let _ = write!(footer, " · policy {}", code(p));
    }
    if let Some(r) = &links.record {
        let _ = write!(footer, " · record {}", code(r));
    }
    footer.push_str("</sub>\n");
    truncate(out, &footer)
}

/// Keeps the summary under [`MAX_BYTES`], cutting at a line boundary and saying so.
fn truncate(mut body: String, footer: &str) -> String {
    const NOTE: &str = "\n\n_The summary was cut to stay under GitHub's 1 MiB limit; the JSON record has everything._\n\n";
    let budget = MAX_BYTES - footer.len() - NOTE.len();
    if body.len() > budget {
        let mut cut_at = budget;
        while !body.is_char_boundary(cut_at) {
            cut_at -= 1;
        }
        if let Some(nl) = body[..cut_at].rfind('\n') {
            cut_at = nl;
        }
        body.truncate(cut_at);
        // Close a <details> block that the cut left open, so the footer renders.
        if body.matches("<details>").count() > body.matches("</details>").count() {
            body.push_str("\n</details>");
        }
        body.push_str(NOTE);
    }
    body.push_str(footer);
    body
}

#[cfg(test)]
#[path = "tests_summary.rs"]
mod tests;
