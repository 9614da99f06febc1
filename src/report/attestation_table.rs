//! Who built what, as the job summary and the log show it: per artifact or record an
//! `attestations` gate verified, the workflow that signed @ its ref, the repository and commit
//! built from, the runner, the predicate type and what proves the signing time — or the exact
//! reason it failed. Everything shown comes from a bundle (untrusted until verified, and the
//! failing ones never are): escaped for markdown, neutralised for the log.

use std::fmt::Write;

use super::commands::neutralise;
use super::markdown::{cut, escape};
use crate::gates::{AttestationRow, GateStatus};
use crate::promotion::outcome::Outcome;

/// Rows shown per stage in the summary; the record lists them all.
const MAX_ROWS: usize = 50;
/// Lines printed per stage in the log.
const MAX_LOG_LINES: usize = 50;

/// The attestations table of `stage`, when its gates verified any.
pub(super) fn attestation_table(o: &Outcome, stage: &str, out: &mut String) {
    let rows: Vec<&AttestationRow> = o.attestations.iter().filter(|r| r.stage == stage).collect();
    if rows.is_empty() {
        return;
    }
    let verified = rows.iter().filter(|r| r.verdict == "verified").count();
    let _ = writeln!(
        out,
        "Attestations for {} — {verified} of {} verified offline\n",
        escape(o.display(stage)),
        rows.len(),
    );
    out.push_str(
        "| artifact or record | verdict | signer workflow @ ref | built from | runner | predicate type | log index or timestamp, or why not |\n|---|---|---|---|---|---|---|\n",
    );
    for r in rows.iter().take(MAX_ROWS) {
        let icon = match r.status {
            GateStatus::Pass => "✅",
            GateStatus::Warn => "⚠️",
            GateStatus::Fail => "❌",
            GateStatus::Skip => "⏭️",
        };
        let dash = || "—".to_string();
        let last = match (&r.proof_of_time, r.status) {
            (Some(proof), GateStatus::Pass) => proof.clone(),
            _ => r.reason.clone(),
        };
        let _ = writeln!(
            out,
            "| {} | {icon}\u{a0}{} | {} | {} | {} | {} | {} |",
            escape(&cut(&r.subject, 140)),
            escape(&r.verdict),
            escape(&cut(&r.signer_workflow.clone().unwrap_or_else(dash), 160)),
            escape(&cut(&built_from(r).unwrap_or_else(dash), 160)),
            escape(&cut(&r.runner.clone().unwrap_or_else(dash), 40)),
            escape(&cut(&r.predicate_type.clone().unwrap_or_else(dash), 120)),
            escape(&cut(&last, 400)),
        );
    }
    if rows.len() > MAX_ROWS {
        let more = rows.len() - MAX_ROWS;
        let _ = writeln!(out, "\n_and {more} more (the record file lists them all)_");
    }
    out.push('\n');
}

/// `owner/repo@commit (ref)`, as far as the certificate says. The commit is cut to 12 hex
/// digits, as a reviewer reads it (the record keeps all 40): the table stays readable.
fn built_from(r: &AttestationRow) -> Option<String> {
    let short = |c: &String| -> String {
        if c.len() == 40 && c.bytes().all(|b| b.is_ascii_hexdigit()) {
            c[..12].to_string()
        } else {
            c.clone()
        }
    };
    let commit = r.source_commit.as_ref().map(short);
    let mut s = match (&r.source_repo, &commit) {
        (Some(repo), Some(commit)) => format!("{repo}@{commit}"),
        (Some(repo), None) => repo.clone(),
        (None, Some(commit)) => commit.clone(),
        (None, None) => return None,
    };
    if let Some(source_ref) = &r.source_ref {
        s.push_str(&format!(" ({source_ref})"));
    }
    Some(s)
}

/// One log line per artifact or record of a stage: `PROD · provenance · dist/app.whl: verified —
/// acme/app/.github/workflows/release.yml@refs/heads/main · acme/app@0123… · github-hosted ·
/// log index 42 (…)`, or the reason it failed.
pub(crate) fn log_lines(stage: &str, rows: &[AttestationRow]) -> String {
    let mut out = String::new();
    for r in rows.iter().take(MAX_LOG_LINES) {
        let what = if r.status == GateStatus::Pass {
            let parts: Vec<String> = [
                r.signer_workflow.clone(),
                built_from(r),
                r.runner.clone(),
                r.proof_of_time.clone(),
            ]
            .into_iter()
            .flatten()
            .collect();
            format!("verified — {}", parts.join(" · "))
        } else {
            r.reason.clone()
        };
        let _ = writeln!(
            out,
            "{stage} · {} · {}: {}",
            neutralise(&r.gate),
            neutralise(&cut(&r.subject, 200)),
            neutralise(&cut(&what, 600)),
        );
    }
    if rows.len() > MAX_LOG_LINES {
        let _ = writeln!(
            out,
            "{stage} · and {} more attestations (the record lists them all)",
            rows.len() - MAX_LOG_LINES
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Command;

    fn row(status: GateStatus, subject: &str) -> AttestationRow {
        let pass = status == GateStatus::Pass;
        AttestationRow {
            stage: "PROD".into(),
            gate: "provenance".into(),
            subject: subject.into(),
            sha256: "ab".repeat(32),
            status,
            verdict: if pass {
                "verified"
            } else {
                "identity mismatch"
            }
            .into(),
            reason: if pass {
                "chains to the github root".into()
            } else {
                "identity mismatch: signer-workflow is evil/x/.github/workflows/a.yml@refs/heads/main, policy wants acme/app/.github/workflows/release.yml".into()
            },
            signer_workflow: pass
                .then(|| "acme/app/.github/workflows/release.yml@refs/heads/main".into()),
            source_repo: pass.then(|| "acme/app".into()),
            source_ref: pass.then(|| "refs/heads/main".into()),
            source_commit: pass.then(|| "0123abc".into()),
            runner: pass.then(|| "github-hosted".into()),
            predicate_type: pass.then(|| "https://slsa.dev/provenance/v1".into()),
            proof_of_time: pass.then(|| "log index 42 (2025-01-01T00:00:00Z)".into()),
            instance: pass.then(|| "github".into()),
        }
    }

    #[test]
    fn a_full_commit_is_cut_to_twelve_digits_in_the_table_only() {
        let mut r = row(GateStatus::Pass, "r/app/1.0/app.whl");
        r.source_commit = Some("f492e8cf01446c41f376aa07656dc4266f154739".into());
        assert_eq!(
            built_from(&r).as_deref(),
            Some("acme/app@f492e8cf0144 (refs/heads/main)")
        );
        assert_eq!(
            r.source_commit.as_deref(),
            Some("f492e8cf01446c41f376aa07656dc4266f154739")
        );
    }

    #[test]
    fn the_table_shows_who_built_it_or_why_not_escaped() {
        let mut o = Outcome::new(Command::Promote, "app", "1.0");
        o.attestations = vec![
            row(GateStatus::Pass, "r/app/1.0/app.whl"),
            row(GateStatus::Fail, "r/app/1.0/<img src=x>|pipe.tar.gz"),
        ];
        let mut out = String::new();
        attestation_table(&o, "PROD", &mut out);
        assert!(
            out.contains("Attestations for PROD — 1 of 2 verified offline"),
            "{out}"
        );
        assert!(out.contains("0123abc (refs/heads/main)"), "{out}");
        assert!(out.contains("log index 42"), "{out}");
        assert!(out.contains("signer-workflow is evil/x/"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(!out.contains("|pipe"), "{out}");
        let mut none = String::new();
        attestation_table(&o, "QA", &mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn log_lines_name_each_subject_and_start_no_command() {
        let rows = [
            row(GateStatus::Pass, "r/app.whl"),
            row(GateStatus::Fail, "::error::x"),
        ];
        let text = log_lines("PROD", &rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[0].starts_with("PROD · provenance · r/app.whl: verified — acme/app/"),
            "{text}"
        );
        assert!(
            lines[0].ends_with("log index 42 (2025-01-01T00:00:00Z)"),
            "{text}"
        );
        assert!(
            lines[1].contains("identity mismatch: signer-workflow is"),
            "{text}"
        );
        assert!(!text.lines().any(|l| l.starts_with("::")), "{text}");
    }
}
