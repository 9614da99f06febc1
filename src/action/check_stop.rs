//! The emergency stop in a `promote` or `plan` run: read the open issues carrying the policy's
//! label and decide the `emergency-stop` row before any other fact is gathered or anything sent.
//!
//! The I/O half; the decision is [`crate::gates::emergency_stop`]. Every way the read can fail
//! (no token, no repository, GitHub's refusal or silence) arrives there as a reason and blocks.

use crate::gates::emergency_stop::{self, StopRead};
use crate::gates::{GateResult, GateStatus};
use crate::github::GitHubClient;
use crate::inputs::{Inputs, RunContext};
use crate::lifecycle::Lifecycle;
use crate::policy::Policy;

/// The `emergency-stop` row for `path` (full stage names, non-empty), or `None` when the policy
/// has no `emergency-stop`.
pub(super) async fn check(
    policy: &Policy,
    path: &[String],
    lifecycle: &Lifecycle,
    inputs: &Inputs,
    ctx: &RunContext,
    github: &Result<GitHubClient, String>,
) -> Option<GateResult> {
    let config = policy.emergency_stop.as_ref()?;
    let first = path.first()?;
    let read = read(&config.label, inputs, ctx, github).await;
    let rule =
        emergency_stop::hotfix_rule(policy, path, inputs.hotfix, inputs.reason.as_deref(), |s| {
            lifecycle.display(s).to_string()
        });
    Some(emergency_stop::decide(first, &config.label, &read, &rule))
}

async fn read(
    label: &str,
    inputs: &Inputs,
    ctx: &RunContext,
    github: &Result<GitHubClient, String>,
) -> StopRead {
    if inputs.github_token.is_none() {
        return Err("input `github-token` is empty: pass `github-token: ${{ github.token }}` and grant the job `permissions: issues: read`".into());
    }
    let Some(repo) = ctx.repository.as_deref().filter(|r| !r.trim().is_empty()) else {
        return Err(
            "GITHUB_REPOSITORY is not set: run inside GitHub Actions, or set it to `owner/name`"
                .into(),
        );
    };
    let client = github.as_ref().map_err(Clone::clone)?;
    client
        .open_issues_labelled(repo, label)
        .await
        .map_err(|e| e.to_string())
}

/// Whether `row` stops the run.
pub(super) fn stops(row: &GateResult) -> bool {
    row.status == GateStatus::Fail
}
