//! `command: plan`: every stage of the path judged as if the stages before it had passed, and
//! nothing sent.
//!
//! A promotion stops at the first stage whose gates fail; a plan goes on, so one run shows
//! everything that stands between the version and its target ("QA would pass, STAGING would be
//! blocked by security scan, PROD would pass"). The version does not move: `to_stage` stays where
//! AppTrust says it is. Beside our gates stands AppTrust's own verdict on the hops it was asked
//! about with `promotion_type: dry_run` ([`DryRun`]): its `fail` blocks the hop like a failed
//! gate of ours, an unanswered dry run is a warning. Pure: the verdicts and AppTrust's answers
//! come from the caller.

use std::collections::BTreeMap;

use super::outcome::{Hop, HopStatus, Outcome, RunResult};
use crate::gates::{GateStatus, StageVerdict};
use crate::jfrog::apptrust::Evaluation;
use crate::jfrog::apptrust::VersionContent;
use crate::lifecycle::Lifecycle;

/// AppTrust's answer to the dry run of one hop: its gate decisions, one `dry_run` row standing
/// for a refusal (`fail`) or a request it did not answer (`error`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DryRun {
    /// Entry/exit/release gate decisions, in AppTrust's words.
    pub evaluations: Vec<Evaluation>,
}

impl DryRun {
    /// The decisions that refuse the hop.
    fn refusals(&self) -> Vec<&Evaluation> {
        self.evaluations
            .iter()
            .filter(|e| e.decision == "fail")
            .collect()
    }
}

/// Plans `path` (full stage names) from `content.current_stage`: one hop per stage, `Planned`
/// when its gates would pass, `Blocked` when one would fail, `NotReached` when a closed window
/// would defer it. The result is `blocked` when any stage would be blocked, else `deferred` when
/// any would be deferred, else `planned`.
pub fn plan<G>(
    lifecycle: &Lifecycle,
    content: &VersionContent,
    path: &[String],
    promotion_type: &str,
    apptrust: &BTreeMap<String, DryRun>,
    mut gate_check: G,
    outcome: &mut Outcome,
) where
    G: FnMut(&str) -> StageVerdict,
{
    let mut from = content.current_stage.clone();
    let (mut blocked, mut deferred) = (false, false);
    for stage in path {
        let verdict = gate_check(stage);
        let failed: Vec<String> = verdict
            .gates
            .iter()
            .filter(|g| g.status == GateStatus::Fail)
            .map(|g| g.gate.clone())
            .collect();
        let dry_run = apptrust.get(stage).cloned().unwrap_or_default();
        let refusals: Vec<String> = dry_run
            .refusals()
            .iter()
            .map(|e| e.explanation.clone())
            .collect();
        for e in dry_run.evaluations.iter().filter(|e| e.decision == "error") {
            outcome.warnings.push(format!(
                "AppTrust did not answer the dry run into {}: {}",
                lifecycle.display(stage),
                e.explanation
            ));
        }
        let (status, message) = if !failed.is_empty() || !refusals.is_empty() {
            blocked = true;
            let ours =
                (!failed.is_empty()).then(|| format!("would be blocked by {}", failed.join(", ")));
            let theirs = (!refusals.is_empty())
                .then(|| format!("AppTrust's dry run refuses it: {}", refusals.join("; ")));
            let message: Vec<String> = ours.into_iter().chain(theirs).collect();
            (HopStatus::Blocked, message.join("; "))
        } else if let Some(why) = &verdict.deferred {
            deferred = true;
            outcome.warnings.push(format!(
                "A scheduled run would be deferred before {}: {why}",
                lifecycle.display(stage)
            ));
            (HopStatus::NotReached, format!("would be deferred: {why}"))
        } else {
            (HopStatus::Planned, String::new())
        };
        outcome.add_verdict(verdict);
        outcome.hops.push(Hop {
            from: from.clone(),
            to: stage.clone(),
            action: lifecycle.action_into(stage),
            promotion_type: promotion_type.to_string(),
            status,
            duration_ms: None,
            evaluations: dry_run.evaluations,
            message,
        });
        from = stage.clone();
    }
    outcome.result = if blocked {
        RunResult::Blocked
    } else if deferred {
        RunResult::Deferred
    } else {
        RunResult::Planned
    };
    // A plan changes nothing: the version is where it was.
    outcome.to_stage = content.current_stage.clone();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gates::GateResult;
    use crate::inputs::Command;

    fn lifecycle() -> Lifecycle {
        Lifecycle {
            stages: ["p-DEV", "p-QA", "p-STAGING", "PROD"]
                .map(String::from)
                .to_vec(),
            release_stage: "PROD".into(),
            project: Some("p".into()),
        }
    }

    fn content(stage: &str) -> VersionContent {
        VersionContent {
            version: "1.3.0".into(),
            current_stage: stage.into(),
            release_status: "pre_release".into(),
            status: "COMPLETED".into(),
            tag: None,
            artifacts: Vec::new(),
        }
    }

    fn verdict(stage: &str, statuses: &[GateStatus], deferred: bool) -> StageVerdict {
        StageVerdict {
            gates: statuses
                .iter()
                .enumerate()
                .map(|(i, s)| GateResult {
                    stage: stage.into(),
                    gate: format!("g{i}"),
                    kind: "json".into(),
                    status: *s,
                    detail: String::new(),
                    figure: String::new(),
                    threshold: String::new(),
                })
                .collect(),
            deferred: deferred.then(|| "outside every window".to_string()),
            ..StageVerdict::default()
        }
    }

    /// Per stage on the path: its gate statuses, and whether a closed window defers it.
    type Verdicts = &'static [(&'static [GateStatus], bool)];

    /// (current stage, per-stage verdicts on the path to PROD, hop statuses, result)
    #[test]
    fn every_stage_is_judged_and_the_version_does_not_move() {
        use GateStatus::{Fail, Pass};
        use HopStatus::{Blocked, NotReached, Planned};
        let table: &[(&str, Verdicts, &[HopStatus], RunResult)] = &[
            (
                "p-DEV",
                &[(&[Pass], false), (&[Fail], false), (&[Pass], false)],
                &[Planned, Blocked, Planned],
                RunResult::Blocked,
            ),
            (
                "",
                &[
                    (&[], false),
                    (&[Fail, Pass], false),
                    (&[Fail], false),
                    (&[], true),
                ],
                &[Planned, Blocked, Blocked, NotReached],
                RunResult::Blocked,
            ),
            (
                "p-QA",
                &[(&[Pass], false), (&[Pass], true)],
                &[Planned, NotReached],
                RunResult::Deferred,
            ),
            (
                "p-QA",
                &[(&[Pass, Pass], false), (&[], false)],
                &[Planned, Planned],
                RunResult::Planned,
            ),
        ];
        let l = lifecycle();
        for (current, verdicts, hops, result) in table {
            let start = l.index(current).map_or(0, |i| i + 1);
            let path = l.stages[start..].to_vec();
            let mut o = Outcome::new(Command::Plan, "app", "1.3.0");
            let mut given = verdicts.iter();
            plan(
                &l,
                &content(current),
                &path,
                "copy",
                &BTreeMap::new(),
                |s| {
                    let (st, d) = given.next().expect("one verdict per stage");
                    verdict(s, st, *d)
                },
                &mut o,
            );
            let got: Vec<HopStatus> = o.hops.iter().map(|h| h.status).collect();
            assert_eq!(&got, hops, "{current}");
            assert_eq!(o.result, *result, "{current}");
            assert_eq!(o.to_stage, *current, "a plan never moves the version");
            assert_eq!(o.hops[0].from, *current);
            let gates: usize = verdicts.iter().map(|(g, _)| g.len()).sum();
            assert_eq!(o.gates.len(), gates, "every stage's gates are shown");
        }
    }

    #[test]
    fn a_blocked_hop_names_its_failed_gates() {
        let l = lifecycle();
        let mut o = Outcome::new(Command::Plan, "app", "1.3.0");
        let path = vec!["p-QA".to_string()];
        plan(
            &l,
            &content("p-DEV"),
            &path,
            "move",
            &BTreeMap::new(),
            |s| {
                let mut v = verdict(
                    s,
                    &[GateStatus::Fail, GateStatus::Pass, GateStatus::Fail],
                    false,
                );
                v.gates[2].gate = "security scan".into();
                v
            },
            &mut o,
        );
        assert_eq!(o.hops[0].message, "would be blocked by g0, security scan");
        assert_eq!(o.hops[0].promotion_type, "move");
    }

    fn apptrust(decision: &str) -> BTreeMap<String, DryRun> {
        let e = Evaluation {
            gate: "entry_gate".into(),
            stage: "p-QA".into(),
            decision: decision.into(),
            explanation: format!("AppTrust says {decision}"),
            eval_id: "ev-1".into(),
        };
        BTreeMap::from([(
            "p-QA".to_string(),
            DryRun {
                evaluations: vec![e],
            },
        )])
    }

    /// (our gate, AppTrust's decision, hop status, message, warnings)
    #[test]
    fn apptrusts_fail_blocks_beside_ours_and_an_unanswered_dry_run_warns() {
        use GateStatus::{Fail, Pass};
        let table = [
            (Pass, "pass", HopStatus::Planned, "", 0),
            (Pass, "warn", HopStatus::Planned, "", 0),
            (
                Pass,
                "fail",
                HopStatus::Blocked,
                "AppTrust's dry run refuses it: AppTrust says fail",
                0,
            ),
            (
                Fail,
                "fail",
                HopStatus::Blocked,
                "would be blocked by g0; AppTrust's dry run refuses it: AppTrust says fail",
                0,
            ),
            (
                Fail,
                "pass",
                HopStatus::Blocked,
                "would be blocked by g0",
                0,
            ),
            (Pass, "error", HopStatus::Planned, "", 1),
        ];
        let l = lifecycle();
        for (ours, theirs, status, message, warnings) in table {
            let mut o = Outcome::new(Command::Plan, "app", "1.3.0");
            let path = vec!["p-QA".to_string(), "p-STAGING".to_string()];
            plan(
                &l,
                &content("p-DEV"),
                &path,
                "copy",
                &apptrust(theirs),
                |s| verdict(s, &[ours], false),
                &mut o,
            );
            let case = format!("{ours:?} {theirs}");
            assert_eq!(o.hops[0].status, status, "{case}");
            assert_eq!(o.hops[0].message, message, "{case}");
            assert_eq!(
                o.hops[0].evaluations.len(),
                1,
                "{case}: shown, whatever it says"
            );
            assert!(o.hops[1].evaluations.is_empty(), "{case}: not asked");
            assert_eq!(o.warnings.len(), warnings, "{case}: {:?}", o.warnings);
            let blocked = status == HopStatus::Blocked || ours == Fail;
            assert_eq!(o.result == RunResult::Blocked, blocked, "{case}");
        }
    }
}
