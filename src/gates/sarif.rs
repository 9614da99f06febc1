//! The SARIF gate: result counts per level and per security-severity bucket against their
//! bounds, and the findings behind a failure.

use super::{Decision, pass_fail, plural, thousands};
use crate::gates::{Finding, Severity};
use crate::reports::{SarifSummary, severity_bucket};

pub(super) fn sarif(
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
    // `2 errors (max 0)`, `1 high-severity result (max 0)`.
    let over: Vec<String> = checks
        .iter()
        .enumerate()
        .filter_map(|(i, (name, n, max))| {
            let what = if i < 3 {
                plural(*n, name)
            } else {
                format!(
                    "{} {name}-severity result{}",
                    thousands(*n),
                    if *n == 1 { "" } else { "s" }
                )
            };
            max.filter(|m| n > m).map(|m| format!("{what} (max {m})"))
        })
        .collect();
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
    // A result is an error when it is one, or when it counts towards a bound it broke; a
    // warning or note within its bounds stays at its own level.
    let broken = |name: &str| {
        checks
            .iter()
            .any(|(n, count, max)| *n == name && max.is_some_and(|m| *count > m))
    };
    let breaks = |f: &crate::reports::Finding| {
        broken(&f.level) || severity_bucket(f.security_severity).is_some_and(broken)
    };
    let severity = |f: &crate::reports::Finding| match f.level.as_str() {
        "error" => Severity::Error,
        _ if breaks(f) => Severity::Error,
        "warning" => Severity::Warning,
        _ => Severity::Notice,
    };
    // The results behind the broken bounds first (the annotations shown are the first ones),
    // each group in the reader's order (most severe first).
    let mut ordered: Vec<&crate::reports::Finding> = s.findings.iter().collect();
    ordered.sort_by_key(|f| !breaks(f));
    let findings: Vec<Finding> = if ok {
        Vec::new()
    } else {
        ordered
            .into_iter()
            .map(|f| Finding {
                category: "finding",
                severity: severity(f),
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
