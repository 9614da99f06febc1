//! Action mode: the whole run from environment variables to exit status.
//!
//! [`run_action`] builds the run's one redactor (every line printed, file written and request
//! sent passes through it; see [`crate::secret`]) and masks secrets first, then parses inputs,
//! authenticates ([`auth`]), executes the command ([`execute`](mod@execute) → [`promote`] or [`rollback`],
//! the emergency stop in [`check_stop`], gathering
//! facts in [`gather`]), then reports ([`finish`](mod@finish): outputs, summary, annotations, record; then the
//! GitHub-side reports).
//! Every path, including input errors, ends in the same reporting so `result` is always written.

mod attest;
mod attestations_read;
mod auth;
mod baseline;
mod changes;
mod check_stop;
pub(crate) mod clock;
mod dry_run;
mod evidence_read;
mod execute;
mod finish;
mod gather;
mod github;
mod policy_file;
mod probe;
mod promote;
mod reads;
mod rollback;
mod rollback_to;
mod run;
mod settings;
mod verify;

pub(crate) use execute::execute;
pub(crate) use finish::finish;
/// The report files of a gate, found and read as a run does (also for the local `gates` command).
pub(crate) use gather::workspace as report_files;
pub use github::{github_client, report_run};

pub(crate) use policy_file::read_calendar;
pub(crate) use settings::Settings;

use std::io::Write;

use crate::error::Error;
use crate::github::GitHubClient;
use crate::http::RequestRecorder;
use crate::inputs::{Command, InputError, Inputs, RunContext};
use crate::jfrog::apptrust::client::HttpAppTrust;
use crate::jfrog::evidence::EvidenceClient;
use crate::promotion::outcome::Outcome;
use crate::report::commands::{self, Level};
use crate::secret::{RedactingWriter, Redactor};

/// Variables whose values are secrets, masked before anything else is printed.
const SECRET_VARS: &[&str] = &[
    "INPUT_ACCESS-TOKEN",
    "INPUT_GITHUB-TOKEN",
    "INPUT_NOTIFY-WEBHOOK",
    "INPUT_EVIDENCE-KEY",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
];

/// Runs the action; returns the exit status. `log` is the process stdout (workflow commands);
/// everything printed to it passes through the run's redactor.
pub(crate) async fn run_action(
    vars: Vec<(String, String)>,
    settings: Settings,
    log: &mut impl Write,
) -> u8 {
    // The one redactor of the run knows every secret before anything is printed or sent.
    let redactor = Redactor::default();
    for (k, v) in &vars {
        if SECRET_VARS.contains(&k.as_str()) {
            redactor.add(v);
        }
    }
    let mut log = RedactingWriter::new(log, redactor.clone());
    let log = &mut log;
    for (k, v) in vars.iter().filter(|_| settings.mask_secrets) {
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
            return finish(None, &ctx, &outcome, &[], &redactor, log);
        }
    };
    let mut client_options = settings.client.clone();
    client_options.redactor = redactor.clone();
    if let Some(ca) = &ctx.extra_ca_file {
        match std::fs::read(ca) {
            Ok(pem) => client_options.extra_ca_pem = Some(pem),
            Err(e) => {
                let mut outcome = Outcome::new(
                    inputs.command,
                    &inputs.application,
                    inputs.version.as_deref().unwrap_or_default(),
                );
                outcome.fail(&Error::Input(InputError::Combination {
                    message: format!("SSL_CERT_FILE `{}` cannot be read ({e}): point it at a PEM bundle of your JFrog CA or unset it", ca.display()),
                }));
                return finish(Some(&inputs), &ctx, &outcome, &[], &redactor, log);
            }
        }
    }
    let settings = Settings {
        client: client_options.clone(),
        ..settings
    };
    // The run's one GitHub client, for every read and the reports at the end.
    let github = github_client(&inputs, &ctx, &client_options);
    // One HTTP client (roots, timeouts) for the OIDC exchange and every JFrog client.
    let http = match crate::http::build_client(&client_options) {
        Ok(h) => h,
        Err(message) => {
            let e = Error::Input(InputError::Combination { message });
            return stop_early(&inputs, &ctx, &github, &redactor, &e, log).await;
        }
    };
    let token = match auth::token(&inputs, &ctx, &http, &client_options, log).await {
        Ok(t) => t,
        Err(e) => return stop_early(&inputs, &ctx, &github, &redactor, &e, log).await,
    };
    // Every JFrog client shares one HTTP client and one request log (the record lists them all).
    let recorder = RequestRecorder::default();
    let client = HttpAppTrust::with_http(
        http.clone(),
        &inputs.jfrog_url,
        token.clone(),
        client_options.clone(),
        recorder.clone(),
    );
    let evidence = EvidenceClient::new(
        http,
        &inputs.jfrog_url,
        token,
        client_options.clone(),
        recorder,
    );
    let mut outcome = execute(&inputs, &ctx, &client, &evidence, &github, &settings, log).await;
    let now = settings.instant();
    attest::attest(&inputs, &ctx, &evidence, now, &mut outcome).await;
    let network = client_options.meter.summary();
    if ctx.debug {
        let line = format!("::debug::promote-action: network: {}\n", network.describe());
        let _ = log.write_all(line.as_bytes());
    }
    outcome.network = Some(network);
    let requests = client.requests();
    let code = finish(Some(&inputs), &ctx, &outcome, &requests, &redactor, log);
    report_to_github(&inputs, &ctx, &outcome, &github, log).await;
    code
}

/// Ends a run that failed before reaching JFrog: the outcome says why, then the usual reporting.
async fn stop_early(
    inputs: &Inputs,
    ctx: &RunContext,
    github: &Result<GitHubClient, String>,
    redactor: &Redactor,
    error: &Error,
    log: &mut impl Write,
) -> u8 {
    let mut outcome = Outcome::new(
        inputs.command,
        &inputs.application,
        inputs.version.as_deref().unwrap_or_default(),
    );
    outcome.fail(error);
    let code = finish(Some(inputs), ctx, &outcome, &[], redactor, log);
    report_to_github(inputs, ctx, &outcome, github, log).await;
    code
}

/// GitHub-side reports (check run, deployments, failure issue, webhook). Runs after outputs and
/// summary are written; its problems are warnings, never a different exit status.
async fn report_to_github(
    inputs: &Inputs,
    ctx: &RunContext,
    outcome: &Outcome,
    github: &Result<GitHubClient, String>,
    log: &mut impl Write,
) {
    for w in report_run(inputs, ctx, outcome, github).await {
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
