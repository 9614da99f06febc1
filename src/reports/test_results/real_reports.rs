//! Counts and annotations of real reports in every supported format. Expected totals come from
//! the runners' own console output (`tests/fixtures/tests/*-totals.txt`, captured by
//! `scripts/gen-test-fixtures.sh`) or from the totals the public files state themselves
//! (TRX `<Counters>`, NUnit and xUnit.net root attributes, the source projects' expected
//! results); see `tests/fixtures/README.md`.

use super::*;
use crate::reports::fixture;

pub(super) fn read(file: &str) -> TestSummary {
    read_test_results(&[fixture(file)]).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn totals(file: &str) -> String {
    std::fs::read_to_string(fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The number before `word` on the line that has it (`3 passing`, `8 examples, 3 failures`).
fn number_before(text: &str, word: &str) -> u64 {
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let tokens: Vec<&str> = line.split([' ', ',']).filter(|t| !t.is_empty()).collect();
        for pair in tokens.windows(2) {
            if pair[1].trim_end_matches(',') == word {
                return pair[0].parse().unwrap_or_else(|_| panic!("{line}"));
            }
        }
    }
    0
}

/// `KEY N` lines of go-test-totals.txt.
fn go_total(text: &str, key: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(key).and_then(|r| r.trim().parse().ok()))
        .unwrap_or_else(|| panic!("no {key} in go totals"))
}

#[test]
fn runner_fixtures_match_the_runners_console_totals() {
    // go test -v: every `--- PASS/FAIL/SKIP` line (subtests included) is a test; a package that
    // failed without a failed test (build failure, TestMain) is one error.
    let go = totals("tests/go-test-totals.txt");
    let (pass, fail, skip, pkg) = (
        go_total(&go, "PASS"),
        go_total(&go, "FAIL"),
        go_total(&go, "SKIP"),
        go_total(&go, "FAILED-PACKAGES-WITHOUT-FAILED-TESTS"),
    );
    let s = read("tests/go-test.json");
    assert_eq!(
        s.counts(),
        TestCounts {
            tests: pass + fail + skip + pkg,
            failures: fail,
            errors: pkg,
            skipped: skip
        }
    );
    assert!(
        fail > 0 && skip > 0 && pkg >= 2,
        "the fixture exercises every outcome"
    );

    // mocha: `N passing`, `N pending`, `N failing` (a failed hook is failing, and an error).
    let m = totals("tests/mocha-totals.txt");
    let (passing, pending, failing) = (
        number_before(&m, "passing"),
        number_before(&m, "pending"),
        number_before(&m, "failing"),
    );
    let s = read("tests/mocha.json");
    assert_eq!(s.tests, passing + pending + failing);
    assert_eq!(s.failures + s.errors, failing);
    assert_eq!(s.errors, 1, "the failed `before all` hook");
    assert_eq!(s.skipped, pending);

    // RSpec: `N examples, N failures, N pending`.
    let r = totals("tests/rspec-totals.txt");
    let s = read("tests/rspec.json");
    assert_eq!(
        s.counts(),
        TestCounts {
            tests: number_before(&r, "examples"),
            failures: number_before(&r, "failures"),
            errors: 0,
            skipped: number_before(&r, "pending"),
        }
    );
}

/// (file, format, tests, failures, errors, skipped) — see each row's comment for the source of
/// the numbers.
type Row = (&'static str, TestFormat, u64, u64, u64, u64);

fn assert_stated_totals(table: &[Row]) {
    for (file, format, tests, failures, errors, skipped) in table {
        let s = read(file);
        assert_eq!(
            (s.tests, s.failures, s.errors, s.skipped),
            (*tests, *failures, *errors, *skipped),
            "{file}"
        );
        assert_eq!(s.files.len(), 1, "{file}");
        assert_eq!(s.files[0].format, *format, "{file}");
        assert_eq!(s.files[0].counts, s.counts(), "{file}");
        assert_eq!(s.failed_total, failures + errors, "{file}");
        assert_eq!(s.failed.len() as u64, s.failed_total, "{file}");
    }
}

/// The .NET formats: TRX, NUnit 2 and 3, xUnit.net v2.
#[test]
fn public_dotnet_fixtures_match_their_stated_totals() {
    assert_stated_totals(&[
        // <Counters total="4" passed="3" failed="1">
        (
            "tests/public/trx-mstest-pickles.trx",
            TestFormat::Trx,
            4,
            1,
            0,
            0,
        ),
        // total="25" passed="2" failed="2" aborted="1" notRunnable="1" notExecuted="19"
        (
            "tests/public/trx-mstest-yami.trx",
            TestFormat::Trx,
            25,
            2,
            2,
            19,
        ),
        // total="6" executed="5" passed="2" failed="3" (vstest leaves notExecuted at 0; the
        // one not executed is total − executed)
        (
            "tests/public/trx-nunit-netcoreapp3.1.trx",
            TestFormat::Trx,
            6,
            3,
            0,
            1,
        ),
        (
            "tests/public/trx-xunit-netcoreapp3.1.trx",
            TestFormat::Trx,
            6,
            3,
            0,
            1,
        ),
        // total="4" passed="1" failed="3"
        ("tests/public/trx-xunitv3.trx", TestFormat::Trx, 4, 3, 0, 0),
        // NUnit 2.5: total="21" (run) errors="1" failures="1" inconclusive="1" not-run="7"
        // (ignored="4" invalid="3"): 28 cases; invalid ones are errors, ignored and
        // inconclusive ones skipped.
        (
            "tests/public/nunit2-correct.xml",
            TestFormat::Nunit2,
            28,
            1,
            4,
            5,
        ),
        // total="18" passed="12" failed="2" (one with label="Error") inconclusive="1" skipped="3"
        (
            "tests/public/nunit3-sample.xml",
            TestFormat::Nunit3,
            18,
            1,
            1,
            4,
        ),
        // total="9" passed="3" failed="5" (two with label="Error") skipped="1"
        (
            "tests/public/nunit3-dotnet.xml",
            TestFormat::Nunit3,
            9,
            3,
            2,
            1,
        ),
        // total="2" passed="1" inconclusive="1"; a parameterized method
        (
            "tests/public/nunit3-issue33493.xml",
            TestFormat::Nunit3,
            2,
            0,
            0,
            1,
        ),
        // <assembly total="3" passed="1" failed="1" skipped="1" errors="0">
        (
            "tests/public/xunit2-jenkins-testcase1.xml",
            TestFormat::Xunit2,
            3,
            1,
            0,
            1,
        ),
    ]);
}

/// Dart, Go, mocha, RSpec and the JUnit dialects.
#[test]
fn public_json_and_junit_fixtures_match_their_stated_totals() {
    assert_stated_totals(&[
        // dorny/test-reporter's expected output: 6 tests, 1 passed, 4 failed (1 failure and
        // 3 errors in the events), 1 skipped
        ("tests/public/dart.json", TestFormat::Dart, 6, 1, 3, 1),
        // publish-unit-test-result-action's expected results: 20 tests, 1 skipped, 1 failure,
        // 2 errors
        (
            "tests/public/dart-tests.json",
            TestFormat::Dart,
            20,
            1,
            2,
            1,
        ),
        // dorny/test-reporter's expected output: 5 passed, 6 failed, 1 skipped
        (
            "tests/public/go-dorny.json",
            TestFormat::GoTest,
            12,
            6,
            0,
            1,
        ),
        // dorny/test-reporter's expected output (`__tests__/__outputs__/mocha-json.md` at the
        // fixture's commit): 7 tests, 1 passed, 5 failed, 1 skipped — as the file's own mocha
        // `stats` say
        (
            "tests/public/mocha-dorny.json",
            TestFormat::Mocha,
            7,
            5,
            0,
            1,
        ),
        // dorny/test-reporter's expected output: 1 passed, 1 failed, 1 skipped
        (
            "tests/public/rspec-dorny.json",
            TestFormat::Rspec,
            3,
            1,
            0,
            1,
        ),
        // JUnit dialects. dorny/test-reporter's expected outputs: PHPUnit 11 (suites nested
        // in a suite) 12 tests, 10 passed, 2 failed; Nette Tester 1.7 65 tests, 61 passed,
        // 1 failed, 3 skipped; Swift (swift test --xunit-output) 3 tests, 2 passed, 1 failed.
        // publish-unit-test-result-action's expected results for Bazel's test.xml: 1 test,
        // 1 error.
        (
            "tests/public/junit-phpunit.xml",
            TestFormat::Junit,
            12,
            2,
            0,
            0,
        ),
        (
            "tests/public/junit-nette-tester-v1.7.xml",
            TestFormat::Junit,
            65,
            1,
            0,
            3,
        ),
        (
            "tests/public/junit-swift-xunit.xml",
            TestFormat::Junit,
            3,
            1,
            0,
            0,
        ),
        (
            "tests/public/junit-bazel-suite-logs.xml",
            TestFormat::Junit,
            1,
            0,
            1,
            0,
        ),
    ]);
}

/// One failed case a report must carry: its name, kind, the start of its message, and the
/// test source file and line it names.
struct Want {
    file: &'static str,
    name: &'static str,
    kind: FailureKind,
    message_starts: &'static str,
    loc_file_ends: &'static str,
    line: u32,
}

fn assert_annotations(table: &[Want]) {
    for w in table {
        let s = read(w.file);
        let c = s
            .failed
            .iter()
            .find(|c| c.name == w.name)
            .unwrap_or_else(|| panic!("{}: no failed case {:?} in {:?}", w.file, w.name, s.failed));
        assert_eq!(c.kind, w.kind, "{}", w.file);
        assert!(
            c.message.starts_with(w.message_starts),
            "{}: {:?}",
            w.file,
            c.message
        );
        assert!(!c.message.contains('\n'), "{}", w.file);
        let f = c.file.as_deref().unwrap_or_default();
        assert!(f.ends_with(w.loc_file_ends), "{}: file {f:?}", w.file);
        assert_eq!(c.line, Some(w.line), "{}", w.file);
    }
}

/// One failed case per format, checked against the report and the test source it names:
/// first the reports the runners wrote here.
#[test]
fn runner_annotations_carry_name_message_file_and_line() {
    assert_annotations(&[
        Want {
            file: "tests/go-test.json",
            name: "TestClampFails",
            kind: FailureKind::Failure,
            message_starts: "Clamp(15, 0, 10) = 10, want 11",
            loc_file_ends: "calc_test.go",
            line: 13,
        },
        Want {
            file: "tests/go-test.json",
            name: "TestTable/above_wrong",
            kind: FailureKind::Failure,
            message_starts: "Clamp(50) = 10, want 49",
            loc_file_ends: "calc_test.go",
            line: 34,
        },
        Want {
            file: "tests/mocha.json",
            name: "calc clamps wrong on purpose",
            kind: FailureKind::Failure,
            message_starts: "Expected values to be strictly equal",
            loc_file_ends: "test/calc.spec.js",
            line: 13,
        },
        Want {
            file: "tests/mocha.json",
            name: "with a broken hook \"before all\" hook for \"never runs\"",
            kind: FailureKind::Error,
            message_starts: "database unavailable",
            loc_file_ends: "test/calc.spec.js",
            line: 32,
        },
        Want {
            file: "tests/rspec.json",
            name: "Calc clamps wrong on purpose",
            kind: FailureKind::Failure,
            message_starts: "expected: 11",
            loc_file_ends: "spec/calc_spec.rb",
            line: 9,
        },
    ]);
}

/// The public reports, one failed case each.
#[test]
fn public_annotations_carry_name_message_file_and_line() {
    assert_annotations(&[
        Want {
            file: "tests/public/trx-mstest-pickles.trx",
            name: "FailToAddTwoNumbers",
            kind: FailureKind::Failure,
            message_starts: "Test method Pickles.TestHarness.MSTest.AdditionFeature.FailToAddTwoNumbers",
            loc_file_ends: "Steps.cs",
            line: 28,
        },
        Want {
            file: "tests/public/trx-nunit-netcoreapp3.1.trx",
            name: "FailTest",
            kind: FailureKind::Failure,
            message_starts: "Expected: True",
            loc_file_ends: "TestServiceTests.cs",
            line: 61,
        },
        Want {
            file: "tests/public/junit-phpunit.xml",
            name: "targeting-traits-with-coversclass-attribute-is-deprecated.phpt",
            kind: FailureKind::Failure,
            message_starts: "targeting-traits-with-coversclass-attribute-is-deprecated.phptFailed",
            loc_file_ends: "metadata/targeting-traits-with-coversclass-attribute-is-deprecated.phpt",
            line: 28,
        },
        Want {
            file: "tests/public/junit-nette-tester-v1.7.xml",
            name: "tests/Runner/Runner.multiple-fails.phpt",
            kind: FailureKind::Failure,
            message_starts: "Failed: '... in /Users/izso/",
            loc_file_ends: "tests/Runner/Runner.multiple-fails.phpt",
            line: 78,
        },
        Want {
            file: "tests/public/nunit2-correct.xml",
            name: "NUnit.Tests.Assemblies.MockTestFixture.FailingTest",
            kind: FailureKind::Failure,
            message_starts: "Intentional failure",
            loc_file_ends: "mock-assembly/MockAssembly.cs",
            line: 121,
        },
        Want {
            file: "tests/public/nunit3-dotnet.xml",
            name: "Exception_In_Test",
            kind: FailureKind::Error,
            message_starts: "System.Exception : Test",
            loc_file_ends: "CalculatorTests.cs",
            line: 39,
        },
        Want {
            file: "tests/public/xunit2-jenkins-testcase1.xml",
            name: "MyProject.Tests.SampleFact.FailedTest",
            kind: FailureKind::Failure,
            message_starts: "Assert.True() Failure",
            loc_file_ends: "SampleFact.cs",
            line: 16,
        },
        Want {
            file: "tests/public/dart.json",
            name: "Test 1 Test 1.1 Failing test",
            kind: FailureKind::Failure,
            message_starts: "Expected: <2>",
            loc_file_ends: "test/main_test.dart",
            line: 12,
        },
    ]);
}

#[test]
fn trx_class_names_and_go_parents_of_failed_subtests() {
    // Class names come from TRX's <TestDefinitions>; a Go parent of a failed subtest says so.
    let s = read("tests/public/trx-nunit-netcoreapp3.1.trx");
    assert_eq!(
        s.failed[0].classname,
        "SampleProject.NUnit.TestServiceTests"
    );
    let s = read("tests/go-test.json");
    let parent = s.failed.iter().find(|c| c.name == "TestTable").unwrap();
    assert_eq!(parent.message, "a subtest failed");
}
