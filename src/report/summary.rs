//! The job summary: what a reviewer reads on the run page.
//!
//! First the verdict (result, version, from → to), then the lifecycle path with the current
//! position, the hops, the gates, AppTrust's evaluations, the first failures collapsed, and what
//! to do next. Pure: `Outcome` in, markdown out, bounded below GitHub's 1 MiB limit.

use std::fmt::Write;

use super::markdown::{code, cut, escape};
use super::tables::{evaluations, findings, gate_tables};
use crate::gates::GateStatus;
use crate::inputs::Command;
use crate::promotion::outcome::{HopAction, HopStatus, Outcome, RunResult};

/// GitHub drops summaries above 1 MiB entirely; stay well below.
pub const MAX_BYTES: usize = 1_000_000;
/// Rows shown per details table.
pub(super) const MAX_ROWS: usize = 50;

/// Links and provenance shown with the summary.
#[derive(Debug, Clone, Default)]
pub struct Links {
    /// Workflow run URL.
    pub run_url: Option<String>,
    /// Run id, for the link text.
    pub run_id: Option<String>,
    /// Commit SHA.
    pub sha: Option<String>,
    /// Commit URL.
    pub commit_url: Option<String>,
    /// Policy file and its digest.
    pub policy: Option<String>,
    /// Record file.
    pub record: Option<String>,
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
        RunResult::Planned => format!(
            "## 📝 Plan: {app} {version} {from} → {}",
            o.target_stage
                .as_deref()
                .map(|t| escape(o.display(t)))
                .unwrap_or(to)
        ),
        RunResult::Unchanged => format!("## ➖ {app} {version} already at {to}: nothing to do"),
        RunResult::Deferred => {
            format!("## ⏸️ {app} {version} deferred: the promotion window is closed")
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
    let now = if o.to_stage.is_empty() {
        "no stage".to_string()
    } else {
        escape(l.display(&o.to_stage))
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
        let _ = writeln!(
            out,
            "> {} → {}: {}\n",
            escape(o.display(&h.from)),
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
    match o.result {
        RunResult::Blocked => {
            let now = if o.to_stage.is_empty() {
                "no stage".to_string()
            } else {
                escape(o.display(&o.to_stage))
            };
            let _ = writeln!(
                out,
                "**What next:** fix the failures above and re-run; the version stays in {now} until every gate passes.\n\n\
                 Emergency? Re-run with `hotfix: true` and a `reason` (skips only what the policy's `hotfix.skip` lists).\n"
            );
        }
        RunResult::Failed => {
            if let Some(f) = &o.failure {
                let _ = writeln!(out, "**Error:** {}\n", escape(&f.message));
            }
            let now = if o.to_stage.is_empty() {
                "no stage".to_string()
            } else {
                escape(o.display(&o.to_stage))
            };
            let _ = writeln!(
                out,
                "**Where the version is:** {now}. A re-run resumes from there; nothing is promoted twice.\n"
            );
        }
        RunResult::Deferred => {
            let now = if o.to_stage.is_empty() {
                "no stage".to_string()
            } else {
                escape(o.display(&o.to_stage))
            };
            let _ = writeln!(
                out,
                "**What next:** nothing was promoted; the version stays in {now}. A scheduled run inside the window promotes it, or run the workflow by hand.\n"
            );
        }
        RunResult::Planned => {
            let _ = writeln!(
                out,
                "**What next:** this was a dry run; nothing was changed. Run with `command: promote` to apply it.\n"
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
/// (see `github::report::apptrust_version_url`).
pub fn render_with(o: &Outcome, links: &Links, version_url: Option<&str>) -> String {
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
    gate_tables(o, &mut out);
    evaluations(o, &mut out);
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
mod tests {
    use super::*;
    use crate::gates::{Finding, Severity};
    use crate::inputs::Command;
    use crate::promotion::lifecycle::Lifecycle;
    use crate::promotion::outcome::Hop;

    fn outcome() -> Outcome {
        let mut o = Outcome::new(Command::Promote, "inventory", "1.2.0");
        o.lifecycle = Some(Lifecycle {
            stages: ["bookverse-DEV", "bookverse-QA", "bookverse-STAGING", "PROD"]
                .map(String::from)
                .to_vec(),
            release_stage: "PROD".into(),
            project: Some("bookverse".into()),
        });
        o.from_stage = "bookverse-DEV".into();
        o.to_stage = "bookverse-QA".into();
        o.result = RunResult::Promoted;
        o.hops.push(Hop {
            from: "bookverse-DEV".into(),
            to: "bookverse-QA".into(),
            action: HopAction::Promote,
            promotion_type: "copy".into(),
            status: HopStatus::Done,
            duration_ms: Some(400),
            evaluations: vec![],
            message: String::new(),
        });
        o
    }

    #[test]
    fn promoted_summary_leads_with_the_verdict() {
        let s = render(&outcome(), &Links::default());
        assert!(
            s.starts_with("## ✅ inventory 1.2.0 promoted DEV → QA\n"),
            "{s}"
        );
        assert!(
            s.contains("`DEV` ✅ → **`QA`** ✅ → `STAGING` → `PROD`"),
            "{s}"
        );
        assert!(
            s.contains("| DEV → QA | ✅ promoted (copy) | — | 400 ms |"),
            "{s}"
        );
    }

    #[test]
    fn untrusted_text_is_escaped() {
        let mut o = outcome();
        o.findings.push(Finding {
            category: "test",
            severity: Severity::Error,
            title: "t`|x".into(),
            message: "<img src=x onerror=alert(1)> @team | ::error::boom".into(),
            file: Some("a|b.py".into()),
            line: Some(3),
        });
        o.findings_total = 1;
        let s = render(&o, &Links::default());
        assert!(!s.contains("<img"));
        assert!(s.contains("&lt;img"));
        assert!(!s.contains("@team"));
        assert!(s.contains("a&#124;b.py:3"));
    }

    #[test]
    fn a_huge_summary_stays_under_the_limit() {
        let mut o = outcome();
        o.result = RunResult::Blocked;
        for i in 0..100_000 {
            o.findings.push(Finding {
                category: if i % 2 == 0 { "test" } else { "finding" },
                severity: Severity::Error,
                title: format!("test_{i}"),
                message: "x".repeat(200),
                file: None,
                line: None,
            });
        }
        o.warnings = (0..20_000)
            .map(|i| format!("warning {i} {}", "y".repeat(60)))
            .collect();
        let s = render(&o, &Links::default());
        assert!(s.len() <= MAX_BYTES, "{}", s.len());
        assert!(s.contains("1 MiB limit"));
        assert!(s.ends_with("</sub>\n"));
    }

    // ---- snapshots: the whole summary for each kind of run, reviewed as text ----

    fn links() -> Links {
        Links {
            run_url: Some("https://github.com/bookverse/inventory/actions/runs/4242".into()),
            run_id: Some("4242".into()),
            sha: Some("0123456789abcdef0123456789abcdef01234567".into()),
            commit_url: Some(
                "https://github.com/bookverse/inventory/commit/0123456789abcdef0123456789abcdef01234567"
                    .into(),
            ),
            policy: Some(".github/promotion-policy.yml".into()),
            record: Some("promotion-record.json".into()),
        }
    }

    const VERSION_URL: &str =
        "https://acme.jfrog.io/ui/apptrust/applications/inventory/versions/1.2.0";

    fn gate(
        stage: &str,
        name: &str,
        kind: &str,
        status: GateStatus,
        figure: &str,
        threshold: &str,
        detail: &str,
    ) -> crate::gates::GateResult {
        crate::gates::GateResult {
            stage: stage.into(),
            gate: name.into(),
            kind: kind.into(),
            status,
            detail: detail.into(),
            figure: figure.into(),
            threshold: threshold.into(),
        }
    }

    fn hop(
        from: &str,
        to: &str,
        action: HopAction,
        status: HopStatus,
        ms: Option<u64>,
        message: &str,
    ) -> Hop {
        Hop {
            from: from.into(),
            to: to.into(),
            action,
            promotion_type: "copy".into(),
            status,
            duration_ms: ms,
            evaluations: vec![],
            message: message.into(),
        }
    }

    fn eval(
        stage: &str,
        gate: &str,
        decision: &str,
        explanation: &str,
    ) -> crate::apptrust::Evaluation {
        crate::apptrust::Evaluation {
            gate: gate.into(),
            stage: stage.into(),
            decision: decision.into(),
            explanation: explanation.into(),
        }
    }

    /// DEV → PROD with every kind of gate passing, approvals and a window included.
    fn passing() -> Outcome {
        let mut o = outcome();
        o.result = RunResult::Released;
        o.to_stage = "PROD".into();
        o.target_stage = Some("PROD".into());
        o.hops = vec![
            hop(
                "bookverse-DEV",
                "bookverse-QA",
                HopAction::Promote,
                HopStatus::Done,
                Some(420),
                "",
            ),
            hop(
                "bookverse-QA",
                "bookverse-STAGING",
                HopAction::Promote,
                HopStatus::Done,
                Some(1_350),
                "",
            ),
            hop(
                "bookverse-STAGING",
                "PROD",
                HopAction::Release,
                HopStatus::Done,
                Some(2_100),
                "",
            ),
        ];
        o.hops[2].evaluations = vec![
            eval(
                "PROD",
                "entry_gate",
                "pass",
                "all entry gate policies passed",
            ),
            eval(
                "bookverse-STAGING",
                "exit_gate",
                "pass",
                "all exit gate policies passed",
            ),
        ];
        o.gates = vec![
            gate(
                "bookverse-QA",
                "unit tests",
                "junit",
                GateStatus::Pass,
                "0 failed of 1,204 (2 skipped)",
                "failures ≤ 0",
                "1,204 tests, 0 failed",
            ),
            gate(
                "bookverse-QA",
                "line coverage",
                "coverage",
                GateStatus::Pass,
                "line 81.4 % (cobertura)",
                "line ≥ 80 %",
                "line 81.4 %",
            ),
            gate(
                "bookverse-STAGING",
                "security scan",
                "sarif",
                GateStatus::Warn,
                "0 errors, 3 warnings [bandit]",
                "error ≤ 0 · high ≤ 0",
                "within bounds",
            ),
            gate(
                "bookverse-STAGING",
                "required checks",
                "checks",
                GateStatus::Pass,
                "2 of 2 succeeded",
                "build, integration-tests",
                "every required check succeeded",
            ),
            gate(
                "PROD",
                "approvals",
                "approvals",
                GateStatus::Pass,
                "2 distinct",
                "≥ 2 distinct",
                "approved by alice, bob",
            ),
            gate(
                "PROD",
                "windows",
                "windows",
                GateStatus::Pass,
                "open",
                "inside a window, outside freezes",
                "inside the window mon,tue,wed,thu 09:00-16:00 America/New_York",
            ),
        ];
        o
    }

    /// Blocked before STAGING by a failing test, a security finding and AppTrust's own policy;
    /// the report texts are hostile on purpose.
    fn blocked() -> Outcome {
        let mut o = outcome();
        o.result = RunResult::Blocked;
        o.target_stage = Some("PROD".into());
        let mut stop = hop(
            "bookverse-QA",
            "bookverse-STAGING",
            HopAction::Promote,
            HopStatus::Blocked,
            None,
            "gates for STAGING failed; nothing was promoted to it",
        );
        stop.evaluations = vec![eval(
            "bookverse-STAGING",
            "entry_gate",
            "fail",
            "policy `no-critical-cves` failed: 1 critical CVE in inventory:1.2.0",
        )];
        o.hops.push(stop);
        o.hops.push(hop(
            "bookverse-STAGING",
            "PROD",
            HopAction::Release,
            HopStatus::NotReached,
            None,
            "",
        ));
        o.gates = vec![
            gate(
                "bookverse-QA",
                "unit tests",
                "junit",
                GateStatus::Pass,
                "0 failed of 1,204",
                "failures ≤ 0",
                "",
            ),
            gate(
                "bookverse-STAGING",
                "unit tests",
                "junit",
                GateStatus::Fail,
                "1 failed of 1,204 (2 skipped)",
                "max-failures 0",
                "1 tests failed",
            ),
            gate(
                "bookverse-STAGING",
                "line coverage",
                "coverage",
                GateStatus::Pass,
                "81.4 %",
                "≥ 80 %",
                "",
            ),
            gate(
                "bookverse-STAGING",
                "security scan",
                "sarif",
                GateStatus::Fail,
                "1 error, 3 warnings · high 1",
                "error ≤ 0 · high ≤ 0",
                "1 error",
            ),
            gate(
                "bookverse-STAGING",
                "freeze",
                "freezes",
                GateStatus::Skip,
                "frozen",
                "inside a window, outside freezes",
                "inside the freeze `year-end` until 2027-01-04; skipped by hotfix",
            ),
        ];
        o.findings = vec![
            Finding {
                category: "test",
                severity: Severity::Error,
                title: "tests.test_calc::test_grade[51-F]".into(),
                message: "assert 'C' == 'F' | <b>bold</b> @octocat ::error::x".into(),
                file: Some("tests/test_calc.py".into()),
                line: Some(14),
            },
            Finding {
                category: "finding",
                severity: Severity::Error,
                title: "B602".into(),
                message: "subprocess call with shell=True identified, security issue.".into(),
                file: Some("app/calc.py".into()),
                line: Some(18),
            },
        ];
        o.findings_total = 2;
        o
    }

    fn rolled_back() -> Outcome {
        let mut o = Outcome::new(Command::Rollback, "inventory", "1.2.0");
        o.lifecycle = outcome().lifecycle;
        o.result = RunResult::RolledBack;
        o.from_stage = "PROD".into();
        o.to_stage = "bookverse-STAGING".into();
        o.hops = vec![hop(
            "PROD",
            "bookverse-STAGING",
            HopAction::Rollback,
            HopStatus::Done,
            Some(640),
            "INC-1234: checkout errors after release",
        )];
        o
    }

    fn planned() -> Outcome {
        let mut o = outcome();
        o.command = Command::Plan;
        o.result = RunResult::Planned;
        o.to_stage = "bookverse-DEV".into();
        o.target_stage = Some("bookverse-STAGING".into());
        o.hops = vec![
            hop(
                "bookverse-DEV",
                "bookverse-QA",
                HopAction::Promote,
                HopStatus::Planned,
                None,
                "",
            ),
            hop(
                "bookverse-QA",
                "bookverse-STAGING",
                HopAction::Promote,
                HopStatus::Planned,
                None,
                "",
            ),
        ];
        o.gates = vec![
            gate(
                "bookverse-QA",
                "unit tests",
                "junit",
                GateStatus::Pass,
                "0 failed of 1,204",
                "failures ≤ 0",
                "",
            ),
            gate(
                "bookverse-STAGING",
                "approvals",
                "approvals",
                GateStatus::Pass,
                "1 distinct",
                "≥ 1 distinct",
                "approved by carol (the actor's own approval does not count)",
            ),
        ];
        o
    }

    fn deferred() -> Outcome {
        let mut o = outcome();
        o.result = RunResult::Deferred;
        o.from_stage = "bookverse-STAGING".into();
        o.to_stage = "bookverse-STAGING".into();
        o.target_stage = Some("PROD".into());
        o.hops = vec![hop(
            "bookverse-STAGING",
            "PROD",
            HopAction::Release,
            HopStatus::NotReached,
            None,
            "deferred: outside the promotion window",
        )];
        o.gates = vec![gate(
            "PROD",
            "windows",
            "windows",
            GateStatus::Fail,
            "closed",
            "inside a window, outside freezes",
            "outside every window; the next opens Mon 09:00 America/New_York",
        )];
        o.warnings.push(
            "Deferred before PROD: outside every window; the next opens Mon 09:00 America/New_York"
                .into(),
        );
        o
    }

    #[test]
    fn snapshot_passing() {
        insta::assert_snapshot!(render_with(&passing(), &links(), Some(VERSION_URL)));
    }

    #[test]
    fn snapshot_blocked() {
        let s = render_with(&blocked(), &links(), Some(VERSION_URL));
        assert!(!s.contains("<b>") && !s.contains("@octocat"), "{s}");
        insta::assert_snapshot!(s);
    }

    #[test]
    fn snapshot_rollback() {
        insta::assert_snapshot!(render_with(&rolled_back(), &links(), Some(VERSION_URL)));
    }

    #[test]
    fn snapshot_plan() {
        insta::assert_snapshot!(render_with(&planned(), &links(), None));
    }

    #[test]
    fn snapshot_deferred() {
        insta::assert_snapshot!(render_with(&deferred(), &Links::default(), None));
    }

    #[test]
    fn links_survive_a_cut_and_cannot_break_out() {
        let mut o = outcome();
        for i in 0..20_000 {
            o.warnings.push(format!("warning {i} {}", "y".repeat(60)));
        }
        let mut l = links();
        l.run_url = Some("https://x/runs/1) [evil](https://e".into());
        let s = render_with(&o, &l, Some(VERSION_URL));
        assert!(s.len() <= MAX_BYTES);
        assert!(
            s.contains("[workflow run #4242](https://x/runs/1%29%20[evil]%28https://e)"),
            "{}",
            &s[s.len() - 600..]
        );
        assert!(s.contains("[inventory 1.2.0 in AppTrust](https://acme.jfrog.io/"));
    }
}
