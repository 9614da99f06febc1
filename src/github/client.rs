//! The GitHub REST client: base URL from `GITHUB_API_URL` (GHES works), the pinned API version,
//! and GitHub's wording of failures, over the shared HTTP layer.
//!
//! A small client instead of octocrab: octocrab's default retry policy re-sends POSTs (duplicate
//! issues and comments), and a handful of endpoints do not justify its weight in a static image.
//! Reads follow the shared retry policy (rate limits: `Retry-After`, then `x-ratelimit-reset`);
//! mutations are sent once, and again only after a rate-limited answer GitHub did not apply.

use reqwest::Method;
use serde_json::Value;

use crate::http::{Body, ClientOptions, Remote, RemoteError, Reply, error::NO_ADVICE};
use crate::secret::Secret;

/// Headers GitHub documents for the REST API.
const HEADERS: &[(&str, &str)] = &[
    ("Accept", "application/vnd.github+json"),
    ("X-GitHub-Api-Version", "2022-11-28"),
];

/// How often a rate-limited mutation is sent again.
const MAX_RESENDS: u32 = 2;

/// GitHub over HTTP.
#[derive(Clone, Debug)]
pub struct GitHubClient {
    remote: Remote,
}

/// A failed GitHub call, kept apart from its wording so each caller can phrase advice.
#[derive(Debug)]
pub(crate) struct ApiError {
    /// HTTP status, `None` when GitHub did not answer.
    pub(crate) status: Option<u16>,
    /// What happened.
    pub(crate) message: String,
    /// Still rate-limited after the resends: advice differs from a permission 403.
    pub(crate) rate_limited: bool,
}

impl GitHubClient {
    /// A client for `api_url` with `token` and default timeouts.
    pub fn new(http: reqwest::Client, api_url: &str, token: Secret) -> Self {
        Self::with_options(http, api_url, token, ClientOptions::default())
    }

    /// A client for `api_url` with `token` and the run's timeouts and retry settings.
    pub(crate) fn with_options(
        http: reqwest::Client,
        api_url: &str,
        token: Secret,
        options: ClientOptions,
    ) -> Self {
        let remote =
            Remote::new(http, api_url, Some(token), options, &NO_ADVICE).with_headers(HEADERS);
        GitHubClient { remote }
    }

    /// The underlying HTTP client (its roots and timeouts), for calls that are not to GitHub,
    /// such as the notify webhook.
    pub(crate) fn http(&self) -> &reqwest::Client {
        self.remote.http()
    }

    /// The options in force (their redactor scrubs every body sent).
    pub(crate) fn options(&self) -> &ClientOptions {
        self.remote.options()
    }

    /// A read with the shared retry policy; returns the body text of a 2xx answer, else a
    /// sentence naming the call, GitHub's answer and the fix.
    pub(crate) async fn get(&self, path: &str) -> Result<String, String> {
        let reply = self
            .remote
            .get(path)
            .await
            .map_err(|e| format!("GET {path}: GitHub is unreachable ({})", e.what))?;
        if let (Some(wait), false) = (reply.rate_limit_wait(), reply.is_success()) {
            let wait = reply.wait_refused.unwrap_or(wait);
            return Err(format!(
                "GET {path}: GitHub rate limit reached; retry after {} s",
                wait.as_secs()
            ));
        }
        if !reply.is_success() {
            let msg = reply.server_message().unwrap_or_default();
            let hint = match reply.status {
                401 => "; pass a valid `github-token`",
                403 | 404 => {
                    "; the token lacks permission (add `permissions: checks: read, actions: read` to the job)"
                }
                _ => "",
            };
            return Err(format!("GET {path}: HTTP {} {msg}{hint}", reply.status));
        }
        Ok(reply.text)
    }

    /// A read with the shared retry policy, returning the whole answer (status, headers, body)
    /// for callers that word each failure themselves or follow `Link` pagination.
    pub(crate) async fn get_reply(&self, path: &str) -> Result<Reply, RemoteError> {
        self.remote.get(path).await
    }

    /// A mutation (or a read whose failure is worded by the caller): sent once (the HTTP layer
    /// scrubs the run's secrets from the body), and again only after a rate-limited answer.
    /// Returns the JSON answer (`null` when it is not JSON).
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let body = body.map(Body::Json);
        let reply = self
            .remote
            .send_unless_rate_limited(method, path, body, MAX_RESENDS)
            .await
            .map_err(|e| ApiError {
                status: None,
                message: format!("GitHub is unreachable ({})", e.what),
                rate_limited: false,
            })?;
        if let Some(wait) = reply.wait_refused {
            return Err(ApiError {
                status: Some(reply.status),
                message: format!(
                    "GitHub's rate limit was reached (it asks to wait {} s)",
                    wait.as_secs()
                ),
                rate_limited: true,
            });
        }
        if !reply.is_success() {
            let msg = reply.server_message().unwrap_or_default();
            return Err(ApiError {
                status: Some(reply.status),
                message: if msg.is_empty() {
                    format!("GitHub answered HTTP {}", reply.status)
                } else {
                    format!("GitHub answered HTTP {} ({msg})", reply.status)
                },
                rate_limited: false,
            });
        }
        Ok(serde_json::from_str(&reply.text).unwrap_or(Value::Null))
    }
}
