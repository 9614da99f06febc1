//! The `promote` and `plan` commands: resolve the target and the path, check the emergency stop,
//! gather every fact the policy needs, decide each stage, then walk the path one hop at a time
//! (plan: nothing sent).

use std::collections::BTreeMap;
use std::io::Write;

use super::execute::Run;
use super::finish::{audit_context, log_hop};
use super::{gather, stop};
use crate::apptrust::{AppTrustApi, VersionContent};
use crate::error::Error;
use crate::gates::StageVerdict;
use crate::gates::stage::{self, RunFacts};
use crate::inputs::Command;
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
        return Ok(());
    }
    if outcome.target_stage.is_none() {
        outcome.target_stage = path.last().cloned();
    }
    let options = WalkOptions {
        plan_only: inputs.command == Command::Plan,
        promotion_type: inputs.promotion_type.as_api().to_string(),
        in_progress_wait: settings.in_progress_wait,
        poll: settings.poll,
    };
    // The emergency stop first: when it is in force, nothing else is gathered or sent.
    let stop = match policy {
        Some(p) => stop::check(p, &path, lifecycle, inputs, ctx, &settings.client).await,
        None => None,
    };
    let stopped = stop.clone().filter(stop::stops);
    let mut verdicts = match policy {
        Some(_) if stopped.is_some() => BTreeMap::new(),
        Some(policy) => {
            let github = gather::github_facts(policy, &path, inputs, ctx, &settings.client).await;
            let sources = gather::Sources {
                evidence: run.evidence,
                project: inputs.project.as_deref(),
                app: &inputs.application,
                content: &content,
                github: &github,
                workspace: &ctx.workspace,
                limits: &settings.evidence,
            };
            let evidence = gather::stage_evidence(policy, &path, &sources).await;
            let facts = RunFacts {
                now: settings.now.unwrap_or_else(jiff::Timestamp::now),
                scheduled: ctx.event_name.as_deref() == Some("schedule"),
                hotfix: inputs.hotfix,
                reason: inputs.reason.as_deref(),
                actor: ctx.actor.as_deref(),
            };
            stage::decide_path(policy, &evidence, &github, &facts)
        }
        None => BTreeMap::new(),
    };
    if let (Some(row), Some(first)) = (stop, path.first()) {
        let verdict: &mut StageVerdict = verdicts.entry(first.clone()).or_default();
        verdict.gates.insert(0, row);
    }
    // Each stage's verdicts are printed as the walk reaches it, before its hop.
    let gate_check = |stage: &str| {
        let v = verdicts.get(stage).cloned().unwrap_or_default();
        let _ = log.write_all(report::log::stage_verdicts(lifecycle, stage, &v).as_bytes());
        v
    };
    let result = promotion::walk(
        api,
        lifecycle,
        &inputs.application,
        content,
        &path,
        &options,
        gate_check,
        outcome,
    )
    .await;
    if let Some(row) = &stopped {
        stop::name_on_blocked_hop(outcome, lifecycle, row);
    }
    if !options.plan_only {
        let audit = audit_context(inputs, ctx, settings);
        let warnings = audit::record_hops(api, outcome, &audit).await;
        outcome.warnings.extend(warnings);
    }
    for hop in &outcome.hops {
        log_hop(lifecycle, hop, log);
    }
    result.map_err(Error::Remote)
}
