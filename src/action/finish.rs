//! Finishing a run: the record, the step outputs, the job summary and the closing log lines, all
//! rendered from the one [`Outcome`] and written through the run's redactor; the exit status
//! follows from it.

use std::collections::BTreeMap;
use std::io::Write;

use super::Settings;
use crate::gates::{AttestationRow, StageVerdict};
use crate::http::RequestLog;
use crate::inputs::{Inputs, RunContext};
use crate::lifecycle::Lifecycle;
use crate::promotion::audit::AuditContext;
use crate::promotion::outcome::{Hop, Outcome};
use crate::report::commands::{self, Level};
use crate::report::{self, outputs};
use crate::secret::Redactor;

/// Who, when and why, for the audit properties written on the version.
pub(super) fn audit_context(
    inputs: &Inputs,
    ctx: &RunContext,
    settings: &Settings,
) -> AuditContext {
    AuditContext {
        actor: ctx.actor.clone(),
        run_url: ctx.run_url(),
        reason: inputs.reason.clone(),
        hotfix: inputs.hotfix,
        now: settings.instant().to_string(),
    }
}

/// Prints one hop to the log.
/// One stage's verdict as the walk or the plan reaches it: its gate lines and one line per
/// attestation printed before its hop, its attestations kept for the summary and the record.
pub(super) fn reached_stage(
    lifecycle: &Lifecycle,
    verdicts: &BTreeMap<String, StageVerdict>,
    stage: &str,
    log: &mut impl Write,
    attested: &mut Vec<AttestationRow>,
) -> StageVerdict {
    let v = verdicts.get(stage).cloned().unwrap_or_default();
    let _ = log.write_all(report::job_log::stage_verdicts(lifecycle, stage, &v).as_bytes());
    let lines = report::attestation_table::log_lines(lifecycle.display(stage), &v.attestations);
    let _ = log.write_all(lines.as_bytes());
    attested.extend(v.attestations.iter().cloned());
    v
}

pub(super) fn log_hop(lifecycle: &Lifecycle, hop: &Hop, log: &mut impl Write) {
    let _ = log.write_all(report::job_log::hop_line(lifecycle, hop).as_bytes());
}

/// Writes outputs, summary, record and annotations; returns the exit status.
pub(crate) fn finish(
    inputs: Option<&Inputs>,
    ctx: &RunContext,
    outcome: &Outcome,
    requests: &[RequestLog],
    redactor: &Redactor,
    log: &mut impl Write,
) -> u8 {
    for s in inputs.map(Inputs::secrets).unwrap_or_default() {
        redactor.add(s.expose());
    }
    let scrub = |text: String| redactor.redact_owned(text);
    let mut exit = outcome.exit_code();
    // A run that never learnt its application has nothing to record.
    let record = (!outcome.application.is_empty()).then(|| {
        let (path, shown) = report::record::location(ctx, outcome);
        let text = scrub(report::record::render(inputs, ctx, outcome, requests));
        if let Err(e) = std::fs::write(&path, text) {
            let message = format!("cannot write the record {}: {e}", path.display());
            warn(log, Level::Warning, "promote-action", &message);
        }
        shown
    });
    if let Some(file) = &ctx.output_file {
        let text = scrub(outputs::render(&outputs::values(
            outcome,
            record.as_deref(),
        )));
        if let Err(e) = outputs::append_file(file, &text) {
            let message = format!("cannot write GITHUB_OUTPUT {}: {e}", file.display());
            warn(
                log,
                Level::Error,
                "promote-action: cannot write output",
                &message,
            );
            exit = exit.max(3);
        }
    }
    if let (true, Some(file)) = (inputs.is_none_or(|i| i.summary), &ctx.summary_file) {
        let text = scrub(report::run_summary(inputs, ctx, outcome, record));
        if let Err(e) = outputs::append_file(file, &text) {
            let message = format!("cannot write the job summary {}: {e}", file.display());
            warn(log, Level::Warning, "promote-action", &message);
        }
    }
    let _ = log.write_all(scrub(report::job_log::closing(outcome)).as_bytes());
    exit
}

/// An annotation about the action's own files (never carries report content).
fn warn(log: &mut impl Write, level: Level, title: &str, message: &str) {
    let _ = log.write_all(commands::annotation(level, title, message, None, None).as_bytes());
}
