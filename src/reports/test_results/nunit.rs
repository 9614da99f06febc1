//! NUnit XML reader: NUnit 2 (`<test-results>` root) and NUnit 3 (`<test-run>` root) result
//! files, counting `<test-case>` elements at any depth of nested `<test-suite>`s (namespaces,
//! fixtures, parameterized methods, theories).
//!
//! NUnit 3 `result`: `Passed`, `Warning` → passed; `Failed` → failure, or error when its
//! `label` is `Error`, `Invalid` or `Cancelled` (NUnit's console lists those as errors and
//! invalid tests); `Skipped` (ignored, explicit) and `Inconclusive` → skipped. A fixture whose
//! one-time teardown failed (`<test-suite result="Failed" site="TearDown">`) adds one error,
//! as the console reports it although every case passed.
//! NUnit 2 `result`: `Success` → passed; `Failure` → failure; `Error`, `NotRunnable`,
//! `Cancelled` → error; `Ignored`, `Skipped`, `Inconclusive` → skipped. A case without `result`
//! (NUnit 2.2-era files) is decided by `executed` and `success`: not executed → skipped (it did
//! not run, whatever else it says); executed → passed or failed by `success`, and when that is
//! missing too, failed exactly when it has a `<failure>` child. Any other value rejects the
//! file naming it.
//!
//! A case repeating the classname and name of one of the file's last cases (results merged
//! from a retried run) is another attempt of that test: it counts once, by its last attempt,
//! and is flaky when that one passed ([`super::attempts`]).
//!
//! Failure details: `<failure><message>`, the file and line from the first `in PATH:line N`
//! of `<stack-trace>`.

use quick_xml::events::{BytesStart, Event};

use super::xmldrive::{self, FailureText, XmlHandler};
use super::{FailedCase, FailureKind, Tally, TestFormat, Verdict};
use crate::reports::parse::xml::XmlStream;
use crate::reports::{MAX_MESSAGE_CHARS, ReportError, first_line};
use crate::text::truncate_chars;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Version {
    V2,
    V3,
    /// A bare `<test-suite>` root: decided by the first test case's attributes.
    #[default]
    Unknown,
}

pub(crate) fn version_of_root(local: &[u8]) -> Option<Version> {
    match local {
        b"test-results" => Some(Version::V2),
        b"test-run" => Some(Version::V3),
        b"test-suite" => Some(Version::Unknown),
        _ => None,
    }
}

pub(crate) fn read(
    x: &mut XmlStream,
    buf: &mut Vec<u8>,
    root: &BytesStart<'_>,
    root_empty: bool,
    version: Version,
    t: &mut Tally,
) -> Result<TestFormat, ReportError> {
    let mut h = Nunit {
        version,
        ..Nunit::default()
    };
    xmldrive::drive(x, buf, root, root_empty, &mut h, t)?;
    Ok(match h.version {
        Version::V2 => TestFormat::Nunit2,
        Version::V3 | Version::Unknown => TestFormat::Nunit3,
    })
}

fn v3_verdict(result: &str, label: &str) -> Option<Verdict> {
    Some(match result {
        "Passed" | "Warning" => Verdict::Passed,
        "Failed" => match label {
            "Error" | "Invalid" | "Cancelled" => Verdict::Failed(FailureKind::Error),
            _ => Verdict::Failed(FailureKind::Failure),
        },
        "Skipped" | "Inconclusive" => Verdict::Skipped,
        _ => return None,
    })
}

fn v2_verdict(result: &str) -> Option<Verdict> {
    Some(match result {
        "Success" => Verdict::Passed,
        "Failure" => Verdict::Failed(FailureKind::Failure),
        "Error" | "NotRunnable" | "Cancelled" => Verdict::Failed(FailureKind::Error),
        "Ignored" | "Skipped" | "Inconclusive" => Verdict::Skipped,
        _ => return None,
    })
}

/// How an NUnit 2 case without `result` is decided once its attributes are read.
enum Decided {
    Now(Verdict),
    /// Executed, with no `success` either: failed exactly when a `<failure>` child follows.
    ByFailureChild,
}

#[derive(Default)]
struct Nunit {
    version: Version,
    suites: Vec<String>,
    /// Depth of the open `<test-case>` and whether its details are collected.
    case: Option<(usize, Verdict, bool)>,
    /// The open case passes unless a `<failure>` child turns it into a failure.
    by_failure_child: bool,
    failure: FailureText,
    name: String,
    classname: String,
    /// `fullname` (else classname and name): the case's key among the file's cases.
    key: String,
    result: String,
    label: String,
    scratch: String,
}

impl XmlHandler for Nunit {
    fn start(
        &mut self,
        x: &XmlStream,
        e: &BytesStart<'_>,
        empty: bool,
        t: &mut Tally,
    ) -> Result<(), ReportError> {
        let local = e.local_name();
        match local.as_ref() {
            b"test-case" => self.open_case(x, e, empty, t),
            b"failure" if self.by_failure_child => {
                if let Some(case) = self.case.as_mut() {
                    case.1 = Verdict::Failed(FailureKind::Failure);
                }
                Ok(())
            }
            b"test-suite" => {
                if self.version != Version::V2 {
                    self.teardown_failure(x, e, t)?;
                }
                if !empty {
                    x.attr_fast(e, b"name", &mut self.scratch)?;
                    self.suites
                        .push(truncate_chars(&self.scratch, MAX_MESSAGE_CHARS));
                }
                Ok(())
            }
            b"message" | b"stack-trace" if !empty => {
                if self.case.is_some_and(|(_, _, detail)| detail) {
                    self.failure.open(x, local.as_ref() == b"message");
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn end(&mut self, x: &XmlStream, local: &[u8], t: &mut Tally) -> Result<(), ReportError> {
        self.failure.end(x);
        match local {
            b"test-case" if self.case.is_some_and(|(d, _, _)| d == x.depth() + 1) => {
                self.close_case(t);
            }
            b"test-suite" => {
                self.suites.pop();
            }
            _ => {}
        }
        Ok(())
    }

    fn wants_text(&self) -> bool {
        self.failure.collecting().is_some()
    }

    fn text(&mut self, x: &XmlStream, ev: &Event<'_>) -> Result<(), ReportError> {
        let f = &self.failure;
        if f.collecting() == Some(true) && !f.message.is_empty() && !f.stack.is_empty() {
            // Only the <failure>'s message matters; a later <reason><message> is ignored
            // once the failure's was read (the stack trace follows the message).
            return Ok(());
        }
        self.failure.text(x, ev)
    }
}

impl Nunit {
    fn verdict(&mut self, x: &XmlStream, e: &BytesStart<'_>) -> Result<Decided, ReportError> {
        if self.version == Version::Unknown {
            // NUnit 2 marks every case with `executed`; NUnit 3 never does.
            self.version = if x.attr_str(e, b"executed", &mut self.scratch)?.is_some() {
                Version::V2
            } else {
                Version::V3
            };
        }
        let has_result = x.attr_fast(e, b"result", &mut self.result)?;
        if self.version == Version::V2 && !has_result {
            return self.v2_without_result(x, e);
        }
        let result = self.result.trim();
        let v = match self.version {
            Version::V3 | Version::Unknown => {
                // The label only matters for a failed case.
                let label = if result == "Failed" {
                    x.attr_str(e, b"label", &mut self.label)?.unwrap_or("")
                } else {
                    ""
                };
                v3_verdict(result, label.trim()).map(Decided::Now)
            }
            Version::V2 => v2_verdict(result).map(Decided::Now),
        };
        v.ok_or_else(|| {
            x.malformed(format!(
                "unknown <test-case> result `{}`",
                truncate_chars(result, 80)
            ))
        })
    }

    /// An NUnit 2 case without `result`: by `executed`, then `success`, then a `<failure>`.
    fn v2_without_result(
        &mut self,
        x: &XmlStream,
        e: &BytesStart<'_>,
    ) -> Result<Decided, ReportError> {
        let executed = x.attr_fast(e, b"executed", &mut self.scratch)?
            && self.scratch.trim().eq_ignore_ascii_case("true");
        if !executed {
            return Ok(Decided::Now(Verdict::Skipped));
        }
        if !x.attr_fast(e, b"success", &mut self.scratch)? {
            return Ok(Decided::ByFailureChild);
        }
        Ok(Decided::Now(
            if self.scratch.trim().eq_ignore_ascii_case("true") {
                Verdict::Passed
            } else {
                Verdict::Failed(FailureKind::Failure)
            },
        ))
    }

    fn open_case(
        &mut self,
        x: &XmlStream,
        e: &BytesStart<'_>,
        empty: bool,
        t: &mut Tally,
    ) -> Result<(), ReportError> {
        let (v, by_failure_child) = match self.verdict(x, e)? {
            Decided::Now(v) => (v, false),
            Decided::ByFailureChild => (Verdict::Passed, true),
        };
        self.by_failure_child = by_failure_child && !empty;
        // A case decided by a later `<failure>` keeps its details in case it fails.
        let detail = (by_failure_child || matches!(v, Verdict::Failed(_))) && t.room();
        self.failure.clear();
        // Every case is named: a case repeating one of the last cases' names (results merged
        // from a retried run) is another attempt of it.
        {
            // The key: `fullname` tells parameterized fixtures apart (`Fixture(42).Test1`).
            if !x.attr_fast(e, b"fullname", &mut self.key)? {
                self.key.clear();
            }
            x.attr_fast(e, b"name", &mut self.name)?;
            if !x.attr_fast(e, b"classname", &mut self.classname)? {
                // NUnit 3 without `classname` has `fullname`; NUnit 2 names are fully
                // qualified: `Ns.Class.Method`, parameterized `Ns.Class.Method("a.b", 1.5)`.
                if !x.attr_fast(e, b"fullname", &mut self.classname)? {
                    x.attr_fast(e, b"name", &mut self.classname)?;
                }
                let method = self.classname.find('(').unwrap_or(self.classname.len());
                let cut = self.classname[..method].rfind('.').unwrap_or(0);
                self.classname.truncate(cut);
            }
        }
        self.case = Some((x.depth() + usize::from(empty), v, detail));
        if empty {
            self.close_case(t);
        }
        Ok(())
    }

    fn close_case(&mut self, t: &mut Tally) {
        let Some((_, v, detail)) = self.case.take() else {
            return;
        };
        self.by_failure_child = false;
        self.failure.stop();
        if self.key.is_empty() {
            self.key.push_str(&self.classname);
            self.key.push('\u{0}');
            self.key.push_str(&self.name);
        }
        t.begin(&self.key, &self.classname, &self.name);
        let Some(kind) = t.count(v).filter(|_| detail) else {
            return;
        };
        t.push(FailedCase::dotnet(
            self.suites.last().cloned().unwrap_or_default(),
            (&self.classname, &self.name),
            kind,
            first_line(&self.failure.message),
            &self.failure.stack,
        ));
    }

    /// NUnit 3: a suite whose one-time teardown failed adds one error.
    fn teardown_failure(
        &mut self,
        x: &XmlStream,
        e: &BytesStart<'_>,
        t: &mut Tally,
    ) -> Result<(), ReportError> {
        if !x.attr_fast(e, b"site", &mut self.scratch)? || self.scratch.trim() != "TearDown" {
            return Ok(());
        }
        if !x.attr_fast(e, b"result", &mut self.scratch)? || self.scratch.trim() != "Failed" {
            return Ok(());
        }
        if t.fail(FailureKind::Error) {
            x.attr_fast(e, b"fullname", &mut self.scratch)?;
            t.push(FailedCase {
                suite: truncate_chars(&self.scratch, MAX_MESSAGE_CHARS),
                classname: truncate_chars(&self.scratch, MAX_MESSAGE_CHARS),
                name: "(one-time teardown)".into(),
                kind: FailureKind::Error,
                message: "the fixture's one-time teardown failed".into(),
                file: None,
                line: None,
                trace: String::new(),
            });
        }
        Ok(())
    }
}
