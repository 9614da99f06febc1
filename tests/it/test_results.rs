//! The `tests:` gate through the binary on real runner outputs: formats detected from content,
//! counts that add up to the runners' own totals, the format named in the figure, `junit:` kept
//! as the same gate under its old name, and a file in no known format failing the gate.

use crate::common::{Action, Sim, fixture};

const APP: &str = "bookverse-inventory";

fn gates(run: &crate::common::Run) -> serde_json::Value {
    serde_json::from_str(run.out("gates")).expect("gates JSON")
}

/// `go test -v` totals: (tests, failed, skipped), a failed package without a failed test being
/// one errored test.
fn go_totals() -> (u64, u64, u64) {
    let text = std::fs::read_to_string(fixture("tests/go-test-totals.txt")).expect("totals");
    let n = |k: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(k).map(|v| v.trim().parse().expect("number")))
            .unwrap_or_else(|| panic!("{k} missing"))
    };
    let (pass, fail, skip, broken) = (
        n("PASS "),
        n("FAIL "),
        n("SKIP "),
        n("FAILED-PACKAGES-WITHOUT-FAILED-TESTS "),
    );
    (pass + fail + skip + broken, fail + broken, skip)
}

/// TRX `<Counters>`: (tests, failed, not executed).
fn trx_totals(file: &str) -> (u64, u64, u64) {
    let text = std::fs::read_to_string(fixture(file)).expect("trx");
    let counters = &text[text.find("<Counters").expect("Counters")..];
    let attr = |k: &str| -> u64 {
        let at = counters.find(&format!(" {k}=\"")).expect("attribute") + k.len() + 3;
        counters[at..]
            .split('"')
            .next()
            .expect("value")
            .parse()
            .expect("number")
    };
    (
        attr("total"),
        attr("failed") + attr("error"),
        attr("total") - attr("executed"),
    )
}

#[test]
fn go_and_trx_reports_add_up_to_the_runners_totals() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(
            ".github/promotion-policy.yml",
            "version: 1\nstages:\n  QA:\n    gates:\n      - tests: { paths: [\"reports/**/*\"], max-failures: 0, min-tests: 1 }\n",
        )
        .file(
            "reports/go-test.json",
            &std::fs::read_to_string(fixture("tests/go-test.json")).expect("go"),
        )
        .file(
            "reports/nunit.trx",
            &std::fs::read_to_string(fixture("tests/public/trx-nunit-netcoreapp3.1.trx")).expect("trx"),
        );
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let (gt, gf, gs) = go_totals();
    let (tt, tf, ts) = trx_totals("tests/public/trx-nunit-netcoreapp3.1.trx");
    let row = gates(&run)[0].clone();
    assert_eq!(row["kind"], "tests");
    assert_eq!(row["gate"], "tests");
    let want = format!("{} tests failed", gf + tf);
    assert!(
        row["detail"].as_str().expect("detail").starts_with(&want),
        "{row}"
    );
    let summary_figure = format!(
        "{} failed of {} ({} skipped) · go test -json, TRX",
        gf + tf,
        gt + tt,
        gs + ts
    );
    assert!(
        run.summary.contains(&summary_figure),
        "{summary_figure}\n{}",
        run.summary
    );
    // Failed tests are annotated on their file and line.
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::error file=") && l.contains("line=")),
        "{}",
        run.stdout
    );
}

#[test]
fn junit_is_the_same_gate_under_its_old_name_and_reads_every_format() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(
            ".github/promotion-policy.yml",
            "version: 1\nstages:\n  QA:\n    gates:\n      - junit: { paths: [\"reports/*.json\"], max-failures: 100 }\n",
        )
        .file(
            "reports/mocha.json",
            &std::fs::read_to_string(fixture("tests/mocha.json")).expect("mocha"),
        );
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.out("gates"));
    let row = gates(&run)[0].clone();
    assert_eq!(row["kind"], "junit", "existing policies keep their kind");
    let totals = std::fs::read_to_string(fixture("tests/mocha-totals.txt")).expect("totals");
    let n = |suffix: &str| -> u64 {
        totals
            .lines()
            .find_map(|l| {
                l.strip_suffix(suffix)
                    .map(|v| v.trim().parse().expect("number"))
            })
            .expect("total")
    };
    let tests = n(" passing") + n(" pending") + n(" failing");
    assert!(
        run.summary.contains(&format!(
            "{} failed of {tests} ({} skipped) · mocha JSON",
            n(" failing"),
            n(" pending")
        )),
        "{}",
        run.summary
    );
}

#[test]
fn a_file_in_no_known_format_fails_naming_the_formats_tried() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(
            ".github/promotion-policy.yml",
            "version: 1\nstages:\n  QA:\n    gates:\n      - tests: { paths: [\"reports/*\"] }\n",
        )
        .file("reports/results.json", r#"{"suites": 3, "ok": true}"#);
    let run = a.run();
    assert_eq!(run.code, 1);
    let detail = gates(&run)[0]["detail"]
        .as_str()
        .expect("detail")
        .to_string();
    assert!(detail.contains("reports/results.json"), "{detail}");
    for format in ["JUnit", "TRX", "mocha", "RSpec"] {
        assert!(detail.contains(format), "{format} not named: {detail}");
    }
}
