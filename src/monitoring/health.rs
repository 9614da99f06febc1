//! Health endpoints: one HTTP(S) GET through the one HTTP layer (its retries on 5xx and
//! timeouts), on a client that follows redirects only on the same host, reading at most
//! [`MAX_HEALTH_BODY`] bytes; the status, where a refused redirect pointed, and the value at the
//! gate's JSON pointer are what the `health` gate judges.

use std::time::Instant;

use super::facts::HealthFacts;
use crate::http::{Advice, ClientOptions, Remote, RemoteError};
use crate::policy::HealthGate;

/// Largest health answer read; a larger one fails the gate (a health document is small).
pub(crate) const MAX_HEALTH_BODY: usize = 1024 * 1024;

/// How a health endpoint's failures are worded.
pub(crate) const HEALTH_ADVICE: Advice = Advice {
    transport: "; the endpoint is unreachable from the runner — check the gate's `url` and that the service is up",
    timeout: "; the endpoint did not answer in time",
    broken: "; the endpoint broke the connection",
    wait_too_long: "; the endpoint asked to wait {secs} s, longer than the action waits",
    status: |_| "",
};

/// GETs the gate's URL. `http` must be a client from
/// [`crate::http::build_client_same_host`]. An answer of any status is `Ok` (the gate judges
/// it); no answer, or one too large, is `Err`.
pub(crate) async fn probe(
    http: reqwest::Client,
    gate: &HealthGate,
    options: ClientOptions,
) -> Result<HealthFacts, RemoteError> {
    let remote = Remote::endpoint(http, &gate.url, options, &HEALTH_ADVICE);
    let started = Instant::now();
    let reply = remote
        .get_limited("", MAX_HEALTH_BODY)
        .await
        .map_err(|e| RemoteError {
            operation: format!("GET {}", gate.url),
            ..e
        })?;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    let redirected_to = (300..400)
        .contains(&reply.status)
        .then(|| {
            reply
                .headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .flatten();
    let value = gate
        .condition
        .as_ref()
        .map(|(pointer, _)| value_at(&reply.text, pointer));
    Ok(HealthFacts {
        url: gate.url.clone(),
        status: reply.status,
        redirected_to,
        value,
        elapsed_ms,
    })
}

/// The JSON value at `pointer` in `body`, or why there is none.
fn value_at(body: &str, pointer: &str) -> Result<serde_json::Value, String> {
    let doc: serde_json::Value = serde_json::from_str(body)
        .map_err(|e| format!("the answer is not JSON ({e}), so `{pointer}` cannot be read"))?;
    doc.pointer(pointer)
        .cloned()
        .ok_or_else(|| format!("the answer has no value at `{pointer}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_by_pointer_or_the_reason_said() {
        let body = r#"{"status":"ok","checks":{"db":{"latency_ms":12}},"a/b":true}"#;
        assert_eq!(value_at(body, "/status"), Ok(serde_json::json!("ok")));
        assert_eq!(
            value_at(body, "/checks/db/latency_ms"),
            Ok(serde_json::json!(12))
        );
        assert_eq!(value_at(body, "/a~1b"), Ok(serde_json::json!(true)));
        assert!(
            value_at(body, "/nope")
                .unwrap_err()
                .contains("no value at `/nope`")
        );
        assert!(value_at("OK", "/status").unwrap_err().contains("not JSON"));
    }
}
