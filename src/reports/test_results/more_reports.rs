//! Counts of the real reports added with the placement of annotations and the declared-totals
//! fixes (kept apart from `real_reports` to keep test files small): a Maven Surefire report
//! against Surefire's own console totals, and two public files that declare more than they
//! list, against their declared totals (see tests/fixtures/README.md).

use super::*;
use crate::reports::fixture;

fn read(file: &str) -> TestSummary {
    read_test_results(&[fixture(file)]).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn surefire_matches_its_console_totals() {
    // `Tests run: N, Failures: N, Errors: N, Skipped: N`.
    let line =
        std::fs::read_to_string(fixture("tests/surefire/surefire-totals.txt")).expect("totals");
    let n = |key: &str| -> u64 {
        let at = line.find(key).unwrap_or_else(|| panic!("{key} in {line}")) + key.len();
        line[at..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|d| d.parse().ok())
            .unwrap_or_else(|| panic!("{key} in {line}"))
    };
    let s = read("tests/surefire/TEST-com.example.CalculatorTest.xml");
    assert_eq!(
        s.counts(),
        TestCounts {
            tests: n("Tests run: "),
            failures: n("Failures: "),
            errors: n("Errors: "),
            skipped: n("Skipped: "),
        }
    );
    assert!(s.failures == 1 && s.errors == 1 && s.skipped == 1, "{s:?}");
    assert_eq!(s.failed.len(), 2);
}

#[test]
fn files_that_declare_more_than_they_list_count_what_they_declare() {
    // (file, format, tests, failures, errors, skipped, failed cases listed)
    let table = [
        // NUnit 2.5.3: total="3" failures="1" not-run="1"; cases carry `executed` and no
        // `result` or `success` (the failed one has a <failure>, the skipped one is not
        // executed)
        (
            "tests/public/nunit2-issue6353.xml",
            TestFormat::Nunit2,
            3,
            1,
            0,
            1,
            1,
        ),
        // <assembly total="3" passed="1" failed="1" skipped="1" errors="0"> listing one
        // passing <test>: the failure is only declared, no case to list
        (
            "tests/public/xunit2-jenkins-testcase2.xml",
            TestFormat::Xunit2,
            3,
            1,
            0,
            1,
            0,
        ),
    ];
    for (file, format, tests, failures, errors, skipped, listed) in table {
        let s = read(file);
        assert_eq!(
            (s.tests, s.failures, s.errors, s.skipped),
            (tests, failures, errors, skipped),
            "{file}"
        );
        assert_eq!(s.files[0].format, format, "{file}");
        assert_eq!(s.failed_total, failures + errors, "{file}");
        assert_eq!(s.failed.len(), listed, "{file}");
    }
}
