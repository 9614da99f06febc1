//! Command-line entry: action mode (no arguments) and the local commands of SPEC.md.
//!
//! `demo`, `simulator`, `validate`, `--version`, `--help`. Takes the arguments and the
//! environment variables from `main.rs`, returns the exit status.

use std::io::Write;
use std::path::PathBuf;

use crate::action::{self, Settings};
use crate::simulator::{SimConfig, Simulator};

const HELP: &str = "promote-action — promote JFrog AppTrust application versions, safely

USAGE:
    promote-action                     action mode: reads INPUT_* and GITHUB_* variables
    promote-action demo [--failing]    promote a sample version DEV→QA→STAGING→PROD against
                                       the embedded AppTrust simulator (no network needed);
                                       --failing uses reports with a failing test (blocked);
                                       `demo --help` says more
    promote-action simulator [--port N] [--state FILE] [--token TOKEN]
                                       run the AppTrust simulator on 127.0.0.1:N
                                       (default port 8080, token `simulator-token`)
    promote-action validate [POLICY]   check a policy file (default .github/promotion-policy.yml)
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
            Ok(crate::demo::Request::Run { failing }) => {
                crate::demo::run(&vars, failing, &mut stdout).await
            }
            Err(message) => {
                let _ = writeln!(std::io::stderr(), "promote-action {message}");
                2
            }
        },
        Some("simulator") => simulator(&args[1..]).await,
        Some("validate") => validate(args.get(1).map(String::as_str), &mut stdout),
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
            (flag, _) => return usage(&format!("unknown or incomplete option `{flag}`")),
        }
    }
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
    let _ = writeln!(
        std::io::stdout(),
        "AppTrust simulator listening on http://{addr} (token: see --token, default `simulator-token`); Ctrl-C to stop"
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

fn usage(message: &str) -> u8 {
    let _ = writeln!(std::io::stderr(), "promote-action: {message}\n\n{HELP}");
    2
}

fn validate(path: Option<&str>, out: &mut impl Write) -> u8 {
    let path = path.unwrap_or(crate::inputs::DEFAULT_POLICY);
    match crate::action::load_policy_file(std::path::Path::new(path)) {
        Ok(policy) => {
            let stages: Vec<_> = policy.stages.iter().map(|s| s.key.as_str()).collect();
            let gates: usize = policy.stages.iter().map(|s| s.gates.len()).sum();
            let _ = writeln!(
                out,
                "{path}: valid (stages: {}; {gates} gates)",
                stages.join(", ")
            );
            0
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "{}",
                crate::report::commands::annotation(
                    crate::report::commands::Level::Error,
                    "invalid policy file",
                    &e.to_string(),
                    Some(path),
                    None
                )
                .trim_end()
            );
            let _ = writeln!(std::io::stderr(), "{e}");
            2
        }
    }
}
