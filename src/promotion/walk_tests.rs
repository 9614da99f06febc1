//! Walks of several hops against a recording fake of AppTrust ([`crate::promotion::fake`]):
//! where a walk stops, what it leaves unsent, and how a version another run moved is never
//! promoted again. One hop's every answer is tested in `hop_tests.rs`.

use std::time::Duration;

use crate::gates::GateStatus;
use crate::promotion::fake::{Answer, Call, DEV, PROD, QA, Read, STAGING, status, walk};
use crate::promotion::outcome::{HopStatus, RunResult};

#[tokio::test]
async fn a_whole_path_is_walked_one_confirmed_hop_at_a_time() {
    let accept = [Answer::Accept, Answer::Accept, Answer::Accept];
    let w = walk(
        DEV,
        &[QA, STAGING, PROD],
        &accept,
        &[],
        Duration::ZERO,
        None,
        None,
    )
    .await;
    assert_eq!(
        w.calls,
        [
            Call::Promote(QA.into()),
            Call::Read,
            Call::Promote(STAGING.into()),
            Call::Read,
            Call::Release(PROD.into()),
            Call::Read,
        ]
    );
    let statuses: Vec<HopStatus> = w.outcome.hops.iter().map(|h| h.status).collect();
    assert_eq!(statuses, [HopStatus::Done; 3]);
    assert_eq!(w.outcome.result, RunResult::Released);
    assert_eq!(w.outcome.to_stage, PROD);
    assert!(w.result.is_ok());
}

/// Walks of several hops: where the walk stops, what it leaves unsent, and how a version moved
/// by another run is never promoted again.
#[tokio::test]
async fn a_walk_stops_where_it_must_and_never_enters_a_stage_twice() {
    use HopStatus::{Blocked, Done, Failed, NotReached};
    struct Multi {
        name: &'static str,
        answers: Vec<Answer>,
        reads: Vec<Read>,
        blocked: Option<&'static str>,
        deferred: Option<&'static str>,
        calls: Vec<Call>,
        statuses: [HopStatus; 3],
        result: RunResult,
        to: &'static str,
        failed: bool,
    }
    let promote = |s: &str| Call::Promote(s.into());
    let cases = vec![
        Multi {
            name: "gates fail at STAGING after QA went through",
            answers: vec![Answer::Accept],
            reads: vec![],
            blocked: Some(STAGING),
            deferred: None,
            calls: vec![promote(QA), Call::Read],
            statuses: [Done, Blocked, NotReached],
            result: RunResult::Blocked,
            to: QA,
            failed: false,
        },
        Multi {
            name: "deferred before the first hop: nothing sent",
            answers: vec![],
            reads: vec![],
            blocked: None,
            deferred: Some(QA),
            calls: vec![],
            statuses: [NotReached, NotReached, NotReached],
            result: RunResult::Deferred,
            to: DEV,
            failed: false,
        },
        Multi {
            name: "AppTrust rejects STAGING: PROD not reached",
            answers: vec![Answer::Accept, Answer::Reject("entry gate failed")],
            reads: vec![],
            blocked: None,
            deferred: None,
            calls: vec![promote(QA), Call::Read, promote(STAGING)],
            statuses: [Done, Blocked, NotReached],
            result: RunResult::Blocked,
            to: QA,
            failed: false,
        },
        Multi {
            name: "a 500 at STAGING, not applied: the version stays in QA",
            answers: vec![Answer::Accept, Answer::Fail(status(500, "boom"))],
            reads: vec![],
            blocked: None,
            deferred: None,
            calls: vec![promote(QA), Call::Read, promote(STAGING), Call::Read],
            statuses: [Done, Failed, NotReached],
            result: RunResult::Failed,
            to: QA,
            failed: true,
        },
        Multi {
            name: "another run took it to STAGING meanwhile: STAGING is not entered again",
            answers: vec![Answer::Accept, Answer::Accept],
            reads: vec![Read::MovedTo(STAGING)],
            blocked: None,
            deferred: None,
            calls: vec![
                promote(QA),
                Call::Read,
                Call::Release(PROD.into()),
                Call::Read,
            ],
            statuses: [Done, NotReached, Done],
            result: RunResult::Released,
            to: PROD,
            failed: false,
        },
        Multi {
            name: "another run released it while this one promoted: nothing more to do",
            answers: vec![Answer::InProgress {
                moves_to: Some(PROD),
            }],
            reads: vec![],
            blocked: None,
            deferred: None,
            calls: vec![promote(QA), Call::Read],
            statuses: [NotReached, NotReached, NotReached],
            result: RunResult::Unchanged,
            to: PROD,
            failed: false,
        },
    ];
    for c in cases {
        let w = walk(
            DEV,
            &[QA, STAGING, PROD],
            &c.answers,
            &c.reads,
            Duration::from_secs(1),
            c.blocked,
            c.deferred,
        )
        .await;
        assert_eq!(w.calls, c.calls, "{}: calls", c.name);
        let statuses: Vec<HopStatus> = w.outcome.hops.iter().map(|h| h.status).collect();
        assert_eq!(statuses, c.statuses, "{}: hops", c.name);
        assert_eq!(w.outcome.result, c.result, "{}: result", c.name);
        assert_eq!(w.outcome.to_stage, c.to, "{}: to_stage", c.name);
        assert_eq!(w.stage, c.to, "{}: AppTrust's stage", c.name);
        assert_eq!(w.result.is_err(), c.failed, "{}: {:?}", c.name, w.result);
    }
}

#[tokio::test]
async fn a_deferral_and_a_blocked_stage_say_why_on_the_hop() {
    let w = walk(DEV, &[QA], &[], &[], Duration::ZERO, None, Some(QA)).await;
    assert_eq!(
        w.outcome.hops[0].message,
        "deferred: outside the window mon 09:00–17:00"
    );
    assert_eq!(
        w.outcome.warnings,
        ["Deferred before QA: outside the window mon 09:00–17:00"]
    );
    let w = walk(DEV, &[QA], &[], &[], Duration::ZERO, Some(QA), None).await;
    assert_eq!(
        w.outcome.hops[0].message,
        "gates for QA failed; nothing was promoted to it"
    );
    assert_eq!(w.outcome.gates[0].status, GateStatus::Fail);
}
