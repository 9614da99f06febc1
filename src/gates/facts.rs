//! What was gathered for the decisions: the facts every gate, approval and window check reads.
//!
//! Readers (report files) and clients (AppTrust, GitHub) produce these values; `gates` consumes
//! them without doing any I/O. A fact that could not be gathered is
//! [`Fact::Unavailable`] with the reason, so the decision fails naming it.

pub(crate) use crate::github::reads::{Approval, CheckRun};
use crate::reports::{BenchSummary, CoverageSummary, SarifSummary, TestSummary};

/// What was gathered for one gate.
#[derive(Debug, Clone)]
pub(crate) enum Fact {
    /// Test-result totals (every format the `tests` gate reads).
    Tests(TestSummary),
    /// Coverage totals.
    Coverage(CoverageSummary),
    /// SARIF totals.
    Sarif(SarifSummary),
    /// Benchmark figures.
    Benchmark(BenchSummary),
    /// The number found at the JSON pointer.
    Json(f64),
    /// Facts about the version's content.
    Integrity(IntegrityFacts),
    /// The evidence attached to the version in JFrog, with this gate's `signed-by` keys.
    Attached(AttachedFacts),
    /// Attestations verified for an `attestations` gate.
    Attestations(crate::gates::AttestationFacts),
    /// Check runs on the commit: (name, status, conclusion).
    Checks(Vec<CheckRun>),
    /// How long the version has been in the stage before (`bake`).
    Bake(crate::monitoring::BakeFacts),
    /// A Prometheus-compatible API's answer (`prometheus`).
    Metric(crate::monitoring::MetricFacts),
    /// A health endpoint's answer (`health`).
    Health(crate::monitoring::HealthFacts),
    /// The fact could not be gathered; the reason names the file or system and the fix.
    Unavailable(String),
}

/// What the integrity gate needs to know.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct IntegrityFacts {
    /// Content status (`COMPLETED`, …).
    pub(crate) status: String,
    /// Number of artifacts.
    pub(crate) artifacts: usize,
    /// Artifacts without a sha256.
    pub(crate) missing_sha: Vec<String>,
    /// Local files checked against the content.
    pub(crate) local_checked: usize,
    /// Local files whose sha256 is not in the content: (file, sha256).
    pub(crate) local_mismatches: Vec<(String, String)>,
}

/// The evidence records attached to the version's manifest, as one gate judged them while they
/// were read: each record's verdict and what the summary shows of it, never its file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AttachedFacts {
    /// The subject, `repo/path/name` of the version manifest.
    pub(crate) subject: String,
    /// The manifest's sha256 (from Artifactory): what every record's statement must be about.
    pub(crate) manifest_sha256: String,
    /// How many records are attached, of every type.
    pub(crate) total_records: usize,
    /// Every record of a type the gate requires, in JFrog's order, judged as it arrived.
    pub(crate) records: Vec<JudgedRecord>,
}

/// One record as a gate judged it: whether it can be trusted, and what its `where` conditions
/// said. The file itself was dropped once judged.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JudgedRecord {
    /// in-toto predicate type (as JFrog lists it).
    pub(crate) predicate_type: String,
    /// Where its file is, under `/artifactory/`.
    pub(crate) download_path: String,
    /// When JFrog says it was attached (`createdAt`, as written).
    pub(crate) created_at: String,
    /// Who signed it, as shown: key alias and fingerprint, or what is known.
    pub(crate) signer: String,
    /// Whether it counts: its signature verified (or `allow-unverified` accepted it), and its
    /// statement is about this manifest and of its listed type.
    pub(crate) trusted: bool,
    /// `verified`, `verified by JFrog`, `accepted unverified`, or why it does not count.
    pub(crate) verdict: String,
    /// The verdict in full.
    pub(crate) reason: String,
    /// The `where` conditions of its type on its predicate: how many held, or why one did not;
    /// `None` when not checked (the record is not trusted, or its type has no conditions).
    pub(crate) conditions: Option<Result<usize, String>>,
}

/// Facts read from GitHub for the gates.
#[derive(Debug, Clone)]
pub(crate) struct GitHubFacts {
    /// Check runs on the commit (or why they could not be read).
    pub(crate) checks: Fact,
    /// Approvals of this run (or why they could not be read).
    pub(crate) approvals: Result<Vec<Approval>, String>,
}

impl Default for GitHubFacts {
    fn default() -> Self {
        GitHubFacts {
            checks: Fact::Unavailable("check runs were not read".into()),
            approvals: Err("approvals were not read".into()),
        }
    }
}

/// One evidence record as JFrog lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct EvidenceRecord {
    /// Where its file is, under `/artifactory/`.
    pub download_path: String,
    /// in-toto predicate type.
    pub(crate) predicate_type: String,
    /// JFrog's short name of the predicate type.
    pub(crate) predicate_slug: String,
    /// JFrog's own verdict on the signature (checked against its trusted keys).
    pub(crate) verified: bool,
    /// Who attached it.
    pub(crate) created_by: String,
    /// When (as JFrog wrote it).
    pub(crate) created_at: String,
    /// The subject sha256 the record was attached to.
    pub(crate) subject_sha256: String,
    /// Alias of the key JFrog matched, when any.
    pub signing_key_alias: Option<String>,
}
