//! The tables of the job summary that explain a decision: per stage, each gate with its figure,
//! threshold and verdict (and, for a gate with no evidence, why), the evidence records judged,
//! AppTrust's own evaluations, and the failing tests and findings behind a failed gate
//! (collapsed).

use std::fmt::Write;

use super::markdown::{code, cut, escape};
use crate::gates::{GateResult, GateStatus, NO_EVIDENCE, readiness};
use crate::promotion::outcome::Outcome;

/// Longest reason shown under a gate table: far above any reader's message, a bound only
/// against a hostile report.
const MAX_REASON_CHARS: usize = 4_000;

/// Rows shown per details table (and history rows in the summary).
pub(super) const MAX_ROWS: usize = 50;

/// Evidence records shown per stage; the record file has them all.
const MAX_EVIDENCE_ROWS: usize = 50;

pub(super) fn gate_tables(o: &Outcome, out: &mut String) {
    let mut stages: Vec<&str> = Vec::new();
    for g in &o.gates {
        if !stages.contains(&g.stage.as_str()) {
            stages.push(&g.stage);
        }
    }
    for stage in stages {
        let _ = writeln!(out, "### Gates for {}\n", escape(o.display(stage)));
        out.push_str("| gate | kind | figure | threshold | verdict |\n|---|---|---|---|---|\n");
        for g in o.gates.iter().filter(|g| g.stage == stage) {
            // A no-break space: a wrapped verdict column showed the icon and the word on two lines.
            let verdict = match g.status {
                GateStatus::Pass => "✅\u{a0}pass",
                GateStatus::Fail => "❌\u{a0}fail",
                GateStatus::Warn => "⚠️\u{a0}warn",
                GateStatus::Skip => "⏭️\u{a0}skip",
            };
            // Approvals, windows and freezes are decisions, not measurements: the detail (who
            // approved, which window) is what a reviewer needs, so it follows the short figure.
            // Skipped gates say why they were skipped the same way.
            let decision = matches!(
                g.kind.as_str(),
                "approvals" | "windows" | "freezes" | "emergency-stop" | readiness::KIND
            ) || g.status == GateStatus::Skip
                // What the running system said when it said no: which series, which status,
                // when the bake time is reached.
                || (matches!(g.kind.as_str(), "bake" | "prometheus" | "health")
                    && g.status != GateStatus::Pass);
            let combined;
            let figure = if unread(g) {
                "no evidence (why: below)"
            } else if g.figure.is_empty() || g.figure == "—" {
                &g.detail
            } else if decision && !g.detail.is_empty() && g.detail != g.figure {
                combined = format!("{} — {}", g.figure, g.detail);
                &combined
            } else {
                &g.figure
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape(&g.gate),
                escape(&g.kind),
                escape(&cut(figure, 600)),
                escape(&g.threshold),
                verdict
            );
        }
        out.push('\n');
        no_evidence_reasons(o, stage, out);
        evidence_table(o, stage, out);
        super::attestation_table::attestation_table(o, stage, out);
    }
}

/// A failed gate that had nothing to judge: its report, the evidence or the GitHub facts could
/// not be read. Its figure says only "no evidence"; the reason is what the reviewer needs.
fn unread(g: &GateResult) -> bool {
    g.status == GateStatus::Fail && g.figure == NO_EVIDENCE
}

/// Why each gate of `stage` had no evidence, in full (the log has the same words): a truncated
/// or unknown report, an empty file, a glob that matched nothing, a pointer that does not
/// resolve.
fn no_evidence_reasons(o: &Outcome, stage: &str, out: &mut String) {
    let rows: Vec<&GateResult> = o
        .gates
        .iter()
        .filter(|g| g.stage == stage && unread(g))
        .collect();
    if rows.is_empty() {
        return;
    }
    out.push_str("**Why there is no evidence:**\n\n");
    for g in rows {
        let _ = writeln!(
            out,
            "- **{}**: {}",
            escape(&g.gate),
            escape(&cut(&g.detail, MAX_REASON_CHARS))
        );
    }
    out.push('\n');
}

/// The records an `evidence` gate judged: who signed each, and why one failed.
fn evidence_table(o: &Outcome, stage: &str, out: &mut String) {
    let rows: Vec<_> = o.evidence.iter().filter(|r| r.stage == stage).collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "Evidence for {} — {} record{} judged\n",
        escape(o.display(stage)),
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    out.push_str("| predicate type | signer | verdict | reason |\n|---|---|---|---|\n");
    for r in rows.iter().take(MAX_EVIDENCE_ROWS) {
        let icon = match r.status {
            GateStatus::Pass => "✅",
            GateStatus::Warn => "⚠️",
            GateStatus::Fail => "❌",
            GateStatus::Skip => "⏭️",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {icon}\u{a0}{} | {} |",
            escape(&r.predicate_type),
            escape(&cut(&r.signer, 120)),
            escape(&r.verdict),
            escape(&cut(&r.reason, 300)),
        );
    }
    if rows.len() > MAX_EVIDENCE_ROWS {
        let more = rows.len() - MAX_EVIDENCE_ROWS;
        let _ = writeln!(
            out,
            "\n_and {more} more record{} (the record file lists them all)_",
            if more == 1 { "" } else { "s" }
        );
    }
    out.push('\n');
}

pub(super) fn evaluations(o: &Outcome, out: &mut String) {
    // Per hop, the exit gate of the stage left comes before the entry gate of the stage entered.
    let evals: Vec<_> = o
        .hops
        .iter()
        .flat_map(|h| {
            let mut e: Vec<_> = h.evaluations.iter().collect();
            e.sort_by_key(|e| e.gate != "exit_gate");
            e
        })
        .collect();
    if evals.is_empty() {
        return;
    }
    // A plan's rows are AppTrust's answer to a dry run, not a promotion's record.
    let title = if o.command == crate::inputs::Command::Plan {
        "AppTrust's verdict (dry run)"
    } else {
        "AppTrust policy evaluations"
    };
    let ids = evals.iter().any(|e| !e.eval_id.is_empty());
    let _ = write!(
        out,
        "### {title}\n\n| stage | gate | decision | explanation |{}\n|---|---|---|---|{}\n",
        if ids { " evaluation |" } else { "" },
        if ids { "---|" } else { "" }
    );
    for e in evals {
        let icon = match e.decision.as_str() {
            "pass" => "✅",
            "fail" => "❌",
            _ => "⚠️",
        };
        let id = if ids && e.eval_id.is_empty() {
            " — |".to_string()
        } else if ids {
            format!(" {} |", code(&e.eval_id))
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {icon} {} | {} |{id}",
            escape(o.display(&e.stage)),
            escape(&e.gate),
            escape(&e.decision),
            escape(&cut(&e.explanation, 500))
        );
    }
    out.push('\n');
}

pub(super) fn findings(o: &Outcome, out: &mut String) {
    for (category, noun) in [("test", "failing test"), ("finding", "security finding")] {
        let items: Vec<_> = o
            .findings
            .iter()
            .filter(|f| f.category == category)
            .collect();
        if items.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<details><summary>{} {noun}{}</summary>\n",
            items.len(),
            if items.len() == 1 { "" } else { "s" }
        );
        out.push_str("| name | location | message |\n|---|---|---|\n");
        for f in items.iter().take(MAX_ROWS) {
            let location = match (&f.file, f.line) {
                (Some(file), Some(line)) => format!("{}:{line}", escape(file)),
                (Some(file), None) => escape(file),
                _ => "—".into(),
            };
            let _ = writeln!(
                out,
                "| {} | {location} | {} |",
                code(&cut(&f.title, 200)),
                escape(&cut(&f.message, 300))
            );
        }
        if items.len() > MAX_ROWS {
            let _ = writeln!(out, "\nand {} more", items.len() - MAX_ROWS);
        }
        out.push_str("\n</details>\n\n");
    }
    if o.findings_total > o.findings.len() {
        let more = o.findings_total - o.findings.len();
        let _ = writeln!(
            out,
            "_{more} more {} not listed; see the report files._\n",
            if more == 1 {
                "failure is"
            } else {
                "failures are"
            }
        );
    }
}
