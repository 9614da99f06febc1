//! The real AppTrust client: typed calls over the shared HTTP layer ([`crate::http`]).
//!
//! Reads go through [`Remote::get`] (retried on 408/429/5xx with backoff and `Retry-After`).
//! Mutations are sent once: when their outcome is unknown (timeout, dropped connection, 5xx) the
//! caller re-reads the version instead of retrying blindly. Every request lands in the shared
//! [`RequestRecorder`] for the audit record.

use std::collections::BTreeMap;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::wire::{
    ContentBody, HopBody, LifecycleBody, PromotionsBody, RollbackBody, VersionBody, VersionList,
};
use super::{
    AppTrustApi, HopReply, HopRequest, PromotionEntry, RollbackReply, VersionContent,
    VersionSummary,
};
use crate::http::{
    Advice, Body, ClientOptions, Remote, RemoteError, RequestLog, RequestRecorder, build_client,
    operation, percent_encode,
};
use crate::lifecycle::Lifecycle;
use crate::secret::Secret;

/// How JFrog failures are explained to the user.
pub(crate) const JFROG_ADVICE: Advice = Advice {
    transport: "; check that `jfrog-url` is right and reachable from the runner",
    timeout: "; JFrog may be overloaded — re-run the job (a re-run resumes from the version's current stage)",
    broken: "; re-run the job (a re-run resumes from the version's current stage)",
    wait_too_long: "; JFrog asked to wait {secs} s, longer than the action waits — re-run later",
    status: jfrog_status_hint,
};

fn jfrog_status_hint(status: u16) -> &'static str {
    match status {
        401 => {
            "; the JFrog token is missing, expired or invalid — check `access-token` or the OIDC provider"
        }
        403 => "; the token lacks permission for this application or stage — grant it in JFrog",
        404 => "; check `jfrog-url`, `project`, `application` and `version`",
        409 => "; AppTrust refused the change in the version's current state",
        429 => "; JFrog is rate-limiting this token — retry later",
        s if s >= 500 => "; JFrog had an internal error — re-run the job later",
        _ => "",
    }
}

/// AppTrust over HTTP.
#[derive(Clone, Debug)]
pub struct HttpAppTrust {
    remote: Remote,
    recorder: RequestRecorder,
}

impl HttpAppTrust {
    /// A client for `base` (the JFrog platform URL) authenticating with `token`.
    pub fn new(base: &str, token: Secret, options: ClientOptions) -> Result<Self, String> {
        let http = build_client(&options)?;
        Ok(Self::with_http(
            http,
            base,
            token,
            options,
            RequestRecorder::default(),
        ))
    }

    /// A client sharing an HTTP client and a request log with the other JFrog clients.
    pub(crate) fn with_http(
        http: reqwest::Client,
        base: &str,
        token: Secret,
        options: ClientOptions,
        recorder: RequestRecorder,
    ) -> Self {
        let remote = Remote::new(http, base, Some(token), options, &JFROG_ADVICE)
            .with_recorder(recorder.clone());
        HttpAppTrust { remote, recorder }
    }

    /// Every request made so far (by every client sharing this one's log).
    pub(crate) fn requests(&self) -> Vec<RequestLog> {
        self.recorder.entries()
    }

    /// The list's items; an answer without a `versions` key is not the documented shape.
    fn versions_of(list: VersionList) -> Result<Vec<super::wire::VersionItem>, RemoteError> {
        list.versions.ok_or_else(|| {
            RemoteError::decode(
                "GET /apptrust/api/v1/applications/{app}/versions",
                "the answer has no `versions` list",
                "; check that `jfrog-url` points at the JFrog platform root",
            )
        })
    }

    fn version_path(app: &str, version: &str) -> String {
        format!(
            "/apptrust/api/v1/applications/{}/versions/{}",
            percent_encode(app),
            percent_encode(version)
        )
    }

    /// GET with retries; returns the parsed body.
    async fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, RemoteError> {
        let op = operation(&Method::GET, path);
        let reply = self.remote.get(path).await?;
        if !reply.is_success() {
            return Err(self.remote.status_error(&op, &reply));
        }
        serde_json::from_str(&reply.text).map_err(|e| {
            RemoteError::decode(
                op,
                format!("the answer is not the JSON AppTrust documents ({e})"),
                "; check that `jfrog-url` points at the JFrog platform root, not at /artifactory",
            )
        })
    }

    /// A mutation: sent exactly once; any non-success status is an error.
    async fn mutate(
        &self,
        method: Method,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<String, RemoteError> {
        let op = operation(&method, path);
        let reply = self
            .remote
            .send(method, path, Some(Body::Json(body)))
            .await?;
        if reply.is_success() {
            Ok(reply.text)
        } else {
            Err(self.remote.status_error(&op, &reply))
        }
    }

    async fn hop(&self, path: String, body: serde_json::Value) -> Result<HopReply, RemoteError> {
        let op = operation(&Method::POST, &path);
        let reply = self
            .remote
            .send(Method::POST, &path, Some(Body::Json(&body)))
            .await?;
        // The HTTP status of a policy rejection is undocumented ([INFERRED]): whatever the
        // status, a body whose evaluations contain a `fail` is a policy decision, not an error.
        // A dry run (`promotion_type: dry_run`, as the CLI's --dry-run) is [INFERRED] to answer
        // in this same shape; the simulator does, and `plan` reads it through here.
        let parsed: Option<HopBody> = serde_json::from_str(&reply.text).ok();
        if let Some(hop) = &parsed {
            let evaluations = hop.evaluations();
            if evaluations.iter().any(|e| e.decision == "fail") {
                return Ok(HopReply::PolicyRejected {
                    message: hop.message.clone().unwrap_or_default(),
                    evaluations,
                });
            }
        }
        if !reply.is_success() {
            return Err(self.remote.status_error(&op, &reply));
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

/// Adds the selective-promotion fields (repositories, overwrite strategy, properties) the CLI
/// sends in both the promote and the release body.
fn extend(body: &mut serde_json::Value, req: &HopRequest) {
    if let Some(o) = body.as_object_mut() {
        o.extend(req.selection.body_fields());
    }
}

impl AppTrustApi for HttpAppTrust {
    async fn lifecycle(&self, project: Option<&str>) -> Result<Lifecycle, RemoteError> {
        let path = match project {
            Some(p) => format!("/access/api/v2/lifecycle?project_key={}", percent_encode(p)),
            None => "/access/api/v2/lifecycle".to_string(),
        };
        let body: LifecycleBody = self.get_json(&path).await?;
        body.into_lifecycle(project).ok_or_else(|| {
            RemoteError::decode(
                "GET /access/api/v2/lifecycle",
                "the lifecycle has no promote stages",
                "; define the project's lifecycle in JFrog (Platform → Lifecycle) or check the `project` input",
            )
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
        let mut body =
            json!({"target_stage": req.target_stage, "promotion_type": req.promotion_type});
        extend(&mut body, req);
        self.hop(path, body).await
    }

    async fn release(
        &self,
        app: &str,
        version: &str,
        req: &HopRequest,
    ) -> Result<HopReply, RemoteError> {
        let path = format!("{}/release?async=false", Self::version_path(app, version));
        let mut body = json!({"promotion_type": req.promotion_type});
        extend(&mut body, req);
        self.hop(path, body).await
    }

    async fn rollback(
        &self,
        app: &str,
        version: &str,
        from_stage: &str,
    ) -> Result<RollbackReply, RemoteError> {
        let path = format!("{}/rollback?async=false", Self::version_path(app, version));
        let text = self
            .mutate(Method::POST, &path, &json!({"from_stage": from_stage}))
            .await?;
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
                status: v.status.unwrap_or_default().to_ascii_uppercase(),
            })
            .collect())
    }

    async fn version_properties(
        &self,
        app: &str,
        version: &str,
    ) -> Result<BTreeMap<String, Vec<String>>, RemoteError> {
        let body: VersionBody = self.get_json(&Self::version_path(app, version)).await?;
        Ok(body
            .properties
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, super::wire::property_values(v)))
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
        let mut body = json!({ "properties": properties });
        if let Some(t) = tag {
            body["tag"] = json!(t);
        }
        self.mutate(Method::PATCH, &path, &body).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn unknown_outcomes_are_classified() {
        let c = HttpAppTrust::new(
            "https://x.example",
            Secret::new("t".into()),
            ClientOptions::default(),
        )
        .unwrap();
        let reply = |status: u16, text: &str| crate::http::Reply {
            status,
            text: text.into(),
            headers: Default::default(),
            wait_refused: None,
        };
        let e = c.remote.status_error("POST /x", &reply(502, ""));
        assert!(e.outcome_unknown());
        let e = c.remote.status_error(
            "POST /x",
            &reply(
                409,
                r#"{"errors":[{"message":"promotion already in progress"}]}"#,
            ),
        );
        assert!(!e.outcome_unknown());
        assert!(e.in_progress());
        assert!(e.to_string().contains("promotion already in progress"));
    }
}
