//! Dart / Flutter JSON reporter reader (`dart test --reporter json`, `flutter test
//! --machine`): one event per line.
//!
//! Only `testDone` events count, and not those with `hidden: true` (the runner's synthetic
//! "loading" tests, which `dart test` does not count either). `skipped: true` → skipped;
//! otherwise `result` `success` → passed, `failure` → failure, `error` → error; any other
//! result rejects the file naming it. Names, file and line come from the matching `testStart`
//! (`root_url`/`root_line` when the test is declared through a helper, else `url`/`line`),
//! the message from the test's first `error` event (its stack trace gives the location when
//! the test has no URL, e.g. a suite that failed to load).
//!
//! Memory: the tests that have started and not finished (normally a handful; more than
//! [`MAX_OPEN`] is refused) and their details only while the failed list has room.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use serde::Deserialize;

use crate::reports::parse::json::borrowed_str;

use super::location::{dart_frame, file_url_path};
use super::{FailedCase, FailureKind, Tally};
use crate::reports::parse::lines::{read_line, trim};
use crate::reports::{MAX_MESSAGE_CHARS, ReportError, first_line};
use crate::text::truncate_chars;

const FORMAT: &str = "Dart JSON";

/// Most tests started and not yet done at once.
const MAX_OPEN: usize = 65_536;

#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow, rename = "type")]
    kind: Cow<'a, str>,
    #[serde(default)]
    test: Option<TestInfo<'a>>,
    #[serde(rename = "testID", default)]
    test_id: Option<u64>,
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    result: Option<Cow<'a, str>>,
    #[serde(default)]
    skipped: bool,
    #[serde(default)]
    hidden: bool,
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    error: Option<Cow<'a, str>>,
    #[serde(
        borrow,
        default,
        rename = "stackTrace",
        deserialize_with = "borrowed_str"
    )]
    stack_trace: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct TestInfo<'a> {
    id: u64,
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    name: Option<Cow<'a, str>>,
    #[serde(default)]
    line: Option<u32>,
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    url: Option<Cow<'a, str>>,
    #[serde(default)]
    root_line: Option<u32>,
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    root_url: Option<Cow<'a, str>>,
}

/// A started test; details are filled only while the failed list has room.
#[derive(Default)]
struct Open {
    name: String,
    file: Option<String>,
    line: Option<u32>,
    message: Option<String>,
    trace_loc: Option<(String, u32)>,
}

/// What a `testStart` event says of a test, kept while the failed list has room (or a
/// quarantine probes the names).
fn started(test: TestInfo<'_>, t: &Tally) -> Open {
    let mut o = Open::default();
    if t.room() || t.probing() {
        o.name = truncate_chars(test.name.as_deref().unwrap_or(""), MAX_MESSAGE_CHARS);
        let (url, l) = match (test.root_url, test.root_line) {
            (Some(u), l) => (Some(u), l),
            (None, _) => (test.url, test.line),
        };
        o.file = url.map(|u| file_url_path(&u));
        o.line = l;
    }
    o
}

pub(crate) fn read(
    path: &Path,
    mut src: BufReader<File>,
    t: &mut Tally,
) -> Result<(), ReportError> {
    let mut open: HashMap<u64, Open> = HashMap::new();
    let test_done = memchr::memmem::Finder::new(b"\"testDone\"");
    let mut line = Vec::with_capacity(4096);
    let mut number = 0u64;
    loop {
        line.clear();
        // A line over the bound is refused in the words of go test's format, as it always was.
        if read_line(path, super::gotest::FORMAT, &mut src, &mut line)? == 0 {
            break;
        }
        number += 1;
        let text = trim(&line);
        if text.is_empty() {
            continue;
        }
        let bad = |detail: String| {
            ReportError::malformed(path, FORMAT, format!("line {number}: {detail}"))
        };
        // Once no more failures can be listed, only `testDone` events carry anything we use;
        // the others are only checked to be complete UTF-8 lines.
        if !t.room() && test_done.find(text).is_none() {
            if text.last() != Some(&b'}') {
                return Err(bad("the line is cut short; the file looks truncated".into()));
            }
            if std::str::from_utf8(text).is_err() {
                return Err(bad("the line is not valid UTF-8".into()));
            }
            continue;
        }
        let ev: Event<'_> = serde_json::from_slice(text).map_err(|e| {
            let hint = if e.is_eof() {
                " (the file looks truncated)"
            } else {
                ""
            };
            bad(format!("{e}{hint}"))
        })?;
        match ev.kind.as_ref() {
            "testStart" => {
                let Some(test) = ev.test else {
                    return Err(bad("a testStart event without `test`".into()));
                };
                if open.len() >= MAX_OPEN {
                    return Err(bad(format!(
                        "more than {MAX_OPEN} tests started without finishing"
                    )));
                }
                let id = test.id;
                open.insert(id, started(test, t));
            }
            "error" => {
                if let Some(o) = ev.test_id.and_then(|id| open.get_mut(&id)) {
                    if o.message.is_none() && t.room() {
                        o.message = Some(first_line(ev.error.as_deref().unwrap_or("")));
                        o.trace_loc = ev.stack_trace.as_deref().and_then(dart_frame);
                    }
                }
            }
            "testDone" => {
                let id = ev
                    .test_id
                    .ok_or_else(|| bad("a testDone event without `testID`".into()))?;
                let o = open.remove(&id).unwrap_or_default();
                if ev.hidden {
                    continue;
                }
                if ev.skipped {
                    t.named("", &o.name);
                    t.skip();
                    continue;
                }
                let kind = match ev.result.as_deref() {
                    Some("success") => {
                        t.named("", &o.name);
                        t.pass();
                        continue;
                    }
                    Some("failure") => FailureKind::Failure,
                    Some("error") => FailureKind::Error,
                    other => {
                        return Err(bad(format!(
                            "unknown test result `{}`; expected success, failure or error",
                            truncate_chars(other.unwrap_or("(none)"), 80)
                        )));
                    }
                };
                if t.fail(kind) {
                    let (file, line) = match (o.file, o.trace_loc) {
                        (Some(f), _) => (Some(f), o.line),
                        (None, Some((f, l))) => (Some(f), Some(l)),
                        (None, None) => (None, None),
                    };
                    t.push(FailedCase {
                        suite: String::new(),
                        classname: String::new(),
                        name: o.name,
                        kind,
                        message: o.message.unwrap_or_default(),
                        file,
                        line,
                        trace: String::new(),
                    });
                }
            }
            _ => {}
        }
    }
    Ok(())
}
