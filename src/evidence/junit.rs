//! JUnit XML reader: counts test cases across one or more report files for the `junit` gate.
//!
//! Counts come from the `<testcase>` elements themselves, never from the `tests=`/`failures=`
//! header attributes (they are missing or wrong in several producers). Accepted shapes: a
//! `<testsuites>` root (pytest, jest-junit, cargo-nextest), a bare `<testsuite>` root (Maven
//! Surefire, Gradle) and suites nested in suites (PHPUnit, some Karma reporters).
//!
//! A test case is a *failure* if it has a `<failure>` child, an *error* if it has an `<error>`
//! child (the first of the two decides when both occur), otherwise *skipped* if it has a
//! `<skipped>` child, otherwise passed. Surefire's `<flakyFailure>`/`<rerunFailure>` are
//! reruns of a test that eventually passed and do not count as failures.
//!
//! The reader is a single streaming pass over quick-xml events with one reused event buffer
//! and a handful of reused strings, so memory is independent of the number of test cases;
//! only the first [`MAX_LISTED`] failed cases are kept.

use std::path::{Path, PathBuf};

use quick_xml::events::attributes::Attributes;
use quick_xml::events::{BytesStart, Event};
use serde::Serialize;

use super::xml::{self, Sniffed, XmlStream};
use super::{EvidenceError, MAX_LISTED, MAX_MESSAGE_CHARS, first_line, truncate_chars};

const FORMAT: &str = "JUnit XML";

/// Totals over every file read.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct JunitSummary {
    pub tests: u64,
    pub failures: u64,
    pub errors: u64,
    pub skipped: u64,
    /// The first [`MAX_LISTED`] failed or errored cases, in file order.
    pub failed: Vec<FailedCase>,
    /// All failed plus errored cases (`failures + errors`).
    pub failed_total: u64,
    pub files: Vec<PathBuf>,
}

impl JunitSummary {
    /// Test cases that ran and passed.
    pub fn passed(&self) -> u64 {
        self.tests
            .saturating_sub(self.failures + self.errors + self.skipped)
    }
}

/// Whether a case failed an assertion or errored (crashed, failed in setup, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureKind {
    Failure,
    Error,
}

/// One failed or errored test case, for annotations and the job summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedCase {
    /// Name of the innermost enclosing `<testsuite>` (empty when none has a name).
    pub suite: String,
    pub classname: String,
    pub name: String,
    pub kind: FailureKind,
    /// `message` attribute, else the first non-empty line of the element text; first line
    /// only, at most [`MAX_MESSAGE_CHARS`] characters.
    pub message: String,
    /// `file` attribute of the test case, else the path of the first `path:line` found in the
    /// failure text.
    pub file: Option<String>,
    pub line: Option<u32>,
}

/// Reads every file and adds up the test cases. Files are read in the order given.
pub fn read_junit(files: &[PathBuf]) -> Result<JunitSummary, EvidenceError> {
    let mut summary = JunitSummary::default();
    let mut state = Scratch::default();
    for path in files {
        read_one(path, &mut summary, &mut state)?;
        summary.files.push(path.clone());
    }
    summary.failed_total = summary.failures + summary.errors;
    Ok(summary)
}

/// Buffers reused across events and files so the hot loop does not allocate.
#[derive(Default)]
struct Scratch {
    buf: Vec<u8>,
    attr: String,
    classname: String,
    name: String,
    file: String,
    line: String,
    text: String,
    message: String,
    case_raw: Vec<u8>,
    suites: Vec<String>,
}

/// Where the reader is inside the current test case.
#[derive(Default)]
struct Case {
    kind: Option<FailureKind>,
    skipped: bool,
    /// Collecting the text of the deciding `<failure>`/`<error>` element.
    in_text: bool,
    text_depth: usize,
}

fn read_one(path: &Path, summary: &mut JunitSummary, s: &mut Scratch) -> Result<(), EvidenceError> {
    let (inner, sniffed) = xml::open_sniffed(path, FORMAT)?;
    match sniffed {
        Sniffed::Xml => {}
        Sniffed::Json => {
            return Err(EvidenceError::UnknownFormat {
                path: path.to_path_buf(),
                expected: "JUnit XML",
                detail: "found JSON".into(),
            });
        }
        Sniffed::Other => {
            return Err(EvidenceError::UnknownFormat {
                path: path.to_path_buf(),
                expected: "JUnit XML",
                detail: "found text that does not start with `<`".into(),
            });
        }
    }
    let mut x = XmlStream::new(inner, path, FORMAT);
    s.suites.clear();
    let mut root_checked = false;
    // Depth of the open <testcase>, if any.
    let mut case_depth: Option<usize> = None;
    let mut case = Case::default();
    let mut buf = std::mem::take(&mut s.buf);

    loop {
        let event = x.next(&mut buf)?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                let local = e.local_name();
                let local = local.as_ref();
                if !root_checked {
                    root_checked = true;
                    if local != b"testsuites" && local != b"testsuite" {
                        return Err(EvidenceError::UnknownFormat {
                            path: path.to_path_buf(),
                            expected: "JUnit XML",
                            detail: format!(
                                "the root element is <{}>, not <testsuites> or <testsuite>",
                                xml::display_name(e)
                            ),
                        });
                    }
                }
                if case_depth.is_some() {
                    match local {
                        b"failure" | b"error" if case.kind.is_none() => {
                            case.kind = Some(if local == b"failure" {
                                FailureKind::Failure
                            } else {
                                FailureKind::Error
                            });
                            x.attr_into(e, b"message", &mut s.message)?;
                            s.text.clear();
                            if !empty {
                                case.in_text = true;
                                case.text_depth = x.depth();
                            }
                        }
                        b"skipped" => case.skipped = true,
                        _ => {}
                    }
                    continue;
                }
                match local {
                    b"testsuite" if !empty => {
                        x.attr_into(e, b"name", &mut s.attr)?;
                        s.suites.push(s.attr.clone());
                    }
                    b"testcase" => {
                        summary.tests += 1;
                        case = Case::default();
                        check_attrs(&x, e)?;
                        if empty {
                            // A self-closing case passed; nothing else to look at.
                            continue;
                        }
                        start_case(e, s);
                        case_depth = Some(x.depth());
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                let depth_after = x.depth();
                if case.in_text && depth_after + 1 == case.text_depth {
                    case.in_text = false;
                }
                if let Some(d) = case_depth {
                    if depth_after + 1 == d {
                        case_depth = None;
                        finish_case(&x, summary, s, &case)?;
                        case = Case::default();
                    }
                } else if e.local_name().as_ref() == b"testsuite" {
                    s.suites.pop();
                }
            }
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) if case.in_text => {
                x.append_text(&event, &mut s.text)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !root_checked {
        return Err(x.malformed("no <testsuites> or <testsuite> element"));
    }
    s.buf = buf;
    Ok(())
}

/// Cheap well-formedness check of a `<testcase>` tag that is otherwise not decoded: the
/// attributes must be UTF-8, and any `&` reference in them must be a known one.
fn check_attrs(x: &XmlStream, e: &BytesStart<'_>) -> Result<(), EvidenceError> {
    let raw = e.attributes_raw();
    let text = std::str::from_utf8(raw)
        .map_err(|err| x.malformed(format!("<testcase> attributes are not UTF-8: {err}")))?;
    if raw.contains(&b'&') {
        for attr in Attributes::new(text, 0) {
            let attr =
                attr.map_err(|err| x.malformed(format!("bad <testcase> attribute: {err}")))?;
            attr.decode_and_unescape_value(x.decoder())
                .map_err(|err| x.malformed(format!("<testcase> attribute: {err}")))?;
        }
    }
    Ok(())
}

/// Remembers the raw attribute bytes of a `<testcase>` start tag. They are decoded only if the
/// case fails, so passing cases cost one small copy and no parsing or allocation.
fn start_case(e: &BytesStart<'_>, s: &mut Scratch) {
    s.case_raw.clear();
    s.case_raw.extend_from_slice(e.attributes_raw());
}

/// Decodes the remembered `<testcase>` attributes into the reused strings; returns whether
/// `file` and `line` were present and non-empty.
fn decode_case_attrs(x: &XmlStream, s: &mut Scratch) -> Result<(bool, bool), EvidenceError> {
    s.classname.clear();
    s.name.clear();
    s.file.clear();
    s.line.clear();
    let raw = std::str::from_utf8(&s.case_raw)
        .map_err(|e| x.malformed(format!("<testcase> attributes are not UTF-8: {e}")))?;
    for attr in Attributes::new(raw, 0) {
        let attr = attr.map_err(|err| x.malformed(format!("bad <testcase> attribute: {err}")))?;
        let slot = match attr.key.local_name().as_ref() {
            b"classname" => &mut s.classname,
            b"name" => &mut s.name,
            b"file" => &mut s.file,
            b"line" => &mut s.line,
            _ => continue,
        };
        let value = attr
            .decode_and_unescape_value(x.decoder())
            .map_err(|err| x.malformed(format!("<testcase> attribute: {err}")))?;
        slot.push_str(&value);
    }
    Ok((!s.file.is_empty(), !s.line.trim().is_empty()))
}

fn finish_case(
    x: &XmlStream,
    summary: &mut JunitSummary,
    s: &mut Scratch,
    case: &Case,
) -> Result<(), EvidenceError> {
    let Some(kind) = case.kind else {
        if case.skipped {
            summary.skipped += 1;
        }
        return Ok(());
    };
    match kind {
        FailureKind::Failure => summary.failures += 1,
        FailureKind::Error => summary.errors += 1,
    }
    if summary.failed.len() >= MAX_LISTED {
        return Ok(());
    }
    let (has_file, has_line) = decode_case_attrs(x, s)?;
    let message = if s.message.trim().is_empty() {
        first_line(&s.text)
    } else {
        first_line(&s.message)
    };
    let from_text = find_location(&s.text);
    let (file, line) = if has_file {
        let line = if has_line {
            s.line.trim().parse::<u32>().ok()
        } else {
            // jest-junit writes the file but no line: take the line from the stack trace
            // when it points into that file.
            from_text
                .as_ref()
                .filter(|(p, _)| p.ends_with(s.file.as_str()))
                .map(|(_, l)| *l)
        };
        (Some(s.file.clone()), line)
    } else {
        match from_text {
            Some((p, l)) => (Some(p), Some(l)),
            None => (None, None),
        }
    };
    summary.failed.push(FailedCase {
        suite: s.suites.last().cloned().unwrap_or_default(),
        classname: truncate_chars(&s.classname, MAX_MESSAGE_CHARS),
        name: truncate_chars(&s.name, MAX_MESSAGE_CHARS),
        kind,
        message,
        file,
        line,
    });
    Ok(())
}

/// First `path:line` in a failure text: pytest's `tests/test_x.py:14: AssertionError`, Rust's
/// `panicked at src/lib.rs:21:9:`, a JS stack frame `(/abs/math.test.js:13:27)`. The path must
/// look like a file (contain `.` or `/`).
pub(crate) fn find_location(text: &str) -> Option<(String, u32)> {
    for token in text.split_whitespace() {
        let token = token.trim_start_matches(['(', '\'', '"', '[']);
        let mut parts = token.split(':');
        let (Some(p), Some(num)) = (parts.next(), parts.next()) else {
            continue;
        };
        // Java frames: `pkg.Class.method(File.java:27)` → `File.java`.
        let p = p.rsplit('(').next().unwrap_or(p);
        if p.is_empty() || !(p.contains('.') || p.contains('/')) {
            continue;
        }
        let digits = num.trim_end_matches([')', ',', '\'', '"', ']']);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // `http://host:8080` style tokens are not source locations.
        if p.contains("//") {
            continue;
        }
        if let Ok(line) = digits.parse::<u32>() {
            return Some((p.to_string(), line));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::fixture;

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
    fn location_patterns() {
        let cases: &[(&str, Option<(&str, u32)>)] = &[
            (
                "tests/test_x.py:14: AssertionError",
                Some(("tests/test_x.py", 14)),
            ),
            ("panicked at src/lib.rs:21:9:", Some(("src/lib.rs", 21))),
            (
                "    at Object.toBe (/a/b.test.js:13:27)",
                Some(("/a/b.test.js", 13)),
            ),
            ("see http://example.com:8080/x", None),
            ("std::vec::Vec: 12", None),
            ("no location here", None),
        ];
        for (text, want) in cases {
            let got = find_location(text);
            assert_eq!(got.as_ref().map(|(p, l)| (p.as_str(), *l)), *want, "{text}");
        }
    }

    #[test]
    fn hostile_inputs_give_errors_not_panics() {
        use EvidenceError as E;
        let table: &[(&str, crate::evidence::ErrCheck)] = &[
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
        assert!(matches!(e, EvidenceError::Io { .. }), "{e:?}");
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
}
