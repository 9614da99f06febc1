//! What the action prints to the job log besides workflow outputs: one line per hop, and the
//! lines that close a run (its warnings and failing items as annotations, the result line, and
//! the `::error` that says what happened and what to do).
//!
//! Pure renderers: the caller writes the text (and redacts secrets from it).

use super::commands::{self, Level};
use crate::promotion::lifecycle::Lifecycle;
use crate::promotion::outcome::{Hop, HopStatus, Outcome, RunResult};

/// The runner turns only the first 10 annotations of each level into UI annotations; the rest
/// are in the summary's collapsed tables.
const MAX_ANNOTATIONS: usize = 10;

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
    let failed = outcome.failed_gates().join(", ");
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
        format!(
            "promotion to {stopped} was blocked by failed gates: {failed}; the version stays in {stays}"
        )
    };
    Some(("promote-action: blocked".to_string(), message))
}
