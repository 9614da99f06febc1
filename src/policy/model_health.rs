//! Validated settings of the gates that ask the running system (`prometheus`, `health`) and of
//! a stage's `verify` watch; `bake` is small enough to live in [`super::GateSpec`] itself.
//!
//! Built only by validation (`validate/health.rs`): URLs are absolute `http(s)`, bounds are
//! finite and ordered, durations positive, and `verify` gates are of the two kinds a watch can
//! re-evaluate.

use std::time::Duration;

use serde::{Serialize, Serializer};

use super::condition::ConditionCheck;
pub(crate) use super::raw_health::OnVerifyFailure;

/// How long a job on a GitHub-hosted runner may run at most (also the default
/// `timeout-minutes`): a `verify.for` longer than this cannot finish inside the job.
pub(crate) const JOB_LIMIT: Duration = Duration::from_secs(6 * 3600);

/// `prometheus`: a PromQL instant query against a Prometheus-compatible HTTP API.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct PrometheusGate {
    /// Base URL as written (no trailing slash); the query endpoint is derived from it.
    pub(crate) url: String,
    /// The PromQL expression.
    pub(crate) query: String,
    /// Largest value allowed (inclusive).
    pub(crate) max: Option<f64>,
    /// Smallest value allowed (inclusive).
    pub(crate) min: Option<f64>,
    /// Environment variable holding the bearer token, if any.
    pub(crate) token_env: Option<String>,
}

impl PrometheusGate {
    /// The instant-query endpoint: `<url>/api/v1/query`, or the URL itself when it already
    /// names that endpoint.
    pub(crate) fn endpoint(&self) -> String {
        let base = self.url.trim_end_matches('/');
        if base.ends_with("/api/v1/query") {
            base.to_string()
        } else {
            format!("{base}/api/v1/query")
        }
    }
}

/// `health`: an HTTP(S) GET with an expected status and an optional JSON condition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct HealthGate {
    /// The URL to GET.
    pub(crate) url: String,
    /// Expected status.
    pub(crate) status: u16,
    /// A condition on the JSON body: the pointer and what the value there must be.
    pub(crate) condition: Option<(String, ConditionCheck)>,
}

/// Serializes a duration the way the policy writes it: `24h`, `1h 30m`, `90s`.
pub(super) fn ser_duration<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&human_duration(*d))
}

/// A duration for people: `2d 3h`, `1h 30m`, `10m`, `45s`, `0s` (whole seconds; the largest
/// two units that are not zero).
pub(crate) fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let parts = [
        (secs / 86_400, "d"),
        (secs % 86_400 / 3600, "h"),
        (secs % 3600 / 60, "m"),
        (secs % 60, "s"),
    ];
    let shown: Vec<String> = parts
        .iter()
        .skip_while(|(n, _)| *n == 0)
        .take(2)
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect();
    if shown.is_empty() {
        "0s".into()
    } else {
        shown.join(" ")
    }
}

/// Parses a policy duration: `24h`, `30m`, `1h30m`, `90s`, `2d` (a day is 24 hours) or ISO
/// 8601 `PT24H`; zero and negative durations are refused. The error is (message, help).
pub(crate) fn parse_duration(key: &str, s: &str) -> Result<Duration, (String, String)> {
    let t = s.trim();
    let help =
        format!("Write a duration such as `{key}: 24h`, `30m`, `1h30m`, `2d` or ISO 8601 `PT24H`.");
    let signed = t.parse::<jiff::SignedDuration>().ok().or_else(|| {
        let span = t.parse::<jiff::Span>().ok()?;
        span.to_duration(jiff::SpanRelativeTo::days_are_24_hours())
            .ok()
    });
    let Some(d) = signed else {
        return Err((format!("`{key}` {s:?} is not a duration"), help));
    };
    if d <= jiff::SignedDuration::ZERO {
        return Err((format!("`{key}` {s:?} is not longer than zero"), help));
    }
    Duration::try_from(d).map_err(|_| (format!("`{key}` {s:?} is out of range"), help))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::model::Verify;

    #[test]
    fn durations_parse_in_every_documented_form() {
        let d = |s: &str| parse_duration("min", s).map(|d| d.as_secs());
        assert_eq!(d("24h"), Ok(86_400));
        assert_eq!(d("30m"), Ok(1800));
        assert_eq!(d("1h30m"), Ok(5400));
        assert_eq!(d("90s"), Ok(90));
        assert_eq!(d("2d"), Ok(172_800));
        assert_eq!(d("PT24H"), Ok(86_400));
        assert_eq!(d(" 1h 30m "), Ok(5400));
        for bad in ["", "0s", "-1h", "soon", "24"] {
            let e = parse_duration("min", bad).unwrap_err();
            assert!(e.0.contains("`min`"), "{bad}: {e:?}");
        }
    }

    #[test]
    fn durations_print_for_people() {
        assert_eq!(human_duration(Duration::from_secs(86_400)), "1d");
        assert_eq!(human_duration(Duration::from_secs(90_061)), "1d 1h");
        assert_eq!(human_duration(Duration::from_secs(5400)), "1h 30m");
        assert_eq!(human_duration(Duration::from_secs(599)), "9m 59s");
        assert_eq!(human_duration(Duration::from_secs(1)), "1s");
        assert_eq!(human_duration(Duration::ZERO), "0s");
    }

    #[test]
    fn the_query_endpoint_is_derived_once() {
        let g = |url: &str| PrometheusGate {
            url: url.into(),
            query: "up".into(),
            max: None,
            min: Some(1.0),
            token_env: None,
        };
        assert_eq!(
            g("https://p.example").endpoint(),
            "https://p.example/api/v1/query"
        );
        assert_eq!(
            g("https://m.example/prometheus/").endpoint(),
            "https://m.example/prometheus/api/v1/query"
        );
        assert_eq!(
            g("https://p.example/api/v1/query").endpoint(),
            "https://p.example/api/v1/query"
        );
    }

    #[test]
    fn a_watch_checks_every_interval_up_to_its_end() {
        let v = |f: u64, e: u64| Verify {
            watch_for: Duration::from_secs(f),
            every: Duration::from_secs(e),
            gates: Vec::new(),
            on_failure: OnVerifyFailure::Rollback,
        };
        assert_eq!(v(600, 60).checks(), 10);
        assert_eq!(v(600, 600).checks(), 1);
        assert_eq!(v(650, 60).checks(), 10);
    }
}
