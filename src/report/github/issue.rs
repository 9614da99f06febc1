//! The failure issue: opened once per application and target stage (found again by label and
//! exact title, never duplicated), commented on by later failures, closed by the next success.
//!
//! [`issue_title`], [`issue_body`] and [`render`] word every call (pure); [`issue`] looks the
//! open issue up and sends what [`render`] says.

use reqwest::Method;
use serde_json::{Value, json};

use super::ReportRequest;
use super::text::{bounded, failed_gates, is_failure, stage_of, verdict_line, warning};
use crate::github::{ApiError, GitHubClient};
use crate::promotion::outcome::{Outcome, RunResult};
use crate::report::markdown::{cut, escape, escape_lines};

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
            escape_lines(&cut(&f.message, 2000))
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

/// What is sent about the failure issue once the open one (if any) is known: the calls'
/// bodies, worded here.
#[derive(Debug, PartialEq)]
pub(super) enum IssueUpdate {
    /// Nothing to say: a run that neither failed nor promoted, or a success with no open issue.
    Nothing,
    /// A success closes the open issue `number`, with a comment saying so.
    Resolve {
        number: u64,
        comment: Value,
        close: Value,
    },
    /// Another failure is added to the open issue `number`.
    Comment { number: u64, comment: Value },
    /// The first failure opens the issue.
    Open(Value),
}

/// Whether a run with this result resolves the failure issue.
fn resolves(o: &Outcome) -> bool {
    matches!(o.result, RunResult::Promoted | RunResult::Released)
}

/// Words the update to the failure issue of `o`, given the open one found by its title.
pub(super) fn render(req: &ReportRequest<'_>, o: &Outcome, existing: Option<u64>) -> IssueUpdate {
    if resolves(o) {
        let Some(number) = existing else {
            return IssueUpdate::Nothing;
        };
        let comment = format!(
            "✅ Resolved: {}.{}",
            escape(&verdict_line(o)),
            req.run_url
                .map(|u| format!(" Workflow run: {u}"))
                .unwrap_or_default()
        );
        return IssueUpdate::Resolve {
            number,
            comment: json!({ "body": comment }),
            close: json!({ "state": "closed", "state_reason": "completed" }),
        };
    }
    if !is_failure(o.result) {
        return IssueUpdate::Nothing;
    }
    let body = issue_body(req, o);
    match existing {
        Some(number) => IssueUpdate::Comment {
            number,
            comment: json!({ "body": body }),
        },
        None => {
            IssueUpdate::Open(json!({ "title": issue_title(o), "body": body, "labels": [LABEL] }))
        }
    }
}

pub(super) async fn issue(
    client: &GitHubClient,
    req: &ReportRequest<'_>,
    o: &Outcome,
) -> Result<(), String> {
    if !is_failure(o.result) && !resolves(o) {
        return Ok(());
    }
    let title = issue_title(o);
    let what = format!("failure issue `{title}`");
    let warn = |done: String, e: ApiError| warning(&done, "issues: write", "notify-issue", &e);
    let existing = find_issue(client, req, &title)
        .await
        .map_err(|e| warn(format!("{what} could not be looked up"), e))?;
    let repo = req.repo;
    let send = |method: Method, path: String, body: Value| async move {
        client.call(method, &path, Some(&body)).await.map(|_| ())
    };
    match render(req, o, existing) {
        IssueUpdate::Nothing => Ok(()),
        IssueUpdate::Resolve {
            number: n,
            comment,
            close,
        } => {
            let fail = |e| warn(format!("{what} (#{n}) was not closed"), e);
            send(
                Method::POST,
                format!("/repos/{repo}/issues/{n}/comments"),
                comment,
            )
            .await
            .map_err(fail)?;
            send(Method::PATCH, format!("/repos/{repo}/issues/{n}"), close)
                .await
                .map_err(fail)
        }
        IssueUpdate::Comment { number: n, comment } => send(
            Method::POST,
            format!("/repos/{repo}/issues/{n}/comments"),
            comment,
        )
        .await
        .map_err(|e| warn(format!("{what} (#{n}) was not updated"), e)),
        IssueUpdate::Open(body) => send(Method::POST, format!("/repos/{repo}/issues"), body)
            .await
            .map_err(|e| warn(format!("{what} was not opened"), e)),
    }
}
