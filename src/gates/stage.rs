//! One stage's verdict: its gates over the gathered evidence, then windows and freezes, approvals
//! and what a hotfix may skip.
//!
//! Pure: every fact (evidence, approvals, the instant) is gathered before this runs, so the
//! decision can be tested table-style without a server or a clock.

use std::collections::BTreeMap;

use crate::evidence::facts::{Evidence, GitHubFacts};
use crate::gates::{self, GateResult, GateStatus, StageVerdict};
use crate::policy::schedule::{self, WindowDecision};
use crate::policy::{OnWindowClosed, Policy, StagePolicy};

/// What the decision needs to know about the run.
#[derive(Debug, Clone)]
pub struct RunFacts<'a> {
    /// Now (the only clock read happens in the caller).
    pub now: jiff::Timestamp,
    /// Whether this is a scheduled run (`on-window-closed: defer` applies).
    pub scheduled: bool,
    /// Hotfix run.
    pub hotfix: bool,
    /// Hotfix reason.
    pub reason: Option<&'a str>,
    /// Who triggered the run.
    pub actor: Option<&'a str>,
}

fn row(
    stage: &str,
    gate: &str,
    kind: &str,
    status: GateStatus,
    figure: String,
    threshold: String,
    detail: String,
) -> GateResult {
    GateResult {
        stage: stage.to_string(),
        gate: gate.to_string(),
        kind: kind.to_string(),
        status,
        detail,
        figure,
        threshold,
    }
}

/// Verdicts for every stage whose evidence was gathered (full stage name → verdict).
pub fn decide_path(
    policy: &Policy,
    evidence: &BTreeMap<String, Vec<Evidence>>,
    github: &GitHubFacts,
    facts: &RunFacts<'_>,
) -> BTreeMap<String, StageVerdict> {
    evidence
        .iter()
        .filter_map(|(stage, e)| {
            let sp = policy.stage(stage)?;
            Some((stage.clone(), decide(stage, sp, e, github, facts)))
        })
        .collect()
}

/// One stage's verdict from its policy and the gathered evidence (one entry per gate, in
/// policy order).
pub fn decide(
    stage: &str,
    sp: &StagePolicy,
    evidence: &[Evidence],
    github: &GitHubFacts,
    facts: &RunFacts<'_>,
) -> StageVerdict {
    let mut v = StageVerdict::default();
    let hotfix_skip = |what: &str| facts.hotfix && sp.hotfix_skips(what);
    let why_skip = format!("skipped by hotfix: {}", facts.reason.unwrap_or_default());
    for (gate, e) in sp.gates.iter().zip(evidence) {
        let eval = if hotfix_skip(&gate.name) {
            gates::skipped(stage, gate, &why_skip)
        } else {
            gates::evaluate(stage, gate, e)
        };
        v.findings.extend(eval.findings);
        v.findings_total += eval.findings_total;
        v.gates.push(eval.result);
    }
    // Windows and freezes.
    if !sp.windows.is_empty() || !sp.freezes.is_empty() {
        let decision = schedule::evaluate(&sp.windows, &sp.freezes, facts.now);
        let (status, figure, detail, closed) = match &decision {
            WindowDecision::Open { window } => (
                GateStatus::Pass,
                "open".to_string(),
                format!("inside the window {window}"),
                false,
            ),
            WindowDecision::NoWindows => (
                GateStatus::Pass,
                "no window".to_string(),
                "no promotion window configured".to_string(),
                false,
            ),
            WindowDecision::Closed { description, .. } => (
                GateStatus::Fail,
                "closed".to_string(),
                description.clone(),
                true,
            ),
            WindowDecision::Frozen { reason, until } => (
                GateStatus::Fail,
                "frozen".to_string(),
                format!("inside the freeze `{reason}` until {until}"),
                true,
            ),
        };
        let kind = if matches!(decision, WindowDecision::Frozen { .. }) {
            "freezes"
        } else {
            "windows"
        };
        let status = if closed && hotfix_skip(kind) {
            GateStatus::Skip
        } else {
            status
        };
        let detail = if status == GateStatus::Skip {
            format!("{detail}; {why_skip}")
        } else {
            detail
        };
        // A deferral is not a failure: the gate shows as a warning and failed-gates stays empty.
        let status = if closed
            && status == GateStatus::Fail
            && facts.scheduled
            && sp.on_window_closed == OnWindowClosed::Defer
        {
            v.deferred = Some(detail.clone());
            GateStatus::Warn
        } else {
            status
        };
        v.gates.push(row(
            stage,
            kind,
            kind,
            status,
            figure,
            "inside a window, outside freezes".into(),
            detail,
        ));
    }
    // Approvals.
    if let Some(a) = &sp.approvals {
        let gate = if hotfix_skip("approvals") {
            row(
                stage,
                "approvals",
                "approvals",
                GateStatus::Skip,
                "—".into(),
                format!("≥ {}", a.min),
                why_skip.clone(),
            )
        } else {
            match &github.approvals {
                Err(why) => row(
                    stage,
                    "approvals",
                    "approvals",
                    GateStatus::Fail,
                    "unverified".into(),
                    format!("≥ {} distinct", a.min),
                    why.clone(),
                ),
                Ok(list) => {
                    let mut people: Vec<&str> = list
                        .iter()
                        .filter(|ap| {
                            ap.environments
                                .iter()
                                .any(|e| e.eq_ignore_ascii_case(&a.environment))
                        })
                        .filter(|ap| ap.state == "approved")
                        .map(|ap| ap.user.as_str())
                        .collect();
                    people.sort_unstable();
                    people.dedup();
                    let self_approved = a.forbid_self_approval
                        && facts.actor.is_some_and(|act| people.contains(&act));
                    if a.forbid_self_approval {
                        people.retain(|p| Some(*p) != facts.actor);
                    }
                    let n = people.len() as u32;
                    let mut detail = if people.is_empty() {
                        format!("no approval of environment `{}` on this run", a.environment)
                    } else {
                        format!("approved by {}", people.join(", "))
                    };
                    if self_approved {
                        detail.push_str(" (the actor's own approval does not count)");
                    }
                    row(
                        stage,
                        "approvals",
                        "approvals",
                        if n >= a.min {
                            GateStatus::Pass
                        } else {
                            GateStatus::Fail
                        },
                        format!("{n} distinct"),
                        format!("≥ {} distinct", a.min),
                        detail,
                    )
                }
            }
        };
        v.gates.push(gate);
    }
    v
}
