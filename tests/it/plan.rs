//! `plan` tells the truth (issue 21, items 1–3): `to-stage` is where the version really is in
//! every command, a plan judges every stage of the path and says it is a plan, and a version
//! AppTrust would refuse (not `COMPLETED`) is caught before any gate — also when `version` is
//! empty and the newest one is still being created.

use serde_json::Value;

use crate::common::{Action, Run, Sim};

const APP: &str = "bookverse-inventory";

/// The demo's policy and reports with the failing security scan: QA passes, STAGING is blocked
/// by `security scan`, PROD passes. QA's bake time is left out: a version that enters DEV in the
/// run (1.3.0) has not baked there.
fn blocked_at_staging(sim: &Sim, version: &str, command: &str) -> Action {
    let mut a = Action::new(sim, APP);
    a.input("version", version)
        .input("command", command)
        .input("target-stage", "PROD");
    crate::gates::with_reports(sim, &mut a, false);
    let policy = crate::gates::demo_policy(&sim.url);
    let bake = "        bake: { min: 1h }\n";
    assert!(policy.contains(bake), "the demo policy has QA's bake time");
    let without: Vec<&str> = policy
        .split_inclusive('\n')
        .filter(|l| !l.contains("soaked in DEV") && *l != bake)
        .collect();
    a.file(".github/promotion-policy.yml", &without.concat());
    a.file(
        "reports/bandit.sarif",
        &crate::gates::demo_file("failing/bandit.sarif"),
    );
    a
}

fn error_line(run: &Run) -> String {
    run.stdout
        .lines()
        .find(|l| l.starts_with("::error title=promote-action%3A"))
        .unwrap_or_else(|| panic!("no final ::error in\n{}", run.stdout))
        .to_string()
}

fn gates(run: &Run) -> Vec<Value> {
    serde_json::from_str::<Value>(run.out("gates"))
        .expect("gates JSON")
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_blocked_plan_says_where_the_version_really_is() {
    let sim = Sim::start();
    // 1.3.0 was never promoted: a plan blocked at STAGING must not place it in QA.
    let run = blocked_at_staging(&sim, "1.3.0", "plan").run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.out("result"), "blocked");
    assert_eq!(run.out("to-stage"), "", "1.3.0 is in no stage");
    assert!(
        run.summary.contains("now at **no stage**"),
        "{}",
        run.summary
    );
    assert!(!run.summary.contains("now at **QA**"), "{}", run.summary);
    let error = error_line(&run);
    assert!(
        error.contains("the version stays in no stage (never promoted)"),
        "{error}"
    );
    assert!(!error.contains("stays in QA"), "{error}");
    assert!(
        run.stdout
            .contains("promote-action: result=blocked version=1.3.0 from= to=\n"),
        "{}",
        run.stdout
    );
    // 1.2.0 is in DEV: there it stays, whatever the plan found further on.
    let run = blocked_at_staging(&sim, "1.2.0", "plan").run();
    assert_eq!(run.out("to-stage"), "bookverse-DEV");
    assert!(error_line(&run).contains("the version stays in DEV"));
    assert_eq!(sim.sim.promotions_applied(), 0);
    assert_eq!(crate::common::mutations(&sim), vec![]);
}

#[test]
fn a_passing_plan_outputs_the_stage_the_version_is_in() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.1.0")
        .input("command", "plan")
        .input("target-stage", "PROD");
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "planned");
    assert_eq!(run.out("from-stage"), "bookverse-STAGING");
    assert_eq!(run.out("to-stage"), "bookverse-STAGING");
    assert!(
        run.summary
            .contains("nothing was changed and the version stays in STAGING"),
        "{}",
        run.summary
    );
}

#[test]
fn a_plan_judges_every_stage_and_says_it_is_a_plan() {
    let sim = Sim::start();
    let run = blocked_at_staging(&sim, "1.3.0", "plan").run();
    let stages: Vec<String> = gates(&run)
        .iter()
        .map(|g| g["stage"].as_str().unwrap_or_default().to_string())
        .collect();
    // PROD is judged although STAGING, before it, would be blocked.
    assert!(stages.contains(&"PROD".to_string()), "{stages:?}");
    assert!(
        run.summary.starts_with(
            "## ⛔ Plan for bookverse-inventory 1.3.0: DEV would pass, QA would pass, STAGING would be blocked by security scan, PROD would pass\n"
        ),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("### Gates for PROD"),
        "{}",
        run.summary
    );
    assert!(
        run.summary
            .contains("| STAGING → PROD | 📝 would release (copy) | 3 / 3 passed | — |"),
        "{}",
        run.summary
    );
    assert!(
        run.stdout
            .contains("::error title=promote-action%3A plan blocked::plan: DEV would pass, QA would pass, STAGING would be blocked by security scan, PROD would pass;"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("PROD · windows: open"),
        "{}",
        run.stdout
    );
    // The record says the same: four hops, the third would be blocked.
    let record = run.record.expect("record");
    let hops: Vec<&str> = record["outcome"]["hops"]
        .as_array()
        .expect("hops")
        .iter()
        .map(|h| h["status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(hops, ["planned", "planned", "blocked", "planned"]);
}

#[test]
fn a_version_still_being_created_is_refused_before_any_gate() {
    let sim = Sim::start();
    // 1.4.0 is IN_PROGRESS in the seed: AppTrust would answer a promotion with 409.
    let run = blocked_at_staging(&sim, "1.4.0", "plan").run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.out("result"), "blocked");
    assert_eq!(
        run.out("failed-gates").split(',').next(),
        Some("version status")
    );
    let error = error_line(&run);
    assert!(
        error.contains("DEV would be blocked by version status"),
        "{error}"
    );
    assert!(
        error.contains("version 1.4.0 is IN_PROGRESS: AppTrust is still creating it"),
        "{error}"
    );
    assert!(error.contains("wait for the creation to finish"), "{error}");

    // A promotion stops there: no gate gathered (no evidence read), nothing sent.
    sim.sim.clear_requests();
    let run = blocked_at_staging(&sim, "1.4.0", "promote").run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.out("failed-gates"), "version status");
    assert_eq!(gates(&run).len(), 1, "{}", run.out("gates"));
    assert!(
        sim.sim
            .requests()
            .iter()
            .all(|r| r.method == "GET" && !r.path.starts_with("/artifactory/")),
        "{:?}",
        sim.sim.requests()
    );
    assert!(
        run.summary.contains("nothing was promoted to DEV"),
        "{}",
        run.summary
    );
}

#[test]
fn an_empty_version_takes_the_newest_that_can_be_promoted() {
    let sim = Sim::start();
    // Newest first: 1.5.0 (FAILED), 1.4.0 (IN_PROGRESS), then 1.3.0 (COMPLETED, no stage).
    sim.sim.add_version(APP, "1.5.0", "FAILED");
    let run = Action::new(&sim, APP).run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("version"), "1.3.0");
    assert_eq!(run.out("result"), "promoted");
    assert_eq!(run.out("to-stage"), "bookverse-DEV");
    assert!(
        run.summary
            .contains("1.3.0, the newest version AppTrust can promote (newer, not COMPLETED yet: 1.5.0 is FAILED, 1.4.0 is IN\\_PROGRESS)"),
        "{}",
        run.summary
    );
    let stage = |v: &str| sim.sim.version(APP, v).expect("version").current_stage;
    assert_eq!(stage("1.4.0"), "");
    assert_eq!(stage("1.5.0"), "");
}

#[test]
fn an_empty_version_with_none_ready_says_why() {
    let sim = Sim::start();
    for v in ["1.0.0", "1.1.0", "1.2.0", "1.3.0"] {
        sim.sim.set_version_status(APP, v, "IN_PROGRESS");
    }
    let mut a = Action::new(&sim, APP);
    a.input("command", "plan");
    let run = a.run();
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.out("result"), "failed");
    assert_eq!(run.out("version"), "1.4.0");
    let error = error_line(&run);
    assert!(
        error.contains(
            "has no version AppTrust can promote (1.4.0 is IN_PROGRESS, 1.3.0 is IN_PROGRESS,"
        ),
        "{error}"
    );
    assert!(
        error.contains("the newest, 1.4.0, is IN_PROGRESS: AppTrust is still creating it"),
        "{error}"
    );
    assert_eq!(crate::common::mutations(&sim), vec![]);
}

#[test]
fn a_run_stopped_before_reading_the_version_does_not_say_where_it_is() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0").file(
        ".github/promotion-policy.yml",
        "version: 1\nstages:\n  QA:\n    gate: []\n",
    );
    let run = a.run();
    assert_eq!(run.code, 2, "{}", run.stdout);
    // 1.2.0 is in DEV; the run never asked, so it must not claim "no stage".
    assert!(!run.summary.contains("no stage"), "{}", run.summary);
    assert!(
        run.summary.contains("**Where the version is:** not read"),
        "{}",
        run.summary
    );
}
