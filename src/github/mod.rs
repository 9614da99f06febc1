//! GitHub REST calls the action needs: check runs and environment approvals (read), and the
//! reporting calls (write, in [`report`]).
//!
//! A small reqwest client instead of octocrab: octocrab's default retry policy retries POSTs
//! blindly (duplicate issues and comments), and six endpoints do not justify its build weight in
//! a 10 MB static image. Base URL from `GITHUB_API_URL` (GHES works), API version pinned,
//! rate limits honoured (`Retry-After`, then `x-ratelimit-reset`).

pub mod report;

use std::time::Duration;

use serde::Deserialize;

use crate::gates::{CheckRun, Evidence};
use crate::inputs::Secret;

/// One approval of a run's environment gate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Approval {
    /// Reviewer login.
    pub user: String,
    /// `approved` or `rejected`.
    pub state: String,
    /// Environments the review covered.
    pub environments: Vec<String>,
    /// Reviewer comment.
    pub comment: String,
}

/// Facts read from GitHub for the gates.
#[derive(Debug, Clone)]
pub struct GitHubFacts {
    /// Check runs on the commit (or why they could not be read).
    pub checks: Evidence,
    /// Approvals of this run (or why they could not be read).
    pub approvals: Result<Vec<Approval>, String>,
}

impl Default for GitHubFacts {
    fn default() -> Self {
        GitHubFacts {
            checks: Evidence::Unavailable("check runs were not read".into()),
            approvals: Err("approvals were not read".into()),
        }
    }
}

/// GitHub over HTTP.
#[derive(Clone)]
pub struct GitHubClient {
    http: reqwest::Client,
    api: String,
    token: Secret,
    /// Longest wait for a rate limit before giving up.
    pub max_wait: Duration,
}

impl std::fmt::Debug for GitHubClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHubClient")
            .field("api", &self.api)
            .field("token", &self.token)
            .finish()
    }
}

#[derive(Deserialize)]
struct CheckRunsPage {
    #[serde(default)]
    total_count: u64,
    #[serde(default)]
    check_runs: Vec<CheckRunBody>,
}

#[derive(Deserialize)]
struct CheckRunBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    conclusion: Option<String>,
}

#[derive(Deserialize)]
struct ApprovalBody {
    #[serde(default)]
    state: String,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    environments: Vec<EnvBody>,
    user: Option<UserBody>,
}

#[derive(Deserialize)]
struct EnvBody {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct UserBody {
    #[serde(default)]
    login: String,
}

impl GitHubClient {
    /// A client for `api_url` with `token`.
    pub fn new(http: reqwest::Client, api_url: &str, token: Secret) -> Self {
        GitHubClient {
            http,
            api: api_url.trim_end_matches('/').to_string(),
            token,
            max_wait: Duration::from_secs(60),
        }
    }

    /// Request builder with auth and the pinned API version.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{}", self.api, path))
            .bearer_auth(self.token.expose())
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
    }

    /// The underlying HTTP client (its roots and timeouts), for calls that are not to GitHub,
    /// such as the notify webhook.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// GET with rate-limit handling; returns the body text.
    pub async fn get(&self, path: &str) -> Result<String, String> {
        let mut attempts = 0;
        loop {
            let resp = self
                .request(reqwest::Method::GET, path)
                .send()
                .await
                .map_err(|e| format!("GET {path}: GitHub is unreachable ({e})"))?;
            let status = resp.status();
            if let Some(wait) = rate_limit_wait(status.as_u16(), resp.headers()) {
                attempts += 1;
                if attempts > 3 || wait > self.max_wait {
                    return Err(format!(
                        "GET {path}: GitHub rate limit reached; retry after {} s",
                        wait.as_secs()
                    ));
                }
                tokio::time::sleep(wait).await;
                continue;
            }
            let text = resp.text().await.map_err(|e| format!("GET {path}: {e}"))?;
            if !status.is_success() {
                let msg = crate::apptrust::error_body::message(&text).unwrap_or_default();
                let hint = match status.as_u16() {
                    401 => "; pass a valid `github-token`",
                    403 | 404 => {
                        "; the token lacks permission (add `permissions: checks: read, actions: read` to the job)"
                    }
                    _ => "",
                };
                return Err(format!("GET {path}: HTTP {} {msg}{hint}", status.as_u16()));
            }
            return Ok(text);
        }
    }

    /// Every check run on `sha`, all pages, newest first per name as GitHub lists them.
    pub async fn check_runs(&self, repo: &str, sha: &str) -> Result<Vec<CheckRun>, String> {
        let mut out = Vec::new();
        for page in 1..=20 {
            let text = self
                .get(&format!(
                    "/repos/{repo}/commits/{sha}/check-runs?per_page=100&page={page}"
                ))
                .await?;
            let body: CheckRunsPage = serde_json::from_str(&text)
                .map_err(|e| format!("check runs of {sha}: unexpected answer ({e})"))?;
            let n = body.check_runs.len();
            out.extend(body.check_runs.into_iter().map(|c| CheckRun {
                name: c.name,
                status: c.status,
                conclusion: c.conclusion.unwrap_or_default(),
            }));
            if n < 100 || out.len() as u64 >= body.total_count {
                break;
            }
        }
        Ok(out)
    }

    /// Approvals recorded on a workflow run.
    pub async fn approvals(&self, repo: &str, run_id: &str) -> Result<Vec<Approval>, String> {
        let text = self
            .get(&format!("/repos/{repo}/actions/runs/{run_id}/approvals"))
            .await?;
        let body: Vec<ApprovalBody> = serde_json::from_str(&text)
            .map_err(|e| format!("approvals of run {run_id}: unexpected answer ({e})"))?;
        Ok(body
            .into_iter()
            .map(|a| Approval {
                user: a.user.map(|u| u.login).unwrap_or_default(),
                state: a.state.to_ascii_lowercase(),
                environments: a.environments.into_iter().map(|e| e.name).collect(),
                comment: a.comment.unwrap_or_default(),
            })
            .collect())
    }
}

/// How long a rate-limited answer asks us to wait: `Retry-After` first, then
/// `x-ratelimit-reset` when `x-ratelimit-remaining` is 0; `None` when not rate-limited.
pub fn rate_limit_wait(status: u16, headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    if status != 403 && status != 429 {
        return None;
    }
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(secs) = h("retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(Duration::from_secs(secs));
    }
    if h("x-ratelimit-remaining") == Some("0") {
        let reset = h("x-ratelimit-reset").and_then(|v| v.parse::<i64>().ok())?;
        let now = jiff::Timestamp::now().as_second();
        return Some(Duration::from_secs((reset - now).max(1) as u64));
    }
    (status == 429).then(|| Duration::from_secs(60))
}

/// The commit to check: the PR head for `pull_request` events (not the merge commit).
pub fn head_sha(
    event_name: Option<&str>,
    event_json: Option<&str>,
    sha: Option<&str>,
) -> Option<String> {
    if matches!(event_name, Some("pull_request" | "pull_request_target")) {
        if let Some(v) = event_json.and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        {
            if let Some(h) = v.pointer("/pull_request/head/sha").and_then(|s| s.as_str()) {
                return Some(h.to_string());
            }
        }
    }
    sha.map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_requests_use_the_head_sha() {
        let event = r#"{"pull_request":{"head":{"sha":"abc"}}}"#;
        assert_eq!(
            head_sha(Some("pull_request"), Some(event), Some("merge")).as_deref(),
            Some("abc")
        );
        assert_eq!(
            head_sha(Some("push"), Some(event), Some("merge")).as_deref(),
            Some("merge")
        );
        assert_eq!(
            head_sha(Some("pull_request"), None, Some("merge")).as_deref(),
            Some("merge")
        );
    }

    #[test]
    fn rate_limits_prefer_retry_after() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(rate_limit_wait(429, &h), Some(Duration::from_secs(7)));
        assert_eq!(rate_limit_wait(200, &h), None);
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("x-ratelimit-remaining", "5".parse().unwrap());
        assert_eq!(
            rate_limit_wait(403, &h),
            None,
            "a plain 403 is a permission error, not a rate limit"
        );
    }
}
