//! Tests of `applications` (one policy for many applications) and `x-` keys.

use super::*;

const FILE: &str = "p.yml";

/// Shared stages plus two applications; `web` overrides, removes and adds, `api` only adds.
const MONOREPO: &str = "\
version: 1
x-unit: &unit
  name: unit
  tests: { paths: \"reports/unit/*.xml\" }
x-prod-window: &window
  days: [mon, tue, wed, thu]
  start: \"09:00\"
  end: \"16:00\"
  timezone: UTC
stages:
  QA:
    gates:
      - *unit
      - coverage: { path: c.xml, min-line: 80 }
    hotfix: { skip: [coverage] }
  PROD:
    approvals: { environment: production, min: 2 }
    windows: [*window]
    on-window-closed: defer
applications:
  web:
    stages:
      qa:
        gates: [*unit]
        hotfix: ~
      PROD:
        windows: null
        approvals: { environment: web-prod }
      STAGING:
        gates: [{ integrity: {} }]
  api:
    stages:
      STAGING: {}
";

fn stage<'a>(p: &'a Policy, key: &str) -> &'a StagePolicy {
    p.stages
        .iter()
        .find(|s| s.key.eq_ignore_ascii_case(key))
        .unwrap_or_else(|| panic!("no stage {key} in {:?}", p.stages))
}

#[test]
fn an_application_overrides_key_by_key() {
    let mut p = parse(FILE, MONOREPO).expect("parses");
    assert_eq!(p.applications.len(), 2);
    assert_eq!(p.select_application("web"), None);
    assert_eq!(p.application.as_deref(), Some("web"));
    let keys: Vec<&str> = p.stages.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        keys,
        ["qa", "PROD", "STAGING"],
        "shared order, then added stages"
    );

    let qa = stage(&p, "QA");
    let names: Vec<&str> = qa.gates.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["unit"], "`gates` replaced as a whole");
    assert!(
        qa.hotfix_skip.is_empty(),
        "`hotfix: ~` removes the shared one"
    );

    let prod = stage(&p, "PROD");
    assert!(
        prod.windows.is_empty(),
        "`windows: null` removes the shared windows"
    );
    let approvals = prod
        .approvals
        .as_ref()
        .expect("approvals replaced, not removed");
    assert_eq!(
        (approvals.environment.as_str(), approvals.min),
        ("web-prod", 1)
    );
    assert_eq!(prod.on_window_closed, OnWindowClosed::Defer, "inherited");
    assert_eq!(prod.path, "applications.web.stages.PROD");

    assert_eq!(stage(&p, "STAGING").gates[0].spec.kind(), "integrity");
}

#[test]
fn without_an_entry_the_shared_stages_apply() {
    let shared = parse(FILE, MONOREPO).expect("parses");
    let mut p = shared.clone();
    assert_eq!(p.select_application("inventory"), None, "not a near miss");
    assert_eq!(p.stages, shared.stages);
    assert_eq!(p.application, None);

    let mut p = shared.clone();
    assert_eq!(p.select_application("API"), None, "case does not matter");
    assert_eq!(p.application.as_deref(), Some("api"));
    assert_eq!(stage(&p, "QA").gates.len(), 2, "QA inherited whole");
    assert_eq!(p.stages.len(), 3);

    let mut p = shared;
    let w = p.select_application("webb").expect("a warning");
    assert!(w.contains("did you mean `web`?"), "{w}");
    assert_eq!(p.application, None);
}

/// Each application's merged stages are validated: an inherited `hotfix.skip` naming a gate
/// the application replaced is an error that says which application; errors in an
/// application's own entries point at them; a shared error is not repeated per application.
#[test]
fn every_application_is_validated() {
    let text = "\
version: 1
stages:
  QA:
    gates:
      - coverage: { path: c.xml, min-line: 80 }
      - benchmark: { path: b.json, max: -1 }
    hotfix: { skip: [coverage] }
applications:
  web:
    stages:
      QA:
        gates: [{ integrity: {} }]
  api:
    stages:
      PROD:
        approvals: { environment: \"\" }
        gatez: []
  mobile:
    stage: {}
";
    let e = parse(FILE, text).expect_err("errors");
    let seen: Vec<(usize, &str)> = e
        .errors()
        .iter()
        .map(|e| (e.line, e.message.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (6, "`max` is -1, but must be a finite number ≥ 0"),
            (
                7,
                "unknown hotfix skip entry `coverage` (for application `web`)"
            ),
            (16, "`environment` is empty"),
            (17, "unknown field `gatez`"),
            (19, "unknown field `stage`"),
        ],
        "{e}"
    );
    assert_eq!(
        e.errors()[2].path,
        "applications.api.stages.PROD.approvals.environment"
    );
}

/// An application's stage that is not among the shared ones but nearly is: a warning (as
/// written it adds a stage rather than overriding one).
#[test]
fn an_application_stage_that_nearly_names_a_shared_one_is_warned_about() {
    let p = parse(
        FILE,
        "version: 1\nstages:\n  STAGING: {}\napplications:\n  web:\n    stages:\n      STAGNG: {}\n      PREVIEW: {}\n",
    )
    .expect("warnings only");
    let w: Vec<&str> = p.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(
        w,
        [
            "application `web` names stage `STAGNG`, which `stages` does not have; it looks like a misspelling of `STAGING` (line 3)"
        ]
    );
    assert_eq!((p.warnings[0].line, p.warnings[0].column), (7, 7));
}

/// `x-` keys are ignored wherever their content would be wrong; other unknown top-level keys
/// still are errors, whose help mentions `x-`.
#[test]
fn x_keys_are_ignored_and_other_keys_are_not() {
    let p = parse(
        FILE,
        "version: 1\nx-notes: { anything: [1, 2] }\nx-other: 5\nstages: {}\n",
    )
    .expect("x- keys are ignored");
    assert!(p.stages.is_empty());
    let e = parse(FILE, "version: 1\nnotes: {}\n").expect_err("unknown key");
    assert!(e.first().help.contains("`x-`"), "{e}");
}

/// The selected application's stages resolve like any others; an unknown stage in its entry
/// is named at its own line.
#[test]
fn application_stages_resolve_against_the_lifecycle() {
    let lifecycle: Vec<String> = ["bookverse-DEV", "bookverse-QA", "bookverse-STAGING", "PROD"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut p = parse(FILE, MONOREPO).expect("parses");
    p.select_application("web");
    p.resolve_stages(&lifecycle, Some("bookverse"))
        .expect("resolves");
    assert!(p.stage("bookverse-QA").is_some());
    assert!(p.stage("bookverse-STAGING").is_some());

    let mut p = parse(
        FILE,
        "version: 1\nstages:\n  QA: {}\napplications:\n  web:\n    stages:\n      UAT: {}\n",
    )
    .expect("parses");
    p.select_application("web");
    let e = p
        .resolve_stages(&lifecycle, Some("bookverse"))
        .expect_err("unknown");
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e.first().line, e.first().path.as_str()),
        (7, "applications.web.stages.UAT")
    );
}
