//! GitHub OIDC → JFrog access token.
//!
//! Fetches the job's ID token from `ACTIONS_ID_TOKEN_REQUEST_URL` (present only with
//! `permissions: id-token: write`) and exchanges it at `/access/api/v1/oidc/token`, the way
//! setup-jfrog-cli does. Both tokens are secrets: masked by the caller, never logged.

use reqwest::Method;
use serde_json::json;

use super::client::JFROG_ADVICE;
use crate::http::{Body, ClientOptions, Remote, RemoteError, RemoteErrorKind, operation};
use crate::secret::Secret;

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
    /// Branch or tag name (`GITHUB_REF_NAME`).
    pub branch: Option<String>,
}

/// The exchange request, field for field what setup-jfrog-cli sends: every `gh_*` field and
/// `project_key` as a string (`""` when unknown), and the AppTrust context (`repo`, `revision`,
/// `branch`) only when known.
pub fn exchange_body(id_token: &Secret, ctx: &ExchangeContext) -> serde_json::Value {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut body = json!({
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
        "subject_token": id_token.expose(),
        "provider_name": ctx.provider_name,
        "project_key": text(&ctx.project_key),
        "gh_job_id": text(&ctx.job_id),
        "gh_run_id": text(&ctx.run_id),
        "gh_repo": text(&ctx.repository),
        "gh_revision": text(&ctx.revision),
        "gh_branch": text(&ctx.branch),
        "application_key": text(&ctx.application_key),
    });
    for (key, value) in [
        ("repo", &ctx.repository),
        ("revision", &ctx.revision),
        ("branch", &ctx.branch),
    ] {
        if let Some(v) = value {
            body[key] = json!(v);
        }
    }
    body
}

/// Sends a token request once (a token exchange is not re-sent: a lost answer may have minted
/// one) and returns the non-empty string at `field` of its JSON answer.
async fn token_from(
    remote: &Remote,
    method: Method,
    path: &str,
    body: Option<&serde_json::Value>,
    field: &str,
    hint: String,
) -> Result<Secret, RemoteError> {
    let op = operation(&method, path);
    // The exchange body is the ID token itself: sent as it is, past the redactor.
    let reply = remote
        .send(method, path, body.map(Body::Credential))
        .await?;
    if !reply.is_success() {
        let server = reply
            .server_message()
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        return Err(RemoteError {
            operation: op,
            kind: RemoteErrorKind::Status(reply.status),
            what: format!("HTTP {}{server}", reply.status),
            hint,
        });
    }
    let body: serde_json::Value = serde_json::from_str(&reply.text)
        .map_err(|e| RemoteError::decode(&op, format!("the answer is not JSON ({e})"), ""))?;
    body.get(field)
        .and_then(serde_json::Value::as_str)
        .filter(|t| !t.is_empty())
        .map(|t| Secret::new(t.to_string()))
        .ok_or_else(|| RemoteError::decode(&op, format!("the answer has no `{field}`"), ""))
}

/// The exact line users must add when the ID-token variables are missing.
pub(crate) const MISSING_PERMISSION: &str = "OIDC needs the job permission `id-token: write`: add `permissions: { id-token: write, contents: read }` to the job (or set `access-token` instead of `oidc-provider-name`)";

/// Requests the GitHub ID token.
pub(crate) async fn github_id_token(
    http: &reqwest::Client,
    options: &ClientOptions,
    request_url: &str,
    request_token: &Secret,
    audience: Option<&str>,
) -> Result<Secret, RemoteError> {
    let mut url = request_url.to_string();
    if let Some(a) = audience {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str("audience=");
        url.push_str(&crate::http::percent_encode(a));
    }
    // The request URL is a whole URL with its own query: it is the base, the path is empty.
    let remote = Remote::new(
        http.clone(),
        &url,
        Some(request_token.clone()),
        options.clone(),
        &JFROG_ADVICE,
    );
    token_from(
        &remote,
        Method::GET,
        "",
        None,
        "value",
        "; GitHub did not issue an ID token — check `permissions: id-token: write`".into(),
    )
    .await
    .map_err(|e| RemoteError {
        operation: "GET ACTIONS_ID_TOKEN_REQUEST_URL".into(),
        ..e
    })
}

/// Exchanges the ID token for a JFrog access token.
pub async fn exchange(
    http: &reqwest::Client,
    options: &ClientOptions,
    jfrog_url: &str,
    id_token: &Secret,
    ctx: &ExchangeContext,
) -> Result<Secret, RemoteError> {
    let body = exchange_body(id_token, ctx);
    let remote = Remote::new(
        http.clone(),
        jfrog_url,
        None,
        options.clone(),
        &JFROG_ADVICE,
    );
    let hint = format!(
        "; check that the JFrog OIDC provider `{}` exists and trusts this repository (identity mapping)",
        ctx.provider_name
    );
    token_from(
        &remote,
        Method::POST,
        "/access/api/v1/oidc/token",
        Some(&body),
        "access_token",
        hint,
    )
    .await
}
