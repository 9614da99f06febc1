//! AppTrust's own verdict in a `plan` (issue 24 item 5): every hop the plan would send is sent
//! as `jf apptrust version-promote --dry-run` sends it — the same body with
//! `promotion_type: dry_run` — and AppTrust's entry/exit/release gate decisions are shown beside
//! our gates. AppTrust evaluates and changes nothing.
//!
//! AppTrust has no "from" in a promotion: it judges a hop from the stage the version is in. So
//! the first hop's answer is exactly what the run would meet (the current stage's exit gate, the
//! next stage's entry gate), and a later hop's answer is its target's entry (or release) gate,
//! judged on the version's evidence now; the exit gates of the stages in between are asked when
//! a run reaches them, and the plan says so. **\[INFERRED\]** that AppTrust answers a dry run into
//! a stage further ahead than the next one (its docs say only "simulates the promotion");
//! [`LATER_HOPS`] is the one place to change if it refuses them. A refusal (any 4xx answer) is
//! AppTrust's `fail`, never hidden; no answer (timeout, 5xx, another promotion running) is an
//! `error` row and a warning.

use std::collections::BTreeMap;

use futures_util::future::join_all;

use crate::http::RemoteError;
use crate::inputs::Selection;
use crate::jfrog::apptrust::{AppTrustApi, Evaluation, HopReply, HopRequest};
use crate::lifecycle::HopAction;
use crate::lifecycle::Lifecycle;
use crate::promotion::plan::DryRun;

/// The `gate` of a row that stands for the whole dry run (AppTrust gave no gate decisions).
pub const DRY_RUN_GATE: &str = "dry_run";

/// Whether the hops after the first are asked too (see the module docs: **\[INFERRED\]**).
const LATER_HOPS: bool = true;

/// What AppTrust says about each hop of `path` (full stage names), keyed by the hop's target
/// stage; empty when the path is. The questions go out together unless `sequential`.
pub(super) async fn ask<A: AppTrustApi>(
    api: &A,
    lifecycle: &Lifecycle,
    (app, version): (&str, &str),
    path: &[String],
    selection: &Selection,
    sequential: bool,
) -> BTreeMap<String, DryRun> {
    let asked = if LATER_HOPS { path.len() } else { 1 };
    let questions = path
        .iter()
        .take(asked)
        .enumerate()
        .map(|(i, stage)| async move {
            let request = HopRequest {
                target_stage: stage.clone(),
                promotion_type: "dry_run".into(),
                selection: selection.clone(),
            };
            let reply = match lifecycle.action_into(stage) {
                HopAction::Release => api.release(app, version, &request).await,
                _ => api.promote(app, version, &request).await,
            };
            (stage.clone(), answer(stage, reply, i > 0))
        });
    if sequential {
        let mut answers = BTreeMap::new();
        for q in questions {
            let (stage, dry_run) = q.await;
            answers.insert(stage, dry_run);
        }
        answers
    } else {
        join_all(questions).await.into_iter().collect()
    }
}

/// The hops of `path` AppTrust was asked about only for their target's gates: every one after
/// the first (empty when it has one hop).
pub(super) fn judged_from_here(path: &[String]) -> &[String] {
    if LATER_HOPS && path.len() > 1 {
        &path[1..]
    } else {
        &[]
    }
}

/// AppTrust's reply as rows: its evaluations, or one row for the whole dry run. For a `later`
/// hop the exit gate it judged is the current stage's, already shown on the first hop, so only
/// the target's rows are kept.
fn answer(stage: &str, reply: Result<HopReply, RemoteError>, later: bool) -> DryRun {
    let row = |decision: &str, explanation: String| Evaluation {
        gate: DRY_RUN_GATE.into(),
        stage: stage.to_string(),
        decision: decision.into(),
        explanation,
        eval_id: String::new(),
    };
    let evaluations = match reply {
        Ok(HopReply::Accepted {
            evaluations,
            message,
            ..
        }) if evaluations.is_empty() => vec![row(
            "pass",
            if message.is_empty() {
                "AppTrust would accept the promotion (it reported no gate evaluations)".into()
            } else {
                message
            },
        )],
        Ok(HopReply::Accepted { evaluations, .. }) => evaluations,
        Ok(HopReply::PolicyRejected {
            evaluations,
            message,
        }) => {
            if evaluations.iter().any(|e| e.decision == "fail") {
                evaluations
            } else {
                vec![row("fail", message)]
            }
        }
        Err(e) if e.outcome_unknown() || e.in_progress() => vec![row("error", e.to_string())],
        Err(e) => vec![row("fail", format!("AppTrust refused the dry run: {e}"))],
    };
    let mut evaluations: Vec<Evaluation> = evaluations
        .into_iter()
        .filter(|e| !(later && e.gate == "exit_gate"))
        .collect();
    if evaluations.is_empty() {
        let why = "AppTrust would accept the promotion (it reported no gate of this stage)";
        evaluations.push(row("pass", why.into()));
    }
    DryRun { evaluations }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::RemoteErrorKind;

    fn eval(decision: &str) -> Evaluation {
        Evaluation {
            gate: "entry_gate".into(),
            stage: "p-QA".into(),
            decision: decision.into(),
            explanation: format!("{decision} by policy"),
            eval_id: "eval-7".into(),
        }
    }

    fn error(kind: RemoteErrorKind, what: &str) -> RemoteError {
        RemoteError {
            operation: "POST …/promote".into(),
            kind,
            what: what.into(),
            hint: String::new(),
        }
    }

    /// AppTrust's reply, and the rows' gate and decision it must give.
    type Case = (
        Result<HopReply, RemoteError>,
        Vec<(&'static str, &'static str)>,
    );

    #[test]
    fn every_reply_is_a_row_and_a_refusal_is_a_fail() {
        let accepted = |evaluations| {
            Ok(HopReply::Accepted {
                status: "success".into(),
                message: "dry run: promote would succeed".into(),
                evaluations,
            })
        };
        let table: Vec<Case> = vec![
            (
                accepted(vec![eval("pass"), eval("warn")]),
                vec![("entry_gate", "pass"), ("entry_gate", "warn")],
            ),
            (accepted(vec![]), vec![(DRY_RUN_GATE, "pass")]),
            (
                Ok(HopReply::PolicyRejected {
                    message: "failed due to policy violations".into(),
                    evaluations: vec![eval("pass"), eval("fail")],
                }),
                vec![("entry_gate", "pass"), ("entry_gate", "fail")],
            ),
            (
                Err(error(RemoteErrorKind::Status(409), "cannot promote")),
                vec![(DRY_RUN_GATE, "fail")],
            ),
            (
                Err(error(RemoteErrorKind::Status(403), "forbidden")),
                vec![(DRY_RUN_GATE, "fail")],
            ),
            (
                Err(error(
                    RemoteErrorKind::Status(409),
                    "promotion already in progress",
                )),
                vec![(DRY_RUN_GATE, "error")],
            ),
            (
                Err(error(RemoteErrorKind::Status(503), "unavailable")),
                vec![(DRY_RUN_GATE, "error")],
            ),
            (
                Err(error(RemoteErrorKind::Timeout, "timed out")),
                vec![(DRY_RUN_GATE, "error")],
            ),
        ];
        for (reply, want) in table {
            let shown = format!("{reply:?}");
            let got = answer("p-QA", reply, false);
            let rows: Vec<(&str, &str)> = got
                .evaluations
                .iter()
                .map(|e| (e.gate.as_str(), e.decision.as_str()))
                .collect();
            assert_eq!(rows, want, "{shown}");
            assert!(got.evaluations.iter().all(|e| !e.explanation.is_empty()));
        }
    }

    #[test]
    fn a_later_hop_keeps_its_target_s_rows_not_the_current_stage_s_exit_gate() {
        let exit = |decision: &str| Evaluation {
            gate: "exit_gate".into(),
            stage: "p-DEV".into(),
            ..eval(decision)
        };
        let rows = |reply, later| -> Vec<(String, String)> {
            answer("p-QA", reply, later)
                .evaluations
                .into_iter()
                .map(|e| (e.gate, e.decision))
                .collect()
        };
        let accepted = |evaluations| {
            Ok(HopReply::Accepted {
                status: "success".into(),
                message: String::new(),
                evaluations,
            })
        };
        let s = |g: &str, d: &str| (g.to_string(), d.to_string());
        let both = || vec![exit("pass"), eval("warn")];
        assert_eq!(
            rows(accepted(both()), false),
            [s("exit_gate", "pass"), s("entry_gate", "warn")]
        );
        assert_eq!(rows(accepted(both()), true), [s("entry_gate", "warn")]);
        // Only the current stage's exit gate came back: the later hop still has its row.
        assert_eq!(
            rows(accepted(vec![exit("pass")]), true),
            [s(DRY_RUN_GATE, "pass")]
        );
        let refused = Err(error(RemoteErrorKind::Status(409), "cannot promote"));
        assert_eq!(rows(refused, true), [s(DRY_RUN_GATE, "fail")]);
    }

    #[test]
    fn only_the_hops_after_the_first_are_judged_from_here() {
        let path = |n: usize| -> Vec<String> { (0..n).map(|i| format!("s{i}")).collect() };
        assert!(judged_from_here(&path(0)).is_empty());
        assert!(judged_from_here(&path(1)).is_empty());
        assert_eq!(judged_from_here(&path(3)), ["s1", "s2"]);
    }
}
