//! Gated promotions end to end: policy file + real-tool reports in the workspace.

use crate::common::{Action, Sim, fixture};

const APP: &str = "bookverse-inventory";

pub(crate) fn demo_file(rel: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("demo")
            .join(rel),
    )
    .expect("demo file")
}

/// The demo's policy against `sim_url`: its live gates ask that simulator's monitoring routes,
/// and the `verify` watch of PROD is left out (it would wait ten real minutes here; the demo's
/// own tests and tests/it/verify.rs cover it on a virtual clock).
pub(crate) fn demo_policy(sim_url: &str) -> String {
    let policy = demo_file("promotion-policy.yml").replace("http://127.0.0.1:8080", sim_url);
    match policy.find("\n    verify:") {
        Some(i) => policy[..=i].to_string(),
        None => policy,
    }
}

/// The demo's policy and reports (`failing`: the failing ones) in the workspace, and what its
/// PROD `attestations` gate reads: the version's image carries the digest GitHub attested, and
/// the simulator serves GitHub's attestations API, as in `promote-action demo`.
pub(crate) fn with_reports(sim: &Sim, action: &mut Action, failing: bool) {
    let version = action.inputs.get("version").cloned().unwrap_or_default();
    sim.sim.attest_demo_image(APP, &version);
    action
        .input("github-token", crate::common::TOKEN)
        .env("GITHUB_API_URL", &format!("{}/github", sim.url));
    let dir = if failing { "failing" } else { "reports" };
    let policy = demo_policy(&action.inputs["jfrog-url"]);
    action
        .file(".github/promotion-policy.yml", &policy)
        .file(
            ".github/keys/bookverse-ci.pub",
            &demo_file("keys/bookverse-ci.pub"),
        )
        .file(
            "reports/junit/pytest.xml",
            &demo_file(&format!("{dir}/junit/pytest.xml")),
        )
        .file(
            "reports/coverage.xml",
            &demo_file(&format!("{dir}/coverage.xml")),
        )
        .file(
            "reports/bandit.sarif",
            &demo_file(&format!("{dir}/bandit.sarif")),
        )
        .file(
            "reports/bench.json",
            &demo_file(&format!("{dir}/bench.json")),
        );
}

#[test]
fn passing_reports_promote_all_the_way() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0").input("target-stage", "PROD");
    with_reports(&sim, &mut a, false);
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "released");
    let gates: serde_json::Value = serde_json::from_str(run.out("gates")).expect("gates is JSON");
    // QA 4 (bake, tests, coverage, evidence), STAGING 4 (scan, benchmark, integrity, health),
    // PROD 3 (integrity, build provenance, windows).
    assert_eq!(gates.as_array().expect("array").len(), 11);
    assert!(
        gates
            .as_array()
            .expect("array")
            .iter()
            .all(|g| g["status"] == "pass"),
        "{gates}"
    );
    assert_eq!(run.out("failed-gates"), "");
}

#[test]
fn a_failing_test_blocks_before_qa_with_annotations_and_no_post() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0").input("target-stage", "PROD");
    with_reports(&sim, &mut a, true);
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.out("result"), "blocked");
    assert_eq!(run.out("to-stage"), "bookverse-DEV");
    assert_eq!(run.out("failed-gates"), "unit tests");
    assert!(
        run.stdout.contains("::error file=tests/test_stock.py,line=22,title=tests.test_stock%3A%3Atest_grade_boundary[51-F]::AssertionError: assert 'C' == 'F'"),
        "{}",
        run.stdout
    );
    assert_eq!(
        crate::common::mutations(&sim),
        vec![],
        "no promote request for a blocked stage"
    );
    assert!(
        run.summary
            .contains("<details><summary>1 failing test</summary>"),
        "{}",
        run.summary
    );
}

#[test]
fn a_high_severity_finding_blocks_staging_after_qa_went_through() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0").input("target-stage", "STAGING");
    with_reports(&sim, &mut a, false);
    a.file("reports/bandit.sarif", &demo_file("failing/bandit.sarif"));
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(
        run.out("to-stage"),
        "bookverse-QA",
        "QA passed and was promoted; STAGING was not"
    );
    assert_eq!(run.out("failed-gates"), "security scan");
    assert_eq!(sim.sim.promotions_applied(), 1);
    assert!(
        run.stdout.contains("::error file=inventory/stock.py"),
        "{}",
        run.stdout
    );
}

#[test]
fn missing_reports_fail_the_gate_naming_the_pattern() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0").file(
        ".github/promotion-policy.yml",
        &demo_file("promotion-policy.yml"),
    );
    let run = a.run();
    assert_eq!(run.code, 1);
    assert!(
        run.out("gates")
            .contains("no file matches `reports/junit/**/*.xml`"),
        "{}",
        run.out("gates")
    );
    assert_eq!(sim.sim.promotions_applied(), 0);
}

#[test]
fn hostile_reports_fail_cleanly() {
    for (name, expect) in [
        ("hostile/billion-laughs.xml", "refused"),
        ("hostile/xxe.xml", "refused"),
        ("hostile/truncated.xml", "not valid"),
        ("hostile/json-as-xml.xml", ""),
    ] {
        let sim = Sim::start();
        let mut a = Action::new(&sim, APP);
        a.input("version", "1.2.0");
        with_reports(&sim, &mut a, false);
        a.file(
            "reports/junit/pytest.xml",
            &std::fs::read_to_string(fixture(name)).unwrap_or_default(),
        );
        let run = a.run();
        assert_eq!(run.code, 1, "{name}: {}", run.stdout);
        assert!(
            run.out("gates").contains(expect),
            "{name}: {}",
            run.out("gates")
        );
        assert!(
            !run.out("gates").contains("root:"),
            "{name}: no file content leaks"
        );
    }
}

#[test]
fn default_policy_absent_warns_and_explicit_absent_is_an_input_error() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP).input("version", "1.2.0").run();
    assert_eq!(run.code, 0);
    assert!(run.summary.contains("No policy file at"), "{}", run.summary);
    let run = Action::new(&sim, APP)
        .input("version", "1.3.0")
        .input("policy", "ci/policy.yml")
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .contains("input `policy`: the file `ci/policy.yml` does not exist"),
        "{}",
        run.stdout
    );
}

#[test]
fn invalid_policy_exits_2_with_line_and_suggestion_before_any_request() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0").file(".github/promotion-policy.yml", "version: 1\nstages:\n  QA:\n    gates:\n      - junit:\n          paths: [a.xml]\n          max-failure: 0\n");
    let run = a.run();
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.contains("line 7 column 11"), "{}", run.stdout);
    assert!(run.stdout.contains("max-failures"), "{}", run.stdout);
    assert!(sim.sim.requests().is_empty());
}

#[test]
fn unknown_stage_in_policy_is_named() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0").file(
        ".github/promotion-policy.yml",
        "version: 1\nstages:\n  UAT:\n    gates: []\n",
    );
    let run = a.run();
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stdout.contains("UAT"), "{}", run.stdout);
}

const WINDOWED: &str = "version: 1
stages:
  QA:
    windows:
      - days: [mon, tue, wed, thu, fri]
        start: \"09:00\"
        end: \"17:00\"
        timezone: America/New_York
    freezes:
      - from: 2026-12-20T00:00:00Z
        to: 2027-01-04T00:00:00Z
        reason: year-end freeze
    on-window-closed: defer
    hotfix:
      skip: [windows, freezes]
";

#[test]
fn scheduled_runs_outside_the_window_defer() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    // Saturday 2026-11-28 12:00 New York time.
    a.input("version", "1.2.0")
        .file(".github/promotion-policy.yml", WINDOWED)
        .env("PROMOTE_ACTION_NOW", "2026-11-28T17:00:00Z")
        .env("GITHUB_EVENT_NAME", "schedule");
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "deferred");
    assert_eq!(run.out("failed-gates"), "", "a deferral fails no gate");
    assert!(
        run.stdout
            .contains("::warning title=promote-action::PROMOTE_ACTION_NOW is set"),
        "an overridden clock is never silent: {}",
        run.stdout
    );
    assert!(
        run.summary.contains("PROMOTE\\_ACTION\\_NOW is set"),
        "{}",
        run.summary
    );
    assert_eq!(sim.sim.promotions_applied(), 0);
    assert!(
        run.summary.contains("next opening at 2026-11-30T14:00:00Z"),
        "{}",
        run.summary
    );
}

#[test]
fn manual_runs_outside_the_window_are_blocked_and_hotfix_skips_it() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(".github/promotion-policy.yml", WINDOWED)
        .env("PROMOTE_ACTION_NOW", "2026-12-22T15:00:00Z");
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.out("failed-gates"), "freezes");
    assert!(run.out("gates").contains("year-end freeze"));
    a.input("hotfix", "true")
        .input("reason", "CVE-2026-1234 fix");
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "promoted");
    assert!(
        run.out("gates").contains("\"status\":\"skip\""),
        "{}",
        run.out("gates")
    );
    assert!(run.summary.contains("Hotfix"), "{}", run.summary);
    assert!(run.summary.contains("CVE-2026-1234 fix"));
}

#[test]
fn validate_command_checks_a_policy_file() {
    let ok = std::process::Command::new(env!("CARGO_BIN_EXE_promote-action"))
        .args([
            "validate",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/promotion-policy.yml"),
        ])
        .output()
        .expect("runs");
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let dir = tempfile::tempdir().expect("tmp");
    let bad = dir.path().join("p.yml");
    std::fs::write(&bad, "version: 2\n").expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_promote-action"))
        .args(["validate", bad.to_str().expect("utf8")])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_promote-action"))
        .args(["validate", "/nonexistent/p.yml"])
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(2));
}

const INTEGRITY_POLICY: &str = "version: 1\nstages:\n  QA:\n    gates:\n      - name: artifacts\n        integrity:\n          files: [\"dist/**\"]\n";

fn write_artifacts(sim: &Sim, a: &mut Action, version: &str) {
    let v = sim.sim.version(APP, version).expect("version");
    for (i, r) in v.releasables.iter().enumerate() {
        for art in &r.artifacts {
            let bytes = promote_action::simulator::seed_artifact_bytes(&art.path);
            a.file(
                &format!("dist/{i}/{}", art.path.rsplit('/').next().unwrap_or("a")),
                &String::from_utf8(bytes).expect("utf8"),
            );
        }
    }
}

#[test]
fn integrity_passes_when_local_files_match_the_version() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(".github/promotion-policy.yml", INTEGRITY_POLICY);
    write_artifacts(&sim, &mut a, "1.2.0");
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.out("gates"));
    assert!(
        run.summary.contains("local files checked"),
        "{}",
        run.summary
    );
}

#[test]
fn integrity_fails_on_a_tampered_file_or_an_incomplete_version() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(".github/promotion-policy.yml", INTEGRITY_POLICY);
    write_artifacts(&sim, &mut a, "1.2.0");
    a.file("dist/0/tampered.bin", "not what AppTrust has");
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.out("gates"));
    assert!(
        run.out("gates").contains("dist/0/tampered.bin"),
        "{}",
        run.out("gates")
    );

    let sim = Sim::start();
    sim.sim.set_version_status(APP, "1.2.0", "IN_PROGRESS");
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(".github/promotion-policy.yml", INTEGRITY_POLICY);
    write_artifacts(&sim, &mut a, "1.2.0");
    let run = a.run();
    // Caught before any gate, by the version-status check, which says what to wait for.
    assert_eq!(run.code, 1);
    assert!(
        run.out("gates").contains("version 1.2.0 is IN_PROGRESS"),
        "{}",
        run.out("gates")
    );
    assert_eq!(sim.sim.promotions_applied(), 0);
}

#[test]
fn the_log_explains_every_verdict_and_the_blocked_error_names_each_figure() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0").input("target-stage", "PROD");
    // The failing demo: one failed test, and line coverage 93.3 % against a raised bound.
    with_reports(&sim, &mut a, true);
    let policy = demo_policy(&sim.url).replace("min-line: 80", "min-line: 95");
    assert_ne!(
        policy,
        demo_policy(&sim.url),
        "the demo policy has min-line: 80"
    );
    a.file(".github/promotion-policy.yml", &policy);
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    // One line per gate of the stage that failed, not folded, each with its figure.
    assert!(
        lines.iter().any(
            |l| l.starts_with("QA · coverage: line coverage 93.3 % is below 95 %")
                && l.ends_with("→ fail")
        ),
        "{}",
        run.stdout
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("QA · unit tests: 1 test failed") && l.ends_with("→ fail")),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("::group::QA"), "{}", run.stdout);
    // The blocked error names each failed gate with its figure (`%` is `%25` in a command).
    let error = lines
        .iter()
        .find(|l| l.starts_with("::error title=promote-action%3A blocked::"))
        .expect("blocked ::error");
    // Several failed gates are a list, one whole reason per line (`%0A`), never cut short.
    assert!(
        error.ends_with("blocked by 2 failed gates; the version stays in DEV:%0A- unit tests: 1 test failed (1 failure, 0 errors), at most 0 allowed%0A- coverage: line coverage 93.3 %25 is below 95 %25"),
        "{error}"
    );
}

#[test]
fn stages_that_passed_are_folded_into_a_group() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0").input("target-stage", "PROD");
    with_reports(&sim, &mut a, false);
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    for stage in ["QA", "STAGING"] {
        let open = run
            .stdout
            .find(&format!("::group::{stage} · "))
            .unwrap_or_else(|| panic!("no group for {stage}:\n{}", run.stdout));
        let close = open + run.stdout[open..].find("::endgroup::").expect("endgroup");
        let inside = &run.stdout[open..close];
        assert!(
            inside
                .lines()
                .skip(1)
                .all(|l| l.starts_with(&format!("{stage} · ")) && l.ends_with("→ pass")),
            "{inside}"
        );
    }
}
