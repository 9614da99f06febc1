//! `go test -json` reader (test2json events, one JSON object per line).
//!
//! Each test's last `pass`/`fail`/`skip` counts (a rerun replaces the earlier verdict);
//! subtests count like tests, and a parent whose subtest failed counts as failed too — both
//! appear as `--- FAIL` lines in `go test -v` and in gotestsum's totals. A package that fails
//! with no failed test in it (build failure, `TestMain` exiting non-zero, a panic or timeout
//! outside a test) adds one error named after the package, as does a test that started and
//! never reported a verdict. Go < 1.24 prints `FAIL <pkg> [build failed]` as a plain-text line
//! between the events; those lines are read too, other plain-text lines are ignored.
//!
//! Failure details come from the test's own output: the first `file.go:NN: message` line
//! (paths are relative to the package directory, as `go test` prints them).
//!
//! Memory: the verdicts of the tests of packages still running (cleared when a package
//! reports its result) and at most [`OUTPUT_BUDGET`] bytes of output of failing-candidate tests
//! while the failed list has room. Lines longer than [`read_line`]'s bound are refused.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::location::find_location;
use super::{FailedCase, FailureKind, Tally};
use crate::reports::parse::jsonslice::SliceError;
use crate::reports::parse::lines::{read_line, trim};
use crate::reports::{MAX_MESSAGE_CHARS, ReportError, first_line};
use crate::text::truncate_chars;

mod event;
use event::Event;

pub(super) const FORMAT: &str = "go test -json";

/// Output kept for all running tests together, to find failure messages.
const OUTPUT_BUDGET: usize = 1024 * 1024;
/// Output kept per test.
const OUTPUT_PER_TEST: usize = 8 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Pass,
    Fail,
    Skip,
}

#[derive(Default)]
struct TestState {
    seq: u64,
    verdict: Option<Verdict>,
    output: String,
}

#[derive(Default)]
struct Package {
    tests: HashMap<String, TestState>,
    /// A test in the package failed (or errored), so a package failure is explained.
    any_failed: bool,
    /// First line of package-level output worth showing.
    message: String,
}

#[derive(Default)]
struct Reader {
    packages: HashMap<String, Package>,
    /// The package of the latest event, kept out of `packages`: events come in long runs of
    /// one package, so most of them need no hash lookup.
    current: Option<(String, Package)>,
    /// First build-output line per import path (Go ≥ 1.24 `build-output` events).
    build: HashMap<String, String>,
    /// An emptied test table kept for the next package, with its capacity.
    spare: HashMap<String, TestState>,
    seq: u64,
    buffered: usize,
}

pub(crate) fn read(
    path: &Path,
    mut src: BufReader<File>,
    t: &mut Tally,
) -> Result<(), ReportError> {
    let mut r = Reader::default();
    let outputs = OutputLines::new();
    let mut line = Vec::with_capacity(4096);
    let mut open = Vec::new();
    let mut number = 0u64;
    loop {
        line.clear();
        let n = read_line(path, FORMAT, &mut src, &mut line)?;
        if n == 0 {
            break;
        }
        number += 1;
        let text = trim(&line);
        if text.is_empty() {
            continue;
        }
        if text[0] != b'{' {
            r.text_line(text, t);
            continue;
        }
        // Most lines are a test's output; once no more failures can be listed they carry
        // nothing we use, so they are only checked to be complete, not parsed.
        if (!t.room() || r.buffered >= OUTPUT_BUDGET) && outputs.matches(text) {
            if text.last() != Some(&b'}') {
                return Err(ReportError::malformed(
                    path,
                    FORMAT,
                    format!("line {number} is cut short; the file looks truncated"),
                ));
            }
            // Output lines are nearly always ASCII, which is checked faster than UTF-8.
            if !text.is_ascii() && std::str::from_utf8(text).is_err() {
                return Err(ReportError::malformed(
                    path,
                    FORMAT,
                    format!("line {number} is not valid UTF-8"),
                ));
            }
            continue;
        }
        let ev = Event::parse(text, &mut open).map_err(|e| {
            let detail = match e {
                SliceError::Incomplete => {
                    "the event is cut short (the file looks truncated)".into()
                }
                SliceError::Invalid(detail) => detail,
            };
            ReportError::malformed(path, FORMAT, format!("line {number}: {detail}"))
        })?;
        r.event(ev, t);
    }
    // Packages that never reported a result (the stream was cut): their unfinished tests
    // still count as errors.
    let mut left: Vec<String> = r.packages.keys().cloned().collect();
    left.extend(r.current.as_ref().map(|(name, _)| name.clone()));
    left.sort();
    for pkg in left {
        r.finish_package(&pkg, Verdict::Pass, t);
    }
    Ok(())
}

/// Recognises `"Action":"output"` events of a test (not of a package) without parsing them;
/// the searchers are built once per file.
struct OutputLines {
    action: memchr::memmem::Finder<'static>,
    test: memchr::memmem::Finder<'static>,
}

impl OutputLines {
    fn new() -> Self {
        OutputLines {
            action: memchr::memmem::Finder::new(b"\"Action\":\"output\""),
            test: memchr::memmem::Finder::new(b"\"Test\":"),
        }
    }

    fn matches(&self, line: &[u8]) -> bool {
        self.action.find(line).is_some() && self.test.find(line).is_some()
    }
}

impl Reader {
    /// The state of `pkg`, created on first sight; it becomes the current package.
    fn package(&mut self, pkg: &str) -> &mut Package {
        if let Some((name, p)) = self.current.take_if(|(name, _)| name != pkg) {
            self.packages.insert(name, p);
        }
        let (packages, spare) = (&mut self.packages, &mut self.spare);
        let (_, p) = self.current.get_or_insert_with(|| {
            packages.remove_entry(pkg).unwrap_or_else(|| {
                let tests = std::mem::take(spare);
                (
                    pkg.to_string(),
                    Package {
                        tests,
                        ..Package::default()
                    },
                )
            })
        });
        p
    }

    /// The state of `pkg` if it has one, without creating it.
    fn find_package(&mut self, pkg: &str) -> Option<&mut Package> {
        match &mut self.current {
            Some((name, p)) if name == pkg => Some(p),
            _ => self.packages.get_mut(pkg),
        }
    }

    /// Removes and returns the state of `pkg`.
    fn take_package(&mut self, pkg: &str) -> Option<Package> {
        match self.current.take_if(|(name, _)| name == pkg) {
            Some((_, p)) => Some(p),
            None => self.packages.remove(pkg),
        }
    }

    /// Plain-text lines: only `FAIL <pkg> [build failed]` / `[setup failed]` mean something.
    fn text_line(&mut self, text: &[u8], t: &mut Tally) {
        let line = String::from_utf8_lossy(text);
        let Some(rest) = line
            .strip_prefix("FAIL\t")
            .or_else(|| line.strip_prefix("FAIL "))
        else {
            return;
        };
        let mut parts = rest.split_whitespace();
        let (Some(pkg), Some(why)) = (parts.next(), parts.next()) else {
            return;
        };
        if why == "[build" || why == "[setup" {
            let what = format!("{} failed", why.trim_start_matches('['));
            self.package_error(pkg, &what, t);
        }
    }

    fn event(&mut self, ev: Event<'_>, t: &mut Tally) {
        let action = ev.action.as_ref();
        if action == "build-output" {
            if let (Some(ip), Some(out)) = (ev.import_path, ev.output) {
                let first = out.trim();
                if !first.is_empty() && !first.starts_with('#') {
                    self.build
                        .entry(ip.split_whitespace().next().unwrap_or("").to_string())
                        .or_insert_with(|| first_line(first));
                }
            }
            return;
        }
        let Some(pkg) = ev.package.as_deref() else {
            return;
        };
        match (ev.test.as_deref(), action) {
            (Some(test), "run") => {
                self.seq += 1;
                let seq = self.seq;
                let p = self.package(pkg);
                // One lookup when the test is new (the usual case), not three.
                match p.tests.get_mut(test) {
                    Some(state) => {
                        state.seq = seq;
                        state.verdict = None;
                    }
                    None => {
                        let state = TestState {
                            seq,
                            ..TestState::default()
                        };
                        p.tests.insert(test.to_string(), state);
                    }
                }
            }
            (Some(test), "output") => {
                if !t.room() || self.buffered >= OUTPUT_BUDGET {
                    return;
                }
                let Some(out) = ev.output.as_deref() else {
                    return;
                };
                let Some(state) = self.find_package(pkg).and_then(|p| p.tests.get_mut(test)) else {
                    return;
                };
                if state.output.len() + out.len() <= OUTPUT_PER_TEST {
                    state.output.push_str(out);
                    self.buffered += out.len();
                }
            }
            (Some(test), "pass" | "fail" | "skip") => {
                let v = match action {
                    "pass" => Verdict::Pass,
                    "fail" => Verdict::Fail,
                    _ => Verdict::Skip,
                };
                let p = self.package(pkg);
                let (output, previous) = match p.tests.get_mut(test) {
                    Some(state) => (std::mem::take(&mut state.output), state.verdict.replace(v)),
                    None => {
                        let state = TestState {
                            verdict: Some(v),
                            ..TestState::default()
                        };
                        p.tests.insert(test.to_string(), state);
                        (String::new(), None)
                    }
                };
                let buffered = output.len();
                if v == Verdict::Fail {
                    p.any_failed = true;
                }
                self.buffered = self.buffered.saturating_sub(buffered);
                count(t, previous, v, pkg, test, &output);
            }
            (None, "output") => {
                let p = self.package(pkg);
                if p.message.is_empty() {
                    if let Some(out) = ev.output.as_deref() {
                        let l = out.trim();
                        let boring = l.is_empty()
                            || l == "FAIL"
                            || l == "PASS"
                            || l.starts_with("FAIL\t")
                            || l.starts_with("ok  \t")
                            || l.starts_with("exit status")
                            || l.starts_with("=== ")
                            || l.starts_with("--- ");
                        if !boring {
                            p.message = first_line(l);
                        }
                    }
                }
            }
            (None, "pass" | "skip") => self.finish_package(pkg, Verdict::Pass, t),
            (None, "fail") => self.finish_package(pkg, Verdict::Fail, t),
            _ => {}
        }
    }

    fn finish_package(&mut self, pkg: &str, v: Verdict, t: &mut Tally) {
        let Some(mut p) = self.take_package(pkg) else {
            if v == Verdict::Fail {
                let message = self
                    .build
                    .get(pkg)
                    .cloned()
                    .unwrap_or_else(|| "the package failed outside any test".into());
                self.package_error(pkg, &message, t);
            }
            return;
        };
        // Tests that started and never reported a verdict, in the order they started.
        let mut unfinished: Vec<(u64, String)> = p
            .tests
            .drain()
            .filter(|(_, s)| s.verdict.is_none())
            .map(|(name, s)| (s.seq, name))
            .collect();
        if p.tests.capacity() > self.spare.capacity() {
            // The next package starts with this one's table: no regrowing from empty.
            self.spare = std::mem::take(&mut p.tests);
        }
        unfinished.sort();
        let any_unfinished = !unfinished.is_empty();
        for (_, name) in unfinished {
            if t.fail(FailureKind::Error) {
                t.push(case(
                    pkg,
                    &name,
                    FailureKind::Error,
                    "the test did not report a result (the test binary crashed or timed out)"
                        .into(),
                    None,
                ));
            }
        }
        if v == Verdict::Fail && !p.any_failed && !any_unfinished {
            let message = if p.message.is_empty() {
                self.build
                    .get(pkg)
                    .cloned()
                    .unwrap_or_else(|| "the package failed outside any test".into())
            } else {
                p.message
            };
            self.package_error(pkg, &message, t);
        }
    }

    fn package_error(&mut self, pkg: &str, message: &str, t: &mut Tally) {
        self.take_package(pkg);
        if t.fail(FailureKind::Error) {
            t.push(case(
                pkg,
                "(package)",
                FailureKind::Error,
                first_line(message),
                None,
            ));
        }
    }
}

fn case(
    pkg: &str,
    name: &str,
    kind: FailureKind,
    message: String,
    loc: Option<(String, u32)>,
) -> FailedCase {
    let (file, line) = loc.unzip();
    FailedCase {
        suite: truncate_chars(pkg, MAX_MESSAGE_CHARS),
        classname: truncate_chars(pkg, MAX_MESSAGE_CHARS),
        name: truncate_chars(name, MAX_MESSAGE_CHARS),
        kind,
        message,
        file,
        line,
        trace: String::new(),
    }
}

/// Counts a verdict, undoing an earlier one of the same test (last verdict wins).
fn count(
    t: &mut Tally,
    previous: Option<Verdict>,
    v: Verdict,
    pkg: &str,
    test: &str,
    output: &str,
) {
    if let Some(prev) = previous {
        t.counts.tests -= 1;
        match prev {
            Verdict::Pass => {}
            Verdict::Skip => t.counts.skipped -= 1,
            Verdict::Fail => {
                t.counts.failures -= 1;
                if let Some(i) = t
                    .failed
                    .iter()
                    .position(|c| c.classname == pkg && c.name == test)
                {
                    t.forget_failed(i);
                }
            }
        }
    }
    if !matches!(v, Verdict::Fail) {
        t.named(pkg, test);
    }
    match v {
        Verdict::Pass => t.pass(),
        Verdict::Skip => t.skip(),
        Verdict::Fail => {
            // A parent test ends after its subtests, so a failed subtest is already listed.
            let prefix = format!("{test}/");
            let subtest_failed = t
                .failed
                .iter()
                .any(|c| c.classname == pkg && c.name.starts_with(&prefix));
            if t.fail(FailureKind::Failure) {
                let (mut message, loc) = failure_detail(output);
                if loc.is_none() && subtest_failed {
                    message = "a subtest failed".into();
                }
                t.push(case(pkg, test, FailureKind::Failure, message, loc));
            }
        }
    }
}

/// Message and location from a failed test's output: the first `file.go:NN: message` line,
/// else the first line that is not one of go test's own markers.
fn failure_detail(output: &str) -> (String, Option<(String, u32)>) {
    for l in output.lines() {
        let l = l.trim();
        if let Some((file, rest)) = l.split_once(".go:") {
            if let Some((num, msg)) = rest.split_once(':') {
                if let Ok(line) = num.trim().parse::<u32>() {
                    let file = format!("{}.go", file.trim());
                    return (first_line(msg.trim()), Some((file, line)));
                }
            }
        }
    }
    let message = output
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("=== ") && !l.starts_with("--- ") && *l != "FAIL")
        .map(first_line)
        .unwrap_or_else(|| "the test failed".into());
    let loc = find_location(output).filter(|(p, _)| p.ends_with(".go"));
    (message, loc)
}
