//! The `promote` and `plan` commands: resolve the target and the path, check that AppTrust would
//! promote the version at all and the emergency stop, gather every fact the policy needs, decide
//! each stage, then walk the path one hop at a time — or, for a plan, judge every stage as if the
//! ones before it had passed, sending nothing.

use std::collections::BTreeMap;
use std::io::Write;

use super::finish::{audit_context, log_hop, reached_stage};
use super::run::Run;
use super::{check_stop, dry_run, gather, probe, reads, verify};
use crate::error::Error;
use crate::gates::stage::{self, RunFacts};
use crate::gates::{Finding, GateResult, GateStatus, Severity, StageVerdict, readiness};
use crate::inputs::Command;
use crate::jfrog::apptrust::{AppTrustApi, VersionContent};
use crate::policy::Policy;
use crate::promotion::outcome::{Outcome, RunResult};
use crate::promotion::{self, WalkOptions, audit};
use crate::report;

pub(super) async fn promote<A: AppTrustApi>(
    run: &Run<'_, A>,
    policy: Option<&Policy>,
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
    let Some(path) = resolve_path(run, &content, outcome, log)? else {
        return Ok(());
    };
    let plan_only = inputs.command == Command::Plan;
    let options = WalkOptions {
        promotion_type: inputs.promotion_type.as_api().to_string(),
        selection: inputs.selection.clone(),
        in_progress_wait: settings.in_progress_wait,
        poll: settings.poll,
    };
    // Before any gate: AppTrust promotes only a COMPLETED version, and an emergency stop stops
    // everything. A promotion that meets either gathers and sends nothing more; a plan goes on
    // to show every stage.
    let first = path.first().cloned().unwrap_or_default();
    let not_ready = readiness::check(&first, &content.version, &content.status);
    // What the live gates (bake, prometheus, health) and the verify watch read. The promotion
    // history is read only when a gate needs it and the run may still gate.
    let history = match policy {
        Some(p) if (not_ready.is_none() || plan_only) && probe::needs_history(p, &path) => api
            .promotions(&inputs.application, &content.version)
            .await
            .map_err(|e| format!("cannot read the version's promotion history: {e}")),
        _ => Ok(Vec::new()),
    };
    let http = crate::http::build_client_same_host(&settings.client);
    let current = content.current_stage.clone();
    let live = probe::Live {
        lifecycle,
        current: &current,
        history: &history,
        now: settings.instant(),
        http: &http,
        options: &settings.client,
        ctx,
        policy_name: &inputs.policy.path,
    };
    if let Some(policy) = policy.filter(|_| not_ready.is_none() || plan_only) {
        let mask = settings.mask_secrets;
        probe::mask_tokens(policy, &path, ctx, &settings.client, mask, log);
    }
    // What the version would change in the target stage is read beside the decisions (neither
    // needs the other), before anything moves (after, the candidate is there).
    let changes = async {
        match &outcome.target_stage {
            Some(stage) => Some(super::changes::read(run, stage, &content.version).await),
            None => None,
        }
    };
    let decide = read_and_decide(
        run,
        policy,
        &path,
        &content,
        not_ready.is_some(),
        plan_only,
        &live,
    );
    let (decided, changes) = reads::both(settings.sequential_reads, decide, changes).await;
    let (stop, mut verdicts, dry_runs) = decided?;
    if let Some((set, warning)) = changes {
        outcome.changes = Some(set);
        outcome.warnings.extend(warning);
    }
    let stopped = stop.clone().filter(check_stop::stops);
    let first_rows: Vec<_> = not_ready.iter().chain(stop.iter()).cloned().collect();
    if !first_rows.is_empty() {
        let verdict: &mut StageVerdict = verdicts.entry(first).or_default();
        verdict.gates.splice(0..0, first_rows);
    }
    if plan_only {
        report_plan(run, &content, &path, &dry_runs, &verdicts, outcome, log);
        return Ok(());
    }
    // Hops before a watch are logged before it; the rest once the audit is written.
    let mut logged = 0;
    let result = verify::walk(
        run,
        policy,
        &live,
        content,
        &path,
        &options,
        &verdicts,
        &mut logged,
        outcome,
        log,
    )
    .await;
    if let Some(row) = &stopped {
        let why = format!("emergency stop: {}", row.detail);
        outcome.name_on_blocked_hop(lifecycle, &row.stage, &why);
    } else if let Some(row) = &not_ready {
        outcome.name_on_blocked_hop(lifecycle, &row.stage, &row.detail);
    }
    let audit = audit_context(inputs, ctx, settings);
    let warnings = audit::record_hops(api, outcome, &audit).await;
    outcome.warnings.extend(warnings);
    for hop in outcome.hops.iter().skip(logged) {
        log_hop(lifecycle, hop, log);
    }
    result
}

/// The stages to walk, with the resolved target on `outcome`; `None` when the version is
/// already where it should be, which is not an error: the run has nothing to do.
fn resolve_path<A: AppTrustApi>(
    run: &Run<'_, A>,
    content: &VersionContent,
    outcome: &mut Outcome,
    log: &mut impl Write,
) -> Result<Option<Vec<String>>, Error> {
    let Run {
        inputs, lifecycle, ..
    } = *run;
    let target = match &inputs.target_stage {
        Some(t) => Some(
            lifecycle
                .resolve(t)
                .map_err(|e| Error::Plan {
                    message: format!("input `target-stage`: {e}"),
                })?
                .to_string(),
        ),
        None => None,
    };
    outcome.target_stage = target.clone();
    let path = lifecycle
        .path(&content.current_stage, target.as_deref())
        .map_err(|e| Error::Plan {
            message: e.to_string(),
        })?;
    if path.is_empty() {
        outcome.result = RunResult::Unchanged;
        let _ = writeln!(
            log,
            "promote-action: {} {} is already in {}; nothing to do",
            inputs.application,
            content.version,
            lifecycle.display(&content.current_stage)
        );
        return Ok(None);
    }
    if outcome.target_stage.is_none() {
        outcome.target_stage = path.last().cloned();
    }
    Ok(Some(path))
}

/// A plan sends nothing: it judges every stage as if the ones before had passed and logs each
/// hop as the walk would have met it.
fn report_plan<A: AppTrustApi>(
    run: &Run<'_, A>,
    content: &VersionContent,
    path: &[String],
    dry_runs: &BTreeMap<String, promotion::plan::DryRun>,
    verdicts: &BTreeMap<String, StageVerdict>,
    outcome: &mut Outcome,
    log: &mut impl Write,
) {
    let lifecycle = run.lifecycle;
    // The same kind the walk would send (`WalkOptions::promotion_type`).
    let kind = run.inputs.promotion_type.as_api();
    // Each stage's verdicts are printed as the plan reaches it.
    let mut attested = Vec::new();
    let gate_check = |stage: &str| reached_stage(lifecycle, verdicts, stage, log, &mut attested);
    promotion::plan::plan(
        lifecycle, content, path, kind, dry_runs, gate_check, outcome,
    );
    outcome.attestations = attested;
    let later = dry_run::judged_from_here(path);
    if !later.is_empty() {
        let stages = |s: &[String]| {
            let names: Vec<&str> = s.iter().map(|s| lifecycle.display(s)).collect();
            match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => names.join(""),
            }
        };
        let between = &path[..path.len() - 1];
        outcome.notes.push(format!(
            "AppTrust judges every hop from {}, where the version is now: for {} its answer is the stage's entry gate on today's evidence; the exit gates of {} are judged when a run reaches them.",
            report::job_log::stage_name(lifecycle, &content.current_stage),
            stages(later),
            stages(between)
        ));
    }
    for hop in &outcome.hops {
        let _ = log.write_all(report::job_log::apptrust_lines(lifecycle, hop).as_bytes());
        let _ = log.write_all(report::job_log::plan_hop_line(lifecycle, hop).as_bytes());
    }
}

/// What the run reads before deciding: the emergency stop, every stage's verdict and, for a
/// plan, AppTrust's dry run. A plan reads them together (none needs another's answer); a
/// promotion reads the stop first and gathers nothing when it or `not_ready` halts the run.
async fn read_and_decide<A: AppTrustApi>(
    run: &Run<'_, A>,
    policy: Option<&Policy>,
    path: &[String],
    content: &VersionContent,
    not_ready: bool,
    plan_only: bool,
    live: &probe::Live<'_>,
) -> Result<Decided, Error> {
    let Run {
        inputs,
        ctx,
        settings,
        api,
        lifecycle,
        ..
    } = *run;
    let stop_read = async {
        match policy {
            Some(p) => check_stop::check(p, path, lifecycle, inputs, ctx, run.github).await,
            None => None,
        }
    };
    let sequential = settings.sequential_reads;
    if !plan_only {
        let stop = stop_read.await;
        let halted = stop.as_ref().is_some_and(check_stop::stops) || not_ready;
        let verdicts = match policy {
            Some(policy) if !halted => decide_all(run, policy, path, content, live, false).await?,
            _ => BTreeMap::new(),
        };
        return Ok((stop, verdicts, BTreeMap::new()));
    }
    let decide_read = async {
        match policy {
            Some(policy) => decide_all(run, policy, path, content, live, true).await,
            None => Ok(BTreeMap::new()),
        }
    };
    let selection = &inputs.selection;
    let apptrust = dry_run::ask(
        api,
        lifecycle,
        (&inputs.application, &content.version),
        path,
        selection,
        sequential,
    );
    let ((stop, verdicts), dry_runs) = reads::both(
        sequential,
        reads::both(sequential, stop_read, decide_read),
        apptrust,
    )
    .await;
    Ok((stop, verdicts?, dry_runs))
}

/// The emergency stop's row, every stage's verdict, and AppTrust's dry runs (plans only).
type Decided = (
    Option<GateResult>,
    BTreeMap<String, StageVerdict>,
    BTreeMap<String, promotion::plan::DryRun>,
);

/// Every stage's verdict, and the verify gates asked once: a bad query stops the run before any
/// hop; a plan shows what they say now (a promotion shows the watch's rows instead).
async fn decide_all<A: AppTrustApi>(
    run: &Run<'_, A>,
    policy: &Policy,
    path: &[String],
    content: &VersionContent,
    live: &probe::Live<'_>,
    plan_only: bool,
) -> Result<BTreeMap<String, StageVerdict>, Error> {
    let mut verdicts = decide(run, policy, path, content, live).await?;
    let asked = verify::preflight(live, policy, path, plan_only).await?;
    for (stage, rows) in asked.into_iter().filter(|_| plan_only) {
        verdicts.entry(stage).or_default().gates.extend(rows);
    }
    Ok(verdicts)
}

/// Gathers every fact the policy needs on `path` and decides each stage. A gate whose report
/// could not be read also gets a `report` finding: an annotation on that file saying why.
async fn decide<A: AppTrustApi>(
    run: &Run<'_, A>,
    policy: &Policy,
    path: &[String],
    content: &VersionContent,
    live: &probe::Live<'_>,
) -> Result<BTreeMap<String, StageVerdict>, Error> {
    let Run {
        inputs,
        ctx,
        settings,
        lifecycle,
        ..
    } = *run;
    let github_client = super::attestations_read::github_client(inputs, run.github);
    let now = live.now;
    let sources = gather::Sources {
        evidence: run.evidence,
        project: inputs.project.as_deref(),
        app: &inputs.application,
        content,
        workspace: &ctx.workspace,
        limits: &settings.evidence,
        github_client: &github_client,
        live,
    };
    let github = gather::github_facts(policy, path, inputs, ctx, run.github);
    let gathered =
        gather::stage_facts(policy, path, &sources, github, settings.sequential_reads).await;
    if let Some(e) = gathered.failure {
        return Err(e);
    }
    let github = &gathered.github;
    let baselines = super::baseline::read(run, policy, path, &content.version).await;
    let facts = RunFacts {
        now,
        scheduled: ctx.event_name.as_deref() == Some("schedule"),
        hotfix: inputs.hotfix,
        reason: inputs.reason.as_deref(),
        actor: ctx.actor.as_deref(),
        baselines: &baselines,
    };
    let mut verdicts = stage::decide_path(policy, &gathered.facts, github, &facts);
    // In reverse, each put first: the annotations come out in gate order.
    for unread in gathered.unread.into_iter().rev() {
        let Some(verdict) = verdicts.get_mut(&unread.stage) else {
            continue;
        };
        let Some(gate) = verdict.gates.get(unread.gate) else {
            continue;
        };
        if gate.status != GateStatus::Fail {
            continue;
        }
        // No file to blame (a glob matched nothing): the fix is in the policy file.
        let file = unread.file.unwrap_or_else(|| inputs.policy.path.clone());
        let finding = Finding {
            category: report::job_log::REPORT_CATEGORY,
            severity: Severity::Error,
            title: format!(
                "{} · {}: no evidence",
                lifecycle.display(&unread.stage),
                gate.gate
            ),
            message: gate.detail.clone(),
            file: Some(file),
            line: None,
        };
        verdict.findings.insert(0, finding);
        verdict.findings_total += 1;
    }
    Ok(verdicts)
}
