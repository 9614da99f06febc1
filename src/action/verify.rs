//! Verification after promotion (`verify:`): the walk goes on one segment at a time, and after
//! this run's own hop into a stage that has `verify` the stage is watched — every `every` until
//! `for` has passed, its `prometheus` / `health` gates evaluated — before the walk goes further.
//!
//! The first failed check ends the watch. With `on-failure: rollback` the version is rolled
//! back out of the stage through the rollback command's own step ([`super::rollback`]: one
//! request, a lost answer learnt by re-reading, the tag quarantined and `latest` moved for the
//! release stage; the audit properties are written with the run's other hops), and the run is
//! `reverted`. With `report` it is only said. The watch waits on the run's clock (virtual in
//! tests and the demo), never outlives the job (it is cut to end before the job's limit), and a
//! cancelled run stops watching at once, leaving the version where it is. From the first watch
//! on, the runner's signal no longer kills the process (the watch listens for it), so the walk
//! after a watch goes one hop at a time and stops before the next hop once it is cancelled.
//!
//! Before any hop the verify gates are asked once ([`preflight`]): a query the server cannot
//! parse is a policy error while nothing has moved yet, and a plan shows what they say now.

use std::collections::BTreeMap;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::time::Duration;

use futures_util::FutureExt;

use super::clock::{self, Clock};
use super::probe::{self, Live};
use super::run::Run;
use crate::error::Error;
use crate::gates::facts::Fact;
use crate::gates::verify::{self as judge, Failed, GateWatch, WatchEnd};
use crate::gates::{self, GateResult, GateStatus, StageVerdict};
use crate::jfrog::apptrust::{AppTrustApi, VersionContent};
use crate::policy::{GateSpec, OnVerifyFailure, Policy, Verify, human_duration};
use crate::promotion::outcome::{Hop, HopStatus, Outcome, RunResult};
use crate::promotion::{Walk, WalkOptions, retag};
use crate::report;

/// The runner's request to stop, listened to from the first watch on: once the handlers are
/// installed the signal no longer kills the process, so the walk itself must see it.
type Cancel = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Time kept free at the end of the job for the rollback and the reports.
const JOB_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The verify gates of every stage on `path`, asked once. Errors (a query the server refuses,
/// a monitoring API that cannot be reached) end the run before anything is promoted; the rows
/// (`verify: <gate>`, `warn` when one would fail now) are for a plan. In a promotion only the
/// `prometheus` gates are asked: a health endpoint's answer cannot be an error.
pub(super) async fn preflight(
    live: &Live<'_>,
    policy: &Policy,
    path: &[String],
    plan: bool,
) -> Result<BTreeMap<String, Vec<GateResult>>, Error> {
    let mut out = BTreeMap::new();
    for stage in path {
        let Some(v) = policy.stage(stage).and_then(|sp| sp.verify.as_ref()) else {
            continue;
        };
        let mut rows = Vec::new();
        for g in &v.gates {
            if !plan && !matches!(g.spec, GateSpec::Prometheus(_)) {
                continue;
            }
            let e = probe::evidence(live, stage, g).await?;
            let mut r = evaluate(stage, g, &e).result;
            r.gate = format!("verify: {}", r.gate);
            r.detail = format!(
                "after promotion, for {}: now {}",
                human_duration(v.watch_for),
                r.detail
            );
            if r.status == GateStatus::Fail {
                r.status = GateStatus::Warn;
            }
            rows.push(r);
        }
        out.insert(stage.clone(), rows);
    }
    Ok(out)
}

/// Walks `path` as [`Walk::run`] does, watching each stage with `verify` that this run's
/// own hop entered before going on. `Err` is a remote error of the walk or of a rollback.
#[allow(clippy::too_many_arguments)] // one call site: the walk's arguments plus what a watch needs
pub(super) async fn walk<A: AppTrustApi>(
    run: &Run<'_, A>,
    policy: Option<&Policy>,
    live: &Live<'_>,
    mut content: VersionContent,
    path: &[String],
    options: &WalkOptions,
    verdicts: &BTreeMap<String, StageVerdict>,
    logged: &mut usize,
    outcome: &mut Outcome,
    log: &mut impl Write,
) -> Result<(), Error> {
    let lifecycle = run.lifecycle;
    let app = &run.inputs.application;
    let verify_of = |stage: &str| {
        policy
            .and_then(|p| p.stage(stage))
            .and_then(|s| s.verify.as_ref())
    };
    let mut start = 0;
    let mut cancel: Option<Cancel> = None;
    while start < path.len() {
        // After a watch, the runner's cancellation is seen between two hops (the one in flight
        // completes, so the version is in a stage the run can name).
        if let Some(c) = cancel.as_mut()
            && c.as_mut().now_or_never().is_some()
        {
            let here = lifecycle.display(&outcome.to_stage).to_string();
            outcome.warnings.push(format!(
                "The run was cancelled after the verification: nothing more was promoted, the version stays in {here}"
            ));
            not_reached(outcome, &path[start..]);
            return Ok(());
        }
        // The next segment ends at the first stage that is watched (or the end of the path);
        // once a watch listens for the runner's cancellation, at every stage.
        let end = match cancel {
            Some(_) => start + 1,
            None => path[start..]
                .iter()
                .position(|s| verify_of(s).is_some())
                .map_or(path.len(), |i| start + i + 1),
        };
        let segment = &path[start..end];
        // Each stage's verdicts are printed as the walk reaches it, before its hop.
        let mut attested = Vec::new();
        let gate_check = |stage: &str| {
            super::finish::reached_stage(lifecycle, verdicts, stage, log, &mut attested)
        };
        let walk = Walk {
            api: run.api,
            lifecycle,
            app,
            version: &content.version,
            options,
        };
        let walked = walk
            .run(&content.current_stage, segment, gate_check, outcome)
            .await;
        outcome.attestations.extend(attested);
        walked.map_err(Error::Remote)?;
        let stage = &path[end - 1];
        let moved = matches!(outcome.result, RunResult::Promoted | RunResult::Released);
        if !moved {
            not_reached(outcome, &path[end..]);
            return Ok(());
        }
        let entered_now = outcome.hops.last().is_some_and(|h| {
            h.status == HopStatus::Done && &h.to == stage && outcome.to_stage == *stage
        });
        if let (Some(v), true) = (verify_of(stage), entered_now) {
            // The hops so far are told before the watch's lines, in the order they happened.
            for hop in &outcome.hops[*logged..] {
                super::finish::log_hop(lifecycle, hop, log);
            }
            *logged = outcome.hops.len();
            let kept = outcome.result;
            match watch(run, live, v, stage, &mut cancel, outcome, log).await? {
                Watched::GoOn => outcome.result = kept,
                Watched::Stop => {
                    not_reached(outcome, &path[end..]);
                    return Ok(());
                }
            }
        }
        content.current_stage = outcome.to_stage.clone();
        start = end;
    }
    Ok(())
}

/// Whether the walk goes on after a watch.
enum Watched {
    GoOn,
    Stop,
}

/// Watches `stage` and acts on the verdict.
async fn watch<A: AppTrustApi>(
    run: &Run<'_, A>,
    live: &Live<'_>,
    v: &Verify,
    stage: &str,
    cancel: &mut Option<Cancel>,
    outcome: &mut Outcome,
    log: &mut impl Write,
) -> Result<Watched, Error> {
    let settings = run.settings;
    let name = run.lifecycle.display(stage).to_string();
    let (checks, cut_short) = plan_checks(v, settings.job_limit, settings.started.elapsed(), &name);
    if let Some(why) = &cut_short {
        outcome.warnings.push(why.clone());
    }
    // Listening before saying the watch started: a cancellation from then on is seen, during
    // this watch and for the rest of the run.
    let cancel = cancel.get_or_insert_with(|| Box::pin(clock::cancelled()));
    let _ = writeln!(
        log,
        "promote-action: verifying {name} for {}: {checks} check{} of {} gate{}, one every {}",
        human_duration(v.every * checks as u32),
        if checks == 1 { "" } else { "s" },
        v.gates.len(),
        if v.gates.len() == 1 { "" } else { "s" },
        human_duration(v.every)
    );
    let watched = checks_loop(&settings.clock, live, v, stage, checks, cancel, log).await;
    let rows = judge::rows(stage, v, &watched.gates, watched.made, watched.end);
    let account = judge::verification(
        stage,
        v,
        &watched.gates,
        watched.made,
        watched.end,
        cut_short,
    );
    outcome.gates.extend(rows.iter().cloned());
    outcome.verification.push(account);
    match watched.end {
        WatchEnd::Completed => {
            if watched
                .gates
                .iter()
                .all(|g| g.passed == 0 && g.failed.is_none())
            {
                outcome.warnings.push(format!(
                    "{name} was not verified: no check of its `verify` gates could be evaluated (see the `verify:` rows); the version stays in {name}"
                ));
            }
            Ok(Watched::GoOn)
        }
        WatchEnd::Cancelled(at) => {
            outcome.warnings.push(format!(
                "The run was cancelled {} into the verification of {name}: nothing was rolled back, the version stays in {name}, not verified",
                human_duration(at)
            ));
            Ok(Watched::Stop)
        }
        WatchEnd::Failed(at) => {
            let why: Vec<String> = rows
                .iter()
                .filter(|r| {
                    matches!(r.status, GateStatus::Fail | GateStatus::Warn)
                        && r.figure != "not verified"
                })
                .map(|r| format!("{} {}", r.gate.trim_start_matches("verify: "), r.figure))
                .collect();
            let reason = format!(
                "verification of {name} failed {} into the watch: {}",
                human_duration(at),
                why.join(", ")
            );
            if v.on_failure == OnVerifyFailure::Report {
                outcome.warnings.push(format!(
                    "{reason} (`on-failure: report`: the version stays in {name})"
                ));
                return Ok(Watched::GoOn);
            }
            roll_back(run, stage, reason, outcome, log).await?;
            Ok(Watched::Stop)
        }
    }
}

/// How many checks fit: `for / every`, or fewer when the job would end first (then why).
fn plan_checks(v: &Verify, job: Duration, elapsed: Duration, stage: &str) -> (u64, Option<String>) {
    let planned = v.checks();
    let left = job.saturating_sub(elapsed).saturating_sub(JOB_MARGIN);
    let every = v.every.as_millis().max(1);
    let fit = (left.as_millis() / every) as u64;
    if fit >= planned {
        return (planned, None);
    }
    let checks = fit.max(1);
    let why = format!(
        "The verification of {stage} was cut to {} ({checks} of {planned} checks): `for` is {}, but the job may run {} (PROMOTE_ACTION_JOB_TIMEOUT_MINUTES, default GitHub's 6 h), the action has run {} and keeps {} for the rollback and the reports",
        human_duration(v.every * checks as u32),
        human_duration(v.watch_for),
        human_duration(job),
        human_duration(elapsed),
        human_duration(JOB_MARGIN)
    );
    (checks, Some(why))
}

/// What the checks found.
struct Checked {
    gates: Vec<GateWatch>,
    made: u64,
    end: WatchEnd,
}

/// Makes the checks: wait `every`, ask every gate, stop at the first failure or cancellation.
async fn checks_loop(
    clock: &Clock,
    live: &Live<'_>,
    v: &Verify,
    stage: &str,
    checks: u64,
    cancel: &mut Cancel,
    log: &mut impl Write,
) -> Checked {
    let started = clock.now();
    let into = |clock: &Clock| {
        Duration::try_from(clock.now().duration_since(started)).unwrap_or(Duration::ZERO)
    };
    let mut gates = vec![GateWatch::default(); v.gates.len()];
    let name = live.lifecycle.display(stage).to_string();
    for check in 1..=checks {
        tokio::select! {
            _ = clock.sleep(v.every) => {}
            _ = cancel.as_mut() => {
                return Checked { gates, made: check - 1, end: WatchEnd::Cancelled(into(clock)) };
            }
        }
        let at = into(clock);
        let mut failed = false;
        for (g, w) in v.gates.iter().zip(gates.iter_mut()) {
            let asked = tokio::select! {
                e = probe::evidence(live, stage, g) => e,
                _ = cancel.as_mut() => {
                    return Checked { gates, made: check - 1, end: WatchEnd::Cancelled(into(clock)) };
                }
            };
            let row = match asked {
                Ok(e) => judged(stage, g, &e, check, at, w),
                Err(e) => {
                    w.inconclusive.0 += 1;
                    w.inconclusive.1 = Some(e.to_string());
                    None
                }
            };
            let line = match &row {
                Some(r) => report::job_log::verdict_line(&name, r),
                None => format!(
                    "{name} · verify: {}: could not be evaluated ({}) → unknown\n",
                    g.name,
                    w.inconclusive.1.as_deref().unwrap_or_default()
                ),
            };
            let _ = write!(log, "[{}/{checks} at {}] {line}", check, human_duration(at));
            failed |= w.failed.is_some();
        }
        if failed {
            return Checked {
                gates,
                made: check,
                end: WatchEnd::Failed(at),
            };
        }
    }
    Checked {
        gates,
        made: checks,
        end: WatchEnd::Completed,
    }
}

/// Decides a `verify` gate: `prometheus` and `health` read neither the clock (the facts were
/// read at the check) nor a tests baseline.
fn evaluate(stage: &str, g: &crate::policy::Gate, e: &Fact) -> gates::GateEval {
    let ctx = gates::GateContext::without_baseline(jiff::Timestamp::UNIX_EPOCH);
    gates::evaluate_in(stage, g, e, ctx)
}

/// Judges one gate's facts at one check, recording it in `w`; the row for the log.
fn judged(
    stage: &str,
    g: &crate::policy::Gate,
    e: &Fact,
    check: u64,
    at: Duration,
    w: &mut GateWatch,
) -> Option<GateResult> {
    let mut r = evaluate(stage, g, e).result;
    r.gate = format!("verify: {}", r.gate);
    match r.status {
        GateStatus::Fail => {
            w.failed = Some(Failed {
                check,
                at,
                figure: r.figure.clone(),
                detail: r.detail.clone(),
            })
        }
        _ => {
            w.passed += 1;
            w.last = Some(r.figure.clone());
        }
    }
    Some(r)
}

/// Rolls the version back out of `stage` after its verification failed: result `reverted`.
async fn roll_back<A: AppTrustApi>(
    run: &Run<'_, A>,
    stage: &str,
    reason: String,
    outcome: &mut Outcome,
    log: &mut impl Write,
) -> Result<(), Error> {
    let app = &run.inputs.application;
    let version = outcome.version.clone();
    let _ = writeln!(log, "promote-action: {reason}; rolling it back");
    let (hop, reply, now) = match super::rollback::rollback_once(
        run.api,
        app,
        &version,
        stage,
        reason.clone(),
        outcome,
    )
    .await
    {
        Ok(done) => done,
        Err(e) => {
            let lc = run.lifecycle;
            outcome.warnings.push(format!(
                    "{reason}, and rolling it back failed: the version may still be in {} — roll it back with `command: rollback`",
                    lc.display(stage)
                ));
            return Err(e);
        }
    };
    if !reply.to_stage.is_empty() && reply.to_stage != now.current_stage {
        outcome.warnings.push(format!(
            "AppTrust said the version went back to {}, but it reads as {}",
            run.lifecycle.display(&reply.to_stage),
            run.lifecycle.display(&now.current_stage)
        ));
    }
    outcome.hops.push(hop);
    outcome.to_stage = now.current_stage.clone();
    outcome.release_status = now.release_status.clone();
    outcome.result = RunResult::Reverted;
    if run.settings.retag_on_rollback && run.lifecycle.is_release(stage) {
        let r = retag::after_rollback(run.api, app, &version, now.tag.as_deref()).await;
        outcome.notes.extend(r.notes);
        outcome.warnings.extend(r.warnings);
    }
    Ok(())
}

/// The stages of `rest` as hops never attempted.
fn not_reached(outcome: &mut Outcome, rest: &[String]) {
    let lifecycle = outcome.lifecycle.clone();
    let mut prev = outcome.to_stage.clone();
    for stage in rest {
        if outcome
            .hops
            .iter()
            .any(|h| &h.to == stage && h.action != crate::lifecycle::HopAction::Rollback)
        {
            prev = stage.clone();
            continue;
        }
        outcome.hops.push(Hop {
            from: prev.clone(),
            to: stage.clone(),
            action: lifecycle
                .as_ref()
                .map(|l| l.action_into(stage))
                .unwrap_or(crate::lifecycle::HopAction::Promote),
            promotion_type: outcome
                .hops
                .first()
                .map(|h| h.promotion_type.clone())
                .unwrap_or_default(),
            status: HopStatus::NotReached,
            duration_ms: None,
            evaluations: Vec::new(),
            message: String::new(),
        });
        prev = stage.clone();
    }
}

#[cfg(test)]
mod tests;
