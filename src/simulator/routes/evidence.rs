//! Handlers of the evidence endpoints: Artifactory AQL and file downloads, One Model GraphQL,
//! and evidence uploads — thin translations onto the simulator's evidence service.

use axum::body::Bytes;
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{AuthUser, answer, json_response};
use crate::simulator::Simulator;
use crate::simulator::state::ApiError;

pub(super) async fn aql(State(sim): State<Simulator>, body: Bytes) -> Response {
    let query = String::from_utf8_lossy(&body).into_owned();
    answer(sim.with_state(|s| s.aql(&query)))
}

pub(super) async fn graphql(State(sim): State<Simulator>, body: Bytes) -> Response {
    let query = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|v| v.get("query").and_then(Value::as_str).map(str::to_string));
    let Some(query) = query else {
        return json_response(
            400,
            &serde_json::json!({"errors": [{"message": "the body is not {\"query\": …}"}]}),
        );
    };
    json_response(200, &sim.with_state(|s| s.graphql(&query)))
}

pub(super) async fn download(State(sim): State<Simulator>, Path(path): Path<String>) -> Response {
    match sim.with_state(|s| s.evidence_file(&path)) {
        Some(record) => {
            use crate::simulator::evidence::{padded_body, payload_body};
            let (size, body) = match record.padded_to {
                Some(n) if record.pad_payload => payload_body(&record, n),
                Some(n) => padded_body(record.file, n),
                None => (record.file.len(), axum::body::Body::from(record.file)),
            };
            let mut r = Response::new(body);
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(size));
            r
        }
        None => ApiError::not_found(format!("file {path} not found")).into_response(),
    }
}

pub(super) async fn upload(
    State(sim): State<Simulator>,
    Path(path): Path<String>,
    Extension(user): Extension<AuthUser>,
    body: Bytes,
) -> Response {
    let file = String::from_utf8_lossy(&body).into_owned();
    match sim.with_state(|s| s.attach_evidence(&path, &file, &user.0)) {
        Ok(v) => json_response(201, &v),
        Err(e) => e.into_response(),
    }
}
