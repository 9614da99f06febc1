//! Single-document JSON test reports: mocha's `json` reporter and RSpec's `json` formatter,
//! told apart by their keys (`stats`/`passes`/`failures` vs `examples`).
//!
//! mocha: `passes[]` → passed, `pending[]` → skipped, `failures[]` → failure, or error for a
//! failed hook (`"before all" hook …`), which mocha's console also counts as failing. The
//! `tests[]` list repeats the others and is skipped. Location: the first frame of `err.stack`
//! in the test's `file`, else the first frame outside `node_modules` and `node:` internals.
//! RSpec: `examples[].status` `passed` → passed, `failed` → failure, `pending` → skipped (it
//! covers `pending` and `skip`/`xit`, as RSpec's own "N pending" does); any other status rejects
//! the file. `summary.errors_outside_of_examples_count` adds that many errors (a spec file that
//! failed to load). Location: the first backtrace frame in the example's `file_path`, else
//! `file_path`/`line_number`.
//!
//! Both stream through [`JsonScanner`]: array elements are parsed one at a time with serde, so
//! memory is bounded by the largest single element.

use std::borrow::Cow;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use serde::Deserialize;

use crate::reports::parse::json::borrowed_str;

use super::location::best_location;
use super::{FORMATS_TRIED, FailedCase, FailureKind, Tally, TestFormat, trace_of};
use crate::reports::parse::jsonscan::{JsonScanner, parse_element};
use crate::reports::{MAX_MESSAGE_CHARS, ReportError, first_line};
use crate::text::truncate_chars;

const FORMAT: &str = "test report JSON";

#[derive(Deserialize)]
struct MochaTest<'a> {
    #[serde(borrow, default)]
    title: Cow<'a, str>,
    #[serde(borrow, default, rename = "fullTitle")]
    full_title: Cow<'a, str>,
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    file: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    err: Option<MochaErr<'a>>,
}

#[derive(Deserialize)]
struct MochaErr<'a> {
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    message: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    stack: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Example<'a> {
    #[serde(borrow)]
    status: Cow<'a, str>,
    #[serde(borrow, default)]
    full_description: Cow<'a, str>,
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    file_path: Option<Cow<'a, str>>,
    #[serde(default)]
    line_number: Option<u32>,
    #[serde(borrow, default)]
    exception: Option<Exception<'a>>,
}

#[derive(Deserialize)]
struct Exception<'a> {
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    class: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "borrowed_str")]
    message: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    backtrace: Option<Vec<Cow<'a, str>>>,
}

#[derive(Deserialize)]
struct Summary {
    #[serde(default)]
    errors_outside_of_examples_count: u64,
}

pub(crate) fn read(
    path: &Path,
    src: BufReader<File>,
    t: &mut Tally,
) -> Result<TestFormat, ReportError> {
    let mut s = JsonScanner::new(src, path, FORMAT);
    if s.peek_value()? != b'{' {
        return Err(unknown(path, "found a JSON value that is not an object"));
    }
    s.begin_object("a JSON object")?;
    let mut key = String::new();
    let mut raw = Vec::new();
    let mut mocha = false;
    let mut rspec = false;
    let mut outside = 0u64;
    let mut first_message: Option<String> = None;
    let status = memchr::memmem::Finder::new(STATUS_KEY);
    while s.next_key(&mut key)? {
        match key.as_str() {
            "passes" | "pending" => {
                mocha = true;
                mocha_listed(&mut s, &mut raw, path, key == "pending", t)?;
            }
            "failures" => {
                mocha = true;
                for_each(&mut s, |s| {
                    s.capture_value(&mut raw)?;
                    let test: MochaTest<'_> =
                        parse_element(&raw, path, FORMAT, &"a mocha failure")?;
                    mocha_failure(test, t);
                    Ok(())
                })?;
            }
            "stats" | "tests" => {
                mocha = true;
                s.skip_value()?;
            }
            "examples" => {
                rspec = true;
                rspec_examples(&mut s, &mut raw, path, &status, t)?;
            }
            "summary" if s.peek_value()? == b'{' => {
                s.capture_value(&mut raw)?;
                let summary: Summary = parse_element(&raw, path, FORMAT, &"the RSpec summary")?;
                outside = summary.errors_outside_of_examples_count;
            }
            "messages" if s.peek_value()? == b'[' => {
                s.capture_value(&mut raw)?;
                let list: Vec<Cow<'_, str>> =
                    parse_element(&raw, path, FORMAT, &"the RSpec messages").unwrap_or_default();
                first_message = list.first().map(|m| first_line(m));
            }
            _ => s.skip_value()?,
        }
    }
    s.finish()?;
    if rspec {
        errors_outside(t, outside, first_message);
        return Ok(TestFormat::Rspec);
    }
    if mocha {
        return Ok(TestFormat::Mocha);
    }
    Err(unknown(
        path,
        "found a JSON object without `stats`/`passes`/`failures` (mocha) or `examples` (RSpec)",
    ))
}

/// mocha's passed and pending tests: only counted, unless the reader is probing for names
/// (quarantine globs), when each is parsed for its title.
fn mocha_listed<R: std::io::Read>(
    s: &mut JsonScanner<R>,
    raw: &mut Vec<u8>,
    path: &Path,
    skip: bool,
    t: &mut Tally,
) -> Result<(), ReportError> {
    for_each(s, |s| {
        if t.probing() {
            s.capture_value(raw)?;
            let test: MochaTest<'_> = parse_element(raw, path, FORMAT, &"a mocha test")?;
            let name = if test.full_title.is_empty() {
                &test.title
            } else {
                &test.full_title
            };
            t.named("", &truncate_chars(name, MAX_MESSAGE_CHARS));
        } else {
            s.skip_value()?;
        }
        if skip {
            t.skip();
        } else {
            t.pass();
        }
        Ok(())
    })
}

/// RSpec's `examples[]`, each one counted or, when failed, recorded.
fn rspec_examples<R: std::io::Read>(
    s: &mut JsonScanner<R>,
    raw: &mut Vec<u8>,
    path: &Path,
    status: &memchr::memmem::Finder<'_>,
    t: &mut Tally,
) -> Result<(), ReportError> {
    for_each(s, |s| {
        s.capture_value(raw)?;
        // RSpec writes `status` before any nested object: a passed or pending
        // example needs nothing else, so it is not parsed further.
        let valid = std::str::from_utf8(raw).is_ok() && !t.probing();
        match quick_status(status, raw).filter(|_| valid) {
            Some(b"passed") => {
                t.pass();
                return Ok(());
            }
            Some(b"pending") => {
                t.skip();
                return Ok(());
            }
            _ => {}
        }
        let ex: Example<'_> = parse_element(raw, path, FORMAT, &"an RSpec example")?;
        example(ex, t).map_err(|detail| s.error(detail))
    })
}

/// RSpec's errors outside of examples have no example to hang on: each becomes a failed case
/// of its own, so that a spec file that failed to load still fails the gate.
fn errors_outside(t: &mut Tally, outside: u64, first_message: Option<String>) {
    for _ in 0..outside {
        if t.fail(FailureKind::Error) {
            t.push(FailedCase {
                suite: String::new(),
                classname: String::new(),
                name: "(error outside of examples)".into(),
                kind: FailureKind::Error,
                message: first_message.clone().unwrap_or_else(|| {
                    "an error occurred outside of examples (a spec file failed to load)".into()
                }),
                file: None,
                line: None,
                trace: String::new(),
            });
        }
    }
}

fn unknown(path: &Path, detail: &str) -> ReportError {
    ReportError::UnknownFormat {
        path: path.to_path_buf(),
        expected: FORMATS_TRIED,
        detail: detail.into(),
    }
}

/// Calls `f` for every element of the array that comes next (`null` counts as empty).
fn for_each<R: std::io::Read>(
    s: &mut JsonScanner<R>,
    mut f: impl FnMut(&mut JsonScanner<R>) -> Result<(), ReportError>,
) -> Result<(), ReportError> {
    match s.peek_value()? {
        b'[' => {}
        b'n' => return s.skip_value(),
        _ => return Err(s.error("expected an array")),
    }
    s.begin_array("an array")?;
    while s.next_element()? {
        f(s)?;
    }
    Ok(())
}

const STATUS_KEY: &[u8] = b"\"status\":\"";

/// The value of the first `"status":"…"` in an example, when it is a plain string.
fn quick_status<'r>(finder: &memchr::memmem::Finder<'_>, raw: &'r [u8]) -> Option<&'r [u8]> {
    let at = finder.find(raw)? + STATUS_KEY.len();
    let len = memchr::memchr(b'"', &raw[at..])?;
    Some(&raw[at..at + len])
}

fn mocha_failure(test: MochaTest<'_>, t: &mut Tally) {
    // Mocha names failed hooks `"before all" hook for "test"` / `"after each" hook: name`.
    let hook = test.title.starts_with("\"before ") || test.title.starts_with("\"after ");
    let kind = if hook {
        FailureKind::Error
    } else {
        FailureKind::Failure
    };
    if !t.fail(kind) {
        return;
    }
    let (message, stack) = match &test.err {
        Some(e) => (
            e.message.as_deref().unwrap_or(""),
            e.stack.as_deref().unwrap_or(""),
        ),
        None => ("", ""),
    };
    let loc = best_location(stack, test.file.as_deref());
    let (file, line) = match loc {
        Some((f, l)) => (Some(f), Some(l)),
        None => (test.file.as_deref().map(str::to_string), None),
    };
    let name = if test.full_title.is_empty() {
        &test.title
    } else {
        &test.full_title
    };
    t.push(FailedCase {
        suite: String::new(),
        classname: String::new(),
        name: truncate_chars(name, MAX_MESSAGE_CHARS),
        kind,
        message: first_line(if message.is_empty() { stack } else { message }),
        file,
        line,
        trace: trace_of(stack),
    });
}

fn example(ex: Example<'_>, t: &mut Tally) -> Result<(), String> {
    match ex.status.as_ref() {
        "passed" => {
            t.named("", &truncate_chars(&ex.full_description, MAX_MESSAGE_CHARS));
            t.pass();
            return Ok(());
        }
        "pending" => {
            t.named("", &truncate_chars(&ex.full_description, MAX_MESSAGE_CHARS));
            t.skip();
            return Ok(());
        }
        "failed" => {}
        other => {
            return Err(format!(
                "unknown example status `{}`; expected passed, failed or pending",
                truncate_chars(other, 80)
            ));
        }
    }
    if !t.fail(FailureKind::Failure) {
        return Ok(());
    }
    let file = ex.file_path.as_deref().map(|f| f.trim_start_matches("./"));
    let (class, message, trace) = match &ex.exception {
        Some(e) => (
            e.class.as_deref().unwrap_or(""),
            e.message.as_deref().unwrap_or(""),
            e.backtrace
                .as_ref()
                .map(|b| b.join("\n"))
                .unwrap_or_default(),
        ),
        None => ("", "", String::new()),
    };
    let from_trace = file.and_then(|f| {
        best_location(&trace, Some(f)).filter(|(p, _)| p.ends_with(f) || f.ends_with(p.as_str()))
    });
    let (loc_file, line) = match from_trace {
        Some((_, l)) => (file.map(str::to_string), Some(l)),
        None => (file.map(str::to_string), ex.line_number),
    };
    t.push(FailedCase {
        suite: String::new(),
        classname: truncate_chars(class, MAX_MESSAGE_CHARS),
        name: truncate_chars(&ex.full_description, MAX_MESSAGE_CHARS),
        kind: FailureKind::Failure,
        message: first_line(message),
        file: loc_file,
        line,
        trace: trace_of(&trace),
    });
    Ok(())
}
