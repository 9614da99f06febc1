//! Regressions only, quarantine and flaky tests, through the binary against the simulator: the
//! baseline is the decision attestation of the version now in the stage (real pytest reports of
//! three versions, tests/fixtures/tests/regressions/), quarantined failures pass as `warn`,
//! expired entries are warned about, Surefire and pytest reruns count as flaky passes.

use promote_action::simulator::DEMO_PRIVATE_KEY;
use serde_json::Value;

use crate::common::{Action, Run, Sim, fixture};

const APP: &str = "bookverse-inventory";

fn report(name: &str) -> String {
    std::fs::read_to_string(fixture(&format!("tests/{name}"))).expect("fixture")
}

fn policy(extra: &str) -> String {
    format!(
        "version: 1\nstages:\n  QA:\n    gates:\n      - name: unit tests\n        tests:\n          paths: reports/*.xml\n{extra}"
    )
}

/// Promotes `version` to QA with `report` as its test results, signing the decision.
fn promote(sim: &Sim, version: &str, report_file: &str, policy: &str) -> Run {
    let mut a = Action::new(sim, APP);
    a.input("version", version)
        .input("target-stage", "QA")
        .input("evidence-key", DEMO_PRIVATE_KEY)
        .input("evidence-key-alias", "bookverse-ci")
        .file(".github/promotion-policy.yml", policy)
        .file("reports/junit.xml", &report(report_file));
    for line in DEMO_PRIVATE_KEY.lines().filter(|l| !l.starts_with("-----")) {
        a.secret(line);
    }
    a.run()
}

fn gate(run: &Run) -> Value {
    let gates: Value = serde_json::from_str(run.out("gates")).expect("gates JSON");
    gates
        .as_array()
        .and_then(|g| g.iter().find(|g| g["gate"] == "unit tests"))
        .cloned()
        .unwrap_or_else(|| panic!("no unit tests row: {gates}"))
}

#[test]
fn only_failures_new_since_the_version_in_the_stage_block() {
    let sim = Sim::start();
    let regression = "          max-failures: 2\n          max-new-failures: 0\n";
    // 1.2.0 reaches QA with two failing tests: nothing is in QA yet, so max-failures applies.
    let base = promote(
        &sim,
        "1.2.0",
        "regressions/baseline.xml",
        &policy(regression),
    );
    assert_eq!(base.code, 0, "{}", base.stdout);
    assert_eq!(base.out("result"), "promoted");
    assert!(
        gate(&base)["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("no baseline: no other version is in QA yet"),
        "{}",
        gate(&base)
    );
    let strict = "          max-new-failures: 0\n";
    // 1.3.0: the same two and one new → blocked naming the new one only.
    let new = promote(
        &sim,
        "1.3.0",
        "regressions/candidate-new.xml",
        &policy(strict),
    );
    assert_eq!(new.code, 1, "{}", new.stdout);
    assert_eq!(new.out("result"), "blocked");
    let row = gate(&new);
    let detail = row["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("1 new failing test")
            && detail.contains("tests.test_inventory::test_reserve_last_copy")
            && detail.contains("not failing in 1.2.0"),
        "{detail}"
    );
    assert!(!detail.contains("test_stock_rounding,"), "{detail}");
    assert!(
        new.summary
            .contains("New failures (not failing in 1.2.0)**: 1"),
        "{}",
        new.summary
    );
    assert!(
        new.summary.contains("Failing in 1.2.0 too**: 2"),
        "{}",
        new.summary
    );
    let errors: Vec<&str> = new
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error file="))
        .collect();
    assert_eq!(
        errors.len(),
        1,
        "only the new failure is annotated: {errors:?}"
    );
    assert!(errors[0].contains("test_reserve_last_copy"), "{errors:?}");
    // 1.3.0 without the new failure → passes, listing the two known.
    let known = promote(
        &sim,
        "1.3.0",
        "regressions/candidate-known.xml",
        &policy(strict),
    );
    assert_eq!(known.code, 0, "{}", known.stdout);
    assert_eq!(known.out("result"), "promoted");
    assert_eq!(gate(&known)["status"], "pass");
    assert!(
        known.summary.contains("Failing in 1.2.0 too**: 2"),
        "{}",
        known.summary
    );
    assert!(
        known
            .summary
            .contains("`tests.test_inventory::test_stock_rounding`")
    );
    let tests = &known.record.as_ref().expect("record")["outcome"]["tests"][0];
    assert_eq!(tests["baseline_version"], "1.2.0");
    assert_eq!(tests["known_failures"]["total"], 2);
}

#[test]
fn a_baseline_that_cannot_be_trusted_falls_back_to_max_failures() {
    let sim = Sim::start();
    let regression = "          max-failures: 2\n          max-new-failures: 0\n";
    let base = promote(
        &sim,
        "1.2.0",
        "regressions/baseline.xml",
        &policy(regression),
    );
    assert_eq!(base.code, 0, "{}", base.stdout);
    // This run signs with another key (rotated): the attestation of 1.2.0 must verify with
    // the run's own key, and does not.
    let other = std::fs::read_to_string(fixture("keys/p256.key")).expect("key");
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.3.0")
        .input("target-stage", "QA")
        .input("evidence-key", &other)
        .input("evidence-key-alias", "rotated")
        .file(
            ".github/promotion-policy.yml",
            &policy("          max-new-failures: 0\n"),
        )
        .file(
            "reports/junit.xml",
            &report("regressions/candidate-known.xml"),
        );
    let run = a.run();
    assert_eq!(run.out("result"), "blocked", "{}", run.stdout);
    let detail = gate(&run)["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        detail.contains("no baseline") && detail.contains("can be trusted"),
        "{detail}"
    );
}

#[test]
fn quarantined_failures_warn_expired_entries_fail_and_reruns_are_flaky() {
    let sim = Sim::start();
    let quarantine = |until: &str| {
        format!(
            "          quarantine:\n            - test: \"com.example.NetworkTest::always*\"\n              until: {until}\n              reason: \"upstream sandbox times out; owner @platform\"\n            - test: \"com.example.Gone::*\"\n              until: 2999-01-01\n              reason: renamed long ago\n"
        )
    };
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(
            ".github/promotion-policy.yml",
            &policy(&quarantine("2999-12-31")),
        )
        .file(
            "reports/junit.xml",
            &report("surefire-reruns/TEST-com.example.NetworkTest.xml"),
        );
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "promoted");
    let row = gate(&run);
    assert_eq!(row["status"], "warn", "{row}");
    assert!(
        row["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("quarantined by `com.example.NetworkTest::always*`"),
        "{row}"
    );
    assert!(
        run.summary.contains("**Flaky (passed on a rerun)**: 1"),
        "{}",
        run.summary
    );
    assert!(
        run.summary
            .contains("`com.example.NetworkTest::retriesUntilTheServerAnswers`")
    );
    assert!(
        run.stdout.lines().any(|l| l.starts_with("::warning")
            && l.contains("`com.example.Gone::*`")
            && l.contains("matches no test")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::warning file=") && l.contains("quarantined by")),
        "{}",
        run.stdout
    );
    // Expired: the failure counts again, and the entry is named in a warning.
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.3.0")
        .input("target-stage", "QA")
        .file(
            ".github/promotion-policy.yml",
            &policy(&quarantine("2020-01-31")),
        )
        .file(
            "reports/junit.xml",
            &report("surefire-reruns/TEST-com.example.NetworkTest.xml"),
        );
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(gate(&run)["status"], "fail");
    assert!(
        run.stdout.lines().any(|l| l.starts_with("::warning")
            && l.contains("`com.example.NetworkTest::always*`")
            && l.contains("expired after 2020-01-31")),
        "{}",
        run.stdout
    );
}

#[test]
fn pytest_reruns_pass_as_flaky_under_a_zero_failure_gate() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(
            ".github/promotion-policy.yml",
            &policy("          quarantine:\n            - { test: \"*::test_always_times_out\", until: 2999-01-01, reason: known }\n"),
        )
        .file("reports/junit.xml", &report("pytest-reruns/reruns.xml"));
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    let row = gate(&run);
    assert_eq!(row["status"], "warn", "{row}");
    assert!(
        run.summary
            .contains("`tests.test_service::test_connects_after_warmup`")
    );
    assert!(
        run.summary.contains(" · 1 quarantined · 1 flaky"),
        "{}",
        run.summary
    );
}

/// `validate` refuses a quarantine entry without a date, a reason or a valid glob, each at its
/// line, and a `max-new-failures` that is not a number.
#[test]
fn validate_checks_quarantine_entries_and_max_new_failures() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = policy(
        "          max-new-failures: none\n          quarantine:\n            - { test: \"a::[b\", until: 2026-12-31, reason: r }\n            - { test: \"a::*\", until: soon, reason: r }\n            - { test: \"a::*\", until: 2026-12-31, reason: \"\" }\n",
    );
    std::fs::write(dir.path().join("p.yml"), &bad).expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_promote-action"))
        .args(["validate", "p.yml"])
        .current_dir(dir.path())
        .env_clear()
        .env("GITHUB_ACTIONS", "true")
        .output()
        .expect("runs");
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(shown.contains("max-new-failures"), "{shown}");
    std::fs::write(
        dir.path().join("p.yml"),
        bad.replace("max-new-failures: none", "max-new-failures: 1"),
    )
    .expect("write");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_promote-action"))
        .args(["validate", "p.yml"])
        .current_dir(dir.path())
        .env_clear()
        .env("GITHUB_ACTIONS", "true")
        .output()
        .expect("runs");
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    let errors: Vec<&str> = shown.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(out.status.code(), Some(2), "{shown}");
    for want in [
        "is not a valid glob",
        "`until: soon` is not a date",
        "`reason` is empty",
    ] {
        assert!(errors.iter().any(|e| e.contains(want)), "{want}: {shown}");
    }
}
