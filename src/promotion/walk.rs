//! The walk: each stage of the path gated, then entered, in order; the outcome says where the
//! version really is after every hop.

use std::time::{Duration, Instant};

use super::hop::{HopEnd, apply_hop};
use super::outcome::{Hop, HopStatus, Outcome, RunResult};
use crate::apptrust::{AppTrustApi, VersionContent};
use crate::gates::{GateStatus, StageVerdict};
use crate::http::RemoteError;
use crate::lifecycle::Lifecycle;

/// Tunables of the walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// `copy`, `move` or `keep`.
    pub promotion_type: String,
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
