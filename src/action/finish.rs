//! Finishing a run: the record, the step outputs, the job summary and the annotations, all
//! rendered from the one [`Outcome`]; the exit status follows from it.

use std::io::Write;
use std::path::PathBuf;

use super::Settings;
use crate::apptrust::lifecycle::Lifecycle;
use crate::http::RequestLog;
use crate::inputs::{Inputs, RunContext};
use crate::promotion::audit::AuditContext;
use crate::promotion::outcome::{Hop, HopStatus, Outcome, RunResult};
use crate::report::commands::{self, Level};
use crate::report::{outputs, summary};
use crate::secret::Secret;

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
        now: settings
            .now
            .unwrap_or_else(jiff::Timestamp::now)
            .to_string(),
    }
}

pub(super) fn log_hop(lifecycle: &Lifecycle, hop: &Hop, log: &mut impl Write) {
    let name = |s: &str| {
        if s.is_empty() {
            "(no stage)".to_string()
        } else {
            lifecycle.display(s).to_string()
        }
    };
    let status = match hop.status {
        HopStatus::Done => "done",
        HopStatus::Planned => "planned",
        HopStatus::Blocked => "BLOCKED",
        HopStatus::Failed => "FAILED",
        HopStatus::NotReached => "not reached",
    };
    let took = hop
        .duration_ms
        .map(|ms| format!(" ({ms} ms)"))
        .unwrap_or_default();
    let _ = writeln!(
        log,
        "promote-action: {} → {}: {status}{took}{}",
        name(&hop.from),
        name(&hop.to),
        if hop.message.is_empty() {
            String::new()
        } else {
            format!(" — {}", commands::neutralise(&hop.message))
        }
    );
}

/// Writes outputs, summary, record and annotations; returns the exit status.
pub fn finish(
    inputs: Option<&Inputs>,
    ctx: &RunContext,
    outcome: &Outcome,
    requests: &[RequestLog],
    minted: &[Secret],
    log: &mut impl Write,
) -> u8 {
    let record_location: Option<(PathBuf, String)> =
        (!outcome.application.is_empty()).then(|| crate::report::record::location(ctx, outcome));
    let record_path = record_location.as_ref().map(|(p, _)| p);
    let mut secrets: Vec<&str> = inputs
        .map(|i| i.secrets().into_iter().map(Secret::expose).collect())
        .unwrap_or_default();
    secrets.extend(minted.iter().map(Secret::expose));
    let scrub = |text: String| -> String { crate::secret::redact(&text, &secrets) };
    let mut exit = outcome.exit_code();
    if let Some(path) = &record_path {
        let text = scrub(crate::report::record::render(
            inputs, ctx, outcome, requests,
        ));
        if let Err(e) = std::fs::write(path, text) {
            let _ = log.write_all(
                commands::annotation(
                    Level::Warning,
                    "promote-action",
                    &format!("cannot write the record {}: {e}", path.display()),
                    None,
                    None,
                )
                .as_bytes(),
            );
        }
    }
    let record = record_location.as_ref().map(|(_, shown)| shown.clone());
    if let Some(file) = &ctx.output_file {
        let text = scrub(outputs::render(&outputs::values(
            outcome,
            record.as_deref(),
        )));
        if let Err(e) = outputs::append_file(file, &text) {
            let _ = log.write_all(
                commands::annotation(
                    Level::Error,
                    "promote-action: cannot write output",
                    &format!("cannot write GITHUB_OUTPUT {}: {e}", file.display()),
                    None,
                    None,
                )
                .as_bytes(),
            );
            exit = exit.max(3);
        }
    }
    let want_summary = inputs.is_none_or(|i| i.summary);
    if want_summary {
        if let Some(file) = &ctx.summary_file {
            let links = summary::Links {
                run_url: ctx.run_url(),
                run_id: ctx.run_id.clone(),
                sha: ctx.sha.clone(),
                commit_url: ctx.repository.as_ref().zip(ctx.sha.as_ref()).map(|(r, s)| {
                    format!("{}/{r}/commit/{s}", ctx.server_url.trim_end_matches('/'))
                }),
                policy: inputs.map(|i| i.policy.path.clone()),
                record: record.clone(),
            };
            let version_url = inputs.and_then(|i| {
                crate::report::apptrust_version_url(
                    &i.jfrog_url,
                    &outcome.application,
                    &outcome.version,
                )
            });
            let text = scrub(summary::render_with(
                outcome,
                &links,
                version_url.as_deref(),
            ));
            if let Err(e) = outputs::append_file(file, &text) {
                let _ = log.write_all(
                    commands::annotation(
                        Level::Warning,
                        "promote-action",
                        &format!("cannot write the job summary {}: {e}", file.display()),
                        None,
                        None,
                    )
                    .as_bytes(),
                );
            }
        }
    }
    for w in outcome.warnings.iter().take(10) {
        let line = commands::annotation(Level::Warning, "promote-action", w, None, None);
        let _ = log.write_all(scrub(line).as_bytes());
    }
    // The runner turns only the first 10 errors of a step into annotations; the rest are in the
    // summary's collapsed tables.
    for f in outcome.findings.iter().take(10) {
        let _ = log.write_all(
            scrub(commands::annotation(
                Level::Error,
                &f.title,
                &f.message,
                f.file.as_deref(),
                f.line,
            ))
            .as_bytes(),
        );
    }
    let _ = writeln!(
        log,
        "promote-action: result={} version={} from={} to={}",
        outcome.result.as_str(),
        commands::neutralise(&outcome.version),
        outcome.from_stage,
        outcome.to_stage
    );
    match (&outcome.failure, outcome.result) {
        (Some(f), _) => {
            let where_now = if outcome.to_stage.is_empty() {
                String::new()
            } else {
                format!(" The version is in {}.", outcome.display(&outcome.to_stage))
            };
            let _ = log.write_all(
                scrub(commands::annotation(
                    Level::Error,
                    &f.title,
                    &format!(
                        "{}{}{where_now}",
                        f.message,
                        if where_now.is_empty() || f.message.ends_with('.') {
                            ""
                        } else {
                            "."
                        }
                    ),
                    None,
                    None,
                ))
                .as_bytes(),
            );
        }
        (None, RunResult::Blocked) => {
            let failed = outcome.failed_gates().join(", ");
            let stopped = outcome
                .hops
                .iter()
                .find(|h| h.status == HopStatus::Blocked)
                .map(|h| outcome.display(&h.to).to_string())
                .unwrap_or_default();
            let message = if failed.is_empty() {
                format!(
                    "promotion to {stopped} was blocked by policy; the version stays in {}",
                    outcome.display(&outcome.to_stage)
                )
            } else {
                format!(
                    "promotion to {stopped} was blocked by failed gates: {failed}; the version stays in {}",
                    outcome.display(&outcome.to_stage)
                )
            };
            let _ = log.write_all(
                scrub(commands::annotation(
                    Level::Error,
                    "promote-action: blocked",
                    &message,
                    None,
                    None,
                ))
                .as_bytes(),
            );
        }
        _ => {}
    }
    exit
}
