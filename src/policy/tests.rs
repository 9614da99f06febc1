//! Tests of parsing, validation errors and stage resolution.

use super::*;

/// The example from SPEC.md ("Policy file"), verbatim.
pub(super) const SPEC_EXAMPLE: &str = r##"version: 1
emergency-stop:                       # optional: an OPEN issue in this repository with this label
  label: promotion-freeze             # blocks every promote and release (never a rollback)
stages:
  QA:                                 # display name or full name (bookverse-QA)
    gates:
      - name: unit tests              # optional; default derived from the kind
        tests:                        # test results, format detected from each file's content:
          paths: ["reports/junit/**/*.xml"]   # JUnit dialects, TRX, NUnit 2/3, xUnit.net, Go test
          max-failures: 0             # JSON, mocha JSON, RSpec JSON, Dart/Flutter JSON
          min-tests: 1                # (`junit:` is the same gate under its older name)
      - name: line coverage
        coverage:
          path: reports/coverage.xml  # format detected: cobertura | lcov | jacoco
          min-line: 80                # percent
          min-branch: 60
  STAGING:
    gates:
      - sarif:
          paths: ["reports/*.sarif"]
          max-level: { error: 0, warning: 25 }
          max-severity: { critical: 0, high: 0 }   # properties.security-severity buckets
      - checks:
          required: ["build", "integration-tests"] # check runs on the commit must have succeeded
      - benchmark:
          path: reports/bench.json    # format detected: hyperfine | pytest-benchmark | k6 summary
          metric: mean                # or p95, median, …
          max: 0.250                  # seconds (or the tool's unit, stated in docs)
      - json:                         # any JSON report: a value at a JSON pointer vs a bound
          path: reports/load.json
          pointer: /metrics/http_req_failed/rate
          max: 0.01
      - integrity: {}                 # AppTrust version content is COMPLETED; every artifact
                                      # has a sha256; local files given in `files:` match it
      - evidence:                     # evidence attached to the version in JFrog (see below)
          required: ["https://in-toto.io/attestation/test-result/v0.1"]
          signed-by: [".github/keys/ci.pub"]  # PEM public keys (workspace files): each required
                                      # record's DSSE signature must verify with one of them;
                                      # without signed-by, JFrog's own `verified` must be true
          allow-unverified: false     # true: presence is enough (says so in the summary)
          where:                      # conditions on what evidence says
            - predicate-type: https://jfrog.com/evidence/security/scan/v1
              pointer: /summary/critical     # RFC 6901 pointer into the predicate
              max: 0                         # or min / equals
  PROD:
    approvals:
      environment: production
      min: 2                          # distinct approvers of this run's environment gate
      forbid-self-approval: true      # the actor who triggered the run does not count
    windows:
      - days: [mon, tue, wed, thu]
        start: "09:00"
        end: "16:00"
        timezone: America/New_York
      - rrule: "FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10"   # RFC 5545 recurrence: when each opening
        duration: 4h                                # starts, and for how long
        timezone: Europe/Berlin
    freezes:
      - from: 2026-12-20T00:00:00Z
        to: 2027-01-04T00:00:00Z
        reason: year-end freeze
      - rrule: "FREQ=MONTHLY;BYDAY=-1FR"            # every last Friday of the month
        duration: 24h
        timezone: America/New_York
        reason: month-end close
    on-window-closed: defer           # scheduled runs: `defer` (exit 0, result=deferred) or `fail`
    hotfix:
      skip: [windows, freezes]        # what a hotfix may bypass; gates listed here too if allowed
                                      # (`emergency-stop` only if listed here)
"##;

/// The example shipped with the action (covers every key).
pub(super) const EXAMPLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/promotion-policy.yml"
));

pub(super) const FILE: &str = ".github/promotion-policy.yml";

pub(super) fn lifecycle() -> Vec<String> {
    ["bookverse-DEV", "bookverse-QA", "bookverse-STAGING", "PROD"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

pub(super) fn err(text: &str) -> PolicyError {
    match parse(FILE, text) {
        Ok(p) => panic!("expected an error, parsed {p:#?}"),
        Err(e) => e.first().clone(),
    }
}

pub(super) fn ok(text: &str) -> Policy {
    match parse(FILE, text) {
        Ok(p) => p,
        Err(e) => panic!("expected success, got: {e}"),
    }
}

/// A policy with one QA stage whose body is `stage` (indented by 4).
pub(super) fn qa(stage: &str) -> String {
    let body: String = stage.lines().map(|l| format!("    {l}\n")).collect();
    format!("version: 1\nstages:\n  QA:\n{body}")
}

/// A policy with one QA gate whose item body is `gate` (indented under `- `).
pub(super) fn gate(gate: &str) -> String {
    let mut lines = gate.lines();
    let first = lines.next().unwrap_or_default();
    let mut body = format!("gates:\n  - {first}\n");
    for l in lines {
        body.push_str(&format!("    {l}\n"));
    }
    qa(&body)
}

#[test]
fn spec_example_parses() {
    let p = ok(SPEC_EXAMPLE);
    assert_eq!(p.version, 1);
    assert_eq!(p.source_name, FILE);
    let keys: Vec<&str> = p.stages.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["QA", "STAGING", "PROD"]);

    let qa = &p.stages[0];
    assert_eq!((qa.line, qa.column), (5, 3));
    assert_eq!(qa.normalized_key, "qa");
    assert_eq!(
        qa.gates,
        vec![
            Gate {
                name: "unit tests".into(),
                spec: GateSpec::Junit {
                    key: TestsKey::Tests,
                    paths: vec!["reports/junit/**/*.xml".into()],
                    max_failures: 0,
                    min_tests: 1,
                    max_new_failures: None,
                    quarantine: Vec::new(),
                }
            },
            Gate {
                name: "line coverage".into(),
                spec: GateSpec::Coverage {
                    path: "reports/coverage.xml".into(),
                    min_line: Some(80.0),
                    min_branch: Some(60.0)
                }
            },
        ]
    );
    assert_eq!(qa.on_window_closed, OnWindowClosed::Fail);
    assert!(qa.approvals.is_none() && qa.windows.is_empty() && qa.freezes.is_empty());
}

#[test]
fn spec_example_staging_has_one_gate_of_each_kind() {
    let p = ok(SPEC_EXAMPLE);
    let staging = &p.stages[1];
    let names: Vec<&str> = staging.gates.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "sarif",
            "checks",
            "benchmark",
            "json",
            "integrity",
            "evidence"
        ]
    );
    let kinds: Vec<&str> = staging.gates.iter().map(|g| g.spec.kind()).collect();
    assert_eq!(kinds, names);
    assert_eq!(
        staging.gates[0].spec,
        GateSpec::Sarif {
            paths: vec!["reports/*.sarif".into()],
            max_level: LevelBounds {
                error: Some(0),
                warning: Some(25),
                note: None
            },
            max_severity: SeverityBounds {
                critical: Some(0),
                high: Some(0),
                medium: None,
                low: None
            },
        }
    );
    assert_eq!(
        staging.gates[1].spec,
        GateSpec::Checks {
            required: vec!["build".into(), "integration-tests".into()],
            allow_neutral: false,
            allow_skipped: false
        }
    );
    assert_eq!(
        staging.gates[2].spec,
        GateSpec::Benchmark {
            path: "reports/bench.json".into(),
            metric: "mean".into(),
            max: 0.25
        }
    );
    assert_eq!(
        staging.gates[3].spec,
        GateSpec::Json {
            path: "reports/load.json".into(),
            pointer: "/metrics/http_req_failed/rate".into(),
            max: Some(0.01),
            min: None
        }
    );
    assert_eq!(staging.gates[4].spec, GateSpec::Integrity { files: vec![] });
    assert_eq!(
        staging.gates[5].spec,
        GateSpec::Evidence {
            required: vec![
                "https://in-toto.io/attestation/test-result/v0.1".into(),
                "https://jfrog.com/evidence/security/scan/v1".into()
            ],
            signed_by: vec![".github/keys/ci.pub".into()],
            allow_unverified: false,
            conditions: vec![EvidenceCondition {
                predicate_type: "https://jfrog.com/evidence/security/scan/v1".into(),
                pointer: "/summary/critical".into(),
                check: ConditionCheck::Range {
                    min: None,
                    max: Some(0.0)
                },
            }],
            records: crate::policy::RecordsRule::Newest,
            identity: None,
        }
    );
}

#[test]
fn spec_example_prod_has_approvals_windows_and_freezes() {
    let p = ok(SPEC_EXAMPLE);
    let prod = &p.stages[2];
    assert!(prod.gates.is_empty());
    assert_eq!(
        prod.approvals,
        Some(Approvals {
            environment: "production".into(),
            min: 2,
            forbid_self_approval: true
        })
    );
    assert_eq!(prod.windows.len(), 2);
    let Window::Recurring(r) = &prod.windows[1] else {
        panic!("expected a recurring window: {:?}", prod.windows[1]);
    };
    assert_eq!(
        (r.rrule.as_str(), r.duration, r.timezone.as_str(), r.dtstart),
        (
            "FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10",
            jiff::SignedDuration::from_hours(4),
            "Europe/Berlin",
            None
        )
    );
    let Window::Weekly(w) = &prod.windows[0] else {
        panic!("expected a weekly window: {:?}", prod.windows[0]);
    };
    assert_eq!(
        w.days,
        [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu]
    );
    assert_eq!(
        (w.start.to_string(), w.end.to_string()),
        ("09:00".into(), "16:00".into())
    );
    assert_eq!(w.timezone, "America/New_York");
    assert_eq!(prod.freezes.len(), 2);
    assert_eq!(
        prod.freezes[0],
        Freeze::period(
            "2026-12-20T00:00:00Z".parse().expect("ts"),
            "2027-01-04T00:00:00Z".parse().expect("ts"),
            "year-end freeze"
        )
    );
    let Freeze::Recurring(f) = &prod.freezes[1] else {
        panic!("expected a recurring freeze: {:?}", prod.freezes[1]);
    };
    assert_eq!(
        (f.recurrence.rrule.as_str(), f.reason.as_str()),
        ("FREQ=MONTHLY;BYDAY=-1FR", "month-end close")
    );
    assert_eq!(
        p.emergency_stop,
        Some(EmergencyStop {
            label: "promotion-freeze".into()
        })
    );
    assert_eq!(prod.on_window_closed, OnWindowClosed::Defer);
    assert_eq!(prod.hotfix_skip, ["windows", "freezes"]);
    assert!(prod.hotfix_skips("windows") && !prod.hotfix_skips("approvals"));
}

#[test]
fn spec_example_windows_and_freezes_drive_the_schedule() {
    let p = ok(SPEC_EXAMPLE);
    let prod = &p.stages[2];
    // Windows and freezes from the file drive the schedule.
    let d = evaluate(
        &prod.windows,
        &prod.freezes,
        "2026-12-22T15:00:00Z".parse().expect("ts"),
    );
    assert!(matches!(d, WindowDecision::Frozen { .. }), "{d:?}");
    // The recurring freeze: last Friday of March 2026, all day in New York.
    let d = evaluate(
        &prod.windows,
        &prod.freezes,
        "2026-03-27T15:00:00Z".parse().expect("ts"),
    );
    assert_eq!(
        d,
        WindowDecision::Frozen {
            reason: "month-end close".into(),
            until: "2026-03-28T04:00:00Z".parse().expect("ts")
        }
    );
    // The recurring window: first Saturday of April 2026, 10:00 CEST.
    let d = evaluate(
        &prod.windows,
        &prod.freezes,
        "2026-04-04T08:30:00Z".parse().expect("ts"),
    );
    assert!(d.allows_promotion(), "{d:?}");
}

#[test]
fn spec_example_serializes_to_json() {
    let p = ok(SPEC_EXAMPLE);
    let v = serde_json::to_value(&p).expect("serialize");
    assert_eq!(v["stages"][0]["gates"][0]["spec"]["kind"], "junit");
    assert_eq!(v["stages"][0]["gates"][0]["spec"]["max_failures"], 0);
    assert_eq!(v["stages"][2]["windows"][0]["start"], "09:00");
    assert_eq!(v["stages"][2]["freezes"][0]["to"], "2027-01-04T00:00:00Z");
    assert_eq!(v["stages"][2]["on_window_closed"], "defer");
}

#[test]
fn shipped_example_parses_and_resolves() {
    let mut p = ok(EXAMPLE);
    p.resolve_stages(&lifecycle(), Some("bookverse"))
        .expect("resolve");
    let qa = p.stage("bookverse-QA").expect("QA");
    assert_eq!(qa.hotfix_skip, ["line coverage"]);
    let staging = p.stage("BOOKVERSE-staging").expect("STAGING");
    assert_eq!(staging.gates.len(), 6);
    assert_eq!(staging.gates[3].name, "load test error rate");
    assert_eq!(
        staging.gates[0].spec,
        GateSpec::Sarif {
            paths: vec!["reports/*.sarif".into()],
            max_level: LevelBounds {
                error: Some(0),
                warning: Some(25),
                note: Some(100)
            },
            max_severity: SeverityBounds {
                critical: Some(0),
                high: Some(0),
                medium: Some(10),
                low: Some(50)
            },
        }
    );
    let prod = p.stage("PROD").expect("PROD");
    assert_eq!(prod.full_name.as_deref(), Some("PROD"));
    assert_eq!(prod.windows.len(), 4);
    assert_eq!(prod.freezes.len(), 2);
    assert!(prod.hotfix_skips("emergency-stop"));
    assert_eq!(
        p.emergency_stop.as_ref().map(|e| e.label.as_str()),
        Some("promotion-freeze")
    );
    let qa_kinds: Vec<&str> = qa.gates.iter().map(|g| g.spec.kind()).collect();
    assert_eq!(qa_kinds, ["tests", "junit", "coverage"]);
    assert!(p.stage("bookverse-DEV").is_none());
}

/// Every key of the schema appears in the shipped example (so it really "covers every key").
#[test]
fn shipped_example_covers_every_schema_key() {
    fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::Object(props)) = m.get("properties") {
                    out.extend(props.keys().cloned());
                }
                m.values().for_each(|x| collect(x, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
            _ => {}
        }
    }
    let mut keys = Vec::new();
    collect(&json_schema(), &mut keys);
    keys.sort();
    keys.dedup();
    assert!(keys.len() > 30, "{keys:?}");
    let missing: Vec<&String> = keys
        .iter()
        .filter(|k| !EXAMPLE.contains(&format!("{k}:")))
        .collect();
    assert!(missing.is_empty(), "example lacks keys {missing:?}");
}
