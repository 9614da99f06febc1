//! What the simulator serves for the `health` and `prometheus` gates, so the demo and the
//! tests of `verify` run without a real service: a health endpoint answering a set status and
//! JSON body, and a minimal Prometheus instant-query API answering a scripted sequence of
//! values, one per query (the last one repeated), as one series with set labels.
//!
//! It is not PromQL: any query gets the script's next value, except one whose brackets do not
//! balance, which gets the `bad_data` answer a real Prometheus gives. The real thing is tested
//! against a real Prometheus (tests/it/prometheus_real.rs).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Where the simulator serves the health endpoint.
pub const HEALTH_PATH: &str = "/monitoring/healthz";
/// Base URL path of the simulated Prometheus API (a gate's `url` is the simulator's URL plus
/// this; the action adds `/api/v1/query`).
pub const PROMETHEUS_BASE: &str = "/monitoring/prometheus";

/// The monitoring side of the simulator's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Monitoring {
    /// Status of the health endpoint.
    pub health_status: u16,
    /// JSON body of the health endpoint.
    pub health_body: Value,
    /// Values answered to successive queries (the last one repeats); empty: no data.
    pub values: Vec<String>,
    /// Labels of the one series answered.
    pub labels: BTreeMap<String, String>,
    /// How many queries were answered.
    pub queries: usize,
    /// Bearer token the query API requires, when set.
    pub token: Option<String>,
}

impl Default for Monitoring {
    fn default() -> Self {
        Monitoring {
            health_status: 200,
            health_body: json!({"status": "ok", "checks": {"db": {"latency_ms": 12}}}),
            values: vec!["0.002".into()],
            labels: BTreeMap::from([("service".to_string(), "bookverse-inventory".to_string())]),
            queries: 0,
            token: None,
        }
    }
}

impl Monitoring {
    /// The answer to one instant query `query` sent with bearer `token` (status, body); counts
    /// the queries that got data or no data.
    pub(crate) fn answer(
        &mut self,
        query: &str,
        token: Option<&str>,
        now_secs: f64,
    ) -> (u16, Value) {
        if let Some(want) = &self.token {
            if token != Some(want.as_str()) {
                return (
                    401,
                    json!({"status": "error", "errorType": "unauthorized", "error": "missing or invalid bearer token"}),
                );
            }
        }
        if query.trim().is_empty() {
            return bad_data("parse error: unexpected end of input");
        }
        if let Some(col) = unbalanced(query) {
            return bad_data(&format!("1:{col}: parse error: unclosed left parenthesis"));
        }
        let value = self
            .values
            .get(self.queries)
            .or(self.values.last())
            .cloned();
        self.queries += 1;
        let result = match value {
            Some(v) => json!([{"metric": self.labels, "value": [now_secs, v]}]),
            None => json!([]),
        };
        (
            200,
            json!({"status": "success", "data": {"resultType": "vector", "result": result}}),
        )
    }
}

/// Prometheus's answer to a query it cannot parse.
fn bad_data(error: &str) -> (u16, Value) {
    (
        400,
        json!({"status": "error", "errorType": "bad_data", "error": format!("invalid parameter \"query\": {error}")}),
    )
}

/// The column (1-based) just past the end when a `(` is left open.
fn unbalanced(query: &str) -> Option<usize> {
    let mut depth = 0i64;
    for c in query.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
    }
    (depth > 0).then(|| query.chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_answered_in_order_then_the_last_repeats() {
        let mut m = Monitoring {
            values: vec!["0.001".into(), "0.2".into()],
            ..Monitoring::default()
        };
        let v = |m: &mut Monitoring| {
            m.answer("x", None, 1.0).1["data"]["result"][0]["value"][1].clone()
        };
        assert_eq!(v(&mut m), "0.001");
        assert_eq!(v(&mut m), "0.2");
        assert_eq!(v(&mut m), "0.2");
        assert_eq!(m.queries, 3);
        m.values.clear();
        assert_eq!(m.answer("x", None, 1.0).1["data"]["result"], json!([]));
    }

    #[test]
    fn a_bad_query_and_a_missing_token_are_refused_like_prometheus() {
        let mut m = Monitoring::default();
        let (status, body) = m.answer("sum(rate(x[5m])", None, 1.0);
        assert_eq!(status, 400);
        assert_eq!(body["errorType"], "bad_data");
        assert_eq!(
            body["error"],
            "invalid parameter \"query\": 1:16: parse error: unclosed left parenthesis"
        );
        m.token = Some("prom-secret".into());
        assert_eq!(m.answer("up", None, 1.0).0, 401);
        assert_eq!(m.answer("up", Some("prom-secret"), 1.0).0, 200);
        assert_eq!(m.queries, 1, "only answered queries count");
    }
}
