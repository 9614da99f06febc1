//! What the gate checker says about entering one stage: every gate's result with the rows the
//! gate families add (evidence records, attestations, the tests gate's report). Apart from
//! `verdict.rs`, whose one-gate values the families build on, so that no family and this
//! aggregate import each other.

use super::attestations::AttestationRow;
use super::regressions::TestsReport;
use super::verdict::{EvidenceRow, Finding, GateResult};

/// What the gate checker says about entering one stage.
#[derive(Debug, Clone, Default)]
pub(crate) struct StageVerdict {
    /// Gate results for the stage.
    pub(crate) gates: Vec<GateResult>,
    /// Failing tests and findings behind failed gates.
    pub(crate) findings: Vec<Finding>,
    /// Total failing items (may exceed `findings`).
    pub(crate) findings_total: usize,
    /// Set when a closed window defers a scheduled run: the reason and next opening.
    pub(crate) deferred: Option<String>,
    /// Evidence records judged by the stage's `evidence` gates.
    pub(crate) evidence: Vec<EvidenceRow>,
    /// Artifacts and records whose attestations the stage's `attestations` gates verified.
    pub(crate) attestations: Vec<AttestationRow>,
    /// Remarks that do not fail a gate (a bad evidence record beside a good one).
    pub(crate) warnings: Vec<String>,
    /// What the stage's tests gates found beyond their counts.
    pub(crate) tests: Vec<TestsReport>,
}
