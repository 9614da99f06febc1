//! What the action prints to the job log besides workflow outputs: one line per gate verdict
//! (stages that passed folded into a `::group::`), one line per hop, and the lines that close a
//! run (its warnings, unreadable reports and failing items as annotations, the result line, and
//! the `::error` that says what happened — naming each failed gate with its reason, whole — and
//! what to do).
//!
//! Pure renderers: the caller writes the text to the log, which passes the run's redactor
//! ([`crate::secret::RedactingWriter`]).

use super::commands::{self, Level};
use super::wording;
use crate::gates::{Finding, GateResult, GateStatus, Severity, StageVerdict};
use crate::inputs::Command;
use crate::lifecycle::Lifecycle;
use crate::promotion::outcome::{Hop, HopStatus, Outcome, RunResult};

/// The runner turns only the first 10 annotations of each level into UI annotations; the rest
/// are in the summary's collapsed tables.
const MAX_ANNOTATIONS: usize = 10;

/// Failed gates named one by one in the blocked `::error`.
const MAX_NAMED: usize = 10;

/// One gate's verdict: `QA · line coverage: line coverage 61.0 % is below 80 % → fail`. A pass
/// shows the figure and the bound it met; anything else shows why.
pub(crate) fn verdict_line(stage: &str, g: &GateResult) -> String {
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
pub(crate) fn stage_verdicts(lifecycle: &Lifecycle, stage: &str, v: &StageVerdict) -> String {
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

pub fn stage_name(lifecycle: &Lifecycle, s: &str) -> String {
    if s.is_empty() {
        "(no stage)".to_string()
    } else {
        lifecycle.display(s).to_string()
    }
}

/// `DEV → QA`.
pub(crate) fn hop_name(lifecycle: &Lifecycle, hop: &Hop) -> String {
    format!(
        "{} → {}",
        stage_name(lifecycle, &hop.from),
        stage_name(lifecycle, &hop.to)
    )
}

/// AppTrust's decisions on a hop, one line each, as our gates' lines:
/// `QA · AppTrust entry gate (eval 0007): all entry gate policies passed → pass`.
pub(crate) fn apptrust_lines(lifecycle: &Lifecycle, hop: &Hop) -> String {
    // The exit gate of the stage left before the entry gate of the stage entered.
    let mut evaluations: Vec<_> = hop.evaluations.iter().collect();
    evaluations.sort_by_key(|e| e.gate != "exit_gate");
    evaluations
        .into_iter()
        .map(|e| {
            let id = if e.eval_id.is_empty() {
                String::new()
            } else {
                format!(" (evaluation {})", commands::neutralise(&e.eval_id))
            };
            format!(
                "{} · AppTrust {}{id}: {} → {}\n",
                stage_name(lifecycle, &e.stage),
                commands::neutralise(&e.gate.replace('_', " ")),
                commands::neutralise(&e.explanation),
                commands::neutralise(&e.decision)
            )
        })
        .collect()
}

/// `promote-action: DEV → QA: done (12 ms)`, with the hop's message when it has one.
pub(crate) fn hop_line(lifecycle: &Lifecycle, hop: &Hop) -> String {
    let name = |s: &str| stage_name(lifecycle, s);
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

/// A plan's hop: `promote-action: QA → STAGING: would be blocked by security scan`. The plan's
/// message already says what would happen, so no status word stands before it.
pub fn plan_hop_line(lifecycle: &Lifecycle, hop: &Hop) -> String {
    let verdict = if hop.message.is_empty() {
        "would pass".to_string()
    } else {
        commands::neutralise(&hop.message)
    };
    format!("promote-action: {}: {verdict}\n", hop_name(lifecycle, hop))
}

/// Category of a [`crate::gates::Finding`] about a report file a gate could not read: its
/// annotation points at that file (`file=`) and says why, and comes before the failing tests.
pub(crate) const REPORT_CATEGORY: &str = "report";

/// The closing lines of a run: warnings and failing items as annotations, the result line, and
/// the error of a failed or blocked run.
pub(crate) fn closing(outcome: &Outcome) -> String {
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
    // Unreadable reports first: without them, nothing else explains a gate with no evidence.
    // Each at its own level (a SARIF warning within its bounds is no error); the runner shows
    // the first MAX_ANNOTATIONS of each level.
    let (reports, items): (Vec<_>, Vec<_>) = outcome
        .findings
        .iter()
        .partition(|f| f.category == REPORT_CATEGORY);
    out.push_str(&finding_annotations(reports.into_iter().chain(items)));
    out.push_str(&format!(
        "promote-action: result={} version={} from={} to={}\n",
        outcome.result.as_str(),
        commands::neutralise(&outcome.version),
        outcome.from_stage,
        outcome.to_stage
    ));
    match outcome.failure.as_ref().map(|f| (&f.title, &f.places)) {
        // Problems at places in a file (a policy file's errors): one annotation on each line,
        // which already says what is wrong and what to do.
        Some((title, places)) if !places.is_empty() => {
            for p in places {
                out.push_str(&commands::annotation_at(
                    Level::Error,
                    title,
                    &p.message,
                    Some(&p.file),
                    Some(p.line),
                    Some(p.column),
                ));
            }
        }
        _ => {
            if let Some((title, message)) = final_error(outcome) {
                out.push_str(&commands::annotation(
                    Level::Error,
                    &title,
                    &message,
                    None,
                    None,
                ));
            }
        }
    }
    out
}

/// Title and message of the `::error` that ends a failed or blocked run; `None` otherwise.
/// Reasons are whole: one failed gate is one sentence, several are a list, one per line.
fn final_error(outcome: &Outcome) -> Option<(String, String)> {
    if let Some(f) = &outcome.failure {
        let where_now = if outcome.to_stage.is_empty() && !outcome.stage_read {
            String::new()
        } else {
            format!(" The version is in {}.", outcome.whereabouts())
        };
        // A message may end with a question ("did you mean `QA`?"): no full stop after it.
        let stop = if where_now.is_empty() || f.message.ends_with(['.', '?', '!']) {
            ""
        } else {
            "."
        };
        return Some((f.title.clone(), format!("{}{stop}{where_now}", f.message)));
    }
    if outcome.result == RunResult::Reverted {
        let failed: Vec<String> = outcome
            .gates
            .iter()
            .filter(|g| g.status == GateStatus::Fail)
            .map(|g| format!("{} {} ({})", g.gate, g.figure, g.detail))
            .collect();
        let message = format!(
            "{}: {}; the version was rolled back and is in {}",
            wording::reverted_because(outcome),
            failed.join("; "),
            outcome.whereabouts()
        );
        return Some(("promote-action: verification failed".to_string(), message));
    }
    if outcome.result != RunResult::Blocked {
        return None;
    }
    let stays = outcome.whereabouts();
    let reasons = wording::failed_reasons(outcome);
    if outcome.command == Command::Plan {
        let verdicts = wording::plan_verdicts(outcome).join(", ");
        let message = format!(
            "plan: {verdicts}; nothing was changed and the version stays in {stays}{}",
            list(&reasons)
        );
        return Some(("promote-action: plan blocked".to_string(), message));
    }
    let stopped = outcome
        .hops
        .iter()
        .find(|h| h.status == HopStatus::Blocked)
        .map(|h| outcome.display(&h.to).to_string())
        .unwrap_or_default();
    let failed: Vec<&GateResult> = outcome
        .gates
        .iter()
        .filter(|g| g.status == GateStatus::Fail)
        .collect();
    let message = match failed.as_slice() {
        [] => format!("promotion to {stopped} was blocked by policy; the version stays in {stays}"),
        [only] => format!(
            "promotion to {stopped} was blocked by a failed gate: {} ({}); the version stays in {stays}",
            only.gate, only.detail
        ),
        many => format!(
            "promotion to {stopped} was blocked by {} failed gates; the version stays in {stays}{}",
            many.len(),
            list(&reasons)
        ),
    };
    Some(("promote-action: blocked".to_string(), message))
}

/// `:` and one `- reason` line per reason (up to [`MAX_NAMED`], then how many more).
fn list(reasons: &[String]) -> String {
    if reasons.is_empty() {
        return String::new();
    }
    let mut out = String::from(":");
    for r in reasons.iter().take(MAX_NAMED) {
        out.push_str("\n- ");
        out.push_str(r);
    }
    if reasons.len() > MAX_NAMED {
        out.push_str(&format!(
            "\n- and {} more (see the job summary)",
            reasons.len() - MAX_NAMED
        ));
    }
    out
}

/// The failing tests and findings on their files, each at its own level: the runner shows the
/// first [`MAX_ANNOTATIONS`] of each level, so no more are written. A promotion's log and the
/// local `gates` command annotate them alike.
pub(crate) fn finding_annotations<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> String {
    let mut shown = [0usize; 3];
    let mut out = String::new();
    for f in findings {
        let (level, n) = match f.severity {
            Severity::Error => (Level::Error, &mut shown[0]),
            Severity::Warning => (Level::Warning, &mut shown[1]),
            Severity::Notice => (Level::Notice, &mut shown[2]),
        };
        if *n == MAX_ANNOTATIONS {
            continue;
        }
        *n += 1;
        out.push_str(&commands::annotation(
            level,
            &f.title,
            &f.message,
            f.file.as_deref(),
            f.line,
        ));
    }
    out
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
