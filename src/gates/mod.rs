//! Gates: pure decisions from facts already gathered.
//!
//! `evaluate_in(stage, gate, fact, ctx)` ([`evaluate`]) compares one gate's figures with its
//! thresholds and says pass or fail, with the figure, the threshold and a one-line reason; this
//! file holds the words and shapes every gate family shares. No I/O happens here (no
//! files, no network, no clock): the report readers ([`crate::reports`]) and the clients gather
//! each gate's [`Fact`](facts::Fact) first ([`facts`]).
//! One module per family of gate ([`regressions`]: the tests gate's quarantine, flaky tests and
//! regressions against a baseline, [`failing_tests`]: a run's failing tests as our attestation
//! records them); [`stage`] adds windows, freezes, approvals and hotfix rules;
//! [`emergency_stop`] decides the repository-wide emergency stop; [`readiness`] whether AppTrust would
//! promote the version at all.
//! Missing evidence is a failure, never a pass.

pub(crate) mod attestations;
pub(crate) mod bake;
mod checks;
mod coverage;
pub(crate) mod emergency_stop;
mod evaluate;
mod evidence;
pub(crate) mod evidence_record;
pub(crate) mod facts;
pub(crate) mod failing_tests;
mod live;
#[cfg(test)]
mod live_tests;
mod measures;
pub(crate) mod readiness;
pub(crate) mod regressions;
mod sarif;
pub(crate) mod stage;
mod stage_verdict;
mod verdict;
pub(crate) mod verify;
mod version;

pub(crate) use attestations::{AttestationFacts, AttestationRow, SubjectCheck};
#[cfg(test)]
pub(crate) use evaluate::evaluate;
pub(crate) use evaluate::evaluate_in;
pub(crate) use regressions::{Baseline, GateContext, TestsReport};
pub(crate) use stage_verdict::StageVerdict;
pub(crate) use verdict::EvidenceRow;
pub use verdict::{Finding, GateResult, GateStatus, Severity};

use crate::policy::{Gate, GateSpec};

/// One gate's verdict plus the failures worth showing.
#[derive(Debug, Clone)]
pub(crate) struct GateEval {
    /// The result row.
    pub(crate) result: GateResult,
    /// Failing tests / findings behind it (first ones).
    pub(crate) findings: Vec<Finding>,
    /// All failing items.
    pub(crate) findings_total: usize,
    /// Evidence records judged (evidence gates only).
    pub(crate) evidence: Vec<EvidenceRow>,
    /// Artifacts or records whose attestations were verified (attestations gates only).
    pub(crate) attestations: Vec<AttestationRow>,
    /// Remarks that do not fail the gate.
    pub(crate) warnings: Vec<String>,
    /// What a tests gate found beyond its counts (quarantine, flaky, regressions).
    pub(crate) tests: Option<TestsReport>,
}

pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(crate) fn pct(p: f64) -> String {
    format!("{p:.1} %")
}

impl From<GateResult> for GateEval {
    /// A verdict with nothing behind it: no findings, records, attestations or warnings.
    fn from(result: GateResult) -> Self {
        GateEval {
            result,
            findings: Vec::new(),
            findings_total: 0,
            evidence: Vec::new(),
            attestations: Vec::new(),
            warnings: Vec::new(),
            tests: None,
        }
    }
}

/// A gate marked skipped (hotfix, or evaluation not reached).
pub(crate) fn skipped(stage: &str, gate: &Gate, why: &str) -> GateEval {
    GateEval::from(GateResult {
        detail: why.to_string(),
        figure: "—".into(),
        threshold: "—".into(),
        ..GateResult::of(stage, gate, GateStatus::Skip)
    })
}

/// The figure of a gate that had nothing to judge (its fact could not be gathered); the
/// reason is its detail.
pub(crate) const NO_EVIDENCE: &str = "no evidence";

/// `1 test`, `2 tests`: a count and its noun, pluralised in English.
pub(crate) fn plural(n: u64, noun: &str) -> String {
    format!("{} {noun}{}", thousands(n), if n == 1 { "" } else { "s" })
}

pub(crate) type Decision = (GateStatus, String, String, String, Vec<Finding>, usize);

pub(crate) fn pass_fail(ok: bool) -> GateStatus {
    if ok {
        GateStatus::Pass
    } else {
        GateStatus::Fail
    }
}

pub(crate) fn threshold_of(spec: &GateSpec) -> String {
    match spec {
        GateSpec::Junit {
            max_failures,
            min_tests,
            ..
        } => format!("failures ≤ {max_failures} · tests ≥ {min_tests}"),
        GateSpec::Coverage {
            min_line,
            min_branch,
            ..
        } => {
            let mut parts = Vec::new();
            if let Some(l) = min_line {
                parts.push(format!("line ≥ {l} %"));
            }
            if let Some(b) = min_branch {
                parts.push(format!("branch ≥ {b} %"));
            }
            parts.join(" · ")
        }
        GateSpec::Sarif {
            max_level,
            max_severity,
            ..
        } => {
            let mut parts = Vec::new();
            for (name, v) in [
                ("error", max_level.error),
                ("warning", max_level.warning),
                ("note", max_level.note),
            ] {
                if let Some(v) = v {
                    parts.push(format!("{name} ≤ {v}"));
                }
            }
            for (name, v) in [
                ("critical", max_severity.critical),
                ("high", max_severity.high),
                ("medium", max_severity.medium),
                ("low", max_severity.low),
            ] {
                if let Some(v) = v {
                    parts.push(format!("{name} ≤ {v}"));
                }
            }
            parts.join(" · ")
        }
        GateSpec::Checks { required, .. } => format!("success: {}", required.join(", ")),
        GateSpec::Benchmark { metric, max, .. } => format!("{metric} ≤ {max}"),
        GateSpec::Json { max, min, .. } => match (min, max) {
            (Some(a), Some(b)) => format!("{a} ≤ value ≤ {b}"),
            (Some(a), None) => format!("≥ {a}"),
            (None, Some(b)) => format!("≤ {b}"),
            (None, None) => String::new(),
        },
        GateSpec::Integrity { files } if files.is_empty() => {
            "COMPLETED, every artifact has a sha256".into()
        }
        GateSpec::Integrity { .. } => "COMPLETED, sha256 present and matching local files".into(),
        GateSpec::Evidence { required, .. } => required.join(", "),
        GateSpec::Attestations {
            predicate_type,
            subjects,
            identity,
            ..
        } => attestations::threshold(predicate_type, *subjects, identity),
        GateSpec::Bake { min } => format!("≥ {}", crate::policy::human_duration(*min)),
        GateSpec::Prometheus(g) => live::bounds_text(g.min, g.max),
        GateSpec::Health(g) => live::health_threshold(g),
    }
}

#[cfg(test)]
mod tests;
