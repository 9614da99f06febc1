//! Action mode: the whole run from environment variables to exit status.
//!
//! Masks secrets first, parses inputs, authenticates, executes the command against an
//! [`AppTrustApi`], then reports (outputs, summary, annotations, record). Every path, including
//! input errors, ends in the same reporting so `result` is always written.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::apptrust::client::{ClientOptions, HttpAppTrust, RequestLog};
use crate::apptrust::{AppTrustApi, VersionContent, oidc};
use crate::audit::{self, AuditContext};
use crate::error::Error;
use crate::gates::Evidence;
use crate::github::{GitHubClient, GitHubFacts};
use crate::inputs::{Command, Inputs, RunContext, Secret};
use crate::outcome::{Hop, HopAction, HopStatus, Outcome, RunResult};
use crate::policy::Policy;
use crate::promotion::{self, WalkOptions};
use crate::report::commands::{self, Level};
use crate::report::{outputs, summary};
use crate::retag;
use crate::stages::Lifecycle;
use crate::verdicts::{self, RunFacts};
use std::collections::BTreeMap;

/// Variables whose values are secrets, masked before anything else is printed.
const SECRET_VARS: &[&str] = &[
    "INPUT_ACCESS-TOKEN",
    "INPUT_GITHUB-TOKEN",
    "INPUT_NOTIFY-WEBHOOK",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
];

/// Knobs the binary sets and tests override.
#[derive(Debug, Clone)]
pub struct Settings {
    /// HTTP client options.
    pub client: ClientOptions,
    /// How long to wait out "promotion already in progress".
    pub in_progress_wait: Duration,
    /// Poll interval while waiting.
    pub poll: Duration,
    /// Fixed "now" for windows (tests, demo); `None` = the clock.
    pub now: Option<jiff::Timestamp>,
    /// Quarantine a rolled-back release and move `latest` (see `retag`).
    pub retag_on_rollback: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            client: ClientOptions::default(),
            in_progress_wait: Duration::from_secs(120),
            poll: Duration::from_secs(3),
            now: None,
            retag_on_rollback: true,
        }
    }
}

impl Settings {
    /// Defaults, adjusted by the documented `PROMOTE_ACTION_*` tuning variables.
    pub fn from_vars(vars: &[(String, String)]) -> Settings {
        let mut s = Settings::default();
        let get = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim());
        let num = |k: &str| get(k).and_then(|v| v.parse::<u64>().ok());
        if let Some(ms) = num("PROMOTE_ACTION_HTTP_TIMEOUT_MS") {
            s.client.timeout = Duration::from_millis(ms.max(1));
        }
        if let Some(ms) = num("PROMOTE_ACTION_RETRY_BACKOFF_MS") {
            s.client.backoff = Duration::from_millis(ms);
        }
        if let Some(n) = num("PROMOTE_ACTION_MAX_RETRIES") {
            s.client.max_retries = n.min(10) as u32;
        }
        if let Some(secs) = num("PROMOTE_ACTION_IN_PROGRESS_WAIT_S") {
            s.in_progress_wait = Duration::from_secs(secs);
            s.poll = Duration::from_millis((secs * 100).clamp(50, 3000));
        }
        if let Some(v) = get("PROMOTE_ACTION_RETAG_ON_ROLLBACK") {
            s.retag_on_rollback = !matches!(v, "false" | "False" | "FALSE");
        }
        if let Some(t) = get("PROMOTE_ACTION_NOW").and_then(|v| v.parse().ok()) {
            s.now = Some(t);
        }
        s
    }
}

/// Runs the action; returns the exit status. `log` is the process stdout (workflow commands).
pub async fn run_action(
    vars: Vec<(String, String)>,
    settings: Settings,
    log: &mut impl Write,
) -> u8 {
    for (k, v) in &vars {
        if SECRET_VARS.contains(&k.as_str()) && !v.trim().is_empty() {
            let _ = log.write_all(commands::add_mask(v.trim()).as_bytes());
        }
    }
    let ctx = RunContext::from_vars(vars.iter().cloned());
    let inputs = match Inputs::from_vars(vars.iter().cloned()) {
        Ok(i) => i,
        Err(e) => {
            // Carry the raw values into the outputs only when they look like what they name:
            // a rejected input may be huge or hostile.
            let plausible = |name: &str| {
                vars.iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.trim())
                    .filter(|v| v.len() <= 128 && !v.chars().any(|c| c.is_control() || c == '/'))
                    .unwrap_or_default()
                    .to_string()
            };
            let app = plausible("INPUT_APPLICATION");
            let version = plausible("INPUT_VERSION");
            let mut outcome = Outcome::new(Command::Promote, &app, &version);
            outcome.fail(&Error::Input(e));
            return finish(None, &ctx, &outcome, &[], &[], log);
        }
    };
    let mut client_options = settings.client.clone();
    if let Some(ca) = &ctx.extra_ca_file {
        match std::fs::read(ca) {
            Ok(pem) => client_options.extra_ca_pem = Some(pem),
            Err(e) => {
                let mut outcome = Outcome::new(
                    inputs.command,
                    &inputs.application,
                    inputs.version.as_deref().unwrap_or_default(),
                );
                outcome.fail(&Error::Input(crate::inputs::InputError::Combination {
                    message: format!("SSL_CERT_FILE `{}` cannot be read ({e}): point it at a PEM bundle of your JFrog CA or unset it", ca.display()),
                }));
                return finish(Some(&inputs), &ctx, &outcome, &[], &[], log);
            }
        }
    }
    let mut minted: Vec<Secret> = Vec::new();
    let token = match token(&inputs, &ctx, &client_options, &mut minted, log).await {
        Ok(t) => t,
        Err(e) => {
            let mut outcome = Outcome::new(
                inputs.command,
                &inputs.application,
                inputs.version.as_deref().unwrap_or_default(),
            );
            outcome.fail(&e);
            let code = finish(Some(&inputs), &ctx, &outcome, &[], &minted, log);
            report_to_github(&inputs, &ctx, &outcome, &client_options, &minted, log).await;
            return code;
        }
    };
    let client = match HttpAppTrust::new(&inputs.jfrog_url, token, client_options.clone()) {
        Ok(c) => c,
        Err(message) => {
            let mut outcome = Outcome::new(
                inputs.command,
                &inputs.application,
                inputs.version.as_deref().unwrap_or_default(),
            );
            outcome.fail(&Error::Input(crate::inputs::InputError::Combination {
                message,
            }));
            let code = finish(Some(&inputs), &ctx, &outcome, &[], &minted, log);
            report_to_github(&inputs, &ctx, &outcome, &client_options, &minted, log).await;
            return code;
        }
    };
    let outcome = execute(&inputs, &ctx, &client, &settings, log).await;
    let requests = client.requests();
    let code = finish(Some(&inputs), &ctx, &outcome, &requests, &minted, log);
    report_to_github(&inputs, &ctx, &outcome, &client_options, &minted, log).await;
    code
}

/// GitHub-side reports (check run, deployments, failure issue, webhook). Runs after outputs and
/// summary are written; its problems are warnings, never a different exit status.
async fn report_to_github(
    inputs: &Inputs,
    ctx: &RunContext,
    outcome: &Outcome,
    options: &ClientOptions,
    minted: &[Secret],
    log: &mut impl Write,
) {
    for w in crate::github::report::report_run(inputs, ctx, outcome, options, minted).await {
        let line = commands::annotation(
            Level::Warning,
            "promote-action: GitHub report",
            &w,
            None,
            None,
        );
        let _ = log.write_all(line.as_bytes());
    }
}

/// The access token: given, or minted through OIDC.
async fn token(
    inputs: &Inputs,
    ctx: &RunContext,
    options: &ClientOptions,
    minted: &mut Vec<Secret>,
    log: &mut impl Write,
) -> Result<Secret, Error> {
    if let Some(t) = &inputs.access_token {
        return Ok(t.clone());
    }
    let provider = inputs.oidc_provider_name.clone().unwrap_or_default();
    let (Some(url), Some(request_token)) = (&ctx.id_token_request_url, &ctx.id_token_request_token)
    else {
        return Err(Error::Input(crate::inputs::InputError::Combination {
            message: oidc::MISSING_PERMISSION.to_string(),
        }));
    };
    let http = crate::apptrust::client::http_client(options)
        .map_err(|message| Error::Input(crate::inputs::InputError::Combination { message }))?;
    let id_token =
        oidc::github_id_token(&http, url, request_token, inputs.oidc_audience.as_deref()).await?;
    // Both OIDC tokens are secrets: mask each the moment it exists.
    let _ = log.write_all(commands::add_mask(id_token.expose()).as_bytes());
    minted.push(id_token.clone());
    let ctx = oidc::ExchangeContext {
        provider_name: provider,
        project_key: inputs.project.clone(),
        application_key: Some(inputs.application.clone()),
        repository: ctx.repository.clone(),
        run_id: ctx.run_id.clone(),
        job_id: ctx.job.clone(),
        revision: ctx.sha.clone(),
        branch: ctx.git_ref.clone(),
    };
    let access = oidc::exchange(&http, &inputs.jfrog_url, &id_token, &ctx).await?;
    let _ = log.write_all(commands::add_mask(access.expose()).as_bytes());
    minted.push(access.clone());
    Ok(access)
}

/// Executes the command; never fails: errors are recorded in the outcome.
pub async fn execute<A: AppTrustApi>(
    inputs: &Inputs,
    ctx: &RunContext,
    api: &A,
    settings: &Settings,
    log: &mut impl Write,
) -> Outcome {
    let mut outcome = Outcome::new(
        inputs.command,
        &inputs.application,
        inputs.version.as_deref().unwrap_or_default(),
    );
    if inputs.hotfix {
        outcome.hotfix_reason = inputs.reason.clone();
    }
    if let Some(now) = settings.now {
        // Windows and freezes were judged at this instant, not the real time: say so wherever
        // the run is audited.
        outcome.warnings.push(format!(
            "PROMOTE_ACTION_NOW is set: windows and freezes were evaluated at {now}, not at the current time"
        ));
    }
    if let Err(e) = execute_inner(inputs, ctx, api, settings, &mut outcome, log).await {
        outcome.fail(&e);
    }
    outcome
}

async fn execute_inner<A: AppTrustApi>(
    inputs: &Inputs,
    ctx: &RunContext,
    api: &A,
    settings: &Settings,
    outcome: &mut Outcome,
    log: &mut impl Write,
) -> Result<(), Error> {
    // Policy errors are input errors: report them before touching JFrog.
    let policy = match inputs.command {
        Command::Promote | Command::Plan => load_policy(inputs, ctx, outcome)?,
        _ => None,
    };
    let lifecycle = api.lifecycle(inputs.project.as_deref()).await?;
    outcome.lifecycle = Some(lifecycle.clone());
    let version = match &inputs.version {
        Some(v) => v.clone(),
        None => api
            .newest_version(&inputs.application)
            .await?
            .ok_or_else(|| Error::Plan {
                message: format!(
                    "application `{}` has no versions: create one first, or set `version`",
                    inputs.application
                ),
            })?,
    };
    outcome.version = version.clone();
    let content = api.content(&inputs.application, &version).await?;
    outcome.from_stage = content.current_stage.clone();
    outcome.to_stage = content.current_stage.clone();
    outcome.release_status = content.release_status.clone();
    match inputs.command {
        Command::Status => {
            outcome.history = api.promotions(&inputs.application, &version).await?;
            outcome.result = RunResult::Unchanged;
            Ok(())
        }
        Command::Rollback => {
            let run = Run {
                inputs,
                ctx,
                settings,
                api,
                lifecycle: &lifecycle,
            };
            rollback(&run, content, outcome, log).await
        }
        Command::Promote | Command::Plan => {
            let policy = match policy {
                Some(mut p) => {
                    p.resolve_stages(&lifecycle.stages, inputs.project.as_deref())
                        .map_err(|e| Error::Policy(e.to_string()))?;
                    Some(p)
                }
                None => None,
            };
            let run = Run {
                inputs,
                ctx,
                settings,
                api,
                lifecycle: &lifecycle,
            };
            promote(&run, policy.as_ref(), content, outcome, log).await
        }
    }
}

/// What every command needs: the inputs, the run context, the settings, AppTrust and the
/// lifecycle already read.
struct Run<'a, A> {
    inputs: &'a Inputs,
    ctx: &'a RunContext,
    settings: &'a Settings,
    api: &'a A,
    lifecycle: &'a Lifecycle,
}

async fn promote<A: AppTrustApi>(
    run: &Run<'_, A>,
    policy: Option<&Policy>,
    content: VersionContent,
    outcome: &mut Outcome,
    log: &mut impl Write,
) -> Result<(), Error> {
    let Run {
        inputs,
        ctx,
        settings,
        api,
        lifecycle,
    } = *run;
    let target = match &inputs.target_stage {
        Some(t) => Some(
            lifecycle
                .resolve(t)
                .map_err(|e| Error::Plan {
                    message: format!("input `target-stage`: {e}"),
                })?
                .to_string(),
        ),
        None => None,
    };
    outcome.target_stage = target.clone();
    let path = lifecycle
        .path(&content.current_stage, target.as_deref())
        .map_err(|e| Error::Plan {
            message: e.to_string(),
        })?;
    if path.is_empty() {
        outcome.result = RunResult::Unchanged;
        let _ = writeln!(
            log,
            "promote-action: {} {} is already in {}; nothing to do",
            inputs.application,
            content.version,
            lifecycle.display(&content.current_stage)
        );
        return Ok(());
    }
    if outcome.target_stage.is_none() {
        outcome.target_stage = path.last().cloned();
    }
    let options = WalkOptions {
        plan_only: inputs.command == Command::Plan,
        promotion_type: inputs.promotion_type.as_api().to_string(),
        in_progress_wait: settings.in_progress_wait,
        poll: settings.poll,
    };
    let verdicts = match policy {
        Some(policy) => {
            let github = github_facts(policy, &path, inputs, ctx, &settings.client).await;
            let facts = RunFacts {
                workspace: &ctx.workspace,
                now: settings.now.unwrap_or_else(jiff::Timestamp::now),
                scheduled: ctx.event_name.as_deref() == Some("schedule"),
                hotfix: inputs.hotfix,
                reason: inputs.reason.as_deref(),
                actor: ctx.actor.as_deref(),
            };
            verdicts::decide_all(
                policy,
                &path,
                api,
                &inputs.application,
                &content,
                &github,
                &facts,
            )
            .await
        }
        None => BTreeMap::new(),
    };
    let gate_check = |stage: &str| verdicts.get(stage).cloned().unwrap_or_default();
    let result = promotion::walk(
        api,
        lifecycle,
        &inputs.application,
        content,
        &path,
        &options,
        gate_check,
        outcome,
    )
    .await;
    if !options.plan_only {
        let audit = audit_context(inputs, ctx, settings);
        let warnings = audit::record_hops(api, outcome, &audit).await;
        outcome.warnings.extend(warnings);
    }
    for hop in &outcome.hops {
        log_hop(lifecycle, hop, log);
    }
    result.map_err(Error::Remote)
}

async fn rollback<A: AppTrustApi>(
    run: &Run<'_, A>,
    content: VersionContent,
    outcome: &mut Outcome,
    log: &mut impl Write,
) -> Result<(), Error> {
    let Run {
        inputs,
        ctx,
        settings,
        api,
        lifecycle,
    } = *run;
    let current = content.current_stage.clone();
    if current.is_empty() {
        return Err(Error::Plan {
            message: format!(
                "version {} has never been promoted: there is nothing to roll back",
                content.version
            ),
        });
    }
    let from = match &inputs.from_stage {
        Some(f) => lifecycle
            .resolve(f)
            .map_err(|e| Error::Plan {
                message: format!("input `from-stage`: {e}"),
            })?
            .to_string(),
        None => current.clone(),
    };
    if from != current {
        return Err(Error::Plan {
            message: format!(
                "input `from-stage` is {} but version {} is in {}: AppTrust only rolls back from the current stage — set `from-stage: {}` or leave it empty",
                lifecycle.display(&from),
                content.version,
                lifecycle.display(&current),
                lifecycle.display(&current)
            ),
        });
    }
    let started = std::time::Instant::now();
    let mut hop = Hop {
        from: from.clone(),
        to: String::new(),
        action: HopAction::Rollback,
        promotion_type: String::new(),
        status: HopStatus::Failed,
        duration_ms: None,
        evaluations: Vec::new(),
        message: inputs.reason.clone().unwrap_or_default(),
    };
    let reply = api
        .rollback(&inputs.application, &content.version, &from)
        .await;
    let reply = match reply {
        Ok(r) => r,
        Err(e) if e.outcome_unknown() => {
            // Learn whether it happened before saying anything.
            let now = api.content(&inputs.application, &content.version).await?;
            if now.current_stage == from {
                hop.duration_ms = Some(started.elapsed().as_millis() as u64);
                outcome.hops.push(hop);
                return Err(Error::Remote(e));
            }
            crate::apptrust::RollbackReply {
                from_stage: from.clone(),
                to_stage: now.current_stage,
            }
        }
        Err(e) => {
            hop.duration_ms = Some(started.elapsed().as_millis() as u64);
            outcome.hops.push(hop);
            return Err(Error::Remote(e));
        }
    };
    let now = api.content(&inputs.application, &content.version).await?;
    hop.to = now.current_stage.clone();
    hop.status = HopStatus::Done;
    hop.duration_ms = Some(started.elapsed().as_millis() as u64);
    if !reply.to_stage.is_empty() && reply.to_stage != now.current_stage {
        outcome.warnings.push(format!(
            "AppTrust said the version went back to {}, but it reads as {}",
            lifecycle.display(&reply.to_stage),
            lifecycle.display(&now.current_stage)
        ));
    }
    outcome.from_stage = reply.from_stage;
    outcome.to_stage = now.current_stage;
    outcome.result = RunResult::RolledBack;
    log_hop(lifecycle, &hop, log);
    outcome.hops.push(hop);
    let audit = audit_context(inputs, ctx, settings);
    let warnings = audit::record_hops(api, outcome, &audit).await;
    outcome.warnings.extend(warnings);
    if settings.retag_on_rollback && lifecycle.is_release(&from) {
        let r = retag::after_rollback(
            api,
            &inputs.application,
            &content.version,
            content.tag.as_deref(),
        )
        .await;
        outcome.notes.extend(r.notes);
        outcome.warnings.extend(r.warnings);
    }
    Ok(())
}

fn audit_context(inputs: &Inputs, ctx: &RunContext, settings: &Settings) -> AuditContext {
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

fn log_hop(lifecycle: &Lifecycle, hop: &Hop, log: &mut impl Write) {
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
        (!outcome.application.is_empty()).then(|| crate::record::location(ctx, outcome));
    let record_path = record_location.as_ref().map(|(p, _)| p);
    let mut secrets: Vec<&str> = inputs
        .map(|i| i.secrets().into_iter().map(Secret::expose).collect())
        .unwrap_or_default();
    secrets.extend(minted.iter().map(Secret::expose));
    let scrub = |text: String| -> String { crate::report::redact(&text, &secrets) };
    let mut exit = outcome.exit_code();
    if let Some(path) = &record_path {
        let text = scrub(crate::record::render(inputs, ctx, outcome, requests));
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
                crate::github::report::apptrust_version_url(
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

/// Loads the policy named by the inputs: `None` (with a warning) when the default path is
/// absent, an error when an explicit path is absent or the file is invalid.
fn load_policy(
    inputs: &Inputs,
    ctx: &RunContext,
    outcome: &mut Outcome,
) -> Result<Option<Policy>, Error> {
    // The policy input comes from the workflow, but the file may come from a pull request:
    // keep it inside the workspace, so an error can never quote an arbitrary file of the runner.
    let rel = std::path::Path::new(&inputs.policy.path);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(Error::Policy(format!(
            "input `policy`: `{}` is outside the workspace; give a path relative to the repository root, such as .github/promotion-policy.yml",
            inputs.policy.path
        )));
    }
    let path = ctx.workspace.join(rel);
    if !path.exists() {
        if inputs.policy.explicit {
            return Err(Error::Policy(format!(
                "input `policy`: the file `{}` does not exist in the workspace; fix the path, or check out the repository before this step",
                inputs.policy.path
            )));
        }
        outcome.warnings.push(format!(
            "No policy file at `{}`: promoting without gates.",
            inputs.policy.path
        ));
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::Policy(format!(
            "cannot read policy file `{}`: {e}",
            inputs.policy.path
        ))
    })?;
    crate::policy::parse(&inputs.policy.path, &text)
        .map(Some)
        .map_err(|e| Error::Policy(e.to_string()))
}

/// Reads what the policy needs from GitHub on this path (nothing when it needs nothing).
async fn github_facts(
    policy: &Policy,
    path: &[String],
    inputs: &Inputs,
    ctx: &RunContext,
    options: &ClientOptions,
) -> GitHubFacts {
    let stages: Vec<_> = path.iter().filter_map(|s| policy.stage(s)).collect();
    let needs_checks = stages.iter().any(|s| {
        s.gates
            .iter()
            .any(|g| matches!(g.spec, crate::policy::GateSpec::Checks { .. }))
    });
    let needs_approvals = stages.iter().any(|s| s.approvals.is_some());
    let mut facts = GitHubFacts::default();
    if !needs_checks && !needs_approvals {
        return facts;
    }
    let client = match (
        &inputs.github_token,
        &ctx.repository,
        crate::apptrust::client::http_client(options),
    ) {
        (Some(token), Some(_), Ok(http)) => GitHubClient::new(http, &ctx.api_url, token.clone()),
        (None, _, _) => {
            let why = "input `github-token` is empty: required checks and approvals are read from GitHub (pass `github-token: ${{ github.token }}`)".to_string();
            facts.checks = Evidence::Unavailable(why.clone());
            facts.approvals = Err(why);
            return facts;
        }
        _ => {
            let why =
                "GITHUB_REPOSITORY is not set: this gate needs the GitHub run context".to_string();
            facts.checks = Evidence::Unavailable(why.clone());
            facts.approvals = Err(why);
            return facts;
        }
    };
    let repo = ctx.repository.clone().unwrap_or_default();
    if needs_checks {
        let event = ctx
            .event_path
            .as_ref()
            .and_then(|p| std::fs::read_to_string(p).ok());
        facts.checks = match crate::github::head_sha(
            ctx.event_name.as_deref(),
            event.as_deref(),
            ctx.sha.as_deref(),
        ) {
            Some(sha) => match client.check_runs(&repo, &sha).await {
                Ok(runs) => Evidence::Checks(runs),
                Err(e) => Evidence::Unavailable(e),
            },
            None => Evidence::Unavailable(
                "GITHUB_SHA is not set: cannot find the commit's check runs".into(),
            ),
        };
    }
    if needs_approvals {
        facts.approvals = match &ctx.run_id {
            Some(run) => client.approvals(&repo, run).await,
            None => {
                Err("GITHUB_RUN_ID is not set: approvals are read from the workflow run".into())
            }
        };
    }
    facts
}

/// Loads and parses a policy file.
pub fn load_policy_file(path: &std::path::Path) -> Result<crate::policy::Policy, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Policy(format!("cannot read policy file `{}`: {e}", path.display())))?;
    crate::policy::parse(&path.display().to_string(), &text)
        .map_err(|e| Error::Policy(e.to_string()))
}
