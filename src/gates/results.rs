//! The test-results gate (`tests:` / `junit:`): failures plus errors against a bound, a minimum
//! number of tests, and the failing cases behind a failure.

use super::{Decision, pass_fail, plural, thousands};
use crate::gates::{Finding, Severity};
use crate::reports::{TestFormat, TestSummary};

pub(super) fn tests(j: &TestSummary, max_failures: u64, min_tests: u64) -> Decision {
    let bad = j.failures + j.errors;
    let mut figure = format!("{} failed of {}", thousands(bad), thousands(j.tests));
    if j.skipped > 0 {
        figure.push_str(&format!(" ({} skipped)", thousands(j.skipped)));
    }
    // JUnit is what most people expect; any other format read is named.
    let mut formats: Vec<TestFormat> = Vec::new();
    for f in &j.files {
        if !formats.contains(&f.format) {
            formats.push(f.format);
        }
    }
    if formats.iter().any(|f| *f != TestFormat::Junit) {
        let names: Vec<&str> = formats.iter().map(|f| f.name()).collect();
        figure.push_str(&format!(" · {}", names.join(", ")));
    }
    let ok = bad <= max_failures && j.tests >= min_tests;
    let detail = if j.tests < min_tests {
        format!(
            "only {} found, at least {min_tests} required",
            plural(j.tests, "test")
        )
    } else if bad > max_failures {
        format!(
            "{} failed ({}, {}), at most {max_failures} allowed",
            plural(bad, "test"),
            plural(j.failures, "failure"),
            plural(j.errors, "error")
        )
    } else {
        format!("{}, {} failed", plural(j.tests, "test"), thousands(bad))
    };
    let findings = j
        .failed
        .iter()
        .map(|c| Finding {
            category: "test",
            severity: Severity::Error,
            title: if c.classname.is_empty() {
                c.name.clone()
            } else {
                format!("{}::{}", c.classname, c.name)
            },
            message: c.message.clone(),
            file: c.file.clone(),
            line: c.line,
        })
        .collect();
    let total = if ok { 0 } else { j.failed_total as usize };
    (
        pass_fail(ok),
        figure,
        format!("failures ≤ {max_failures} · tests ≥ {min_tests}"),
        detail,
        if ok { Vec::new() } else { findings },
        total,
    )
}
