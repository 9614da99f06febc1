//! The policy's keys one by one: defaults, single-string paths, default gate names, stage
//! resolution against the lifecycle, and the newer keys' round trip through JSON.

use super::tests::*;
use super::*;

/// name, stage keys, project, resolved full names or error fragment
type ResolveCase = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Result<Vec<&'static str>, &'static str>,
);

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
/// verification: accepted forms, defaults, and how they serialize (this test and the three
/// after it). First the `tests` gate.
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
}

#[test]
fn new_evidence_keys_parse_with_their_defaults() {
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
}

#[test]
fn new_duration_and_dtstart_forms_parse() {
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
}

#[test]
fn new_keys_round_trip_to_json() {
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
