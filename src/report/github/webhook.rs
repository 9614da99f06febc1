//! The chat webhook (`notify-webhook`): one Slack-compatible `{"text": …}` message per blocked or
//! failed run. The URL is a secret: it never appears in a message or a warning.
//!
//! [`webhook_text`], [`render`] and the warnings are worded here (pure); [`webhook`] only
//! sends.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};

use super::ReportRequest;
use super::text::{failed_gates, stage_of};
use crate::github::GitHubClient;
use crate::http::{Body, ClientOptions, Remote, RemoteError, RemoteErrorKind, error::NO_ADVICE};
use crate::promotion::outcome::{Outcome, RunResult};
use crate::report::markdown::cut;
use crate::secret::Secret;

/// A chat webhook that does not answer in this time is given up on.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(10);

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
    lines.push(format!("Now in: {}", slack_escape(&o.whereabouts())));
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

/// The message's JSON payload.
pub(super) fn render(o: &Outcome, run_url: Option<&str>) -> Value {
    json!({ "text": webhook_text(o, run_url) })
}

const WHAT: &str = "the notify-webhook URL was not notified";

/// The warning when the webhook could not be reached (no answer).
fn unreached(e: &RemoteError) -> String {
    let why = match e.kind {
        RemoteErrorKind::Timeout => format!("no answer within {} s", WEBHOOK_TIMEOUT.as_secs()),
        _ if e.what.contains("builder error") => "it is not a valid URL".to_string(),
        _ => format!("it could not be reached ({})", e.what),
    };
    format!("{WHAT}: {why}; check the notify-webhook secret. The promotion itself is not affected.")
}

/// The warning when the webhook answered `status`, not 2xx. The answer body is not quoted: a
/// chat service may echo the request path, the secret.
fn refused(status: u16) -> String {
    format!(
        "{WHAT}: it answered HTTP {status}; check the notify-webhook secret (a revoked or mistyped webhook answers 403/404). The promotion itself is not affected."
    )
}

pub(super) async fn webhook(
    client: &GitHubClient,
    url: &Secret,
    req: &ReportRequest<'_>,
    o: &Outcome,
) -> Result<(), String> {
    let body = render(o, req.run_url);
    // Through the HTTP layer like every other request, so its body and its errors pass the
    // run's redactor (the URL is itself a secret there).
    let options = ClientOptions {
        timeout: WEBHOOK_TIMEOUT,
        ..client.options().clone()
    };
    options.redactor.add(url.expose());
    let remote = Remote::endpoint(client.http().clone(), url.expose(), options, &NO_ADVICE);
    // Sent once: a chat message sent twice is noise, and a lost answer may have been delivered.
    let reply = remote
        .send(Method::POST, "", Some(Body::Json(&body)))
        .await
        .map_err(|e| unreached(&e))?;
    if reply.is_success() {
        Ok(())
    } else {
        Err(refused(reply.status))
    }
}
