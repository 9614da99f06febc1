//! GitHub OIDC → JFrog access token.
//!
//! Fetches the job's ID token from `ACTIONS_ID_TOKEN_REQUEST_URL` (present only with
//! `permissions: id-token: write`) and exchanges it at `/access/api/v1/oidc/token`, the way
//! setup-jfrog-cli does. Both tokens are secrets: masked by the caller, never logged.

use serde_json::json;

use super::{RemoteError, RemoteErrorKind, error_body};
use crate::inputs::Secret;

/// What the exchange needs besides the ID token.
#[derive(Debug, Clone, Default)]
pub struct ExchangeContext {
    /// JFrog OIDC provider name.
    pub provider_name: String,
    /// JFrog project key.
    pub project_key: Option<String>,
    /// Application key (sent as context, like setup-jfrog-cli).
    pub application_key: Option<String>,
    /// `owner/repo`.
    pub repository: Option<String>,
    /// Run id.
    pub run_id: Option<String>,
    /// Job id.
    pub job_id: Option<String>,
    /// Commit.
    pub revision: Option<String>,
    /// Ref.
    pub branch: Option<String>,
}

/// Sends a token request and returns the non-empty string at `field` of its JSON answer.
async fn token_from(
    op: &str,
    request: reqwest::RequestBuilder,
    field: &str,
    hint: String,
) -> Result<Secret, RemoteError> {
    let resp = request
        .send()
        .await
        .map_err(|e| RemoteError::transport(op, e.to_string()))?;
    let status = resp.status();
    let text = resp
        .text()
        .await
        .map_err(|e| RemoteError::transport(op, e.to_string()))?;
    if !status.is_success() {
        let server = error_body::message(&text)
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        return Err(RemoteError {
            operation: op.to_string(),
            kind: RemoteErrorKind::Status(status.as_u16()),
            what: format!("HTTP {}{server}", status.as_u16()),
            hint,
        });
    }
    let decode = |what: String| RemoteError {
        operation: op.to_string(),
        kind: RemoteErrorKind::Decode,
        what,
        hint: String::new(),
    };
    let body: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| decode(format!("the answer is not JSON ({e})")))?;
    body.get(field)
        .and_then(serde_json::Value::as_str)
        .filter(|t| !t.is_empty())
        .map(|t| Secret::new(t.to_string()))
        .ok_or_else(|| decode(format!("the answer has no `{field}`")))
}

/// The exact line users must add when the ID-token variables are missing.
pub const MISSING_PERMISSION: &str = "OIDC needs the job permission `id-token: write`: add `permissions: { id-token: write, contents: read }` to the job (or set `access-token` instead of `oidc-provider-name`)";

/// Requests the GitHub ID token.
pub async fn github_id_token(
    http: &reqwest::Client,
    request_url: &str,
    request_token: &Secret,
    audience: Option<&str>,
) -> Result<Secret, RemoteError> {
    let mut url = request_url.to_string();
    if let Some(a) = audience {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str("audience=");
        url.push_str(&super::percent_encode(a));
    }
    let request = http.get(url).bearer_auth(request_token.expose());
    token_from(
        "GET ACTIONS_ID_TOKEN_REQUEST_URL",
        request,
        "value",
        "; GitHub did not issue an ID token — check `permissions: id-token: write`".into(),
    )
    .await
}

/// Exchanges the ID token for a JFrog access token.
pub async fn exchange(
    http: &reqwest::Client,
    jfrog_url: &str,
    id_token: &Secret,
    ctx: &ExchangeContext,
) -> Result<Secret, RemoteError> {
    let body = json!({
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
        "subject_token": id_token.expose(),
        "provider_name": ctx.provider_name,
        "project_key": ctx.project_key,
        "application_key": ctx.application_key,
        "gh_repo": ctx.repository,
        "gh_run_id": ctx.run_id,
        "gh_job_id": ctx.job_id,
        "gh_revision": ctx.revision,
        "gh_branch": ctx.branch,
    });
    let request = http
        .post(format!(
            "{}/access/api/v1/oidc/token",
            jfrog_url.trim_end_matches('/')
        ))
        .json(&body);
    let hint = format!(
        "; check that the JFrog OIDC provider `{}` exists and trusts this repository (identity mapping)",
        ctx.provider_name
    );
    token_from(
        "POST /access/api/v1/oidc/token",
        request,
        "access_token",
        hint,
    )
    .await
}
