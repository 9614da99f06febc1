//! The summary of `promote-action gates`: one stage's file-based gates judged on a developer's
//! machine or in a pull request — a headline saying whether the stage would pass, then the same
//! gate table and collapsed failures as the job summary of a promotion.
//!
//! Pure: the verdict in, markdown out. The gates that need JFrog or GitHub are rows marked
//! `skip` with the reason, so nobody reads a local pass as the whole answer.

use std::fmt::Write;

use super::markdown::{code, escape};
use super::tables::{findings, gate_tables};
use crate::gates::{GateStatus, StageVerdict};
use crate::inputs::Command;
use crate::promotion::outcome::Outcome;

/// The markdown summary of one stage's local verdict. `stage` is the name shown (as the policy
/// writes it), `policy` the policy file read.
pub(crate) fn summary(stage: &str, policy: &str, verdict: &StageVerdict) -> String {
    let mut o = Outcome::new(Command::Plan, "", "");
    o.gates = verdict.gates.clone();
    o.findings = verdict.findings.clone();
    o.findings_total = verdict.findings_total;
    let failed: Vec<&str> = verdict
        .gates
        .iter()
        .filter(|g| g.status == GateStatus::Fail)
        .map(|g| g.gate.as_str())
        .collect();
    let count = |s: GateStatus| verdict.gates.iter().filter(|g| g.status == s).count();
    let (passed, skipped) = (
        count(GateStatus::Pass) + count(GateStatus::Warn),
        count(GateStatus::Skip),
    );
    let mut out = String::new();
    if failed.is_empty() {
        let _ = writeln!(
            out,
            "## ✅ {} would pass its file-based gates\n",
            escape(stage)
        );
    } else {
        let names: Vec<String> = failed.iter().map(|n| escape(n)).collect();
        let _ = writeln!(
            out,
            "## ❌ {} would be blocked by {}\n",
            escape(stage),
            names.join(", ")
        );
    }
    let _ = writeln!(
        out,
        "{passed} passed, {} failed, {skipped} skipped — the reports in this workspace judged against {} with `promote-action gates`; nothing was read from JFrog or GitHub.{}\n",
        failed.len(),
        code(policy),
        if skipped > 0 {
            " Skipped gates are judged when the action promotes."
        } else {
            ""
        }
    );
    gate_tables(&o, &mut out);
    findings(&o, &mut out);
    for w in &verdict.warnings {
        let _ = writeln!(out, "> ⚠️ {}\n", escape(w));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gates::GateResult;

    fn row(gate: &str, kind: &str, status: GateStatus, detail: &str) -> GateResult {
        GateResult {
            stage: "QA".into(),
            gate: gate.into(),
            kind: kind.into(),
            status,
            detail: detail.into(),
            figure: "12 tests, 0 failed".into(),
            threshold: "≤ 0 failures".into(),
        }
    }

    #[test]
    fn a_passing_stage_says_what_was_not_judged() {
        let v = StageVerdict {
            gates: vec![
                row("unit tests", "tests", GateStatus::Pass, ""),
                row(
                    "signed <evidence>",
                    "evidence",
                    GateStatus::Skip,
                    "needs JFrog",
                ),
            ],
            ..StageVerdict::default()
        };
        let md = summary("QA", ".github/promotion-policy.yml", &v);
        assert!(
            md.starts_with("## ✅ QA would pass its file-based gates"),
            "{md}"
        );
        assert!(md.contains("1 passed, 0 failed, 1 skipped"), "{md}");
        assert!(md.contains("### Gates for QA"), "{md}");
        assert!(
            md.contains("| unit tests | tests | 12 tests, 0 failed |"),
            "{md}"
        );
        assert!(md.contains("signed &lt;evidence&gt;"), "escaped: {md}");
    }

    #[test]
    fn a_failing_stage_names_its_failed_gates() {
        let v = StageVerdict {
            gates: vec![
                row("unit tests", "tests", GateStatus::Fail, "1 failed"),
                row("coverage", "coverage", GateStatus::Pass, ""),
            ],
            ..StageVerdict::default()
        };
        let md = summary("QA", "p.yml", &v);
        assert!(
            md.starts_with("## ❌ QA would be blocked by unit tests\n"),
            "{md}"
        );
        assert!(md.contains("1 passed, 1 failed, 0 skipped"), "{md}");
    }
}
