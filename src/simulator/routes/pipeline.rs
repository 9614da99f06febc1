//! The request pipeline around every API request: the configured latency, bearer auth,
//! injected faults and the request log the tests read back.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{AuthUser, MAX_BODY, OIDC_PATH};
use crate::simulator::faults::{self, FaultKind};
use crate::simulator::state::{self, ApiError};
use crate::simulator::{LoggedRequest, Simulator};

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Auth, fault injection and logging around every API request. The body is buffered up front so
/// it can be logged and so faults can decide before the handler runs.
pub(super) async fn pipeline(State(sim): State<Simulator>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return ApiError::new(413, "request body too large").into_response(),
    };
    let method = parts.method.clone();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let token = bearer(&parts.headers).unwrap_or_default().to_string();
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
    // The monitoring endpoints stand for other systems than JFrog: its token does not apply.
    let needs_auth = path != OIDC_PATH && !path.starts_with("/monitoring/");
    if let Some(u) = user {
        parts.extensions.insert(AuthUser(u));
    }
    let req = Request::from_parts(parts, Body::from(bytes));
    // The round trip a real network adds, paid by every answer, faults included.
    let latency = sim.config().latency;
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
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
        Some(f) => apply_fault(&f.kind, &token, inner).await,
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

async fn apply_fault(
    kind: &FaultKind,
    token: &str,
    inner: impl Future<Output = Response>,
) -> Response {
    match kind {
        FaultKind::Echo { code, shape } => faults::echo_response(*code, *shape, token),
        FaultKind::Drip {
            bytes,
            every_ms,
            endless,
        } => {
            let resp = inner.await;
            let (mut parts, body) = resp.into_parts();
            let whole = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            if *endless {
                parts.headers.remove(header::CONTENT_LENGTH);
            }
            Response::from_parts(parts, faults::drip_body(whole, *bytes, *every_ms, *endless))
        }
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
