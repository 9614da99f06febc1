//! Many runs at once against one AppTrust: 20 action processes on 10 applications, several racing
//! on the same version, must never promote a version twice, must each exit with a truthful
//! result, and must agree with the simulator's history.

use std::collections::BTreeMap;

use promote_action::simulator::{APP_INVENTORY, SimConfig, Simulator};
use serde_json::Value;

use crate::common::{Action, Sim};

const APPS: usize = 10;
/// Runs per application: the first five applications get three racing runs each, the other five
/// one run each — 20 processes.
fn runs_of(app: usize) -> usize {
    if app < 5 { 3 } else { 1 }
}

fn app_key(i: usize) -> String {
    format!("svc-{i:02}")
}

/// The seeded state with ten copies of bookverse-inventory, each with version 1.2.0 in DEV.
fn ten_applications() -> Sim {
    let mut state = Simulator::seeded(SimConfig::default()).state();
    let app = state.applications[APP_INVENTORY].clone();
    let version = state.versions[APP_INVENTORY]["1.2.0"].clone();
    assert_eq!(version.current_stage, "bookverse-DEV");
    for i in 0..APPS {
        let key = app_key(i);
        let mut a = app.clone();
        a.application_key = key.clone();
        state.applications.insert(key.clone(), a);
        let mut v = version.clone();
        v.application_key = key.clone();
        state
            .versions
            .insert(key, BTreeMap::from([("1.2.0".to_string(), v)]));
    }
    Sim::with_state(state, SimConfig::default())
}

fn successes(sim: &Sim, app: &str) -> Vec<String> {
    sim.sim
        .version(app, "1.2.0")
        .expect("version")
        .history
        .iter()
        .filter(|r| r.status == "SUCCESS")
        .map(|r| r.target_stage.clone())
        .collect()
}

fn done_hops(record: &Value) -> Vec<String> {
    record["outcome"]["hops"]
        .as_array()
        .expect("hops")
        .iter()
        .filter(|h| h["status"] == "done")
        .map(|h| h["to"].as_str().expect("to").to_string())
        .collect()
}

#[test]
fn twenty_runs_on_ten_applications_promote_each_version_once() {
    let sim = ten_applications();
    let before: Vec<Vec<String>> = (0..APPS).map(|i| successes(&sim, &app_key(i))).collect();
    let mut actions = Vec::new();
    for i in 0..APPS {
        for _ in 0..runs_of(i) {
            let mut a = Action::new(&sim, &app_key(i));
            a.input("version", "1.2.0").input("target-stage", "PROD");
            actions.push((i, a));
        }
    }
    assert_eq!(actions.len(), 20);
    // Start all twenty before waiting for any.
    let children: Vec<_> = actions
        .iter()
        .map(|(_, a)| {
            a.command()
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let runs: Vec<_> = children
        .into_iter()
        .zip(&actions)
        .map(|(child, (i, a))| (*i, a.collect(child.wait_with_output().expect("wait"))))
        .collect();

    let mut done_by_app: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut released_by_app: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, run) in &runs {
        assert_eq!(
            run.code,
            0,
            "{}: {}\n{}",
            app_key(*i),
            run.stdout,
            run.stderr
        );
        let result = run.out("result");
        assert!(
            matches!(result, "released" | "unchanged"),
            "{}: result {result}\n{}",
            app_key(*i),
            run.stdout
        );
        assert_eq!(run.out("to-stage"), "PROD", "{}", run.stdout);
        // Where this run found the version: later starters may find it moved already.
        assert!(
            ["bookverse-DEV", "bookverse-QA", "bookverse-STAGING", "PROD"]
                .contains(&run.out("from-stage")),
            "{}",
            run.stdout
        );
        assert!(!run.stdout.contains("::error"), "{}", run.stdout);
        let record = run.record.as_ref().expect("record");
        let done = done_hops(record);
        if result == "released" {
            *released_by_app.entry(*i).or_default() += 1;
            assert_eq!(
                done.last().map(String::as_str),
                Some("PROD"),
                "{}",
                run.stdout
            );
        } else if run.out("from-stage") == "PROD" {
            // Started after the others had finished: it found the version there.
            assert!(run.stdout.contains("is already in PROD"), "{}", run.stdout);
        } else {
            assert!(
                run.summary.contains("Another run moved")
                    || run.stdout.contains("Another run moved"),
                "an unchanged run says why:\n{}\n{}",
                run.stdout,
                run.summary
            );
        }
        done_by_app.entry(*i).or_default().extend(done);
    }
    for i in 0..APPS {
        let app = app_key(i);
        let after = successes(&sim, &app);
        let added: Vec<String> = after[before[i].len()..].to_vec();
        // Each stage entered exactly once, in order: nothing was promoted twice.
        assert_eq!(
            added,
            ["bookverse-QA", "bookverse-STAGING", "PROD"],
            "{app}"
        );
        // The runs' own records account for every promotion AppTrust applied, and no more.
        let mut claimed = done_by_app[&i].clone();
        claimed.sort();
        let mut applied = added.clone();
        applied.sort();
        assert_eq!(
            claimed, applied,
            "{app}: hops the runs claim vs the history"
        );
        assert_eq!(
            released_by_app.get(&i),
            Some(&1),
            "{app}: exactly one run released it"
        );
        let v = sim.sim.version(&app, "1.2.0").expect("version");
        assert_eq!(v.current_stage, "PROD");
    }
}
