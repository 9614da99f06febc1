//! Tests of parsing, validation errors and stage resolution.

use super::*;

/// The example from SPEC.md ("Policy file"), verbatim.
const SPEC_EXAMPLE: &str = r##"version: 1
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
const EXAMPLE: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/examples/promotion-policy.yml"
));

const FILE: &str = ".github/promotion-policy.yml";

fn lifecycle() -> Vec<String> {
    ["bookverse-DEV", "bookverse-QA", "bookverse-STAGING", "PROD"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn err(text: &str) -> PolicyError {
    match parse(FILE, text) {
        Ok(p) => panic!("expected an error, parsed {p:#?}"),
        Err(e) => e.first().clone(),
    }
}

fn ok(text: &str) -> Policy {
    match parse(FILE, text) {
        Ok(p) => p,
        Err(e) => panic!("expected success, got: {e}"),
    }
}

/// A policy with one QA stage whose body is `stage` (indented by 4).
fn qa(stage: &str) -> String {
    let body: String = stage.lines().map(|l| format!("    {l}\n")).collect();
    format!("version: 1\nstages:\n  QA:\n{body}")
}

/// A policy with one QA gate whose item body is `gate` (indented under `- `).
fn gate(gate: &str) -> String {
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

#[test]
fn defaults_and_single_string_paths() {
    let p = ok(&gate("junit:\n  paths: reports/*.xml"));
    assert_eq!(
        p.stages[0].gates[0].spec,
        GateSpec::Junit {
            key: TestsKey::Junit,
            paths: vec!["reports/*.xml".into()],
            max_failures: 0,
            min_tests: 1,
            max_new_failures: None,
            quarantine: Vec::new(),
        }
    );
    let p = ok(&gate("benchmark: { path: b.json, max: 1 }"));
    assert_eq!(
        p.stages[0].gates[0].spec,
        GateSpec::Benchmark {
            path: "b.json".into(),
            metric: "mean".into(),
            max: 1.0
        }
    );
    let p = ok(&qa("approvals: { environment: prod }"));
    assert_eq!(
        p.stages[0].approvals,
        Some(Approvals {
            environment: "prod".into(),
            min: 1,
            forbid_self_approval: true
        })
    );
    // `integrity:` with no value is an integrity gate without files.
    let p = ok(&gate("integrity:"));
    assert_eq!(
        p.stages[0].gates[0].spec,
        GateSpec::Integrity { files: vec![] }
    );
    // An empty stage and an empty stages mapping are fine.
    let p = ok("version: 1\nstages:\n  QA:\n");
    assert_eq!(p.stages.len(), 1);
    assert!(p.stages[0].gates.is_empty());
    assert!(ok("version: 1\n").stages.is_empty());
    // JSON pointer "" (whole document) and min-only bound.
    let p = ok(&gate("json: { path: x.json, pointer: \"\", min: -5 }"));
    assert_eq!(
        p.stages[0].gates[0].spec,
        GateSpec::Json {
            path: "x.json".into(),
            pointer: "".into(),
            max: None,
            min: Some(-5.0)
        }
    );
    // Unquoted times are read as text too.
    let p = ok(&qa(
        "windows:\n  - { days: [sat], start: 09:00, end: 24:00, timezone: Asia/Kolkata }",
    ));
    assert!(
        matches!(&p.stages[0].windows[0], Window::Weekly(w) if w.end.to_string() == "24:00"),
        "{:?}",
        p.stages[0].windows
    );
}

#[test]
fn default_gate_names_are_unique() {
    let text = qa(r#"gates:
  - junit: { paths: a }
  - junit: { paths: b }
  - name: "junit #3"
    junit: { paths: c }
  - junit: { paths: d }
  - coverage: { path: c.xml, min-line: 1 }
  - name: coverage
    evidence: { required: [x] }
hotfix:
  skip: ["junit #2", "coverage #2"]"#);
    let p = ok(&text);
    let names: Vec<&str> = p.stages[0].gates.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "junit",
            "junit #2",
            "junit #3",
            "junit #4",
            "coverage #2",
            "coverage"
        ]
    );
    assert_eq!(p.stages[0].hotfix_skip, ["junit #2", "coverage #2"]);
}

/// Exact text of a few errors, as users see them.
#[test]
fn pinned_messages() {
    let e = err(&gate("junit:\n  paths: a\n  max-failure: 0"));
    insta::assert_snapshot!(e.to_string(), @r#".github/promotion-policy.yml: unknown field `max-failure` at line 7 column 11 (in `stages.QA.gates[0].junit`). Did you mean `max-failures`? Valid keys here: `paths`, `max-failures`, `min-tests`, `max-new-failures`, `quarantine`."#);
    assert_eq!((e.kind, e.line, e.column), (ErrorKind::UnknownKey, 7, 11));

    let e = err(&gate(
        "junit: { paths: a }\ncoverage: { path: b, min-line: 1 }",
    ));
    insta::assert_snapshot!(e.to_string(), @r#".github/promotion-policy.yml: gate has two kind keys, `junit` and `coverage` at line 6 column 9 (in `stages.QA.gates[0].coverage`). A gate item has exactly one kind key: split it into two gate items (`- junit: …` and `- coverage: …`)."#);

    let e = err(&gate(
        "name: line coverage\ncoverage:\n  path: c.xml\n  min-line: 150",
    ));
    insta::assert_snapshot!(e.to_string(), @r#".github/promotion-policy.yml: `min-line` is 150, but a percentage must be between 0 and 100 at line 8 column 21 (in `stages.QA.gates[0].coverage.min-line`). Write the minimum percentage as a number, e.g. `min-line: 80`."#);
    assert_eq!(e.path, "stages.QA.gates[0].coverage.min-line");

    let e = err("version: 2\nstages: {}\n");
    insta::assert_snapshot!(e.to_string(), @r#".github/promotion-policy.yml: unsupported policy version 2 at line 1 column 10 (in `version`). This action supports policy `version: 1` only; set `version: 1`."#);

    let mut p = ok("version: 1\nstages:\n  QA: {}\n  STAGNG: {}\n");
    let e = p
        .resolve_stages(&lifecycle(), Some("bookverse"))
        .expect_err("unknown stage");
    insta::assert_snapshot!(e.to_string(), @r#".github/promotion-policy.yml: unknown stage `STAGNG` at line 4 column 3 (in `stages.STAGNG`). Did you mean `STAGING`? Valid stages: `DEV`, `QA`, `STAGING`, `bookverse-DEV`, `bookverse-QA`, `bookverse-STAGING`, `PROD`."#);

    let e = err("");
    insta::assert_snapshot!(e.to_string(), @r#".github/promotion-policy.yml: the policy file is empty at line 1 column 1 (at the top level). Write at least `version: 1` and a `stages` mapping (see the example policy), or delete the file to run without gates."#);
}

/// name, text, kind, key path, (line, column), message fragment
type ErrorCase = (
    &'static str,
    String,
    ErrorKind,
    &'static str,
    (usize, usize),
    &'static str,
);

/// name, stage keys, project, resolved full names or error fragment
type ResolveCase = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Result<Vec<&'static str>, &'static str>,
);

/// One row per error class: text, kind, key path, line, column, and a fragment of the message.
#[test]
fn error_table() {
    #[rustfmt::skip]
    let cases: Vec<ErrorCase> = vec![
        ("empty", "".into(), ErrorKind::Empty, "", (1, 1), "empty"),
        ("only comments", "# nothing\n\n".into(), ErrorKind::Empty, "", (1, 1), "empty"),
        ("not yaml", "version: 1\nstages:\n  QA: { gates: [ }\n".into(), ErrorKind::Syntax, "", (3, 18), "invalid YAML"),
        ("bad indentation", "version: 1\nstages:\n  QA:\n    gates: []\n   windows: []\n".into(), ErrorKind::Syntax, "", (5, 4), "invalid YAML"),
        ("tab indentation", "version: 1\nstages:\n\tQA: {}\n".into(), ErrorKind::Syntax, "", (3, 1), "spaces, not tabs"),
        ("two documents", "version: 1\n---\nversion: 1\n".into(), ErrorKind::Syntax, "", (1, 1), "single YAML document"),
        ("scalar document", "hello\n".into(), ErrorKind::InvalidType, "", (1, 1), "expected a policy mapping"),
        ("list document", "- a\n".into(), ErrorKind::InvalidType, "", (1, 1), "found sequence"),
        ("missing version", "stages: {}\n".into(), ErrorKind::MissingKey, "", (1, 1), "Add `version: 1`"),
        ("version 2", "version: 2\n".into(), ErrorKind::UnsupportedVersion, "version", (1, 10), "supports policy `version: 1` only"),
        ("version string", "version: \"1\"\n".into(), ErrorKind::InvalidType, "version", (1, 10), "found string"),
        ("unknown top key", "version: 1\nstage: {}\n".into(), ErrorKind::UnknownKey, "", (2, 1), "Did you mean `stages`?"),
        ("unknown stage key", qa("gate: []"), ErrorKind::UnknownKey, "stages.QA", (4, 5), "Did you mean `gates`?"),
        ("gate kind at stage level", qa("junit: { paths: a }"), ErrorKind::UnknownKey, "stages.QA", (4, 5), "Gates go in the `gates` list"),
        ("snake_case key", gate("junit: { paths: a, max_failures: 1 }"), ErrorKind::UnknownKey, "stages.QA.gates[0].junit", (5, 28), "Did you mean `max-failures`?"),
        ("unknown gate kind", gate("junitt: { paths: a }"), ErrorKind::UnknownKey, "stages.QA.gates[0]", (5, 9), "Did you mean `junit`?"),
        ("unknown sarif level", gate("sarif: { paths: a, max-level: { errors: 0 } }"), ErrorKind::UnknownKey, "stages.QA.gates[0].sarif.max-level", (5, 41), "Did you mean `error`?"),
        ("duplicate top key", "version: 1\nversion: 1\n".into(), ErrorKind::DuplicateKey, "", (2, 1), "duplicate key `version`"),
        ("duplicate stage key", qa("gates: []\ngates: []"), ErrorKind::DuplicateKey, "stages.QA", (5, 5), "duplicate key `gates`"),
        ("duplicate nested key", gate("junit:\n  paths: a\n  paths: b"), ErrorKind::DuplicateKey, "stages.QA.gates[0].junit", (7, 11), "duplicate key `paths`"),
        ("duplicate stage", "version: 1\nstages:\n  QA: {}\n  qa: {}\n".into(), ErrorKind::DuplicateKey, "stages", (4, 3), "duplicate stage `qa` (already given as `QA`)"),
        ("stages not a map", "version: 1\nstages: [QA]\n".into(), ErrorKind::InvalidType, "stages", (2, 9), "expected a mapping from stage names"),
        ("gates not a list", qa("gates: {}"), ErrorKind::InvalidType, "stages.QA.gates", (4, 12), "expected a list"),
        ("no kind", gate("name: x"), ErrorKind::MissingKey, "stages.QA.gates[0]", (5, 9), "gate has no kind key"),
        ("two kinds", gate("junit: { paths: a }\nsarif: { paths: a, max-level: { error: 0 } }"), ErrorKind::InvalidValue, "stages.QA.gates[0].sarif", (6, 9), "two kind keys, `junit` and `sarif`"),
        ("empty name", gate("name: \"\"\njunit: { paths: a }"), ErrorKind::InvalidValue, "stages.QA.gates[0].name", (5, 15), "gate `name` is empty"),
        ("duplicate gate names", qa("gates:\n  - { name: t, junit: { paths: a } }\n  - { name: t, junit: { paths: b } }"), ErrorKind::DuplicateKey, "stages.QA.gates[1].name", (6, 17), "duplicate gate name `t` (also used by gates[0])"),
        ("junit missing paths", gate("junit: { max-failures: 0 }"), ErrorKind::MissingKey, "stages.QA.gates[0].junit", (5, 16), "missing field `paths`"),
        ("junit empty paths", gate("junit: { paths: [] }"), ErrorKind::InvalidValue, "stages.QA.gates[0].junit.paths", (5, 25), "`paths` is empty"),
        ("junit negative", gate("junit: { paths: a, max-failures: -1 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].junit.max-failures", (5, 42), "negative number -1"),
        ("junit fraction", gate("junit: { paths: a, min-tests: 1.5 }"), ErrorKind::InvalidType, "stages.QA.gates[0].junit.min-tests", (5, 39), "expected a whole number"),
        ("junit text", gate("junit: { paths: a, min-tests: many }"), ErrorKind::InvalidType, "stages.QA.gates[0].junit.min-tests", (5, 39), "found string \"many\""),
        ("paths not strings", gate("junit: { paths: { a: b } }"), ErrorKind::InvalidType, "stages.QA.gates[0].junit.paths", (5, 25), "a glob pattern or a list"),
        ("coverage no min", gate("coverage: { path: c.xml }"), ErrorKind::MissingKey, "stages.QA.gates[0].coverage", (5, 9), "no threshold"),
        ("coverage > 100", gate("coverage: { path: c.xml, min-branch: 100.5 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].coverage.min-branch", (5, 46), "between 0 and 100"),
        ("coverage negative", gate("coverage: { path: c.xml, min-line: -1 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].coverage.min-line", (5, 44), "between 0 and 100"),
        ("coverage NaN", gate("coverage: { path: c.xml, min-line: .nan }"), ErrorKind::InvalidValue, "stages.QA.gates[0].coverage.min-line", (5, 44), "is NaN"),
        ("coverage infinite", gate("coverage: { path: c.xml, min-line: .inf }"), ErrorKind::InvalidValue, "stages.QA.gates[0].coverage.min-line", (5, 44), "is inf"),
        ("coverage percent sign", gate("coverage: { path: c.xml, min-line: 80% }"), ErrorKind::InvalidType, "stages.QA.gates[0].coverage.min-line", (5, 44), "without quotes or units"),
        ("coverage empty path", gate("coverage: { path: \"\", min-line: 1 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].coverage.path", (5, 27), "`path` is empty"),
        ("sarif no bound", gate("sarif: { paths: a }"), ErrorKind::MissingKey, "stages.QA.gates[0].sarif", (5, 9), "no bound"),
        ("sarif empty bounds", gate("sarif: { paths: a, max-level: {}, max-severity: {} }"), ErrorKind::MissingKey, "stages.QA.gates[0].sarif", (5, 9), "no bound"),
        ("sarif unknown severity", gate("sarif: { paths: a, max-severity: { severe: 0 } }"), ErrorKind::UnknownKey, "stages.QA.gates[0].sarif.max-severity", (5, 44), "`critical`, `high`, `medium`, `low`"),
        ("checks empty", gate("checks: { required: [] }"), ErrorKind::InvalidValue, "stages.QA.gates[0].checks.required", (5, 29), "`required` is empty"),
        ("checks bool", gate("checks: { required: [b], allow-neutral: maybe }"), ErrorKind::InvalidType, "stages.QA.gates[0].checks.allow-neutral", (5, 49), "Write `true` or `false`"),
        ("benchmark negative", gate("benchmark: { path: b, max: -0.1 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].benchmark.max", (5, 36), "finite number ≥ 0"),
        ("benchmark missing max", gate("benchmark: { path: b }"), ErrorKind::MissingKey, "stages.QA.gates[0].benchmark", (5, 20), "missing field `max`"),
        ("json bad pointer", gate("json: { path: l.json, pointer: metrics.rate, max: 1 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].json.pointer", (5, 40), "e.g. `/metrics/rate`"),
        ("json no bound", gate("json: { path: l.json, pointer: /a }"), ErrorKind::MissingKey, "stages.QA.gates[0].json", (5, 9), "json gate has no bound"),
        ("json min > max", gate("json: { path: l.json, pointer: /a, min: 2, max: 1 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].json.min", (5, 49), "greater than `max`"),
        ("evidence empty", gate("evidence: { required: [] }"), ErrorKind::InvalidValue, "stages.QA.gates[0].evidence.required", (5, 31), "`required` is empty"),
        ("evidence missing", gate("evidence: {}"), ErrorKind::MissingKey, "stages.QA.gates[0].evidence", (5, 19), "evidence gate has neither `required` nor `where`"),
        ("approvals zero", qa("approvals: { environment: prod, min: 0 }"), ErrorKind::InvalidValue, "stages.QA.approvals.min", (4, 42), "between 1 and 10"),
        ("approvals eleven", qa("approvals: { environment: prod, min: 11 }"), ErrorKind::InvalidValue, "stages.QA.approvals.min", (4, 42), "between 1 and 10"),
        ("approvals no env", qa("approvals: { min: 1 }"), ErrorKind::MissingKey, "stages.QA.approvals", (4, 16), "missing field `environment`"),
        ("window no days", qa("windows:\n  - { days: [], start: \"09:00\", end: \"10:00\", timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].days", (5, 17), "`days` is empty"),
        ("window duplicate day", qa("windows:\n  - { days: [mon, tue, mon], start: \"09:00\", end: \"10:00\", timezone: UTC }"), ErrorKind::DuplicateKey, "stages.QA.windows[0].days[2]", (5, 28), "day `mon` is listed twice"),
        ("window bad day", qa("windows:\n  - { days: [monday], start: \"09:00\", end: \"10:00\", timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].days[0]", (5, 18), "Did you mean `mon`?"),
        ("window bad time", qa("windows:\n  - { days: [mon], start: \"9am\", end: \"10:00\", timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].start", (5, 31), "not a time of day"),
        ("window 24:00 start", qa("windows:\n  - { days: [mon], start: \"24:00\", end: \"24:00\", timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].start", (5, 31), "not a time of day"),
        ("window 25:00", qa("windows:\n  - { days: [mon], start: \"09:00\", end: \"25:00\", timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].end", (5, 45), "not a time of day"),
        ("window overnight", qa("windows:\n  - { days: [mon], start: \"22:00\", end: \"06:00\", timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].end", (5, 45), "as two windows"),
        ("window empty", qa("windows:\n  - { days: [mon], start: \"09:00\", end: \"09:00\", timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].end", (5, 45), "not after `start`"),
        ("window bad tz", qa("windows:\n  - { days: [mon], start: \"09:00\", end: \"10:00\", timezone: Europe/Londn }"), ErrorKind::InvalidValue, "stages.QA.windows[0].timezone", (5, 64), "unknown time zone `Europe/Londn`"),
        ("window missing tz", qa("windows:\n  - { days: [mon], start: \"09:00\", end: \"10:00\" }"), ErrorKind::MissingKey, "stages.QA.windows[0]", (5, 9), "missing field `timezone`"),
        ("freeze date only", qa("freezes:\n  - { from: 2026-12-20, to: 2027-01-04T00:00:00Z, reason: x }"), ErrorKind::InvalidValue, "stages.QA.freezes[0].from", (5, 17), "not an RFC 3339 timestamp"),
        ("freeze reversed", qa("freezes:\n  - { from: 2027-01-04T00:00:00Z, to: 2026-12-20T00:00:00Z, reason: x }"), ErrorKind::InvalidValue, "stages.QA.freezes[0].to", (5, 43), "is not after `from`"),
        ("freeze no reason", qa("freezes:\n  - { from: 2026-12-20T00:00:00Z, to: 2027-01-04T00:00:00Z, reason: \" \" }"), ErrorKind::InvalidValue, "stages.QA.freezes[0].reason", (5, 73), "`reason` is empty"),
        ("on-window-closed", qa("on-window-closed: later"), ErrorKind::InvalidValue, "stages.QA.on-window-closed", (4, 23), "Valid values: `defer`, `fail`"),
        ("hotfix unknown", qa("gates:\n  - { name: unit, junit: { paths: a } }\nhotfix:\n  skip: [window, unit, units]"), ErrorKind::InvalidValue, "stages.QA.hotfix.skip[0]", (7, 14), "Did you mean `windows`? Valid entries for this stage: `windows`, `freezes`, `approvals`, `emergency-stop`, `unit`."),
        ("hotfix unknown gate", qa("gates:\n  - { name: unit, junit: { paths: a } }\nhotfix:\n  skip: [units]"), ErrorKind::InvalidValue, "stages.QA.hotfix.skip[0]", (7, 14), "Did you mean `unit`?"),
        // Recurring windows and freezes (rrule + duration + timezone); the column of a bad rule
        // points at the offending part.
        ("rrule bad weekday", qa("windows:\n  - rrule: \"FREQ=MONTHLY;BYDAY=1XX\"\n    duration: 4h\n    timezone: Europe/Berlin"), ErrorKind::InvalidValue, "stages.QA.windows[0].rrule", (5, 30), "BYDAY \"1XX\" is not a weekday"),
        ("rrule bad weekday unquoted", qa("windows:\n  - rrule: FREQ=MONTHLY;BYDAY=1XX\n    duration: 4h\n    timezone: Europe/Berlin"), ErrorKind::InvalidValue, "stages.QA.windows[0].rrule", (5, 29), "BYDAY \"1XX\" is not a weekday"),
        ("rrule bad weekday flow", qa("windows:\n  - { rrule: \"FREQ=MONTHLY;BYDAY=1XX\", duration: 4h, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].rrule", (5, 32), "BYDAY \"1XX\""),
        ("rrule no FREQ", qa("windows:\n  - { rrule: \"BYDAY=MO\", duration: 4h, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].rrule", (5, 19), "the rule has no FREQ"),
        ("rrule unsupported part", qa("windows:\n  - { rrule: \"FREQ=YEARLY;BYEASTER=0\", duration: 4h, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].rrule", (5, 31), "BYEASTER is not supported here"),
        ("rrule ordinal out of range", qa("windows:\n  - { rrule: \"FREQ=MONTHLY;BYDAY=5SA,6SA\", duration: 4h, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].rrule", (5, 32), "ordinal 6 is out of range"),
        ("rrule COUNT without dtstart", qa("windows:\n  - { rrule: \"FREQ=DAILY;COUNT=3\", duration: 1h, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].rrule", (5, 30), "COUNT needs `dtstart`"),
        ("rrule INTERVAL without dtstart", qa("windows:\n  - { rrule: \"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO\", duration: 1h, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].rrule", (5, 31), "INTERVAL=2 needs `dtstart`"),
        ("rrule weekly without day", qa("windows:\n  - { rrule: \"FREQ=WEEKLY\", duration: 1h, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].rrule", (5, 19), "without BYDAY needs `dtstart`"),
        ("rrule without duration", qa("windows:\n  - { rrule: \"FREQ=DAILY\", timezone: UTC }"), ErrorKind::MissingKey, "stages.QA.windows[0]", (5, 9), "window with `rrule` has no `duration`"),
        ("duration zero", qa("windows:\n  - { rrule: \"FREQ=DAILY\", duration: 0m, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].duration", (5, 42), "is not longer than zero"),
        ("duration negative", qa("windows:\n  - { rrule: \"FREQ=DAILY\", duration: -4h, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].duration", (5, 42), "is not longer than zero"),
        ("duration not a duration", qa("windows:\n  - { rrule: \"FREQ=DAILY\", duration: 4 parsecs, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].duration", (5, 42), "is not a duration"),
        ("duration bare number", qa("windows:\n  - { rrule: \"FREQ=DAILY\", duration: 4, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].duration", (5, 42), "`1h30m`"),
        ("duration over a year", qa("windows:\n  - { rrule: \"FREQ=DAILY\", duration: 9000h, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].duration", (5, 42), "longer than 366 days"),
        ("rrule unknown time zone", qa("windows:\n  - { rrule: \"FREQ=DAILY\", duration: 1h, timezone: Europe/Berln }"), ErrorKind::InvalidValue, "stages.QA.windows[0].timezone", (5, 56), "unknown time zone `Europe/Berln`"),
        ("dtstart with offset", qa("windows:\n  - { rrule: \"FREQ=DAILY\", duration: 1h, timezone: UTC, dtstart: \"2026-01-05T09:00Z\" }"), ErrorKind::InvalidValue, "stages.QA.windows[0].dtstart", (5, 70), "has a UTC offset"),
        ("dtstart too early", qa("windows:\n  - { rrule: \"FREQ=DAILY\", duration: 1h, timezone: UTC, dtstart: 1066-10-14 }"), ErrorKind::InvalidValue, "stages.QA.windows[0].dtstart", (5, 70), "outside the years 1900 to 2200"),
        ("51 windows", qa(&format!("windows:\n{}", "  - { rrule: \"FREQ=DAILY\", duration: 1h, timezone: UTC }\n".repeat(51))), ErrorKind::InvalidValue, "stages.QA.windows[50]", (55, 9), "51 windows, more than the 50 a stage may list"),
        ("51 freezes", qa(&format!("freezes:\n{}", "  - { from: 2026-12-20T00:00:00Z, to: 2027-01-04T00:00:00Z, reason: x }\n".repeat(51))), ErrorKind::InvalidValue, "stages.QA.freezes[50]", (55, 9), "51 freezes, more than the 50"),
        ("dtstart not a date", qa("windows:\n  - { rrule: \"FREQ=DAILY\", duration: 1h, timezone: UTC, dtstart: next monday }"), ErrorKind::InvalidValue, "stages.QA.windows[0].dtstart", (5, 70), "is not a date-time"),
        ("days with rrule", qa("windows:\n  - { days: [mon], rrule: \"FREQ=DAILY\", duration: 1h, timezone: UTC }"), ErrorKind::InvalidValue, "stages.QA.windows[0].days", (5, 11), "`days` cannot be combined with `rrule` in one window"),
        ("start with rrule", qa("windows:\n  - rrule: \"FREQ=DAILY\"\n    start: \"09:00\"\n    duration: 1h\n    timezone: UTC"), ErrorKind::InvalidValue, "stages.QA.windows[0].start", (6, 9), "`start` cannot be combined with `rrule`"),
        ("duration without rrule", qa("windows:\n  - { days: [mon], start: \"09:00\", end: \"10:00\", timezone: UTC, duration: 1h }"), ErrorKind::InvalidValue, "stages.QA.windows[0].duration", (5, 69), "`duration` is only used with `rrule`"),
        ("dtstart without rrule", qa("windows:\n  - { days: [mon], start: \"09:00\", end: \"10:00\", timezone: UTC, dtstart: 2026-01-05 }"), ErrorKind::InvalidValue, "stages.QA.windows[0].dtstart", (5, 69), "`dtstart` is only used with `rrule`"),
        ("weekly window without days", qa("windows:\n  - { start: \"09:00\", end: \"10:00\", timezone: UTC }"), ErrorKind::MissingKey, "stages.QA.windows[0]", (5, 9), "window has no `days`"),
        ("weekly window without end", qa("windows:\n  - { days: [mon], start: \"09:00\", timezone: UTC }"), ErrorKind::MissingKey, "stages.QA.windows[0]", (5, 9), "window has no `end`"),
        ("freeze rrule bad part", qa("freezes:\n  - { rrule: \"FREQ=MONTHLY;BYMONTHDAY=32\", duration: 24h, timezone: UTC, reason: x }"), ErrorKind::InvalidValue, "stages.QA.freezes[0].rrule", (5, 32), "BYMONTHDAY \"32\" is not a day of the month"),
        ("freeze rrule without timezone", qa("freezes:\n  - { rrule: \"FREQ=DAILY\", duration: 1h, reason: x }"), ErrorKind::MissingKey, "stages.QA.freezes[0]", (5, 9), "freeze with `rrule` has no `timezone`"),
        ("freeze rrule without duration", qa("freezes:\n  - { rrule: \"FREQ=DAILY\", timezone: UTC, reason: x }"), ErrorKind::MissingKey, "stages.QA.freezes[0]", (5, 9), "freeze with `rrule` has no `duration`"),
        ("freeze rrule with from", qa("freezes:\n  - { from: 2026-12-20T00:00:00Z, rrule: \"FREQ=DAILY\", duration: 1h, timezone: UTC, reason: x }"), ErrorKind::InvalidValue, "stages.QA.freezes[0].from", (5, 11), "`from` cannot be combined with `rrule` in one freeze"),
        ("freeze rrule empty reason", qa("freezes:\n  - { rrule: \"FREQ=DAILY\", duration: 1h, timezone: UTC, reason: \"\" }"), ErrorKind::InvalidValue, "stages.QA.freezes[0].reason", (5, 69), "`reason` is empty"),
        ("fixed freeze with timezone", qa("freezes:\n  - { from: 2026-12-20T00:00:00Z, to: 2027-01-04T00:00:00Z, timezone: UTC, reason: x }"), ErrorKind::InvalidValue, "stages.QA.freezes[0].timezone", (5, 65), "`timezone` is only used with `rrule`"),
        ("fixed freeze without to", qa("freezes:\n  - { from: 2026-12-20T00:00:00Z, reason: x }"), ErrorKind::MissingKey, "stages.QA.freezes[0]", (5, 9), "freeze has no `to`"),
        ("freeze without reason", qa("freezes:\n  - { rrule: \"FREQ=DAILY\", duration: 1h, timezone: UTC }"), ErrorKind::MissingKey, "stages.QA.freezes[0]", (5, 9), "missing field `reason`"),
        // Emergency stop.
        ("emergency-stop empty label", "version: 1\nemergency-stop: { label: \" \" }\n".to_string(), ErrorKind::InvalidValue, "emergency-stop.label", (2, 26), "`label` is empty"),
        ("emergency-stop label with a comma", "version: 1\nemergency-stop: { label: \"freeze,all\" }\n".to_string(), ErrorKind::InvalidValue, "emergency-stop.label", (2, 26), "commas as separators"),
        ("emergency-stop no label", "version: 1\nemergency-stop: {}\n".to_string(), ErrorKind::MissingKey, "emergency-stop", (2, 17), "missing field `label`"),
        ("emergency-stop typo", "version: 1\nemergency-stop: { labels: x }\n".to_string(), ErrorKind::UnknownKey, "emergency-stop", (2, 19), "Did you mean `label`?"),
        ("emergency-stop as a string", "version: 1\nemergency-stop: promotion-freeze\n".to_string(), ErrorKind::InvalidType, "emergency-stop", (2, 17), "expected an emergency-stop mapping (label)"),
        ("emergency stop misspelled", "version: 1\nemergency_stop: { label: x }\n".to_string(), ErrorKind::UnknownKey, "", (2, 1), "Did you mean `emergency-stop`?"),
        // tests gate.
        ("tests and junit in one gate", gate("tests: { paths: a }\njunit: { paths: b }"), ErrorKind::InvalidValue, "stages.QA.gates[0].junit", (6, 9), "gate has two kind keys, `tests` and `junit`"),
        ("tests unknown key", gate("tests:\n  paths: a\n  max-failure: 0"), ErrorKind::UnknownKey, "stages.QA.gates[0].tests", (7, 11), "Did you mean `max-failures`?"),
        ("tests empty paths", gate("tests: { paths: [] }"), ErrorKind::InvalidValue, "stages.QA.gates[0].tests.paths", (5, 25), "`paths` is empty"),
        // Evidence keys.
        ("evidence signed-by absolute", gate("evidence: { required: [x], signed-by: [/etc/ci.pub] }"), ErrorKind::InvalidValue, "stages.QA.gates[0].evidence.signed-by[0]", (5, 48), "key path `/etc/ci.pub` is absolute"),
        ("evidence signed-by parent", gate("evidence: { required: [x], signed-by: [keys/../../ci.pub] }"), ErrorKind::InvalidValue, "stages.QA.gates[0].evidence.signed-by[0]", (5, 48), "leaves the workspace"),
        ("evidence signed-by drive", gate("evidence: { required: [x], signed-by: [\"C:\\\\keys\\\\ci.pub\"] }"), ErrorKind::InvalidValue, "stages.QA.gates[0].evidence.signed-by[0]", (5, 48), "is absolute"),
        ("evidence signed-by empty", gate("evidence: { required: [x], signed-by: [\"\"] }"), ErrorKind::InvalidValue, "stages.QA.gates[0].evidence.signed-by[0]", (5, 48), "empty key path"),
        ("evidence allow-unverified not bool", gate("evidence: { required: [x], allow-unverified: sure }"), ErrorKind::InvalidType, "stages.QA.gates[0].evidence.allow-unverified", (5, 54), "Write `true` or `false`"),
        ("where pointer without slash", gate("evidence:\n  where:\n    - { predicate-type: t, pointer: summary.critical, max: 0 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].evidence.where[0].pointer", (7, 45), "e.g. `/summary/critical`"),
        ("where pointer bad tilde", gate("evidence:\n  where:\n    - { predicate-type: t, pointer: /a~2b, max: 0 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].evidence.where[0].pointer", (7, 45), "`~` that is not `~0` or `~1`"),
        ("where min and equals", gate("evidence:\n  where:\n    - { predicate-type: t, pointer: /a, min: 1, equals: 2 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].evidence.where[0].min", (7, 49), "`min` cannot be combined with `equals`"),
        ("where no bound", gate("evidence:\n  where:\n    - { predicate-type: t, pointer: /a }"), ErrorKind::MissingKey, "stages.QA.gates[0].evidence.where[0]", (7, 15), "condition has no `min`, `max` or `equals`"),
        ("where equals a list", gate("evidence:\n  where:\n    - { predicate-type: t, pointer: /a, equals: [1] }"), ErrorKind::InvalidValue, "stages.QA.gates[0].evidence.where[0].equals", (7, 57), "`equals` is a list or mapping"),
        ("where min > max", gate("evidence:\n  where:\n    - { predicate-type: t, pointer: /a, min: 3, max: 1 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].evidence.where[0].min", (7, 54), "greater than `max`"),
        ("where max not finite", gate("evidence:\n  where:\n    - { predicate-type: t, pointer: /a, max: .nan }"), ErrorKind::InvalidValue, "stages.QA.gates[0].evidence.where[0].max", (7, 54), "must be a finite number"),
        ("where no predicate type", gate("evidence:\n  where:\n    - { pointer: /a, max: 0 }"), ErrorKind::MissingKey, "stages.QA.gates[0].evidence.where[0]", (7, 15), "missing field `predicate-type`"),
        ("where empty predicate type", gate("evidence:\n  where:\n    - { predicate-type: \" \", pointer: /a, max: 0 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].evidence.where[0].predicate-type", (7, 33), "`predicate-type` is empty"),
        ("where typo", gate("evidence:\n  where:\n    - { predicate-type: t, pointer: /a, maximum: 0 }"), ErrorKind::UnknownKey, "stages.QA.gates[0].evidence.where[0]", (7, 49), "Did you mean `max`?"),
        ("json pointer bad tilde", gate("json: { path: l.json, pointer: /a~, max: 1 }"), ErrorKind::InvalidValue, "stages.QA.gates[0].json.pointer", (5, 40), "`~` that is not `~0` or `~1`"),
    ];
    let mut failures = Vec::new();
    for (name, text, kind, path, pos, fragment) in &cases {
        match parse(FILE, text).map_err(|e| e.first().clone()) {
            Ok(_) => failures.push(format!("{name}: parsed OK")),
            Err(e) => {
                let shown = e.to_string();
                if e.kind != *kind
                    || e.path != *path
                    || (e.line, e.column) != *pos
                    || !shown.contains(fragment)
                    || !shown.starts_with(FILE)
                    || !shown.contains(&format!("line {} column {}", e.line, e.column))
                {
                    failures.push(format!(
                        "{name}: expected {kind:?} at {path:?} {pos:?} containing {fragment:?}\n   got {:?} at {:?} ({}, {}): {shown}",
                        e.kind, e.path, e.line, e.column
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn resolve_stages_table() {
    #[rustfmt::skip]
    let cases: Vec<ResolveCase> = vec![
        ("display names", "QA: {}\nSTAGING: {}\nPROD: {}", Some("bookverse"), Ok(vec!["bookverse-QA", "bookverse-STAGING", "PROD"])),
        ("full names", "bookverse-QA: {}\nPROD: {}", Some("bookverse"), Ok(vec!["bookverse-QA", "PROD"])),
        ("any case", "qa: {}\nBookverse-Staging: {}\nprod: {}", Some("bookverse"), Ok(vec!["bookverse-QA", "bookverse-STAGING", "PROD"])),
        ("no project: prefix stripped", "QA: {}\nDEV: {}", None, Ok(vec!["bookverse-QA", "bookverse-DEV"])),
        ("no project: full name", "bookverse-QA: {}", None, Ok(vec!["bookverse-QA"])),
        ("empty project = none", "QA: {}", Some(""), Ok(vec!["bookverse-QA"])),
        ("unknown", "QA: {}\nSTAGNG: {}", Some("bookverse"), Err("unknown stage `STAGNG` at line 4 column 3 (in `stages.STAGNG`). Did you mean `STAGING`? Valid stages: `DEV`, `QA`, `STAGING`, `bookverse-DEV`, `bookverse-QA`, `bookverse-STAGING`, `PROD`.")),
        ("unknown, no suggestion", "UAT: {}", Some("bookverse"), Err("unknown stage `UAT` at line 3 column 3")),
        ("wrong project prefix", "other-QA: {}", Some("bookverse"), Err("unknown stage `other-QA`")),
        ("same stage twice", "QA: {}\nbookverse-qa: {}", Some("bookverse"), Err("stages `QA` (line 3) and `bookverse-qa` both name stage `bookverse-QA` at line 4 column 3")),
    ];
    let mut failures = Vec::new();
    for (name, stages, project, expected) in cases {
        let body: String = stages.lines().map(|l| format!("  {l}\n")).collect();
        let mut p = ok(&format!("version: 1\nstages:\n{body}"));
        let got = p.resolve_stages(&lifecycle(), project);
        match (&got, &expected) {
            (Ok(()), Ok(full)) => {
                let names: Vec<&str> = p
                    .stages
                    .iter()
                    .filter_map(|s| s.full_name.as_deref())
                    .collect();
                if names != *full {
                    failures.push(format!("{name}: expected {full:?}, got {names:?}"));
                }
                for f in full {
                    if p.stage(f).is_none() {
                        failures.push(format!("{name}: stage({f}) not found"));
                    }
                }
            }
            (Err(e), Err(fragment)) if e.to_string().contains(fragment) => {}
            _ => failures.push(format!(
                "{name}: expected {expected:?}, got {:?}",
                got.map_err(|e| e.to_string())
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn resolve_stages_ambiguous_without_project() {
    let lc: Vec<String> = ["a-QA", "b-QA", "PROD"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut p = ok("version: 1\nstages:\n  QA: {}\n");
    let e = p.resolve_stages(&lc, None).expect_err("ambiguous");
    assert_eq!(e.first().kind, ErrorKind::UnknownStage);
    assert!(e.to_string().contains("matches `a-QA`, `b-QA`"), "{e}");
    assert!(p.resolve_stages(&lc, Some("b")).is_ok());
    assert_eq!(p.stages[0].full_name.as_deref(), Some("b-QA"));
}

#[test]
fn stage_lookup_before_resolution_uses_keys() {
    let p = ok("version: 1\nstages:\n  PROD: {}\n  bookverse-QA: {}\n");
    assert!(p.stage("prod").is_some());
    assert!(p.stage("bookverse-qa").is_some());
    assert!(p.stage("bookverse-STAGING").is_none());
}

/// The keys added for recurrences, the emergency stop, the `tests` gate and evidence
/// verification: accepted forms, defaults, and how they serialize.
#[test]
fn new_keys_parse_and_round_trip() {
    // `tests:` and `junit:` are one gate; the kind (and default name) follows the key.
    let p = ok(&qa(
        "gates:\n  - tests: { paths: a }\n  - tests: { paths: b }\n  - junit: { paths: c, max-failures: 2, min-tests: 5 }\nhotfix:\n  skip: [\"tests #2\", emergency-stop]",
    ));
    let g = &p.stages[0].gates;
    let names: Vec<(&str, &str)> = g.iter().map(|g| (g.name.as_str(), g.spec.kind())).collect();
    assert_eq!(
        names,
        [
            ("tests", "tests"),
            ("tests #2", "tests"),
            ("junit", "junit")
        ]
    );
    assert_eq!(
        g[2].spec,
        GateSpec::Junit {
            key: TestsKey::Junit,
            paths: vec!["c".into()],
            max_failures: 2,
            min_tests: 5,
            max_new_failures: None,
            quarantine: Vec::new(),
        }
    );
    assert_eq!(p.stages[0].hotfix_skip, ["tests #2", "emergency-stop"]);
    assert!(p.emergency_stop.is_none());

    // Evidence: `where` types are required too (after the listed ones, once each); `equals`
    // takes any scalar; min and max combine.
    let p = ok(&gate(
        "evidence:\n  required: [a]\n  signed-by: [\" .github/keys/ci.pub \", keys/release.pem]\n  allow-unverified: true\n  records: any\n  where:\n    - { predicate-type: b, pointer: \"\", min: 1, max: 2 }\n    - { predicate-type: a, pointer: /ok, equals: true }\n    - { predicate-type: b, pointer: /name, equals: \"x\" }\n    - { predicate-type: c, pointer: /a~1b/~0c, equals: null }\n    - { predicate-type: c, pointer: /n, equals: 3.5 }",
    ));
    let GateSpec::Evidence {
        required,
        signed_by,
        allow_unverified,
        conditions,
        records,
        ..
    } = &p.stages[0].gates[0].spec
    else {
        panic!("{:?}", p.stages[0].gates[0]);
    };
    assert_eq!(*records, crate::policy::RecordsRule::Any);
    assert_eq!(required, &["a", "b", "c"]);
    assert_eq!(signed_by, &[".github/keys/ci.pub", "keys/release.pem"]);
    assert!(*allow_unverified);
    let checks: Vec<(&str, &str, &ConditionCheck)> = conditions
        .iter()
        .map(|c| (c.predicate_type.as_str(), c.pointer.as_str(), &c.check))
        .collect();
    assert_eq!(
        checks,
        [
            (
                "b",
                "",
                &ConditionCheck::Range {
                    min: Some(1.0),
                    max: Some(2.0)
                }
            ),
            ("a", "/ok", &ConditionCheck::Equals(serde_json::json!(true))),
            (
                "b",
                "/name",
                &ConditionCheck::Equals(serde_json::json!("x"))
            ),
            (
                "c",
                "/a~1b/~0c",
                &ConditionCheck::Equals(serde_json::Value::Null)
            ),
            ("c", "/n", &ConditionCheck::Equals(serde_json::json!(3.5))),
        ]
    );
    // `where` alone is enough; `allow-unverified` defaults to false.
    let p = ok(&gate(
        "evidence:\n  where: [{ predicate-type: t, pointer: /x, min: 0 }]",
    ));
    assert!(matches!(
        &p.stages[0].gates[0].spec,
        GateSpec::Evidence { required, allow_unverified: false, signed_by, .. }
            if required == &["t"] && signed_by.is_empty()
    ));

    // Durations and anchors in every documented form.
    for (duration, hours) in [
        ("4h", 4.0),
        ("30m", 0.5),
        ("1h30m", 1.5),
        ("24h", 24.0),
        ("PT4H", 4.0),
        ("pt1h30m", 1.5),
        ("90 minutes", 1.5),
    ] {
        let p = ok(&qa(&format!(
            "windows:\n  - {{ rrule: \"FREQ=DAILY;BYHOUR=9\", duration: \"{duration}\", timezone: UTC }}"
        )));
        let Window::Recurring(r) = &p.stages[0].windows[0] else {
            panic!("{:?}", p.stages[0].windows);
        };
        assert_eq!(r.duration.as_secs_f64() / 3600.0, hours, "{duration}");
    }
    for (dtstart, expected) in [
        ("2026-01-05", "2026-01-05T00:00:00"),
        ("\"2026-01-05T09:30\"", "2026-01-05T09:30:00"),
        ("2026-01-05T09:30:15", "2026-01-05T09:30:15"),
    ] {
        let p = ok(&qa(&format!(
            "freezes:\n  - {{ rrule: \"FREQ=WEEKLY;INTERVAL=2\", duration: 1h, timezone: UTC, dtstart: {dtstart}, reason: r }}"
        )));
        let Freeze::Recurring(f) = &p.stages[0].freezes[0] else {
            panic!("{:?}", p.stages[0].freezes);
        };
        assert_eq!(
            f.recurrence.dtstart.map(|d| d.to_string()).as_deref(),
            Some(expected)
        );
    }

    // Serialized policy (as the record and debug output see it).
    let p = ok(EXAMPLE);
    let v = serde_json::to_value(&p).expect("serialize");
    assert_eq!(
        v["emergency_stop"],
        serde_json::json!({"label": "promotion-freeze"})
    );
    assert_eq!(v["stages"][0]["gates"][0]["spec"]["key"], "tests");
    assert_eq!(v["stages"][0]["gates"][1]["spec"]["key"], "junit");
    let prod = &v["stages"][2];
    assert_eq!(
        prod["windows"][2],
        serde_json::json!({"rrule": "FREQ=MONTHLY;BYDAY=1SA;BYHOUR=10", "duration": "4h", "timezone": "Europe/Berlin", "dtstart": null})
    );
    assert_eq!(prod["windows"][3]["dtstart"], "2026-01-05T18:00:00");
    assert_eq!(prod["windows"][0]["start"], "09:00");
    assert_eq!(
        prod["freezes"][1],
        serde_json::json!({"rrule": "FREQ=MONTHLY;BYDAY=-1FR", "duration": "24h", "timezone": "America/New_York", "dtstart": null, "reason": "month-end close"})
    );
    let staging_evidence = &v["stages"][1]["gates"][5]["spec"];
    assert_eq!(
        staging_evidence["signed_by"],
        serde_json::json!([".github/keys/ci.pub"])
    );
    assert_eq!(
        staging_evidence["conditions"][1]["check"],
        serde_json::json!({"equals": "PASSED"})
    );
}

/// The error a user sees for a bad rule names the file, line and column of the offending part,
/// the key path and the part, and says what to write instead.
#[test]
fn pinned_rrule_message() {
    let text = "version: 1\nstages:\n  PROD:\n    windows:\n      - days: [mon]\n        start: \"09:00\"\n        end: \"16:00\"\n        timezone: America/New_York\n      - rrule: \"FREQ=MONTHLY;BYDAY=1XX;BYHOUR=10\"\n        duration: 4h\n        timezone: Europe/Berlin\n";
    let e = err(text);
    assert_eq!(
        e.to_string(),
        ".github/promotion-policy.yml: BYDAY \"1XX\" is not a weekday at line 9 column 30 (in `stages.PROD.windows[1].rrule`). Write MO, TU, WE, TH, FR, SA or SU, optionally after an ordinal such as 1 (first) or -1 (last): `BYDAY=1SA`, `BYDAY=-1FR`."
    );
    // Column 30 is the `B` of `BYDAY=1XX`.
    let line = text.lines().nth(8).expect("line 9");
    assert_eq!(line.get(29..38), Some("BYDAY=1XX"));
}
