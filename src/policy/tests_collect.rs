//! Tests of reporting every problem of a file at once, and of the stage-name checks.

use super::*;

const FILE: &str = "p.yml";

fn errors(text: &str) -> Vec<PolicyError> {
    match parse(FILE, text) {
        Ok(p) => panic!("expected errors, parsed {p:#?}"),
        Err(e) => e.errors().to_vec(),
    }
}

fn lifecycle() -> Vec<String> {
    ["bookverse-DEV", "bookverse-QA", "bookverse-STAGING", "PROD"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// Five mistakes of five kinds (type, unknown key, value, time zone, cross-reference) in
/// three stages: five errors, in file order, each at its own line.
#[test]
fn five_mistakes_five_errors_in_file_order() {
    let text = "\
version: 1
stages:
  QA:
    gates:
      - tests: { paths: a, min-tests: many }
      - coverage: { path: c.xml, min-lin: 80 }
  STAGING:
    approvals: { environment: staging, min: 0 }
  PROD:
    windows:
      - { days: [mon], start: \"09:00\", end: \"10:00\", timezone: Europe/Berln }
    hotfix: { skip: [widows] }
";
    let all = errors(text);
    let seen: Vec<(ErrorKind, usize, &str)> = all
        .iter()
        .map(|e| (e.kind, e.line, e.path.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                ErrorKind::InvalidType,
                5,
                "stages.QA.gates[0].tests.min-tests"
            ),
            (ErrorKind::UnknownKey, 6, "stages.QA.gates[1].coverage"),
            (ErrorKind::InvalidValue, 8, "stages.STAGING.approvals.min"),
            (
                ErrorKind::InvalidValue,
                11,
                "stages.PROD.windows[0].timezone"
            ),
            (ErrorKind::InvalidValue, 12, "stages.PROD.hotfix.skip[0]"),
        ]
    );
    assert!(
        all[3].help.contains("Did you mean `Europe/Berlin`?"),
        "{}",
        all[3]
    );
    assert!(
        all[4].help.contains("Did you mean `windows`?"),
        "{}",
        all[4]
    );
    let shown = parse(FILE, text).expect_err("errors").to_string();
    assert!(shown.starts_with("p.yml: 5 problems:\n1. "), "{shown}");
    assert_eq!(shown.lines().count(), 6, "{shown}");
}

/// Mistakes at every level of the file: the top level, a stage, a repeated key, a stage that
/// is not a mapping, a bad gate and a good one after it.
#[test]
fn every_level_reports_and_goes_on() {
    let text = "\
version: 2
emergency_stop: { label: x }
stages:
  QA:
    gates: []
    gates: []
    approval: { environment: qa }
  STAGING: 5
  PROD:
    gates:
      - junitt: { paths: a }
      - { name: ok, integrity: {} }
    hotfix: { skip: [nope] }
";
    let all = errors(text);
    let seen: Vec<(usize, ErrorKind)> = all.iter().map(|e| (e.line, e.kind)).collect();
    assert_eq!(
        seen,
        [
            (1, ErrorKind::UnsupportedVersion),
            (2, ErrorKind::UnknownKey),
            (6, ErrorKind::DuplicateKey),
            (7, ErrorKind::UnknownKey),
            (8, ErrorKind::InvalidType),
            (11, ErrorKind::UnknownKey),
        ],
        "{all:#?}"
    );
    // PROD's hotfix names a gate that may be the unreadable one: not a second error.
    assert!(!all.iter().any(|e| e.message.contains("nope")));
}

/// Text the YAML parser cannot read stops at the first syntax error: one error.
#[test]
fn syntax_errors_stop_the_parser() {
    let all = errors("version: 1\nstages:\n  QA: { gates: [ }\n  PROD:\n   - x: [\n");
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].kind, ErrorKind::Syntax);
}

/// A hostile file with hundreds of mistakes reports at most [`MAX_ERRORS`], and says so.
#[test]
fn errors_are_capped() {
    let gates = "      - coverage: { path: c.xml, min-line: 500 }\n".repeat(200);
    let text = format!("version: 1\nstages:\n  QA:\n    gates:\n{gates}");
    let e = parse(FILE, &text).expect_err("errors");
    assert_eq!(e.len(), MAX_ERRORS);
    assert!(e.to_string().contains("the first ones"), "{e}");
}

/// At run time every unknown stage is named, each at its own line.
#[test]
fn resolve_names_every_unknown_stage() {
    let mut p = parse(
        FILE,
        "version: 1\nstages:\n  QA: {}\n  STAGNG: {}\n  UAT: {}\n",
    )
    .expect("parses");
    let e = p
        .resolve_stages(&lifecycle(), Some("bookverse"))
        .expect_err("unknown stages");
    let named: Vec<(usize, &str)> = e
        .errors()
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(
        named,
        [(4, "unknown stage `STAGNG`"), (5, "unknown stage `UAT`")]
    );
    assert!(p.stages.iter().all(|s| s.full_name.is_none()));
}

/// Stage keys that look like misspellings of each other (or the same stage with its project
/// prefix) are warnings, not errors; numbered and suffixed variants are not.
#[test]
fn stage_names_that_look_like_typos_are_warned_about() {
    let p = parse(
        FILE,
        "version: 1\nstages:\n  STAGING: {}\n  STAGNG: {}\n  QA: {}\n  bookverse-QA: {}\n  PROD-EU: {}\n  PROD-US: {}\n",
    )
    .expect("warnings only");
    let w: Vec<(usize, &str)> = p
        .warnings
        .iter()
        .map(|w| (w.line, w.message.as_str()))
        .collect();
    assert_eq!(
        w,
        [
            (
                4,
                "stage `STAGNG` looks like a misspelling of `STAGING` (line 3)"
            ),
            (
                6,
                "stages `bookverse-QA` and `QA` (line 5) probably name the same stage"
            ),
        ]
    );
    assert!(
        p.warnings
            .iter()
            .all(|w| w.kind == ErrorKind::SuspiciousName)
    );
}

/// "did you mean `x`?" is never followed by a second full stop in any message.
#[test]
fn no_double_punctuation_after_a_suggestion() {
    let text = "version: 1\nstage: {}\nstages:\n  QA:\n    gate: []\n    on-window-closed: later\n    windows:\n      - { days: [mon], start: \"09:00\", end: \"10:00\", timezone: Europe/Londn }\n";
    let shown = parse(FILE, text).expect_err("errors").to_string();
    assert!(shown.contains("Did you mean `stages`?"), "{shown}");
    assert!(shown.contains("Did you mean `Europe/London`?"), "{shown}");
    for bad in ["?.", "? .", ".."] {
        assert!(!shown.contains(bad), "`{bad}` in {shown}");
    }
}
