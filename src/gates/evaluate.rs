//! One gate decided: its fact compared with its thresholds by the gate family's module, and the
//! result row, findings and warnings put together ([`evaluate_in`]). The families build on the
//! shared words and shapes of [`super`]; this file is the one place that knows them all.

use super::facts::Fact;
use super::{
    Decision, GateContext, GateEval, GateResult, GateStatus, NO_EVIDENCE, TestsReport, plural,
    threshold_of,
};
use super::{
    attestations, bake, checks, coverage, evidence, live, measures, regressions, sarif, version,
};
use crate::policy::{Gate, GateSpec};

/// Decides one gate at a fixed instant (2026-01-01) without a baseline, for tests.
#[cfg(test)]
pub(crate) fn evaluate(stage: &str, gate: &Gate, fact: &Fact) -> GateEval {
    let ctx = GateContext::without_baseline(
        jiff::Timestamp::from_second(1_767_225_600).unwrap_or_default(),
    );
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
        findings,
        findings_total,
        warnings,
        tests,
        ..GateEval::from(GateResult {
            detail,
            figure,
            threshold,
            ..GateResult::of(stage, gate, status)
        })
    }
}

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
