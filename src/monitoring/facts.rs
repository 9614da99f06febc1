//! What the running system said, reduced to what the `bake`, `prometheus` and `health` gates
//! judge: produced by this module's clients, consumed by [`crate::gates`] without I/O.

use std::collections::BTreeMap;

/// How long the version has been in the stage before the gate's stage.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BakeFacts {
    /// Display name of the stage the version bakes in (`STAGING`).
    pub(crate) stage_before: String,
    /// When it entered that stage.
    pub(crate) entered: Entered,
    /// The instant the gate is judged at (the run's clock).
    pub(crate) now: jiff::Timestamp,
}

/// When the version entered the stage it bakes in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Entered {
    /// At this instant (its last successful entry in AppTrust's promotion history).
    At(jiff::Timestamp),
    /// It enters it in this run, on the way to the gate's stage.
    ThisRun,
}

/// A Prometheus instant query's answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MetricFacts {
    /// The endpoint asked (no credentials, no query).
    pub(crate) endpoint: String,
    /// What it answered.
    pub(crate) result: MetricResult,
}

/// The data of a successful answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum MetricResult {
    /// `resultType: scalar`.
    Scalar(f64),
    /// `resultType: vector`: each series with its labels (empty: no data).
    Vector(Vec<Series>),
}

/// One series of an instant vector.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Series {
    /// Its labels (`__name__` included when the query kept it).
    pub(crate) labels: BTreeMap<String, String>,
    /// Its value at the query time (`NaN` and `±Inf` as Prometheus sent them).
    pub(crate) value: f64,
}

impl Series {
    /// The series as PromQL writes a selector: `{code="500",service="cart"}`, `{}` for none.
    pub(crate) fn selector(&self) -> String {
        let name = self.labels.get("__name__").cloned().unwrap_or_default();
        let labels: Vec<String> = self
            .labels
            .iter()
            .filter(|(k, _)| *k != "__name__")
            .map(|(k, v)| format!("{k}={v:?}"))
            .collect();
        format!("{name}{{{}}}", labels.join(","))
    }
}

/// What a health endpoint answered.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HealthFacts {
    /// The URL asked.
    pub(crate) url: String,
    /// The final status (a redirect to another host is not followed: its 3xx is the status).
    pub(crate) status: u16,
    /// Where a redirect to another host pointed, when that is why the status is a 3xx.
    pub(crate) redirected_to: Option<String>,
    /// The value at the gate's pointer, or why there is none (not JSON, no such member); `None`
    /// when the gate has no pointer.
    pub(crate) value: Option<Result<serde_json::Value, String>>,
    /// How long the answer took, in milliseconds.
    pub(crate) elapsed_ms: u64,
}
