//! What the decisions produce: one gate's result and the failing items behind it — the values
//! promotion acts on and every reporter renders (a whole stage's, in `stage_verdict.rs`).

use crate::policy::Gate;

/// Verdict of one gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GateStatus {
    /// Within bounds.
    Pass,
    /// Out of bounds or evidence missing.
    Fail,
    /// Passed with a remark.
    Warn,
    /// Not evaluated (hotfix skip, or a later stage not reached).
    Skip,
}

/// One gate's result, as in the `gates` output plus figures for the summary.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct GateResult {
    /// Full stage name the gate guards.
    pub stage: String,
    /// Gate name.
    pub gate: String,
    /// Gate kind (`junit`, `coverage`, …).
    pub kind: String,
    /// Verdict.
    pub status: GateStatus,
    /// One-line reason.
    pub detail: String,
    /// Measured figure, human readable.
    #[serde(skip)]
    pub figure: String,
    /// Threshold, human readable.
    #[serde(skip)]
    pub threshold: String,
}

impl GateResult {
    /// A policy gate's row at `stage`: its name and kind from the policy, with `status`; the
    /// caller fills in the figure, threshold and reason.
    pub(crate) fn of(stage: &str, gate: &Gate, status: GateStatus) -> Self {
        GateResult {
            stage: stage.to_string(),
            gate: gate.name.clone(),
            kind: gate.spec.kind().to_string(),
            status,
            detail: String::new(),
            figure: String::new(),
            threshold: String::new(),
        }
    }
}

/// How loud a failing item is: the level of the annotation that shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A failed test, or a finding that fails its gate: `::error`.
    Error,
    /// A SARIF `warning` result within its bounds: `::warning`.
    Warning,
    /// A SARIF `note` (or `none`) result within its bounds: `::notice`.
    Notice,
}

/// A failing item worth showing (test, finding), for annotations and collapsed details.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// `test` or `finding`.
    pub category: &'static str,
    /// The annotation level it is shown at.
    pub severity: Severity,
    /// Test name or rule id.
    pub title: String,
    /// Message.
    pub message: String,
    /// Repository-relative file.
    pub file: Option<String>,
    /// Line.
    pub line: Option<u32>,
}

/// One evidence record as an `evidence` gate judged it, for the summary's evidence table.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct EvidenceRow {
    /// Full stage name of the gate.
    pub(crate) stage: String,
    /// Gate name.
    pub(crate) gate: String,
    /// in-toto predicate type.
    pub(crate) predicate_type: String,
    /// Who signed it: key alias (the DSSE `keyid`) and the fingerprint of the key that verified
    /// it, or what is known when nothing verified.
    pub(crate) signer: String,
    /// `pass` (counts for the gate), `warn` (failed, but another record of the type passed),
    /// `fail`.
    pub(crate) status: GateStatus,
    /// `verified`, `verified by JFrog`, `accepted unverified`, or why it failed: `missing`,
    /// `unsigned`, `bad signature`, `unknown key`, `wrong subject`, `condition failed`, …
    pub(crate) verdict: String,
    /// The reason in full.
    pub(crate) reason: String,
}
