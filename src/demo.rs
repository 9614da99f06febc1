//! `promote-action demo`: the whole product on one machine, no network, no credentials.
//!
//! Starts the AppTrust simulator on a free loopback port, lays out a workspace with the bundled
//! sample policy and reports, runs the action exactly as the runner would (same variables, same
//! files) to promote `bookverse-inventory` 1.2.0 DEV→QA→STAGING→PROD, then prints the job summary.
//! The version's container image carries the digest of a real GitHub attestation, which the
//! simulator's GitHub attestations route serves, so the PROD `attestations` gate verifies a real
//! bundle offline (`--identity-mismatch`: with a policy naming another signer).
//! The workspace is temporary; the record is kept where its printed path says. Run as a workflow
//! step, it behaves like one: summary and outputs appended to the runner's files, secrets masked.
//!
//! The policy's live gates (a bake time, a health endpoint, a `verify` watch of PROD with a
//! Prometheus query) ask the simulator's monitoring routes, and the run's clock is virtual, so
//! the ten-minute watch takes milliseconds. `--failing-verify` makes the 5xx ratio go bad three
//! minutes into that watch: the release is rolled back (`reverted`).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::action::{self, Settings, clock::Clock};
use crate::simulator::attestations::IMAGE_SIGNER_WORKFLOW;
use crate::simulator::{
    DEMO_KEY_ALIAS, DEMO_PRIVATE_KEY, EVIDENCE_TEST_RESULT, Monitoring, SimConfig, Simulator,
    seed_predicate,
};

/// Where the demo policy's live gates point: the simulator's default address, replaced by the
/// address it really listens on when the workspace is written.
const POLICY_SIMULATOR_URL: &str = "http://127.0.0.1:8080";

/// The application and version the demo promotes.
const DEMO_APP: &str = "bookverse-inventory";
const DEMO_VERSION: &str = "1.2.0";

/// Sample files written into the demo workspace: (relative path, content). Produced by
/// `scripts/gen-demo-reports.sh` with pytest, coverage.py, bandit and hyperfine.
pub(crate) const SAMPLE_FILES: &[(&str, &str)] = &[
    (
        ".github/keys/bookverse-ci.pub",
        include_str!("../demo/keys/bookverse-ci.pub"),
    ),
    (
        ".github/promotion-policy.yml",
        include_str!("../demo/promotion-policy.yml"),
    ),
    (
        "reports/junit/pytest.xml",
        include_str!("../demo/reports/junit/pytest.xml"),
    ),
    (
        "reports/coverage.xml",
        include_str!("../demo/reports/coverage.xml"),
    ),
    (
        "reports/bandit.sarif",
        include_str!("../demo/reports/bandit.sarif"),
    ),
    (
        "reports/bench.json",
        include_str!("../demo/reports/bench.json"),
    ),
];

/// The same project with a failing test and a shell-injection finding (`demo --failing`).
pub(crate) const FAILING_FILES: &[(&str, &str)] = &[
    (
        ".github/keys/bookverse-ci.pub",
        include_str!("../demo/keys/bookverse-ci.pub"),
    ),
    (
        ".github/promotion-policy.yml",
        include_str!("../demo/promotion-policy.yml"),
    ),
    (
        "reports/junit/pytest.xml",
        include_str!("../demo/failing/junit/pytest.xml"),
    ),
    (
        "reports/coverage.xml",
        include_str!("../demo/failing/coverage.xml"),
    ),
    (
        "reports/bandit.sarif",
        include_str!("../demo/failing/bandit.sarif"),
    ),
    (
        "reports/bench.json",
        include_str!("../demo/failing/bench.json"),
    ),
];

/// Writes a sample workspace under `dir`.
pub(crate) fn write_workspace(dir: &Path, files: &[(&str, &str)]) -> std::io::Result<()> {
    for (rel, content) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, content)?;
    }
    Ok(())
}

/// The signer `demo --identity-mismatch`'s policy asks for instead of the real one.
pub(crate) const MISMATCHED_SIGNER: &str = "bookverse/inventory/.github/workflows/release.yml";

/// `promote-action demo --help`.
pub(crate) const HELP: &str =
    "promote-action demo — the whole product on this machine, no network, no credentials

USAGE:
    promote-action demo [--failing | --failing-verify | --identity-mismatch]

Starts the embedded AppTrust simulator on a free 127.0.0.1 port, writes a workspace with the
sample policy and reports (made by pytest, coverage.py, bandit and hyperfine), and promotes
bookverse-inventory 1.2.0 DEV → QA → STAGING → PROD exactly as the GitHub runner would run the
action; then prints the job summary and the step outputs. PROD requires build provenance: the
version's container image has the digest of a real GitHub artifact attestation (of the image
ghcr.io/github/artifact-attestations-opa-provider), which the simulator serves as GitHub's
attestations API does; the action verifies it offline and checks who signed it. The policy's
bake time, health check and the ten-minute watch of PROD after the release (a Prometheus query
and the health endpoint, both served by the simulator) run on a virtual clock: the demo takes a
second or two.

OPTIONS:
    --failing              reports with a failing test and a shell-injection finding: blocked
                           before QA
    --failing-verify       the 5xx ratio goes over its bound 3 minutes into the watch of PROD:
                           the release is rolled back to STAGING (result `reverted`)
    --identity-mismatch    the policy wants the image built by bookverse/inventory's release
                           workflow; the attestation verifies but another workflow signed it:
                           blocked before PROD, naming `signer-workflow`
    -h, --help             this help

The JSON audit record is kept in $RUNNER_TEMP (else $TMPDIR, else /tmp) at the path printed.
With GITHUB_STEP_SUMMARY / GITHUB_OUTPUT set (as in a workflow step), the summary and the outputs
are appended to those files too. `::add-mask::` lines are printed only when GITHUB_ACTIONS=true.

Exit status: the promotion's (0 released · 1 blocked or reverted · 3 the simulator could not
start)
";

/// Which story the demo tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Scenario {
    /// Every gate passes and the watch of PROD stays good: released.
    #[default]
    Passing,
    /// The reports carry a failing test and a high-severity finding: blocked before QA.
    Failing,
    /// Released, then the 5xx ratio goes bad during the watch: reverted.
    FailingVerify,
    /// The policy names another signer than the attestation's: blocked before PROD.
    IdentityMismatch,
}

/// What `promote-action demo …` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Request {
    /// Print [`HELP`].
    Help,
    /// Run the demo.
    Run(Scenario),
}

/// Parses the arguments after `demo`; an unknown one is an error naming it.
pub(crate) fn parse_args(args: &[String]) -> Result<Request, String> {
    let mut scenario = Scenario::Passing;
    for a in args {
        let wanted = match a.as_str() {
            "-h" | "--help" | "help" => return Ok(Request::Help),
            "--failing" => Scenario::Failing,
            "--failing-verify" => Scenario::FailingVerify,
            "--identity-mismatch" => Scenario::IdentityMismatch,
            other => {
                return Err(format!(
                    "demo: unknown option `{other}` (see `promote-action demo --help`)"
                ));
            }
        };
        if scenario != Scenario::Passing && scenario != wanted {
            return Err(
                "demo: give one of `--failing`, `--failing-verify`, `--identity-mismatch`".into(),
            );
        }
        scenario = wanted;
    }
    Ok(Request::Run(scenario))
}

/// The demo policy, with the attestation's signer replaced for `--identity-mismatch`.
pub(crate) fn policy_text(scenario: Scenario) -> String {
    let policy = include_str!("../demo/promotion-policy.yml");
    match scenario {
        Scenario::IdentityMismatch => policy.replace(IMAGE_SIGNER_WORKFLOW, MISMATCHED_SIGNER),
        _ => policy.to_string(),
    }
}

/// Runs the demo; returns the exit status of the promotion. `vars` are the process's environment: `TMPDIR`, `RUNNER_TEMP`,
/// `GITHUB_STEP_SUMMARY`, `GITHUB_OUTPUT` and `GITHUB_ACTIONS` are honoured.
pub(crate) async fn run(vars: &[(String, String)], scenario: Scenario, out: &mut impl Write) -> u8 {
    let host = |k: &str| {
        vars.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let tmp = host("TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    // The record outlives the demo: it is written where the printed path says and kept.
    let keep = host("RUNNER_TEMP")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(|| tmp.clone());
    let dir = tmp.join(format!("promote-action-demo-{}", uuid::Uuid::new_v4()));
    let host_files = HostFiles {
        summary: host("GITHUB_STEP_SUMMARY").map(PathBuf::from),
        output: host("GITHUB_OUTPUT").map(PathBuf::from),
        masks: host("GITHUB_ACTIONS").as_deref() == Some("true"),
    };
    let code = run_in(&dir, &keep, &host_files, scenario, out).await;
    let _ = std::fs::remove_dir_all(&dir);
    code
}

/// The runner's files and conventions of the process the demo runs in, if any.
struct HostFiles {
    /// `GITHUB_STEP_SUMMARY`: the demo's summary is appended to it.
    summary: Option<PathBuf>,
    /// `GITHUB_OUTPUT`: the demo's outputs are appended to it.
    output: Option<PathBuf>,
    /// `GITHUB_ACTIONS=true`: the runner reads `::add-mask::` lines.
    masks: bool,
}

async fn run_in(
    dir: &Path,
    keep: &Path,
    host: &HostFiles,
    scenario: Scenario,
    out: &mut impl Write,
) -> u8 {
    let workspace = dir.join("workspace");
    let failing = scenario == Scenario::Failing;
    let policy = policy_text(scenario);
    if let Err(e) = std::fs::create_dir_all(&workspace).and_then(|_| {
        write_workspace(
            &workspace,
            if failing { FAILING_FILES } else { SAMPLE_FILES },
        )?;
        write_workspace(&workspace, &[(crate::inputs::DEFAULT_POLICY, &policy)])
    }) {
        let _ = writeln!(
            out,
            "demo: cannot prepare the workspace in {}: {e}",
            dir.display()
        );
        return 3;
    }
    let sim = Simulator::seeded(SimConfig::default());
    // The image GitHub attested: its provenance is what the PROD gate verifies.
    sim.attest_demo_image(DEMO_APP, DEMO_VERSION);
    if failing {
        // The CI run whose tests failed attested it: the signed record says FAILED.
        sim.clear_evidence(DEMO_APP, DEMO_VERSION);
        sim.add_evidence_with(
            DEMO_APP,
            DEMO_VERSION,
            EVIDENCE_TEST_RESULT,
            seed_predicate(EVIDENCE_TEST_RESULT, false),
        );
    }
    if scenario == Scenario::FailingVerify {
        // One value per query: the check before the release, two good minutes, then 6 %.
        sim.set_monitoring(Monitoring {
            values: ["0.002", "0.003", "0.002", "0.061"]
                .map(String::from)
                .to_vec(),
            ..Monitoring::default()
        });
    }
    let addr = match sim.spawn().await {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(
                out,
                "demo: cannot start the AppTrust simulator on 127.0.0.1: {e}"
            );
            return 3;
        }
    };
    if let Err(e) = point_policy_at(&workspace, &format!("http://{addr}")) {
        let _ = writeln!(out, "demo: cannot write the demo policy: {e}");
        return 3;
    }
    let output = dir.join("github_output");
    let summary = dir.join("step_summary");
    let token = SimConfig::default()
        .tokens
        .into_iter()
        .next()
        .unwrap_or_default();
    let pairs: Vec<(&str, String)> = vec![
        ("INPUT_JFROG-URL", format!("http://{addr}")),
        ("INPUT_ACCESS-TOKEN", token.clone()),
        ("INPUT_PROJECT", "bookverse".into()),
        ("INPUT_APPLICATION", DEMO_APP.into()),
        ("INPUT_VERSION", DEMO_VERSION.into()),
        ("INPUT_TARGET-STAGE", "PROD".into()),
        ("INPUT_COMMAND", "promote".into()),
        ("INPUT_POLICY", crate::inputs::DEFAULT_POLICY.into()),
        // The decision is attested, signed with the demo key JFrog (the simulator) trusts.
        ("INPUT_EVIDENCE-KEY", DEMO_PRIVATE_KEY.into()),
        ("INPUT_EVIDENCE-KEY-ALIAS", DEMO_KEY_ALIAS.into()),
        // GitHub's attestations API, as the simulator serves it.
        ("INPUT_GITHUB-TOKEN", token),
        ("GITHUB_API_URL", format!("http://{addr}/github")),
        ("GITHUB_WORKSPACE", workspace.display().to_string()),
        ("RUNNER_TEMP", keep.display().to_string()),
        ("GITHUB_OUTPUT", output.display().to_string()),
        ("GITHUB_STEP_SUMMARY", summary.display().to_string()),
        ("GITHUB_REPOSITORY", "bookverse/inventory".into()),
        ("GITHUB_RUN_ID", "4242".into()),
        (
            "GITHUB_SHA",
            "0123456789abcdef0123456789abcdef01234567".into(),
        ),
        ("GITHUB_ACTOR", "demo-user".into()),
        ("GITHUB_EVENT_NAME", "workflow_dispatch".into()),
    ];
    let vars: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    let _ = writeln!(
        out,
        "AppTrust simulator on http://{addr}; promoting bookverse-inventory 1.2.0 to PROD\n"
    );
    let started = std::time::Instant::now();
    let settings = Settings {
        mask_secrets: host.masks,
        // The watch of PROD waits on a virtual clock: ten minutes of checks in milliseconds.
        clock: Clock::virtual_at(jiff::Timestamp::now()),
        ..Settings::default()
    };
    let code = action::run_action(vars, settings, out).await;
    let took = started.elapsed();
    show_and_hand_over(&summary, &output, host, out);
    let _ = writeln!(
        out,
        "\ndemo finished in {} ms with exit status {code}",
        took.as_millis()
    );
    code
}

/// Points the workspace policy's live gates at the simulator listening on `url`.
fn point_policy_at(workspace: &Path, url: &str) -> std::io::Result<()> {
    let path = workspace.join(crate::inputs::DEFAULT_POLICY);
    let text = std::fs::read_to_string(&path)?;
    std::fs::write(path, text.replace(POLICY_SIMULATOR_URL, url))
}

/// Prints the run's summary (as plain text) and outputs, then appends them to the runner's
/// files when the demo runs as a workflow step: there they are the step's, like the action's.
fn show_and_hand_over(summary: &Path, output: &Path, host: &HostFiles, out: &mut impl Write) {
    let _ = writeln!(out, "\n──────── job summary ────────\n");
    match std::fs::read_to_string(summary) {
        Ok(text) => {
            let _ = writeln!(out, "{}", crate::report::terminal::plain(&text));
        }
        Err(e) => {
            let _ = writeln!(out, "(no summary written: {e})");
        }
    }
    let _ = writeln!(out, "──────── outputs ────────");
    let outputs = std::fs::read_to_string(output).unwrap_or_default();
    if let Ok(values) = crate::report::outputs::parse(&outputs) {
        for (k, v) in values {
            let _ = writeln!(out, "{k} = {v}");
        }
    }
    for (file, text, what) in [
        (
            &host.summary,
            std::fs::read_to_string(summary).ok(),
            "GITHUB_STEP_SUMMARY",
        ),
        (&host.output, Some(outputs), "GITHUB_OUTPUT"),
    ] {
        if let (Some(file), Some(text)) = (file, text) {
            match crate::report::outputs::append_file(file, &text) {
                Ok(()) => {
                    let _ = writeln!(out, "(appended to {what}: {})", file.display());
                }
                Err(e) => {
                    let _ = writeln!(out, "demo: cannot append to {what} {}: {e}", file.display());
                }
            }
        }
    }
}
