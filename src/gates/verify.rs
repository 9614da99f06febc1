//! A `verify` watch's verdict: what each of its gates said over the checks made, turned into
//! the rows the outputs, summary and record show (`verify: <gate>`), and the verification's own
//! account for the record. Pure: the watch (in `action::verify`) gathers, this decides and words.

use std::time::Duration;

use super::{GateResult, GateStatus, threshold_of};
use crate::policy::{Gate, Verify, human_duration};

/// What one gate of a watch said so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct GateWatch {
    /// Checks it passed.
    pub(crate) passed: u64,
    /// Checks in which it could not be evaluated (the monitoring API unreachable, an error
    /// answer), and the last reason.
    pub(crate) inconclusive: (u64, Option<String>),
    /// Its figure at the last check it passed.
    pub(crate) last: Option<String>,
    /// The check it failed: when, and what it said.
    pub(crate) failed: Option<Failed>,
}

/// A failed check of one gate.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failed {
    /// Which check (1-based).
    pub(crate) check: u64,
    /// Time into the watch.
    pub(crate) at: Duration,
    /// The figure then.
    pub(crate) figure: String,
    /// The gate's reason then.
    pub(crate) detail: String,
}

/// How a watch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WatchEnd {
    /// Every check was made (perhaps fewer than `for` asks, when the job's time cut it).
    Completed,
    /// A gate failed at this time into the watch.
    Failed(Duration),
    /// The run was cancelled at this time into the watch.
    Cancelled(Duration),
}

/// The verification of one stage, as the record keeps it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct Verification {
    /// Full stage name watched.
    pub(crate) stage: String,
    /// `for`, as people write it.
    #[serde(rename = "for")]
    pub(crate) watch_for: String,
    /// `every`.
    pub(crate) every: String,
    /// Checks a full watch makes.
    pub(crate) checks_planned: u64,
    /// Checks made.
    pub(crate) checks_made: u64,
    /// `passed`, `failed` (rolled back), `reported` (failed, `on-failure: report`),
    /// `cancelled`, or `not verified` (no check could be evaluated).
    pub(crate) ended: String,
    /// Time into the watch when it ended early (failure or cancellation).
    pub(crate) at: Option<String>,
    /// Why the watch was shorter than `for` (the job's time), when it was.
    pub(crate) cut_short: Option<String>,
}

/// The rows of a watch: one per gate, named `verify: <gate>`. A failure is `fail` when it rolls
/// the version back, `warn` when it is only reported.
pub(crate) fn rows(
    stage: &str,
    verify: &Verify,
    watches: &[GateWatch],
    checks_made: u64,
    end: WatchEnd,
) -> Vec<GateResult> {
    let report_only = verify.on_failure == crate::policy::OnVerifyFailure::Report;
    verify
        .gates
        .iter()
        .zip(watches)
        .map(|(gate, w)| row(stage, gate, w, checks_made, end, report_only))
        .collect()
}

fn row(
    stage: &str,
    gate: &Gate,
    w: &GateWatch,
    checks_made: u64,
    end: WatchEnd,
    report_only: bool,
) -> GateResult {
    let (status, figure, detail) = if let Some(f) = &w.failed {
        (
            if report_only {
                GateStatus::Warn
            } else {
                GateStatus::Fail
            },
            format!("{} at {}", f.figure, human_duration(f.at)),
            format!(
                "check {} failed {} into the watch: {}",
                f.check,
                human_duration(f.at),
                f.detail
            ),
        )
    } else if w.passed > 0 {
        let mut detail = format!(
            "passed {} of {} check{}",
            w.passed,
            checks_made,
            if checks_made == 1 { "" } else { "s" }
        );
        if let (n @ 1.., Some(why)) = &w.inconclusive {
            detail.push_str(&format!("; {n} could not be evaluated ({why})"));
        }
        if let WatchEnd::Cancelled(at) = end {
            detail.push_str(&format!(
                "; the run was cancelled {} into the watch",
                human_duration(at)
            ));
        }
        let status = if matches!(end, WatchEnd::Cancelled(_)) {
            GateStatus::Warn
        } else {
            GateStatus::Pass
        };
        (status, w.last.clone().unwrap_or_default(), detail)
    } else {
        let detail = match (&w.inconclusive, end) {
            ((n @ 1.., Some(why)), _) => {
                format!("not verified: none of {n} checks could be evaluated ({why})")
            }
            (_, WatchEnd::Cancelled(at)) => format!(
                "not verified: the run was cancelled {} into the watch, before this gate was checked",
                human_duration(at)
            ),
            _ => "not verified: no check was made".to_string(),
        };
        (GateStatus::Warn, "not verified".to_string(), detail)
    };
    GateResult {
        gate: format!("verify: {}", gate.name),
        detail,
        figure,
        threshold: threshold_of(&gate.spec),
        ..GateResult::of(stage, gate, status)
    }
}

/// The record's account of a watch.
pub(crate) fn verification(
    stage: &str,
    verify: &Verify,
    watches: &[GateWatch],
    checks_made: u64,
    end: WatchEnd,
    cut_short: Option<String>,
) -> Verification {
    let report_only = verify.on_failure == crate::policy::OnVerifyFailure::Report;
    let none_judged = watches.iter().all(|w| w.passed == 0 && w.failed.is_none());
    let (ended, at) = match end {
        WatchEnd::Failed(at) if report_only => ("reported", Some(at)),
        WatchEnd::Failed(at) => ("failed", Some(at)),
        WatchEnd::Cancelled(at) => ("cancelled", Some(at)),
        WatchEnd::Completed if none_judged => ("not verified", None),
        WatchEnd::Completed => ("passed", None),
    };
    Verification {
        stage: stage.to_string(),
        watch_for: human_duration(verify.watch_for),
        every: human_duration(verify.every),
        checks_planned: verify.checks(),
        checks_made,
        ended: ended.to_string(),
        at: at.map(human_duration),
        cut_short,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{GateSpec, HealthGate, OnVerifyFailure};

    fn verify(on_failure: OnVerifyFailure) -> Verify {
        Verify {
            watch_for: Duration::from_secs(600),
            every: Duration::from_secs(60),
            gates: vec![Gate {
                name: "prod health".into(),
                spec: GateSpec::Health(HealthGate {
                    url: "https://h".into(),
                    status: 200,
                    condition: None,
                }),
            }],
            on_failure,
        }
    }

    fn failed_at(minutes: u64) -> GateWatch {
        GateWatch {
            passed: minutes - 1,
            failed: Some(Failed {
                check: minutes,
                at: Duration::from_secs(minutes * 60),
                figure: "HTTP 503".into(),
                detail: "GET https://h answered 503, expected 200".into(),
            }),
            ..GateWatch::default()
        }
    }

    #[test]
    fn each_ending_has_its_row() {
        let passed = GateWatch {
            passed: 10,
            last: Some("HTTP 200".into()),
            ..GateWatch::default()
        };
        let flaky = GateWatch {
            passed: 8,
            inconclusive: (2, Some("no answer within 30 s".into())),
            last: Some("HTTP 200".into()),
            ..GateWatch::default()
        };
        let unknown = GateWatch {
            inconclusive: (10, Some("connection refused".into())),
            ..GateWatch::default()
        };
        let rollback = verify(OnVerifyFailure::Rollback);
        let report = verify(OnVerifyFailure::Report);
        let four = Duration::from_secs(240);
        let cases: Vec<(&Verify, GateWatch, u64, WatchEnd, GateStatus, &str, &str)> = vec![
            (
                &rollback,
                passed,
                10,
                WatchEnd::Completed,
                GateStatus::Pass,
                "HTTP 200",
                "passed 10 of 10 checks",
            ),
            (
                &rollback,
                flaky,
                10,
                WatchEnd::Completed,
                GateStatus::Pass,
                "HTTP 200",
                "passed 8 of 10 checks; 2 could not be evaluated (no answer within 30 s)",
            ),
            (
                &rollback,
                failed_at(4),
                4,
                WatchEnd::Failed(four),
                GateStatus::Fail,
                "HTTP 503 at 4m",
                "check 4 failed 4m into the watch: GET https://h answered 503, expected 200",
            ),
            (
                &report,
                failed_at(4),
                4,
                WatchEnd::Failed(four),
                GateStatus::Warn,
                "HTTP 503 at 4m",
                "check 4 failed 4m into the watch: GET https://h answered 503, expected 200",
            ),
            (
                &rollback,
                unknown,
                10,
                WatchEnd::Completed,
                GateStatus::Warn,
                "not verified",
                "not verified: none of 10 checks could be evaluated (connection refused)",
            ),
            (
                &rollback,
                GateWatch::default(),
                0,
                WatchEnd::Cancelled(Duration::from_secs(30)),
                GateStatus::Warn,
                "not verified",
                "not verified: the run was cancelled 30s into the watch, before this gate was checked",
            ),
        ];
        for (v, w, made, end, status, figure, detail) in cases {
            let r = &rows("PROD", v, &[w], made, end)[0];
            assert_eq!(r.gate, "verify: prod health");
            assert_eq!(r.kind, "health");
            assert_eq!(r.threshold, "HTTP 200");
            assert_eq!(
                (r.status, r.figure.as_str(), r.detail.as_str()),
                (status, figure, detail)
            );
        }
    }

    #[test]
    fn the_record_says_how_the_watch_ended() {
        let v = verify(OnVerifyFailure::Rollback);
        let four = Duration::from_secs(240);
        let failed = verification("PROD", &v, &[failed_at(4)], 4, WatchEnd::Failed(four), None);
        assert_eq!(
            (failed.ended.as_str(), failed.at.as_deref()),
            ("failed", Some("4m"))
        );
        assert_eq!((failed.checks_planned, failed.checks_made), (10, 4));
        assert_eq!(
            (failed.watch_for.as_str(), failed.every.as_str()),
            ("10m", "1m")
        );
        let reported = verification(
            "PROD",
            &verify(OnVerifyFailure::Report),
            &[failed_at(4)],
            4,
            WatchEnd::Failed(four),
            None,
        );
        assert_eq!(reported.ended, "reported");
        let unknown = GateWatch {
            inconclusive: (10, Some("down".into())),
            ..GateWatch::default()
        };
        assert_eq!(
            verification("PROD", &v, &[unknown], 10, WatchEnd::Completed, None).ended,
            "not verified"
        );
        let cancelled = verification(
            "PROD",
            &v,
            &[GateWatch::default()],
            0,
            WatchEnd::Cancelled(Duration::from_secs(5)),
            None,
        );
        assert_eq!(
            (cancelled.ended.as_str(), cancelled.at.as_deref()),
            ("cancelled", Some("5s"))
        );
    }
}
