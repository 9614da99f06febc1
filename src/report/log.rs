//! What the action prints to the job log besides workflow outputs: one line per gate verdict
//! (stages that passed folded into a `::group::`), one line per hop, and the lines that close a
//! run (its warnings and failing items as annotations, the result line, and the `::error` that
//! says what happened — naming each failed gate with its figure — and what to do).
//!
//! Pure renderers: the caller writes the text to the log, which passes the run's redactor
//! ([`crate::secret::RedactingWriter`]).

use super::commands::{self, Level};
use super::markdown::cut;
use crate::gates::{GateResult, GateStatus, StageVerdict};
use crate::promotion::lifecycle::Lifecycle;
use crate::promotion::outcome::{Hop, HopStatus, Outcome, RunResult};

/// The runner turns only the first 10 annotations of each level into UI annotations; the rest
/// are in the summary's collapsed tables.
const MAX_ANNOTATIONS: usize = 10;

/// Longest gate detail quoted in the blocked `::error`, in characters.
const MAX_DETAIL: usize = 200;
/// Longest emergency-stop detail quoted (the title is already cut to 120 characters).
const MAX_STOP_DETAIL: usize = 600;
/// Failed gates named one by one in the blocked `::error`.
const MAX_NAMED: usize = 10;

/// One gate's verdict: `QA · line coverage: line coverage 61.0 % is below 80 % → fail`. A pass
/// shows the figure and the bound it met; anything else shows why.
pub fn verdict_line(stage: &str, g: &GateResult) -> String {
    let (what, status) = match g.status {
        GateStatus::Pass if g.threshold.is_empty() => (g.figure.clone(), "pass"),
        GateStatus::Pass => (format!("{}, needs {}", g.figure, g.threshold), "pass"),
        GateStatus::Fail => (g.detail.clone(), "fail"),
        GateStatus::Warn => (g.detail.clone(), "warn"),
        GateStatus::Skip => (g.detail.clone(), "skip"),
    };
    format!(
        "{stage} · {}: {} → {status}\n",
        commands::neutralise(&g.gate),
        commands::neutralise(&what)
    )
}

/// The verdict lines of one stage: folded into a `::group::` when nothing failed, so the log
/// opens on what matters; printed in full otherwise.
pub fn stage_verdicts(lifecycle: &Lifecycle, stage: &str, v: &StageVerdict) -> String {
    if v.gates.is_empty() {
        return String::new();
    }
    let name = lifecycle.display(stage);
    let lines: String = v.gates.iter().map(|g| verdict_line(name, g)).collect();
    if v.gates.iter().any(|g| g.status == GateStatus::Fail) {
        return lines;
    }
    let n = v.gates.len();
    format!(
        "::group::{name} · {n} {} passed\n{lines}::endgroup::\n",
        if n == 1 { "check" } else { "checks" }
    )
}

/// `promote-action: DEV → QA: done (12 ms)`, with the hop's message when it has one.
pub fn hop_line(lifecycle: &Lifecycle, hop: &Hop) -> String {
    let name = |s: &str| {
        if s.is_empty() {
            "(no stage)".to_string()
        } else {
            lifecycle.display(s).to_string()
        }
    };
    let status = match hop.status {
        HopStatus::Done => "done",
        HopStatus::Planned => "planned",
        HopStatus::Blocked => "BLOCKED",
        HopStatus::Failed => "FAILED",
        HopStatus::NotReached => "not reached",
    };
    let took = hop
        .duration_ms
        .map(|ms| format!(" ({ms} ms)"))
        .unwrap_or_default();
    let message = if hop.message.is_empty() {
        String::new()
    } else {
        format!(" — {}", commands::neutralise(&hop.message))
    };
    format!(
        "promote-action: {} → {}: {status}{took}{message}\n",
        name(&hop.from),
        name(&hop.to)
    )
}

/// The closing lines of a run: warnings and failing items as annotations, the result line, and
/// the error of a failed or blocked run.
pub fn closing(outcome: &Outcome) -> String {
    let mut out = String::new();
    for w in outcome.warnings.iter().take(MAX_ANNOTATIONS) {
        out.push_str(&commands::annotation(
            Level::Warning,
            "promote-action",
            w,
            None,
            None,
        ));
    }
    for f in outcome.findings.iter().take(MAX_ANNOTATIONS) {
        out.push_str(&commands::annotation(
            Level::Error,
            &f.title,
            &f.message,
            f.file.as_deref(),
            f.line,
        ));
    }
    out.push_str(&format!(
        "promote-action: result={} version={} from={} to={}\n",
        outcome.result.as_str(),
        commands::neutralise(&outcome.version),
        outcome.from_stage,
        outcome.to_stage
    ));
    if let Some((title, message)) = final_error(outcome) {
        out.push_str(&commands::annotation(
            Level::Error,
            &title,
            &message,
            None,
            None,
        ));
    }
    out
}

/// Title and message of the `::error` that ends a failed or blocked run; `None` otherwise.
fn final_error(outcome: &Outcome) -> Option<(String, String)> {
    if let Some(f) = &outcome.failure {
        let where_now = if outcome.to_stage.is_empty() {
            String::new()
        } else {
            format!(" The version is in {}.", outcome.display(&outcome.to_stage))
        };
        let stop = if where_now.is_empty() || f.message.ends_with('.') {
            ""
        } else {
            "."
        };
        return Some((f.title.clone(), format!("{}{stop}{where_now}", f.message)));
    }
    if outcome.result != RunResult::Blocked {
        return None;
    }
    let failed: Vec<String> = outcome
        .gates
        .iter()
        .filter(|g| g.status == GateStatus::Fail)
        .map(|g| {
            // The stop's detail is what to do (which issue, its link): never cut it short.
            let max = if g.kind == crate::gates::stop::GATE {
                MAX_STOP_DETAIL
            } else {
                MAX_DETAIL
            };
            format!("{} ({})", g.gate, cut(&g.detail, max))
        })
        .collect();
    let stopped = outcome
        .hops
        .iter()
        .find(|h| h.status == HopStatus::Blocked)
        .map(|h| outcome.display(&h.to).to_string())
        .unwrap_or_default();
    let stays = outcome.display(&outcome.to_stage);
    let message = if failed.is_empty() {
        format!("promotion to {stopped} was blocked by policy; the version stays in {stays}")
    } else {
        let more = failed.len().saturating_sub(MAX_NAMED);
        let mut named = failed
            .into_iter()
            .take(MAX_NAMED)
            .collect::<Vec<_>>()
            .join("; ");
        if more > 0 {
            named.push_str(&format!("; and {more} more (see the job summary)"));
        }
        format!(
            "promotion to {stopped} was blocked by failed gates: {named}; the version stays in {stays}"
        )
    };
    Some(("promote-action: blocked".to_string(), message))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(
        gate: &str,
        status: GateStatus,
        figure: &str,
        threshold: &str,
        detail: &str,
    ) -> GateResult {
        GateResult {
            stage: "p-QA".into(),
            gate: gate.into(),
            kind: "coverage".into(),
            status,
            detail: detail.into(),
            figure: figure.into(),
            threshold: threshold.into(),
        }
    }

    fn lifecycle() -> Lifecycle {
        Lifecycle {
            stages: vec!["p-DEV".into(), "p-QA".into(), "PROD".into()],
            release_stage: "PROD".into(),
            project: Some("p".into()),
        }
    }

    #[test]
    fn verdict_lines_show_the_figure_or_the_reason() {
        let table = [
            (
                g("cov", GateStatus::Pass, "line 85.0 %", "line ≥ 80 %", "ok"),
                "QA · cov: line 85.0 %, needs line ≥ 80 % → pass\n",
            ),
            (
                g(
                    "cov",
                    GateStatus::Fail,
                    "line 61.0 %",
                    "line ≥ 80 %",
                    "line coverage 61.0 % is below 80 %",
                ),
                "QA · cov: line coverage 61.0 % is below 80 % → fail\n",
            ),
            (
                g(
                    "windows",
                    GateStatus::Skip,
                    "—",
                    "—",
                    "skipped by hotfix: CVE",
                ),
                "QA · windows: skipped by hotfix: CVE → skip\n",
            ),
            (
                g("x\n::error::boom", GateStatus::Warn, "", "", "a\nb"),
                "QA · x ::error::boom: a b → warn\n",
            ),
        ];
        for (gate, want) in table {
            assert_eq!(verdict_line("QA", &gate), want);
        }
    }

    #[test]
    fn passing_stages_are_folded_failing_ones_are_not() {
        let pass = StageVerdict {
            gates: vec![g("cov", GateStatus::Pass, "line 85.0 %", "line ≥ 80 %", "")],
            ..StageVerdict::default()
        };
        let text = stage_verdicts(&lifecycle(), "p-QA", &pass);
        assert!(text.starts_with("::group::QA · 1 check passed\n"), "{text}");
        assert!(text.ends_with("::endgroup::\n"), "{text}");
        let fail = StageVerdict {
            gates: vec![
                g("cov", GateStatus::Pass, "line 85.0 %", "line ≥ 80 %", ""),
                g("tests", GateStatus::Fail, "", "", "2 tests failed"),
            ],
            ..StageVerdict::default()
        };
        let text = stage_verdicts(&lifecycle(), "p-QA", &fail);
        assert!(!text.contains("::group::"), "{text}");
        assert_eq!(text.lines().count(), 2);
        assert_eq!(
            stage_verdicts(&lifecycle(), "p-QA", &StageVerdict::default()),
            ""
        );
    }
}
