//! Table tests of the `prometheus` and `health` gates.

use std::collections::BTreeMap;

use serde_json::json;

use super::{GateStatus, evaluate};
use crate::gates::facts::Fact;
use crate::monitoring::{HealthFacts, MetricFacts, MetricResult, Series};
use crate::policy::{ConditionCheck, Gate, GateSpec, HealthGate, PrometheusGate};

fn prom(min: Option<f64>, max: Option<f64>) -> Gate {
    Gate {
        name: "5xx ratio".into(),
        spec: GateSpec::Prometheus(PrometheusGate {
            url: "http://p".into(),
            query: "q".into(),
            max,
            min,
            token_env: None,
        }),
    }
}

fn series(labels: &[(&str, &str)], value: f64) -> Series {
    Series {
        labels: labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        value,
    }
}

fn metric(result: MetricResult) -> Fact {
    Fact::Metric(MetricFacts {
        endpoint: "http://p/api/v1/query".into(),
        result,
    })
}

#[test]
fn prometheus_bounds_hold_for_the_scalar_and_every_series() {
    let max = prom(None, Some(0.01));
    let cases: Vec<(&str, Gate, MetricResult, GateStatus, &str, &str)> = vec![
        (
            "scalar below",
            max.clone(),
            MetricResult::Scalar(0.004),
            GateStatus::Pass,
            "0.004",
            "0.004 is within ≤ 0.01",
        ),
        (
            "scalar at the bound passes",
            max.clone(),
            MetricResult::Scalar(0.01),
            GateStatus::Pass,
            "0.01",
            "0.01 is within ≤ 0.01",
        ),
        (
            "scalar above",
            max.clone(),
            MetricResult::Scalar(0.05),
            GateStatus::Fail,
            "0.05",
            "0.05 > 0.01",
        ),
        (
            "no data fails",
            max.clone(),
            MetricResult::Vector(vec![]),
            GateStatus::Fail,
            "no data",
            "the query returned no series from http://p/api/v1/query: no data fails the gate — check the query's metric names and labels, and that the service reports them",
        ),
        (
            "NaN fails",
            max.clone(),
            MetricResult::Scalar(f64::NAN),
            GateStatus::Fail,
            "NaN",
            "NaN (0/0: no samples in the window?)",
        ),
        (
            "every series within",
            max.clone(),
            MetricResult::Vector(vec![
                series(&[("service", "cart")], 0.001),
                series(&[("service", "web")], 0.009),
            ]),
            GateStatus::Pass,
            "max 0.009 of 2 series",
            "every series is within ≤ 0.01 (2)",
        ),
        (
            "the failing series are named by their labels",
            max.clone(),
            MetricResult::Vector(vec![
                series(&[("service", "cart")], 0.001),
                series(&[("service", "checkout"), ("code", "5xx")], 0.052),
                series(&[("service", "web")], f64::INFINITY),
            ]),
            GateStatus::Fail,
            "2 of 3 series out of bounds",
            r#"{code="5xx",service="checkout"} 0.052 > 0.01; {service="web"} +Inf > 0.01"#,
        ),
        (
            "a minimum",
            prom(Some(1.0), None),
            MetricResult::Vector(vec![series(&[("__name__", "up"), ("job", "api")], 0.0)]),
            GateStatus::Fail,
            "0",
            r#"up{job="api"} 0 < 1"#,
        ),
    ];
    for (name, gate, result, status, figure, detail) in cases {
        let e = evaluate("PROD", &gate, &metric(result));
        assert_eq!(e.result.status, status, "{name}");
        assert_eq!(e.result.figure, figure, "{name}");
        assert_eq!(e.result.detail, detail, "{name}");
        assert_eq!(e.result.kind, "prometheus");
    }
}

#[test]
fn many_failing_series_are_counted_past_the_named_ones() {
    let all: Vec<Series> = (0..8)
        .map(|i| series(&[("pod", &format!("p{i}"))], 1.0))
        .collect();
    let e = evaluate(
        "PROD",
        &prom(None, Some(0.5)),
        &metric(MetricResult::Vector(all)),
    );
    assert!(
        e.result.detail.ends_with("; and 3 more"),
        "{}",
        e.result.detail
    );
    assert_eq!(e.result.figure, "8 of 8 series out of bounds");
}

fn health(status: u16, condition: Option<(&str, ConditionCheck)>) -> Gate {
    Gate {
        name: "health".into(),
        spec: GateSpec::Health(HealthGate {
            url: "http://s/healthz".into(),
            status,
            condition: condition.map(|(p, c)| (p.to_string(), c)),
        }),
    }
}

fn answer(status: u16, value: Option<Result<serde_json::Value, String>>) -> Fact {
    Fact::Health(HealthFacts {
        url: "http://s/healthz".into(),
        status,
        redirected_to: None,
        value,
        elapsed_ms: 7,
    })
}

#[test]
fn health_checks_the_status_then_the_value() {
    let equals_ok = Some(("/status", ConditionCheck::Equals(json!("ok"))));
    let range = Some((
        "/db/latency",
        ConditionCheck::Range {
            min: None,
            max: Some(50.0),
        },
    ));
    let cases: Vec<(&str, Gate, Fact, GateStatus, &str)> = vec![
        (
            "status only",
            health(200, None),
            answer(200, None),
            GateStatus::Pass,
            "GET http://s/healthz answered 200 in 7 ms",
        ),
        (
            "wrong status",
            health(200, None),
            answer(503, None),
            GateStatus::Fail,
            "GET http://s/healthz answered 503, expected 200",
        ),
        (
            "equal value",
            health(200, equals_ok.clone()),
            answer(200, Some(Ok(json!("ok")))),
            GateStatus::Pass,
            "GET http://s/healthz answered 200; /status is \"ok\"",
        ),
        (
            "other value",
            health(200, equals_ok.clone()),
            answer(200, Some(Ok(json!("degraded")))),
            GateStatus::Fail,
            "GET http://s/healthz: /status is \"degraded\", expected \"ok\"",
        ),
        (
            "no value",
            health(200, equals_ok),
            answer(200, Some(Err("the answer is not JSON".into()))),
            GateStatus::Fail,
            "the answer is not JSON",
        ),
        (
            "number within",
            health(200, range.clone()),
            answer(200, Some(Ok(json!(12)))),
            GateStatus::Pass,
            "GET http://s/healthz answered 200; /db/latency is 12",
        ),
        (
            "number above",
            health(200, range.clone()),
            answer(200, Some(Ok(json!(75.5)))),
            GateStatus::Fail,
            "GET http://s/healthz: /db/latency is 75.5 > 50",
        ),
        (
            "not a number",
            health(200, range),
            answer(200, Some(Ok(json!("fast")))),
            GateStatus::Fail,
            "GET http://s/healthz: /db/latency is \"fast\", not a number",
        ),
    ];
    for (name, gate, e, status, detail) in cases {
        let r = evaluate("STAGING", &gate, &e).result;
        assert_eq!((r.status, r.detail.as_str()), (status, detail), "{name}");
    }
}

#[test]
fn a_redirect_to_another_host_is_named() {
    let e = Fact::Health(HealthFacts {
        url: "http://s/healthz".into(),
        status: 302,
        redirected_to: Some("https://login.example.com/".into()),
        value: None,
        elapsed_ms: 3,
    });
    let r = evaluate("STAGING", &health(200, None), &e).result;
    assert_eq!(r.status, GateStatus::Fail);
    assert_eq!(r.figure, "HTTP 302");
    assert_eq!(r.threshold, "HTTP 200");
    assert!(
        r.detail
            .contains("redirected to https://login.example.com/, another host"),
        "{}",
        r.detail
    );
}
