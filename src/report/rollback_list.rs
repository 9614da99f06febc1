//! The job summary of a `to-version` rollback: its headline (the stage rolled back to a
//! version, or the plan of it) and one row per version rolled back, newest first, with where
//! each stands — what a reader needs after a rollback that stopped midway.

use std::fmt::Write;

use super::markdown::{code, escape};
use crate::promotion::outcome::{Outcome, RollbackStatus, RunResult};

/// The headline of a `to-version` run; `None` for every other run.
pub(super) fn headline(o: &Outcome) -> Option<String> {
    if o.rollbacks.is_empty() {
        return None;
    }
    let stage = escape(o.display(o.target_stage.as_deref()?));
    let app = escape(&o.application);
    let to = escape(&o.version);
    let names = |status: RollbackStatus| -> Vec<String> {
        o.rollbacks
            .iter()
            .filter(|r| r.status == status)
            .map(|r| escape(&r.version))
            .collect()
    };
    Some(match o.result {
        RunResult::Planned => format!(
            "## 📝 Plan: roll {app} {stage} back to {to}: would roll back {}",
            names(RollbackStatus::Planned).join(", ")
        ),
        RunResult::RolledBack => format!(
            "## ↩️ {app} {stage} rolled back to {to}: rolled back {}",
            names(RollbackStatus::RolledBack).join(", ")
        ),
        _ => format!("## ❌ {app} {stage} rollback to {to} stopped midway"),
    })
}

/// One row per version.
pub(super) fn table(o: &Outcome, out: &mut String) {
    if o.rollbacks.is_empty() {
        return;
    }
    out.push_str("| version | from | now in | result | took |\n|---|---|---|---|---|\n");
    for r in &o.rollbacks {
        let now = if r.now.is_empty() {
            "(no stage)".to_string()
        } else {
            escape(o.display(&r.now))
        };
        let result = match r.status {
            RollbackStatus::RolledBack => "↩️ rolled back",
            RollbackStatus::Planned => "📝 would be rolled back",
            RollbackStatus::Failed => "❌ failed",
            RollbackStatus::NotAttempted => "⏭️ not attempted",
        };
        let took = r
            .duration_ms
            .map(|ms| format!("{ms} ms"))
            .unwrap_or_else(|| "—".into());
        let _ = writeln!(
            out,
            "| {} | {} | {now} | {result} | {took} |",
            code(&r.version),
            escape(o.display(&r.from))
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Command;
    use crate::promotion::outcome::VersionRollback;

    #[test]
    fn a_stopped_rollback_says_where_each_version_stands() {
        let mut o = Outcome::new(Command::Rollback, "inv", "1.0.0");
        o.target_stage = Some("PROD".into());
        o.result = RunResult::Failed;
        for (v, now, status) in [
            ("1.2.0", "bookverse-STAGING", RollbackStatus::RolledBack),
            ("1.1.0", "PROD", RollbackStatus::Failed),
            ("1.0.9", "PROD", RollbackStatus::NotAttempted),
        ] {
            o.rollbacks.push(VersionRollback {
                version: v.into(),
                from: "PROD".into(),
                now: now.into(),
                status,
                duration_ms: Some(3),
                message: String::new(),
            });
        }
        assert_eq!(
            headline(&o).as_deref(),
            Some("## ❌ inv PROD rollback to 1.0.0 stopped midway")
        );
        let mut out = String::new();
        table(&o, &mut out);
        assert!(
            out.contains("| `1.2.0` | PROD | bookverse-STAGING | ↩️ rolled back | 3 ms |"),
            "{out}"
        );
        assert!(
            out.contains("| `1.1.0` | PROD | PROD | ❌ failed |"),
            "{out}"
        );
        assert!(
            out.contains("| `1.0.9` | PROD | PROD | ⏭️ not attempted | 3 ms |"),
            "{out}"
        );
    }
}
