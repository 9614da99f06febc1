//! Unit tests of `verify.rs`, apart so that the reader's own file stays short.

use super::*;
use crate::policy::{Gate, HealthGate};

fn verify(f: u64, e: u64) -> Verify {
    Verify {
        watch_for: Duration::from_secs(f),
        every: Duration::from_secs(e),
        gates: vec![Gate {
            name: "h".into(),
            spec: GateSpec::Health(HealthGate {
                url: "https://h".into(),
                status: 200,
                condition: None,
            }),
        }],
        on_failure: OnVerifyFailure::Rollback,
    }
}

#[test]
fn the_watch_ends_before_the_job() {
    let six = Duration::from_secs(6 * 3600);
    assert_eq!(
        plan_checks(&verify(600, 60), six, Duration::ZERO, "PROD"),
        (10, None)
    );
    // 6 h job, 5 h 50 m used, 5 m kept: 5 m left, five checks of the ten.
    let (n, why) = plan_checks(
        &verify(600, 60),
        six,
        Duration::from_secs(5 * 3600 + 50 * 60),
        "PROD",
    );
    assert_eq!(n, 5);
    let why = why.expect("said");
    assert!(
        why.starts_with("The verification of PROD was cut to 5m (5 of 10 checks)"),
        "{why}"
    );
    // A `for` over the job's limit is cut even at the start.
    let (n, why) = plan_checks(&verify(7 * 3600, 3600), six, Duration::ZERO, "PROD");
    assert_eq!((n, why.is_some()), (5, true));
    // Always at least one check.
    assert_eq!(plan_checks(&verify(600, 60), six, six, "PROD").0, 1);
}
