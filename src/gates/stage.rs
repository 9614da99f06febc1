//! One stage's verdict: its gates over the gathered facts, then windows and freezes, approvals
//! and what a hotfix may skip.
//!
//! Pure: every fact (report figures, approvals, the instant) is gathered before this runs, so the
//! decision can be tested table-style without a server or a clock.

use std::collections::BTreeMap;

use crate::gates::facts::{Fact, GitHubFacts};
use crate::gates::{self, GateResult, GateStatus, StageVerdict};
use crate::policy::schedule::{self, WindowDecision};
use crate::policy::{Approvals, OnWindowClosed, Policy, StagePolicy};

/// What the decision needs to know about the run.
#[derive(Debug, Clone)]
pub(crate) struct RunFacts<'a> {
    /// Now (the only clock read happens in the caller).
    pub(crate) now: jiff::Timestamp,
    /// Whether this is a scheduled run (`on-window-closed: defer` applies).
    pub(crate) scheduled: bool,
    /// Hotfix run.
    pub(crate) hotfix: bool,
    /// Hotfix reason.
    pub(crate) reason: Option<&'a str>,
    /// Who triggered the run.
    pub(crate) actor: Option<&'a str>,
    /// Regression baselines of tests gates, by (full stage name, gate name).
    pub(crate) baselines: &'a BTreeMap<(String, String), gates::Baseline>,
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
pub(crate) fn decide_path(
    policy: &Policy,
    gathered: &BTreeMap<String, Vec<Fact>>,
    github: &GitHubFacts,
    run: &RunFacts<'_>,
) -> BTreeMap<String, StageVerdict> {
    gathered
        .iter()
        .filter_map(|(stage, facts)| {
            let sp = policy.stage(stage)?;
            Some((stage.clone(), decide(stage, sp, facts, github, run)))
        })
        .collect()
}

/// One stage's verdict from its policy and the gathered facts (one entry per gate, in policy
/// order).
pub(crate) fn decide(
    stage: &str,
    sp: &StagePolicy,
    facts: &[Fact],
    github: &GitHubFacts,
    run: &RunFacts<'_>,
) -> StageVerdict {
    let mut v = StageVerdict::default();
    let skip = HotfixSkip {
        sp,
        run,
        why: format!("skipped by hotfix: {}", run.reason.unwrap_or_default()),
    };
    for (gate, fact) in sp.gates.iter().zip(facts) {
        let mut eval = if skip.skips(&gate.name) {
            gates::skipped(stage, gate, &skip.why)
        } else {
            gates::evaluate_in(stage, gate, fact, run.context(stage, &gate.name))
        };
        // A bake time not reached yet is a closed window by another name: a scheduled run
        // that defers on closed windows defers until it is reached.
        if let Some(at) = gates::bake::deferrable(gate, fact, &eval)
            .filter(|_| run.scheduled && sp.on_window_closed == OnWindowClosed::Defer)
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
    if !sp.windows.is_empty() || !sp.freezes.is_empty() {
        let (row, deferred) = window_row(stage, sp, run, &skip);
        v.deferred = deferred;
        v.gates.push(row);
    }
    if let Some(a) = &sp.approvals {
        v.gates.push(approvals_row(stage, a, github, run, &skip));
    }
    v
}

/// What a hotfix run may skip at this stage, and the detail a skipped row shows.
struct HotfixSkip<'a> {
    sp: &'a StagePolicy,
    run: &'a RunFacts<'a>,
    why: String,
}

impl HotfixSkip<'_> {
    fn skips(&self, what: &str) -> bool {
        self.run.hotfix && self.sp.hotfix_skips(what)
    }
}

/// The `windows` (or `freezes`) row, and the deferral it asks for: a scheduled run outside its
/// windows with `on-window-closed: defer`.
fn window_row(
    stage: &str,
    sp: &StagePolicy,
    run: &RunFacts<'_>,
    skip: &HotfixSkip<'_>,
) -> (GateResult, Option<String>) {
    let decision = schedule::evaluate(&sp.windows, &sp.freezes, run.now);
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
    let status = if closed && skip.skips(kind) {
        GateStatus::Skip
    } else {
        status
    };
    let detail = if status == GateStatus::Skip {
        format!("{detail}; {}", skip.why)
    } else {
        detail
    };
    // A deferral is not a failure: the gate shows as a warning and failed-gates stays empty.
    let mut deferred = None;
    let status = if closed
        && status == GateStatus::Fail
        && run.scheduled
        && sp.on_window_closed == OnWindowClosed::Defer
    {
        deferred = Some(detail.clone());
        GateStatus::Warn
    } else {
        status
    };
    let row = row(
        stage,
        kind,
        kind,
        status,
        figure,
        "inside a window, outside freezes".into(),
        detail,
    );
    (row, deferred)
}

/// The `approvals` row: distinct approvers of the stage's environment on this run, the actor's
/// own approval not counted when the policy forbids it.
fn approvals_row(
    stage: &str,
    a: &Approvals,
    github: &GitHubFacts,
    run: &RunFacts<'_>,
    skip: &HotfixSkip<'_>,
) -> GateResult {
    if skip.skips("approvals") {
        return row(
            stage,
            "approvals",
            "approvals",
            GateStatus::Skip,
            "—".into(),
            format!("≥ {}", a.min),
            skip.why.clone(),
        );
    }
    let list = match &github.approvals {
        Err(why) => {
            return row(
                stage,
                "approvals",
                "approvals",
                GateStatus::Fail,
                "unverified".into(),
                format!("≥ {} distinct", a.min),
                why.clone(),
            );
        }
        Ok(list) => list,
    };
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
    let self_approved =
        a.forbid_self_approval && run.actor.is_some_and(|act| people.contains(&act));
    if a.forbid_self_approval {
        people.retain(|p| Some(*p) != run.actor);
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
        gates::pass_fail(n >= a.min),
        format!("{n} distinct"),
        format!("≥ {} distinct", a.min),
        detail,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gates::facts::Approval;

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
                checks: Fact::Unavailable("not needed".into()),
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
            checks: Fact::Unavailable("not needed".into()),
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
