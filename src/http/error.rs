//! The error every remote call returns, and the per-system advice that words it.
//!
//! One type for AppTrust, Artifactory, evidence and GitHub calls: which call, which class of
//! failure (so callers know whether a mutation may have taken effect), what happened and what to
//! do. The "what to do" differs per system, so each client passes its [`Advice`].

use std::time::Duration;

/// A failed call to a remote system: which call, what happened, what to do.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
#[error("{operation} failed: {what}{hint}")]
pub struct RemoteError {
    /// `METHOD path`, never with credentials.
    pub(crate) operation: String,
    /// The failure class.
    pub kind: RemoteErrorKind,
    /// Human description (status and server message, or transport error).
    pub(crate) what: String,
    /// Advice prefixed with "; " (or empty).
    pub(crate) hint: String,
}

/// Failure classes, used for retries and for deciding whether a POST may have taken effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteErrorKind {
    /// The server answered with this non-success status.
    Status(u16),
    /// No answer: connection refused, reset, or TLS failure.
    Transport,
    /// No answer in time.
    Timeout,
    /// An answer that is not what the API documents.
    Decode,
    /// A bound the action sets (minimum transfer rate, byte budget) cut the answer short; sent
    /// again it would be cut again, so it is not retried.
    Limit,
}

impl RemoteError {
    /// A failure of `kind` in call `operation`: what happened, and the advice (prefixed with
    /// "; ", or empty).
    pub(crate) fn new(
        kind: RemoteErrorKind,
        operation: impl Into<String>,
        what: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        RemoteError {
            operation: operation.into(),
            kind,
            what: what.into(),
            hint: hint.into(),
        }
    }

    /// A transport-level failure with the given advice.
    pub(crate) fn transport(
        operation: impl Into<String>,
        what: impl Into<String>,
        hint: &str,
    ) -> Self {
        Self::new(RemoteErrorKind::Transport, operation, what, hint)
    }

    /// An answer that is not the documented shape.
    pub(crate) fn decode(
        operation: impl Into<String>,
        what: impl Into<String>,
        hint: &str,
    ) -> Self {
        Self::new(RemoteErrorKind::Decode, operation, what, hint)
    }

    /// Whether the request may have reached the server and taken effect even though no
    /// complete answer came back (so a mutation must be verified by re-reading, not retried).
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self.kind,
            RemoteErrorKind::Transport
                | RemoteErrorKind::Timeout
                | RemoteErrorKind::Decode
                | RemoteErrorKind::Limit
        ) || matches!(self.kind, RemoteErrorKind::Status(s) if s >= 500)
    }

    /// Whether AppTrust reported a promotion of this version already running.
    pub(crate) fn in_progress(&self) -> bool {
        matches!(self.kind, RemoteErrorKind::Status(409))
            && self.what.to_ascii_lowercase().contains("in progress")
    }

    /// The HTTP status, when the server answered.
    pub(crate) fn status(&self) -> Option<u16> {
        match self.kind {
            RemoteErrorKind::Status(s) => Some(s),
            _ => None,
        }
    }
}

/// How one remote system words its failures: the advice appended to each class of error.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Advice {
    /// No connection or a TLS failure.
    pub(crate) transport: &'static str,
    /// No answer within the timeout.
    pub(crate) timeout: &'static str,
    /// The connection broke while the answer was read.
    pub(crate) broken: &'static str,
    /// The server asked to wait longer than the action waits; `{secs}` is replaced.
    pub(crate) wait_too_long: &'static str,
    /// Advice per non-success status.
    pub(crate) status: fn(u16) -> &'static str,
}

impl Advice {
    /// The advice for a server that asked to wait `wait`.
    pub(crate) fn wait_hint(&self, wait: Duration) -> String {
        self.wait_too_long
            .replace("{secs}", &wait.as_secs().to_string())
    }
}

/// Advice for GitHub-side calls; the callers word permissions per feature themselves.
pub(crate) const NO_ADVICE: Advice = Advice {
    transport: "",
    timeout: "",
    broken: "",
    wait_too_long: "",
    status: |_| "",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_unknown_classifies_every_kind() {
        let e = |kind| RemoteError {
            operation: "POST /x".into(),
            kind,
            what: String::new(),
            hint: String::new(),
        };
        let table = [
            (RemoteErrorKind::Transport, true),
            (RemoteErrorKind::Timeout, true),
            (RemoteErrorKind::Decode, true),
            (RemoteErrorKind::Status(502), true),
            (RemoteErrorKind::Status(409), false),
            (RemoteErrorKind::Status(404), false),
        ];
        for (kind, unknown) in table {
            assert_eq!(e(kind).outcome_unknown(), unknown, "{kind:?}");
        }
        assert_eq!(e(RemoteErrorKind::Status(409)).status(), Some(409));
        assert_eq!(e(RemoteErrorKind::Timeout).status(), None);
    }
}
