//! GitHub OIDC → JFrog access token.
//!
//! Fetches the job's ID token from `ACTIONS_ID_TOKEN_REQUEST_URL` (present only with
//! `permissions: id-token: write`) and exchanges it at `/access/api/v1/oidc/token`, the way
//! setup-jfrog-cli does. Both tokens are secrets: masked by the caller, never logged.

use serde::Deserialize;
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

#[derive(Deserialize)]
struct IdTokenBody {
    value: Option<String>,
}

#[derive(Deserialize)]
struct ExchangeBody {
    access_token: Option<String>,
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
        let encoded: String = a
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str("audience=");
        url.push_str(&encoded);
    }
    let op = "GET ACTIONS_ID_TOKEN_REQUEST_URL".to_string();
    let resp = http
        .get(url)
        .bearer_auth(request_token.expose())
        .send()
        .await
        .map_err(|e| RemoteError::transport(op.clone(), e.to_string()))?;
    let status = resp.status();
    let text = resp
        .text()
        .await
        .map_err(|e| RemoteError::transport(op.clone(), e.to_string()))?;
    if !status.is_success() {
        return Err(RemoteError {
            operation: op,
            kind: RemoteErrorKind::Status(status.as_u16()),
            what: format!(
                "HTTP {}{}",
                status.as_u16(),
                error_body::message(&text)
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            ),
            hint: "; GitHub did not issue an ID token — check `permissions: id-token: write`"
                .into(),
        });
    }
    let body: IdTokenBody = serde_json::from_str(&text).map_err(|e| RemoteError {
        operation: op.clone(),
        kind: RemoteErrorKind::Decode,
        what: format!("the ID-token answer is not JSON ({e})"),
        hint: String::new(),
    })?;
    body.value
        .filter(|v| !v.is_empty())
        .map(Secret::new)
        .ok_or(RemoteError {
            operation: op,
            kind: RemoteErrorKind::Decode,
            what: "the ID-token answer has no `value`".into(),
            hint: String::new(),
        })
}

/// Exchanges the ID token for a JFrog access token.
pub async fn exchange(
    http: &reqwest::Client,
    jfrog_url: &str,
    id_token: &Secret,
    ctx: &ExchangeContext,
) -> Result<Secret, RemoteError> {
    let op = "POST /access/api/v1/oidc/token".to_string();
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
    let resp = http
        .post(format!(
            "{}/access/api/v1/oidc/token",
            jfrog_url.trim_end_matches('/')
        ))
        .json(&body)
        .send()
        .await
        .map_err(|e| RemoteError::transport(op.clone(), e.to_string()))?;
    let status = resp.status();
    let text = resp
        .text()
        .await
        .map_err(|e| RemoteError::transport(op.clone(), e.to_string()))?;
    if !status.is_success() {
        return Err(RemoteError {
            operation: op,
            kind: RemoteErrorKind::Status(status.as_u16()),
            what: format!(
                "HTTP {}{}",
                status.as_u16(),
                error_body::message(&text)
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            ),
            hint: format!(
                "; check that the JFrog OIDC provider `{}` exists and trusts this repository (identity mapping)",
                ctx.provider_name
            ),
        });
    }
    let parsed: ExchangeBody = serde_json::from_str(&text).map_err(|e| RemoteError {
        operation: op.clone(),
        kind: RemoteErrorKind::Decode,
        what: format!("the token-exchange answer is not JSON ({e})"),
        hint: String::new(),
    })?;
    parsed
        .access_token
        .filter(|t| !t.is_empty())
        .map(Secret::new)
        .ok_or(RemoteError {
            operation: op,
            kind: RemoteErrorKind::Decode,
            what: "the token-exchange answer has no `access_token`".into(),
            hint: String::new(),
        })
}
