//! GitHub-side reporting: a check run, deployments, a failure issue and a chat webhook.
//!
//! All of it is optional (`check-run`, `deployment`, `notify-issue`, `notify-webhook`) and none of
//! it may change the verdict: the promotion already happened when this runs. Every problem —
//! a read-only token on a fork's pull request, a missing permission, an unreachable webhook —
//! becomes a warning string the caller prints with `::warning`. Mutations are sent once; only a
//! rate-limited answer (which GitHub did not apply) is waited out and sent again, so a retry can
//! never create a second issue or comment.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::{GitHubClient, rate_limit_wait};
use crate::inputs::{Inputs, RunContext, Secret};
use crate::outcome::{GateStatus, HopAction, HopStatus, Outcome, RunResult};
use crate::report::markdown::{cut, escape};

/// Label of the failure issue; the issue is found again by this label and its exact title.
pub const LABEL: &str = "promotion-failure";
/// GitHub's limit for a check run's `output.summary`, in characters.
pub const MAX_CHECK_SUMMARY: usize = 65_535;
/// GitHub answers 422 to issue and comment bodies above this many characters.
pub const MAX_ISSUE_BODY: usize = 65_536;
/// GitHub accepts at most this many annotations per check-run request; more need PATCHes.
pub const ANNOTATIONS_PER_REQUEST: usize = 50;
/// GitHub's limit for one annotation's message (64 KB).
const MAX_ANNOTATION_MESSAGE: usize = 64 * 1024 - 1;
/// GitHub's limit for a deployment status description.
const MAX_DESCRIPTION: usize = 140;
/// A chat webhook that does not answer in this time is given up on.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);
/// How often a rate-limited request is sent again.
const MAX_RESENDS: u32 = 2;

/// What the reporter needs besides the outcome; everything is borrowed from the run context.
#[derive(Debug, Clone, Copy)]
pub struct ReportRequest<'a> {
    /// `owner/repo` (`GITHUB_REPOSITORY`).
    pub repo: &'a str,
    /// Commit to report on: the PR head for pull requests ([`super::head_sha`]).
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
    /// Secret values (tokens) replaced by `***` in everything sent.
    pub redact: &'a [&'a str],
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
        if let Err(w) = check_run(client, req, outcome).await {
            warnings.push(w);
        }
    }
    if req.deployment {
        warnings.extend(deployments(client, req, outcome).await);
    }
    if req.notify_issue {
        if let Err(w) = issue(client, req, outcome).await {
            warnings.push(w);
        }
    }
    if let Some(url) = req.notify_webhook {
        if is_failure(outcome.result) {
            if let Err(w) = webhook(client.http(), url, req, outcome).await {
                warnings.push(w);
            }
        }
    }
    // Belt and braces: whatever a server echoed back, the webhook URL never leaves this function.
    if let Some(url) = req
        .notify_webhook
        .map(Secret::expose)
        .filter(|u| u.len() >= 4)
    {
        for w in &mut warnings {
            if w.contains(url) {
                *w = w.replace(url, "the notify-webhook URL");
            }
        }
    }
    warnings
}

/// The action's entry point: everything [`report`] needs, derived from the inputs and the run
/// context — the client (same TLS roots and timeouts as the JFrog client), the PR head SHA, the
/// run and AppTrust links, and the summary markdown (secrets in `minted` and the inputs are
/// redacted from everything sent). Returns warnings for `::warning`.
pub async fn report_run(
    inputs: &Inputs,
    ctx: &RunContext,
    outcome: &Outcome,
    options: &crate::apptrust::client::ClientOptions,
    minted: &[Secret],
) -> Vec<String> {
    let webhook = inputs.notify_webhook.as_ref();
    let github_asked = inputs.check_run || inputs.deployment || inputs.notify_issue;
    if !github_asked && webhook.is_none() {
        return Vec::new();
    }
    let http = match crate::apptrust::client::http_client(options) {
        Ok(h) => h,
        Err(e) => {
            return vec![format!(
                "GitHub reports and notifications were not sent: {e}"
            )];
        }
    };
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
    // Without a token only the webhook is sent; the client then only lends its HTTP client.
    let token = inputs
        .github_token
        .clone()
        .unwrap_or_else(|| Secret::new(String::new()));
    let client = GitHubClient::new(http, &ctx.api_url, token);
    let event = ctx
        .event_path
        .as_ref()
        .and_then(|p| std::fs::read_to_string(p).ok());
    let sha = super::head_sha(
        ctx.event_name.as_deref(),
        event.as_deref(),
        ctx.sha.as_deref(),
    );
    let run_url = ctx.run_url();
    let version_url =
        apptrust_version_url(&inputs.jfrog_url, &outcome.application, &outcome.version);
    let links = crate::report::summary::Links {
        run_url: run_url.clone(),
        run_id: ctx.run_id.clone(),
        sha: ctx.sha.clone(),
        commit_url: ctx
            .repository
            .as_ref()
            .zip(ctx.sha.as_ref())
            .map(|(r, s)| format!("{}/{r}/commit/{s}", ctx.server_url.trim_end_matches('/'))),
        policy: Some(inputs.policy.path.clone()),
        // The record is a file on the runner: no use in a check run or an issue.
        record: None,
    };
    let mut secrets: Vec<&str> = inputs.secrets().into_iter().map(Secret::expose).collect();
    secrets.extend(minted.iter().map(Secret::expose));
    let summary = crate::report::redact(
        &crate::report::summary::render_with(outcome, &links, version_url.as_deref()),
        &secrets,
    );
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
        redact: &secrets,
    };
    warnings.extend(report(&client, &req, outcome).await);
    warnings
}

/// The AppTrust UI page of a version. [INFERRED] from the JFrog platform UI's routes
/// (`/ui/apptrust/applications/<app>/versions/<version>`); not a documented API.
pub fn apptrust_version_url(jfrog_url: &str, application: &str, version: &str) -> Option<String> {
    if jfrog_url.trim().is_empty() || application.is_empty() || version.is_empty() {
        return None;
    }
    Some(format!(
        "{}/ui/apptrust/applications/{}/versions/{}",
        jfrog_url.trim().trim_end_matches('/'),
        crate::apptrust::percent_encode(application),
        crate::apptrust::percent_encode(version)
    ))
}

fn is_failure(result: RunResult) -> bool {
    matches!(result, RunResult::Blocked | RunResult::Failed)
}

/// The stage a run is about, display form: the target, else the last stage attempted (for a
/// rollback, the stage rolled back from), else where the version is.
pub fn stage_of(o: &Outcome) -> String {
    let full = o
        .target_stage
        .clone()
        .or_else(|| {
            o.hops
                .iter()
                .rev()
                .find(|h| h.status != HopStatus::NotReached)
                .map(|h| deployment_stage(h).to_string())
        })
        .or_else(|| (!o.to_stage.is_empty()).then(|| o.to_stage.clone()));
    match full {
        Some(s) if !s.is_empty() => o.display(&s).to_string(),
        _ => "(no stage)".to_string(),
    }
}

/// The check-run conclusion for a result.
pub fn conclusion(result: RunResult) -> &'static str {
    match result {
        RunResult::Promoted
        | RunResult::Released
        | RunResult::Unchanged
        | RunResult::Planned
        | RunResult::RolledBack => "success",
        RunResult::Deferred => "neutral",
        RunResult::Blocked | RunResult::Failed => "failure",
    }
}

/// One plain-text line saying what happened (check-run title, webhook first line).
fn verdict_line(o: &Outcome) -> String {
    let stage = |s: &str| {
        if s.is_empty() {
            "(no stage)".to_string()
        } else {
            o.display(s).to_string()
        }
    };
    let who = if o.version.is_empty() {
        o.application.clone()
    } else {
        format!("{} {}", o.application, o.version)
    };
    let (from, to) = (stage(&o.from_stage), stage(&o.to_stage));
    let target = stage_of(o);
    match o.result {
        RunResult::Promoted => format!("{who} promoted {from} → {to}"),
        RunResult::Released => format!("{who} released {from} → {to}"),
        RunResult::RolledBack => format!("{who} rolled back {from} → {to}"),
        RunResult::Planned => format!("plan: {who} {from} → {target}"),
        RunResult::Unchanged => format!("{who} already in {to}"),
        RunResult::Deferred => format!("{who} deferred: the promotion window is closed"),
        RunResult::Blocked => format!("{who} blocked before {target} (still in {to})"),
        RunResult::Failed => format!("{who} failed promoting to {target} (still in {to})"),
    }
}

/// Failed gates as `name (stage): detail`, one per entry.
fn failed_gates(o: &Outcome) -> Vec<String> {
    o.gates
        .iter()
        .filter(|g| g.status == GateStatus::Fail)
        .map(|g| {
            format!(
                "{} ({}): {}",
                g.gate,
                o.display(&g.stage),
                cut(&g.detail, 300)
            )
        })
        .collect()
}

/// A GitHub API failure, kept apart from its wording so each report can phrase advice.
#[derive(Debug)]
struct ApiError {
    status: Option<u16>,
    message: String,
    /// Still rate-limited after the resends: advice differs from a permission 403.
    rate_limited: bool,
}

/// Sends one request. Only a rate-limited answer is sent again (GitHub did not apply it); a
/// lost answer or a 5xx to a POST is not, because the POST may have taken effect.
async fn call(
    client: &GitHubClient,
    redact: &[&str],
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Result<Value, ApiError> {
    let mut resends = 0;
    loop {
        let mut rb = client.request(method.clone(), path);
        if let Some(b) = body {
            rb = rb
                .header("content-type", "application/json")
                .body(crate::report::redact(&b.to_string(), redact));
        }
        let resp = rb.send().await.map_err(|e| ApiError {
            status: None,
            message: format!("GitHub is unreachable ({})", e.without_url()),
            rate_limited: false,
        })?;
        let status = resp.status().as_u16();
        if let Some(wait) = rate_limit_wait(status, resp.headers()) {
            if resends < MAX_RESENDS && wait <= client.max_wait {
                resends += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
            return Err(ApiError {
                status: Some(status),
                message: format!(
                    "GitHub's rate limit was reached (it asks to wait {} s)",
                    wait.as_secs()
                ),
                rate_limited: true,
            });
        }
        let text = resp.text().await.unwrap_or_default();
        if !(200..300).contains(&status) {
            let msg = crate::apptrust::error_body::message(&text).unwrap_or_default();
            return Err(ApiError {
                status: Some(status),
                message: if msg.is_empty() {
                    format!("GitHub answered HTTP {status}")
                } else {
                    format!("GitHub answered HTTP {status} ({msg})")
                },
                rate_limited: false,
            });
        }
        return Ok(serde_json::from_str(&text).unwrap_or(Value::Null));
    }
}

/// A warning naming the object, what GitHub said, and the fix.
fn warning(what: &str, permission: &str, input: &str, e: &ApiError) -> String {
    let advice = match e.status {
        _ if e.rate_limited => "re-run the job later".to_string(),
        None => {
            "check `GITHUB_API_URL` and the runner's network, or re-run the job later".to_string()
        }
        Some(401) => "pass a valid `github-token`".to_string(),
        Some(403) if e.message.contains("not accessible") => format!(
            "the token cannot write here — read-only (pull requests from forks get read-only tokens) or without `{permission}`; add `permissions: {permission}` to the job, or set `{input}: false`"
        ),
        Some(403 | 404) => format!(
            "the token cannot see or change it; add `permissions: {permission}` to the job, or set `{input}: false`"
        ),
        Some(410) => format!(
            "the feature is disabled in this repository; enable it, or set `{input}: false`"
        ),
        Some(422) => "GitHub rejected the request as invalid; please report this".to_string(),
        Some(_) => "GitHub had a problem; re-run the job later".to_string(),
    };
    format!(
        "{what}: {}; {advice}. The promotion itself is not affected.",
        e.message
    )
}

/// Cuts markdown to `max` bytes (so also `max` characters) at a line boundary, closes a
/// `<details>` left open, and appends `note`.
fn bounded(text: &str, max: usize, note: &str) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let budget = max.saturating_sub(note.len() + 16);
    let mut at = budget.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    if let Some(nl) = text[..at].rfind('\n') {
        at = nl;
    }
    let mut out = text[..at].to_string();
    if out.matches("<details>").count() > out.matches("</details>").count() {
        out.push_str("\n</details>");
    }
    out.push_str("\n\n");
    out.push_str(note);
    out
}

fn cut_bytes(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut at = max.saturating_sub(3);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    format!("{}…", &s[..at])
}

// ---------------------------------------------------------------------------------------------
// Check run

fn annotations(o: &Outcome) -> Vec<Value> {
    o.findings
        .iter()
        .filter_map(|f| {
            // The API needs a path; findings without one are in the summary instead.
            let path = f.file.as_deref().filter(|p| !p.is_empty())?;
            let line = f.line.filter(|l| *l > 0).unwrap_or(1);
            let message = if f.message.trim().is_empty() {
                &f.title
            } else {
                &f.message
            };
            Some(json!({
                "path": path,
                "start_line": line,
                "end_line": line,
                "annotation_level": "failure",
                "title": cut(&f.title, 255),
                "message": cut_bytes(message, MAX_ANNOTATION_MESSAGE),
            }))
        })
        .collect()
}

async fn check_run(
    client: &GitHubClient,
    req: &ReportRequest<'_>,
    o: &Outcome,
) -> Result<(), String> {
    let name = format!("promotion: {}", stage_of(o));
    let what = format!("check run `{name}` was not created");
    let Some(sha) = req.sha else {
        return Err(format!(
            "{what}: GITHUB_SHA is not set, so there is no commit to attach it to; run the action inside a workflow or set `check-run: false`"
        ));
    };
    let note = match req.run_url {
        Some(u) => {
            format!("_Cut to fit a check run; the whole summary is on the [workflow run]({u})._")
        }
        None => "_Cut to fit a check run; the whole summary is on the workflow run._".to_string(),
    };
    let summary = bounded(req.summary, MAX_CHECK_SUMMARY, &note);
    let title = cut(&verdict_line(o), 200);
    let all = annotations(o);
    let mut batches = all.chunks(ANNOTATIONS_PER_REQUEST);
    let first: Vec<Value> = batches.next().map(<[Value]>::to_vec).unwrap_or_default();
    let mut body = json!({
        "name": name,
        "head_sha": sha,
        "status": "completed",
        "conclusion": conclusion(o.result),
        "completed_at": jiff::Timestamp::now().to_string(),
        "output": { "title": title, "summary": summary, "annotations": first },
    });
    if let Some(u) = req.run_url {
        body["details_url"] = json!(u);
    }
    let created = call(
        client,
        req.redact,
        Method::POST,
        &format!("/repos/{}/check-runs", req.repo),
        Some(&body),
    )
    .await
    .map_err(|e| warning(&what, "checks: write", "check-run", &e))?;
    let Some(id) = created.get("id").and_then(Value::as_u64) else {
        return Err(format!(
            "{what}: GitHub's answer has no check-run id; the annotations beyond the first {ANNOTATIONS_PER_REQUEST} were not added"
        ));
    };
    for (i, batch) in batches.enumerate() {
        // Each PATCH appends its annotations; the API requires title and summary every time.
        let patch = json!({
            "output": { "title": title, "summary": summary, "annotations": batch },
        });
        if let Err(e) = call(
            client,
            req.redact,
            Method::PATCH,
            &format!("/repos/{}/check-runs/{id}", req.repo),
            Some(&patch),
        )
        .await
        {
            let done = ANNOTATIONS_PER_REQUEST * (i + 1);
            return Err(warning(
                &format!(
                    "check run `{name}`: only {done} of {} annotations were added",
                    all.len()
                ),
                "checks: write",
                "check-run",
                &e,
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Deployments

/// The environment a hop concerns: where it went, or for a rollback the stage it left.
fn deployment_stage(h: &crate::outcome::Hop) -> &str {
    if h.action == HopAction::Rollback {
        &h.from
    } else {
        &h.to
    }
}

async fn deployments(client: &GitHubClient, req: &ReportRequest<'_>, o: &Outcome) -> Vec<String> {
    let hops: Vec<_> = o
        .hops
        .iter()
        .filter(|h| {
            matches!(
                h.status,
                HopStatus::Done | HopStatus::Blocked | HopStatus::Failed
            ) && !deployment_stage(h).is_empty()
        })
        .collect();
    if hops.is_empty() {
        return Vec::new();
    }
    let Some(sha) = req.sha else {
        return vec![
            "deployments were not created: GITHUB_SHA is not set, so there is no commit to deploy; run the action inside a workflow or set `deployment: false`".to_string(),
        ];
    };
    let env_url = apptrust_version_url(req.jfrog_url, &o.application, &o.version);
    let release_stage = o.lifecycle.as_ref().map(|l| l.release_stage.as_str());
    let mut warnings = Vec::new();
    for h in hops {
        let stage = deployment_stage(h);
        let env = o.display(stage).to_string();
        let what = format!("deployment to environment `{env}`");
        let production = h.action == HopAction::Release || release_stage == Some(stage);
        let rollback = h.action == HopAction::Rollback;
        let to = if h.to.is_empty() {
            "(no stage)".to_string()
        } else {
            o.display(&h.to).to_string()
        };
        let description = cut(
            &if rollback {
                format!("{} {}: rollback {env} → {to}", o.application, o.version)
            } else {
                format!(
                    "{} {}: {} → {env}",
                    o.application,
                    o.version,
                    if h.from.is_empty() {
                        "(no stage)"
                    } else {
                        o.display(&h.from)
                    }
                )
            },
            MAX_DESCRIPTION - 1,
        );
        let body = json!({
            "ref": sha,
            // A rollback is recorded as its own task so the environment's history says so.
            "task": if rollback { "rollback" } else { "deploy" },
            "auto_merge": false,
            "required_contexts": [],
            "environment": env,
            "description": description,
            "production_environment": production,
            "transient_environment": false,
            "payload": {
                "application": o.application,
                "version": o.version,
                "from_stage": h.from,
                "to_stage": h.to,
            },
        });
        let created = match call(
            client,
            req.redact,
            Method::POST,
            &format!("/repos/{}/deployments", req.repo),
            Some(&body),
        )
        .await
        {
            Ok(v) => v,
            Err(e) => {
                warnings.push(warning(
                    &format!("{what} was not created"),
                    "deployments: write",
                    "deployment",
                    &e,
                ));
                // A token that cannot create one deployment cannot create the next either.
                if matches!(e.status, Some(401 | 403 | 404)) {
                    break;
                }
                continue;
            }
        };
        let Some(id) = created.get("id").and_then(Value::as_u64) else {
            warnings.push(format!(
                "{what} was not created: GitHub answered without a deployment id ({}); the environment was left unchanged. The promotion itself is not affected.",
                cut(created.get("message").and_then(Value::as_str).unwrap_or(""), 200)
            ));
            continue;
        };
        let (state, final_description) = match h.status {
            // The version left this stage: its deployment there is no longer live.
            HopStatus::Done if rollback => ("inactive", format!("rolled back to {to}")),
            HopStatus::Done if h.action == HopAction::Release => {
                ("success", format!("released {} to {env}", o.version))
            }
            HopStatus::Done => ("success", format!("promoted {} to {env}", o.version)),
            HopStatus::Blocked => ("failure", format!("blocked: {}", h.message)),
            _ => ("failure", format!("failed: {}", h.message)),
        };
        for (state, text) in [
            ("in_progress", description.clone()),
            (state, final_description),
        ] {
            let mut status = json!({
                "state": state,
                "description": cut(&text, MAX_DESCRIPTION - 1),
                "environment": env,
            });
            if let Some(u) = req.run_url {
                status["log_url"] = json!(u);
            }
            if let Some(u) = &env_url {
                status["environment_url"] = json!(u);
            }
            if let Err(e) = call(
                client,
                req.redact,
                Method::POST,
                &format!("/repos/{}/deployments/{id}/statuses", req.repo),
                Some(&status),
            )
            .await
            {
                warnings.push(warning(
                    &format!("{what}: status `{state}` was not set"),
                    "deployments: write",
                    "deployment",
                    &e,
                ));
                break;
            }
        }
    }
    warnings
}

// ---------------------------------------------------------------------------------------------
// Failure issue

/// The issue's title; it is how a later run finds the same issue again.
pub fn issue_title(o: &Outcome) -> String {
    format!("Promotion failure: {} → {}", o.application, stage_of(o))
}

fn issue_body(req: &ReportRequest<'_>, o: &Outcome) -> String {
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
    let list = call(
        client,
        req.redact,
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

async fn issue(client: &GitHubClient, req: &ReportRequest<'_>, o: &Outcome) -> Result<(), String> {
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
        call(
            client,
            req.redact,
            Method::POST,
            &format!("/repos/{repo}/issues/{n}/comments"),
            Some(&json!({ "body": comment })),
        )
        .await
        .map_err(fail)?;
        call(
            client,
            req.redact,
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
        Some(n) => call(
            client,
            req.redact,
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
        None => call(
            client,
            req.redact,
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

// ---------------------------------------------------------------------------------------------
// Webhook

/// Slack's three escapes for message text; the rest is literal.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The `text` of the chat message.
pub fn webhook_text(o: &Outcome, run_url: Option<&str>) -> String {
    let icon = if o.result == RunResult::Blocked {
        "⛔"
    } else {
        "❌"
    };
    let mut lines = vec![format!(
        "{icon} Promotion {}: {} {} → {}",
        o.result.as_str(),
        slack_escape(&o.application),
        slack_escape(&o.version),
        slack_escape(&stage_of(o))
    )];
    let now = if o.to_stage.is_empty() {
        "(no stage)"
    } else {
        o.display(&o.to_stage)
    };
    lines.push(format!("Now in: {}", slack_escape(now)));
    let gates = failed_gates(o);
    if !gates.is_empty() {
        let shown: Vec<_> = gates.iter().take(10).map(|g| slack_escape(g)).collect();
        let more = if gates.len() > 10 {
            format!(" and {} more", gates.len() - 10)
        } else {
            String::new()
        };
        lines.push(format!("Failed gates: {}{more}", shown.join("; ")));
    }
    if let Some(f) = &o.failure {
        lines.push(format!("Error: {}", slack_escape(&cut(&f.message, 500))));
    }
    if let Some(u) = run_url {
        lines.push(format!("Run: {u}"));
    }
    lines.join("\n")
}

async fn webhook(
    http: &reqwest::Client,
    url: &Secret,
    req: &ReportRequest<'_>,
    o: &Outcome,
) -> Result<(), String> {
    let what = "the notify-webhook URL was not notified";
    let body = json!({ "text": webhook_text(o, req.run_url) }).to_string();
    // Sent once: a chat message sent twice is noise, and a lost answer may have been delivered.
    let resp = http
        .post(url.expose())
        .timeout(WEBHOOK_TIMEOUT)
        .header("content-type", "application/json")
        .body(crate::report::redact(&body, req.redact))
        .send()
        .await
        .map_err(|e| {
            // reqwest puts the URL in its errors; the URL is the secret.
            let why = if e.is_timeout() {
                format!("no answer within {} s", WEBHOOK_TIMEOUT.as_secs())
            } else if e.is_builder() {
                "it is not a valid URL".to_string()
            } else {
                format!("it could not be reached ({})", e.without_url())
            };
            format!(
                "{what}: {why}; check the notify-webhook secret. The promotion itself is not affected."
            )
        })?;
    let status = resp.status();
    if status.is_success() {
        return Ok(());
    }
    // The answer body is not quoted: a chat service may echo the request path, the secret.
    Err(format!(
        "{what}: it answered HTTP {}; check the notify-webhook secret (a revoked or mistyped webhook answers 403/404). The promotion itself is not affected.",
        status.as_u16()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Command;
    use crate::outcome::{GateResult, Hop};
    use crate::stages::Lifecycle;

    fn blocked() -> Outcome {
        let mut o = Outcome::new(Command::Promote, "inventory", "1.2.0");
        o.lifecycle = Some(Lifecycle {
            stages: ["bookverse-DEV", "bookverse-QA", "PROD"]
                .map(String::from)
                .to_vec(),
            release_stage: "PROD".into(),
            project: Some("bookverse".into()),
        });
        o.result = RunResult::Blocked;
        o.from_stage = "bookverse-DEV".into();
        o.to_stage = "bookverse-DEV".into();
        o.target_stage = Some("PROD".into());
        o.hops.push(Hop {
            from: "bookverse-DEV".into(),
            to: "bookverse-QA".into(),
            action: HopAction::Promote,
            promotion_type: "copy".into(),
            status: HopStatus::Blocked,
            duration_ms: None,
            evaluations: vec![],
            message: "gates failed".into(),
        });
        o.gates.push(GateResult {
            stage: "bookverse-QA".into(),
            gate: "unit <tests>".into(),
            kind: "junit".into(),
            status: GateStatus::Fail,
            detail: "1 failed".into(),
            figure: String::new(),
            threshold: String::new(),
        });
        o
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
            redact: &[],
        };
        let body = issue_body(&req, &o);
        assert!(body.chars().count() <= MAX_ISSUE_BODY, "{}", body.len());
        assert!(body.contains("unit &lt;tests&gt; (QA): 1 failed"));
        assert!(body.ends_with("</details>\n"));
    }
}
