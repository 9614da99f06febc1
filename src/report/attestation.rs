//! Our own attestation of a promotion decision: the in-toto predicate that records what was
//! decided, from which evidence, by which run and policy (SPEC "Evidence and signatures").
//!
//! Pure: built from the outcome and the run context; `action::attest` signs it with the
//! `evidence-key` and attaches it to the version's manifest in JFrog.

use serde_json::{Value, json};

use crate::inputs::{Command, RunContext};
use crate::promotion::outcome::{Outcome, RunResult};

/// The attestation's predicate type.
pub(crate) const PREDICATE_TYPE: &str =
    "https://github.com/bookverse/promote-action/attestation/gates/v1";

/// Whether a run is attested: it evaluated a policy's gates and promoted, released or was
/// blocked. Plans, status, rollbacks, unchanged and deferred runs write none.
pub(crate) fn wanted(o: &Outcome) -> bool {
    o.command == Command::Promote
        && o.policy_sha256.is_some()
        && matches!(
            o.result,
            RunResult::Promoted | RunResult::Released | RunResult::Blocked | RunResult::Reverted
        )
}

/// The predicate: the decision, the gates (as the `gates` output), the evidence records judged,
/// the failing tests of every tests gate (bounded, long and surplus names hashed:
/// [`crate::gates::failing_tests`]) for a later promotion's regression mode, the run and the
/// policy's digest.
pub(crate) fn predicate(o: &Outcome, ctx: &RunContext, decided_at: &str) -> Value {
    json!({
        "application": o.application,
        "version": o.version,
        "from-stage": o.from_stage,
        "to-stage": o.to_stage,
        "result": o.result.as_str(),
        "gates": o.gates,
        "failed-gates": o.failed_gates(),
        "evidence": o.evidence.iter().map(|r| json!({
            "stage": r.stage,
            "gate": r.gate,
            "predicate-type": r.predicate_type,
            "signer": r.signer,
            "verdict": r.verdict,
        })).collect::<Vec<_>>(),
        "attestations": o.attestations.iter().map(|r| json!({
            "stage": r.stage,
            "gate": r.gate,
            "subject": r.subject,
            "sha256": r.sha256,
            "verdict": r.verdict,
            "signer-workflow": r.signer_workflow,
            "source-commit": r.source_commit,
        })).collect::<Vec<_>>(),
        "failing-tests": o.tests.iter().map(|t| {
            let mut entry = json!({"stage": t.stage, "gate": t.gate});
            if let (Some(map), Ok(Value::Object(failing))) =
                (entry.as_object_mut(), serde_json::to_value(&t.failing))
            {
                map.extend(failing);
            }
            entry
        }).collect::<Vec<_>>(),
        "hotfix": o.hotfix_reason.is_some(),
        "reason": o.hotfix_reason,
        "run": {
            "repository": ctx.repository,
            "run-id": ctx.run_id,
            "run-attempt": ctx.run_attempt,
            "sha": ctx.sha,
            "actor": ctx.actor,
            "workflow": ctx.workflow,
            "url": ctx.run_url(),
        },
        "policy-sha256": o.policy_sha256,
        "tool": {"name": "promote-action", "version": env!("CARGO_PKG_VERSION")},
        "decided-at": decided_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(result: RunResult, command: Command, policy: bool) -> Outcome {
        let mut o = Outcome::new(command, "inv", "1.2.0");
        o.result = result;
        o.policy_sha256 = policy.then(|| "ab".repeat(32));
        o
    }

    #[test]
    fn only_decisions_on_gates_are_attested() {
        use RunResult::*;
        let table = [
            (Promoted, Command::Promote, true, true),
            (Released, Command::Promote, true, true),
            (Blocked, Command::Promote, true, true),
            (Promoted, Command::Promote, false, false),
            (Planned, Command::Plan, true, false),
            (Unchanged, Command::Promote, true, false),
            (Deferred, Command::Promote, true, false),
            (Failed, Command::Promote, true, false),
            (RolledBack, Command::Rollback, false, false),
        ];
        for (result, command, policy, want) in table {
            assert_eq!(
                wanted(&outcome(result, command, policy)),
                want,
                "{result:?} {command:?} policy={policy}"
            );
        }
    }

    #[test]
    fn the_predicate_holds_what_spec_requires() {
        let mut o = outcome(RunResult::Released, Command::Promote, true);
        o.from_stage = "bookverse-DEV".into();
        o.to_stage = "PROD".into();
        let ctx = RunContext {
            repository: Some("bookverse/inventory".into()),
            run_id: Some("77".into()),
            run_attempt: Some("2".into()),
            sha: Some("0123".into()),
            actor: Some("alice".into()),
            workflow: Some("promote".into()),
            ..RunContext::default()
        };
        let p = predicate(&o, &ctx, "2026-12-02T10:00:00Z");
        for key in [
            "application",
            "version",
            "from-stage",
            "to-stage",
            "result",
            "gates",
            "policy-sha256",
        ] {
            assert!(p.get(key).is_some(), "{key} missing: {p}");
        }
        assert_eq!(p["result"], "released");
        assert_eq!(p["run"]["run-attempt"], "2");
        assert_eq!(p["run"]["workflow"], "promote");
        assert_eq!(p["gates"], json!([]));
    }
}
