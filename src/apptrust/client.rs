//! The real AppTrust client: reqwest with rustls and compiled-in CA roots.
//!
//! Idempotent GETs are retried on 408/429/5xx and transport errors with backoff, honouring
//! `Retry-After`. Mutations are sent once: when their outcome is unknown (timeout, dropped
//! connection, 5xx) the caller re-reads the version instead of retrying blindly. Every request is
//! logged (method, path, status, duration) for the audit record; nothing secret is logged.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::json;

use super::percent_encode;
use super::wire::{ContentBody, HopBody, LifecycleBody, PromotionsBody, RollbackBody, VersionList};
use super::{
    AppTrustApi, HopReply, HopRequest, PromotionEntry, RemoteError, RemoteErrorKind, RollbackReply,
    VersionContent, VersionSummary, error_body,
};
use crate::inputs::Secret;
use crate::stages::Lifecycle;

/// One request made, for the audit record.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct RequestLog {
    /// HTTP method.
    pub method: String,
    /// Path and query (no credentials ever travel in URLs).
    pub path: String,
    /// Status, or `None` when no answer came.
    pub status: Option<u16>,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
}

/// Tunables, injectable so tests run fast.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Per-request timeout.
    pub timeout: Duration,
    /// Retries of idempotent requests.
    pub max_retries: u32,
    /// First backoff; doubles per retry.
    pub backoff: Duration,
    /// Longest `Retry-After` honoured; longer waits fail with a clear message.
    pub max_retry_after: Duration,
    /// Extra PEM CA certificates (self-hosted JFrog with a private CA).
    pub extra_ca_pem: Option<Vec<u8>>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(30),
            max_retries: 3,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
            extra_ca_pem: None,
        }
    }
}

/// Builds the shared reqwest client: UA, timeouts, rustls with webpki roots plus extra CAs.
pub fn http_client(options: &ClientOptions) -> Result<reqwest::Client, String> {
    let mut builder = reqwest::Client::builder()
        .user_agent(concat!("promote-action/", env!("CARGO_PKG_VERSION")))
        .timeout(options.timeout)
        .connect_timeout(Duration::from_secs(10).min(options.timeout));
    if let Some(pem) = &options.extra_ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| format!("SSL_CERT_FILE holds no usable PEM certificate: {e}"))?;
        if certs.is_empty() {
            return Err(
                "SSL_CERT_FILE holds no PEM certificate: point it at a PEM bundle of your JFrog CA"
                    .into(),
            );
        }
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    builder
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// AppTrust over HTTP.
#[derive(Clone)]
pub struct HttpAppTrust {
    http: reqwest::Client,
    base: String,
    token: Secret,
    options: ClientOptions,
    log: Arc<Mutex<Vec<RequestLog>>>,
}

impl std::fmt::Debug for HttpAppTrust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpAppTrust")
            .field("base", &self.base)
            .field("token", &self.token)
            .finish()
    }
}

impl HttpAppTrust {
    /// A client for `base` (the JFrog platform URL) authenticating with `token`.
    pub fn new(base: &str, token: Secret, options: ClientOptions) -> Result<Self, String> {
        Ok(HttpAppTrust {
            http: http_client(&options)?,
            base: base.trim_end_matches('/').to_string(),
            token,
            options,
            log: Arc::new(Mutex::new(Vec::new())),
        })
    }

    /// Every request made so far.
    pub fn requests(&self) -> Vec<RequestLog> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The list's items; an answer without a `versions` key is not the documented shape.
    fn versions_of(list: VersionList) -> Result<Vec<super::wire::VersionItem>, RemoteError> {
        list.versions.ok_or_else(|| RemoteError {
            operation: "GET /apptrust/api/v1/applications/{app}/versions".into(),
            kind: RemoteErrorKind::Decode,
            what: "the answer has no `versions` list".into(),
            hint: "; check that `jfrog-url` points at the JFrog platform root".into(),
        })
    }

    fn version_path(app: &str, version: &str) -> String {
        format!(
            "/apptrust/api/v1/applications/{}/versions/{}",
            percent_encode(app),
            percent_encode(version)
        )
    }

    /// Sends one request and returns status + body; transport failures become errors.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<(StatusCode, String, Option<Duration>), RemoteError> {
        let op = format!("{method} {}", path.split('?').next().unwrap_or(path));
        let mut req = self
            .http
            .request(method.clone(), format!("{}{}", self.base, path))
            .bearer_auth(self.token.expose())
            .header("Accept", "application/json");
        if let Some(b) = body {
            req = req.json(b);
        }
        let started = Instant::now();
        let result = req.send().await;
        let outcome = match result {
            Ok(resp) => {
                let status = resp.status();
                let retry_after = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(Duration::from_secs);
                match resp.text().await {
                    Ok(text) => Ok((status, text, retry_after)),
                    Err(e) => Err(self.transport_error(&op, &e)),
                }
            }
            Err(e) => Err(self.transport_error(&op, &e)),
        };
        let entry = RequestLog {
            method: method.to_string(),
            path: path.to_string(),
            status: outcome.as_ref().ok().map(|(s, _, _)| s.as_u16()),
            duration_ms: started.elapsed().as_millis() as u64,
        };
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
        outcome
    }

    fn transport_error(&self, op: &str, e: &reqwest::Error) -> RemoteError {
        // reqwest's Display includes the URL; ours carry no credentials, but keep messages short.
        let mut what = e.to_string();
        let mut src = std::error::Error::source(e);
        while let Some(s) = src {
            what.push_str(": ");
            what.push_str(&s.to_string());
            src = s.source();
        }
        if e.is_timeout() {
            RemoteError {
                operation: op.to_string(),
                kind: RemoteErrorKind::Timeout,
                what: format!("no answer within {} s", self.options.timeout.as_secs_f32()),
                hint: "; JFrog may be overloaded — re-run the job (a re-run resumes from the version's current stage)".into(),
            }
        } else if e.is_body() || e.is_decode() {
            RemoteError {
                operation: op.to_string(),
                kind: RemoteErrorKind::Transport,
                what: format!("the connection broke while reading the answer ({what})"),
                hint: "; re-run the job (a re-run resumes from the version's current stage)".into(),
            }
        } else {
            RemoteError::transport(op, what)
        }
    }

    fn status_error(op: &str, status: StatusCode, body: &str) -> RemoteError {
        let server = error_body::message(body)
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        let hint = match status.as_u16() {
            401 => "; the JFrog token is missing, expired or invalid — check `access-token` or the OIDC provider".to_string(),
            403 => "; the token lacks permission for this application or stage — grant it in JFrog".to_string(),
            404 => "; check `jfrog-url`, `project`, `application` and `version`".to_string(),
            409 => "; AppTrust refused the change in the version's current state".to_string(),
            429 => "; JFrog is rate-limiting this token — retry later".to_string(),
            s if s >= 500 => "; JFrog had an internal error — re-run the job later".to_string(),
            _ => String::new(),
        };
        RemoteError {
            operation: op.to_string(),
            kind: RemoteErrorKind::Status(status.as_u16()),
            what: format!("HTTP {}{server}", status.as_u16()),
            hint,
        }
    }

    /// GET with retries; returns the parsed body.
    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, RemoteError> {
        let op = format!("GET {}", path.split('?').next().unwrap_or(path));
        let mut attempt = 0;
        loop {
            let outcome = self.send(Method::GET, path, None).await;
            let retryable = match &outcome {
                Ok((status, body, retry_after)) if status.is_success() => {
                    return serde_json::from_str(body).map_err(|e| RemoteError {
                        operation: op.clone(),
                        kind: RemoteErrorKind::Decode,
                        what: format!("the answer is not the JSON AppTrust documents ({e})"),
                        hint: "; check that `jfrog-url` points at the JFrog platform root, not at /artifactory".into(),
                    });
                }
                Ok((status, body, retry_after)) => {
                    let s = status.as_u16();
                    let err = Self::status_error(&op, *status, body);
                    if s == 408 || s == 429 || s >= 500 {
                        Some((err, *retry_after))
                    } else {
                        return Err(err);
                    }
                }
                Err(e) => Some((e.clone(), None)),
            };
            if let Some((err, retry_after)) = retryable {
                if attempt >= self.options.max_retries {
                    return Err(err);
                }
                let wait = match retry_after {
                    Some(w) if w > self.options.max_retry_after => {
                        return Err(RemoteError {
                            hint: format!(
                                "; JFrog asked to wait {} s, longer than the action waits — re-run later",
                                w.as_secs()
                            ),
                            ..err
                        });
                    }
                    Some(w) => w,
                    None => self.options.backoff * 2u32.saturating_pow(attempt),
                };
                attempt += 1;
                tokio::time::sleep(wait).await;
            }
        }
    }

    /// A mutation: sent exactly once.
    async fn post_once(
        &self,
        method: Method,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<(StatusCode, String), RemoteError> {
        let (status, text, _) = self.send(method, path, Some(body)).await?;
        Ok((status, text))
    }

    async fn hop(&self, path: String, body: serde_json::Value) -> Result<HopReply, RemoteError> {
        let op = format!("POST {}", path.split('?').next().unwrap_or(&path));
        let (status, text) = self.post_once(Method::POST, &path, &body).await?;
        // The HTTP status of a policy rejection is undocumented ([INFERRED]): whatever the
        // status, a body whose evaluations contain a `fail` is a policy decision, not an error.
        let parsed: Option<HopBody> = serde_json::from_str(&text).ok();
        if let Some(hop) = &parsed {
            let evaluations = hop.evaluations();
            if evaluations.iter().any(|e| e.decision == "fail") {
                return Ok(HopReply::PolicyRejected {
                    message: hop.message.clone().unwrap_or_default(),
                    evaluations,
                });
            }
        }
        if !status.is_success() {
            return Err(Self::status_error(&op, status, &text));
        }
        let hop = parsed.unwrap_or_default();
        let evaluations = hop.evaluations();
        Ok(HopReply::Accepted {
            status: hop.status.unwrap_or_default().to_ascii_lowercase(),
            message: hop.message.unwrap_or_default(),
            evaluations,
        })
    }
}

impl AppTrustApi for HttpAppTrust {
    async fn lifecycle(&self, project: Option<&str>) -> Result<Lifecycle, RemoteError> {
        let path = match project {
            Some(p) => format!("/access/api/v2/lifecycle?project_key={}", percent_encode(p)),
            None => "/access/api/v2/lifecycle".to_string(),
        };
        let body: LifecycleBody = self.get_json(&path).await?;
        body.into_lifecycle(project).ok_or_else(|| RemoteError {
            operation: "GET /access/api/v2/lifecycle".into(),
            kind: RemoteErrorKind::Decode,
            what: "the lifecycle has no promote stages".into(),
            hint: "; define the project's lifecycle in JFrog (Platform → Lifecycle) or check the `project` input".into(),
        })
    }

    async fn newest_version(&self, app: &str) -> Result<Option<String>, RemoteError> {
        let path = format!(
            "/apptrust/api/v1/applications/{}/versions?order_by=created&order_asc=false&limit=1",
            percent_encode(app)
        );
        let list: VersionList = self.get_json(&path).await?;
        Ok(Self::versions_of(list)?
            .into_iter()
            .map(|v| v.version)
            .find(|v| !v.is_empty()))
    }

    async fn content(&self, app: &str, version: &str) -> Result<VersionContent, RemoteError> {
        let path = format!("{}/content?limit=250", Self::version_path(app, version));
        let body: ContentBody = self.get_json(&path).await?;
        Ok(body.into_content(version))
    }

    async fn promote(
        &self,
        app: &str,
        version: &str,
        req: &HopRequest,
    ) -> Result<HopReply, RemoteError> {
        let path = format!("{}/promote?async=false", Self::version_path(app, version));
        self.hop(
            path,
            json!({"target_stage": req.target_stage, "promotion_type": req.promotion_type}),
        )
        .await
    }

    async fn release(
        &self,
        app: &str,
        version: &str,
        req: &HopRequest,
    ) -> Result<HopReply, RemoteError> {
        let path = format!("{}/release?async=false", Self::version_path(app, version));
        self.hop(path, json!({"promotion_type": req.promotion_type}))
            .await
    }

    async fn rollback(
        &self,
        app: &str,
        version: &str,
        from_stage: &str,
    ) -> Result<RollbackReply, RemoteError> {
        let path = format!("{}/rollback?async=false", Self::version_path(app, version));
        let op = format!("POST {}", path.split('?').next().unwrap_or(&path));
        let (status, text) = self
            .post_once(Method::POST, &path, &json!({"from_stage": from_stage}))
            .await?;
        if !status.is_success() {
            return Err(Self::status_error(&op, status, &text));
        }
        let body: RollbackBody = serde_json::from_str(&text).unwrap_or_default();
        Ok(RollbackReply {
            from_stage: body
                .rollback_from_stage
                .unwrap_or_else(|| from_stage.to_string()),
            to_stage: body.rollback_to_stage.unwrap_or_default(),
        })
    }

    async fn promotions(
        &self,
        app: &str,
        version: &str,
    ) -> Result<Vec<PromotionEntry>, RemoteError> {
        let path = format!(
            "{}/promotions?order_by=created&order_asc=false&limit=100",
            Self::version_path(app, version)
        );
        let body: PromotionsBody = self.get_json(&path).await?;
        Ok(body
            .promotions
            .into_iter()
            .map(PromotionEntry::from)
            .collect())
    }

    async fn evidence_types(&self, app: &str, version: &str) -> Result<Vec<String>, RemoteError> {
        // [INFERRED] endpoint and shape: see README "What is verified and what is inferred".
        let path = format!("{}/evidence", Self::version_path(app, version));
        let body: super::wire::EvidenceBody = self.get_json(&path).await?;
        Ok(body
            .evidence
            .into_iter()
            .map(|e| e.predicate_type)
            .filter(|t| !t.is_empty())
            .collect())
    }

    async fn list_versions(&self, app: &str) -> Result<Vec<VersionSummary>, RemoteError> {
        let path = format!(
            "/apptrust/api/v1/applications/{}/versions?order_by=created&order_asc=false&limit=1000",
            percent_encode(app)
        );
        let list: VersionList = self.get_json(&path).await?;
        Ok(Self::versions_of(list)?
            .into_iter()
            .map(|v| VersionSummary {
                version: v.version,
                tag: v.tag.unwrap_or_default(),
                release_status: v.release_status.unwrap_or_default().to_ascii_lowercase(),
                current_stage: v.current_stage.unwrap_or_default(),
            })
            .collect())
    }

    async fn update_version(
        &self,
        app: &str,
        version: &str,
        tag: Option<&str>,
        properties: &BTreeMap<String, Vec<String>>,
    ) -> Result<(), RemoteError> {
        let path = Self::version_path(app, version);
        let op = format!("PATCH {path}");
        let mut body = json!({ "properties": properties });
        if let Some(t) = tag {
            body["tag"] = json!(t);
        }
        let (status, text) = self.post_once(Method::PATCH, &path, &body).await?;
        if status.is_success() {
            Ok(())
        } else {
            Err(Self::status_error(&op, status, &text))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(percent_encode("1.2.3+build.7"), "1.2.3%2Bbuild.7");
        assert_eq!(percent_encode("a/b"), "a%2Fb");
        assert_eq!(percent_encode("bookverse-inventory"), "bookverse-inventory");
    }

    #[test]
    fn debug_hides_the_token() {
        let c = HttpAppTrust::new(
            "https://x.example",
            Secret::new("s3cr3t".into()),
            ClientOptions::default(),
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }

    #[test]
    fn bad_extra_ca_is_reported() {
        let options = ClientOptions {
            extra_ca_pem: Some(b"not a pem".to_vec()),
            ..ClientOptions::default()
        };
        let err = http_client(&options).unwrap_err();
        assert!(err.contains("SSL_CERT_FILE"), "{err}");
    }

    #[test]
    fn unknown_outcomes_are_classified() {
        let e = HttpAppTrust::status_error("POST /x", StatusCode::BAD_GATEWAY, "");
        assert!(e.outcome_unknown());
        let e = HttpAppTrust::status_error(
            "POST /x",
            StatusCode::CONFLICT,
            r#"{"errors":[{"message":"promotion already in progress"}]}"#,
        );
        assert!(!e.outcome_unknown());
        assert!(e.in_progress());
        assert!(e.to_string().contains("promotion already in progress"));
    }
}
