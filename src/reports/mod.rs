//! Report readers: turn the report files a promotion gate points at (JUnit XML, coverage,
//! SARIF, benchmark JSON, any JSON value) into small summaries the gates compare with bounds.
//!
//! Every reader streams its input (quick-xml events over a `BufReader`, serde_json visitors
//! over a reader) so memory stays bounded whatever the report size, refuses DTDs and entity
//! declarations instead of expanding them, and turns every bad input into an
//! [`ReportError`] that names the file and says what to do — never a panic.

mod bench;
mod coverage;
mod glob;
mod json_pointer;
mod parse;
mod sarif;
pub(crate) mod source_map;
mod test_results;

use std::io;
use std::path::PathBuf;

pub(crate) use bench::BenchSummary;
pub use bench::read_benchmark;
pub(crate) use coverage::CoverageSummary;
pub use coverage::read_coverage;
pub(crate) use glob::{expand_globs, expand_union};
pub use json_pointer::read_json_pointer;
pub use sarif::read_sarif;
pub(crate) use sarif::{Finding, SarifSummary, severity_bucket};
pub(crate) use test_results::{TestFormat, TestSummary, read_test_results_probing};
pub use test_results::{read_junit, read_test_results};
#[cfg(test)]
pub(crate) use {
    bench::BenchFormat,
    coverage::CoverageFormat,
    test_results::{FailedCase, FailureKind, FileResult, TestCounts},
};

/// How many failed test cases / SARIF findings a summary keeps verbatim; the totals keep
/// counting past it.
pub(crate) const MAX_LISTED: usize = 100;

/// Longest message kept for a failed case or finding, in characters.
pub(crate) const MAX_MESSAGE_CHARS: usize = 500;

/// Everything that can go wrong reading a report. Each message names the file (or pattern)
/// and says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(
        "no file matches {}: check the path in the policy (relative to the workspace) and that \
         the step producing the report ran before this action",
        quoted_list(patterns)
    )]
    NoMatch { patterns: Vec<String> },

    #[error("invalid glob pattern `{pattern}`: {detail}; fix the pattern in the policy")]
    BadPattern { pattern: String, detail: String },

    #[error("cannot read {}: {source}; check that the file exists and is readable", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error(
        "{} is not valid {format}: {detail}; regenerate the report (was it truncated or \
         written by a crashed step?)",
        path.display()
    )]
    Malformed {
        path: PathBuf,
        format: &'static str,
        detail: String,
    },

    #[error(
        "{} was refused: {detail}; evidence files must not use DTDs or entity declarations, \
         produce the report without them",
        path.display()
    )]
    Unsafe { path: PathBuf, detail: String },

    #[error("{} is not {expected}: {detail}; point the gate at the right report", path.display())]
    UnknownFormat {
        path: PathBuf,
        expected: &'static str,
        detail: String,
    },

    #[error("{}: JSON pointer `{pointer}` {detail}; fix the pointer in the policy", path.display())]
    Pointer {
        path: PathBuf,
        pointer: String,
        detail: String,
    },

    #[error(
        "{}: metric `{metric}` is not in this {format} report; use one of: {}",
        path.display(),
        available.join(", ")
    )]
    UnknownMetric {
        path: PathBuf,
        format: &'static str,
        metric: String,
        available: Vec<String>,
    },

    #[error(
        "{}: metric `{metric}` is ambiguous in this {format} report: {} metrics have it; name \
         the one the gate is about in the policy, e.g. `metric: {}` (one of: {})",
        path.display(),
        candidates.len(),
        candidates.first().map(String::as_str).unwrap_or_default(),
        candidates.join(", ")
    )]
    AmbiguousMetric {
        path: PathBuf,
        format: &'static str,
        metric: String,
        candidates: Vec<String>,
    },

    #[error(
        "{}: metric `{metric}` is computed from raw samples, and this {format} report has none \
         (hyperfine writes `times` with --export-json; pytest-benchmark writes `data` with \
         --benchmark-json, or with --benchmark-save-data when saving); regenerate it with \
         samples or use one of: {}",
        path.display(),
        available.join(", ")
    )]
    NoSamples {
        path: PathBuf,
        format: &'static str,
        metric: String,
        available: Vec<String>,
    },

    #[error(
        "`{pattern}` matches {}, which is {reason}; evidence must be a regular, readable file \
         inside the workspace: fix the path or the step that writes it",
        path.display()
    )]
    Refused {
        pattern: String,
        path: PathBuf,
        reason: String,
    },
}

/// `` `a` ``, `` any of `a`, `b` ``: the patterns of a `NoMatch`, as its message names them.
fn quoted_list(patterns: &[String]) -> String {
    let quoted: Vec<String> = patterns.iter().map(|p| format!("`{p}`")).collect();
    match quoted.as_slice() {
        [one] => one.clone(),
        _ => format!("any of {}", quoted.join(", ")),
    }
}

impl ReportError {
    /// The report file the error is about; `None` for a glob that matched nothing or a bad
    /// pattern (then the fix is in the policy, not in a file).
    pub(crate) fn path(&self) -> Option<&std::path::Path> {
        match self {
            ReportError::NoMatch { .. } | ReportError::BadPattern { .. } => None,
            ReportError::Io { path, .. }
            | ReportError::Malformed { path, .. }
            | ReportError::Unsafe { path, .. }
            | ReportError::UnknownFormat { path, .. }
            | ReportError::Pointer { path, .. }
            | ReportError::UnknownMetric { path, .. }
            | ReportError::AmbiguousMetric { path, .. }
            | ReportError::NoSamples { path, .. }
            | ReportError::Refused { path, .. } => Some(path),
        }
    }

    pub(crate) fn io(path: &std::path::Path, source: io::Error) -> Self {
        ReportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn malformed(
        path: &std::path::Path,
        format: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        ReportError::Malformed {
            path: path.to_path_buf(),
            format,
            detail: detail.into(),
        }
    }
}

/// First non-empty line of `text`, trimmed and cut to [`MAX_MESSAGE_CHARS`] characters.
pub(crate) fn first_line(text: &str) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    crate::text::truncate_chars(line, MAX_MESSAGE_CHARS)
}

/// A predicate on an error, for table-driven tests.
#[cfg(test)]
pub(crate) type ErrCheck = fn(&ReportError) -> bool;

#[cfg(test)]
pub(crate) fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_skips_blank_lines_and_truncates() {
        let cases: &[(&str, &str)] = &[("", ""), ("\n\n  hello  \nworld", "hello"), ("one", "one")];
        for (input, want) in cases {
            assert_eq!(first_line(input), *want, "input {input:?}");
        }
        let long = "é".repeat(600);
        assert_eq!(first_line(&long).chars().count(), MAX_MESSAGE_CHARS);
    }

    #[test]
    fn errors_name_the_file() {
        let e = ReportError::malformed(std::path::Path::new("r/x.xml"), "JUnit XML", "bad");
        let msg = e.to_string();
        assert!(
            msg.contains("r/x.xml") && msg.contains("regenerate"),
            "{msg}"
        );
    }
}
