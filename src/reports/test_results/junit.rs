//! JUnit XML reader: counts `<testcase>` elements for the `tests:`/`junit:` gates.
//!
//! Counts come from the `<testcase>` elements themselves, never from the `tests=`/`failures=`
//! header attributes (they are missing or wrong in several producers) — except for a
//! `<testsuite>` that has no `<testcase>` (and no nested suite) at all: some converters write
//! only totals, and then its `tests`/`failures`/`errors`/`skipped` attributes are the counts.
//! Accepted shapes: a `<testsuites>` root (pytest, jest-junit, cargo-nextest, Bazel, Swift), a
//! bare `<testsuite>` root (Maven Surefire, Gradle, TestNG's JUnit reports, scalatest, Nette
//! Tester) and suites nested in suites (PHPUnit, some Karma reporters).
//!
//! A test case with several result elements counts once: *failure* if it has a `<failure>`
//! child, else *error* if it has an `<error>` child, else *skipped* if it has a `<skipped>`
//! child, otherwise passed. Surefire's `<flakyFailure>`/`<flakyError>` are failed attempts of a
//! test that passed on a rerun: it counts as passed and is listed as flaky; `<rerunFailure>`s
//! sit beside the `<failure>` of a test that failed every attempt. Consecutive `<testcase>`s
//! with the same suite, classname and name (pytest-rerunfailures writes one per attempt) are
//! one test, counted by its last attempt ([`super::attempts`]).
//!
//! Every case's `classname` and `name` are decoded (into reused buffers) to recognise reruns;
//! the rest of a case is read only when it fails.

use std::path::{Path, PathBuf};

use quick_xml::events::{BytesStart, Event};
use serde::Serialize;

use super::location::find_location;
use super::xmldrive::{self, XmlHandler};
use super::{FailedCase, FailureKind, Tally, TestCounts, trace_of};
use crate::reports::parse::xml::{self, Sniffed, XmlStream};
use crate::reports::{MAX_MESSAGE_CHARS, ReportError, first_line};
use crate::text::truncate_chars;

const FORMAT: &str = "JUnit XML";

/// Totals over every file read by [`read_junit`] (the `junit:` gate's summary; the `tests:`
/// gate uses [`super::TestSummary`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct JunitSummary {
    pub tests: u64,
    pub failures: u64,
    pub errors: u64,
    pub skipped: u64,
    /// The first [`crate::reports::MAX_LISTED`] failed or errored cases, in file order.
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

/// Reads every file as JUnit XML (no other format is accepted) and adds up the test cases.
pub fn read_junit(files: &[PathBuf]) -> Result<JunitSummary, ReportError> {
    let mut tally = Tally::default();
    for path in files {
        let (mut x, mut buf, root, empty) = open(path)?;
        if !is_root(root.local_name().as_ref()) {
            return Err(ReportError::UnknownFormat {
                path: path.to_path_buf(),
                expected: FORMAT,
                detail: format!(
                    "the root element is <{}>, not <testsuites> or <testsuite>",
                    xml::display_name(&root)
                ),
            });
        }
        read(&mut x, &mut buf, &root, empty, &mut tally)?;
        tally.end_file();
    }
    let c = tally.counts;
    Ok(JunitSummary {
        tests: c.tests,
        failures: c.failures,
        errors: c.errors,
        skipped: c.skipped,
        failed: tally.failed,
        failed_total: c.failures + c.errors,
        files: files.to_vec(),
    })
}

type Opened = (XmlStream, Vec<u8>, BytesStart<'static>, bool);

fn open(path: &Path) -> Result<Opened, ReportError> {
    let (inner, sniffed) = xml::open_sniffed(path, FORMAT)?;
    let found = match sniffed {
        Sniffed::Xml => None,
        Sniffed::Json => Some("found JSON"),
        Sniffed::Other => Some("found text that does not start with `<`"),
    };
    if let Some(detail) = found {
        return Err(ReportError::UnknownFormat {
            path: path.to_path_buf(),
            expected: FORMAT,
            detail: detail.into(),
        });
    }
    let mut x = XmlStream::new(inner, path, FORMAT);
    let mut buf = Vec::new();
    let (root, empty) = xmldrive::read_root(&mut x, &mut buf)?;
    Ok((x, buf, root, empty))
}

/// Whether a root element name is JUnit's.
pub(crate) fn is_root(local: &[u8]) -> bool {
    local == b"testsuites" || local == b"testsuite"
}

/// Reads the rest of a JUnit document whose root element has been read.
pub(crate) fn read(
    x: &mut XmlStream,
    buf: &mut Vec<u8>,
    root: &BytesStart<'_>,
    root_empty: bool,
    t: &mut Tally,
) -> Result<(), ReportError> {
    let mut h = Junit::default();
    xmldrive::drive(x, buf, root, root_empty, &mut h, t)
}

/// One open `<testsuite>`.
struct Suite {
    name: String,
    /// Header totals, used only if the suite turns out to hold no case and no suite.
    totals: TestCounts,
    has_children: bool,
}

/// Where the reader is inside the current test case.
#[derive(Default)]
struct Case {
    kind: Option<FailureKind>,
    skipped: bool,
    /// A `<flakyFailure>`/`<flakyError>` child: a failed attempt before the one that counts.
    flaky: bool,
    /// Collecting the text of the deciding `<failure>`/`<error>` element.
    in_text: bool,
    text_depth: usize,
}

#[derive(Default)]
struct Junit {
    suites: Vec<Suite>,
    /// Depth of the open `<testcase>`, if any.
    case_depth: Option<usize>,
    case: Case,
    case_raw: Vec<u8>,
    attr: String,
    classname: String,
    name: String,
    file: String,
    line: String,
    text: String,
    message: String,
    /// The case's key among its file's cases: suite, classname and name.
    key: String,
}

impl XmlHandler for Junit {
    fn start(
        &mut self,
        x: &XmlStream,
        e: &BytesStart<'_>,
        empty: bool,
        t: &mut Tally,
    ) -> Result<(), ReportError> {
        let local = e.local_name();
        let local = local.as_ref();
        if self.case_depth.is_some() {
            let kind = match local {
                b"failure" => FailureKind::Failure,
                b"error" => FailureKind::Error,
                b"skipped" => {
                    self.case.skipped = true;
                    return Ok(());
                }
                b"flakyFailure" | b"flakyError" => {
                    self.case.flaky = true;
                    return Ok(());
                }
                _ => return Ok(()),
            };
            // failure > error: a later <failure> replaces an earlier <error>.
            let decides = match self.case.kind {
                None => true,
                Some(FailureKind::Error) => kind == FailureKind::Failure,
                Some(FailureKind::Failure) => false,
            };
            if decides {
                self.case.kind = Some(kind);
                x.attr_into(e, b"message", &mut self.message)?;
                self.text.clear();
                self.case.in_text = !empty;
                self.case.text_depth = x.depth();
            }
            return Ok(());
        }
        match local {
            b"testsuite" => {
                if let Some(parent) = self.suites.last_mut() {
                    parent.has_children = true;
                }
                x.attr_into(e, b"name", &mut self.attr)?;
                let suite = Suite {
                    name: self.attr.clone(),
                    totals: header_totals(x, e, &mut self.attr)?,
                    has_children: false,
                };
                self.suites.push(suite);
                if empty {
                    self.close_suite(t);
                }
            }
            b"testcase" => {
                if let Some(suite) = self.suites.last_mut() {
                    suite.has_children = true;
                }
                self.case = Case::default();
                check_attrs(x, e)?;
                self.case_raw.clear();
                self.case_raw.extend_from_slice(e.attributes_raw());
                if empty {
                    // A self-closing case passed; nothing else to look at.
                    self.begin_case(x, t)?;
                    t.pass();
                    return Ok(());
                }
                self.case_depth = Some(x.depth());
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, x: &XmlStream, local: &[u8], t: &mut Tally) -> Result<(), ReportError> {
        let depth_after = x.depth();
        if self.case.in_text && depth_after + 1 == self.case.text_depth {
            self.case.in_text = false;
        }
        if let Some(d) = self.case_depth {
            if depth_after + 1 == d {
                self.case_depth = None;
                self.finish_case(x, t)?;
                self.case = Case::default();
            }
        } else if local == b"testsuite" {
            self.close_suite(t);
        }
        Ok(())
    }

    fn wants_text(&self) -> bool {
        self.case.in_text
    }

    fn text(&mut self, x: &XmlStream, ev: &Event<'_>) -> Result<(), ReportError> {
        x.append_text(ev, &mut self.text)
    }
}

/// `tests`/`failures`/`errors`/`skipped` attributes of a `<testsuite>` (missing = 0).
fn header_totals(
    x: &XmlStream,
    e: &BytesStart<'_>,
    scratch: &mut String,
) -> Result<TestCounts, ReportError> {
    let mut num = |key: &[u8]| -> Result<u64, ReportError> {
        // Some producers write `tests="3.0"` or leave the value empty; only whole numbers count.
        Ok(x.attr_num::<f64>(e, key, scratch)?
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(|v| v as u64)
            .unwrap_or(0))
    };
    let tests = num(b"tests")?;
    let failures = num(b"failures")?;
    let errors = num(b"errors")?;
    let skipped = num(b"skipped")?;
    Ok(TestCounts {
        tests: tests.max(failures + errors + skipped),
        failures,
        errors,
        skipped,
    })
}

impl Junit {
    fn close_suite(&mut self, t: &mut Tally) {
        if let Some(suite) = self.suites.pop() {
            if !suite.has_children {
                t.add_totals(suite.totals);
            }
        }
    }

    /// Decodes the remembered `<testcase>` attributes; returns whether `file` and `line` were
    /// present and non-empty.
    fn decode_case_attrs(&mut self, x: &XmlStream) -> Result<(bool, bool), ReportError> {
        self.classname.clear();
        self.name.clear();
        self.file.clear();
        self.line.clear();
        let (classname, name, file, line) = (
            &mut self.classname,
            &mut self.name,
            &mut self.file,
            &mut self.line,
        );
        x.each_attr(
            x.attrs_of(&self.case_raw, "<testcase>")?,
            "<testcase> ",
            |key| matches!(key, b"classname" | b"name" | b"file" | b"line"),
            |key, value| {
                match key {
                    b"classname" => classname.push_str(value),
                    b"name" => name.push_str(value),
                    b"file" => file.push_str(value),
                    _ => line.push_str(value),
                }
                true
            },
        )?;
        Ok((!self.file.is_empty(), !self.line.trim().is_empty()))
    }

    /// Names the case to the tally (its attempts and the quarantine probe).
    fn begin_case(&mut self, x: &XmlStream, t: &mut Tally) -> Result<(bool, bool), ReportError> {
        let found = self.decode_case_attrs(x)?;
        self.key.clear();
        if let Some(suite) = self.suites.last() {
            self.key.push_str(&suite.name);
        }
        for part in [&self.classname, &self.name] {
            self.key.push('\u{0}');
            self.key.push_str(part);
        }
        t.begin(&self.key, &self.classname, &self.name);
        if self.case.flaky {
            t.mark_flaky();
        }
        Ok(found)
    }

    fn finish_case(&mut self, x: &XmlStream, t: &mut Tally) -> Result<(), ReportError> {
        let (has_file, has_line) = self.begin_case(x, t)?;
        let Some(kind) = self.case.kind else {
            if self.case.skipped {
                t.skip();
            } else {
                t.pass();
            }
            return Ok(());
        };
        if !t.fail(kind) {
            return Ok(());
        }
        let message = if self.message.trim().is_empty() {
            first_line(&self.text)
        } else {
            first_line(&self.message)
        };
        // The element's text first; writers that put everything in `message` (Nette Tester)
        // leave the location there.
        let from_text = find_location(&self.text).or_else(|| find_location(&self.message));
        let (file, line) = if has_file {
            let line = if has_line {
                self.line.trim().parse::<u32>().ok()
            } else {
                // jest-junit writes the file but no line: take the line from the stack trace
                // when it points into that file.
                from_text
                    .as_ref()
                    .filter(|(p, _)| p.ends_with(self.file.as_str()))
                    .map(|(_, l)| *l)
            };
            (Some(self.file.clone()), line)
        } else {
            from_text.unzip()
        };
        t.push(FailedCase {
            suite: self
                .suites
                .last()
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            classname: truncate_chars(&self.classname, MAX_MESSAGE_CHARS),
            name: truncate_chars(&self.name, MAX_MESSAGE_CHARS),
            kind,
            message,
            file,
            line,
            trace: trace_of(&self.text),
        });
        Ok(())
    }
}

/// Cheap well-formedness check of a `<testcase>` tag that is otherwise not decoded: the
/// attributes must be UTF-8, and any `&` reference in them must be a known one.
fn check_attrs(x: &XmlStream, e: &BytesStart<'_>) -> Result<(), ReportError> {
    let raw = e.attributes_raw();
    let attrs = x.attrs_of(raw, "<testcase>")?;
    if raw.contains(&b'&') {
        // Decoding every value is what finds an unknown reference.
        x.each_attr(attrs, "<testcase> ", |_| true, |_, _| true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
