//! Rolling a stage back to a chosen version (`to-version`): every version now in `from-stage`
//! that is newer than it, newest first, is rolled back until it is the stage's current
//! version — each with its audit properties and, from the release stage, its tag hygiene, as a
//! single rollback has ([`super::rollback`]). `command: plan` with `to-version` lists them and
//! sends nothing.
//!
//! What is in a stage comes from one version list (newest-created first): the versions whose
//! `current_stage` is the stage, the newest of them its current version. Refused before anything
//! is sent (exit 2): a `to-version` that does not exist, that was never in the stage (its
//! promotion history has no promotion into it), or that is not in it now (rolling the others back
//! would not make it current). A rollback that fails stops the run: the error says which
//! versions were rolled back, where each stands, and which were not attempted.

use std::io::Write;

use super::finish::audit_context;
use super::run::Run;
use crate::error::Error;
use crate::http::RemoteError;
use crate::inputs::Command;
use crate::jfrog::apptrust::{AppTrustApi, VersionSummary};
use crate::lifecycle::HopAction;
use crate::promotion::outcome::{
    Hop, HopStatus, Outcome, RollbackStatus, RunResult, VersionRollback,
};
use crate::promotion::{audit, retag};

/// Rolls `from-stage` back to `to`, or plans it.
pub(super) async fn rollback_to<A: AppTrustApi>(
    run: &Run<'_, A>,
    to: &str,
    outcome: &mut Outcome,
    log: &mut impl Write,
) -> Result<(), Error> {
    let Run {
        inputs,
        api,
        lifecycle,
        ..
    } = *run;
    let app = &inputs.application;
    outcome.version = to.to_string();
    let versions = api.list_versions(app).await?;
    let Some(at) = versions.iter().position(|v| v.version == to) else {
        return Err(Error::Plan {
            message: format!(
                "input `to-version`: application `{app}` has no version `{to}`; name a version that is in the stage to roll back"
            ),
        });
    };
    let target = &versions[at];
    let from = match &inputs.from_stage {
        Some(f) => lifecycle
            .resolve(f)
            .map_err(|e| Error::Plan {
                message: format!("input `from-stage`: {e}"),
            })?
            .to_string(),
        None if target.current_stage.is_empty() => {
            return Err(Error::Plan {
                message: format!(
                    "input `to-version`: {to} has never been promoted, so no stage can be rolled back to it; set `from-stage` and a version that is in it"
                ),
            });
        }
        None => target.current_stage.clone(),
    };
    outcome.from_stage = target.current_stage.clone();
    outcome.to_stage = target.current_stage.clone();
    outcome.stage_read = true;
    outcome.release_status = target.release_status.clone();
    outcome.target_stage = Some(from.clone());
    if target.current_stage != from {
        return Err(not_there(run, target, &from).await);
    }
    // Newer = listed before it (newest-created first), in the same stage now.
    let newer: Vec<&VersionSummary> = versions[..at]
        .iter()
        .filter(|v| v.current_stage == from)
        .collect();
    let stage = lifecycle.display(&from).to_string();
    if newer.is_empty() {
        outcome.result = if inputs.command == Command::Plan {
            RunResult::Planned
        } else {
            RunResult::Unchanged
        };
        outcome.notes.push(format!(
            "{to} is already the current version of {stage}: nothing to roll back."
        ));
        let _ = writeln!(
            log,
            "promote-action: {to} is already the current version of {stage}; nothing to do"
        );
        return Ok(());
    }
    if inputs.command == Command::Plan {
        for v in &newer {
            let _ = writeln!(
                log,
                "promote-action: would roll back {} from {stage}",
                v.version
            );
            outcome
                .rollbacks
                .push(entry(v, &from, RollbackStatus::Planned));
        }
        outcome.result = RunResult::Planned;
        return Ok(());
    }
    outcome.rollbacks = newer
        .iter()
        .map(|v| entry(v, &from, RollbackStatus::NotAttempted))
        .collect();
    for (i, v) in newer.iter().enumerate() {
        let version = v.version.clone();
        let tag = v.tag.clone();
        if let Err(e) = one(run, &version, &from, &tag, i, outcome, log).await {
            stop(run, outcome, e);
            return Ok(());
        }
    }
    outcome.result = RunResult::RolledBack;
    Ok(())
}

fn entry(v: &VersionSummary, from: &str, status: RollbackStatus) -> VersionRollback {
    VersionRollback {
        version: v.version.clone(),
        from: from.to_string(),
        now: v.current_stage.clone(),
        status,
        duration_ms: None,
        message: String::new(),
    }
}

/// Why `to` cannot be rolled back to in `from`: never there, or not there now.
async fn not_there<A: AppTrustApi>(run: &Run<'_, A>, target: &VersionSummary, from: &str) -> Error {
    let lifecycle = run.lifecycle;
    let (to, stage) = (&target.version, lifecycle.display(from));
    // AppTrust deletes the record of a promotion it rolls back; our audit properties stay.
    let app = &run.inputs.application;
    let history = run.api.promotions(app, to).await;
    let props = run.api.version_properties(app, to).await;
    let by_history = history.as_ref().map(|h| {
        h.iter()
            .any(|p| p.target_stage == from && p.status != "FAILED")
    });
    let by_props = props.as_ref().map(|p| {
        [
            format!("promote-action.{stage}."),
            format!("promote-action.rollback.{stage}."),
        ]
        .iter()
        .any(|prefix| p.keys().any(|k| k.starts_with(prefix.as_str())))
    });
    let ever = match (by_history, by_props) {
        (Ok(true), _) | (_, Ok(true)) => Ok(true),
        (Ok(false), Ok(false)) => Ok(false),
        _ => Err(()),
    };
    let now = if target.current_stage.is_empty() {
        "no stage".to_string()
    } else {
        lifecycle.display(&target.current_stage).to_string()
    };
    let message = match ever {
        Ok(false) => format!(
            "input `to-version`: {to} was never in {stage}, so {stage} cannot be rolled back to it; nothing was rolled back. Name a version that is in {stage} now"
        ),
        _ => format!(
            "input `to-version`: {to} is not in {stage} now (it is in {now}): rolling back the versions above it would not make it current; nothing was rolled back. Promote {to} again instead, or name a version that is in {stage}"
        ),
    };
    Error::Plan { message }
}

/// Rolls back one version (the `i`-th of the list), verifies where it went, writes its audit
/// properties and retags it; `Err` when the rollback failed (the list says where it stands).
async fn one<A: AppTrustApi>(
    run: &Run<'_, A>,
    version: &str,
    from: &str,
    tag: &str,
    i: usize,
    outcome: &mut Outcome,
    log: &mut impl Write,
) -> Result<(), RemoteError> {
    let Run {
        inputs,
        ctx,
        settings,
        api,
        lifecycle,
        ..
    } = *run;
    let app = &inputs.application;
    let started = std::time::Instant::now();
    let sent = api.rollback(app, version, from).await;
    // Where it stands, read back whatever the answer was: a lost answer may hide a success.
    let now = api.content(app, version).await.map(|c| c.current_stage);
    let row = &mut outcome.rollbacks[i];
    row.duration_ms = Some(started.elapsed().as_millis() as u64);
    if let Ok(stage) = &now {
        row.now = stage.clone();
    }
    let moved = now.as_ref().is_ok_and(|s| s != from);
    match (sent, moved) {
        (Ok(_), true) | (Err(_), true) => {}
        (Err(e), false) => {
            row.status = RollbackStatus::Failed;
            row.message = e.to_string();
            return Err(e);
        }
        (Ok(_), false) => {
            let e = match now {
                Err(e) => e,
                Ok(_) => RemoteError::decode(
                    "POST …/rollback",
                    format!(
                        "AppTrust accepted the rollback of {version} but it still reads as in {}",
                        lifecycle.display(from)
                    ),
                    "; re-run the job: it starts from where the versions are",
                ),
            };
            row.status = RollbackStatus::Failed;
            row.message = e.to_string();
            return Err(e);
        }
    }
    row.status = RollbackStatus::RolledBack;
    let now = row.now.clone();
    let _ = writeln!(
        log,
        "promote-action: rolled back {version} from {}: now in {} ({} ms)",
        lifecycle.display(from),
        if now.is_empty() {
            "no stage"
        } else {
            lifecycle.display(&now)
        },
        row.duration_ms.unwrap_or_default()
    );
    // Its own audit properties, on itself.
    let hop = Hop {
        from: from.to_string(),
        to: now,
        action: HopAction::Rollback,
        promotion_type: String::new(),
        status: HopStatus::Done,
        duration_ms: row.duration_ms,
        evaluations: Vec::new(),
        message: inputs.reason.clone().unwrap_or_default(),
    };
    let props = audit::properties(
        &hop,
        lifecycle.display(from),
        &[],
        &audit_context(inputs, ctx, settings),
    );
    if let Err(e) = api.update_version(app, version, None, &props).await {
        outcome.warnings.push(format!(
            "the audit properties of {version} were not written: {e}"
        ));
    }
    if settings.retag_on_rollback && lifecycle.is_release(from) {
        let tag = Some(tag).filter(|t| !t.is_empty());
        let r = retag::after_rollback(api, app, version, tag).await;
        outcome.rollbacks[i].message = r.notes.join("; ");
        outcome.notes.extend(r.notes);
        outcome.warnings.extend(r.warnings);
    }
    Ok(())
}

/// Fails the run after a rollback that stopped midway; the error says where every version
/// stands.
fn stop<A>(run: &Run<'_, A>, outcome: &mut Outcome, e: RemoteError) {
    let l = run.lifecycle;
    let at = |s: &str| {
        if s.is_empty() {
            "no stage".to_string()
        } else {
            l.display(s).to_string()
        }
    };
    let lines: Vec<String> = outcome
        .rollbacks
        .iter()
        .map(|r| match r.status {
            RollbackStatus::RolledBack => {
                format!("{} rolled back, now in {}", r.version, at(&r.now))
            }
            RollbackStatus::Failed => {
                format!("{} not rolled back, still in {}", r.version, at(&r.now))
            }
            _ => format!("{} not attempted, still in {}", r.version, at(&r.now)),
        })
        .collect();
    let stage = at(outcome.target_stage.as_deref().unwrap_or_default());
    outcome.fail(&Error::Remote(e));
    if let Some(f) = &mut outcome.failure {
        f.message = format!(
            "rolling {stage} back to {} stopped: {}. Where each version stands: {}. Re-run the job to roll back the rest.",
            outcome.version,
            f.message,
            lines.join("; ")
        );
    }
}
