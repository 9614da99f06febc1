//! The audit trail on the AppTrust version: who moved it, when, from which run, why, and what
//! the gates said — as version properties, so it travels with the version itself.
//!
//! Properties of every completed hop (and of a rollback) are written when the walk ends,
//! whether it finished or stopped. A failure to write
//! them never undoes or fails a promotion that happened: it becomes a warning, and the JSON
//! record still has everything.

use std::collections::BTreeMap;

use super::outcome::{Hop, HopStatus, Outcome};

use crate::gates::GateResult;
use crate::jfrog::apptrust::AppTrustApi;
use crate::lifecycle::HopAction;

/// Who and why, for the properties.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuditContext {
    /// `GITHUB_ACTOR`.
    pub(crate) actor: Option<String>,
    /// Run URL.
    pub(crate) run_url: Option<String>,
    /// `reason` input.
    pub(crate) reason: Option<String>,
    /// `hotfix` input.
    pub(crate) hotfix: bool,
    /// Now, RFC 3339.
    pub(crate) now: String,
}

/// sha256 of the gate results of one stage, as canonical JSON: lets an auditor check that the
/// record file and the version agree.
pub(crate) fn gates_digest(gates: &[GateResult], stage: &str) -> String {
    let of_stage: Vec<&GateResult> = gates.iter().filter(|g| g.stage == stage).collect();
    let json = serde_json::to_string(&of_stage).unwrap_or_default();
    crate::digest::sha256_hex(json.as_bytes())
}

/// The properties for one hop. Keys are namespaced by action and display stage so the history of
/// every stage stays readable on the version (`promote-action.QA.by`, …).
pub(crate) fn properties(
    hop: &Hop,
    display: &str,
    gates: &[GateResult],
    ctx: &AuditContext,
) -> BTreeMap<String, Vec<String>> {
    let prefix = match hop.action {
        HopAction::Rollback => format!("promote-action.rollback.{display}"),
        _ => format!("promote-action.{display}"),
    };
    let mut p = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        p.insert(format!("{prefix}.{k}"), vec![v]);
    };
    put("by", ctx.actor.clone().unwrap_or_else(|| "unknown".into()));
    put("at", ctx.now.clone());
    if let Some(u) = &ctx.run_url {
        put("run", u.clone());
    }
    // A rollback says its own why (the input `reason`, or the verification that failed).
    let reason = match hop.action {
        HopAction::Rollback if !hop.message.is_empty() => Some(hop.message.clone()),
        _ => ctx.reason.clone(),
    };
    if let Some(r) = reason {
        put("reason", r);
    }
    put("hotfix", ctx.hotfix.to_string());
    if hop.action != HopAction::Rollback {
        put("gates-sha256", gates_digest(gates, &hop.to));
        put("type", hop.promotion_type.clone());
    }
    p
}

/// Writes the properties of every completed hop in one PATCH (one request per run rather than
/// per hop keeps the action at or below a shell script's request count); returns a warning when
/// it failed.
pub(crate) async fn record_hops<A: AppTrustApi>(
    api: &A,
    outcome: &Outcome,
    ctx: &AuditContext,
) -> Vec<String> {
    let mut props = BTreeMap::new();
    for hop in outcome.hops.iter().filter(|h| h.status == HopStatus::Done) {
        let stage = if hop.action == HopAction::Rollback {
            &hop.from
        } else {
            &hop.to
        };
        props.extend(properties(hop, outcome.display(stage), &outcome.gates, ctx));
    }
    if props.is_empty() {
        return Vec::new();
    }
    // The version's commit, so the next promotion into these stages can list what changed.
    if let Some(sha) = outcome.changes.as_ref().and_then(|c| c.head_commit.clone()) {
        props.insert(super::changes::COMMIT_PROPERTY.to_string(), vec![sha]);
    }
    match api
        .update_version(&outcome.application, &outcome.version, None, &props)
        .await
    {
        Ok(()) => Vec::new(),
        Err(e) => vec![format!(
            "the audit properties were not written to the version: {e}"
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gates::GateStatus;

    fn hop(action: HopAction) -> Hop {
        Hop {
            from: "p-DEV".into(),
            to: "p-QA".into(),
            action,
            promotion_type: "copy".into(),
            status: HopStatus::Done,
            duration_ms: Some(1),
            evaluations: vec![],
            message: String::new(),
        }
    }

    #[test]
    fn properties_name_who_when_why() {
        let ctx = AuditContext {
            actor: Some("alice".into()),
            run_url: Some("https://github.com/o/r/actions/runs/1".into()),
            reason: Some("CVE fix".into()),
            hotfix: true,
            now: "2026-11-25T12:00:00Z".into(),
        };
        let p = properties(&hop(HopAction::Promote), "QA", &[], &ctx);
        assert_eq!(p["promote-action.QA.by"], ["alice"]);
        assert_eq!(p["promote-action.QA.hotfix"], ["true"]);
        assert_eq!(p["promote-action.QA.reason"], ["CVE fix"]);
        assert_eq!(p["promote-action.QA.gates-sha256"][0].len(), 64);
        let r = properties(&hop(HopAction::Rollback), "PROD", &[], &ctx);
        assert!(r.contains_key("promote-action.rollback.PROD.by"));
        assert!(!r.keys().any(|k| k.ends_with("gates-sha256")));
    }

    #[test]
    fn digest_changes_with_the_gates_of_the_stage_only() {
        let g = |stage: &str, status| GateResult {
            stage: stage.into(),
            gate: "g".into(),
            kind: "junit".into(),
            status,
            detail: String::new(),
            figure: String::new(),
            threshold: String::new(),
        };
        let a = gates_digest(
            &[g("QA", GateStatus::Pass), g("PROD", GateStatus::Fail)],
            "QA",
        );
        let b = gates_digest(&[g("QA", GateStatus::Pass)], "QA");
        let c = gates_digest(&[g("QA", GateStatus::Fail)], "QA");
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
