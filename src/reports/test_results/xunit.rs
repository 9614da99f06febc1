//! xUnit.net XML reader: v2 (`<assemblies><assembly><collection><test>`, what `xunit.console
//! -xml` and the v2/v3 runners write) and v1 (`<assembly><class><test>`).
//!
//! `result`: `Pass` → passed, `Fail` → failure, `Skip` and `NotRun` → skipped; any other value
//! rejects the file naming it. Each `<errors><error>` entry (a class or collection fixture that
//! failed outside any test, reported by the console as `Errors: N`) adds one errored test, so
//! `tests` is the console's `Total` plus its `Errors`.
//! An `<assembly>` that declares more than it lists (`total`, `failed`, `skipped`, `errors`
//! above the `<test>` elements inside it, as converters that keep only some cases write) counts
//! what it declares, per category — as JUnit suites with only header totals do: a file that
//! says a test failed never passes as clean.
//! Failure details: `<failure><message>`, the file and line from the first `in PATH:line N` of
//! `<stack-trace>`.

use quick_xml::events::{BytesStart, Event};

use super::xmldrive::{self, FailureText, XmlHandler};
use super::{FailedCase, FailureKind, Tally, TestCounts, TestFormat};
use crate::reports::parse::xml::XmlStream;
use crate::reports::{MAX_MESSAGE_CHARS, ReportError, first_line};
use crate::text::truncate_chars;

pub(crate) fn is_root(local: &[u8]) -> bool {
    local == b"assemblies" || local == b"assembly"
}

pub(crate) fn read(
    x: &mut XmlStream,
    buf: &mut Vec<u8>,
    root: &BytesStart<'_>,
    root_empty: bool,
    t: &mut Tally,
) -> Result<TestFormat, ReportError> {
    let mut h = Xunit {
        v2: root.local_name().as_ref() == b"assemblies",
        ..Xunit::default()
    };
    xmldrive::drive(x, buf, root, root_empty, &mut h, t)?;
    Ok(if h.v2 {
        TestFormat::Xunit2
    } else {
        TestFormat::Xunit1
    })
}

/// What the open `<test>` or `<error>` is.
#[derive(Clone, Copy)]
struct Open {
    depth: usize,
    kind: Option<FailureKind>,
    detail: bool,
    /// An assembly-level `<error>` rather than a `<test>`.
    fixture_error: bool,
}

#[derive(Default)]
struct Xunit {
    v2: bool,
    /// The open `<assembly>`: the counts before it and what it declares.
    assembly: Option<(TestCounts, TestCounts)>,
    /// `name` of the enclosing `<collection>` (v2) or `<class>` (v1).
    group: String,
    open: Option<Open>,
    name: String,
    classname: String,
    failure: FailureText,
    scratch: String,
}

impl XmlHandler for Xunit {
    fn start(
        &mut self,
        x: &XmlStream,
        e: &BytesStart<'_>,
        empty: bool,
        t: &mut Tally,
    ) -> Result<(), ReportError> {
        let local = e.local_name();
        match local.as_ref() {
            b"test" => self.open_test(x, e, empty, t),
            b"error" if self.open.is_none() => {
                self.open_failed(x, e, empty, (FailureKind::Error, true), t)
            }
            b"assembly" => {
                let declared = declared(x, e, &mut self.scratch)?;
                self.assembly = Some((t.counts, declared));
                if empty {
                    self.close_assembly(t);
                }
                Ok(())
            }
            b"collection" | b"class" => {
                self.v2 |= local.as_ref() == b"collection";
                x.attr_fast(e, b"name", &mut self.group)?;
                Ok(())
            }
            b"message" | b"stack-trace" if !empty => {
                if self.open.is_some_and(|o| o.detail) {
                    self.failure.open(x, local.as_ref() == b"message");
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn end(&mut self, x: &XmlStream, local: &[u8], t: &mut Tally) -> Result<(), ReportError> {
        self.failure.end(x);
        if matches!(local, b"test" | b"error")
            && self.open.is_some_and(|o| o.depth == x.depth() + 1)
        {
            self.close(t);
        }
        if local == b"assembly" {
            self.close_assembly(t);
        }
        Ok(())
    }

    fn wants_text(&self) -> bool {
        self.failure.collecting().is_some()
    }

    fn text(&mut self, x: &XmlStream, ev: &Event<'_>) -> Result<(), ReportError> {
        self.failure.text(x, ev)
    }
}

/// What an `<assembly>` says it ran: `total` (plus `errors`, the fixture errors this reader
/// counts as errored tests), `failed`, `skipped`, `errors`; a missing attribute is 0.
fn declared(
    x: &XmlStream,
    e: &BytesStart<'_>,
    scratch: &mut String,
) -> Result<TestCounts, ReportError> {
    let mut num = |key: &[u8]| -> Result<u64, ReportError> {
        // As JUnit headers: `3.0` counts as 3; a negative or non-finite value as nothing.
        Ok(x.attr_num::<f64>(e, key, scratch)?
            .filter(|v| v.is_finite() && *v >= 0.0)
            .map(|v| v as u64)
            .unwrap_or(0))
    };
    let (total, failures, skipped, errors) = (
        num(b"total")?,
        num(b"failed")?,
        num(b"skipped")?,
        num(b"errors")?,
    );
    Ok(TestCounts {
        tests: total + errors,
        failures,
        errors,
        skipped,
    })
}

impl Xunit {
    /// The test's (or fixture error's) `name` and `type`, for the tally or its listed details.
    fn name_and_type(&mut self, x: &XmlStream, e: &BytesStart<'_>) -> Result<(), ReportError> {
        x.attrs_fast(
            e,
            [(b"name", &mut self.name), (b"type", &mut self.classname)],
        )
    }

    fn close_assembly(&mut self, t: &mut Tally) {
        if let Some((before, declared)) = self.assembly.take() {
            t.at_least(before, declared);
        }
    }

    fn open_test(
        &mut self,
        x: &XmlStream,
        e: &BytesStart<'_>,
        empty: bool,
        t: &mut Tally,
    ) -> Result<(), ReportError> {
        let result = x.attr_str(e, b"result", &mut self.scratch)?.unwrap_or("");
        let kind = match result.trim() {
            "Pass" | "Skip" | "NotRun" => {
                let passed = result.trim() == "Pass";
                if t.probing() {
                    self.name_and_type(x, e)?;
                    t.named(&self.classname, &self.name);
                }
                if passed {
                    t.pass();
                } else {
                    t.skip();
                }
                return Ok(());
            }
            "Fail" => FailureKind::Failure,
            other => {
                return Err(x.malformed(format!(
                    "unknown <test> result `{}`; expected Pass, Fail, Skip or NotRun",
                    truncate_chars(other, 80)
                )));
            }
        };
        self.open_failed(x, e, empty, (kind, false), t)
    }

    /// Opens a failed `<test>` or an assembly-level `<error>` (`fixture_error`), reading its
    /// names when the list of failed cases has room for it.
    fn open_failed(
        &mut self,
        x: &XmlStream,
        e: &BytesStart<'_>,
        empty: bool,
        (kind, fixture_error): (FailureKind, bool),
        t: &mut Tally,
    ) -> Result<(), ReportError> {
        let detail = t.room();
        if detail {
            self.name_and_type(x, e)?;
        }
        self.failure.clear();
        self.open = Some(Open {
            depth: x.depth() + usize::from(empty),
            kind: Some(kind),
            detail,
            fixture_error,
        });
        if empty {
            self.close(t);
        }
        Ok(())
    }

    fn close(&mut self, t: &mut Tally) {
        let Some(o) = self.open.take() else {
            return;
        };
        self.failure.stop();
        let Some(kind) = o.kind else {
            return;
        };
        if !t.fail(kind) || !o.detail {
            return;
        }
        let suite = if o.fixture_error {
            String::new()
        } else {
            truncate_chars(&self.group, MAX_MESSAGE_CHARS)
        };
        t.push(FailedCase::dotnet(
            suite,
            (&self.classname, &self.name),
            kind,
            first_line(&self.failure.message),
            &self.failure.stack,
        ));
    }
}
