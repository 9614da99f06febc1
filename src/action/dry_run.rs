//! AppTrust's own verdict in a `plan` (issue 24 item 5): the hop the plan would send first is
//! sent as `jf apptrust version-promote --dry-run` sends it — the same body with
//! `promotion_type: dry_run` — and AppTrust's entry/exit/release gate decisions are shown beside
//! our gates. AppTrust evaluates and changes nothing.
//!
//! Only the first hop is asked: AppTrust judges a hop from the stage the version is in (the exit
//! gate is that stage's, and it refuses a target that is not the next stage), so a dry run of a
//! later hop would answer a different question. Those hops are asked when a run reaches them,
//! and the plan says so. A refusal (any 4xx answer) is AppTrust's `fail`, never hidden; no
//! answer (timeout, 5xx, another promotion running) is an `error` row and a warning.

use std::collections::BTreeMap;

use crate::http::RemoteError;
use crate::inputs::Selection;
use crate::jfrog::apptrust::{AppTrustApi, Evaluation, HopReply, HopRequest};
use crate::lifecycle::HopAction;
use crate::lifecycle::Lifecycle;
use crate::promotion::plan::DryRun;

/// The `gate` of a row that stands for the whole dry run (AppTrust gave no gate decisions).
pub const DRY_RUN_GATE: &str = "dry_run";

/// What AppTrust says about the first hop of `path` from `current` (full stage names), keyed by
/// the hop's target stage; empty when the path is.
pub(super) async fn ask<A: AppTrustApi>(
    api: &A,
    lifecycle: &Lifecycle,
    app: &str,
    version: &str,
    path: &[String],
    selection: &Selection,
) -> BTreeMap<String, DryRun> {
    let Some(stage) = path.first() else {
        return BTreeMap::new();
    };
    let request = HopRequest {
        target_stage: stage.clone(),
        promotion_type: "dry_run".into(),
        selection: selection.clone(),
    };
    let reply = match lifecycle.action_into(stage) {
        HopAction::Release => api.release(app, version, &request).await,
        _ => api.promote(app, version, &request).await,
    };
    BTreeMap::from([(stage.clone(), answer(stage, reply))])
}

/// AppTrust's reply as rows: its evaluations, or one row for the whole dry run.
fn answer(stage: &str, reply: Result<HopReply, RemoteError>) -> DryRun {
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
            let got = answer("p-QA", reply);
            let rows: Vec<(&str, &str)> = got
                .evaluations
                .iter()
                .map(|e| (e.gate.as_str(), e.decision.as_str()))
                .collect();
            assert_eq!(rows, want, "{shown}");
            assert!(got.evaluations.iter().all(|e| !e.explanation.is_empty()));
        }
    }
}
