//! One policy for many applications, end to end: the `application` input picks its entry under
//! `applications`, merged over the shared `stages`; `x-` keys hold anchors; `validate` checks
//! every application's stages.

use std::process::Command;

use crate::common::{Action, Run, Sim};

const POLICY: &str = ".github/promotion-policy.yml";

/// QA needs unit test reports that no run here has: blocked, unless the application's entry
/// replaces QA's gates. `bookverse-web` does; `bookverse-inventory` has no entry.
const MONOREPO: &str = "\
version: 1
x-unit-tests: &unit-tests
  name: unit tests
  tests: { paths: [\"reports/unit/*.xml\"] }
stages:
  QA:
    gates: [*unit-tests]
    approvals: { environment: qa }
    hotfix: { skip: [unit tests] }
applications:
  bookverse-web:
    stages:
      QA:
        gates: [{ name: content, integrity: {} }]
        approvals: null
        hotfix: null
";

fn promote(sim: &Sim, app: &str, version: &str, policy: &str) -> Run {
    let mut a = Action::new(sim, app);
    a.input("version", version)
        .input("target-stage", "QA")
        .file(POLICY, policy);
    a.run()
}

fn gate_names(run: &Run) -> Vec<String> {
    let gates: serde_json::Value = serde_json::from_str(run.out("gates")).expect("gates JSON");
    gates
        .as_array()
        .expect("array")
        .iter()
        .map(|g| {
            format!(
                "{}={}",
                g["gate"].as_str().unwrap_or("?"),
                g["status"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[test]
fn an_application_entry_replaces_the_shared_gates() {
    let sim = Sim::start();
    let web = promote(&sim, "bookverse-web", "2.0.0", MONOREPO);
    assert_eq!(web.code, 0, "{}", web.stdout);
    assert_eq!(web.out("result"), "promoted");
    assert_eq!(web.out("to-stage"), "bookverse-QA");
    assert_eq!(
        gate_names(&web),
        ["content=pass"],
        "its own gate, no approvals"
    );

    let inventory = promote(&sim, "bookverse-inventory", "1.2.0", MONOREPO);
    assert_eq!(inventory.code, 1, "{}", inventory.stdout);
    assert_eq!(inventory.out("result"), "blocked");
    assert!(
        gate_names(&inventory).contains(&"unit tests=fail".to_string()),
        "the shared gates: {:?}",
        gate_names(&inventory)
    );
}

/// A misspelt application key falls back to the shared stages, with a warning that says so.
#[test]
fn a_near_miss_application_key_is_warned_about() {
    let sim = Sim::start();
    let policy = MONOREPO.replace("  bookverse-web:\n", "  bookverse-webb:\n");
    let run = promote(&sim, "bookverse-web", "2.0.0", &policy);
    assert_eq!(run.code, 1, "the shared gates apply: {}", run.stdout);
    assert!(
        run.stdout.lines().any(|l| l.starts_with("::warning")
            && l.contains("no entry for application `bookverse-web`")
            && l.contains("did you mean `bookverse-webb`?")),
        "{}",
        run.stdout
    );
}

/// `validate` checks each application's merged stages: an inherited `hotfix.skip` that names a
/// gate the application replaced is an error for that application, at the line it is on.
#[test]
fn validate_checks_every_application() {
    let dir = tempfile::tempdir().expect("tmp");
    let policy = MONOREPO.replace("        hotfix: null\n", "");
    std::fs::write(dir.path().join("p.yml"), &policy).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_promote-action"))
        .args(["validate", "p.yml"])
        .current_dir(dir.path())
        .env_clear()
        .env("GITHUB_ACTIONS", "true")
        .output()
        .expect("runs");
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(2), "{shown}");
    let errors: Vec<&str> = shown.lines().filter(|l| l.starts_with("::error")).collect();
    assert_eq!(errors.len(), 1, "{shown}");
    assert!(
        errors[0].starts_with("::error file=p.yml,line=9,col=22,")
            && errors[0].contains(
                "unknown hotfix skip entry `unit tests` (for application `bookverse-web`) at line 9 column 22"
            ),
        "{shown}"
    );

    std::fs::write(dir.path().join("p.yml"), MONOREPO).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_promote-action"))
        .args(["validate", "p.yml"])
        .current_dir(dir.path())
        .env_clear()
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("p.yml: valid (stages: QA; 1 gate; applications: bookverse-web)")
    );
}
