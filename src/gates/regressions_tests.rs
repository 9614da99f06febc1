//! Table-style tests of the tests gate's quarantine, flaky and regression decisions.

use super::*;
use crate::reports::{FailedCase, FailureKind};

fn summary(failing: &[&str], tests: u64) -> TestSummary {
    TestSummary {
        tests,
        failures: failing.len() as u64,
        failed: failing
            .iter()
            .map(|n| {
                let (class, name) = n.split_once("::").unwrap_or(("", n));
                FailedCase {
                    suite: String::new(),
                    classname: class.into(),
                    name: name.into(),
                    kind: FailureKind::Failure,
                    message: "boom".into(),
                    file: None,
                    line: None,
                    trace: String::new(),
                }
            })
            .collect(),
        failed_total: failing.len() as u64,
        failing_names: failing.iter().map(|n| n.to_string()).collect(),
        ..TestSummary::default()
    }
}

fn found(names: &[&str]) -> Baseline {
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    Baseline::Found {
        version: "1.2.0".into(),
        failing: AttestedFailures::of(&names, names.len() as u64),
    }
}

fn quarantine(test: &str, until: &str) -> Quarantine {
    Quarantine {
        test: test.into(),
        until: until.into(),
        reason: "flaky sandbox".into(),
    }
}

const NOW: i64 = 1_780_000_000; // 2026-05-28

fn run(
    j: &TestSummary,
    max_new: Option<u64>,
    quarantine: &[Quarantine],
    baseline: Option<&Baseline>,
) -> (Decision, TestsReport, Vec<String>) {
    let spec = TestsSpec {
        max_failures: 0,
        min_tests: 1,
        max_new_failures: max_new,
        quarantine,
    };
    let ctx = GateContext {
        now: jiff::Timestamp::from_second(NOW).expect("instant"),
        baseline,
    };
    decide("bookverse-QA", "unit tests", j, spec, ctx)
}

#[test]
fn only_new_failures_count_against_the_baseline() {
    let base = found(&["t::a", "t::b"]);
    // The same two plus one new: blocked, naming the new one only.
    let ((status, figure, threshold, detail, findings, total), r, _) = run(
        &summary(&["t::a", "t::b", "t::c"], 9),
        Some(0),
        &[],
        Some(&base),
    );
    assert_eq!(status, GateStatus::Fail);
    assert!(
        detail.contains("1 new failing test") && detail.contains("t::c"),
        "{detail}"
    );
    assert!(!detail.contains("t::a,"), "{detail}");
    assert_eq!(figure, "1 new of 3 failed (vs 1.2.0)");
    assert_eq!(threshold, "new failures ≤ 0 (vs 1.2.0) · tests ≥ 1");
    assert_eq!(r.new_failures.names, vec!["t::c"]);
    assert_eq!(r.known_failures.total, 2);
    assert_eq!((findings.len(), total), (1, 1));
    assert_eq!(findings[0].title, "t::c");
    // Without the new one: passes, listing the two known.
    let ((status, _, _, detail, findings, _), r, _) =
        run(&summary(&["t::a", "t::b"], 9), Some(0), &[], Some(&base));
    assert_eq!(status, GateStatus::Pass, "{detail}");
    assert_eq!(r.known_failures.names, vec!["t::a", "t::b"]);
    assert!(findings.is_empty());
    // One fixed.
    let (_, r, _) = run(&summary(&["t::a"], 9), Some(0), &[], Some(&base));
    assert_eq!(r.fixed.names, vec!["t::b"]);
}

#[test]
fn without_a_baseline_max_failures_applies_and_says_why() {
    let missing = Baseline::Missing("no other version is in QA yet".into());
    let ((status, _, threshold, detail, _, _), r, _) =
        run(&summary(&["t::a"], 3), Some(0), &[], Some(&missing));
    assert_eq!(status, GateStatus::Fail);
    assert_eq!(threshold, "failures ≤ 0 · tests ≥ 1");
    assert!(
        detail.contains("no baseline: no other version is in QA yet"),
        "{detail}"
    );
    assert!(r.worth_showing());
    // Not in regression mode: nothing about baselines.
    let ((status, figure, ..), r, _) = run(&summary(&[], 3), None, &[], None);
    assert_eq!(
        (status, figure.as_str()),
        (GateStatus::Pass, "0 failed of 3")
    );
    assert!(!r.worth_showing());
}

#[test]
fn quarantine_excuses_warns_expires_and_flags_unused_entries() {
    let mut j = summary(&["net::upload_big", "core::math"], 5);
    j.probe_hits = vec![true, false, true];
    let entries = [
        quarantine("net::upload_*", "2026-06-30"),
        quarantine("gone::*", "2026-06-30"),
        quarantine("core::*", "2026-05-27"), // expired yesterday
    ];
    let ((status, _, _, detail, findings, _), r, warnings) = run(&j, None, &entries, None);
    // core::math still counts: its entry expired.
    assert_eq!(status, GateStatus::Fail, "{detail}");
    assert_eq!(r.quarantined_total, 1);
    assert_eq!(r.quarantined[0].entry, "net::upload_*");
    assert!(
        detail.contains("quarantined by `net::upload_*`"),
        "{detail}"
    );
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`core::*`") && w.contains("expired"))
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`gone::*`") && w.contains("matches no test"))
    );
    let warned: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    assert_eq!(warned.len(), 1);
    // Only the quarantined one failing: a warn row, not a pass.
    let mut j = summary(&["net::upload_big"], 5);
    j.probe_hits = vec![true];
    let ((status, ..), _, warnings) = run(&j, None, &entries[..1], None);
    assert_eq!(status, GateStatus::Warn);
    assert!(warnings.is_empty());
}

#[test]
fn failures_without_a_kept_name_count_as_new() {
    let mut j = summary(&["t::a"], 9);
    j.failed_total = 3;
    j.failures = 3;
    let base = found(&["t::a"]);
    let ((status, _, _, detail, _, total), r, _) = run(&j, Some(1), &[], Some(&base));
    assert_eq!(status, GateStatus::Fail, "{detail}");
    assert_eq!(r.new_failures.total, 2);
    assert_eq!(total, 2);
    assert!(
        r.baseline_note
            .as_deref()
            .unwrap_or_default()
            .contains("without a kept name")
    );
}

#[test]
fn flaky_tests_are_reported_and_shown_in_the_figure() {
    let mut j = summary(&[], 4);
    j.flaky = vec!["net::retry".into()];
    j.flaky_total = 1;
    let ((status, figure, ..), r, _) = run(&j, None, &[], None);
    assert_eq!(status, GateStatus::Pass);
    assert_eq!(figure, "0 failed of 4 · 1 flaky");
    assert_eq!(r.flaky.names, vec!["net::retry"]);
}
