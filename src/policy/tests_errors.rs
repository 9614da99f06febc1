//! The policy parser's error messages: each mistake names its line, column, key and fix, as
//! pinned here word for word.

use super::tests::*;
use super::*;

/// name, text, kind, key path, (line, column), message fragment
type ErrorCase = (
    &'static str,
    String,
    ErrorKind,
    &'static str,
    (usize, usize),
    &'static str,
);

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

/// One row per error class: text, kind, key path, line, column, and a fragment of the message;
/// the rows are grouped by subject, one test a group, and every group is checked the same way.
fn assert_error_rows(cases: &[ErrorCase]) {
    let mut failures = Vec::new();
    for (name, text, kind, path, pos, fragment) in cases {
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

/// The document, its keys, stages and gate lists.
#[test]
fn document_and_key_errors() {
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
    ];
    assert_error_rows(&cases);
}

/// Each gate kind's own keys and thresholds.
#[test]
fn gate_threshold_errors() {
    #[rustfmt::skip]
    let cases: Vec<ErrorCase> = vec![
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
    ];
    assert_error_rows(&cases);
}

/// Approvals, weekly windows, fixed freezes, `on-window-closed` and `hotfix`.
#[test]
fn approval_window_and_freeze_errors() {
    #[rustfmt::skip]
    let cases: Vec<ErrorCase> = vec![
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
    ];
    assert_error_rows(&cases);
}

/// Recurring windows and freezes (rrule + duration + timezone).
#[test]
fn recurring_window_and_freeze_errors() {
    #[rustfmt::skip]
    let cases: Vec<ErrorCase> = vec![
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
    ];
    assert_error_rows(&cases);
}

/// The emergency stop, the `tests` gate and the evidence gate's keys.
#[test]
fn emergency_stop_tests_and_evidence_errors() {
    #[rustfmt::skip]
    let cases: Vec<ErrorCase> = vec![
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
    assert_error_rows(&cases);
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
