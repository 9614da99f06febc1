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
    /// Regression baselines of tests gates, by (full stage name, gate name).
    pub baselines: &'a BTreeMap<(String, String), gates::Baseline>,
}

impl RunFacts<'_> {
    fn context(&self, stage: &str, gate: &str) -> gates::GateContext<'_> {
        gates::GateContext {
            now: self.now,
            baseline: self.baselines.get(&(stage.to_string(), gate.to_string())),
        }
    }
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
        let mut eval = if hotfix_skip(&gate.name) {
            gates::skipped(stage, gate, &why_skip)
        } else {
            gates::evaluate_in(stage, gate, e, facts.context(stage, &gate.name))
        };
        // A bake time not reached yet is a closed window by another name: a scheduled run
        // that defers on closed windows defers until it is reached.
        if let Some(at) = gates::bake::deferrable(gate, e, &eval)
            .filter(|_| facts.scheduled && sp.on_window_closed == OnWindowClosed::Defer)
        {
            eval.result.status = GateStatus::Warn;
            v.deferred.get_or_insert(format!(
                "the bake time of `{}` is reached at {at}",
                gate.name
            ));
        }
        v.findings.extend(eval.findings);
        v.findings_total += eval.findings_total;
        v.evidence.extend(eval.evidence);
        v.attestations.extend(eval.attestations);
        v.warnings.extend(eval.warnings);
        v.tests.extend(eval.tests);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::facts::Approval;

    const POLICY: &str = r#"
version: 1
stages:
  PROD:
    approvals: { environment: production, min: 2, forbid-self-approval: true }
    windows:
      - { days: [mon, tue, wed, thu], start: "09:00", end: "16:00", timezone: America/New_York }
    freezes:
      - { from: 2026-12-20T00:00:00Z, to: 2027-01-04T00:00:00Z, reason: year-end freeze }
    on-window-closed: defer
    hotfix:
      skip: [windows, freezes]
"#;

    fn approval(user: &str, state: &str) -> Approval {
        Approval {
            user: user.into(),
            state: state.into(),
            environments: vec!["production".into()],
            comment: String::new(),
        }
    }

    struct Case {
        name: &'static str,
        now: &'static str,
        scheduled: bool,
        hotfix: bool,
        approvers: &'static [(&'static str, &'static str)],
        /// (gate, status) expected, in order.
        want: &'static [(&'static str, GateStatus)],
        deferred: bool,
    }

    #[test]
    fn windows_freezes_approvals_and_hotfix() {
        use GateStatus::*;
        let mut policy = crate::policy::parse("p.yml", POLICY).expect("policy");
        policy
            .resolve_stages(&["PROD".to_string()], None)
            .expect("stages");
        let cases = [
            Case {
                name: "open window, two distinct approvers",
                now: "2026-12-01T15:00:00Z", // Tue 10:00 New York
                scheduled: false,
                hotfix: false,
                approvers: &[("bob", "approved"), ("carol", "approved")],
                want: &[("windows", Pass), ("approvals", Pass)],
                deferred: false,
            },
            Case {
                name: "self-approval does not count",
                now: "2026-12-01T15:00:00Z",
                scheduled: false,
                hotfix: false,
                approvers: &[("alice", "approved"), ("carol", "approved")],
                want: &[("windows", Pass), ("approvals", Fail)],
                deferred: false,
            },
            Case {
                name: "rejections and duplicates do not count",
                now: "2026-12-01T15:00:00Z",
                scheduled: false,
                hotfix: false,
                approvers: &[
                    ("bob", "approved"),
                    ("bob", "approved"),
                    ("dan", "rejected"),
                ],
                want: &[("windows", Pass), ("approvals", Fail)],
                deferred: false,
            },
            Case {
                name: "closed window on a manual run fails",
                now: "2026-12-05T15:00:00Z", // Saturday
                scheduled: false,
                hotfix: false,
                approvers: &[("bob", "approved"), ("carol", "approved")],
                want: &[("windows", Fail), ("approvals", Pass)],
                deferred: false,
            },
            Case {
                name: "closed window on a scheduled run defers",
                now: "2026-12-05T15:00:00Z",
                scheduled: true,
                hotfix: false,
                approvers: &[("bob", "approved"), ("carol", "approved")],
                want: &[("windows", Warn), ("approvals", Pass)],
                deferred: true,
            },
            Case {
                name: "freeze blocks",
                now: "2026-12-22T15:00:00Z", // Tuesday inside the freeze
                scheduled: false,
                hotfix: false,
                approvers: &[("bob", "approved"), ("carol", "approved")],
                want: &[("freezes", Fail), ("approvals", Pass)],
                deferred: false,
            },
            Case {
                name: "hotfix skips the freeze but not the approvals",
                now: "2026-12-22T15:00:00Z",
                scheduled: false,
                hotfix: true,
                approvers: &[("bob", "approved")],
                want: &[("freezes", Skip), ("approvals", Fail)],
                deferred: false,
            },
        ];
        for c in cases {
            let github = GitHubFacts {
                checks: Evidence::Unavailable("not needed".into()),
                approvals: Ok(c.approvers.iter().map(|(u, s)| approval(u, s)).collect()),
            };
            let facts = RunFacts {
                now: c.now.parse().expect("instant"),
                scheduled: c.scheduled,
                hotfix: c.hotfix,
                reason: Some("CVE-2026-1"),
                actor: Some("alice"),
                baselines: &BTreeMap::new(),
            };
            let sp = policy.stage("PROD").expect("PROD policy");
            let v = decide("PROD", sp, &[], &github, &facts);
            let got: Vec<(&str, GateStatus)> = v
                .gates
                .iter()
                .map(|g| (g.gate.as_str(), g.status))
                .collect();
            assert_eq!(got, c.want, "{}", c.name);
            assert_eq!(v.deferred.is_some(), c.deferred, "{}", c.name);
        }
    }

    #[test]
    fn unreadable_approvals_fail_naming_why() {
        let mut policy = crate::policy::parse("p.yml", POLICY).expect("policy");
        policy
            .resolve_stages(&["PROD".to_string()], None)
            .expect("stages");
        let github = GitHubFacts {
            checks: Evidence::Unavailable("not needed".into()),
            approvals: Err("input `github-token` is empty".into()),
        };
        let facts = RunFacts {
            now: "2026-12-01T15:00:00Z".parse().expect("instant"),
            scheduled: false,
            hotfix: false,
            reason: None,
            actor: None,
            baselines: &BTreeMap::new(),
        };
        let v = decide(
            "PROD",
            policy.stage("PROD").expect("PROD"),
            &[],
            &github,
            &facts,
        );
        let approvals = v.gates.iter().find(|g| g.gate == "approvals").expect("row");
        assert_eq!(approvals.status, GateStatus::Fail);
        assert!(
            approvals.detail.contains("github-token"),
            "{}",
            approvals.detail
        );
    }
}
