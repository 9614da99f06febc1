//! Sentences the log, the job summary and the annotations share, so they say the same thing: a
//! plan's verdict per stage ("QA would pass, STAGING would be blocked by security scan") and the
//! failed gates behind a blocked run, each with its reason in full.
//!
//! Plain text: callers escape for markdown or neutralise for the log.

use crate::gates::{GateResult, GateStatus};
use crate::lifecycle::HopAction;
use crate::promotion::outcome::{HopStatus, Outcome};

/// Failed gates named per stage in a plan's verdict before "and N more".
const NAMED_PER_STAGE: usize = 3;

/// The failed gates of `stage`.
pub(crate) fn failed_in<'a>(o: &'a Outcome, stage: &str) -> Vec<&'a GateResult> {
    o.gates
        .iter()
        .filter(|g| g.stage == stage && g.status == GateStatus::Fail)
        .collect()
}

/// Why a run was reverted, in a few words: `PROD verification failed 4m into the watch`.
pub(crate) fn reverted_because(o: &Outcome) -> String {
    match o.verification.iter().find(|v| v.ended == "failed") {
        Some(v) => format!(
            "{} verification failed {} into the watch",
            o.display(&v.stage),
            v.at.as_deref().unwrap_or("0s")
        ),
        None => "a verification failed".to_string(),
    }
}

/// Why a run was deferred, in a few words: a bake time not reached yet, or a closed window.
pub(crate) fn deferral(o: &Outcome) -> &'static str {
    if o.hops.iter().any(|h| h.message.contains("bake time")) {
        "the bake time is not reached yet"
    } else {
        "the promotion window is closed"
    }
}

/// Every stage a plan judged, in path order: `QA would pass`, `STAGING would be blocked by
/// security scan, performance`, `PROD would be deferred (…)`.
pub(crate) fn plan_verdicts(o: &Outcome) -> Vec<String> {
    o.hops
        .iter()
        .filter(|h| h.action != HopAction::Rollback)
        .map(|h| {
            let stage = o.display(&h.to);
            match h.status {
                HopStatus::Blocked => {
                    let failed = failed_in(o, &h.to);
                    let mut names: Vec<&str> = failed
                        .iter()
                        .take(NAMED_PER_STAGE)
                        .map(|g| g.gate.as_str())
                        .collect();
                    let more = failed.len().saturating_sub(NAMED_PER_STAGE);
                    let more = if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    };
                    if names.is_empty() {
                        names.push("AppTrust's policy");
                    }
                    format!("{stage} would be blocked by {}{more}", names.join(", "))
                }
                HopStatus::NotReached if h.message.contains("bake time") => {
                    format!("{stage} would be deferred (bake time)")
                }
                HopStatus::NotReached => format!("{stage} would be deferred (window closed)"),
                _ => format!("{stage} would pass"),
            }
        })
        .collect()
}

/// `gate: reason` for each failed gate, the stage first when the run judged several stages.
/// Reasons are never cut: they are the "why" a reviewer needs.
pub(crate) fn failed_reasons(o: &Outcome) -> Vec<String> {
    let failed: Vec<&GateResult> = o
        .gates
        .iter()
        .filter(|g| g.status == GateStatus::Fail)
        .collect();
    let several_stages = failed.iter().any(|g| g.stage != failed[0].stage);
    failed
        .iter()
        .map(|g| {
            if several_stages {
                format!("{} · {}: {}", o.display(&g.stage), g.gate, g.detail)
            } else {
                format!("{}: {}", g.gate, g.detail)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Command;
    use crate::promotion::test_outcomes::{OutcomeBuilder, hop};

    fn gate(stage: &str, name: &str, status: GateStatus) -> GateResult {
        GateResult {
            stage: stage.into(),
            gate: name.into(),
            kind: "json".into(),
            status,
            detail: format!("{name} is off"),
            figure: String::new(),
            threshold: String::new(),
        }
    }

    fn plan() -> Outcome {
        let to = |stage, status| hop("", stage, HopAction::Promote, status);
        OutcomeBuilder::new(Command::Plan, "app", "1.0")
            .lifecycle("p", &["p-QA", "p-STAGING", "PROD"])
            .hop(to("p-QA", HopStatus::Planned))
            .hop(to("p-STAGING", HopStatus::Blocked))
            .hop(to("PROD", HopStatus::Blocked))
            .gate(gate("p-QA", "tests", GateStatus::Pass))
            .gate(gate("p-STAGING", "scan", GateStatus::Fail))
            .gate(gate("PROD", "a", GateStatus::Fail))
            .gate(gate("PROD", "b", GateStatus::Fail))
            .gate(gate("PROD", "c", GateStatus::Fail))
            .gate(gate("PROD", "d", GateStatus::Fail))
            .build()
    }

    #[test]
    fn a_plan_says_what_each_stage_would_do() {
        assert_eq!(
            plan_verdicts(&plan()),
            [
                "QA would pass",
                "STAGING would be blocked by scan",
                "PROD would be blocked by a, b, c and 1 more"
            ]
        );
    }

    #[test]
    fn reasons_are_whole_and_name_the_stage_when_several_failed() {
        let reasons = failed_reasons(&plan());
        assert_eq!(reasons[0], "STAGING · scan: scan is off");
        assert_eq!(reasons.len(), 5);
        let mut one = plan();
        one.gates.retain(|g| g.stage != "PROD");
        one.gates[1].detail = "x".repeat(900);
        let reasons = failed_reasons(&one);
        assert_eq!(reasons, [format!("scan: {}", "x".repeat(900))]);
    }
}
