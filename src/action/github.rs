//! The run's one GitHub client and the GitHub-side reports at the end of a run.
//!
//! [`github_client`] is the only place a [`GitHubClient`] is built: once per run, with the same
//! TLS roots, timeouts and redactor as the JFrog clients, then lent to every GitHub read (the
//! emergency stop, checks and approvals, attestations) and to [`report_run`]. Without a
//! `github-token` the client still exists (the notify webhook borrows its HTTP client); each
//! user says in its own words what is missing before it calls GitHub.

use crate::github::GitHubClient;
use crate::http::ClientOptions;
use crate::inputs::{Inputs, RunContext};
use crate::promotion::outcome::Outcome;
use crate::report::github::{ReportRequest, report};
use crate::secret::Secret;

/// The run's GitHub client, or why none could be built (the HTTP client's error).
pub fn github_client(
    inputs: &Inputs,
    ctx: &RunContext,
    options: &ClientOptions,
) -> Result<GitHubClient, String> {
    let http = crate::http::build_client(options)?;
    // Without a token only the webhook is sent; the client then only lends its HTTP client.
    let token = inputs
        .github_token
        .clone()
        .unwrap_or_else(|| Secret::new(String::new()));
    Ok(GitHubClient::with_options(
        http,
        &ctx.api_url,
        token,
        options.clone(),
    ))
}

/// The action's GitHub-side reporting: everything [`report`] needs, derived from the inputs and
/// the run context — the PR head SHA, the run and AppTrust links, and the summary markdown (the
/// inputs' secrets are added to the client's redactor first). Returns warnings for `::warning`.
pub async fn report_run(
    inputs: &Inputs,
    ctx: &RunContext,
    outcome: &Outcome,
    github: &Result<GitHubClient, String>,
) -> Vec<String> {
    let webhook = inputs.notify_webhook.as_ref();
    let github_asked = inputs.check_run || inputs.deployment || inputs.notify_issue;
    if !github_asked && webhook.is_none() {
        return Vec::new();
    }
    let client = match github {
        Ok(c) => c,
        Err(e) => {
            return vec![format!(
                "GitHub reports and notifications were not sent: {e}"
            )];
        }
    };
    for s in inputs.secrets() {
        client.options().redactor.add(s.expose());
    }
    let mut warnings = Vec::new();
    let what = "check run, deployments and failure issue were not created";
    let github_ok = match (&inputs.github_token, &ctx.repository) {
        (Some(_), Some(_)) => true,
        (None, _) if github_asked => {
            warnings.push(format!(
                "{what}: input `github-token` is empty; pass `github-token: ${{{{ github.token }}}}`"
            ));
            false
        }
        (_, None) if github_asked => {
            warnings.push(format!(
                "{what}: GITHUB_REPOSITORY is not set; run the action inside a GitHub workflow"
            ));
            false
        }
        _ => false,
    };
    let event = ctx
        .event_path
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok());
    let sha = crate::github::head_sha(
        ctx.event_name.as_deref(),
        event.as_deref(),
        ctx.sha.as_deref(),
    );
    let run_url = ctx.run_url();
    // The record is a file on the runner: no use in a check run or an issue.
    let summary = crate::report::run_summary(Some(inputs), ctx, outcome, None);
    let req = ReportRequest {
        repo: ctx.repository.as_deref().unwrap_or_default(),
        sha: sha.as_deref(),
        run_url: run_url.as_deref(),
        jfrog_url: &inputs.jfrog_url,
        check_run: github_ok && inputs.check_run,
        deployment: github_ok && inputs.deployment,
        notify_issue: github_ok && inputs.notify_issue,
        notify_webhook: webhook,
        summary: &summary,
    };
    warnings.extend(report(client, &req, outcome).await);
    warnings
}
