//! Handlers of the AppTrust and Access endpoints (lifecycle, applications, versions, promote,
//! release, rollback, promotions, OIDC exchange): thin translations onto the state rules.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Extension, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::{
    AuthUser, GRANT_TOKEN_EXCHANGE, Q, SUBJECT_ID_TOKEN, answer, answer_op, json_response,
    list_query, op_context, parse_body,
};
use crate::simulator::seed;
use crate::simulator::state::{self, ApiError, Operation, PatchBody, PromoteBody, RollbackBody};
use crate::simulator::{OIDC_USERNAME, Simulator};

pub(super) async fn ping() -> &'static str {
    "OK"
}

pub(super) async fn not_found(uri: axum::http::Uri) -> Response {
    ApiError::not_found(format!("no such endpoint: {}", uri.path())).into_response()
}

pub(super) async fn lifecycle(State(sim): State<Simulator>, Query(q): Q) -> Response {
    answer(sim.with_state(|s| s.lifecycle_json(q.get("project_key").map(String::as_str))))
}

pub(super) async fn list_applications(State(sim): State<Simulator>, Query(q): Q) -> Response {
    json_response(
        200,
        &sim.with_state(|s| s.applications_json(q.get("project_key").map(String::as_str))),
    )
}

pub(super) async fn get_application(
    State(sim): State<Simulator>,
    Path(app): Path<String>,
) -> Response {
    answer(sim.with_state(|s| s.application_json(&app)))
}

pub(super) async fn list_versions(
    State(sim): State<Simulator>,
    Path(app): Path<String>,
    Query(q): Q,
) -> Response {
    answer(list_query(&q).and_then(|lq| sim.with_state(|s| s.versions_json(&app, &lq))))
}

pub(super) async fn get_version(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
) -> Response {
    answer(sim.with_state(|s| s.version_json(&app, &version)))
}

pub(super) async fn content(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
) -> Response {
    answer(sim.with_state(|s| s.content_json(&app, &version)))
}

pub(super) async fn release_status(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
) -> Response {
    answer(sim.with_state(|s| {
        s.version(&app, &version)
            .map(|v| json!({"version_release_status": v.release_status}))
    }))
}

pub(super) async fn promotions(
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

pub(super) async fn promotion_detail(
    State(sim): State<Simulator>,
    Path((app, version, millis)): Path<(String, String, String)>,
) -> Response {
    let Ok(millis) = millis.parse::<i64>() else {
        return ApiError::not_found(format!("Promotion '{millis}' not found")).into_response();
    };
    answer(sim.with_state(|s| s.promotion_detail_json(&app, &version, millis)))
}

pub(super) async fn patch_version(
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

/// What the operation endpoints (promote, release, rollback) read from a request, in the order
/// the handler's own extractors would: the path, the query, the caller, then the body.
pub(super) struct OpRequest {
    app: String,
    version: String,
    q: HashMap<String, String>,
    user: AuthUser,
    body: Bytes,
}

impl FromRequest<Simulator> for OpRequest {
    type Rejection = Response;

    async fn from_request(req: Request, sim: &Simulator) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let Path((app, version)) = part::<Path<(String, String)>>(&mut parts, sim).await?;
        let Query(q) = part::<Q>(&mut parts, sim).await?;
        let Extension(user) = part::<Extension<AuthUser>>(&mut parts, sim).await?;
        let body = Bytes::from_request(Request::from_parts(parts, body), sim)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(OpRequest {
            app,
            version,
            q,
            user,
            body,
        })
    }
}

/// One extractor of an [`OpRequest`], its rejection answered as the handler would answer it.
async fn part<T: FromRequestParts<Simulator>>(
    parts: &mut Parts,
    sim: &Simulator,
) -> Result<T, Response> {
    T::from_request_parts(parts, sim)
        .await
        .map_err(IntoResponse::into_response)
}

pub(super) async fn promote(State(sim): State<Simulator>, r: OpRequest) -> Response {
    promote_like(&sim, &r, Operation::Promote)
}

pub(super) async fn release(State(sim): State<Simulator>, r: OpRequest) -> Response {
    promote_like(&sim, &r, Operation::Release)
}

fn promote_like(sim: &Simulator, r: &OpRequest, op: Operation) -> Response {
    answer_op((|| {
        let ctx = op_context(sim, &r.q, &r.user)?;
        let body: PromoteBody = parse_body(&r.body)?;
        sim.with_state(|s| s.promote(&r.app, &r.version, &body, op, &ctx))
    })())
}

pub(super) async fn rollback(State(sim): State<Simulator>, r: OpRequest) -> Response {
    answer_op((|| {
        let ctx = op_context(&sim, &r.q, &r.user)?;
        let body: RollbackBody = parse_body(&r.body)?;
        sim.with_state(|s| s.rollback(&r.app, &r.version, &body, &ctx))
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

pub(super) async fn oidc_token(State(sim): State<Simulator>, body: Bytes) -> Response {
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
