//! Reruns in real reports, against the runners' own console totals: Maven Surefire with
//! `rerunFailingTestsCount` (scripts/gen-surefire-fixture.sh) and pytest-rerunfailures, alone
//! and under pytest-xdist (scripts/gen-rerun-fixtures.sh).

use super::*;
use crate::reports::fixture;

fn read(file: &str) -> TestSummary {
    read_test_results(&[fixture(file)]).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The number after `key` in a totals file's last line.
fn total(file: &str, key: &str) -> u64 {
    let text = std::fs::read_to_string(fixture(file)).expect("totals");
    let line = text.lines().last().unwrap_or_default();
    let at = line.find(key).unwrap_or_else(|| panic!("{key} in {line}"));
    let before = key.starts_with(' ');
    let digits: String = if before {
        line[..at]
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    } else {
        line[at + key.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect()
    };
    digits.parse().unwrap_or_else(|_| panic!("{key} in {line}"))
}

#[test]
fn surefire_reruns_count_once_and_the_flake_is_listed() {
    let totals = "tests/surefire-reruns/surefire-totals.txt";
    let s = read("tests/surefire-reruns/TEST-com.example.NetworkTest.xml");
    // `Tests run: 3, Failures: 1, Errors: 0, Skipped: 0, Flakes: 1`.
    assert_eq!(
        s.counts(),
        TestCounts {
            tests: total(totals, "Tests run: "),
            failures: total(totals, "Failures: "),
            errors: total(totals, "Errors: "),
            skipped: total(totals, "Skipped: "),
        }
    );
    assert_eq!(s.flaky_total, total(totals, "Flakes: "));
    assert_eq!(
        s.flaky,
        vec!["com.example.NetworkTest::retriesUntilTheServerAnswers"]
    );
    assert_eq!(
        s.failing_names,
        vec!["com.example.NetworkTest::alwaysTimesOut"]
    );
}

#[test]
fn pytest_rerunfailures_attempts_count_once_alone_and_under_xdist() {
    for name in ["reruns", "reruns-xdist"] {
        let totals = format!("tests/pytest-reruns/{name}-totals.txt");
        let s = read(&format!("tests/pytest-reruns/{name}.xml"));
        // `1 failed, 5 passed, 3 rerun`.
        let failed = total(&totals, " failed");
        let passed = total(&totals, " passed");
        assert_eq!(s.failures + s.errors, failed, "{name}");
        assert_eq!(s.passed(), passed, "{name}");
        assert_eq!(s.reruns, total(&totals, " rerun"), "{name}");
        assert_eq!(
            s.flaky,
            vec!["tests.test_service::test_connects_after_warmup"],
            "{name}"
        );
        assert_eq!(
            s.failing_names,
            vec!["tests.test_service::test_always_times_out"],
            "{name}"
        );
        assert_eq!(s.failed.len(), 1, "{name}");
    }
}

#[test]
fn the_quarantine_probe_sees_passing_tests_of_every_format() {
    let files = [
        "tests/pytest-reruns/reruns.xml",
        "tests/go-test.json",
        "tests/mocha.json",
        "tests/rspec.json",
    ];
    let mut b = globset::GlobSetBuilder::new();
    for g in [
        "tests.test_service::test_health",
        "example.com/fixture/calc::TestAdd",
        "Calc clamps inside",
        "no-such-test",
        "calc adds",
    ] {
        b.add(
            globset::GlobBuilder::new(g)
                .literal_separator(false)
                .build()
                .expect("glob"),
        );
    }
    let paths: Vec<_> = files.iter().map(|f| fixture(f)).collect();
    let s = read_test_results_probing(&paths, Some(b.build().expect("set"))).expect("read");
    assert_eq!(s.probe_hits, vec![true, true, true, false, true]);
}
