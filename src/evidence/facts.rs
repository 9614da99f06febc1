//! What was gathered for the decisions: the facts every gate, approval and window check reads.
//!
//! Readers (report files) and clients (AppTrust, GitHub) produce these values; `gates` consumes
//! them without doing any I/O. A fact that could not be gathered is
//! [`Evidence::Unavailable`] with the reason, so the decision fails naming it.

use crate::evidence::{BenchSummary, CoverageSummary, JunitSummary, SarifSummary};

/// What was gathered for one gate.
#[derive(Debug, Clone)]
pub enum Evidence {
    /// JUnit totals.
    Junit(JunitSummary),
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
    /// Predicate types of the evidence attached to the version.
    EvidenceTypes(Vec<String>),
    /// Check runs on the commit: (name, status, conclusion).
    Checks(Vec<CheckRun>),
    /// The evidence could not be gathered; the reason names the file or system and the fix.
    Unavailable(String),
}

/// One GitHub check run, reduced to what the gate reads.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRun {
    /// Check name.
    pub name: String,
    /// `queued`, `in_progress`, `completed`.
    pub status: String,
    /// `success`, `failure`, `neutral`, `skipped`, … (empty while running).
    pub conclusion: String,
}

/// What the integrity gate needs to know.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IntegrityFacts {
    /// Content status (`COMPLETED`, …).
    pub status: String,
    /// Number of artifacts.
    pub artifacts: usize,
    /// Artifacts without a sha256.
    pub missing_sha: Vec<String>,
    /// Local files checked against the content.
    pub local_checked: usize,
    /// Local files whose sha256 is not in the content: (file, sha256).
    pub local_mismatches: Vec<(String, String)>,
}

/// One approval of a run's environment gate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Approval {
    /// Reviewer login.
    pub user: String,
    /// `approved` or `rejected`.
    pub state: String,
    /// Environments the review covered.
    pub environments: Vec<String>,
    /// Reviewer comment.
    pub comment: String,
}

/// Facts read from GitHub for the gates.
#[derive(Debug, Clone)]
pub struct GitHubFacts {
    /// Check runs on the commit (or why they could not be read).
    pub checks: Evidence,
    /// Approvals of this run (or why they could not be read).
    pub approvals: Result<Vec<Approval>, String>,
}

impl Default for GitHubFacts {
    fn default() -> Self {
        GitHubFacts {
            checks: Evidence::Unavailable("check runs were not read".into()),
            approvals: Err("approvals were not read".into()),
        }
    }
}
