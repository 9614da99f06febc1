//! Unit tests of `junit.rs`, apart so that the reader's own file stays short.

use super::*;
use crate::reports::{MAX_LISTED, fixture};

struct Want {
    file: &'static str,
    tests: u64,
    failures: u64,
    errors: u64,
    skipped: u64,
}

#[test]
fn real_and_handwritten_fixtures_give_exact_counts() {
    let table = [
        Want {
            file: "junit/pytest-xunit1.xml",
            tests: 8,
            failures: 1,
            errors: 1,
            skipped: 1,
        },
        Want {
            file: "junit/pytest-xunit2.xml",
            tests: 8,
            failures: 1,
            errors: 1,
            skipped: 1,
        },
        Want {
            file: "junit/jest-junit.xml",
            tests: 5,
            failures: 1,
            errors: 0,
            skipped: 1,
        },
        Want {
            file: "junit/nextest.xml",
            tests: 3,
            failures: 1,
            errors: 0,
            skipped: 0,
        },
        Want {
            file: "junit/surefire-TEST-com.example.CalculatorTest.xml",
            tests: 6,
            failures: 1,
            errors: 1,
            skipped: 1,
        },
        Want {
            file: "junit/gradle-TEST-com.example.GreeterTest.xml",
            tests: 4,
            failures: 1,
            errors: 0,
            skipped: 1,
        },
        Want {
            file: "junit/phpunit-nested.xml",
            tests: 5,
            failures: 1,
            errors: 1,
            skipped: 1,
        },
        Want {
            file: "junit/wrong-headers.xml",
            tests: 3,
            failures: 1,
            errors: 0,
            skipped: 0,
        },
    ];
    for w in table {
        let s = read_junit(&[fixture(w.file)]).unwrap_or_else(|e| panic!("{}: {e}", w.file));
        assert_eq!(
            (s.tests, s.failures, s.errors, s.skipped),
            (w.tests, w.failures, w.errors, w.skipped),
            "{}",
            w.file
        );
        assert_eq!(s.failed_total, w.failures + w.errors, "{}", w.file);
        assert_eq!(s.failed.len() as u64, s.failed_total, "{}", w.file);
    }
}

#[test]
fn several_files_add_up() {
    let s = read_junit(&[
        fixture("junit/pytest-xunit1.xml"),
        fixture("junit/jest-junit.xml"),
        fixture("junit/nextest.xml"),
    ])
    .unwrap();
    assert_eq!((s.tests, s.failures, s.errors, s.skipped), (16, 3, 1, 2));
    assert_eq!(s.passed(), 10);
    assert_eq!(s.files.len(), 3);
}

#[test]
fn failed_case_details() {
    struct Detail {
        file: &'static str,
        index: usize,
        name: &'static str,
        kind: FailureKind,
        message_starts: &'static str,
        loc_file: Option<&'static str>,
        line: Option<u32>,
        suite: &'static str,
    }
    let table = [
        Detail {
            file: "junit/pytest-xunit1.xml",
            index: 0,
            name: "test_clamp_fails",
            kind: FailureKind::Failure,
            message_starts: "assert 10 == 11",
            loc_file: Some("tests/test_calc.py"),
            line: Some(23),
            suite: "sample",
        },
        Detail {
            file: "junit/pytest-xunit2.xml",
            index: 0,
            name: "test_clamp_fails",
            kind: FailureKind::Failure,
            message_starts: "assert 10 == 11",
            loc_file: Some("tests/test_calc.py"),
            line: Some(25),
            suite: "sample",
        },
        Detail {
            file: "junit/pytest-xunit2.xml",
            index: 1,
            name: "test_uses_broken_fixture",
            kind: FailureKind::Error,
            message_starts: "failed on setup with \"RuntimeError: database unavailable\"",
            loc_file: Some("tests/test_calc.py"),
            line: Some(30),
            suite: "sample",
        },
        Detail {
            file: "junit/jest-junit.xml",
            index: 0,
            name: "math divides by zero is wrong on purpose",
            kind: FailureKind::Failure,
            message_starts: "Error: expect(received).toBe(expected)",
            loc_file: Some("__tests__/math.test.js"),
            line: Some(13),
            suite: "math",
        },
        Detail {
            file: "junit/nextest.xml",
            index: 0,
            name: "tests::wrong_on_purpose",
            kind: FailureKind::Failure,
            message_starts: "thread 'tests::wrong_on_purpose'",
            loc_file: Some("src/lib.rs"),
            line: Some(21),
            suite: "fixture-nextest",
        },
        Detail {
            file: "junit/phpunit-nested.xml",
            index: 0,
            name: "testDivideByZero",
            kind: FailureKind::Failure,
            message_starts: "Tests\\Unit\\MathTest::testDivideByZero",
            loc_file: Some("/app/tests/Unit/MathTest.php"),
            line: Some(31),
            suite: "Tests\\Unit\\MathTest",
        },
    ];
    for d in table {
        let s = read_junit(&[fixture(d.file)]).unwrap();
        let c = &s.failed[d.index];
        assert_eq!(c.name, d.name, "{}", d.file);
        assert_eq!(c.kind, d.kind, "{}", d.file);
        assert!(
            c.message.starts_with(d.message_starts),
            "{}: message {:?}",
            d.file,
            c.message
        );
        assert!(!c.message.contains('\n'), "{}", d.file);
        assert_eq!(c.file.as_deref(), d.loc_file, "{}", d.file);
        assert_eq!(c.line, d.line, "{}", d.file);
        assert_eq!(c.suite, d.suite, "{}", d.file);
    }
}

#[test]
fn hostile_inputs_give_errors_not_panics() {
    use ReportError as E;
    let table: &[(&str, crate::reports::ErrCheck)] = &[
        ("hostile/billion-laughs.xml", |e| {
            matches!(e, E::Unsafe { .. })
        }),
        ("hostile/xxe.xml", |e| matches!(e, E::Unsafe { .. })),
        ("hostile/truncated.xml", |e| {
            matches!(e, E::Malformed { .. })
        }),
        ("hostile/invalid-utf8.xml", |e| {
            matches!(e, E::Malformed { .. })
        }),
        ("hostile/utf16-bom.xml", |e| {
            matches!(e, E::Malformed { .. })
        }),
        ("hostile/empty.xml", |e| matches!(e, E::Malformed { .. })),
        ("hostile/json-as-xml.xml", |e| {
            matches!(e, E::UnknownFormat { .. })
        }),
        ("hostile/undefined-entity.xml", |e| {
            matches!(e, E::Malformed { .. })
        }),
        ("hostile/deeply-nested.json", |e| {
            matches!(e, E::UnknownFormat { .. })
        }),
        ("coverage/jacoco.xml", |e| {
            matches!(e, E::UnknownFormat { .. })
        }),
        ("coverage/coverage-py.lcov", |e| {
            matches!(e, E::UnknownFormat { .. })
        }),
    ];
    for (file, ok) in table {
        match read_junit(&[fixture(file)]) {
            Ok(s) => panic!("{file}: expected an error, got {s:?}"),
            Err(e) => {
                assert!(ok(&e), "{file}: unexpected error {e:?}");
                assert!(
                    e.to_string()
                        .contains(file.rsplit('/').next().unwrap_or(file))
                );
            }
        }
    }
    let e = read_junit(&[fixture("hostile/json-as-xml.xml")]).unwrap_err();
    assert!(e.to_string().contains("found JSON"), "{e}");
    let e = read_junit(&[fixture("hostile/utf16-bom.xml")]).unwrap_err();
    assert!(e.to_string().contains("UTF-16"), "{e}");
}

#[test]
fn missing_file_is_io_error() {
    let e = read_junit(&[fixture("junit/does-not-exist.xml")]).unwrap_err();
    assert!(matches!(e, ReportError::Io { .. }), "{e:?}");
}

#[test]
fn only_first_hundred_failures_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.xml");
    let mut xml = String::from("<testsuite name=\"big\">");
    for i in 0..250 {
        xml.push_str(&format!(
            "<testcase classname=\"c\" name=\"t{i}\"><failure message=\"m{i}\"/></testcase>"
        ));
    }
    xml.push_str("<testcase classname=\"c\" name=\"ok\"/></testsuite>");
    std::fs::write(&path, xml).unwrap();
    let s = read_junit(&[path]).unwrap();
    assert_eq!((s.tests, s.failures, s.failed_total), (251, 250, 250));
    assert_eq!(s.failed.len(), MAX_LISTED);
    assert_eq!(s.failed[99].name, "t99");
    assert_eq!(s.failed[0].message, "m0");
}

#[test]
fn message_is_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.xml");
    let long = "x".repeat(2000);
    std::fs::write(
            &path,
            format!("<testsuite><testcase name=\"a\"><error>\n\n{long}\nsecond</error></testcase></testsuite>"),
        )
        .unwrap();
    let s = read_junit(&[path]).unwrap();
    assert_eq!(s.errors, 1);
    assert_eq!(s.failed[0].message.len(), MAX_MESSAGE_CHARS);
}
