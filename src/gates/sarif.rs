//! The SARIF gate: result counts per level and per security-severity bucket against their
//! bounds, and the findings behind a failure.

use super::{Decision, pass_fail, thousands};
use crate::evidence::SarifSummary;
use crate::gates::Finding;

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
