//! Walks a version through its lifecycle one stage at a time.
//!
//! For each stage on the path: ask the gate checker, then `/promote` (or `/release` for the
//! release stage), then re-read the version to confirm where it is. A plan judges every stage
//! and sends nothing ([`plan`]). The outcome always says
//! where the version really is: a hop whose answer was lost is verified by re-reading, never
//! retried blindly, so a version is never promoted twice.

use std::time::{Duration, Instant};

pub mod audit;
pub mod changes;
pub mod lifecycle;
pub mod outcome;
pub mod plan;
pub mod retag;

use crate::apptrust::{AppTrustApi, HopReply, HopRequest, VersionContent};
use crate::gates::{GateStatus, StageVerdict};
use crate::http::{RemoteError, RemoteErrorKind};
use lifecycle::Lifecycle;
use outcome::{Hop, HopAction, HopStatus, Outcome, RunResult};

/// Tunables of the walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// `copy`, `move` or `keep`.
    pub promotion_type: String,
    /// Repositories, overwrite strategy and artifact properties sent with every hop.
    pub selection: crate::inputs::Selection,
    /// How long to wait out "promotion already in progress".
    pub in_progress_wait: Duration,
    /// Poll interval while waiting.
    pub poll: Duration,
}

#[allow(clippy::too_many_arguments)] // one call site; a params struct would only rename them
/// Walks `path` (full stage names) from `content.current_stage`, filling `outcome`.
/// Returns `Err` only for remote failures; `outcome` is filled either way.
pub async fn walk<A, G>(
    api: &A,
    lifecycle: &Lifecycle,
    app: &str,
    mut content: VersionContent,
    path: &[String],
    options: &WalkOptions,
    mut gate_check: G,
    outcome: &mut Outcome,
) -> Result<(), RemoteError>
where
    A: AppTrustApi,
    G: FnMut(&str) -> StageVerdict,
{
    let version = content.version.clone();
    let mut current = content.current_stage.clone();
    // Set when another run moved the version while this one walked: where it put it.
    let mut moved_by_other: Option<String> = None;
    for (i, stage) in path.iter().enumerate() {
        if lifecycle.reached(&current, stage) {
            // Another run already took the version into (or past) this stage.
            let mut hop = new_hop(lifecycle, &current, stage, options, HopStatus::NotReached);
            hop.message = format!(
                "another run already promoted the version to {}",
                lifecycle.display(&current)
            );
            outcome.hops.push(hop);
            continue;
        }
        let mut hop = new_hop(lifecycle, &current, stage, options, HopStatus::Planned);
        let action = hop.action;
        let verdict = gate_check(stage);
        if let Some(why) = &verdict.deferred {
            outcome.gates.extend(verdict.gates);
            outcome.evidence.extend(verdict.evidence);
            hop.status = HopStatus::NotReached;
            hop.message = format!("deferred: {why}");
            outcome.warnings.push(format!(
                "Deferred before {}: {why}",
                lifecycle.display(stage)
            ));
            outcome.hops.push(hop);
            not_reached(lifecycle, &path[i + 1..], stage, options, outcome);
            outcome.result = RunResult::Deferred;
            outcome.to_stage = current;
            return Ok(());
        }
        let gates_failed = verdict.gates.iter().any(|g| g.status == GateStatus::Fail);
        outcome.gates.extend(verdict.gates);
        outcome.evidence.extend(verdict.evidence);
        outcome.tests.extend(verdict.tests);
        outcome.warnings.extend(verdict.warnings);
        outcome.findings.extend(verdict.findings);
        outcome.findings_total += verdict.findings_total;
        if gates_failed {
            hop.status = HopStatus::Blocked;
            hop.message = format!(
                "gates for {} failed; nothing was promoted to it",
                lifecycle.display(stage)
            );
            outcome.hops.push(hop);
            not_reached(lifecycle, &path[i + 1..], stage, options, outcome);
            outcome.result = RunResult::Blocked;
            outcome.to_stage = current;
            return Ok(());
        }
        let started = Instant::now();
        let end = apply_hop(
            api, app, &version, action, stage, lifecycle, options, &mut hop,
        )
        .await;
        hop.duration_ms = Some(started.elapsed().as_millis() as u64);
        match end {
            HopEnd::Done(now) => {
                content = now;
                hop.status = HopStatus::Done;
                current = stage.clone();
                outcome.to_stage = current.clone();
                outcome.hops.push(hop);
            }
            HopEnd::Moved { now, applied } => {
                hop.status = if applied {
                    HopStatus::Done
                } else {
                    HopStatus::NotReached
                };
                current = now.current_stage.clone();
                hop.message = format!(
                    "{}another run moved the version to {} meanwhile",
                    if applied {
                        "applied; "
                    } else {
                        "not applied: "
                    },
                    lifecycle.display(&current)
                );
                content = now;
                outcome.to_stage = current.clone();
                moved_by_other = Some(current.clone());
                outcome.hops.push(hop);
            }
            HopEnd::Rejected => {
                hop.status = HopStatus::Blocked;
                outcome.hops.push(hop);
                not_reached(lifecycle, &path[i + 1..], stage, options, outcome);
                outcome.result = RunResult::Blocked;
                outcome.to_stage = current;
                return Ok(());
            }
            HopEnd::Unconfirmed(err) => {
                // Where the version is, as far as anyone knows: AppTrust said it is in `stage`.
                hop.status = HopStatus::Done;
                hop.message = format!(
                    "AppTrust accepted the promotion to {}, but re-reading the version failed ({})",
                    lifecycle.display(stage),
                    err.what
                );
                content.current_stage = stage.clone();
                outcome.to_stage = stage.clone();
                outcome.hops.push(hop);
                not_reached(lifecycle, &path[i + 1..], stage, options, outcome);
                return Err(RemoteError {
                    what: format!(
                        "{} after AppTrust accepted the promotion to {}",
                        err.what,
                        lifecycle.display(stage)
                    ),
                    ..err
                });
            }
            HopEnd::Failed(err, now) => {
                if let Some(now) = now {
                    content = now;
                }
                return Err(fail_hop(
                    hop,
                    err,
                    &content,
                    lifecycle,
                    &path[i + 1..],
                    options,
                    outcome,
                ));
            }
        }
    }
    outcome.to_stage = current.clone();
    let own_last = outcome
        .hops
        .iter()
        .rev()
        .find(|h| h.status == HopStatus::Done)
        .map(|h| h.to.as_str());
    outcome.result = if let Some(there) =
        moved_by_other.filter(|_| own_last != Some(current.as_str()))
    {
        // The version reached the target, but not by this run's last hop: say so, change nothing.
        outcome.notes.push(format!(
            "Another run moved {version} to {} while this run was promoting it; nothing more to do.",
            lifecycle.display(&there)
        ));
        RunResult::Unchanged
    } else if lifecycle.is_release(&current) {
        RunResult::Released
    } else {
        RunResult::Promoted
    };
    Ok(())
}

/// How one hop ended.
enum HopEnd {
    /// Applied and verified; the content as re-read.
    Done(VersionContent),
    /// Another run moved the version: it is at or past this hop's stage, as re-read.
    /// `applied`: this run's request was accepted too (it moved on since).
    Moved {
        /// The content as re-read.
        now: VersionContent,
        /// Whether this run's own request was applied.
        applied: bool,
    },
    /// AppTrust's policy refused it (evaluations and message are on the hop).
    Rejected,
    /// Not applied, or not verifiably; the content if it was re-read.
    Failed(RemoteError, Option<VersionContent>),
    /// AppTrust answered success (sent with async=false, so the promotion is done), but the
    /// version could not be re-read to confirm it.
    Unconfirmed(RemoteError),
}

/// Sends one hop and learns the truth about it: on success the version is re-read and must be
/// in the stage; when the answer was lost (timeout, dropped connection, 5xx) or another
/// promotion was running, the version is re-read instead of re-sending the request.
#[allow(clippy::too_many_arguments)] // one private call site; the walk's state, spelled out
async fn apply_hop<A: AppTrustApi>(
    api: &A,
    app: &str,
    version: &str,
    action: HopAction,
    stage: &str,
    lifecycle: &Lifecycle,
    options: &WalkOptions,
    hop: &mut Hop,
) -> HopEnd {
    let request = HopRequest {
        target_stage: stage.to_string(),
        promotion_type: options.promotion_type.clone(),
        selection: options.selection.clone(),
    };
    let reply = match send_hop(api, app, version, action, &request, lifecycle, options).await {
        Ok(Sent::Reply(reply)) => reply,
        Ok(Sent::MovedByOther(now)) => {
            return HopEnd::Moved {
                now,
                applied: false,
            };
        }
        Err(err) => {
            let lost = err.what.clone();
            let end = learn_after_error(api, app, version, stage, lifecycle, err).await;
            if matches!(end, HopEnd::Done(_)) {
                hop.message = format!(
                    "the answer was lost ({lost}), but re-reading the version shows it reached {}",
                    lifecycle.display(stage)
                );
            }
            return end;
        }
    };
    match reply {
        HopReply::Accepted {
            message,
            evaluations,
            ..
        } => {
            hop.evaluations = evaluations;
            hop.message = message;
        }
        HopReply::PolicyRejected {
            message,
            evaluations,
        } => {
            hop.evaluations = evaluations;
            hop.message = if message.is_empty() {
                "AppTrust's policy refused the promotion".into()
            } else {
                message
            };
            return HopEnd::Rejected;
        }
    }
    // AppTrust answered success: the version must now be in the stage.
    match api.content(app, version).await {
        Ok(now) if now.current_stage == stage => HopEnd::Done(now),
        Ok(now) if lifecycle.reached(&now.current_stage, stage) => {
            HopEnd::Moved { now, applied: true }
        }
        Ok(now) => {
            let err = RemoteError {
                operation: format!(
                    "POST …/{}",
                    if action == HopAction::Release {
                        "release"
                    } else {
                        "promote"
                    }
                ),
                kind: RemoteErrorKind::Decode,
                what: format!(
                    "AppTrust accepted the promotion to {} but the version is still in {}",
                    lifecycle.display(stage),
                    if now.current_stage.is_empty() {
                        "no stage"
                    } else {
                        lifecycle.display(&now.current_stage)
                    }
                ),
                hint: "; check the version in JFrog; a re-run resumes from its current stage"
                    .into(),
            };
            HopEnd::Failed(err, Some(now))
        }
        Err(err) => HopEnd::Unconfirmed(err),
    }
}

/// What became of an error answer, learnt by re-reading the version (never by re-sending):
/// a lost answer (timeout, dropped connection, 5xx) may have been applied, and a conflict means
/// another run may have moved the version.
async fn learn_after_error<A: AppTrustApi>(
    api: &A,
    app: &str,
    version: &str,
    stage: &str,
    lifecycle: &Lifecycle,
    err: RemoteError,
) -> HopEnd {
    let conflict = err.status() == Some(409);
    if !err.outcome_unknown() && !conflict {
        return HopEnd::Failed(err, None);
    }
    match api.content(app, version).await {
        Ok(now) if err.outcome_unknown() && now.current_stage == stage => HopEnd::Done(now),
        Ok(now) if lifecycle.reached(&now.current_stage, stage) => HopEnd::Moved {
            now,
            applied: false,
        },
        Ok(now) => HopEnd::Failed(err, Some(now)),
        Err(_) => HopEnd::Failed(err, None),
    }
}

/// What sending a hop led to.
enum Sent {
    /// AppTrust's answer to this run's request.
    Reply(HopReply),
    /// While this run waited out another promotion, that one took the version to (or past) the
    /// stage: nothing of this run's was applied.
    MovedByOther(VersionContent),
}

/// Sends one promote/release; waits out "promotion already in progress" (bounded) and sends
/// again once it clears, because that answer means nothing was applied for this request.
async fn send_hop<A: AppTrustApi>(
    api: &A,
    app: &str,
    version: &str,
    action: HopAction,
    request: &HopRequest,
    lifecycle: &Lifecycle,
    options: &WalkOptions,
) -> Result<Sent, RemoteError> {
    let deadline = Instant::now() + options.in_progress_wait;
    loop {
        let reply = match action {
            HopAction::Release => api.release(app, version, request).await,
            _ => api.promote(app, version, request).await,
        };
        match reply {
            Err(e) if e.in_progress() => {
                if Instant::now() >= deadline {
                    return Err(RemoteError {
                        hint: format!(
                            "; another promotion of this version was still running after {} s — wait for it to finish in JFrog, then re-run",
                            options.in_progress_wait.as_secs()
                        ),
                        ..e
                    });
                }
                tokio::time::sleep(options.poll).await;
                if let Ok(now) = api.content(app, version).await {
                    if lifecycle.reached(&now.current_stage, &request.target_stage) {
                        return Ok(Sent::MovedByOther(now));
                    }
                }
            }
            other => return other.map(Sent::Reply),
        }
    }
}

fn fail_hop(
    mut hop: Hop,
    err: RemoteError,
    content: &VersionContent,
    lifecycle: &Lifecycle,
    rest: &[String],
    options: &WalkOptions,
    outcome: &mut Outcome,
) -> RemoteError {
    hop.status = HopStatus::Failed;
    let err = RemoteError {
        what: format!("{} while entering {}", err.what, lifecycle.display(&hop.to)),
        ..err
    };
    hop.message = err.to_string();
    let now = content.current_stage.clone();
    let next_from = hop.to.clone();
    outcome.hops.push(hop);
    not_reached(lifecycle, rest, &next_from, options, outcome);
    outcome.to_stage = now;
    err
}

/// A hop from `from` into `stage`, nothing decided or sent yet.
fn new_hop(
    lifecycle: &Lifecycle,
    from: &str,
    stage: &str,
    options: &WalkOptions,
    status: HopStatus,
) -> Hop {
    Hop {
        from: from.to_string(),
        to: stage.to_string(),
        action: lifecycle.action_into(stage),
        promotion_type: options.promotion_type.clone(),
        status,
        duration_ms: None,
        evaluations: Vec::new(),
        message: String::new(),
    }
}

fn not_reached(
    lifecycle: &Lifecycle,
    rest: &[String],
    from: &str,
    options: &WalkOptions,
    outcome: &mut Outcome,
) {
    let mut prev = from.to_string();
    for stage in rest {
        outcome.hops.push(new_hop(
            lifecycle,
            &prev,
            stage,
            options,
            HopStatus::NotReached,
        ));
        prev = stage.clone();
    }
}
