//! The failure issue: opened once per application and target stage (found again by label and
//! exact title, never duplicated), commented on by later failures, closed by the next success.

use reqwest::Method;
use serde_json::{Value, json};

use super::ReportRequest;
use super::text::{bounded, failed_gates, is_failure, stage_of, verdict_line, warning};
use crate::github::{ApiError, GitHubClient};
use crate::promotion::outcome::{Outcome, RunResult};
use crate::report::markdown::{cut, escape};

/// Label of the failure issue; the issue is found again by this label and its exact title.
pub const LABEL: &str = "promotion-failure";
/// GitHub answers 422 to issue and comment bodies above this many characters.
pub const MAX_ISSUE_BODY: usize = 65_536;

/// The issue's title; it is how a later run finds the same issue again.
pub fn issue_title(o: &Outcome) -> String {
    format!("Promotion failure: {} → {}", o.application, stage_of(o))
}

pub(super) fn issue_body(req: &ReportRequest<'_>, o: &Outcome) -> String {
    let mut head = format!(
        "### {} {}\n\n",
        if o.result == RunResult::Blocked {
            "⛔"
        } else {
            "❌"
        },
        escape(&verdict_line(o))
    );
    let gates = failed_gates(o);
    if !gates.is_empty() {
        head.push_str("**Failed gates**\n\n");
        for g in gates.iter().take(50) {
            head.push_str(&format!("- {}\n", escape(g)));
        }
        if gates.len() > 50 {
            head.push_str(&format!("- and {} more\n", gates.len() - 50));
        }
        head.push('\n');
    }
    if let Some(f) = &o.failure {
        head.push_str(&format!(
            "**Error:** {}\n\n",
            escape(&cut(&f.message, 2000))
        ));
    }
    match req.run_url {
        Some(u) => head.push_str(&format!("Workflow run: {u}\n\n")),
        None => head.push_str("Workflow run: (unknown)\n\n"),
    }
    head.push_str(&format!(
        "<sub>Opened by promote-action; a later successful promotion of {} to {} closes it.</sub>\n\n",
        escape(&o.application),
        escape(&stage_of(o))
    ));
    let open = "<details><summary>Job summary of this run</summary>\n\n";
    let close = "\n\n</details>\n";
    let room = MAX_ISSUE_BODY.saturating_sub(head.len() + open.len() + close.len());
    let summary = bounded(
        req.summary,
        room,
        "_Cut to fit an issue; the whole summary is on the workflow run._",
    );
    format!("{head}{open}{summary}{close}")
}

/// The open failure issue with exactly this title, if any (pull requests are skipped: the
/// issues endpoint lists them too).
async fn find_issue(
    client: &GitHubClient,
    req: &ReportRequest<'_>,
    title: &str,
) -> Result<Option<u64>, ApiError> {
    let repo = req.repo;
    let list = client
        .call(
            Method::GET,
            &format!("/repos/{repo}/issues?labels={LABEL}&state=open&per_page=100"),
            None,
        )
        .await?;
    Ok(list.as_array().and_then(|items| {
        items
            .iter()
            .filter(|i| i.get("pull_request").is_none())
            .find(|i| i.get("title").and_then(Value::as_str) == Some(title))
            .and_then(|i| i.get("number").and_then(Value::as_u64))
    }))
}

pub(super) async fn issue(
    client: &GitHubClient,
    req: &ReportRequest<'_>,
    o: &Outcome,
) -> Result<(), String> {
    let resolved = matches!(o.result, RunResult::Promoted | RunResult::Released);
    if !is_failure(o.result) && !resolved {
        return Ok(());
    }
    let title = issue_title(o);
    let what = format!("failure issue `{title}`");
    let existing = find_issue(client, req, &title).await.map_err(|e| {
        warning(
            &format!("{what} could not be looked up"),
            "issues: write",
            "notify-issue",
            &e,
        )
    })?;
    let repo = req.repo;
    if resolved {
        let Some(n) = existing else { return Ok(()) };
        let comment = format!(
            "✅ Resolved: {}.{}",
            escape(&verdict_line(o)),
            req.run_url
                .map(|u| format!(" Workflow run: {u}"))
                .unwrap_or_default()
        );
        let fail = |e: ApiError| {
            warning(
                &format!("{what} (#{n}) was not closed"),
                "issues: write",
                "notify-issue",
                &e,
            )
        };
        client
            .call(
                Method::POST,
                &format!("/repos/{repo}/issues/{n}/comments"),
                Some(&json!({ "body": comment })),
            )
            .await
            .map_err(fail)?;
        client
            .call(
                Method::PATCH,
                &format!("/repos/{repo}/issues/{n}"),
                Some(&json!({ "state": "closed", "state_reason": "completed" })),
            )
            .await
            .map_err(fail)?;
        return Ok(());
    }
    let body = issue_body(req, o);
    match existing {
        Some(n) => client
            .call(
                Method::POST,
                &format!("/repos/{repo}/issues/{n}/comments"),
                Some(&json!({ "body": body })),
            )
            .await
            .map(|_| ())
            .map_err(|e| {
                warning(
                    &format!("{what} (#{n}) was not updated"),
                    "issues: write",
                    "notify-issue",
                    &e,
                )
            }),
        None => client
            .call(
                Method::POST,
                &format!("/repos/{repo}/issues"),
                Some(&json!({ "title": title, "body": body, "labels": [LABEL] })),
            )
            .await
            .map(|_| ())
            .map_err(|e| {
                warning(
                    &format!("{what} was not opened"),
                    "issues: write",
                    "notify-issue",
                    &e,
                )
            }),
    }
}
