//! The simulated monitoring endpoints (see [`crate::simulator::monitoring`]): open (no JFrog
//! token), logged like every request.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::Response;

use super::{Q, json_response};
use crate::simulator::Simulator;

pub(super) async fn health(State(sim): State<Simulator>) -> Response {
    let (status, body) =
        sim.with_state(|s| (s.monitoring.health_status, s.monitoring.health_body.clone()));
    json_response(status, &body)
}

pub(super) async fn query_get(State(sim): State<Simulator>, headers: HeaderMap, q: Q) -> Response {
    let query = q.get("query").cloned().unwrap_or_default();
    answer(&sim, &headers, &query)
}

pub(super) async fn query_post(
    State(sim): State<Simulator>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let text = String::from_utf8_lossy(&body);
    let query = reqwest::Url::parse(&format!("http://form/?{text}"))
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == "query")
                .map(|(_, v)| v.into_owned())
        })
        .unwrap_or_default();
    answer(&sim, &headers, &query)
}

fn answer(sim: &Simulator, headers: &HeaderMap, query: &str) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    let now = jiff::Timestamp::now().as_millisecond() as f64 / 1000.0;
    let (status, body) = sim.with_state(|s| s.monitoring.answer(query, token.as_deref(), now));
    json_response(status, &body)
}
