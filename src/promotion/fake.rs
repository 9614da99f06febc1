//! A recording fake of AppTrust for unit tests of the walk: each promote or release gets the
//! next scripted [`Answer`], each re-read the next scripted [`Read`] (else where the version is),
//! and every call is recorded, so a test can say exactly what was sent — and that nothing was
//! sent twice — without a server. [`walk`] walks a path against it.

use std::collections::{BTreeMap, VecDeque};
use std::future::{Future, ready};
use std::sync::Mutex;
use std::time::Duration;

use super::outcome::Outcome;
use super::walker::{Walk, WalkOptions};
use crate::gates::{GateResult, GateStatus, StageVerdict};
use crate::http::{RemoteError, RemoteErrorKind};
use crate::inputs::Command;
use crate::jfrog::apptrust::{
    AppTrustApi, Evaluation, HopReply, HopRequest, PromotionEntry, RollbackReply, VersionContent,
    VersionSummary,
};
use crate::lifecycle::Lifecycle;

/// AppTrust's answer to one promote or release request.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    /// Accepted and applied: the version is in the target stage.
    Accept,
    /// Accepted, but the version does not move.
    AcceptNotApplied,
    /// AppTrust's policy refuses it, with a failed evaluation and this message.
    Reject(&'static str),
    /// Applied, but the answer is lost: the caller gets this error instead.
    LostAfterApply(RemoteError),
    /// Refused or lost before anything was applied.
    Fail(RemoteError),
    /// 409 "promotion already in progress": another run's promotion of this version is
    /// running; when `moves_to` is set, that run takes the version there meanwhile.
    InProgress {
        /// Where the other run takes the version, if anywhere.
        moves_to: Option<&'static str>,
    },
}

/// AppTrust's answer to one re-read of the version.
#[derive(Debug, Clone)]
pub(crate) enum Read {
    /// The read fails.
    Fail(RemoteError),
    /// Another run has moved the version to this stage; it stays there.
    MovedTo(&'static str),
}

/// One call the fake received.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Call {
    /// `/promote` to this stage.
    Promote(String),
    /// `/release` (to this stage).
    Release(String),
    /// A re-read of the version.
    Read,
}

struct Inner {
    stage: String,
    answers: VecDeque<Answer>,
    reads: VecDeque<Read>,
    calls: Vec<Call>,
}

/// The fake: one version of one application, in `stage`.
pub(crate) struct FakeAppTrust {
    inner: Mutex<Inner>,
}

impl FakeAppTrust {
    /// A version in `stage` that gets `answers` to its promote/release requests, in order, and
    /// `reads` to its first re-reads.
    pub(crate) fn new(stage: &str, answers: &[Answer], reads: &[Read]) -> Self {
        FakeAppTrust {
            inner: Mutex::new(Inner {
                stage: stage.to_string(),
                answers: answers.iter().cloned().collect(),
                reads: reads.iter().cloned().collect(),
                calls: Vec::new(),
            }),
        }
    }

    /// Every call received, in order.
    pub(crate) fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// Where the version is now.
    pub(crate) fn stage(&self) -> String {
        self.lock().stage.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn content_now(stage: &str) -> VersionContent {
        VersionContent {
            version: "1.0.0".into(),
            current_stage: stage.to_string(),
            release_status: String::new(),
            status: "COMPLETED".into(),
            tag: None,
            artifacts: Vec::new(),
        }
    }

    fn hop(&self, call: Call, target: &str) -> Result<HopReply, RemoteError> {
        let mut inner = self.lock();
        inner.calls.push(call.clone());
        let Some(answer) = inner.answers.pop_front() else {
            return Err(not_scripted(&format!("{call:?}")));
        };
        let accepted = || HopReply::Accepted {
            status: "success".into(),
            message: format!("promoted to {target}"),
            evaluations: Vec::new(),
        };
        match answer {
            Answer::Accept => {
                inner.stage = target.to_string();
                Ok(accepted())
            }
            Answer::AcceptNotApplied => Ok(accepted()),
            Answer::Reject(message) => Ok(HopReply::PolicyRejected {
                message: message.to_string(),
                evaluations: vec![Evaluation {
                    gate: "entry_gate".into(),
                    eval_id: String::new(),
                    stage: target.to_string(),
                    decision: "fail".into(),
                    explanation: "critical CVE".into(),
                }],
            }),
            Answer::LostAfterApply(err) => {
                inner.stage = target.to_string();
                Err(err)
            }
            Answer::Fail(err) => Err(err),
            Answer::InProgress { moves_to } => {
                if let Some(stage) = moves_to {
                    inner.stage = stage.to_string();
                }
                Err(status(
                    409,
                    "Promotion already in progress for this application version",
                ))
            }
        }
    }

    fn read(&self) -> Result<VersionContent, RemoteError> {
        let mut inner = self.lock();
        inner.calls.push(Call::Read);
        match inner.reads.pop_front() {
            Some(Read::Fail(err)) => Err(err),
            Some(Read::MovedTo(stage)) => {
                inner.stage = stage.to_string();
                Ok(Self::content_now(stage))
            }
            None => Ok(Self::content_now(&inner.stage)),
        }
    }
}

/// An HTTP error answer of AppTrust.
pub(crate) fn status(code: u16, what: &str) -> RemoteError {
    RemoteError {
        operation: "POST …/promote".into(),
        kind: RemoteErrorKind::Status(code),
        what: format!("HTTP {code}: {what}"),
        hint: String::new(),
    }
}

/// No answer: the request timed out, or the connection dropped.
pub(crate) fn lost(kind: RemoteErrorKind) -> RemoteError {
    RemoteError {
        operation: "POST …/promote".into(),
        kind,
        what: "no answer".into(),
        hint: String::new(),
    }
}

fn not_scripted(what: &str) -> RemoteError {
    RemoteError::decode("fake AppTrust", format!("{what} was not scripted"), "")
}

impl AppTrustApi for FakeAppTrust {
    fn lifecycle(
        &self,
        _project: Option<&str>,
    ) -> impl Future<Output = Result<Lifecycle, RemoteError>> + Send {
        ready(Err(not_scripted("lifecycle")))
    }

    fn newest_version(
        &self,
        _app: &str,
    ) -> impl Future<Output = Result<Option<String>, RemoteError>> + Send {
        ready(Err(not_scripted("newest_version")))
    }

    fn content(
        &self,
        _app: &str,
        _version: &str,
    ) -> impl Future<Output = Result<VersionContent, RemoteError>> + Send {
        ready(self.read())
    }

    fn promote(
        &self,
        _app: &str,
        _version: &str,
        req: &HopRequest,
    ) -> impl Future<Output = Result<HopReply, RemoteError>> + Send {
        let stage = req.target_stage.clone();
        ready(self.hop(Call::Promote(stage.clone()), &stage))
    }

    fn release(
        &self,
        _app: &str,
        _version: &str,
        req: &HopRequest,
    ) -> impl Future<Output = Result<HopReply, RemoteError>> + Send {
        let stage = req.target_stage.clone();
        ready(self.hop(Call::Release(stage.clone()), &stage))
    }

    fn rollback(
        &self,
        _app: &str,
        _version: &str,
        _from_stage: &str,
    ) -> impl Future<Output = Result<RollbackReply, RemoteError>> + Send {
        ready(Err(not_scripted("rollback")))
    }

    fn promotions(
        &self,
        _app: &str,
        _version: &str,
    ) -> impl Future<Output = Result<Vec<PromotionEntry>, RemoteError>> + Send {
        ready(Err(not_scripted("promotions")))
    }

    fn list_versions(
        &self,
        _app: &str,
    ) -> impl Future<Output = Result<Vec<VersionSummary>, RemoteError>> + Send {
        ready(Err(not_scripted("list_versions")))
    }

    fn version_properties(
        &self,
        _app: &str,
        _version: &str,
    ) -> impl Future<Output = Result<BTreeMap<String, Vec<String>>, RemoteError>> + Send {
        ready(Err(not_scripted("version_properties")))
    }

    fn update_version(
        &self,
        _app: &str,
        _version: &str,
        _tag: Option<&str>,
        _properties: &BTreeMap<String, Vec<String>>,
    ) -> impl Future<Output = Result<(), RemoteError>> + Send {
        ready(Err(not_scripted("update_version")))
    }
}

pub(crate) const DEV: &str = "bookverse-DEV";
pub(crate) const QA: &str = "bookverse-QA";
pub(crate) const STAGING: &str = "bookverse-STAGING";
pub(crate) const PROD: &str = "PROD";

pub(crate) fn lifecycle() -> Lifecycle {
    Lifecycle {
        stages: [DEV, QA, STAGING, PROD].map(String::from).to_vec(),
        release_stage: PROD.into(),
        project: Some("bookverse".into()),
    }
}

/// What one walk did.
pub(crate) struct Walked {
    pub(crate) result: Result<(), RemoteError>,
    pub(crate) outcome: Outcome,
    pub(crate) calls: Vec<Call>,
    /// Where the fake says the version is at the end.
    pub(crate) stage: String,
}

/// Walks `path` from `from` against a fake scripted with `answers` and `reads`; `blocked` names
/// a stage whose gates fail, `deferred` one whose window defers the run.
pub(crate) async fn walk(
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
        selection: Default::default(),
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
