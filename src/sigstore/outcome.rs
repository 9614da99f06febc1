//! What verifying one bundle ends in: [`Verified`] (what the summary shows about who built it) or
//! [`Failure`] (one distinct reason per way it can fail, worded for the summary).

use jiff::Timestamp;
use serde::Serialize;

/// A bundle that passed every check: the facts its certificate and proofs vouch for.
///
/// Every `Option` is `None` when the certificate does not carry that claim (a certificate issued
/// to a person, or GitHub's release-attestation signer, has no workflow claims).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Verified {
    /// The trusted root the certificate chains to: `public-good`, `github`, or the name of a root
    /// from the user's `trusted-root` file.
    pub instance: String,
    /// The bundle's media type.
    pub(crate) media_type: String,
    /// OIDC issuer the certificate was issued for (`https://token.actions.githubusercontent.com`).
    pub(crate) issuer: String,
    /// The certificate's subject alternative name, as issued.
    pub san: String,
    /// The workflow that signed, `owner/repo/.github/workflows/file.yml@ref` (host dropped for
    /// github.com).
    pub signer_workflow: Option<String>,
    /// The repository the signing workflow lives in, `owner/repo`.
    pub(crate) signer_repo: Option<String>,
    /// The repository the artifact was built from, `owner/repo`.
    pub(crate) source_repo: Option<String>,
    /// The ref the artifact was built from (`refs/heads/main`).
    pub(crate) source_ref: Option<String>,
    /// The commit the artifact was built from.
    pub(crate) source_commit: Option<String>,
    /// `github-hosted` or `self-hosted`.
    pub(crate) runner: Option<String>,
    /// The in-toto statement's predicate type; `None` for a message-signature bundle.
    pub(crate) predicate_type: Option<String>,
    /// What proved the signing time.
    pub proof_of_time: ProofOfTime,
}

/// The verified signing time and what vouched for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ProofOfTime {
    /// A transparency-log entry with a verified inclusion proof and signed entry timestamp.
    LogEntry {
        log_index: u64,
        integrated_time: Timestamp,
    },
    /// One or more RFC 3161 timestamps from a trusted timestamp authority; the earliest is kept.
    Timestamp { time: Timestamp },
}

impl std::fmt::Display for ProofOfTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::LogEntry {
                log_index,
                integrated_time,
            } => {
                write!(f, "log index {log_index} ({integrated_time})")
            }
            Self::Timestamp { time } => write!(f, "timestamp {time}"),
        }
    }
}

/// Why a bundle did not pass. Each variant is one reason the summary names; the text after the
/// reason says what was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// No signature at all: no bundle for the artifact, or an envelope with no signatures.
    #[error("unsigned: {0}")]
    Unsigned(String),
    /// The signature does not verify with the certificate's key (tampered content or key).
    #[error("bad signature: {0}")]
    BadSignature(String),
    /// The certificate does not chain to a trusted root, lacks code signing, or has no valid SCT.
    #[error("chain: {0}")]
    Chain(String),
    /// Nothing trusted proves when it was signed: a missing or broken inclusion proof, signed
    /// entry timestamp or RFC 3161 timestamp.
    #[error("no proof of time: {0}")]
    NoProofOfTime(String),
    /// The proven signing time is outside the certificate's validity.
    #[error("expired at signing: {0}")]
    ExpiredAtSigning(String),
    /// The bundle verifies but was signed by someone the policy does not name.
    #[error("identity mismatch: {0}")]
    IdentityMismatch(Mismatch),
    /// The statement (or message digest) is about another artifact.
    #[error("wrong subject: {0}")]
    WrongSubject(String),
    /// The statement is not the kind of attestation the policy asks for.
    #[error("wrong predicate type: {found}, policy wants {wanted}")]
    WrongPredicateType { found: String, wanted: String },
    /// A media type that is not Sigstore bundle v0.1, v0.2 or v0.3.
    #[error("unknown bundle version: media type {0:?} (known: bundle v0.1, v0.2, v0.3)")]
    UnknownBundleVersion(String),
    /// Not a Sigstore bundle at all, or a malformed one.
    #[error("unreadable bundle: {0}")]
    Unreadable(String),
}

/// The short name of a [`Failure`], for tables and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Reason {
    Unsigned,
    BadSignature,
    Chain,
    NoProofOfTime,
    ExpiredAtSigning,
    IdentityMismatch,
    WrongSubject,
    WrongPredicateType,
    UnknownBundleVersion,
    Unreadable,
}

impl Reason {
    /// The words the summary uses: `bad signature`, `no proof of time`, …
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Unsigned => "unsigned",
            Self::BadSignature => "bad signature",
            Self::Chain => "chain",
            Self::NoProofOfTime => "no proof of time",
            Self::ExpiredAtSigning => "expired at signing",
            Self::IdentityMismatch => "identity mismatch",
            Self::WrongSubject => "wrong subject",
            Self::WrongPredicateType => "wrong predicate type",
            Self::UnknownBundleVersion => "unknown bundle version",
            Self::Unreadable => "unreadable bundle",
        }
    }
}

impl Failure {
    /// Which of the reasons this is.
    pub(crate) fn reason(&self) -> Reason {
        match self {
            Self::Unsigned(_) => Reason::Unsigned,
            Self::BadSignature(_) => Reason::BadSignature,
            Self::Chain(_) => Reason::Chain,
            Self::NoProofOfTime(_) => Reason::NoProofOfTime,
            Self::ExpiredAtSigning(_) => Reason::ExpiredAtSigning,
            Self::IdentityMismatch(_) => Reason::IdentityMismatch,
            Self::WrongSubject(_) => Reason::WrongSubject,
            Self::WrongPredicateType { .. } => Reason::WrongPredicateType,
            Self::UnknownBundleVersion(_) => Reason::UnknownBundleVersion,
            Self::Unreadable(_) => Reason::Unreadable,
        }
    }
}

/// One identity field that differs: what the certificate says and what the policy wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The policy key, as written in the policy file (`signer-workflow`, `source-ref`, …).
    pub(crate) field: &'static str,
    /// What the certificate says; `None` when it does not carry the claim.
    pub(crate) found: Option<String>,
    /// What the policy asks for.
    pub(crate) wanted: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.found {
            Some(found) => write!(f, "{} is {found}, policy wants {}", self.field, self.wanted),
            None => write!(
                f,
                "{} is not in the certificate, policy wants {}",
                self.field, self.wanted
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatch_reads_as_the_issue_words_it() {
        let m = Mismatch {
            field: "signer-workflow",
            found: Some("acme/tools/.github/workflows/x.yml@refs/heads/main".into()),
            wanted: "bookverse/inventory/.github/workflows/release.yml".into(),
        };
        assert_eq!(
            Failure::IdentityMismatch(m).to_string(),
            "identity mismatch: signer-workflow is acme/tools/.github/workflows/x.yml@refs/heads/main, \
             policy wants bookverse/inventory/.github/workflows/release.yml"
        );
        let absent = Mismatch {
            field: "runner",
            found: None,
            wanted: "github-hosted".into(),
        };
        assert_eq!(
            absent.to_string(),
            "runner is not in the certificate, policy wants github-hosted"
        );
    }

    #[test]
    fn every_reason_has_its_own_words() {
        let all = [
            Reason::Unsigned,
            Reason::BadSignature,
            Reason::Chain,
            Reason::NoProofOfTime,
            Reason::ExpiredAtSigning,
            Reason::IdentityMismatch,
            Reason::WrongSubject,
            Reason::WrongPredicateType,
            Reason::UnknownBundleVersion,
            Reason::Unreadable,
        ];
        let words: std::collections::HashSet<_> = all.iter().map(|r| r.as_str()).collect();
        assert_eq!(words.len(), all.len());
    }
}
