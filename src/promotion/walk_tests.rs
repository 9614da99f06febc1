//! The walk against a recording fake of AppTrust ([`super::super::fake`]): every answer AppTrust
//! can give to a hop, at a promote hop and at the release hop, then walks of several hops. Each
//! case says what was sent (never a request twice), where the version ends and what the run
//! says.

use std::time::Duration;

use super::{Walk, WalkOptions};
use crate::gates::{GateResult, GateStatus, StageVerdict};
use crate::http::{RemoteError, RemoteErrorKind};
use crate::inputs::Command;
use crate::lifecycle::Lifecycle;
use crate::promotion::fake::{Answer, Call, FakeAppTrust, Read, lost, status};
use crate::promotion::outcome::{HopStatus, Outcome, RunResult};

const DEV: &str = "bookverse-DEV";
const QA: &str = "bookverse-QA";
const STAGING: &str = "bookverse-STAGING";
const PROD: &str = "PROD";

fn lifecycle() -> Lifecycle {
    Lifecycle {
        stages: [DEV, QA, STAGING, PROD].map(String::from).to_vec(),
        release_stage: PROD.into(),
        project: Some("bookverse".into()),
    }
}

/// What one walk did.
struct Walked {
    result: Result<(), RemoteError>,
    outcome: Outcome,
    calls: Vec<Call>,
    /// Where the fake says the version is at the end.
    stage: String,
}

/// Walks `path` from `from` against a fake scripted with `answers` and `reads`; `blocked` names
/// a stage whose gates fail, `deferred` one whose window defers the run.
async fn walk(
    from: &str,
    path: &[&str],
    answers: &[Answer],
    reads: &[Read],
    wait: Duration,
    blocked: Option<&str>,
    deferred: Option<&str>,
) -> Walked {
    let api = FakeAppTrust::new(from, answers, reads);
    let lifecycle = lifecycle();
    let options = WalkOptions {
        promotion_type: "copy".into(),
        in_progress_wait: wait,
        poll: Duration::from_millis(1),
    };
    let walk = Walk {
        api: &api,
        lifecycle: &lifecycle,
        app: "bookverse-inventory",
        version: "1.0.0",
        options: &options,
    };
    let gate_check = |stage: &str| {
        let mut v = StageVerdict::default();
        if blocked == Some(stage) {
            v.gates.push(GateResult {
                stage: stage.into(),
                gate: "unit tests".into(),
                kind: "tests".into(),
                status: GateStatus::Fail,
                detail: "1 failed".into(),
                figure: "1 failed".into(),
                threshold: "failures ≤ 0".into(),
            });
        }
        if deferred == Some(stage) {
            v.deferred = Some("outside the window mon 09:00–17:00".into());
        }
        v
    };
    let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    let mut outcome = Outcome::new(Command::Promote, "bookverse-inventory", "1.0.0");
    let result = walk.run(from, &path, gate_check, &mut outcome).await;
    Walked {
        result,
        outcome,
        calls: api.calls(),
        stage: api.stage(),
    }
}

/// A re-read in a case, relative to the hop under test.
#[derive(Clone)]
enum R {
    /// The read fails.
    Fails,
    /// Another run took the version into the hop's stage.
    AtTarget,
    /// Another run took the version past the hop's stage.
    Beyond,
}

/// Where the version ends, relative to the hop under test.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Lands {
    /// Where it started.
    From,
    /// In the hop's stage.
    Target,
    /// Past it (another run moved it on).
    Beyond,
}

/// A call of the hop under test: the request (promote or release) or a re-read.
#[derive(Clone, Copy)]
enum C {
    Send,
    Read,
}

struct Case {
    name: &'static str,
    answers: Vec<Answer>,
    reads: Vec<R>,
    /// How long "promotion already in progress" is waited out.
    wait: Duration,
    /// How the hop ended.
    status: HopStatus,
    /// The run's result; `None` = the target reached (`promoted`, or `released` at the release
    /// hop).
    result: Option<RunResult>,
    lands: Lands,
    calls: &'static [C],
    /// In the hop's message.
    message: &'static str,
    /// In the error the walk returns; `None` = the walk returns `Ok`.
    error: Option<&'static str>,
    /// Needs a stage past the hop's (so not run at the release hop).
    promote_only: bool,
}

fn case(name: &'static str, answers: Vec<Answer>, status: HopStatus) -> Case {
    Case {
        name,
        answers,
        reads: Vec::new(),
        wait: Duration::from_secs(1),
        status,
        result: None,
        lands: Lands::Target,
        calls: &[C::Send, C::Read],
        message: "",
        error: None,
        promote_only: false,
    }
}

/// Every answer AppTrust can give to one hop.
fn cases() -> Vec<Case> {
    use HopStatus::{Blocked, Done, Failed, NotReached};
    let timeout = || lost(RemoteErrorKind::Timeout);
    let dropped = || lost(RemoteErrorKind::Transport);
    let conflict = || status(409, "Conflict: the version is locked");
    vec![
        Case {
            message: "promoted to",
            ..case("accepted and confirmed", vec![Answer::Accept], Done)
        },
        Case {
            result: Some(RunResult::Blocked),
            lands: Lands::From,
            calls: &[C::Send],
            message: "blocked by entry gate",
            ..case(
                "refused by AppTrust's policy, with evaluations",
                vec![Answer::Reject("blocked by entry gate")],
                Blocked,
            )
        },
        Case {
            result: Some(RunResult::Blocked),
            lands: Lands::From,
            calls: &[C::Send],
            message: "AppTrust's policy refused the promotion",
            ..case(
                "refused by AppTrust's policy, without a message",
                vec![Answer::Reject("")],
                Blocked,
            )
        },
        Case {
            result: Some(RunResult::Failed),
            lands: Lands::From,
            message: "but the version is still in",
            error: Some("but the version is still in"),
            ..case(
                "accepted but not applied",
                vec![Answer::AcceptNotApplied],
                Failed,
            )
        },
        Case {
            reads: vec![R::Fails],
            result: Some(RunResult::Failed),
            message: "but re-reading the version failed",
            error: Some("after AppTrust accepted the promotion to"),
            ..case("accepted, the re-read fails", vec![Answer::Accept], Done)
        },
        Case {
            reads: vec![R::Beyond],
            result: Some(RunResult::Unchanged),
            lands: Lands::Beyond,
            message: "applied; another run moved the version to",
            promote_only: true,
            ..case(
                "accepted, the re-read shows it further on",
                vec![Answer::Accept],
                Done,
            )
        },
        Case {
            result: Some(RunResult::Failed),
            lands: Lands::From,
            message: "Conflict: the version is locked while entering",
            error: Some("while entering"),
            ..case(
                "409, the version has not moved",
                vec![Answer::Fail(conflict())],
                Failed,
            )
        },
        Case {
            reads: vec![R::AtTarget],
            result: Some(RunResult::Unchanged),
            message: "not applied: another run moved the version to",
            ..case(
                "409, another run took it there",
                vec![Answer::Fail(conflict())],
                NotReached,
            )
        },
        Case {
            calls: &[C::Send, C::Read, C::Send, C::Read],
            ..case(
                "in progress, then free: sent again",
                vec![Answer::InProgress { moves_to: None }, Answer::Accept],
                Done,
            )
        },
        Case {
            result: Some(RunResult::Unchanged),
            message: "not applied: another run moved the version to",
            ..case(
                "in progress, then moved by the other run",
                vec![Answer::InProgress {
                    moves_to: Some("target"),
                }],
                NotReached,
            )
        },
        Case {
            wait: Duration::ZERO,
            result: Some(RunResult::Failed),
            lands: Lands::From,
            message: "still running after 0 s",
            error: Some("still running after 0 s"),
            ..case(
                "in progress past the bound",
                vec![Answer::InProgress { moves_to: None }],
                Failed,
            )
        },
        Case {
            message: "the answer was lost (no answer), but re-reading the version shows it reached",
            ..case(
                "timeout after it was applied",
                vec![Answer::LostAfterApply(timeout())],
                Done,
            )
        },
        Case {
            message: "the answer was lost",
            ..case(
                "connection dropped after it was applied",
                vec![Answer::LostAfterApply(dropped())],
                Done,
            )
        },
        Case {
            message: "the answer was lost",
            ..case(
                "502 after it was applied",
                vec![Answer::LostAfterApply(status(502, "Bad Gateway"))],
                Done,
            )
        },
        Case {
            result: Some(RunResult::Failed),
            lands: Lands::From,
            error: Some("no answer while entering"),
            ..case(
                "timeout before it was applied",
                vec![Answer::Fail(timeout())],
                Failed,
            )
        },
        Case {
            reads: vec![R::Fails],
            result: Some(RunResult::Failed),
            lands: Lands::From,
            error: Some("HTTP 503"),
            ..case(
                "503, and the re-read fails too",
                vec![Answer::Fail(status(503, "Service Unavailable"))],
                Failed,
            )
        },
        Case {
            reads: vec![R::Beyond],
            result: Some(RunResult::Unchanged),
            lands: Lands::Beyond,
            message: "not applied: another run moved the version to",
            promote_only: true,
            ..case(
                "answer lost, the re-read shows it further on",
                vec![Answer::Fail(status(502, "Bad Gateway"))],
                NotReached,
            )
        },
        Case {
            result: Some(RunResult::Failed),
            lands: Lands::From,
            calls: &[C::Send],
            error: Some("HTTP 400"),
            ..case(
                "400: refused outright, not re-read",
                vec![Answer::Fail(status(400, "Bad Request"))],
                Failed,
            )
        },
    ]
}

/// Runs one case at one hop: `from` → `target`, `beyond` the stage after it (if any).
async fn run_case(c: &Case, from: &str, target: &'static str, beyond: Option<&'static str>) {
    let name = format!("{} (into {target})", c.name);
    let answers: Vec<Answer> = c
        .answers
        .iter()
        .map(|a| match a {
            Answer::InProgress { moves_to: Some(_) } => Answer::InProgress {
                moves_to: Some(target),
            },
            other => other.clone(),
        })
        .collect();
    let reads: Vec<Read> = c
        .reads
        .iter()
        .map(|r| match r {
            R::Fails => Read::Fail(lost(RemoteErrorKind::Transport)),
            R::AtTarget => Read::MovedTo(target),
            R::Beyond => Read::MovedTo(beyond.unwrap_or(target)),
        })
        .collect();
    let w = walk(from, &[target], &answers, &reads, c.wait, None, None).await;
    let release = target == PROD;
    let sent = |stage: &str| {
        if release {
            Call::Release(stage.into())
        } else {
            Call::Promote(stage.into())
        }
    };
    let calls: Vec<Call> = c
        .calls
        .iter()
        .map(|k| match k {
            C::Send => sent(target),
            C::Read => Call::Read,
        })
        .collect();
    assert_eq!(w.calls, calls, "{name}: calls");
    let hop = &w.outcome.hops[0];
    assert_eq!(w.outcome.hops.len(), 1, "{name}: one hop");
    assert_eq!(hop.status, c.status, "{name}: hop status");
    assert!(
        hop.message.contains(c.message),
        "{name}: hop message {:?}",
        hop.message
    );
    let reached = if release {
        RunResult::Released
    } else {
        RunResult::Promoted
    };
    assert_eq!(
        w.outcome.result,
        c.result.unwrap_or(reached),
        "{name}: result"
    );
    let lands = match c.lands {
        Lands::From => from,
        Lands::Target => target,
        Lands::Beyond => beyond.unwrap_or(target),
    };
    assert_eq!(w.outcome.to_stage, lands, "{name}: to_stage");
    // Where the run says the version is, is where AppTrust has it.
    assert_eq!(w.stage, lands, "{name}: AppTrust's stage");
    match (&w.result, c.error) {
        (Ok(()), None) => {}
        (Err(e), Some(want)) => assert!(e.to_string().contains(want), "{name}: {e}"),
        (got, want) => panic!("{name}: walk returned {got:?}, want an error with {want:?}"),
    }
    if c.result == Some(RunResult::Unchanged) {
        assert!(
            w.outcome.notes[0].starts_with("Another run moved 1.0.0 to"),
            "{name}: {:?}",
            w.outcome.notes
        );
    }
    if matches!(c.answers[0], Answer::Reject(_)) {
        assert_eq!(hop.evaluations[0].decision, "fail", "{name}: evaluations");
    }
}

#[tokio::test]
async fn every_answer_at_a_promote_hop() {
    for c in cases() {
        run_case(&c, DEV, QA, Some(STAGING)).await;
    }
}

#[tokio::test]
async fn every_answer_at_the_release_hop() {
    for c in cases().into_iter().filter(|c| !c.promote_only) {
        run_case(&c, STAGING, PROD, None).await;
    }
}

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
