//! Serde view of the gates that ask the running system rather than a report — `bake`,
//! `prometheus`, `health` — and of a stage's `verify` block, exactly as written.
//!
//! Kept apart from `raw_gates.rs` (report-file gates) because these share a vocabulary of their
//! own (durations, URLs, secrets named by environment variable) and grow together; the same
//! rules apply: kebab-case keys, unknown keys rejected, `///` docs become JSON Schema
//! descriptions, meaning is checked later in `validate/health.rs`.

use schemars::JsonSchema;
use serde::Deserialize;

/// Bake time: the version has been in the stage before this one at least this long (when it
/// entered that stage comes from AppTrust's promotion history; its last entry, if it came
/// back).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a bake gate mapping (min)"
)]
#[schemars(rename = "Bake")]
pub(crate) struct RawBake {
    /// Shortest time in the stage before, e.g. `24h`, `30m`, `2d`, `1h30m` or ISO 8601 `PT24H`.
    #[schemars(length(min = 1))]
    pub(crate) min: String,
}

/// A PromQL instant query against a Prometheus-compatible HTTP API (Prometheus, Thanos, Mimir,
/// VictoriaMetrics, Grafana Cloud); at least one of `max`, `min`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a prometheus gate mapping (url, query, max, min, token-env)"
)]
#[schemars(extend("anyOf" = [ { "required": ["max"] }, { "required": ["min"] } ]))]
#[schemars(rename = "Prometheus")]
pub(crate) struct RawPrometheus {
    /// Base URL of the API, e.g. `https://prometheus.example.com` or, behind a path prefix,
    /// `https://mimir.example.com/prometheus`; `/api/v1/query` is added (a URL already ending
    /// in it is used as is).
    #[schemars(length(min = 1))]
    pub(crate) url: String,
    /// PromQL expression evaluated at the current time. Its result must be a scalar or an
    /// instant vector; every series is held to the bounds; no series at all fails the gate.
    #[schemars(length(min = 1))]
    pub(crate) query: String,
    /// Largest value allowed (inclusive), for the scalar or every series.
    pub(crate) max: Option<f64>,
    /// Smallest value allowed (inclusive), for the scalar or every series.
    pub(crate) min: Option<f64>,
    /// Name of an environment variable holding a bearer token for the API (set it from a
    /// secret in the step's `env`). The token is masked and never logged.
    #[schemars(regex(pattern = r"^[A-Za-z_][A-Za-z0-9_]*$"))]
    pub(crate) token_env: Option<String>,
}

/// An HTTP(S) GET of a health endpoint: the status must be `status`; with `pointer`, the JSON
/// body's value there must equal `equals` or lie within `min`/`max`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a health gate mapping (url, status, pointer, equals, min, max)"
)]
#[schemars(rename = "Health")]
pub(crate) struct RawHealth {
    /// `http://` or `https://` URL to GET. Redirects are followed only on the same host.
    #[schemars(length(min = 1))]
    pub(crate) url: String,
    /// Expected HTTP status. Default 200.
    #[serde(default = "default_status")]
    #[schemars(range(min = 100, max = 599))]
    pub(crate) status: u16,
    /// RFC 6901 JSON pointer into the answer body, e.g. `/status`; needs `equals`, `min` or
    /// `max`.
    #[schemars(regex(pattern = r"^(/([^~]|~[01])*)*$"))]
    pub(crate) pointer: Option<String>,
    /// The exact value required at `pointer`: a string, number, boolean or null.
    #[schemars(schema_with = "scalar_schema")]
    #[serde(default, deserialize_with = "scalar")]
    pub(crate) equals: Option<serde_json::Value>,
    /// Smallest number allowed at `pointer` (inclusive).
    pub(crate) min: Option<f64>,
    /// Largest number allowed at `pointer` (inclusive).
    pub(crate) max: Option<f64>,
}

/// Serde default: 200.
fn default_status() -> u16 {
    200
}

/// Schema of a JSON scalar (for `equals`).
fn scalar_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": ["string", "number", "boolean", "null"] })
}

/// Deserializes a present `equals` (even `null`) as `Some`.
fn scalar<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(d).map(Some)
}

/// What a failed verification does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum OnVerifyFailure {
    /// Roll the version back out of the stage: result `reverted`, exit 1.
    #[default]
    Rollback,
    /// Report the failure (summary, log, record); the version stays.
    Report,
}
