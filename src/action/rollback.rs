//! The `rollback` command: check `from-stage` against where the version is, roll back once
//! (verifying by re-reading when the answer is lost), record it, then quarantine and retag a
//! rolled-back release as BookVerse does.

use std::io::Write;

use super::finish::{audit_context, log_hop};
use super::run::Run;
use crate::error::Error;
use crate::jfrog::apptrust::{AppTrustApi, RollbackReply, VersionContent};
use crate::lifecycle::HopAction;
use crate::promotion::outcome::{Hop, HopStatus, Outcome, RunResult};
use crate::promotion::{audit, retag};

pub(super) async fn rollback<A: AppTrustApi>(
    run: &Run<'_, A>,
    content: VersionContent,
    outcome: &mut Outcome,
    log: &mut impl Write,
) -> Result<(), Error> {
    let Run {
        inputs,
        ctx,
        settings,
        api,
        lifecycle,
        ..
    } = *run;
    let current = content.current_stage.clone();
    if current.is_empty() {
        return Err(Error::Plan {
            message: format!(
                "version {} has never been promoted: there is nothing to roll back",
                content.version
            ),
        });
    }
    let from = match &inputs.from_stage {
        Some(f) => lifecycle
            .resolve(f)
            .map_err(|e| Error::Plan {
                message: format!("input `from-stage`: {e}"),
            })?
            .to_string(),
        None => current.clone(),
    };
    if from != current {
        return Err(Error::Plan {
            message: format!(
                "input `from-stage` is {} but version {} is in {}: AppTrust only rolls back from the current stage — set `from-stage: {}` or leave it empty",
                lifecycle.display(&from),
                content.version,
                lifecycle.display(&current),
                lifecycle.display(&current)
            ),
        });
    }
    let reason = inputs.reason.clone().unwrap_or_default();
    let (hop, reply, now) = rollback_once(
        api,
        &inputs.application,
        &content.version,
        &from,
        reason,
        outcome,
    )
    .await?;
    if !reply.to_stage.is_empty() && reply.to_stage != now.current_stage {
        outcome.warnings.push(format!(
            "AppTrust said the version went back to {}, but it reads as {}",
            lifecycle.display(&reply.to_stage),
            lifecycle.display(&now.current_stage)
        ));
    }
    outcome.from_stage = reply.from_stage;
    outcome.to_stage = now.current_stage;
    outcome.result = RunResult::RolledBack;
    log_hop(lifecycle, &hop, log);
    outcome.hops.push(hop);
    let audit = audit_context(inputs, ctx, settings);
    let warnings = audit::record_hops(api, outcome, &audit).await;
    outcome.warnings.extend(warnings);
    if settings.retag_on_rollback && lifecycle.is_release(&from) {
        let r = retag::after_rollback(
            api,
            &inputs.application,
            &content.version,
            content.tag.as_deref(),
        )
        .await;
        outcome.notes.extend(r.notes);
        outcome.warnings.extend(r.warnings);
    }
    Ok(())
}

/// Rolls `version` back out of `from` once — the one rollback request of a run, whose lost
/// answer is learnt by re-reading the version, never by sending it again — and returns the
/// done hop (not yet in `outcome`), AppTrust's reply and the version as re-read. A hop that
/// failed is put in `outcome` before the error is returned. `message` says why (the audit
/// properties' `reason`).
pub(super) async fn rollback_once<A: AppTrustApi>(
    api: &A,
    app: &str,
    version: &str,
    from: &str,
    message: String,
    outcome: &mut Outcome,
) -> Result<(Hop, RollbackReply, VersionContent), Error> {
    let started = std::time::Instant::now();
    let mut hop = Hop {
        from: from.to_string(),
        to: String::new(),
        action: HopAction::Rollback,
        promotion_type: String::new(),
        status: HopStatus::Failed,
        duration_ms: None,
        evaluations: Vec::new(),
        message,
    };
    let reply = match api.rollback(app, version, from).await {
        Ok(r) => r,
        Err(e) if e.outcome_unknown() => {
            // Learn whether it happened before saying anything.
            let now = api.content(app, version).await?;
            if now.current_stage == from {
                hop.duration_ms = Some(started.elapsed().as_millis() as u64);
                outcome.hops.push(hop);
                return Err(Error::Remote(e));
            }
            RollbackReply {
                from_stage: from.to_string(),
                to_stage: now.current_stage,
            }
        }
        Err(e) => {
            hop.duration_ms = Some(started.elapsed().as_millis() as u64);
            outcome.hops.push(hop);
            return Err(Error::Remote(e));
        }
    };
    let now = api.content(app, version).await?;
    hop.to = now.current_stage.clone();
    hop.status = HopStatus::Done;
    hop.duration_ms = Some(started.elapsed().as_millis() as u64);
    Ok((hop, reply, now))
}
