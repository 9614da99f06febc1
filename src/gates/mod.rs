//! Gates: pure decisions from facts already gathered.
//!
//! `evaluate(stage, gate, fact)` compares one gate's figures with its thresholds and says
//! pass or fail, with the figure, the threshold and a one-line reason. No I/O happens here (no
//! files, no network, no clock): the report readers ([`crate::reports`]) and the clients gather
//! each gate's [`Fact`] first ([`facts`]).
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
mod verdict;
pub(crate) mod verify;
mod version;

pub(crate) use attestations::{AttestationFacts, AttestationRow, SubjectCheck};
pub(crate) use regressions::{Baseline, GateContext, TestsReport};
pub(crate) use verdict::{EvidenceRow, StageVerdict};
pub use verdict::{Finding, GateResult, GateStatus, Severity};

use crate::gates::facts::Fact;
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

/// A gate marked skipped (hotfix, or evaluation not reached).
pub(crate) fn skipped(stage: &str, gate: &Gate, why: &str) -> GateEval {
    GateEval {
        result: GateResult {
            stage: stage.to_string(),
            gate: gate.name.clone(),
            kind: gate.spec.kind().to_string(),
            status: GateStatus::Skip,
            detail: why.to_string(),
            figure: "—".into(),
            threshold: "—".into(),
        },
        findings: Vec::new(),
        findings_total: 0,
        evidence: Vec::new(),
        attestations: Vec::new(),
        warnings: Vec::new(),
        tests: None,
    }
}

/// Decides one gate at a fixed instant (2026-01-01) without a baseline, for tests.
#[cfg(test)]
pub(crate) fn evaluate(stage: &str, gate: &Gate, fact: &Fact) -> GateEval {
    let ctx = GateContext {
        now: jiff::Timestamp::from_second(1_767_225_600).unwrap_or_default(),
        baseline: None,
    };
    evaluate_in(stage, gate, fact, ctx)
}

/// Decides one gate; `ctx` is the instant (quarantine expiry) and a tests gate's baseline.
pub(crate) fn evaluate_in(stage: &str, gate: &Gate, fact: &Fact, ctx: GateContext<'_>) -> GateEval {
    if let (
        GateSpec::Junit {
            max_failures,
            min_tests,
            max_new_failures,
            quarantine,
            ..
        },
        Fact::Tests(j),
    ) = (&gate.spec, fact)
    {
        let spec = regressions::TestsSpec {
            max_failures: *max_failures,
            min_tests: *min_tests,
            max_new_failures: *max_new_failures,
            quarantine,
        };
        let (decision, report, mut warnings) = regressions::decide(stage, &gate.name, j, spec, ctx);
        warnings.extend(unmatched_paths(&gate.name, fact));
        return from_decision(stage, gate, decision, warnings, Some(report));
    }
    if let (
        GateSpec::Evidence {
            required,
            signed_by,
            allow_unverified,
            conditions,
            records,
            ..
        },
        Fact::Attached(facts),
    ) = (&gate.spec, fact)
    {
        let spec = evidence::Spec {
            required,
            signed_by,
            allow_unverified: *allow_unverified,
            conditions,
            records: *records,
        };
        return evidence::evaluate(stage, gate, spec, facts);
    }
    if let (
        GateSpec::Attestations {
            predicate_type,
            subjects,
            identity,
            ..
        },
        Fact::Attestations(facts),
    ) = (&gate.spec, fact)
    {
        let spec = attestations::Spec {
            predicate_type,
            subjects: *subjects,
            identity,
        };
        return attestations::evaluate(stage, gate, spec, facts);
    }
    let warnings = unmatched_paths(&gate.name, fact).into_iter().collect();
    from_decision(stage, gate, decide(&gate.spec, fact), warnings, None)
}

/// The evaluation of a gate decided from its figures alone (no records, no attestations).
fn from_decision(
    stage: &str,
    gate: &Gate,
    decision: Decision,
    warnings: Vec<String>,
    tests: Option<TestsReport>,
) -> GateEval {
    let (status, figure, threshold, detail, findings, findings_total) = decision;
    GateEval {
        result: GateResult {
            stage: stage.to_string(),
            gate: gate.name.clone(),
            kind: gate.spec.kind().to_string(),
            status,
            detail,
            figure,
            threshold,
        },
        findings,
        findings_total,
        evidence: Vec::new(),
        attestations: Vec::new(),
        warnings,
        tests,
    }
}

/// The figure of a gate that had nothing to judge (its fact could not be gathered); the
/// reason is its detail.
pub(crate) const NO_EVIDENCE: &str = "no evidence";

/// The warning for `paths` patterns that matched nothing while others did (the gate read the
/// files the others matched); `None` when every pattern matched.
fn unmatched_paths(gate: &str, fact: &Fact) -> Option<String> {
    let (unmatched, read) = match fact {
        Fact::Tests(t) => (&t.unmatched, t.files.len()),
        Fact::Sarif(s) => (&s.unmatched, s.files.len()),
        _ => return None,
    };
    if unmatched.is_empty() {
        return None;
    }
    let quoted: Vec<String> = unmatched.iter().map(|p| format!("`{p}`")).collect();
    Some(format!(
        "gate `{gate}`: no file matches {} in `paths`; the gate read the {} its other patterns \
         matched — remove the pattern or fix the step that writes those reports",
        quoted.join(", "),
        plural(read as u64, "file"),
    ))
}

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

fn decide(spec: &GateSpec, fact: &Fact) -> Decision {
    if let Fact::Unavailable(why) = fact {
        return (
            GateStatus::Fail,
            NO_EVIDENCE.into(),
            threshold_of(spec),
            why.clone(),
            Vec::new(),
            0,
        );
    }
    match (spec, fact) {
        (
            GateSpec::Coverage {
                min_line,
                min_branch,
                ..
            },
            Fact::Coverage(c),
        ) => coverage::coverage(c, *min_line, *min_branch),
        (
            GateSpec::Sarif {
                max_level,
                max_severity,
                ..
            },
            Fact::Sarif(s),
        ) => sarif::sarif(s, max_level, max_severity, threshold_of(spec)),
        (GateSpec::Benchmark { metric, max, .. }, Fact::Benchmark(b)) => {
            measures::benchmark(b, metric, *max)
        }
        (
            GateSpec::Json {
                pointer, max, min, ..
            },
            Fact::Json(v),
        ) => measures::json(*v, pointer, *min, *max, threshold_of(spec)),
        (GateSpec::Integrity { .. }, Fact::Integrity(f)) => version::integrity(f),
        (
            GateSpec::Checks {
                required,
                allow_neutral,
                allow_skipped,
            },
            Fact::Checks(runs),
        ) => checks::checks(required, *allow_neutral, *allow_skipped, runs),
        (GateSpec::Bake { min }, Fact::Bake(f)) => bake::bake(f, *min),
        (GateSpec::Prometheus(g), Fact::Metric(f)) => live::prometheus(f, g),
        (GateSpec::Health(g), Fact::Health(f)) => live::health(f, g),
        (spec, _) => (
            GateStatus::Fail,
            NO_EVIDENCE.into(),
            threshold_of(spec),
            format!(
                "internal mismatch: the evidence gathered does not fit a `{}` gate",
                spec.kind()
            ),
            Vec::new(),
            0,
        ),
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
