//! Reports that say more than they list, through the binary: an NUnit 2 file whose cases carry
//! `executed` and nothing else (no `result`, no `success`), and an xUnit.net assembly that
//! declares more tests and a failure than it has `<test>` elements. Both are real public files
//! (tests/fixtures/README.md names their source); the gate counts what each file declares.

use crate::common::{Action, Sim, fixture};

const APP: &str = "bookverse-inventory";

fn gate_with(max_failures: u64, file: &str) -> (crate::common::Run, serde_json::Value) {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(
            ".github/promotion-policy.yml",
            &format!(
                "version: 1\nstages:\n  QA:\n    gates:\n      - tests: {{ paths: [\"reports/*.xml\"], max-failures: {max_failures} }}\n"
            ),
        )
        .file(
            "reports/results.xml",
            &std::fs::read_to_string(fixture(file)).expect("fixture"),
        );
    let run = a.run();
    let gates: serde_json::Value = serde_json::from_str(run.out("gates")).expect("gates JSON");
    let row = gates[0].clone();
    (run, row)
}

/// `<test-results total="3" failures="1" not-run="1">`: `SuccessfulTest executed="True"` (no
/// `success`) passed, `IgnoredTest executed="False"` did not run, `FailedTest` has a
/// `<failure>`.
#[test]
fn an_nunit2_case_with_only_executed_is_judged_by_its_failure_child() {
    let (run, row) = gate_with(1, "tests/public/nunit2-issue6353.xml");
    assert_eq!(run.code, 0, "one failure is allowed: {row}");
    assert!(
        run.summary
            .contains("1 failed of 3 (1 skipped) · NUnit 2 XML"),
        "{}",
        run.summary
    );
    let (run, row) = gate_with(0, "tests/public/nunit2-issue6353.xml");
    assert_eq!(run.code, 1, "{row}");
    assert_eq!(
        row["detail"],
        "1 test failed (1 failure, 0 errors), at most 0 allowed"
    );
    assert!(
        run.stdout.contains("title=FailedTest::Reason"),
        "the failed case is annotated: {}",
        run.stdout
    );
    assert!(!run.stdout.contains("SuccessfulTest"), "{}", run.stdout);
}

/// `<assembly total="3" passed="1" failed="1" skipped="1">` with one passing `<test>`.
#[test]
fn an_xunit_assembly_that_declares_a_failure_never_passes_as_clean() {
    let (run, row) = gate_with(0, "tests/public/xunit2-jenkins-testcase2.xml");
    assert_eq!(run.code, 1, "the declared failure blocks: {row}");
    assert_eq!(row["status"], "fail");
    assert_eq!(
        row["detail"],
        "1 test failed (1 failure, 0 errors), at most 0 allowed"
    );
    assert!(
        run.summary
            .contains("1 failed of 3 (1 skipped) · xUnit.net v2 XML"),
        "{}",
        run.summary
    );
}
