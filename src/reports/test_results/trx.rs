//! TRX reader (Visual Studio / `dotnet test --logger trx`, also what the NUnit and xUnit.net
//! adapters write through vstest): counts `<UnitTestResult>` and the other `*TestResult`
//! elements under `<Results>`.
//!
//! Outcomes: `Passed`, `PassedButRunAborted`, `Completed`, `Warning` → passed; `Failed` →
//! failure; `Error`, `Timeout`, `Aborted`, `NotRunnable`, `Disconnected`, `InProgress`,
//! `Pending` → error (the test did not run to a verdict); `NotExecuted`, `Inconclusive` →
//! skipped. Any other outcome rejects the file naming it, so an unknown verdict never passes.
//! Data-driven tests nest one result per row under `<InnerResults>`; the rows are counted and
//! the aggregate parent is not, as `dotnet test` counts each row.
//!
//! A top-level result whose `testId` is one of the file's last results' (results merged from a
//! retried run) is another attempt of that test: it counts once, by its last attempt, and is
//! flaky when that one passed ([`super::attempts`]). Rows of a data-driven test share its id
//! and are not attempts.
//!
//! Failure details come from `<Output><ErrorInfo><Message>`/`<StackTrace>`; the file and line
//! from the first `in PATH:line N` of the stack trace; the class from `<TestDefinitions>`
//! (looked up only for the listed failed cases).

use std::collections::HashMap;

use quick_xml::events::{BytesStart, Event};

use super::xmldrive::{self, XmlHandler};
use super::{FailedCase, FailureKind, Tally, Verdict};
use crate::reports::parse::xml::XmlStream;
use crate::reports::{MAX_MESSAGE_CHARS, ReportError, first_line};
use crate::text::truncate_chars;

pub(crate) fn is_root(local: &[u8]) -> bool {
    local == b"TestRun"
}

pub(crate) fn read(
    x: &mut XmlStream,
    buf: &mut Vec<u8>,
    root: &BytesStart<'_>,
    root_empty: bool,
    t: &mut Tally,
) -> Result<(), ReportError> {
    let mut h = Trx::default();
    xmldrive::drive(x, buf, root, root_empty, &mut h, t)
}

fn is_result(local: &[u8]) -> bool {
    matches!(
        local,
        b"UnitTestResult"
            | b"TestResultAggregation"
            | b"GenericTestResult"
            | b"ManualTestResult"
            | b"WebTestResult"
    )
}

fn verdict(outcome: &str) -> Option<Verdict> {
    Some(match outcome {
        "Passed" | "PassedButRunAborted" | "Completed" | "Warning" => Verdict::Passed,
        "Failed" => Verdict::Failed(FailureKind::Failure),
        "Error" | "Timeout" | "Aborted" | "NotRunnable" | "Disconnected" | "InProgress"
        | "Pending" => Verdict::Failed(FailureKind::Error),
        "NotExecuted" | "Inconclusive" => Verdict::Skipped,
        _ => return None,
    })
}

/// One open result element.
struct Open {
    depth: usize,
    verdict: Verdict,
    has_inner: bool,
    /// Collect details (it failed and the list has room when it was opened).
    detail: bool,
    /// A row under `<InnerResults>`.
    nested: bool,
    name: String,
    test_id: String,
    message: String,
    stack: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Text {
    Message,
    Stack,
}

#[derive(Default)]
struct Trx {
    open: Vec<Open>,
    text: Option<(Text, usize)>,
    scratch: String,
    /// testId → index in `t.failed` of listed cases still waiting for their class name.
    want_class: HashMap<String, usize>,
    /// The `t.failed` index the `<UnitTest>` being read inside `<TestDefinitions>` is for.
    definition: Option<usize>,
}

impl XmlHandler for Trx {
    fn start(
        &mut self,
        x: &XmlStream,
        e: &BytesStart<'_>,
        empty: bool,
        t: &mut Tally,
    ) -> Result<(), ReportError> {
        let local = e.local_name();
        let local = local.as_ref();
        if is_result(local) {
            return self.open_result(x, e, empty, t);
        }
        match local {
            b"InnerResults" => {
                if let Some(o) = self.open.last_mut() {
                    o.has_inner = true;
                }
            }
            b"Message" | b"StackTrace" if !empty && self.open.last().is_some_and(|o| o.detail) => {
                let which = if local == b"Message" {
                    Text::Message
                } else {
                    Text::Stack
                };
                self.text = Some((which, x.depth()));
            }
            b"UnitTest" if !self.want_class.is_empty() => {
                x.attr_fast(e, b"id", &mut self.scratch)?;
                self.definition = self.want_class.remove(&self.scratch);
            }
            b"TestMethod" => {
                if let Some(index) = self.definition.take() {
                    x.attr_fast(e, b"className", &mut self.scratch)?;
                    // `Ns.Class, Assembly, Version=…` → `Ns.Class`.
                    let class = self.scratch.split(',').next().unwrap_or("").trim();
                    if let Some(case) = t.failed.get_mut(index) {
                        case.classname = truncate_chars(class, MAX_MESSAGE_CHARS);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, x: &XmlStream, local: &[u8], t: &mut Tally) -> Result<(), ReportError> {
        if let Some((_, d)) = self.text {
            if x.depth() + 1 == d {
                self.text = None;
            }
        }
        if is_result(local) && self.open.last().is_some_and(|o| o.depth == x.depth() + 1) {
            self.close_result(t);
        }
        Ok(())
    }

    fn wants_text(&self) -> bool {
        self.text.is_some()
    }

    fn text(&mut self, x: &XmlStream, ev: &Event<'_>) -> Result<(), ReportError> {
        let (Some((which, _)), Some(o)) = (self.text, self.open.last_mut()) else {
            return Ok(());
        };
        match which {
            Text::Message => x.append_text(ev, &mut o.message),
            Text::Stack => x.append_text(ev, &mut o.stack),
        }
    }
}

impl Trx {
    fn open_result(
        &mut self,
        x: &XmlStream,
        e: &BytesStart<'_>,
        empty: bool,
        t: &mut Tally,
    ) -> Result<(), ReportError> {
        let nested = self.open.last().is_some();
        if let Some(parent) = self.open.last_mut() {
            parent.has_inner = true;
        }
        let Some(outcome) = x.attr_str(e, b"outcome", &mut self.scratch)? else {
            return Err(x.malformed(format!(
                "<{}> has no `outcome` attribute",
                crate::reports::parse::xml::display_name(e)
            )));
        };
        let Some(v) = verdict(outcome.trim()) else {
            return Err(x.malformed(format!(
                "unknown test outcome `{}`; expected one of Passed, Failed, Error, Timeout, \
                 Aborted, NotExecuted, Inconclusive, NotRunnable, Warning, …",
                truncate_chars(outcome.trim(), 80)
            )));
        };
        let detail = matches!(v, Verdict::Failed(_)) && t.room();
        let mut o = Open {
            depth: x.depth() + usize::from(empty),
            verdict: v,
            has_inner: false,
            detail,
            nested,
            name: String::new(),
            test_id: String::new(),
            message: String::new(),
            stack: String::new(),
        };
        x.attrs_fast(e, [(b"testName", &mut o.name), (b"testId", &mut o.test_id)])?;
        self.open.push(o);
        if empty {
            self.close_result(t);
        }
        Ok(())
    }

    fn close_result(&mut self, t: &mut Tally) {
        let Some(o) = self.open.pop() else {
            return;
        };
        if o.has_inner {
            // An aggregate of data rows (or an ordered test): its rows were counted.
            return;
        }
        if o.nested || o.test_id.is_empty() {
            t.named("", &o.name);
        } else {
            t.begin(&o.test_id, "", &o.name);
        }
        let Some(kind) = t.count(o.verdict).filter(|_| o.detail) else {
            return;
        };
        let message = if o.message.trim().is_empty() {
            first_line(&o.stack)
        } else {
            first_line(&o.message)
        };
        if !o.test_id.is_empty() {
            self.want_class.insert(o.test_id, t.failed.len());
        }
        t.push(FailedCase::dotnet(
            String::new(),
            ("", &o.name),
            kind,
            message,
            &o.stack,
        ));
    }
}
