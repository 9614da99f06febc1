//! Executing one command against AppTrust: load the policy, read the lifecycle and the version,
//! then hand over to the command's module. Never fails: errors are recorded in the outcome.

use std::io::Write;

use super::policy_file::load_policy;
use super::{Settings, promote, rollback};
use crate::apptrust::AppTrustApi;
use crate::error::Error;
use crate::inputs::{Command, Inputs, RunContext};
use crate::jfrog_evidence::EvidenceClient;
use crate::promotion::lifecycle::Lifecycle;
use crate::promotion::outcome::{Outcome, RunResult};

/// Executes the command; never fails: errors are recorded in the outcome.
pub async fn execute<A: AppTrustApi>(
    inputs: &Inputs,
    ctx: &RunContext,
    api: &A,
    evidence: &EvidenceClient,
    settings: &Settings,
    log: &mut impl Write,
) -> Outcome {
    let mut outcome = Outcome::new(
        inputs.command,
        &inputs.application,
        inputs.version.as_deref().unwrap_or_default(),
    );
    if inputs.hotfix {
        outcome.hotfix_reason = inputs.reason.clone();
    }
    if let Some(now) = settings.now {
        // Windows and freezes were judged at this instant, not the real time: say so wherever
        // the run is audited.
        outcome.warnings.push(format!(
            "PROMOTE_ACTION_NOW is set: windows and freezes were evaluated at {now}, not at the current time"
        ));
    }
    if let Err(e) = execute_inner(inputs, ctx, api, evidence, settings, &mut outcome, log).await {
        outcome.fail(&e);
    }
    outcome
}

async fn execute_inner<A: AppTrustApi>(
    inputs: &Inputs,
    ctx: &RunContext,
    api: &A,
    evidence: &EvidenceClient,
    settings: &Settings,
    outcome: &mut Outcome,
    log: &mut impl Write,
) -> Result<(), Error> {
    // Policy errors are input errors: report them before touching JFrog.
    let policy = match inputs.command {
        Command::Promote | Command::Plan => load_policy(inputs, ctx, outcome)?,
        _ => None,
    };
    let lifecycle = api.lifecycle(inputs.project.as_deref()).await?;
    outcome.lifecycle = Some(lifecycle.clone());
    let version = match &inputs.version {
        Some(v) => v.clone(),
        None => api
            .newest_version(&inputs.application)
            .await?
            .ok_or_else(|| Error::Plan {
                message: format!(
                    "application `{}` has no versions: create one first, or set `version`",
                    inputs.application
                ),
            })?,
    };
    outcome.version = version.clone();
    let content = api.content(&inputs.application, &version).await?;
    outcome.from_stage = content.current_stage.clone();
    outcome.to_stage = content.current_stage.clone();
    outcome.release_status = content.release_status.clone();
    let run = Run {
        inputs,
        ctx,
        settings,
        api,
        evidence,
        lifecycle: &lifecycle,
    };
    match inputs.command {
        Command::Status => {
            outcome.history = api.promotions(&inputs.application, &version).await?;
            outcome.result = RunResult::Unchanged;
            Ok(())
        }
        Command::Rollback => rollback::rollback(&run, content, outcome, log).await,
        Command::Promote | Command::Plan => {
            let policy = match policy {
                Some(mut p) => {
                    p.resolve_stages(&lifecycle.stages, inputs.project.as_deref())?;
                    Some(p)
                }
                None => None,
            };
            promote::promote(&run, policy.as_ref(), content, outcome, log).await
        }
    }
}

/// What every command needs: the inputs, the run context, the settings, AppTrust and the
/// lifecycle already read.
pub(super) struct Run<'a, A> {
    pub(super) inputs: &'a Inputs,
    pub(super) ctx: &'a RunContext,
    pub(super) settings: &'a Settings,
    pub(super) api: &'a A,
    pub(super) evidence: &'a EvidenceClient,
    pub(super) lifecycle: &'a Lifecycle,
}
