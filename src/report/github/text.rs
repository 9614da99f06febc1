//! Wording shared by every GitHub report: the stage a run is about, its one-line verdict, the
//! failed gates, warnings that name the fix, and bounding text to GitHub's size limits.

use crate::gates::GateStatus;
use crate::github::ApiError;
use crate::lifecycle::HopAction;
use crate::promotion::outcome::{Hop, HopStatus, Outcome, RunResult};
use crate::report::markdown::cut;

pub(super) fn is_failure(result: RunResult) -> bool {
    matches!(
        result,
        RunResult::Blocked | RunResult::Failed | RunResult::Reverted
    )
}

/// The stage a run is about, display form: the target, else the last stage attempted (for a
/// rollback, the stage rolled back from), else where the version is.
pub fn stage_of(o: &Outcome) -> String {
    let full = o
        .target_stage
        .clone()
        .or_else(|| {
            o.hops
                .iter()
                .rev()
                .find(|h| h.status != HopStatus::NotReached)
                .map(|h| deployment_stage(h).to_string())
        })
        .or_else(|| (!o.to_stage.is_empty()).then(|| o.to_stage.clone()));
    match full {
        Some(s) if !s.is_empty() => o.display(&s).to_string(),
        _ => "(no stage)".to_string(),
    }
}

/// The check-run conclusion for a result.
pub fn conclusion(result: RunResult) -> &'static str {
    match result {
        RunResult::Promoted
        | RunResult::Released
        | RunResult::Unchanged
        | RunResult::Planned
        | RunResult::RolledBack => "success",
        RunResult::Deferred => "neutral",
        RunResult::Blocked | RunResult::Failed | RunResult::Reverted => "failure",
    }
}

/// One plain-text line saying what happened (check-run title, webhook first line).
pub(super) fn verdict_line(o: &Outcome) -> String {
    let stage = |s: &str| {
        if s.is_empty() {
            "(no stage)".to_string()
        } else {
            o.display(s).to_string()
        }
    };
    let who = if o.version.is_empty() {
        o.application.clone()
    } else {
        format!("{} {}", o.application, o.version)
    };
    let from = stage(&o.from_stage);
    // Where the version is: "(no stage)" only when AppTrust said so, never for a run that
    // stopped before reading it.
    let to = if o.to_stage.is_empty() && !o.stage_read {
        "(not read)".to_string()
    } else {
        stage(&o.to_stage)
    };
    let target = stage_of(o);
    match o.result {
        RunResult::Promoted => format!("{who} promoted {from} → {to}"),
        RunResult::Released => format!("{who} released {from} → {to}"),
        RunResult::RolledBack => format!("{who} rolled back {from} → {to}"),
        RunResult::Reverted => format!(
            "{who} reverted: {}; back in {to}",
            crate::report::wording::reverted_because(o)
        ),
        RunResult::Planned => format!("plan: {who} {from} → {target}"),
        RunResult::Unchanged => format!("{who} already in {to}"),
        RunResult::Deferred => format!("{who} deferred: {}", crate::report::wording::deferral(o)),
        RunResult::Blocked => format!("{who} blocked before {target} (still in {to})"),
        RunResult::Failed => format!("{who} failed promoting to {target} (still in {to})"),
    }
}

/// Failed gates as `name (stage): detail`, one per entry.
pub(super) fn failed_gates(o: &Outcome) -> Vec<String> {
    o.gates
        .iter()
        .filter(|g| g.status == GateStatus::Fail)
        .map(|g| {
            format!(
                "{} ({}): {}",
                g.gate,
                o.display(&g.stage),
                cut(&g.detail, 300)
            )
        })
        .collect()
}

/// A warning naming the object, what GitHub said, and the fix.
pub(super) fn warning(what: &str, permission: &str, input: &str, e: &ApiError) -> String {
    let advice = match e.status {
        _ if e.rate_limited => "re-run the job later".to_string(),
        None => {
            "check `GITHUB_API_URL` and the runner's network, or re-run the job later".to_string()
        }
        Some(401) => "pass a valid `github-token`".to_string(),
        Some(403) if e.message.contains("not accessible") => format!(
            "the token cannot write here — read-only (pull requests from forks get read-only tokens) or without `{permission}`; add `permissions: {permission}` to the job, or set `{input}: false`"
        ),
        Some(403 | 404) => format!(
            "the token cannot see or change it; add `permissions: {permission}` to the job, or set `{input}: false`"
        ),
        Some(410) => format!(
            "the feature is disabled in this repository; enable it, or set `{input}: false`"
        ),
        Some(422) => "GitHub rejected the request as invalid; please report this".to_string(),
        Some(_) => "GitHub had a problem; re-run the job later".to_string(),
    };
    format!(
        "{what}: {}; {advice}. The promotion itself is not affected.",
        e.message
    )
}

/// Cuts markdown to `max` bytes (so also `max` characters) at a line boundary, closes a
/// `<details>` left open, and appends `note`.
pub(super) fn bounded(text: &str, max: usize, note: &str) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let budget = max.saturating_sub(note.len() + 16);
    let mut at = budget.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    if let Some(nl) = text[..at].rfind('\n') {
        at = nl;
    }
    let mut out = text[..at].to_string();
    if out.matches("<details>").count() > out.matches("</details>").count() {
        out.push_str("\n</details>");
    }
    out.push_str("\n\n");
    out.push_str(note);
    out
}

pub(super) fn cut_bytes(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut at = max.saturating_sub(3);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    format!("{}…", &s[..at])
}

/// The environment a hop concerns: where it went, or for a rollback the stage it left.
pub(super) fn deployment_stage(h: &Hop) -> &str {
    if h.action == HopAction::Rollback {
        &h.from
    } else {
        &h.to
    }
}
