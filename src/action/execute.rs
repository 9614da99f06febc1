//! Executing one command against AppTrust: load the policy, read the lifecycle and the version,
//! then hand over to the command's module. Never fails: errors are recorded in the outcome.

use std::io::Write;

use super::policy_file::load_policy;
use super::run::Run;
use super::settings::Settings;
use super::{promote, reads, rollback};
use crate::error::Error;
use crate::gates::readiness;
use crate::github::GitHubClient;
use crate::inputs::{Command, Inputs, RunContext};
use crate::jfrog::apptrust::AppTrustApi;
use crate::jfrog::evidence::EvidenceClient;
use crate::lifecycle::Lifecycle;
use crate::promotion::outcome::{Outcome, RunResult};

/// Executes the command; never fails: errors are recorded in the outcome.
pub(crate) async fn execute<A: AppTrustApi>(
    inputs: &Inputs,
    ctx: &RunContext,
    api: &A,
    evidence: &EvidenceClient,
    github: &Result<GitHubClient, String>,
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
            "PROMOTE_ACTION_NOW is set: windows, freezes and bake times were evaluated at {now}, not at the current time"
        ));
    }
    let handed = Handed {
        inputs,
        ctx,
        settings,
        api,
        evidence,
        github,
    };
    if let Err(e) = execute_inner(&handed, &mut outcome, log).await {
        outcome.fail(&e);
    }
    outcome
}

/// What a command is handed besides the lifecycle, which is read first.
struct Handed<'a, A> {
    inputs: &'a Inputs,
    ctx: &'a RunContext,
    settings: &'a Settings,
    api: &'a A,
    evidence: &'a EvidenceClient,
    github: &'a Result<GitHubClient, String>,
}

impl<'a, A> Handed<'a, A> {
    /// The run a command is handed once `lifecycle` is read.
    fn run<'b>(&self, lifecycle: &'b Lifecycle) -> Run<'b, A>
    where
        'a: 'b,
    {
        Run {
            inputs: self.inputs,
            ctx: self.ctx,
            settings: self.settings,
            api: self.api,
            evidence: self.evidence,
            github: self.github,
            lifecycle,
        }
    }
}

async fn execute_inner<A: AppTrustApi>(
    handed: &Handed<'_, A>,
    outcome: &mut Outcome,
    log: &mut impl Write,
) -> Result<(), Error> {
    let (inputs, ctx, settings, api) = (handed.inputs, handed.ctx, handed.settings, handed.api);
    // Policy errors are input errors: report them before touching JFrog.
    let policy = match inputs.command {
        // A rollback to a version (or its plan) judges no gates.
        Command::Promote | Command::Plan if inputs.to_version.is_none() => {
            load_policy(inputs, ctx, outcome)?
        }
        _ => None,
    };
    if let Some(to) = &inputs.to_version {
        // A stage rolled back to a version (or its plan): the versions are found in the stage.
        let lifecycle = api.lifecycle(inputs.project.as_deref()).await?;
        outcome.lifecycle = Some(lifecycle.clone());
        let run = handed.run(&lifecycle);
        return super::rollback_to::rollback_to(&run, to, outcome, log).await;
    }
    // The lifecycle and the version do not need each other: both are read at once.
    let version_read = async {
        let version = match &inputs.version {
            Some(v) => v.clone(),
            None if matches!(inputs.command, Command::Promote | Command::Plan) => {
                newest_promotable(api, &inputs.application, outcome).await?
            }
            None => api
                .newest_version(&inputs.application)
                .await?
                .ok_or_else(|| no_versions(&inputs.application))?,
        };
        let content = api.content(&inputs.application, &version).await?;
        Ok::<_, Error>((version, content))
    };
    let (lifecycle, version) = reads::both(
        settings.sequential_reads,
        api.lifecycle(inputs.project.as_deref()),
        version_read,
    )
    .await;
    let lifecycle = lifecycle?;
    outcome.lifecycle = Some(lifecycle.clone());
    let (version, content) = version?;
    outcome.version = version.clone();
    outcome.from_stage = content.current_stage.clone();
    outcome.to_stage = content.current_stage.clone();
    outcome.stage_read = true;
    outcome.release_status = content.release_status.clone();
    let run = handed.run(&lifecycle);
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

fn no_versions(app: &str) -> Error {
    Error::Plan {
        message: format!("application `{app}` has no versions: create one first, or set `version`"),
    }
}

/// The newest version AppTrust would promote (content status `COMPLETED`), for an empty
/// `version`: a version still being created is skipped, with a note naming it, so a scheduled
/// run promotes what is ready instead of failing on AppTrust's 409. None ready → an error naming
/// the newest versions and what each is waiting for.
async fn newest_promotable<A: AppTrustApi>(
    api: &A,
    app: &str,
    outcome: &mut Outcome,
) -> Result<String, Error> {
    let mut versions = api.list_versions(app).await?;
    versions.retain(|v| !v.version.is_empty());
    let Some(newest) = versions.first() else {
        return Err(no_versions(app));
    };
    let skipped: Vec<String> = versions
        .iter()
        .take_while(|v| !readiness::ready(&v.status))
        .map(|v| format!("{} is {}", v.version, v.status.trim().to_ascii_uppercase()))
        .collect();
    match versions.iter().find(|v| readiness::ready(&v.status)) {
        Some(v) if skipped.is_empty() => Ok(v.version.clone()),
        Some(v) => {
            outcome.notes.push(format!(
                "`version` is empty: took {}, the newest version AppTrust can promote (newer, not COMPLETED yet: {}).",
                v.version,
                skipped.join(", ")
            ));
            Ok(v.version.clone())
        }
        None => {
            const NAMED: usize = 5;
            let mut named = skipped
                .iter()
                .take(NAMED)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if skipped.len() > NAMED {
                named.push_str(&format!(" and {} more", skipped.len() - NAMED));
            }
            outcome.version = newest.version.clone();
            Err(Error::Plan {
                message: format!(
                    "application `{app}` has no version AppTrust can promote ({named}): the newest, {}, is {}",
                    newest.version,
                    readiness::why_not_ready(&newest.status)
                ),
            })
        }
    }
}
