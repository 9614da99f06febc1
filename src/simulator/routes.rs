//! HTTP surface of the simulator: the AppTrust/Access endpoints, the request pipeline (auth,
//! faults, logging) and the `/_sim/` control API.
//!
//! Where the public documentation is silent we chose the following ([INFERRED]) behaviour, and
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
//!   `dry_run` validates and evaluates gates but changes and records nothing (200).
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
//! - List endpoints default to `limit=100`, `offset=0`, `order_by=created`, `order_asc=false`.

use std::collections::HashMap;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Extension, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::faults::{self, Fault, FaultKind};
use super::seed;
use super::state::{
    self, ApiError, ListQuery, OpContext, OpOutcome, Operation, PatchBody, PromoteBody,
    RollbackBody,
};
use super::{LoggedRequest, OIDC_USERNAME, Simulator};

const OIDC_PATH: &str = "/access/api/v1/oidc/token";
const MAX_BODY: usize = 16 * 1024 * 1024;
const GRANT_TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const SUBJECT_ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";
const VERSION_PATH: &str = "/apptrust/api/v1/applications/{app}/versions/{version}";

/// The authenticated caller, placed in request extensions by the pipeline.
#[derive(Debug, Clone)]
struct AuthUser(String);

type Q = Query<HashMap<String, String>>;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &self.body())
    }
}

fn json_response(status: u16, body: &Value) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

fn answer(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(v) => json_response(200, &v),
        Err(e) => e.into_response(),
    }
}

fn answer_op(result: Result<OpOutcome, ApiError>) -> Response {
    match result {
        Ok(o) => json_response(o.http_status, &o.body),
        Err(e) => e.into_response(),
    }
}

pub fn router(sim: Simulator) -> Router {
    let v = |suffix: &str| format!("{VERSION_PATH}{suffix}");
    let api = Router::new()
        .route("/apptrust/api/v1/system/ping", get(ping))
        .route("/access/api/v2/lifecycle", get(lifecycle))
        .route("/access/api/v2/lifecycle/", get(lifecycle))
        .route("/apptrust/api/v1/applications", get(list_applications))
        .route("/apptrust/api/v1/applications/", get(list_applications))
        .route("/apptrust/api/v1/applications/{app}", get(get_application))
        .route(
            "/apptrust/api/v1/applications/{app}/versions",
            get(list_versions),
        )
        .route(
            "/apptrust/api/v1/applications/{app}/versions/",
            get(list_versions),
        )
        .route(VERSION_PATH, get(get_version).patch(patch_version))
        .route(&v("/content"), get(content))
        .route(&v("/status"), get(release_status))
        .route(&v("/promote"), post(promote))
        .route(&v("/release"), post(release))
        .route(&v("/rollback"), post(rollback))
        .route(&v("/promotions"), get(promotions))
        .route(&v("/promotions/{millis}"), get(promotion_detail))
        .route(&v("/evidence"), get(evidence))
        .route(OIDC_PATH, post(oidc_token))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(sim.clone(), pipeline))
        .with_state(sim.clone());
    let control = Router::new()
        .route("/_sim/requests", get(ctl_requests))
        .route("/_sim/state", get(ctl_state))
        .route(
            "/_sim/faults",
            get(ctl_faults).post(ctl_add_fault).delete(ctl_clear_faults),
        )
        .route("/_sim/reset", post(ctl_reset))
        .route(
            "/_sim/policy-failures/{stage}",
            put(ctl_set_policy).delete(ctl_clear_policy),
        )
        .route("/_sim/versions/{app}/{version}/status", put(ctl_set_status))
        .with_state(sim);
    control.merge(api)
}

// ---------------------------------------------------------------- pipeline

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Auth, fault injection and logging around every API request. The body is buffered up front so
/// it can be logged and so faults can decide before the handler runs.
async fn pipeline(State(sim): State<Simulator>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return ApiError::new(413, "request body too large").into_response(),
    };
    let method = parts.method.clone();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let user = bearer(&parts.headers).and_then(|t| sim.user_for_token(t));
    let had_valid_auth = user.is_some();
    let logged_body = [Method::POST, Method::PUT, Method::PATCH]
        .contains(&method)
        .then(|| String::from_utf8_lossy(&bytes).into_owned());
    let target = match &query {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    let fault = sim.take_fault(method.as_str(), &target);
    let needs_auth = path != OIDC_PATH;
    if let Some(u) = user {
        parts.extensions.insert(AuthUser(u));
    }
    let req = Request::from_parts(parts, Body::from(bytes));
    // Futures are lazy: kinds that answer without applying simply never poll this.
    let inner = async move {
        if needs_auth && !had_valid_auth {
            ApiError::new(401, "Bad credentials").into_response()
        } else {
            next.run(req).await
        }
    };
    let response = match &fault {
        None => inner.await,
        Some(f) => apply_fault(&f.kind, inner).await,
    };
    sim.log(LoggedRequest {
        method: method.to_string(),
        path,
        query,
        status: response.status().as_u16(),
        had_valid_auth,
        body: logged_body,
        fault: fault.as_ref().map(|f| f.kind.label()),
        at: state::iso(state::now_real_millis()),
    });
    response
}

async fn apply_fault(kind: &FaultKind, inner: impl Future<Output = Response>) -> Response {
    match kind {
        FaultKind::Status {
            code,
            retry_after,
            body,
        } => faults::status_response(*code, *retry_after, body.as_deref()),
        FaultKind::Delay { ms } => {
            tokio::time::sleep(std::time::Duration::from_millis(*ms)).await;
            inner.await
        }
        FaultKind::DropBeforeApply => faults::broken_response(StatusCode::OK),
        FaultKind::DropAfterApply => {
            let resp = inner.await;
            faults::broken_response(resp.status())
        }
        _ => {
            let resp = inner.await;
            let (mut parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, MAX_BODY)
                .await
                .unwrap_or_default();
            let rewritten = faults::rewrite_body(kind, &bytes);
            parts.headers.remove(header::CONTENT_LENGTH);
            if matches!(kind, FaultKind::MalformedJson) {
                parts.headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
            }
            Response::from_parts(parts, Body::from(rewritten))
        }
    }
}

// ---------------------------------------------------------------- helpers

fn parse_bool(q: &HashMap<String, String>, key: &str) -> Result<bool, ApiError> {
    match q.get(key).map(|s| s.to_ascii_lowercase()) {
        None => Ok(false),
        Some(s) if s.is_empty() || s == "false" => Ok(false),
        Some(s) if s == "true" => Ok(true),
        Some(s) => Err(ApiError::bad_request(format!(
            "invalid value '{s}' for query parameter '{key}': expected true or false"
        ))),
    }
}

fn parse_usize(q: &HashMap<String, String>, key: &str, default: usize) -> Result<usize, ApiError> {
    match q.get(key).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => s.parse().map_err(|_| {
            ApiError::bad_request(format!("invalid value '{s}' for query parameter '{key}'"))
        }),
    }
}

fn list_query(q: &HashMap<String, String>) -> Result<ListQuery, ApiError> {
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
fn parse_body<T: DeserializeOwned + Default>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

fn op_context(
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

// ---------------------------------------------------------------- API handlers

async fn ping() -> &'static str {
    "OK"
}

async fn not_found(uri: axum::http::Uri) -> Response {
    ApiError::not_found(format!("no such endpoint: {}", uri.path())).into_response()
}

async fn lifecycle(State(sim): State<Simulator>, Query(q): Q) -> Response {
    answer(sim.with_state(|s| s.lifecycle_json(q.get("project_key").map(String::as_str))))
}

async fn list_applications(State(sim): State<Simulator>, Query(q): Q) -> Response {
    json_response(
        200,
        &sim.with_state(|s| s.applications_json(q.get("project_key").map(String::as_str))),
    )
}

async fn get_application(State(sim): State<Simulator>, Path(app): Path<String>) -> Response {
    answer(sim.with_state(|s| s.application_json(&app)))
}

async fn list_versions(
    State(sim): State<Simulator>,
    Path(app): Path<String>,
    Query(q): Q,
) -> Response {
    answer(list_query(&q).and_then(|lq| sim.with_state(|s| s.versions_json(&app, &lq))))
}

async fn get_version(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
) -> Response {
    answer(sim.with_state(|s| s.version_json(&app, &version)))
}

async fn content(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
) -> Response {
    answer(sim.with_state(|s| s.content_json(&app, &version)))
}

async fn release_status(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
) -> Response {
    answer(sim.with_state(|s| {
        s.version(&app, &version)
            .map(|v| json!({"version_release_status": v.release_status}))
    }))
}

async fn evidence(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
) -> Response {
    answer(sim.with_state(|s| s.evidence_json(&app, &version)))
}

async fn promotions(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
    Query(q): Q,
) -> Response {
    let include_message = q
        .get("include")
        .is_some_and(|i| i.split(',').any(|x| x.trim() == "message"));
    answer(
        list_query(&q).and_then(|lq| {
            sim.with_state(|s| s.promotions_json(&app, &version, &lq, include_message))
        }),
    )
}

async fn promotion_detail(
    State(sim): State<Simulator>,
    Path((app, version, millis)): Path<(String, String, String)>,
) -> Response {
    let Ok(millis) = millis.parse::<i64>() else {
        return ApiError::not_found(format!("Promotion '{millis}' not found")).into_response();
    };
    answer(sim.with_state(|s| s.promotion_detail_json(&app, &version, millis)))
}

async fn patch_version(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
    Extension(user): Extension<AuthUser>,
    body: Bytes,
) -> Response {
    answer(
        parse_body::<PatchBody>(&body)
            .and_then(|b| sim.with_state(|s| s.patch_version(&app, &version, &b, &user.0))),
    )
}

async fn promote(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
    Query(q): Q,
    Extension(user): Extension<AuthUser>,
    body: Bytes,
) -> Response {
    promote_like(&sim, &app, &version, &q, &user, &body, Operation::Promote)
}

async fn release(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
    Query(q): Q,
    Extension(user): Extension<AuthUser>,
    body: Bytes,
) -> Response {
    promote_like(&sim, &app, &version, &q, &user, &body, Operation::Release)
}

fn promote_like(
    sim: &Simulator,
    app: &str,
    version: &str,
    q: &HashMap<String, String>,
    user: &AuthUser,
    body: &[u8],
    op: Operation,
) -> Response {
    answer_op((|| {
        let ctx = op_context(sim, q, user)?;
        let body: PromoteBody = parse_body(body)?;
        sim.with_state(|s| s.promote(app, version, &body, op, &ctx))
    })())
}

async fn rollback(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
    Query(q): Q,
    Extension(user): Extension<AuthUser>,
    body: Bytes,
) -> Response {
    answer_op((|| {
        let ctx = op_context(&sim, &q, &user)?;
        let body: RollbackBody = parse_body(&body)?;
        sim.with_state(|s| s.rollback(&app, &version, &body, &ctx))
    })())
}

#[derive(Debug, Default, Deserialize)]
struct OidcRequest {
    #[serde(default)]
    grant_type: Option<String>,
    #[serde(default)]
    subject_token_type: Option<String>,
    #[serde(default)]
    subject_token: Option<String>,
    #[serde(default)]
    provider_name: Option<String>,
    #[serde(default)]
    project_key: Option<String>,
}

async fn oidc_token(State(sim): State<Simulator>, body: Bytes) -> Response {
    answer((|| {
        let req: OidcRequest = parse_body(&body)?;
        let field = |v: &Option<String>, name: &str| {
            v.clone()
                .filter(|s| !s.is_empty())
                .ok_or_else(|| ApiError::bad_request(format!("missing required field '{name}'")))
        };
        let grant = field(&req.grant_type, "grant_type")?;
        let subject_type = field(&req.subject_token_type, "subject_token_type")?;
        let subject = field(&req.subject_token, "subject_token")?;
        let provider = field(&req.provider_name, "provider_name")?;
        if grant != GRANT_TOKEN_EXCHANGE {
            return Err(ApiError::bad_request(format!(
                "unsupported grant_type '{grant}'"
            )));
        }
        if subject_type != SUBJECT_ID_TOKEN {
            return Err(ApiError::bad_request(format!(
                "unsupported subject_token_type '{subject_type}'"
            )));
        }
        if provider != sim.config().oidc_provider {
            return Err(ApiError::new(
                401,
                format!("OIDC provider '{provider}' is not configured"),
            ));
        }
        let parts: Vec<&str> = subject.split('.').collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
            return Err(ApiError::new(
                401,
                "Failed to validate the OIDC token: not a JWT",
            ));
        }
        let token = sim.with_state(|s| {
            let now_s = state::now_real_millis() / 1000;
            let jti = s.next_id("jti");
            let header = seed::base64url(br#"{"alg":"RS256","typ":"JWT","kid":"simulator"}"#);
            let payload = json!({
                "sub": format!("jfac@simulator/users/{OIDC_USERNAME}"),
                "scp": "applied-permissions/user",
                "aud": "*@*",
                "iss": "jfac@simulator",
                "iat": now_s,
                "exp": now_s + 3600,
                "jti": jti,
                "project_key": req.project_key.clone().unwrap_or_default(),
            });
            s.id_counter += 1;
            let signature = seed::random_hex(s.id_counter, 32);
            let token = format!(
                "{header}.{}.{}",
                seed::base64url(payload.to_string().as_bytes()),
                seed::base64url(signature.as_bytes())
            );
            s.minted_tokens.insert(token.clone(), OIDC_USERNAME.into());
            token
        });
        Ok(json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "applied-permissions/user",
            "username": OIDC_USERNAME,
        }))
    })())
}

// ---------------------------------------------------------------- control API

async fn ctl_requests(State(sim): State<Simulator>) -> Response {
    json_response(200, &json!(sim.requests()))
}

async fn ctl_state(State(sim): State<Simulator>) -> Response {
    json_response(200, &json!(sim.state()))
}

async fn ctl_faults(State(sim): State<Simulator>) -> Response {
    json_response(200, &json!(sim.faults()))
}

/// Accepts one fault or an array of faults.
async fn ctl_add_fault(State(sim): State<Simulator>, body: Bytes) -> Response {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Fault),
        Many(Vec<Fault>),
    }
    match serde_json::from_slice::<OneOrMany>(&body) {
        Ok(OneOrMany::One(f)) => sim.inject(f),
        Ok(OneOrMany::Many(fs)) => fs.into_iter().for_each(|f| sim.inject(f)),
        Err(e) => return ApiError::bad_request(format!("invalid fault: {e}")).into_response(),
    }
    json_response(201, &json!(sim.faults()))
}

async fn ctl_clear_faults(State(sim): State<Simulator>) -> StatusCode {
    sim.clear_faults();
    StatusCode::NO_CONTENT
}

async fn ctl_reset(State(sim): State<Simulator>) -> StatusCode {
    sim.reset();
    StatusCode::NO_CONTENT
}

#[derive(Debug, Default, Deserialize)]
struct PolicyBody {
    #[serde(default)]
    explanation: Option<String>,
}

async fn ctl_set_policy(
    State(sim): State<Simulator>,
    Path(stage): Path<String>,
    body: Bytes,
) -> Response {
    match parse_body::<PolicyBody>(&body) {
        Ok(b) => {
            sim.set_stage_policy_failure(&stage, b.explanation);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn ctl_clear_policy(State(sim): State<Simulator>, Path(stage): Path<String>) -> StatusCode {
    sim.clear_stage_policy_failure(&stage);
    StatusCode::NO_CONTENT
}

#[derive(Debug, Default, Deserialize)]
struct StatusBody {
    #[serde(default)]
    status: String,
}

async fn ctl_set_status(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let b = match parse_body::<StatusBody>(&body) {
        Ok(b) if !b.status.is_empty() => b,
        Ok(_) => return ApiError::bad_request("missing 'status'").into_response(),
        Err(e) => return e.into_response(),
    };
    if sim.version(&app, &version).is_none() {
        return ApiError::not_found(format!(
            "Application version '{version}' of '{app}' not found"
        ))
        .into_response();
    }
    sim.set_version_status(&app, &version, &b.status);
    StatusCode::NO_CONTENT.into_response()
}
