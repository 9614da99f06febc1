//! Test-result readers for the `tests:` gate (and `junit:`, its old name): count tests,
//! failures, errors and skips across report files in any format the common runners write,
//! detected from each file's content, never its name.
//!
//! One module per format family; all of them stream (quick-xml events through
//! [`crate::reports::parse::xml::XmlStream`], NDJSON line by line, single JSON documents through
//! [`crate::reports::parse::jsonscan::JsonScanner`]) into one [`Tally`], so memory does not grow with the number
//! of tests and only the first [`MAX_LISTED`] failed cases are kept. How each format's outcomes
//! map to passed / failed / errored / skipped is in README's "Test result formats" section and
//! in each module's header.

mod attempts;
mod dart;
mod detect;
pub(crate) mod frames;
mod gotest;
mod jsondoc;
mod junit;
pub(crate) mod location;
mod nunit;
mod trx;
mod xmldrive;
mod xunit;

use std::path::PathBuf;

use serde::Serialize;

use super::{MAX_LISTED, ReportError};

pub use junit::read_junit;

/// What the error for a file in no known format says was tried.
pub(crate) const FORMATS_TRIED: &str = "test results in a known format (tried: JUnit XML, TRX, \
     NUnit 2 XML, NUnit 3 XML, xUnit.net v1/v2 XML, go test -json, mocha JSON, RSpec JSON, \
     Dart/Flutter JSON)";

/// The format a file was detected as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum TestFormat {
    Junit,
    Trx,
    Nunit2,
    Nunit3,
    Xunit1,
    Xunit2,
    GoTest,
    Mocha,
    Rspec,
    Dart,
}

impl TestFormat {
    /// Human name, as used in messages and the job summary.
    pub(crate) fn name(self) -> &'static str {
        match self {
            TestFormat::Junit => "JUnit XML",
            TestFormat::Trx => "TRX",
            TestFormat::Nunit2 => "NUnit 2 XML",
            TestFormat::Nunit3 => "NUnit 3 XML",
            TestFormat::Xunit1 => "xUnit.net v1 XML",
            TestFormat::Xunit2 => "xUnit.net v2 XML",
            TestFormat::GoTest => "go test -json",
            TestFormat::Mocha => "mocha JSON",
            TestFormat::Rspec => "RSpec JSON",
            TestFormat::Dart => "Dart JSON",
        }
    }
}

/// Test counts; `tests` includes every other category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct TestCounts {
    pub(crate) tests: u64,
    pub(crate) failures: u64,
    pub(crate) errors: u64,
    pub(crate) skipped: u64,
}

impl TestCounts {
    /// Tests that ran and passed.
    #[cfg(test)]
    pub(crate) fn passed(&self) -> u64 {
        self.tests
            .saturating_sub(self.failures + self.errors + self.skipped)
    }

    fn minus(self, before: TestCounts) -> TestCounts {
        TestCounts {
            tests: self.tests - before.tests,
            failures: self.failures - before.failures,
            errors: self.errors - before.errors,
            skipped: self.skipped - before.skipped,
        }
    }
}

/// One report file, its detected format and its own counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct FileResult {
    pub(crate) path: PathBuf,
    pub(crate) format: TestFormat,
    #[serde(flatten)]
    pub(crate) counts: TestCounts,
}

/// Totals over every file read by [`read_test_results`].
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TestSummary {
    pub(crate) tests: u64,
    pub(crate) failures: u64,
    pub(crate) errors: u64,
    pub(crate) skipped: u64,
    /// Per file, in the order read.
    pub(crate) files: Vec<FileResult>,
    /// The first [`MAX_LISTED`] failed or errored cases, in file order.
    pub(crate) failed: Vec<FailedCase>,
    /// All failed plus errored cases (`failures + errors`).
    pub(crate) failed_total: u64,
    /// The gate's `paths` patterns that matched no file (the others did).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) unmatched: Vec<String>,
    /// Full names of every failing test (failures and errors, by each test's last attempt), the
    /// listed ones first, at most [`attempts::MAX_FAILING_NAMES`].
    #[serde(skip)]
    pub(crate) failing_names: Vec<String>,
    /// Tests that passed after a failed attempt (the first [`attempts::MAX_FLAKY_LISTED`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) flaky: Vec<String>,
    /// All flaky tests.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) flaky_total: u64,
    /// Attempts replaced by a later attempt of the same test (reruns), not counted.
    #[serde(skip_serializing_if = "is_zero")]
    pub(crate) reruns: u64,
    /// For each quarantine glob given to [`read_test_results_probing`], whether any test
    /// matched it.
    #[serde(skip)]
    pub(crate) probe_hits: Vec<bool>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl TestSummary {
    /// Tests that ran and passed.
    #[cfg(test)]
    pub(crate) fn passed(&self) -> u64 {
        self.counts().passed()
    }

    /// The totals as one value.
    #[cfg(test)]
    pub(crate) fn counts(&self) -> TestCounts {
        TestCounts {
            tests: self.tests,
            failures: self.failures,
            errors: self.errors,
            skipped: self.skipped,
        }
    }
}

/// Whether a case failed an assertion or errored (crashed, failed in setup, did not build, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FailureKind {
    Failure,
    Error,
}

/// One failed or errored test case, for annotations and the job summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailedCase {
    /// Enclosing suite (JUnit `<testsuite>`, NUnit fixture, Go package, …); may be empty.
    pub(crate) suite: String,
    pub(crate) classname: String,
    pub(crate) name: String,
    pub(crate) kind: FailureKind,
    /// First non-empty line of the failure message, at most
    /// [`super::MAX_MESSAGE_CHARS`] characters.
    pub(crate) message: String,
    /// Source file of the failure, as the report names it (relative paths stay relative), or
    /// the workspace file it was mapped to ([`crate::reports::source_map`]).
    pub(crate) file: Option<String>,
    pub(crate) line: Option<u32>,
    /// The failure's text as the report gives it (the stack trace), at most
    /// [`MAX_TRACE_CHARS`] characters: where the annotation is placed from. Not serialized.
    #[serde(skip)]
    pub(crate) trace: String,
}

impl FailedCase {
    /// A failed .NET test (TRX, NUnit, xUnit.net): the names cut to
    /// [`crate::reports::MAX_MESSAGE_CHARS`], the file and line from the first `in PATH:line N`
    /// of `stack`, which is kept as its trace.
    pub(crate) fn dotnet(
        suite: String,
        (classname, name): (&str, &str),
        kind: FailureKind,
        message: String,
        stack: &str,
    ) -> FailedCase {
        use crate::reports::MAX_MESSAGE_CHARS;
        use crate::text::truncate_chars;
        let (file, line) = location::dotnet_location(stack).unzip();
        FailedCase {
            suite,
            classname: truncate_chars(classname, MAX_MESSAGE_CHARS),
            name: truncate_chars(name, MAX_MESSAGE_CHARS),
            kind,
            message,
            file,
            line,
            trace: trace_of(stack),
        }
    }
}

/// Longest failure text kept per failed case for placing its annotation, in characters.
pub(crate) const MAX_TRACE_CHARS: usize = 16 * 1024;

/// `text` cut to [`MAX_TRACE_CHARS`], for [`FailedCase::trace`].
pub(crate) fn trace_of(text: &str) -> String {
    crate::text::truncate_chars(text, MAX_TRACE_CHARS)
}

/// One test's outcome, as the XML readers map their formats' result values (NUnit, TRX).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Passed,
    Skipped,
    Failed(FailureKind),
}

/// The accumulator every reader counts into.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) counts: TestCounts,
    pub(crate) failed: Vec<FailedCase>,
    /// Retries, failing names past the listed ones, the quarantine probe ([`attempts`]).
    pub(crate) attempts: attempts::Attempts,
}

impl Tally {
    pub(crate) fn pass(&mut self) {
        self.counts.tests += 1;
        self.note_verdict(Verdict::Passed);
    }

    pub(crate) fn skip(&mut self) {
        self.counts.tests += 1;
        self.counts.skipped += 1;
        self.note_verdict(Verdict::Skipped);
    }

    /// Counts a test by its verdict; returns the failure's kind when it failed and its details
    /// should be collected (the list still has room).
    pub(crate) fn count(&mut self, v: Verdict) -> Option<FailureKind> {
        match v {
            Verdict::Passed => self.pass(),
            Verdict::Skipped => self.skip(),
            Verdict::Failed(kind) => return self.fail(kind).then_some(kind),
        }
        None
    }

    /// Counts a failed or errored test; `true` when its details should be collected (the list,
    /// or the list of failing names, still has room).
    pub(crate) fn fail(&mut self, kind: FailureKind) -> bool {
        self.counts.tests += 1;
        match kind {
            FailureKind::Failure => self.counts.failures += 1,
            FailureKind::Error => self.counts.errors += 1,
        }
        self.note_verdict(Verdict::Failed(kind));
        self.room()
    }

    /// Whether another failed case would still be kept: listed whole (the first
    /// [`MAX_LISTED`]) or by its full name (up to [`attempts::MAX_FAILING_NAMES`]).
    pub(crate) fn room(&self) -> bool {
        self.wants_case()
    }

    pub(crate) fn push(&mut self, case: FailedCase) {
        self.keep(case);
    }

    /// Raises what was counted since `before` to what the report `declared` for that part
    /// (per category, never lowering a count): a report that lists fewer tests than it says it
    /// ran, or fewer failures than it says failed, counts what it says.
    pub(crate) fn at_least(&mut self, before: TestCounts, declared: TestCounts) {
        let counted = self.counts.minus(before);
        let failures = counted.failures.max(declared.failures);
        let errors = counted.errors.max(declared.errors);
        let skipped = counted.skipped.max(declared.skipped);
        let tests = counted
            .tests
            .max(declared.tests)
            .max(failures + errors + skipped);
        self.counts = TestCounts {
            tests: before.tests + tests,
            failures: before.failures + failures,
            errors: before.errors + errors,
            skipped: before.skipped + skipped,
        };
    }

    /// Adds counts known only as totals (JUnit suites that carry attributes and no cases).
    pub(crate) fn add_totals(&mut self, c: TestCounts) {
        self.counts.tests += c.tests;
        self.counts.failures += c.failures;
        self.counts.errors += c.errors;
        self.counts.skipped += c.skipped;
    }
}

/// Reads every file, detecting each one's format from its content, and adds up the results.
/// Files are read in the order given; the first unreadable or unrecognised file is the error.
pub fn read_test_results(files: &[PathBuf]) -> Result<TestSummary, ReportError> {
    read_test_results_probing(files, None)
}

/// [`read_test_results`], also telling which of `probe`'s globs (a quarantine's) matched the
/// full name of any test, passing or failing ([`TestSummary::probe_hits`]).
pub(crate) fn read_test_results_probing(
    files: &[PathBuf],
    probe: Option<globset::GlobSet>,
) -> Result<TestSummary, ReportError> {
    let mut tally = Tally {
        attempts: probe
            .map(attempts::Attempts::with_probe)
            .unwrap_or_default(),
        ..Tally::default()
    };
    let mut per_file = Vec::with_capacity(files.len());
    for path in files {
        let before = tally.counts;
        let format = detect::read_any(path, &mut tally)?;
        tally.end_file();
        per_file.push(FileResult {
            path: path.clone(),
            format,
            counts: tally.counts.minus(before),
        });
    }
    let c = tally.counts;
    let failing_names = tally.failing_names();
    Ok(TestSummary {
        tests: c.tests,
        failures: c.failures,
        errors: c.errors,
        skipped: c.skipped,
        files: per_file,
        failed: tally.failed,
        failed_total: c.failures + c.errors,
        unmatched: Vec::new(),
        failing_names,
        flaky: tally.attempts.flaky,
        flaky_total: tally.attempts.flaky_total,
        reruns: tally.attempts.reruns,
        probe_hits: tally.attempts.probe_hits,
    })
}

#[cfg(test)]
mod more_reports;
#[cfg(test)]
mod real_reports;
#[cfg(test)]
mod real_reports_edges;
#[cfg(test)]
mod rerun_reports;
