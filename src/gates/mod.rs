//! Gates: pure decisions from evidence already read.
//!
//! `evaluate(stage, gate, evidence)` compares one gate's figures with its thresholds and says
//! pass or fail, with the figure, the threshold and a one-line reason. No I/O happens here (no
//! files, no network, no clock): readers in `evidence` and clients gather [`Evidence`] first.
//! Missing evidence is a failure, never a pass.

use crate::evidence::{BenchSummary, CoverageSummary, JunitSummary, SarifSummary};
use crate::outcome::{Finding, GateResult, GateStatus};
use crate::policy::{Gate, GateSpec};

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

/// One gate's verdict plus the failures worth showing.
#[derive(Debug, Clone)]
pub struct GateEval {
    /// The result row.
    pub result: GateResult,
    /// Failing tests / findings behind it (first ones).
    pub findings: Vec<Finding>,
    /// All failing items.
    pub findings_total: usize,
}

fn thousands(n: u64) -> String {
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

fn pct(p: f64) -> String {
    format!("{p:.1} %")
}

/// A gate marked skipped (hotfix, or evaluation not reached).
pub fn skipped(stage: &str, gate: &Gate, why: &str) -> GateEval {
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
    }
}

/// Decides one gate.
pub fn evaluate(stage: &str, gate: &Gate, evidence: &Evidence) -> GateEval {
    let (status, figure, threshold, detail, findings, findings_total) =
        decide(&gate.spec, evidence);
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
    }
}

type Decision = (GateStatus, String, String, String, Vec<Finding>, usize);

fn pass_fail(ok: bool) -> GateStatus {
    if ok {
        GateStatus::Pass
    } else {
        GateStatus::Fail
    }
}

fn decide(spec: &GateSpec, evidence: &Evidence) -> Decision {
    if let Evidence::Unavailable(why) = evidence {
        return (
            GateStatus::Fail,
            "no evidence".into(),
            threshold_of(spec),
            why.clone(),
            Vec::new(),
            0,
        );
    }
    match (spec, evidence) {
        (
            GateSpec::Junit {
                max_failures,
                min_tests,
                ..
            },
            Evidence::Junit(j),
        ) => junit(j, *max_failures, *min_tests),
        (
            GateSpec::Coverage {
                min_line,
                min_branch,
                ..
            },
            Evidence::Coverage(c),
        ) => coverage(c, *min_line, *min_branch),
        (
            GateSpec::Sarif {
                max_level,
                max_severity,
                ..
            },
            Evidence::Sarif(s),
        ) => sarif(s, max_level, max_severity, threshold_of(spec)),
        (GateSpec::Benchmark { metric, max, .. }, Evidence::Benchmark(b)) => {
            let ok = b.worst <= *max;
            let worst_name = b
                .entries
                .iter()
                .find(|(_, v)| *v == b.worst)
                .map(|(n, _)| n.as_str())
                .unwrap_or_default();
            let figure = format!(
                "{metric} {:.4} {} (worst of {}: {worst_name})",
                b.worst,
                b.unit,
                b.entries.len()
            );
            let detail = if ok {
                format!(
                    "{metric} {:.4} {} is within {max} {}",
                    b.worst, b.unit, b.unit
                )
            } else {
                format!(
                    "{metric} {:.4} {} of `{worst_name}` exceeds {max} {}",
                    b.worst, b.unit, b.unit
                )
            };
            (
                pass_fail(ok),
                figure,
                format!("≤ {max} {}", b.unit),
                detail,
                Vec::new(),
                0,
            )
        }
        (
            GateSpec::Json {
                pointer, max, min, ..
            },
            Evidence::Json(v),
        ) => {
            let too_high = max.is_some_and(|m| *v > m);
            let too_low = min.is_some_and(|m| *v < m);
            let detail = match (too_high, too_low) {
                (true, _) => format!(
                    "value {v} at `{pointer}` exceeds {}",
                    max.unwrap_or_default()
                ),
                (_, true) => format!(
                    "value {v} at `{pointer}` is below {}",
                    min.unwrap_or_default()
                ),
                _ => format!("value {v} at `{pointer}` is within bounds"),
            };
            (
                pass_fail(!too_high && !too_low),
                v.to_string(),
                threshold_of(spec),
                detail,
                Vec::new(),
                0,
            )
        }
        (GateSpec::Integrity { .. }, Evidence::Integrity(f)) => integrity(f),
        (GateSpec::Evidence { required, .. }, Evidence::EvidenceTypes(present)) => {
            let missing: Vec<&String> = required
                .iter()
                .filter(|r| !present.iter().any(|p| p == *r))
                .collect();
            let figure = format!(
                "{} of {} present",
                required.len() - missing.len(),
                required.len()
            );
            let detail = if missing.is_empty() {
                "every required evidence type is attached to the version".to_string()
            } else {
                format!(
                    "missing evidence: {}",
                    missing
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            (
                pass_fail(missing.is_empty()),
                figure,
                threshold_of(spec),
                detail,
                Vec::new(),
                0,
            )
        }
        (
            GateSpec::Checks {
                required,
                allow_neutral,
                allow_skipped,
            },
            Evidence::Checks(runs),
        ) => checks(required, *allow_neutral, *allow_skipped, runs),
        (spec, _) => (
            GateStatus::Fail,
            "no evidence".into(),
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

fn threshold_of(spec: &GateSpec) -> String {
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
    }
}

fn junit(j: &JunitSummary, max_failures: u64, min_tests: u64) -> Decision {
    let bad = j.failures + j.errors;
    let mut figure = format!("{} failed of {}", thousands(bad), thousands(j.tests));
    if j.skipped > 0 {
        figure.push_str(&format!(" ({} skipped)", thousands(j.skipped)));
    }
    let ok = bad <= max_failures && j.tests >= min_tests;
    let detail = if j.tests < min_tests {
        format!(
            "only {} tests found, at least {min_tests} required",
            j.tests
        )
    } else if bad > max_failures {
        format!(
            "{bad} tests failed ({} failures, {} errors), at most {max_failures} allowed",
            j.failures, j.errors
        )
    } else {
        format!("{} tests, {bad} failed", j.tests)
    };
    let findings = j
        .failed
        .iter()
        .map(|c| Finding {
            category: "test",
            title: if c.classname.is_empty() {
                c.name.clone()
            } else {
                format!("{}::{}", c.classname, c.name)
            },
            message: c.message.clone(),
            file: c.file.clone(),
            line: c.line,
        })
        .collect();
    let total = if ok { 0 } else { j.failed_total as usize };
    (
        pass_fail(ok),
        figure,
        format!("failures ≤ {max_failures} · tests ≥ {min_tests}"),
        detail,
        if ok { Vec::new() } else { findings },
        total,
    )
}

fn coverage(c: &CoverageSummary, min_line: Option<f64>, min_branch: Option<f64>) -> Decision {
    let format = format!("{:?}", c.format).to_lowercase();
    let mut figure = Vec::new();
    let mut failures = Vec::new();
    if let Some(min) = min_line {
        match c.line_percent {
            Some(p) => {
                figure.push(format!("line {}", pct(p)));
                if p < min {
                    failures.push(format!("line coverage {} is below {min} %", pct(p)));
                }
            }
            None => failures.push(format!("the {format} report has no line data")),
        }
    }
    if let Some(min) = min_branch {
        match c.branch_percent {
            Some(p) => {
                figure.push(format!("branch {}", pct(p)));
                if p < min {
                    failures.push(format!("branch coverage {} is below {min} %", pct(p)));
                }
            }
            None => failures.push(format!(
                "the {format} report has no branch data (enable branch coverage in the tool)"
            )),
        }
    }
    let threshold = threshold_of(&GateSpec::Coverage {
        path: String::new(),
        min_line,
        min_branch,
    });
    let detail = if failures.is_empty() {
        format!("{} ({format})", figure.join(", "))
    } else {
        failures.join("; ")
    };
    (
        pass_fail(failures.is_empty()),
        format!("{} ({format})", figure.join(" · ")),
        threshold,
        detail,
        Vec::new(),
        0,
    )
}

fn sarif(
    s: &SarifSummary,
    level: &crate::policy::LevelBounds,
    sev: &crate::policy::SeverityBounds,
    threshold: String,
) -> Decision {
    let checks = [
        ("error", s.errors, level.error),
        ("warning", s.warnings, level.warning),
        ("note", s.notes, level.note),
        ("critical", s.critical, sev.critical),
        ("high", s.high, sev.high),
        ("medium", s.medium, sev.medium),
        ("low", s.low, sev.low),
    ];
    let over: Vec<String> = checks
        .iter()
        .filter_map(|(name, n, max)| {
            max.filter(|m| n > m)
                .map(|m| format!("{n} {name} (max {m})"))
        })
        .collect();
    let plural = |n: u64, w: &str| format!("{} {w}{}", thousands(n), if n == 1 { "" } else { "s" });
    let mut figure = format!(
        "{}, {}",
        plural(s.errors, "error"),
        plural(s.warnings, "warning")
    );
    let sev_parts: Vec<String> = [
        ("critical", s.critical),
        ("high", s.high),
        ("medium", s.medium),
        ("low", s.low),
    ]
    .iter()
    .filter(|(_, n)| *n > 0)
    .map(|(k, n)| format!("{k} {n}"))
    .collect();
    if !sev_parts.is_empty() {
        figure.push_str(&format!(" · {}", sev_parts.join(", ")));
    }
    if s.suppressed > 0 {
        figure.push_str(&format!(" ({} suppressed, not counted)", s.suppressed));
    }
    if !s.tools.is_empty() {
        figure.push_str(&format!(" [{}]", s.tools.join(", ")));
    }
    let ok = over.is_empty();
    let detail = if ok {
        "within bounds".to_string()
    } else {
        format!("too many results: {}", over.join(", "))
    };
    let findings: Vec<Finding> = if ok {
        Vec::new()
    } else {
        s.findings
            .iter()
            .map(|f| Finding {
                category: "finding",
                title: match f.security_severity {
                    Some(sv) => format!("{} ({}, {sv:.1})", f.rule_id, f.level),
                    None => format!("{} ({})", f.rule_id, f.level),
                },
                message: f.message.clone(),
                file: f.file.clone(),
                line: f.line,
            })
            .collect()
    };
    let total = if ok { 0 } else { s.findings_total as usize };
    (pass_fail(ok), figure, threshold, detail, findings, total)
}

fn integrity(f: &IntegrityFacts) -> Decision {
    let mut problems = Vec::new();
    if f.status != "COMPLETED" {
        problems.push(format!(
            "content status is {} (not COMPLETED)",
            if f.status.is_empty() {
                "unknown"
            } else {
                &f.status
            }
        ));
    }
    if f.artifacts == 0 {
        problems.push("the version has no artifacts".to_string());
    }
    if !f.missing_sha.is_empty() {
        problems.push(format!(
            "{} artifacts have no sha256 (first: {})",
            f.missing_sha.len(),
            f.missing_sha[0]
        ));
    }
    for (file, sha) in f.local_mismatches.iter().take(3) {
        problems.push(format!(
            "local file {file} (sha256 {}…) is not in the version",
            &sha[..sha.len().min(12)]
        ));
    }
    let figure = format!(
        "{}, {} artifacts, {} local files checked",
        f.status, f.artifacts, f.local_checked
    );
    let ok = problems.is_empty();
    let detail = if ok {
        "content complete and every sha256 matches".into()
    } else {
        problems.join("; ")
    };
    (
        pass_fail(ok),
        figure,
        "COMPLETED · sha256 everywhere · local files match".into(),
        detail,
        Vec::new(),
        0,
    )
}

fn checks(
    required: &[String],
    allow_neutral: bool,
    allow_skipped: bool,
    runs: &[CheckRun],
) -> Decision {
    let mut bad = Vec::new();
    let mut good = 0;
    for name in required {
        // Re-runs create several runs with one name; the newest (first listed) decides.
        match runs.iter().find(|r| &r.name == name) {
            None => bad.push(format!("`{name}` has not run on this commit")),
            Some(r) if r.status != "completed" => {
                bad.push(format!("`{name}` is still {}", r.status))
            }
            Some(r) => {
                let ok = r.conclusion == "success"
                    || (allow_neutral && r.conclusion == "neutral")
                    || (allow_skipped && r.conclusion == "skipped");
                if ok {
                    good += 1;
                } else {
                    bad.push(format!("`{name}` concluded {}", r.conclusion));
                }
            }
        }
    }
    let ok = bad.is_empty();
    let detail = if ok {
        "every required check succeeded".into()
    } else {
        bad.join("; ")
    };
    (
        pass_fail(ok),
        format!("{good} of {} succeeded", required.len()),
        format!("success: {}", required.join(", ")),
        detail,
        Vec::new(),
        0,
    )
}

#[cfg(test)]
mod tests;
