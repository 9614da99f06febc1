//! Tests of the `bake`, `prometheus` and `health` gates and of `verify`: SPEC's example parses to
//! the values it says, and each mistake is an error naming its key.

use std::time::Duration;

use super::*;

const FILE: &str = "p.yml";

/// SPEC's "Health, bake time and verification after promotion" example, `gates: [ … ]` filled.
const SPEC_HEALTH: &str = r#"version: 1
stages:
  PROD:
    gates:
      - bake:
          min: 24h
      - prometheus:
          url: https://prometheus.example.com
          query: sum(rate(http_requests_total{code=~"5..",env="staging"}[30m])) / sum(rate(http_requests_total{env="staging"}[30m]))
          max: 0.01
          token-env: PROMETHEUS_TOKEN
      - health:
          url: https://staging.example.com/healthz
          status: 200
          pointer: /status
          equals: ok
    verify:
      for: 10m
      every: 1m
      gates:
        - name: prod errors
          prometheus:
            url: https://prometheus.example.com/
            query: sum(rate(http_requests_total{code=~"5..",env="prod"}[5m]))
            max: 1
        - health: { url: "https://www.example.com/healthz" }
      on-failure: rollback
"#;

fn ok(text: &str) -> Policy {
    match parse(FILE, text) {
        Ok(p) => p,
        Err(e) => panic!("expected success, got: {e}"),
    }
}

fn err(text: &str) -> PolicyError {
    match parse(FILE, text) {
        Ok(p) => panic!("expected an error, parsed {p:#?}"),
        Err(e) => e.first().clone(),
    }
}

/// A policy whose PROD stage has one gate item with this (flow) body.
fn prod_gate(item: &str) -> String {
    format!("version: 1\nstages:\n  PROD:\n    gates:\n      - {item}\n")
}

/// A policy whose PROD stage has this (flow) `verify` block.
fn prod_verify(v: &str) -> String {
    format!("version: 1\nstages:\n  PROD:\n    verify: {v}\n")
}

#[test]
fn spec_example_parses_to_what_it_says() {
    let p = ok(SPEC_HEALTH);
    let prod = &p.stages[0];
    let kinds: Vec<&str> = prod.gates.iter().map(|g| g.spec.kind()).collect();
    assert_eq!(kinds, ["bake", "prometheus", "health"]);
    assert_eq!(
        prod.gates[0].spec,
        GateSpec::Bake {
            min: Duration::from_secs(86_400)
        }
    );
    let GateSpec::Prometheus(g) = &prod.gates[1].spec else {
        panic!("prometheus")
    };
    assert_eq!(g.endpoint(), "https://prometheus.example.com/api/v1/query");
    assert_eq!((g.min, g.max), (None, Some(0.01)));
    assert_eq!(g.token_env.as_deref(), Some("PROMETHEUS_TOKEN"));
    let GateSpec::Health(h) = &prod.gates[2].spec else {
        panic!("health")
    };
    assert_eq!(h.status, 200);
    assert_eq!(
        h.condition,
        Some((
            "/status".into(),
            ConditionCheck::Equals(serde_json::json!("ok"))
        ))
    );
    let v = prod.verify.as_ref().expect("verify");
    assert_eq!(v.watch_for, Duration::from_secs(600));
    assert_eq!(v.every, Duration::from_secs(60));
    assert_eq!(v.checks(), 10);
    assert_eq!(v.on_failure, OnVerifyFailure::Rollback);
    let names: Vec<&str> = v.gates.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["prod errors", "health"]);
    let GateSpec::Prometheus(g) = &v.gates[0].spec else {
        panic!("prometheus")
    };
    assert_eq!(
        g.url, "https://prometheus.example.com",
        "the trailing slash is dropped"
    );
    // Round trip through JSON: durations as people write them.
    let json = serde_json::to_value(prod).unwrap();
    assert_eq!(json["verify"]["for"], "10m");
    assert_eq!(json["gates"][0]["spec"]["min"], "1d");
}

#[test]
fn defaults_status_200_every_minute_and_rollback() {
    let p = ok(&prod_verify(
        "{ for: 5m, gates: [ { health: { url: 'http://127.0.0.1:9/h' } } ] }",
    ));
    let v = p.stages[0].verify.as_ref().expect("verify");
    assert_eq!(v.every, Duration::from_secs(60));
    assert_eq!(v.on_failure, OnVerifyFailure::Rollback);
    let GateSpec::Health(h) = &v.gates[0].spec else {
        panic!("health")
    };
    assert_eq!((h.status, &h.condition), (200, &None));
    let report = ok(&prod_verify(
        "{ for: 5m, every: 30s, on-failure: report, gates: [ { health: { url: 'http://h/' } } ] }",
    ));
    assert_eq!(
        report.stages[0].verify.as_ref().map(|v| v.on_failure),
        Some(OnVerifyFailure::Report)
    );
}

/// Each policy text is an error at the key path given, its message containing the fragment.
fn assert_each_names_its_key(cases: Vec<(String, &str, &str)>) {
    for (text, path, message) in cases {
        let e = err(&text);
        assert_eq!(e.path, path, "{text}\n{e}");
        assert!(e.message.contains(message), "{text}\n{e}");
    }
}

#[test]
fn each_bake_and_prometheus_mistake_names_its_key() {
    assert_each_names_its_key(vec![
        (
            prod_gate("bake: { min: soon }"),
            "stages.PROD.gates[0].bake.min",
            "`min` \"soon\" is not a duration",
        ),
        (
            prod_gate("bake: { min: 0s }"),
            "stages.PROD.gates[0].bake.min",
            "not longer than zero",
        ),
        (
            prod_gate("bake: {}"),
            "stages.PROD.gates[0].bake",
            "missing field `min`",
        ),
        (
            prod_gate("prometheus: { url: 'ftp://p', query: up, min: 1 }"),
            "stages.PROD.gates[0].prometheus.url",
            "not an http(s) URL",
        ),
        (
            prod_gate("prometheus: { url: 'https://u:pw@p', query: up, min: 1 }"),
            "stages.PROD.gates[0].prometheus.url",
            "the URL carries credentials",
        ),
        (
            prod_gate("prometheus: { url: 'https://p', query: up }"),
            "stages.PROD.gates[0].prometheus",
            "prometheus gate has no bound",
        ),
        (
            prod_gate("prometheus: { url: 'https://p', query: ' ', max: 1 }"),
            "stages.PROD.gates[0].prometheus.query",
            "`query` is empty",
        ),
        (
            prod_gate("prometheus: { url: 'https://p', query: up, min: 2, max: 1 }"),
            "stages.PROD.gates[0].prometheus.min",
            "`min` (2) is greater than `max` (1)",
        ),
        (
            prod_gate("prometheus: { url: 'https://p', query: up, max: 1, token-env: 'MY TOKEN' }"),
            "stages.PROD.gates[0].prometheus.token-env",
            "is not an environment variable name",
        ),
        (
            prod_gate(
                "prometheus: { url: 'https://p', query: up, max: 1, token-env: INPUT_ACCESS-TOKEN }",
            ),
            "stages.PROD.gates[0].prometheus.token-env",
            "is not an environment variable name",
        ),
        (
            prod_gate(
                "prometheus: { url: 'https://p', query: up, max: 1, token-env: ACTIONS_RUNTIME_TOKEN }",
            ),
            "stages.PROD.gates[0].prometheus.token-env",
            "names one of the runner's own variables",
        ),
    ]);
}

#[test]
fn each_health_mistake_names_its_key() {
    assert_each_names_its_key(vec![
        (
            prod_gate("health: { url: 'https://h', status: 42 }"),
            "stages.PROD.gates[0].health.status",
            "`status` is 42, not an HTTP status",
        ),
        (
            prod_gate("health: { url: 'https://h', equals: ok }"),
            "stages.PROD.gates[0].health",
            "a condition but no `pointer`",
        ),
        (
            prod_gate("health: { url: 'https://h', pointer: /status }"),
            "stages.PROD.gates[0].health.pointer",
            "a `pointer` but no condition",
        ),
        (
            prod_gate("health: { url: 'https://h', pointer: status, equals: ok }"),
            "stages.PROD.gates[0].health.pointer",
            "is not a JSON pointer",
        ),
        (
            prod_gate("health: { url: 'https://h', pointer: /s, equals: ok, max: 1 }"),
            "stages.PROD.gates[0].health.max",
            "cannot be combined with `equals`",
        ),
        (
            prod_gate("health: { url: 'https://h', pointer: /s, equals: [1] }"),
            "stages.PROD.gates[0].health.equals",
            "",
        ),
    ]);
}

#[test]
fn each_verify_mistake_names_its_key() {
    assert_each_names_its_key(vec![
        (
            prod_verify("{ for: 1m, every: 5m, gates: [ { health: { url: 'https://h' } } ] }"),
            "stages.PROD.verify.every",
            "`every` (5m) is longer than `for` (1m)",
        ),
        (
            prod_verify("{ for: 10m, gates: [] }"),
            "stages.PROD.verify.gates",
            "`verify.gates` is empty",
        ),
        (
            prod_verify("{ for: 10m, gates: [ { bake: { min: 1h } } ] }"),
            "stages.PROD.verify.gates[0].bake",
            "a `bake` gate cannot verify a promotion",
        ),
        (
            prod_verify(
                "{ for: 10m, on-failure: revert, gates: [ { health: { url: 'https://h' } } ] }",
            ),
            "stages.PROD.verify.on-failure",
            "unknown value `revert`",
        ),
        (
            prod_verify("{ every: 1m, gates: [ { health: { url: 'https://h' } } ] }"),
            "stages.PROD.verify",
            "missing field `for`",
        ),
    ]);
}

#[test]
fn a_watch_longer_than_a_job_is_a_warning() {
    let p = ok(&prod_verify(
        "{ for: 7h, every: 10m, gates: [ { health: { url: 'https://h' } } ] }",
    ));
    assert!(p.stages[0].verify.is_some(), "still a policy");
    let w = p.warnings.first().expect("a warning");
    assert_eq!(w.path, "stages.PROD.verify.for");
    assert!(w.message.contains("longer than the 6 h"), "{w}");
}

#[test]
fn an_application_inherits_or_drops_the_shared_verify() {
    let text = "version: 1
stages:
  PROD:
    verify: { for: 10m, gates: [ { health: { url: 'https://h' } } ] }
applications:
  web:
    stages:
      PROD:
        verify: null
  api:
    stages:
      PROD:
        approvals: { environment: production }
";
    let mut web = ok(text);
    web.select_application("web");
    assert!(web.stages[0].verify.is_none());
    let mut api = ok(text);
    api.select_application("api");
    assert!(api.stages[0].verify.is_some());
}
