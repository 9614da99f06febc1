//! The tests gate beyond counting: quarantined tests, flaky tests, and regressions only
//! (`max-new-failures`) against the failing tests of the version now in the stage.
//!
//! Order of judgement: a failing test matching an active quarantine entry is excused (the gate
//! is at worst `warn`, naming the entry); an entry past its `until` excuses nothing and is
//! warned about, as is an entry that matched no test at all. What remains counts: with
//! `max-new-failures` and a baseline, only the tests that did not also fail for the baseline
//! version (its decision attestation, [`super::failing_tests`]); without a baseline, all of them
//! against `max-failures`, saying why there was none. A failing test whose name the reader could
//! not keep (past the test reader's `MAX_FAILING_NAMES`) can be neither excused nor known: it
//! counts as new. Pure: the instant and the baseline are given.

use super::failing_tests::AttestedFailures;
use super::{Decision, Finding, GateStatus, Severity, pass_fail, plural, thousands};
use crate::policy::Quarantine;
use crate::reports::{TestFormat, TestSummary};
use globset::GlobMatcher;

/// Names listed per list of the report (all are counted).
pub(crate) const MAX_NAMES: usize = 50;

/// The failing tests of the version now in a stage, for a regression comparison.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Baseline {
    /// Read from the version's verified decision attestation.
    Found {
        /// The version now in the stage.
        version: String,
        /// Its failing tests for this gate.
        failing: AttestedFailures,
    },
    /// None, and why (no version in the stage yet, no attestation, not verified, …).
    Missing(String),
}

/// What a tests gate needs besides its evidence: now (quarantine expiry) and the baseline.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GateContext<'a> {
    /// Now (the caller read the clock).
    pub(crate) now: jiff::Timestamp,
    /// The baseline of this gate, when regression mode asked for one.
    pub(crate) baseline: Option<&'a Baseline>,
}

impl GateContext<'_> {
    /// At `now`, no baseline: a local run, a `verify` watch, a test at a fixed instant.
    pub fn without_baseline(now: jiff::Timestamp) -> Self {
        GateContext {
            now,
            baseline: None,
        }
    }
}

/// The settings of a tests gate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TestsSpec<'a> {
    /// `max-failures`.
    pub(crate) max_failures: u64,
    /// `min-tests`.
    pub(crate) min_tests: u64,
    /// `max-new-failures`.
    pub(crate) max_new_failures: Option<u64>,
    /// `quarantine`.
    pub(crate) quarantine: &'a [Quarantine],
}

/// Some names and how many there are in all.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct Listed {
    /// The first [`MAX_NAMES`].
    pub(crate) names: Vec<String>,
    /// All of them.
    pub(crate) total: u64,
}

impl Listed {
    fn push(&mut self, name: &str) {
        self.total += 1;
        if self.names.len() < MAX_NAMES {
            self.names.push(name.to_string());
        }
    }
}

/// A failing test a quarantine entry excused.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct Quarantined {
    /// The test's full name.
    pub(crate) test: String,
    /// The entry's glob.
    pub(crate) entry: String,
    /// The entry's reason.
    pub(crate) reason: String,
    /// The entry's last day.
    pub(crate) until: String,
}

/// What a tests gate found beyond its counts, for the summary, the record and our attestation.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct TestsReport {
    /// Full stage name.
    pub(crate) stage: String,
    /// Gate name.
    pub(crate) gate: String,
    /// This run's failing tests, as the attestation records them.
    #[serde(skip)]
    #[schemars(skip)]
    pub(crate) failing: AttestedFailures,
    /// The version compared against (regression mode, baseline found).
    pub(crate) baseline_version: Option<String>,
    /// Why there was no baseline, or what limits the comparison.
    pub(crate) baseline_note: Option<String>,
    /// Failing now, not failing for the baseline.
    pub(crate) new_failures: Listed,
    /// Failing now and for the baseline.
    pub(crate) known_failures: Listed,
    /// Failing for the baseline, passing now.
    pub(crate) fixed: Listed,
    /// Failures a quarantine entry excused (the first [`MAX_NAMES`]).
    pub(crate) quarantined: Vec<Quarantined>,
    /// All excused failures.
    pub(crate) quarantined_total: u64,
    /// Tests that passed on a rerun.
    pub(crate) flaky: Listed,
}

impl TestsReport {
    /// Whether the summary has anything to show about it.
    pub(crate) fn worth_showing(&self) -> bool {
        self.baseline_version.is_some()
            || self.baseline_note.is_some()
            || self.quarantined_total > 0
            || self.flaky.total > 0
    }
}

/// Decides a tests gate; returns the decision, the report and warnings (quarantine entries that
/// expired or matched no test).
pub(crate) fn decide(
    stage: &str,
    gate: &str,
    j: &TestSummary,
    spec: TestsSpec<'_>,
    ctx: GateContext<'_>,
) -> (Decision, TestsReport, Vec<String>) {
    let (active, warnings) = active_quarantine(gate, j, spec.quarantine, ctx.now);
    let mut report = TestsReport {
        stage: stage.to_string(),
        gate: gate.to_string(),
        failing: AttestedFailures::of(&j.failing_names, j.failed_total),
        baseline_version: None,
        baseline_note: None,
        new_failures: Listed::default(),
        known_failures: Listed::default(),
        fixed: Listed::default(),
        quarantined: Vec::new(),
        quarantined_total: 0,
        flaky: Listed {
            names: j.flaky.iter().take(MAX_NAMES).cloned().collect(),
            total: j.flaky_total,
        },
    };
    let counted = excuse(&mut report, &j.failing_names, &active);
    let unnamed = j.failed_total.saturating_sub(j.failing_names.len() as u64);
    let bad = counted.len() as u64 + unnamed;
    let (ok_count, threshold, count_detail, new_names) =
        match regression_baseline(&mut report, spec, ctx) {
            Some((max_new, version, failing)) => {
                compare(&mut report, &counted, unnamed, j, version, failing);
                against_baseline(&report, bad, max_new, version, spec.min_tests)
            }
            None => against_max(j, bad, spec),
        };
    let enough = j.tests >= spec.min_tests;
    let ok = ok_count && enough;
    let mut detail = if enough {
        count_detail
    } else {
        format!(
            "only {} found, at least {} required",
            plural(j.tests, "test"),
            spec.min_tests
        )
    };
    if let Some(note) = &report.baseline_note {
        detail.push_str(&format!("; {note}"));
    }
    let excused = report.quarantined_total > 0;
    if excused {
        let mut entries: Vec<&str> = report
            .quarantined
            .iter()
            .map(|q| q.entry.as_str())
            .collect();
        entries.dedup();
        detail.push_str(&format!(
            "; {} quarantined by `{}`",
            plural(report.quarantined_total, "failure"),
            entries.join("`, `")
        ));
    }
    let status = match pass_fail(ok) {
        GateStatus::Pass if excused => GateStatus::Warn,
        s => s,
    };
    let findings = findings(j, ok, new_names.as_deref(), &report.quarantined);
    let total = if ok {
        0
    } else {
        new_names
            .as_ref()
            .map_or(bad, |_| report.new_failures.total) as usize
    };
    let figure = figure(j, &report, bad);
    (
        (status, figure, threshold, detail, findings, total),
        report,
        warnings,
    )
}

/// The quarantine entries that may excuse failures now, each with its compiled glob, and
/// warnings for those that cannot: an expired entry would silently hide a regression, an entry
/// matching nothing is likely a typo.
fn active_quarantine<'q>(
    gate: &str,
    j: &TestSummary,
    quarantine: &'q [Quarantine],
    now: jiff::Timestamp,
) -> (Vec<(&'q Quarantine, GlobMatcher)>, Vec<String>) {
    let mut warnings = Vec::new();
    let mut active = Vec::new();
    for (i, q) in quarantine.iter().enumerate() {
        if q.expired(now) {
            warnings.push(format!(
                "gate `{gate}`: quarantine entry `{}` ({}) expired after {}: it no longer excuses failures; fix the test or extend `until`",
                q.test, q.reason, q.until
            ));
        } else {
            if !j.probe_hits.get(i).copied().unwrap_or(true) {
                warnings.push(format!(
                    "gate `{gate}`: quarantine entry `{}` ({}) matches no test in the reports; remove it or fix the glob (it matches the full name as the summary prints it, `classname::name`)",
                    q.test, q.reason
                ));
            }
            if let Ok(g) = q.glob() {
                active.push((q, g.compile_matcher()));
            }
        }
    }
    (active, warnings)
}

/// Records on `report` the failing names an active entry excuses; returns the rest, the ones
/// that count, in order.
fn excuse<'n>(
    report: &mut TestsReport,
    failing_names: &'n [String],
    active: &[(&Quarantine, GlobMatcher)],
) -> Vec<&'n str> {
    let mut counted: Vec<&str> = Vec::new();
    for name in failing_names {
        match active.iter().find(|(_, m)| m.is_match(name)) {
            Some((q, _)) => {
                report.quarantined_total += 1;
                if report.quarantined.len() < MAX_NAMES {
                    report.quarantined.push(Quarantined {
                        test: name.clone(),
                        entry: q.test.clone(),
                        reason: q.reason.clone(),
                        until: q.until.clone(),
                    });
                }
            }
            None => counted.push(name),
        }
    }
    counted
}

/// `max-new-failures` and the baseline to compare against, when regression mode can apply;
/// when it was asked for but has no baseline, notes on `report` why `max-failures` applies.
fn regression_baseline<'c>(
    report: &mut TestsReport,
    spec: TestsSpec<'_>,
    ctx: GateContext<'c>,
) -> Option<(u64, &'c str, &'c AttestedFailures)> {
    match (spec.max_new_failures, ctx.baseline) {
        (Some(max_new), Some(Baseline::Found { version, failing })) => {
            Some((max_new, version.as_str(), failing))
        }
        (Some(_), Some(Baseline::Missing(why))) => {
            report.baseline_note = Some(format!("no baseline: {why}; `max-failures` applies"));
            None
        }
        (Some(_), None) => {
            report.baseline_note = Some("no baseline was read; `max-failures` applies".to_string());
            None
        }
        (None, _) => None,
    }
}

/// Whether the count passes, the threshold, the count's detail and, in regression mode, the
/// new failures (they alone are findings then).
type CountCheck = (bool, String, String, Option<Vec<String>>);

/// Regression mode: only failures the baseline did not have count against `max-new-failures`.
fn against_baseline(
    report: &TestsReport,
    bad: u64,
    max_new: u64,
    version: &str,
    min_tests: u64,
) -> CountCheck {
    let new = report.new_failures.total;
    let detail = if new > max_new {
        format!(
            "{} (at most {max_new} allowed) not failing in {version}: {}{}",
            plural(new, "new failing test"),
            report.new_failures.names.join(", "),
            if report.known_failures.total > 0 {
                format!(
                    "; {} failing in {version} too",
                    thousands(report.known_failures.total)
                )
            } else {
                String::new()
            }
        )
    } else {
        format!(
            "{} failed, {} new (at most {max_new}), {} failing in {version} too",
            thousands(bad),
            thousands(new),
            thousands(report.known_failures.total)
        )
    };
    let names = report.new_failures.names.clone();
    (
        new <= max_new,
        format!("new failures ≤ {max_new} (vs {version}) · tests ≥ {min_tests}"),
        detail,
        Some(names),
    )
}

/// Without a baseline every counted failure counts against `max-failures`.
fn against_max(j: &TestSummary, bad: u64, spec: TestsSpec<'_>) -> CountCheck {
    let detail = if bad > spec.max_failures {
        format!(
            "{} failed ({}, {}), at most {} allowed",
            plural(bad, "test"),
            plural(j.failures, "failure"),
            plural(j.errors, "error"),
            spec.max_failures
        )
    } else {
        format!("{}, {} failed", plural(j.tests, "test"), thousands(bad))
    };
    (
        bad <= spec.max_failures,
        format!(
            "failures ≤ {} · tests ≥ {}",
            spec.max_failures, spec.min_tests
        ),
        detail,
        None,
    )
}

/// Splits the counted failing names into new and known against the baseline, and lists the
/// baseline's failures that pass now.
fn compare(
    report: &mut TestsReport,
    counted: &[&str],
    unnamed: u64,
    j: &TestSummary,
    version: &str,
    failing: &AttestedFailures,
) {
    report.baseline_version = Some(version.to_string());
    let index = failing.index();
    for name in counted {
        if index.contains(name) {
            report.known_failures.push(name);
        } else {
            report.new_failures.push(name);
        }
    }
    // Failures past the names kept cannot be looked up: they count as new.
    report.new_failures.total += unnamed;
    let mut notes = Vec::new();
    if unnamed > 0 {
        notes.push(format!(
            "{} without a kept name count as new",
            plural(unnamed, "failing test")
        ));
    }
    if !failing.complete {
        notes.push(format!(
            "the attestation of {version} names {} of its {} failing tests",
            thousands(failing.names.len() as u64),
            thousands(failing.total)
        ));
    }
    if !notes.is_empty() {
        report.baseline_note = Some(notes.join("; "));
    }
    if unnamed == 0 {
        let now_failing = AttestedFailures::of(&j.failing_names, j.failed_total);
        let now = now_failing.index();
        for entry in &failing.names {
            if !now.contains(entry) && !j.failing_names.iter().any(|n| n == entry) {
                report.fixed.push(entry);
            }
        }
    }
}

fn figure(j: &TestSummary, report: &TestsReport, bad: u64) -> String {
    let mut figure = match &report.baseline_version {
        Some(v) => format!(
            "{} new of {} failed (vs {v})",
            thousands(report.new_failures.total),
            thousands(bad)
        ),
        None => format!("{} failed of {}", thousands(bad), thousands(j.tests)),
    };
    if j.skipped > 0 {
        figure.push_str(&format!(" ({} skipped)", thousands(j.skipped)));
    }
    if report.quarantined_total > 0 {
        figure.push_str(&format!(
            " · {} quarantined",
            thousands(report.quarantined_total)
        ));
    }
    if report.flaky.total > 0 {
        figure.push_str(&format!(" · {} flaky", thousands(report.flaky.total)));
    }
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
    figure
}

/// Annotations: the failures that count when the gate fails (only the new ones in regression
/// mode), and every quarantined failure as a warning naming its entry.
fn findings(
    j: &TestSummary,
    ok: bool,
    new_names: Option<&[String]>,
    quarantined: &[Quarantined],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &j.failed {
        let title = c.full_name();
        if let Some(q) = quarantined.iter().find(|q| q.test == title) {
            out.push(Finding {
                category: "test",
                severity: Severity::Warning,
                title: format!("{title} (quarantined)"),
                message: format!(
                    "quarantined by `{}` until {}: {} — {}",
                    q.entry, q.until, q.reason, c.message
                ),
                file: c.file.clone(),
                line: c.line,
            });
            continue;
        }
        if ok || new_names.is_some_and(|n| !n.contains(&title)) {
            continue;
        }
        out.push(Finding {
            category: "test",
            severity: Severity::Error,
            title,
            message: c.message.clone(),
            file: c.file.clone(),
            line: c.line,
        });
    }
    out
}

#[cfg(test)]
#[path = "regressions_tests.rs"]
mod tests;
