//! One hop and the truth about it: send `/promote` or `/release`, wait out another run's
//! promotion, and re-read the version after every answer — never re-send one that may have been
//! applied.

use std::time::Instant;

use super::outcome::Hop;
use super::walker::Walk;
use crate::http::{RemoteError, RemoteErrorKind};
use crate::jfrog::apptrust::{AppTrustApi, HopReply, HopRequest, VersionContent};
use crate::lifecycle::HopAction;

/// How one hop ended.
pub(super) enum HopEnd {
    /// Applied and verified by re-reading: the version is in the hop's stage.
    Done,
    /// Another run moved the version: it is at or past this hop's stage, as re-read.
    /// `applied`: this run's request was accepted too (it moved on since).
    Moved {
        /// The content as re-read.
        now: VersionContent,
        /// Whether this run's own request was applied.
        applied: bool,
    },
    /// AppTrust's policy refused it (evaluations and message are on the hop).
    Rejected,
    /// Not applied, or not verifiably; the content if it was re-read.
    Failed(RemoteError, Option<VersionContent>),
    /// AppTrust answered success (sent with async=false, so the promotion is done), but the
    /// version could not be re-read to confirm it.
    Unconfirmed(RemoteError),
}

/// What sending a hop led to.
enum Sent {
    /// AppTrust's answer to this run's request.
    Reply(HopReply),
    /// While this run waited out another promotion, that one took the version to (or past) the
    /// stage: nothing of this run's was applied.
    MovedByOther(VersionContent),
}

impl<A: AppTrustApi> Walk<'_, A> {
    /// Sends one hop and learns the truth about it: on success the version is re-read and must
    /// be in the stage; when the answer was lost (timeout, dropped connection, 5xx) or another
    /// promotion was running, the version is re-read instead of re-sending the request.
    pub(super) async fn apply_hop(&self, action: HopAction, stage: &str, hop: &mut Hop) -> HopEnd {
        let request = HopRequest {
            target_stage: stage.to_string(),
            promotion_type: self.options.promotion_type.clone(),
            selection: self.options.selection.clone(),
        };
        let reply = match self.send_hop(action, &request).await {
            Ok(Sent::Reply(reply)) => reply,
            Ok(Sent::MovedByOther(now)) => {
                return HopEnd::Moved {
                    now,
                    applied: false,
                };
            }
            Err(err) => {
                let lost = err.what.clone();
                let end = self.learn_after_error(stage, err).await;
                if matches!(end, HopEnd::Done) {
                    hop.message = format!(
                        "the answer was lost ({lost}), but re-reading the version shows it reached {}",
                        self.lifecycle.display(stage)
                    );
                }
                return end;
            }
        };
        match reply {
            HopReply::Accepted {
                message,
                evaluations,
                ..
            } => {
                hop.evaluations = evaluations;
                hop.message = message;
            }
            HopReply::PolicyRejected {
                message,
                evaluations,
            } => {
                hop.evaluations = evaluations;
                hop.message = if message.is_empty() {
                    "AppTrust's policy refused the promotion".into()
                } else {
                    message
                };
                return HopEnd::Rejected;
            }
        }
        // AppTrust answered success: the version must now be in the stage.
        match self.api.content(self.app, self.version).await {
            Ok(now) if now.current_stage == stage => HopEnd::Done,
            Ok(now) if self.lifecycle.reached(&now.current_stage, stage) => {
                HopEnd::Moved { now, applied: true }
            }
            Ok(now) => {
                let err = self.not_there(action, stage, &now);
                HopEnd::Failed(err, Some(now))
            }
            Err(err) => HopEnd::Unconfirmed(err),
        }
    }

    /// AppTrust accepted the hop into `stage`, but the version, re-read, is still in `now`.
    fn not_there(&self, action: HopAction, stage: &str, now: &VersionContent) -> RemoteError {
        RemoteError {
            operation: format!(
                "POST …/{}",
                if action == HopAction::Release {
                    "release"
                } else {
                    "promote"
                }
            ),
            kind: RemoteErrorKind::Decode,
            what: format!(
                "AppTrust accepted the promotion to {} but the version is still in {}",
                self.lifecycle.display(stage),
                if now.current_stage.is_empty() {
                    "no stage"
                } else {
                    self.lifecycle.display(&now.current_stage)
                }
            ),
            hint: "; check the version in JFrog; a re-run resumes from its current stage".into(),
        }
    }

    /// What became of an error answer, learnt by re-reading the version (never by re-sending):
    /// a lost answer (timeout, dropped connection, 5xx) may have been applied, and a conflict
    /// means another run may have moved the version.
    async fn learn_after_error(&self, stage: &str, err: RemoteError) -> HopEnd {
        let conflict = err.status() == Some(409);
        if !err.outcome_unknown() && !conflict {
            return HopEnd::Failed(err, None);
        }
        match self.api.content(self.app, self.version).await {
            Ok(now) if err.outcome_unknown() && now.current_stage == stage => HopEnd::Done,
            Ok(now) if self.lifecycle.reached(&now.current_stage, stage) => HopEnd::Moved {
                now,
                applied: false,
            },
            Ok(now) => HopEnd::Failed(err, Some(now)),
            Err(_) => HopEnd::Failed(err, None),
        }
    }

    /// Sends one promote/release; waits out "promotion already in progress" (bounded) and sends
    /// again once it clears, because that answer means nothing was applied for this request.
    async fn send_hop(&self, action: HopAction, request: &HopRequest) -> Result<Sent, RemoteError> {
        let deadline = Instant::now() + self.options.in_progress_wait;
        loop {
            let reply = match action {
                HopAction::Release => self.api.release(self.app, self.version, request).await,
                _ => self.api.promote(self.app, self.version, request).await,
            };
            match reply {
                Err(e) if e.in_progress() => {
                    if Instant::now() >= deadline {
                        return Err(RemoteError {
                            hint: format!(
                                "; another promotion of this version was still running after {} s — wait for it to finish in JFrog, then re-run",
                                self.options.in_progress_wait.as_secs()
                            ),
                            ..e
                        });
                    }
                    tokio::time::sleep(self.options.poll).await;
                    if let Ok(now) = self.api.content(self.app, self.version).await {
                        if self
                            .lifecycle
                            .reached(&now.current_stage, &request.target_stage)
                        {
                            return Ok(Sent::MovedByOther(now));
                        }
                    }
                }
                other => return other.map(Sent::Reply),
            }
        }
    }
}

#[cfg(test)]
#[path = "hop_tests.rs"]
mod tests;
