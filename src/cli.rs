//! Command-line entry: action mode (no arguments) and the local commands of SPEC.md.
//!
//! `demo`, `simulator`, `validate`, `gates`, `--version`, `--help`. Takes the arguments and the
//! environment variables from `main.rs`, returns the exit status.

use std::io::Write;
use std::path::PathBuf;

use crate::action::{self, Settings};
use crate::simulator::{SimConfig, Simulator};

const HELP: &str = "promote-action — promote JFrog AppTrust application versions, safely

USAGE:
    promote-action                     action mode: reads INPUT_* and GITHUB_* variables
    promote-action demo [--failing | --failing-verify | --identity-mismatch]
                                       promote a sample version DEV→QA→STAGING→PROD against
                                       the embedded AppTrust simulator (no network needed);
                                       --failing uses reports with a failing test (blocked);
                                       --failing-verify: PROD goes bad after the release
                                       (reverted); --identity-mismatch a policy naming
                                       another signer than the image's attestation
                                       (blocked); `demo --help` says more
    promote-action simulator [--port N] [--state FILE] [--token TOKEN] [--latency 50ms]
                                       run the AppTrust simulator on 127.0.0.1:N
                                       (default port 8080, token `simulator-token`);
                                       --latency delays every answer (a network's round trip)
    promote-action validate [POLICY...]
                                       check policy files (default .github/promotion-policy.yml):
                                       every problem, with line and column
    promote-action gates --stage STAGE [--policy FILE] [--application APP]
                                       would this pass? judge one stage's file-based gates on
                                       the reports in the current directory (no JFrog, no
                                       GitHub); `gates --help` says more
    promote-action --version | --help

Exit status: 0 done · 1 blocked by a gate or policy · 2 input or policy-file error · 3 remote error
";

/// Runs the command line; returns the exit status.
pub async fn main(args: Vec<String>, vars: Vec<(String, String)>) -> u8 {
    let mut stdout = std::io::stdout();
    match args.first().map(String::as_str) {
        None => {
            let settings = Settings::from_vars(&vars);
            action::run_action(vars, settings, &mut stdout).await
        }
        Some("--version" | "-V" | "version") => {
            let _ = writeln!(stdout, "promote-action {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Some("--help" | "-h" | "help") => {
            let _ = write!(stdout, "{HELP}");
            0
        }
        Some("demo") => match crate::demo::parse_args(&args[1..]) {
            Ok(crate::demo::Request::Help) => {
                let _ = write!(stdout, "{}", crate::demo::HELP);
                0
            }
            Ok(crate::demo::Request::Run(scenario)) => {
                crate::demo::run(&vars, scenario, &mut stdout).await
            }
            Err(message) => {
                let _ = writeln!(std::io::stderr(), "promote-action {message}");
                2
            }
        },
        Some("simulator") => simulator(&args[1..]).await,
        Some("validate") => validate(&args[1..], &vars, &mut stdout),
        Some("gates") => crate::local_gates::run(&args[1..], &vars, &mut stdout),
        Some(other) => {
            let _ = write!(
                std::io::stderr(),
                "promote-action: unknown command `{other}`\n\n{HELP}"
            );
            2
        }
    }
}

async fn simulator(args: &[String]) -> u8 {
    let mut port: u16 = 8080;
    let mut state: Option<PathBuf> = None;
    let mut config = SimConfig::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let value = it.next();
        match (a.as_str(), value) {
            ("--port", Some(v)) => match v.parse() {
                Ok(p) => port = p,
                Err(_) => return usage(&format!("--port `{v}` is not a port number (0–65535)")),
            },
            ("--state", Some(v)) => state = Some(PathBuf::from(v)),
            ("--token", Some(v)) => config.tokens = vec![v.clone()],
            ("--latency", Some(v)) => match parse_latency(v) {
                Ok(d) => config.latency = d,
                Err(message) => return usage(&message),
            },
            (flag, _) => return usage(&format!("unknown or incomplete option `{flag}`")),
        }
    }
    let config_latency = config.latency;
    let sim = match &state {
        Some(path) if path.exists() => match Simulator::from_state_file(path, config) {
            Ok(s) => s,
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "promote-action simulator: {e}");
                return 2;
            }
        },
        _ => Simulator::seeded(config),
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "promote-action simulator: cannot listen on 127.0.0.1:{port}: {e}; choose another --port"
            );
            return 3;
        }
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let latency = if config_latency.is_zero() {
        String::new()
    } else {
        format!("; every answer delayed {} ms", config_latency.as_millis())
    };
    let _ = writeln!(
        std::io::stdout(),
        "AppTrust simulator listening on http://{addr} (token: see --token, default `simulator-token`){latency}; Ctrl-C to stop"
    );
    let served = tokio::select! {
        r = sim.serve(listener) => r,
        _ = tokio::signal::ctrl_c() => Ok(()),
    };
    if let Some(path) = &state {
        if let Err(e) = sim.save_state(path) {
            let _ = writeln!(std::io::stderr(), "promote-action simulator: {e}");
            return 3;
        }
    }
    match served {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "promote-action simulator: {e}");
            3
        }
    }
}

/// `50ms`, `0.2s`, `1s` (jiff's friendly durations), zero allowed, at most a minute: a round
/// trip, not a timeout.
fn parse_latency(v: &str) -> Result<std::time::Duration, String> {
    let bad = || format!("--latency `{v}` is not a delay such as 50ms or 0.2s (0 to 60s)");
    let d: jiff::SignedDuration = v.trim().parse().map_err(|_| bad())?;
    let d = std::time::Duration::try_from(d).map_err(|_| bad())?;
    if d > std::time::Duration::from_secs(60) {
        return Err(bad());
    }
    Ok(d)
}

fn usage(message: &str) -> u8 {
    let _ = writeln!(std::io::stderr(), "promote-action: {message}\n\n{HELP}");
    2
}

/// Help of `promote-action validate`.
const VALIDATE_HELP: &str = "promote-action validate — check policy files

USAGE:
    promote-action validate [POLICY...]

Checks each policy file (default .github/promotion-policy.yml) and reports every problem in
it, with line and column; warns about stage names that look like misspellings. Calendar files
that freezes name (`ics`, relative to the current directory, the repository root) are checked
too when they are there. Under GitHub
Actions (GITHUB_ACTIONS=true) each problem is an annotation on the file; elsewhere it is one
line on stderr.

Exit status: 0 every file is valid · 2 a file is invalid or unreadable, or a bad option
";

/// `promote-action validate [POLICY...]`: every file given, each problem once.
fn validate(args: &[String], vars: &[(String, String)], out: &mut impl Write) -> u8 {
    let mut files: Vec<&str> = Vec::new();
    let mut options_done = false;
    for a in args {
        match a.as_str() {
            "--" if !options_done => options_done = true,
            "-h" | "--help" if !options_done => {
                let _ = write!(out, "{VALIDATE_HELP}");
                return 0;
            }
            flag if !options_done && flag.starts_with('-') && flag.len() > 1 => {
                let _ = writeln!(
                    std::io::stderr(),
                    "promote-action validate: unknown option `{flag}`\nusage: promote-action validate [POLICY...] (see `promote-action validate --help`)"
                );
                return 2;
            }
            file => files.push(file),
        }
    }
    if files.is_empty() {
        files.push(crate::inputs::DEFAULT_POLICY);
    }
    let actions = vars
        .iter()
        .any(|(k, v)| k == "GITHUB_ACTIONS" && v == "true");
    let mut code = 0;
    for file in files {
        if validate_one(file, actions, out) != 0 {
            code = 2;
        }
    }
    code
}

/// Checks one file; prints its verdict, problems and warnings; returns its exit status.
fn validate_one(path: &str, actions: bool, out: &mut impl Write) -> u8 {
    use crate::report::commands::{Level, annotation, annotation_at};
    let mut err = std::io::stderr();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            let message = crate::policy::PolicyReadError::Unreadable {
                path: path.to_string(),
                source: e,
            }
            .to_string();
            if actions {
                let line = annotation(
                    Level::Error,
                    "invalid policy file",
                    &message,
                    Some(path),
                    None,
                );
                let _ = out.write_all(line.as_bytes());
            } else {
                let _ = writeln!(err, "{message}");
            }
            return 2;
        }
    };
    let report = |level: Level, e: &crate::policy::PolicyError, out: &mut dyn Write| {
        let (title, word) = match level {
            Level::Error => ("invalid policy file", "error"),
            _ => ("policy file", "warning"),
        };
        // A calendar's problems are on the calendar file's lines.
        let file = e.source_name.as_str();
        if actions {
            let line = annotation_at(
                level,
                title,
                &e.to_string(),
                Some(file),
                u32::try_from(e.line).ok(),
                u32::try_from(e.column).ok(),
            );
            let _ = out.write_all(line.as_bytes());
        } else {
            let _ = writeln!(std::io::stderr(), "{file}: {word}: {}", e.describe());
        }
    };
    let parsed = crate::policy::parse(path, &text).and_then(|mut policy| {
        // Calendar files are workspace-relative, like report files: read from here.
        let workspace = std::path::Path::new(".");
        let notes = policy.load_calendars(
            |rel| crate::action::read_calendar(workspace, rel),
            crate::policy::LoadMode::Validate,
        )?;
        Ok((policy, notes))
    });
    match parsed {
        Ok((policy, notes)) => {
            for w in &policy.warnings {
                report(Level::Warning, w, out);
            }
            for note in &notes {
                if actions {
                    let line = annotation(Level::Warning, "policy file", note, Some(path), None);
                    let _ = out.write_all(line.as_bytes());
                } else {
                    let _ = writeln!(err, "{path}: warning: {note}");
                }
            }
            let stages: Vec<_> = policy.stages.iter().map(|s| s.key.as_str()).collect();
            let gates: usize = policy.stages.iter().map(|s| s.gates.len()).sum();
            let apps: Vec<_> = policy.applications.iter().map(|a| a.key.as_str()).collect();
            let apps = if apps.is_empty() {
                String::new()
            } else {
                format!("; applications: {}", apps.join(", "))
            };
            let _ = writeln!(
                out,
                "{path}: valid (stages: {}; {gates} {}{apps})",
                stages.join(", "),
                if gates == 1 { "gate" } else { "gates" }
            );
            0
        }
        Err(errors) => {
            for e in errors.errors() {
                report(Level::Error, e, out);
            }
            let n = errors.len();
            let _ = writeln!(
                out,
                "{path}: invalid ({n} {})",
                if n == 1 { "problem" } else { "problems" }
            );
            2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn latency_takes_friendly_durations() {
        for (given, ms) in [
            ("50ms", 50),
            ("0.2s", 200),
            ("1s", 1000),
            ("0ms", 0),
            ("0s", 0),
        ] {
            assert_eq!(
                parse_latency(given),
                Ok(Duration::from_millis(ms)),
                "{given}"
            );
        }
        for bad in ["fast", "-5ms", "2m", "50"] {
            let err = parse_latency(bad).unwrap_err();
            assert!(err.contains("--latency"), "{bad}: {err}");
        }
    }
}
