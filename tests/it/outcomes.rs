//! Hand-built `Outcome`s for the tests that call the reporters directly (GitHub reports, the
//! job summary's properties): inventory 1.2.0 on the bookverse lifecycle, blocked, released or
//! rolled back, so a test says only what it changes.

use promote_action::gates::{Finding, GateResult, GateStatus, Severity};
use promote_action::inputs::Command;
use promote_action::lifecycle::{HopAction, Lifecycle};
use promote_action::promotion::outcome::{Hop, HopStatus, Outcome, RunResult};

/// A `copy` hop of 10 ms; a blocked one says why.
pub(crate) fn hop(from: &str, to: &str, action: HopAction, status: HopStatus) -> Hop {
    Hop {
        from: from.into(),
        to: to.into(),
        action,
        promotion_type: "copy".into(),
        status,
        duration_ms: Some(10),
        evaluations: vec![],
        message: if status == HopStatus::Blocked {
            "gates for STAGING failed; nothing was promoted to it".into()
        } else {
            String::new()
        },
    }
}

/// The three hops DEV → QA → STAGING → PROD, each ending as `statuses` says.
pub(crate) fn to_prod(statuses: [HopStatus; 3]) -> Vec<Hop> {
    let path = [
        ("bookverse-DEV", "bookverse-QA", HopAction::Promote),
        ("bookverse-QA", "bookverse-STAGING", HopAction::Promote),
        ("bookverse-STAGING", "PROD", HopAction::Release),
    ];
    path.into_iter()
        .zip(statuses)
        .map(|((from, to, action), status)| hop(from, to, action, status))
        .collect()
}

/// inventory 1.2.0 on the bookverse lifecycle, from DEV towards PROD, ending in `result`.
pub(crate) fn inventory(result: RunResult) -> Outcome {
    let mut o = Outcome::new(Command::Promote, "inventory", "1.2.0");
    o.lifecycle = Some(Lifecycle {
        stages: ["bookverse-DEV", "bookverse-QA", "bookverse-STAGING", "PROD"]
            .map(String::from)
            .to_vec(),
        release_stage: "PROD".into(),
        project: Some("bookverse".into()),
    });
    o.result = result;
    o.from_stage = "bookverse-DEV".into();
    o.target_stage = Some("PROD".into());
    o
}

/// Blocked before STAGING by a failing unit-test gate, with `n` failing tests on files.
pub(crate) fn blocked(n: usize) -> Outcome {
    let mut o = inventory(RunResult::Blocked);
    o.to_stage = "bookverse-QA".into();
    o.hops = to_prod([HopStatus::Done, HopStatus::Blocked, HopStatus::NotReached]);
    o.gates = vec![GateResult {
        stage: "bookverse-STAGING".into(),
        gate: "unit tests".into(),
        kind: "junit".into(),
        status: GateStatus::Fail,
        detail: format!("{n} tests failed, at most 0 allowed"),
        figure: String::new(),
        threshold: String::new(),
    }];
    o.findings = (0..n)
        .map(|i| Finding {
            category: "test",
            severity: Severity::Error,
            title: format!("tests.test_calc::test_{i}"),
            message: format!("assert {i} == 0"),
            file: Some("tests/test_calc.py".into()),
            line: Some(i as u32 + 1),
        })
        .collect();
    o.findings_total = n;
    o
}

/// Released: DEV → QA → STAGING → PROD, every hop done.
pub(crate) fn released() -> Outcome {
    let mut o = inventory(RunResult::Released);
    o.to_stage = "PROD".into();
    o.hops = to_prod([HopStatus::Done, HopStatus::Done, HopStatus::Done]);
    o
}

/// Rolled back out of PROD to STAGING.
pub(crate) fn rolled_back() -> Outcome {
    let mut o = inventory(RunResult::RolledBack);
    o.command = Command::Rollback;
    o.target_stage = None;
    o.from_stage = "PROD".into();
    o.to_stage = "bookverse-STAGING".into();
    o.hops = vec![hop(
        "PROD",
        "bookverse-STAGING",
        HopAction::Rollback,
        HopStatus::Done,
    )];
    o
}
