//! Everything the action tells the runner and the people reading it.
//!
//! Renderers are pure (`Outcome` → `String`); the only I/O is appending to the files the runner
//! names, in [`outputs::append_file`]. [`job_log`] renders the job-log lines, [`summary`] the job
//! summary (with [`stop_callout`] on top when an emergency stop blocked the run), [`outputs`]
//! the step outputs, [`record`] the JSON audit record, [`local`] the summary of the local
//! `gates` command; [`wording`] holds the sentences they share.
//! [`github`] words the GitHub-side reports (check run, deployments, failure issue, webhook) and
//! is the one part that sends, through the run's one GitHub client.

pub(crate) mod attestation;
pub(crate) mod attestation_table;
mod changes;
pub mod commands;
pub mod github;
pub(crate) mod job_log;
pub(crate) mod local;
pub mod markdown;
pub mod outputs;
pub mod record;
mod rollback_list;
pub(crate) mod stop_callout;
pub mod summary;
mod tables;
pub(crate) mod terminal;
mod test_changes;
pub(crate) mod wording;

use crate::inputs::{Inputs, RunContext};
use crate::promotion::outcome::Outcome;

/// The job summary of a run, as written to `GITHUB_STEP_SUMMARY` and reused by the check run and
/// the failure issue. `record` is the record file to link (`None` where a link to a file on the
/// runner means nothing).
pub(crate) fn run_summary(
    inputs: Option<&Inputs>,
    ctx: &RunContext,
    outcome: &Outcome,
    record: Option<String>,
) -> String {
    let links = summary::Links {
        run_url: ctx.run_url(),
        run_id: ctx.run_id.clone(),
        sha: ctx.sha.clone(),
        commit_url: ctx
            .repository
            .as_ref()
            .zip(ctx.sha.as_ref())
            .map(|(r, s)| format!("{}/{r}/commit/{s}", ctx.server_url.trim_end_matches('/'))),
        policy: inputs.map(|i| i.policy.path.clone()),
        record,
    };
    let version_url = inputs
        .and_then(|i| apptrust_version_url(&i.jfrog_url, &outcome.application, &outcome.version));
    summary::render_with(outcome, &links, version_url.as_deref())
}

/// The AppTrust UI page of a version. \[INFERRED\] from the JFrog platform UI's routes
/// (`/ui/apptrust/applications/<app>/versions/<version>`); not a documented API.
pub(crate) fn apptrust_version_url(
    jfrog_url: &str,
    application: &str,
    version: &str,
) -> Option<String> {
    if jfrog_url.trim().is_empty() || application.is_empty() || version.is_empty() {
        return None;
    }
    Some(format!(
        "{}/ui/apptrust/applications/{}/versions/{}",
        jfrog_url.trim().trim_end_matches('/'),
        crate::http::percent_encode(application),
        crate::http::percent_encode(version)
    ))
}
