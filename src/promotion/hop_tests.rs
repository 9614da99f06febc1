//! One hop against a recording fake of AppTrust ([`crate::promotion::fake`]): every answer
//! AppTrust can give, at a promote hop and at the release hop. Each case says what was sent
//! (never a request twice), how the hop ended, where the version is and what the run says.

use std::time::Duration;

use crate::http::RemoteErrorKind;
use crate::promotion::fake::{Answer, Call, DEV, PROD, QA, Read, STAGING, lost, status, walk};
use crate::promotion::outcome::{HopStatus, RunResult};

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

/// Every answer AppTrust can give to one hop: [`answered`] and [`unanswered`].
fn cases() -> Vec<Case> {
    let mut all = answered();
    all.extend(unanswered());
    all
}

/// AppTrust answered: accepted (then re-read), rejected by its policy, or a conflict.
fn answered() -> Vec<Case> {
    use HopStatus::{Blocked, Done, Failed, NotReached};
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
    ]
}

/// AppTrust's answer was "in progress", or never came (timeout, dropped connection, 5xx), or
/// a plain refusal: what the re-read then shows decides.
fn unanswered() -> Vec<Case> {
    use HopStatus::{Done, Failed, NotReached};
    let timeout = || lost(RemoteErrorKind::Timeout);
    let dropped = || lost(RemoteErrorKind::Transport);
    vec![
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
