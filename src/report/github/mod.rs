//! GitHub-side reporting: a check run, deployments, a failure issue and a chat webhook, worded
//! here beside the other renderers and sent through the run's one [`GitHubClient`] (built in
//! `action/github.rs`; this is the only place in `report/` that sends).
//!
//! All of it is optional (`check-run`, `deployment`, `notify-issue`, `notify-webhook`) and none of
//! it may change the verdict: the promotion already happened when this runs. Every problem —
//! a read-only token on a fork's pull request, a missing permission, an unreachable webhook —
//! becomes a warning string the caller prints with `::warning`. Mutations are sent once; only a
//! rate-limited answer (which GitHub did not apply) is waited out and sent again, so a retry can
//! never create a second issue or comment.
//!
//! Each report's file words it in pure functions (`render`, the titles and bodies, the
//! warnings) and sends it in one thin async function, so the wording is tested without a client.

mod check_run;
mod deployments;
mod issue;
mod text;
mod webhook;

pub use check_run::{ANNOTATIONS_PER_REQUEST, MAX_CHECK_SUMMARY};
pub use issue::{LABEL, MAX_ISSUE_BODY, issue_title};
use text::is_failure;
pub use text::{conclusion, stage_of};
pub use webhook::webhook_text;

use crate::github::GitHubClient;
use crate::promotion::outcome::Outcome;
use crate::secret::Secret;

/// What the reporter needs besides the outcome; everything is borrowed from the run context.
#[derive(Debug, Clone, Copy)]
pub struct ReportRequest<'a> {
    /// `owner/repo` (`GITHUB_REPOSITORY`).
    pub repo: &'a str,
    /// Commit to report on: the PR head for pull requests ([`crate::github::head_sha`]).
    pub sha: Option<&'a str>,
    /// Workflow run URL (`RunContext::run_url`).
    pub run_url: Option<&'a str>,
    /// JFrog platform base URL, for the AppTrust version link.
    pub jfrog_url: &'a str,
    /// Input `check-run`.
    pub check_run: bool,
    /// Input `deployment`.
    pub deployment: bool,
    /// Input `notify-issue`.
    pub notify_issue: bool,
    /// Input `notify-webhook` (a secret: chat webhook URLs embed their credential).
    pub notify_webhook: Option<&'a Secret>,
    /// The rendered job summary, reused as the check-run summary and in the issue body.
    pub summary: &'a str,
}

impl ReportRequest<'_> {
    /// Whether any GitHub-side report was asked for (else [`report`] sends nothing).
    pub fn wanted(&self) -> bool {
        self.check_run || self.deployment || self.notify_issue || self.notify_webhook.is_some()
    }
}

/// Sends every report asked for, in order (check run, deployments, issue, webhook), and returns
/// warnings for what could not be done. Never fails and never panics: reporting must not turn a
/// promotion that happened into a failed step.
pub async fn report(
    client: &GitHubClient,
    req: &ReportRequest<'_>,
    outcome: &Outcome,
) -> Vec<String> {
    let mut warnings = Vec::new();
    if req.check_run {
        if let Err(w) = check_run::check_run(client, req, outcome).await {
            warnings.push(w);
        }
    }
    if req.deployment {
        warnings.extend(deployments::deployments(client, req, outcome).await);
    }
    if req.notify_issue {
        if let Err(w) = issue::issue(client, req, outcome).await {
            warnings.push(w);
        }
    }
    if let Some(url) = req.notify_webhook {
        if is_failure(outcome.result) {
            if let Err(w) = webhook::webhook(client, url, req, outcome).await {
                warnings.push(w);
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests_render;

#[cfg(test)]
mod tests {
    use super::issue::issue_body;
    use super::text::{bounded, cut_bytes};
    use super::*;
    use crate::gates::{GateResult, GateStatus};
    use crate::inputs::Command;
    use crate::lifecycle::HopAction;
    use crate::promotion::outcome::{HopStatus, RunResult};
    use crate::promotion::test_outcomes::{OutcomeBuilder, hop};
    use crate::report::apptrust_version_url;

    pub(super) fn blocked() -> Outcome {
        OutcomeBuilder::new(Command::Promote, "inventory", "1.2.0")
            .lifecycle("bookverse", &["bookverse-DEV", "bookverse-QA", "PROD"])
            .result(RunResult::Blocked)
            .stages("bookverse-DEV", "bookverse-DEV")
            .target("PROD")
            .hop(
                hop(
                    "bookverse-DEV",
                    "bookverse-QA",
                    HopAction::Promote,
                    HopStatus::Blocked,
                )
                .saying("gates failed"),
            )
            .gate(GateResult {
                stage: "bookverse-QA".into(),
                gate: "unit <tests>".into(),
                kind: "junit".into(),
                status: GateStatus::Fail,
                detail: "1 failed".into(),
                figure: String::new(),
                threshold: String::new(),
            })
            .build()
    }

    #[test]
    fn names_follow_the_target_stage() {
        let o = blocked();
        assert_eq!(stage_of(&o), "PROD");
        assert_eq!(issue_title(&o), "Promotion failure: inventory → PROD");
        let mut o = o;
        o.target_stage = None;
        assert_eq!(stage_of(&o), "QA");
        o.hops.clear();
        assert_eq!(stage_of(&o), "DEV");
    }

    #[test]
    fn conclusions_map_every_result() {
        assert_eq!(conclusion(RunResult::RolledBack), "success");
        assert_eq!(conclusion(RunResult::Deferred), "neutral");
        assert_eq!(conclusion(RunResult::Failed), "failure");
    }

    #[test]
    fn webhook_text_is_escaped_for_slack() {
        let t = webhook_text(&blocked(), Some("https://github.com/o/r/actions/runs/1"));
        assert!(
            t.starts_with("⛔ Promotion blocked: inventory 1.2.0 → PROD\n"),
            "{t}"
        );
        assert!(t.contains("unit &lt;tests&gt; (QA): 1 failed"), "{t}");
        assert!(
            t.ends_with("Run: https://github.com/o/r/actions/runs/1"),
            "{t}"
        );
    }

    #[test]
    fn long_text_is_bounded_and_details_closed() {
        let text = format!(
            "<details><summary>x</summary>\n\n{}",
            "line\n".repeat(50_000)
        );
        let b = bounded(&text, MAX_CHECK_SUMMARY, "_cut_");
        assert!(b.len() <= MAX_CHECK_SUMMARY);
        assert!(b.ends_with("</details>\n\n_cut_"), "{}", &b[b.len() - 40..]);
        assert_eq!(bounded("short", 10, "_cut_"), "short");
        assert_eq!(cut_bytes("ééé", 5), "é…");
    }

    #[test]
    fn version_urls_are_encoded() {
        assert_eq!(
            apptrust_version_url("https://acme.jfrog.io/", "inv", "1.2.0+b/7").as_deref(),
            Some("https://acme.jfrog.io/ui/apptrust/applications/inv/versions/1.2.0%2Bb%2F7")
        );
        assert_eq!(apptrust_version_url("https://a", "inv", ""), None);
    }

    #[test]
    fn issue_bodies_fit_github() {
        let o = blocked();
        let summary = "x\n".repeat(100_000);
        let req = ReportRequest {
            repo: "o/r",
            sha: Some("abc"),
            run_url: Some("https://github.com/o/r/actions/runs/1"),
            jfrog_url: "https://acme.jfrog.io",
            check_run: false,
            deployment: false,
            notify_issue: true,
            notify_webhook: None,
            summary: &summary,
        };
        let body = issue_body(&req, &o);
        assert!(body.chars().count() <= MAX_ISSUE_BODY, "{}", body.len());
        assert!(body.contains("unit &lt;tests&gt; (QA): 1 failed"));
        assert!(body.ends_with("</details>\n"));
    }
}
