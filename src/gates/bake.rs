//! The `bake` gate: has the version spent at least `min` in the stage before this one? The
//! time comes from AppTrust's promotion history, judged at the run's clock; when it falls
//! short, [`ready_at`] says when it will not, so a scheduled run can defer until then.

use std::time::Duration;

use super::{Decision, pass_fail};
use crate::monitoring::{BakeFacts, Entered};
use crate::policy::human_duration;

/// How long the version has been in the stage before, as of `f.now`.
fn time_there(f: &BakeFacts) -> Duration {
    match f.entered {
        Entered::At(t) => Duration::try_from(f.now.duration_since(t)).unwrap_or(Duration::ZERO),
        Entered::ThisRun => Duration::ZERO,
    }
}

/// When the bake time will be reached, when it has not been yet.
pub(crate) fn ready_at(f: &BakeFacts, min: Duration) -> Option<jiff::Timestamp> {
    let there = time_there(f);
    if there >= min {
        return None;
    }
    let missing = jiff::SignedDuration::try_from(min - there).ok()?;
    f.now.checked_add(missing).ok()
}

/// When a failed `bake` gate will pass, if waiting is all it needs.
pub(crate) fn deferrable(
    gate: &crate::policy::Gate,
    evidence: &crate::gates::facts::Fact,
    eval: &super::GateEval,
) -> Option<String> {
    let (crate::policy::GateSpec::Bake { min }, crate::gates::facts::Fact::Bake(f)) =
        (&gate.spec, evidence)
    else {
        return None;
    };
    if eval.result.status != super::GateStatus::Fail {
        return None;
    }
    ready_at(f, *min).map(second)
}

pub(super) fn bake(f: &BakeFacts, min: Duration) -> Decision {
    let there = time_there(f);
    let ok = there >= min;
    let stage = &f.stage_before;
    let figure = format!("{} in {stage}", human_duration(there));
    let threshold = format!("≥ {}", human_duration(min));
    let since = match f.entered {
        Entered::At(t) => format!("in {stage} since {}", second(t)),
        Entered::ThisRun => format!("enters {stage} in this run"),
    };
    let detail = match ready_at(f, min) {
        None => format!(
            "{since}: {} ≥ {}",
            human_duration(there),
            human_duration(min)
        ),
        Some(at) => format!(
            "{since}: {} < {}; the bake time is reached at {}",
            human_duration(there),
            human_duration(min),
            second(at)
        ),
    };
    (pass_fail(ok), figure, threshold, detail, Vec::new(), 0)
}

/// An instant to the second, as the summary shows times.
fn second(t: jiff::Timestamp) -> String {
    t.round(jiff::Unit::Second).unwrap_or(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gates::GateStatus;

    fn facts(entered: &str, now: &str) -> BakeFacts {
        BakeFacts {
            stage_before: "STAGING".into(),
            entered: Entered::At(entered.parse().unwrap()),
            now: now.parse().unwrap(),
        }
    }

    #[test]
    fn the_bake_time_is_a_bound_to_the_second() {
        let day = Duration::from_secs(86_400);
        let cases = [
            (
                "2026-03-05T10:00:00Z",
                "2026-03-06T09:59:59Z",
                GateStatus::Fail,
                "23h 59m in STAGING",
            ),
            (
                "2026-03-05T10:00:00Z",
                "2026-03-06T10:00:00Z",
                GateStatus::Pass,
                "1d in STAGING",
            ),
            (
                "2026-03-05T10:00:00Z",
                "2026-03-06T10:00:01Z",
                GateStatus::Pass,
                "1d in STAGING",
            ),
            // A clock behind the history: no time there yet, never negative.
            (
                "2026-03-05T10:00:00Z",
                "2026-03-05T09:00:00Z",
                GateStatus::Fail,
                "0s in STAGING",
            ),
        ];
        for (entered, now, status, figure) in cases {
            let (s, f, threshold, detail, ..) = bake(&facts(entered, now), day);
            assert_eq!(
                (s, f.as_str(), threshold.as_str()),
                (status, figure, "≥ 1d"),
                "{now}: {detail}"
            );
        }
        let (_, _, _, detail, ..) =
            bake(&facts("2026-03-05T10:00:00Z", "2026-03-06T09:59:59Z"), day);
        assert_eq!(
            detail,
            "in STAGING since 2026-03-05T10:00:00Z: 23h 59m < 1d; the bake time is reached at 2026-03-06T10:00:00Z"
        );
    }

    #[test]
    fn ready_at_says_when_and_only_while_short() {
        let hour = Duration::from_secs(3600);
        let f = facts("2026-03-05T10:00:00Z", "2026-03-05T10:20:00Z");
        assert_eq!(
            ready_at(&f, hour).unwrap().to_string(),
            "2026-03-05T11:00:00Z"
        );
        assert_eq!(ready_at(&f, Duration::from_secs(60)), None);
        let this_run = BakeFacts {
            entered: Entered::ThisRun,
            ..f
        };
        assert_eq!(
            ready_at(&this_run, hour).unwrap().to_string(),
            "2026-03-05T11:20:00Z"
        );
        let (s, figure, _, detail, ..) = bake(&this_run, hour);
        assert_eq!((s, figure.as_str()), (GateStatus::Fail, "0s in STAGING"));
        assert!(
            detail.starts_with("enters STAGING in this run: 0s < 1h"),
            "{detail}"
        );
    }
}
