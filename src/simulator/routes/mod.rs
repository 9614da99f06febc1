//! HTTP surface of the simulator: the AppTrust/Access endpoints, the request pipeline (auth,
//! faults, logging) and the `/_sim/` control API.
//!
//! Where the public documentation is silent we chose the following (\[INFERRED\]) behaviour, and
//! the client and tests rely on it:
//!
//! - Auth: every endpoint, `ping` included, needs `Authorization: Bearer <token>` with a configured
//!   or OIDC-minted token; otherwise 401 `{"errors":[{"status":401,"message":"Bad credentials"}]}`.
//!   Only `POST /access/api/v1/oidc/token` and `/_sim/*` are open. Auth is checked before routing,
//!   so an unknown path without a token is 401 and with one is 404.
//! - Errors always have the shape `{"errors":[{"status":N,"message":"…"}]}`; unknown project,
//!   application, version or promotion → 404; unparsable JSON body or query flag → 400.
//! - Promote (`POST …/promote?async=`): `target_stage` missing → 400; target is the release stage
//!   (`PROD`) → 400 ("use release"); target not in the project lifecycle → 400; an async operation
//!   on the version still in flight → 409 `promotion already in progress`; content status not
//!   `COMPLETED` → 409; target is not exactly the next promote stage (`""` → first stage), i.e.
//!   same, backwards or skipping → 409 naming current and target; unknown `promotion_type` → 400.
//!   `dry_run` validates and evaluates gates but changes and records nothing, not even an id or
//!   clock counter: 200 with the evaluations, or 422 like a real policy failure.
//! - Promote and release accept `included_repository_keys`, `excluded_repository_keys`,
//!   `artifact_additional_properties: [{key, values}]` and `overwrite_strategy` (`DISABLED`,
//!   `LATEST`, `ALL`, any case), echo them in the answer and keep them on the history record;
//!   an unknown strategy, a repository both included and excluded or a property without a key
//!   → 400.
//! - `SimConfig::latency` delays every API answer (not `/_sim/`) by a network's round trip.
//! - Release (`POST …/release?async=`): same checks, allowed only from the last promote stage
//!   (`bookverse-STAGING`), else 409; sets `current_stage` PROD and `release_status` `released`.
//! - Policy failure (set with `set_stage_policy_failure` or `PUT /_sim/policy-failures/{stage}`):
//!   422 with the normal promote body, `status:"failed"`, message
//!   `"<type> promotion from '<src>' to '<dst>' failed due to policy violations"`, exit gate pass,
//!   entry gate fail; the stage does not change and a FAILED record is added to the history.
//! - Success: 200 with `status:"success"`, or with `async=true` 202 with `status:"in_progress"`;
//!   then the version keeps its stage, carries an in-flight marker and a PENDING history record
//!   for `async_delay`, after which the change lands and the record becomes SUCCESS.
//!   `evaluations.exit_gate` names the source stage (`""` when never promoted).
//! - Rollback (`POST …/rollback?async=`): `from_stage` missing → 400; in flight → 409; `from_stage`
//!   not the current stage → 409 naming both. Removes the latest SUCCESS record and moves to its
//!   source stage (`""` from the first stage); leaving PROD sets `release_status` `pre_release`.
//!   200 sync, 202 async (lands after `async_delay`).
//! - `GET …/promotions` lists attempts newest first: `SUCCESS`, `FAILED` (policy) or `PENDING`.
//!   `include=message` adds `messages:[{text}]`.
//! - OIDC exchange: missing field, wrong `grant_type` or `subject_token_type` → 400; unknown
//!   `provider_name` or a `subject_token` that is not three dot-separated non-empty parts → 401.
//! - Monitoring (for the `health` and `prometheus` gates, open without a token):
//!   `GET /monitoring/healthz` answers the set status and JSON body;
//!   `GET|POST /monitoring/prometheus/api/v1/query` answers the scripted values one per query
//!   (see `simulator/monitoring.rs`); `PUT /_sim/monitoring` sets both.
//! - List endpoints default to `limit=100`, `offset=0`, `order_by=created`, `order_asc=false`.

mod apptrust;
mod control;
mod evidence;
mod github;
mod monitoring;
mod pipeline;

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::extract::Query;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::Simulator;
use super::state::{ApiError, ListQuery, OpContext, OpOutcome};

pub(super) const OIDC_PATH: &str = "/access/api/v1/oidc/token";
pub(super) const MAX_BODY: usize = 16 * 1024 * 1024;
pub(super) const GRANT_TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub(super) const SUBJECT_ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";
pub(super) const VERSION_PATH: &str = "/apptrust/api/v1/applications/{app}/versions/{version}";

/// The authenticated caller, placed in request extensions by the pipeline.
#[derive(Debug, Clone)]
pub(super) struct AuthUser(pub(super) String);

pub(super) type Q = Query<HashMap<String, String>>;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body())
    }
}

pub(super) fn json_response(status: u16, body: &Value) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

pub(super) fn answer(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(v) => json_response(200, &v),
        Err(e) => e.into_response(),
    }
}

pub(super) fn answer_op(result: Result<OpOutcome, ApiError>) -> Response {
    match result {
        Ok(o) => json_response(o.http_status, &o.body),
        Err(e) => e.into_response(),
    }
}

pub(crate) fn router(sim: Simulator) -> Router {
    let v = |suffix: &str| format!("{VERSION_PATH}{suffix}");
    let api = Router::new()
        .route("/apptrust/api/v1/system/ping", get(apptrust::ping))
        .route("/access/api/v2/lifecycle", get(apptrust::lifecycle))
        .route("/access/api/v2/lifecycle/", get(apptrust::lifecycle))
        .route(
            "/apptrust/api/v1/applications",
            get(apptrust::list_applications),
        )
        .route(
            "/apptrust/api/v1/applications/",
            get(apptrust::list_applications),
        )
        .route(
            "/apptrust/api/v1/applications/{app}",
            get(apptrust::get_application),
        )
        .route(
            "/apptrust/api/v1/applications/{app}/versions",
            get(apptrust::list_versions),
        )
        .route(
            "/apptrust/api/v1/applications/{app}/versions/",
            get(apptrust::list_versions),
        )
        .route(
            VERSION_PATH,
            get(apptrust::get_version).patch(apptrust::patch_version),
        )
        .route(&v("/content"), get(apptrust::content))
        .route(&v("/status"), get(apptrust::release_status))
        .route(&v("/promote"), post(apptrust::promote))
        .route(&v("/release"), post(apptrust::release))
        .route(&v("/rollback"), post(apptrust::rollback))
        .route(&v("/promotions"), get(apptrust::promotions))
        .route(&v("/promotions/{millis}"), get(apptrust::promotion_detail))
        .route("/artifactory/api/search/aql", post(evidence::aql))
        .route("/onemodel/api/v1/graphql", post(evidence::graphql))
        .route("/artifactory/{*path}", get(evidence::download))
        .route("/evidence/api/v1/subject/{*path}", post(evidence::upload))
        .route(
            "/github/repos/{owner}/{repo}/attestations/{digest}",
            get(github::repo_attestations),
        )
        .route(
            "/github/orgs/{org}/attestations/{digest}",
            get(github::org_attestations),
        )
        .route(OIDC_PATH, post(apptrust::oidc_token))
        .route(
            crate::simulator::monitoring::HEALTH_PATH,
            get(monitoring::health),
        )
        .route(
            &format!(
                "{}/api/v1/query",
                crate::simulator::monitoring::PROMETHEUS_BASE
            ),
            get(monitoring::query_get).post(monitoring::query_post),
        )
        .fallback(apptrust::not_found)
        .layer(middleware::from_fn_with_state(
            sim.clone(),
            pipeline::pipeline,
        ))
        .with_state(sim.clone());
    let control = Router::new()
        .route("/_sim/requests", get(control::ctl_requests))
        .route("/_sim/state", get(control::ctl_state))
        .route(
            "/_sim/faults",
            get(control::ctl_faults)
                .post(control::ctl_add_fault)
                .delete(control::ctl_clear_faults),
        )
        .route("/_sim/reset", post(control::ctl_reset))
        .route(
            "/_sim/policy-failures/{stage}",
            put(control::ctl_set_policy).delete(control::ctl_clear_policy),
        )
        .route(
            "/_sim/versions/{app}/{version}/status",
            put(control::ctl_set_status),
        )
        .route("/_sim/keys/{alias}", put(control::ctl_trust_key))
        .route(
            "/_sim/monitoring",
            get(control::ctl_monitoring).put(control::ctl_set_monitoring),
        )
        .route(
            "/_sim/evidence/{app}/{version}",
            post(control::ctl_add_evidence),
        )
        .with_state(sim);
    control.merge(api)
}

// ---------------------------------------------------------------- helpers

pub(super) fn parse_bool(q: &HashMap<String, String>, key: &str) -> Result<bool, ApiError> {
    match q.get(key).map(|s| s.to_ascii_lowercase()) {
        None => Ok(false),
        Some(s) if s.is_empty() || s == "false" => Ok(false),
        Some(s) if s == "true" => Ok(true),
        Some(s) => Err(ApiError::bad_request(format!(
            "invalid value '{s}' for query parameter '{key}': expected true or false"
        ))),
    }
}

pub(super) fn parse_usize(
    q: &HashMap<String, String>,
    key: &str,
    default: usize,
) -> Result<usize, ApiError> {
    match q.get(key).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => s.parse().map_err(|_| {
            ApiError::bad_request(format!("invalid value '{s}' for query parameter '{key}'"))
        }),
    }
}

pub(super) fn list_query(q: &HashMap<String, String>) -> Result<ListQuery, ApiError> {
    Ok(ListQuery {
        limit: parse_usize(q, "limit", 100)?,
        offset: parse_usize(q, "offset", 0)?,
        order_by: q.get("order_by").cloned(),
        order_asc: parse_bool(q, "order_asc")?,
        release_status: q.get("release_status").cloned(),
        tag: q.get("tag").cloned().filter(|t| !t.is_empty()),
        created_by: q.get("created_by").cloned(),
    })
}

/// An empty body counts as `{}` so optional-only bodies may be omitted.
pub(super) fn parse_body<T: DeserializeOwned + Default>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

pub(super) fn op_context(
    sim: &Simulator,
    q: &HashMap<String, String>,
    user: &AuthUser,
) -> Result<OpContext, ApiError> {
    Ok(OpContext {
        user: user.0.clone(),
        is_async: parse_bool(q, "async")?,
        async_delay_ms: i64::try_from(sim.config().async_delay.as_millis()).unwrap_or(i64::MAX),
    })
}
