//! The walk: each stage of the path gated, then entered, in order; the outcome says where the
//! version really is after every hop.
//!
//! A stage another run already took the version into is not entered again; a stage whose gates
//! fail (or whose window defers it) stops the walk before anything is sent; a hop AppTrust's
//! policy rejects stops it after. How one hop learns the truth about its answer is [`super::hop`].

use std::time::Instant;

use super::hop::HopEnd;
use super::outcome::{Hop, HopStatus, Outcome, RunResult};
use super::walker::Walk;
use crate::gates::{GateStatus, StageVerdict};
use crate::http::RemoteError;
use crate::jfrog::apptrust::AppTrustApi;

/// Whether the walk goes on after a stage.
enum Step {
    /// On to the next stage.
    Next,
    /// The walk ended here; the outcome says why.
    Stop,
}

/// Where the walk has taken the version so far.
struct Position {
    /// Full stage name the version is in, as last known (`""` = never promoted).
    current: String,
    /// Set when another run moved the version while this one walked: where it put it.
    moved_by_other: Option<String>,
}

impl<A: AppTrustApi> Walk<'_, A> {
    /// Walks `path` (full stage names) from `from` (the stage the version is in), filling
    /// `outcome`. `gate_check` gives each stage's verdict when the walk reaches it. Returns `Err`
    /// only for remote failures; `outcome` is filled either way.
    pub(crate) async fn run<G>(
        &self,
        from: &str,
        path: &[String],
        mut gate_check: G,
        outcome: &mut Outcome,
    ) -> Result<(), RemoteError>
    where
        G: FnMut(&str) -> StageVerdict,
    {
        let mut at = Position {
            current: from.to_string(),
            moved_by_other: None,
        };
        for (i, stage) in path.iter().enumerate() {
            let rest = &path[i + 1..];
            if self.lifecycle.reached(&at.current, stage) {
                // Another run already took the version into (or past) this stage.
                let mut hop = self.new_hop(&at.current, stage, HopStatus::NotReached);
                hop.message = format!(
                    "another run already promoted the version to {}",
                    self.lifecycle.display(&at.current)
                );
                outcome.hops.push(hop);
                continue;
            }
            let hop = self.new_hop(&at.current, stage, HopStatus::Planned);
            let Some(mut hop) = self.judge(gate_check(stage), hop, rest, &at, outcome) else {
                return Ok(());
            };
            let started = Instant::now();
            let end = self.apply_hop(hop.action, stage, &mut hop).await;
            hop.duration_ms = Some(started.elapsed().as_millis() as u64);
            if let Step::Stop = self.record(end, hop, rest, &mut at, outcome)? {
                return Ok(());
            }
        }
        self.conclude(at, outcome);
        Ok(())
    }

    /// Takes a stage's verdict into the outcome. `None` when it stops the walk before the hop
    /// is sent (deferred, or a gate failed): the hop and the stages after it are recorded.
    fn judge(
        &self,
        verdict: StageVerdict,
        mut hop: Hop,
        rest: &[String],
        at: &Position,
        outcome: &mut Outcome,
    ) -> Option<Hop> {
        let stage = hop.to.clone();
        let shown = self.lifecycle.display(&stage);
        if let Some(why) = &verdict.deferred {
            outcome.gates.extend(verdict.gates);
            outcome.evidence.extend(verdict.evidence);
            hop.status = HopStatus::NotReached;
            hop.message = format!("deferred: {why}");
            outcome
                .warnings
                .push(format!("Deferred before {shown}: {why}"));
            self.stop_at(hop, rest, RunResult::Deferred, &at.current, outcome);
            return None;
        }
        let gates_failed = verdict.gates.iter().any(|g| g.status == GateStatus::Fail);
        outcome.add_verdict(verdict);
        if gates_failed {
            hop.status = HopStatus::Blocked;
            hop.message = format!("gates for {shown} failed; nothing was promoted to it");
            self.stop_at(hop, rest, RunResult::Blocked, &at.current, outcome);
            return None;
        }
        Some(hop)
    }

    /// Records how a sent hop ended and where that leaves the version.
    fn record(
        &self,
        end: HopEnd,
        mut hop: Hop,
        rest: &[String],
        at: &mut Position,
        outcome: &mut Outcome,
    ) -> Result<Step, RemoteError> {
        let stage = hop.to.clone();
        match end {
            HopEnd::Done => {
                hop.status = HopStatus::Done;
                at.current = stage;
                outcome.to_stage = at.current.clone();
                outcome.hops.push(hop);
                Ok(Step::Next)
            }
            HopEnd::Moved { now, applied } => {
                hop.status = if applied {
                    HopStatus::Done
                } else {
                    HopStatus::NotReached
                };
                at.current = now.current_stage;
                hop.message = format!(
                    "{}another run moved the version to {} meanwhile",
                    if applied {
                        "applied; "
                    } else {
                        "not applied: "
                    },
                    self.lifecycle.display(&at.current)
                );
                outcome.to_stage = at.current.clone();
                at.moved_by_other = Some(at.current.clone());
                outcome.hops.push(hop);
                Ok(Step::Next)
            }
            HopEnd::Rejected => {
                hop.status = HopStatus::Blocked;
                self.stop_at(hop, rest, RunResult::Blocked, &at.current, outcome);
                Ok(Step::Stop)
            }
            HopEnd::Unconfirmed(err) => {
                // Where the version is, as far as anyone knows: AppTrust said it is in `stage`.
                let shown = self.lifecycle.display(&stage).to_string();
                hop.status = HopStatus::Done;
                hop.message = format!(
                    "AppTrust accepted the promotion to {shown}, but re-reading the version failed ({})",
                    err.what
                );
                outcome.to_stage = stage.clone();
                outcome.hops.push(hop);
                self.not_reached(rest, &stage, outcome);
                Err(RemoteError {
                    what: format!(
                        "{} after AppTrust accepted the promotion to {shown}",
                        err.what
                    ),
                    ..err
                })
            }
            HopEnd::Failed(err, now) => {
                let now = now.map_or_else(|| at.current.clone(), |c| c.current_stage);
                Err(self.fail_hop(hop, err, &now, rest, outcome))
            }
        }
    }

    /// The result of a walk that went through every stage of its path.
    fn conclude(&self, at: Position, outcome: &mut Outcome) {
        outcome.to_stage = at.current.clone();
        let own_last = outcome
            .hops
            .iter()
            .rev()
            .find(|h| h.status == HopStatus::Done)
            .map(|h| h.to.as_str());
        outcome.result = if let Some(there) = at
            .moved_by_other
            .filter(|_| own_last != Some(at.current.as_str()))
        {
            // The version reached the target, but not by this run's last hop: say so, change
            // nothing.
            outcome.notes.push(format!(
                "Another run moved {} to {} while this run was promoting it; nothing more to do.",
                self.version,
                self.lifecycle.display(&there)
            ));
            RunResult::Unchanged
        } else if self.lifecycle.is_release(&at.current) {
            RunResult::Released
        } else {
            RunResult::Promoted
        };
    }

    /// Ends the walk at `hop` with `result`: the hop, then the stages after it as not reached;
    /// the version stays in `current`.
    fn stop_at(
        &self,
        hop: Hop,
        rest: &[String],
        result: RunResult,
        current: &str,
        outcome: &mut Outcome,
    ) {
        let stage = hop.to.clone();
        outcome.hops.push(hop);
        self.not_reached(rest, &stage, outcome);
        outcome.result = result;
        outcome.to_stage = current.to_string();
    }

    /// A failed hop: recorded with the error, the stages after it not reached, the version left
    /// in `now`; the error says which stage it was entering.
    fn fail_hop(
        &self,
        mut hop: Hop,
        err: RemoteError,
        now: &str,
        rest: &[String],
        outcome: &mut Outcome,
    ) -> RemoteError {
        hop.status = HopStatus::Failed;
        let err = RemoteError {
            what: format!(
                "{} while entering {}",
                err.what,
                self.lifecycle.display(&hop.to)
            ),
            ..err
        };
        hop.message = err.to_string();
        let next_from = hop.to.clone();
        outcome.hops.push(hop);
        self.not_reached(rest, &next_from, outcome);
        outcome.to_stage = now.to_string();
        err
    }

    /// A hop from `from` into `stage`, nothing decided or sent yet.
    fn new_hop(&self, from: &str, stage: &str, status: HopStatus) -> Hop {
        Hop {
            from: from.to_string(),
            to: stage.to_string(),
            action: self.lifecycle.action_into(stage),
            promotion_type: self.options.promotion_type.clone(),
            status,
            duration_ms: None,
            evaluations: Vec::new(),
            message: String::new(),
        }
    }

    /// The stages of `rest`, from `from` on, as hops not reached.
    fn not_reached(&self, rest: &[String], from: &str, outcome: &mut Outcome) {
        let mut prev = from.to_string();
        for stage in rest {
            outcome
                .hops
                .push(self.new_hop(&prev, stage, HopStatus::NotReached));
            prev = stage.clone();
        }
    }
}

#[cfg(test)]
#[path = "walk_tests.rs"]
mod tests;
