//! The `/_sim/` control API: read the request log and state, inject faults, set policy
//! failures and content status, reset — what tests and demos use to steer the simulator.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::{json_response, parse_body};
use crate::simulator::Simulator;
use crate::simulator::faults::Fault;
use crate::simulator::state::ApiError;

pub(super) async fn ctl_requests(State(sim): State<Simulator>) -> Response {
    json_response(200, &json!(sim.requests()))
}

pub(super) async fn ctl_state(State(sim): State<Simulator>) -> Response {
    json_response(200, &json!(sim.state()))
}

pub(super) async fn ctl_faults(State(sim): State<Simulator>) -> Response {
    json_response(200, &json!(sim.faults()))
}

/// Accepts one fault or an array of faults.
pub(super) async fn ctl_add_fault(State(sim): State<Simulator>, body: Bytes) -> Response {
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

pub(super) async fn ctl_clear_faults(State(sim): State<Simulator>) -> StatusCode {
    sim.clear_faults();
    StatusCode::NO_CONTENT
}

pub(super) async fn ctl_reset(State(sim): State<Simulator>) -> StatusCode {
    sim.reset();
    StatusCode::NO_CONTENT
}

#[derive(Debug, Default, Deserialize)]
struct PolicyBody {
    #[serde(default)]
    explanation: Option<String>,
}

pub(super) async fn ctl_set_policy(
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

pub(super) async fn ctl_clear_policy(
    State(sim): State<Simulator>,
    Path(stage): Path<String>,
) -> StatusCode {
    sim.clear_stage_policy_failure(&stage);
    StatusCode::NO_CONTENT
}

#[derive(Debug, Default, Deserialize)]
struct StatusBody {
    #[serde(default)]
    status: String,
}

pub(super) async fn ctl_set_status(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let b = match parse_body::<StatusBody>(&body) {
        Ok(b) if !b.status.is_empty() => b,
        Ok(_) => return ApiError::bad_request("missing 'status'").into_response(),
        Err(e) => return e.into_response(),
    };
    if let Err(e) = known_version(&sim, &app, &version) {
        return e.into_response();
    }
    sim.set_version_status(&app, &version, &b.status);
    StatusCode::NO_CONTENT.into_response()
}

/// `PUT /_sim/keys/{alias}` with a PEM public key: JFrog trusts it for evidence from now on.
pub(super) async fn ctl_trust_key(
    State(sim): State<Simulator>,
    Path(alias): Path<String>,
    body: Bytes,
) -> Response {
    let pem = String::from_utf8_lossy(&body).into_owned();
    if crate::dsse::PublicKey::from_pem(&alias, pem.as_bytes()).is_err() {
        return ApiError::bad_request("the body is not a PEM public key").into_response();
    }
    sim.trust_key(&alias, &pem);
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Debug, Default, Deserialize)]
struct EvidenceBody {
    #[serde(default)]
    predicate_type: String,
    #[serde(default)]
    count: Option<usize>,
    #[serde(default)]
    size: Option<usize>,
    /// `payload`: the padding inside the payload (refused as too large); else beside it.
    #[serde(default)]
    shape: Option<String>,
}

/// `POST /_sim/evidence/{app}/{version}` with `{"predicate_type", "count", "size"}`: attaches
/// `count` (default 1, at most 10,000) records of that type, signed with the demo key; with
/// `size`, each is served padded to that many bytes (at most 64 MiB), generated as it is sent —
/// beside a small signed statement (it verifies), or with `"shape": "payload"` inside the
/// payload (a statement too large to read).
pub(super) async fn ctl_add_evidence(
    State(sim): State<Simulator>,
    Path((app, version)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let b = match parse_body::<EvidenceBody>(&body) {
        Ok(b) if !b.predicate_type.is_empty() => b,
        Ok(_) => return ApiError::bad_request("missing 'predicate_type'").into_response(),
        Err(e) => return e.into_response(),
    };
    if let Err(e) = known_version(&sim, &app, &version) {
        return e.into_response();
    }
    let count = b.count.unwrap_or(1).min(10_000);
    match b.size {
        Some(size) => {
            let in_payload = b.shape.as_deref() == Some("payload");
            let size = size.min(64 << 20);
            sim.add_large_evidence(&app, &version, &b.predicate_type, count, size, in_payload)
        }
        None => {
            for _ in 0..count {
                sim.add_evidence(&app, &version, &b.predicate_type);
            }
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

/// The 404 AppTrust answers for a version it does not have.
fn known_version(sim: &Simulator, app: &str, version: &str) -> Result<(), ApiError> {
    match sim.version(app, version) {
        Some(_) => Ok(()),
        None => Err(ApiError::not_found(format!(
            "Application version '{version}' of '{app}' not found"
        ))),
    }
}

pub(super) async fn ctl_monitoring(State(sim): State<Simulator>) -> Response {
    json_response(200, &json!(sim.monitoring()))
}

/// Replaces what the monitoring endpoints answer (absent fields: their defaults).
pub(super) async fn ctl_set_monitoring(State(sim): State<Simulator>, body: Bytes) -> Response {
    match serde_json::from_slice::<crate::simulator::Monitoring>(&body) {
        Ok(m) => {
            sim.set_monitoring(m);
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => ApiError::bad_request(format!("invalid monitoring: {e}")).into_response(),
    }
}
