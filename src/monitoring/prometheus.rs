//! PromQL instant queries against any Prometheus-compatible HTTP API (Prometheus, Thanos,
//! Mimir, VictoriaMetrics, Grafana Cloud): `GET /api/v1/query?query=…`, or a form POST when the
//! expression is too long for a URL, through the one HTTP layer (its retries, timeouts and
//! redactor). The answer is reduced to a scalar or the series of an instant vector; an error
//! answer (`"status":"error"`, `errorType`, `error`) is worded for a person, and a query the
//! server cannot parse (`bad_data`) is the policy's fault, not the server's.

use reqwest::Method;
use serde::Deserialize;

use super::facts::{MetricFacts, MetricResult, Series};
use crate::http::{
    Advice, Body, ClientOptions, Remote, RemoteError, RemoteErrorKind, percent_encode,
};
use crate::policy::PrometheusGate;
use crate::secret::Secret;

/// How the monitoring API's failures are worded.
pub(crate) const PROMETHEUS_ADVICE: Advice = Advice {
    transport: "; check the gate's `url` and that the runner can reach it",
    timeout: "; the server may be overloaded, or the query too expensive — re-run later or simplify it",
    broken: "; re-run the job",
    wait_too_long: "; the server asked to wait {secs} s, longer than the action waits — re-run later",
    status: prometheus_status_hint,
};

fn prometheus_status_hint(status: u16) -> &'static str {
    match status {
        401 | 403 => {
            "; the server refused the credentials — set `token-env` to a variable holding a valid bearer token"
        }
        404 => {
            "; check the gate's `url`: it should be the API's base (the action adds `/api/v1/query`)"
        }
        429 => "; the server is rate-limiting the runner — retry later",
        s if s >= 500 => "; the monitoring server had an error — re-run later",
        _ => "",
    }
}

/// Longest query sent in the URL; longer ones go as a form POST (the API accepts both).
const MAX_GET_QUERY: usize = 2000;

/// Largest answer read: an instant query a gate can judge is a handful of series.
const MAX_ANSWER: usize = 4 * 1024 * 1024;

/// Why a query has no answer to judge.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum QueryError {
    /// The server could not use the query (`bad_data`) or its result is not an instant value:
    /// the policy must change. Carries the server's own words.
    #[error("{0}")]
    Query(String),
    /// The server was unreachable, failed or answered something unexpected.
    #[error(transparent)]
    Remote(#[from] RemoteError),
}

/// One Prometheus-compatible API.
#[derive(Debug, Clone)]
pub(crate) struct PrometheusClient {
    remote: Remote,
    endpoint: String,
}

impl PrometheusClient {
    /// A client for the gate's API, authenticating with `token` when given.
    pub(crate) fn new(
        http: reqwest::Client,
        gate: &PrometheusGate,
        token: Option<Secret>,
        options: ClientOptions,
    ) -> PrometheusClient {
        let endpoint = gate.endpoint();
        let base = endpoint
            .strip_suffix("/api/v1/query")
            .unwrap_or(&endpoint)
            .to_string();
        let options = ClientOptions {
            max_body: options.max_body.min(MAX_ANSWER),
            ..options
        };
        PrometheusClient {
            remote: Remote::new(http, &base, token, options, &PROMETHEUS_ADVICE),
            endpoint,
        }
    }

    /// Evaluates `query` at the server's current time.
    pub(crate) async fn query(&self, query: &str) -> Result<MetricFacts, QueryError> {
        let encoded = format!("query={}", percent_encode(query));
        let path = "/api/v1/query";
        let reply = if encoded.len() <= MAX_GET_QUERY {
            self.remote.get(&format!("{path}?{encoded}")).await?
        } else {
            let body = Body::Text {
                content_type: "application/x-www-form-urlencoded",
                text: &encoded,
            };
            self.remote.read(Method::POST, path, Some(body)).await?
        };
        let op = format!("GET {}", self.endpoint);
        let result = read_answer(&op, reply.status, &reply.text).map_err(|e| match e {
            Answer::Query(m) => QueryError::Query(m),
            Answer::Remote(Some(e)) => QueryError::Remote(e),
            Answer::Remote(None) => QueryError::Remote(self.remote.status_error(&op, &reply)),
        })?;
        Ok(MetricFacts {
            endpoint: self.endpoint.clone(),
            result,
        })
    }
}

/// Why an answer gives no data: the query's fault, or the server's (`None`: word it from the
/// status alone).
#[derive(Debug)]
enum Answer {
    Query(String),
    Remote(Option<RemoteError>),
}

/// The API's envelope.
#[derive(Debug, Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    #[serde(default)]
    result: serde_json::Value,
}

/// Reduces an answer (any status) to its data, or says why there is none.
fn read_answer(op: &str, status: u16, text: &str) -> Result<MetricResult, Answer> {
    let envelope: Envelope = match serde_json::from_str(text) {
        Ok(e) => e,
        Err(_) if !(200..300).contains(&status) => return Err(Answer::Remote(None)),
        Err(e) => {
            return Err(Answer::Remote(Some(RemoteError::decode(
                op,
                format!("the answer is not the Prometheus API's JSON ({e})"),
                "; check that the gate's `url` points at a Prometheus-compatible API",
            ))));
        }
    };
    if envelope.status != "success" {
        let kind = envelope.error_type.unwrap_or_else(|| "error".into());
        let words = envelope.error.unwrap_or_default();
        return Err(worded_error(op, status, &kind, &words));
    }
    let Some(data) = envelope.data else {
        return Err(Answer::Remote(Some(RemoteError::decode(
            op,
            "the answer says success but has no `data`",
            "",
        ))));
    };
    match data.result_type.as_str() {
        "scalar" => sample_value(&data.result)
            .map(MetricResult::Scalar)
            .ok_or_else(|| shape(op, "a scalar without a value")),
        "vector" => {
            let items = data.result.as_array().cloned().unwrap_or_default();
            let mut series = Vec::with_capacity(items.len());
            for item in items {
                let labels = item
                    .get("metric")
                    .and_then(|m| serde_json::from_value(m.clone()).ok())
                    .unwrap_or_default();
                let value = item
                    .get("value")
                    .and_then(sample_value)
                    .ok_or_else(|| shape(op, "a series without a value"))?;
                series.push(Series { labels, value });
            }
            Ok(MetricResult::Vector(series))
        }
        "matrix" => Err(Answer::Query(
            "the query returns a range vector (a `[…]` selector without a function around it); a gate needs one value per series: wrap it, e.g. `max_over_time(…[5m])` or `rate(…[5m])`".into(),
        )),
        other => Err(Answer::Query(format!(
            "the query returns a {other}, not a number; a gate compares numbers: make it return a scalar or an instant vector"
        ))),
    }
}

/// A `[timestamp, "value"]` pair's value (`NaN`, `+Inf`, `-Inf` included).
fn sample_value(v: &serde_json::Value) -> Option<f64> {
    v.get(1)?.as_str()?.trim().parse::<f64>().ok()
}

fn shape(op: &str, what: &str) -> Answer {
    Answer::Remote(Some(RemoteError::decode(
        op,
        format!("the answer holds {what}"),
        "; check that the gate's `url` points at a Prometheus-compatible API",
    )))
}

/// An error answer in words: `bad_data` is the query's fault (the server's own words say
/// where); the others are the server's.
fn worded_error(op: &str, status: u16, kind: &str, words: &str) -> Answer {
    let said = if words.is_empty() {
        String::new()
    } else {
        format!(": {words}")
    };
    if kind == "bad_data" {
        return Answer::Query(format!("Prometheus cannot use the query{said}"));
    }
    let (what, hint) = match kind {
        "timeout" => (
            "the query took longer than the server allows",
            "; simplify the query or shorten its range",
        ),
        "canceled" => ("the server canceled the query", "; re-run the job"),
        "execution" => (
            "the query failed while the server ran it",
            "; run it in the server's UI to see why",
        ),
        "unavailable" => (
            "the server cannot answer queries right now",
            "; re-run the job later",
        ),
        "not_found" => (
            "the server does not know this endpoint",
            "; check the gate's `url`",
        ),
        _ => (
            "the server answered with an error",
            match prometheus_status_hint(status) {
                "" => "; re-run the job later",
                hint => hint,
            },
        ),
    };
    Answer::Remote(Some(RemoteError::new(
        RemoteErrorKind::Status(status),
        op,
        format!("{what} ({kind}){said}"),
        hint,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: &str = "GET http://p/api/v1/query";

    #[test]
    fn scalars_and_vectors_are_read_with_their_labels() {
        let scalar = read_answer(
            OP,
            200,
            r#"{"status":"success","data":{"resultType":"scalar","result":[1796392175.9,"0.25"]}}"#,
        )
        .unwrap();
        assert_eq!(scalar, MetricResult::Scalar(0.25));
        let vector = read_answer(
            OP,
            200,
            r#"{"status":"success","data":{"resultType":"vector","result":[
              {"metric":{"service":"cart","code":"500"},"value":[1.5,"0.02"]},
              {"metric":{},"value":[1.5,"NaN"]},
              {"metric":{"service":"web"},"value":[1.5,"+Inf"]}]}}"#,
        )
        .unwrap();
        let MetricResult::Vector(s) = vector else {
            panic!("a vector")
        };
        assert_eq!(s[0].selector(), r#"{code="500",service="cart"}"#);
        assert_eq!(s[0].value, 0.02);
        assert!(s[1].value.is_nan());
        assert_eq!(s[2].value, f64::INFINITY);
        assert_eq!(s[1].selector(), "{}");
    }

    #[test]
    fn a_bad_query_is_the_policys_fault_in_the_servers_words() {
        let body = r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:34: parse error: unclosed left parenthesis"}"#;
        let Err(Answer::Query(m)) = read_answer(OP, 400, body) else {
            panic!("a query error")
        };
        assert_eq!(
            m,
            r#"Prometheus cannot use the query: invalid parameter "query": 1:34: parse error: unclosed left parenthesis"#
        );
        let Err(Answer::Query(m)) = read_answer(
            OP,
            200,
            r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#,
        ) else {
            panic!("a range vector is refused")
        };
        assert!(m.contains("max_over_time"), "{m}");
    }

    #[test]
    fn other_error_answers_are_the_servers_and_worded() {
        let body = r#"{"status":"error","errorType":"timeout","error":"query timed out in expression evaluation"}"#;
        let Err(Answer::Remote(Some(e))) = read_answer(OP, 503, body) else {
            panic!("a remote error")
        };
        assert_eq!(e.kind, RemoteErrorKind::Status(503));
        assert_eq!(
            e.to_string(),
            "GET http://p/api/v1/query failed: the query took longer than the server allows (timeout): query timed out in expression evaluation; simplify the query or shorten its range"
        );
        // Not the API's JSON at all: worded from the status by the caller.
        assert!(matches!(
            read_answer(OP, 502, "<html>bad gateway</html>"),
            Err(Answer::Remote(None))
        ));
        // A 200 that is not the API's JSON is a decode error naming the fix.
        let Err(Answer::Remote(Some(e))) = read_answer(OP, 200, "<html>login</html>") else {
            panic!("a decode error")
        };
        assert!(e.to_string().contains("Prometheus-compatible"), "{e}");
    }
}
