//! Rolling a stage back to a chosen version (`to-version`) through the binary against the
//! simulator: three versions in PROD rolled back to the oldest, each with its audit properties
//! and tags; a plan lists them and sends nothing; a version never in the stage is refused; a
//! rollback failing midway (the simulator's fault injection) says where every version stands.

use promote_action::simulator::{Fault, FaultKind};
use serde_json::Value;

use crate::common::{Action, Run, Sim, mutations};

const APP: &str = "bookverse-inventory";

/// Releases `versions` to PROD, in order (1.0.0 is there already in the seed).
fn release(sim: &Sim, versions: &[&str]) {
    for v in versions {
        let mut a = Action::new(sim, APP);
        a.input("version", v).input("target-stage", "PROD");
        let run = a.run();
        assert_eq!(run.out("result"), "released", "{v}: {}", run.stdout);
    }
}

fn rollback_to(sim: &Sim, to: &str, command: &str) -> Run {
    let mut a = Action::new(sim, APP);
    a.input("command", command)
        .input("to-version", to)
        .input("from-stage", "PROD")
        .input("reason", "bad release train");
    a.run()
}

fn stage(sim: &Sim, v: &str) -> String {
    sim.sim.version(APP, v).expect("version").current_stage
}

#[test]
fn three_versions_in_prod_roll_back_to_the_oldest_newest_first() {
    let sim = Sim::start();
    release(&sim, &["1.1.0", "1.2.0"]);
    let before = mutations(&sim).len();
    let run = rollback_to(&sim, "1.0.0", "rollback");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "rolled-back");
    assert_eq!(run.out("version"), "1.0.0");
    assert_eq!(stage(&sim, "1.0.0"), "PROD");
    assert_eq!(stage(&sim, "1.2.0"), "bookverse-STAGING");
    assert_eq!(stage(&sim, "1.1.0"), "bookverse-STAGING");
    // Newest first: 1.2.0's rollback was sent before 1.1.0's.
    let rollbacks: Vec<String> = mutations(&sim)[before..]
        .iter()
        .filter(|r| r.path.ends_with("/rollback"))
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(rollbacks.len(), 2, "{rollbacks:?}");
    assert!(rollbacks[0].contains("/versions/1.2.0/"), "{rollbacks:?}");
    assert!(rollbacks[1].contains("/versions/1.1.0/"), "{rollbacks:?}");
    for v in ["1.2.0", "1.1.0"] {
        let state = sim.sim.version(APP, v).expect("version");
        assert_eq!(
            state.properties.get("promote-action.rollback.PROD.reason"),
            Some(&vec!["bad release train".to_string()]),
            "{v}: {:?}",
            state.properties
        );
        assert_eq!(state.tag, "quarantine", "{v}");
    }
    // One record lists both.
    let record = run.record.as_ref().expect("record");
    let list = record["outcome"]["rollbacks"]
        .as_array()
        .expect("rollbacks");
    let got: Vec<(&str, &str)> = list
        .iter()
        .map(|r| {
            (
                r["version"].as_str().unwrap_or(""),
                r["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![("1.2.0", "rolled-back"), ("1.1.0", "rolled-back")]
    );
    assert!(
        run.summary.starts_with(
            "## ↩️ bookverse-inventory PROD rolled back to 1.0.0: rolled back 1.2.0, 1.1.0"
        ),
        "{}",
        run.summary
    );
    // Rolling back to the current version again changes nothing.
    let again = rollback_to(&sim, "1.0.0", "rollback");
    assert_eq!(again.out("result"), "unchanged", "{}", again.stdout);
}

#[test]
fn a_plan_lists_the_versions_and_sends_nothing() {
    let sim = Sim::start();
    release(&sim, &["1.1.0", "1.2.0"]);
    let before = mutations(&sim).len();
    let run = rollback_to(&sim, "1.0.0", "plan");
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "planned");
    assert_eq!(mutations(&sim).len(), before, "a plan sends nothing");
    assert!(
        run.summary.contains(
            "Plan: roll bookverse-inventory PROD back to 1.0.0: would roll back 1.2.0, 1.1.0"
        ),
        "{}",
        run.summary
    );
    assert!(
        run.summary
            .contains("`command: rollback` and the same `to-version`")
    );
    assert_eq!(stage(&sim, "1.2.0"), "PROD");
}

#[test]
fn a_version_never_in_the_stage_is_refused_before_anything_is_sent() {
    let sim = Sim::start();
    release(&sim, &["1.1.0"]);
    let before = mutations(&sim).len();
    // 1.2.0 is in DEV: it was never in PROD.
    let run = rollback_to(&sim, "1.2.0", "rollback");
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.out("result"), "failed");
    assert!(
        run.stdout.contains("1.2.0 was never in PROD")
            && run.stdout.contains("nothing was rolled back"),
        "{}",
        run.stdout
    );
    // 1.1.0 rolled back out of PROD earlier: it was there, but is not now.
    let mut a = Action::new(&sim, APP);
    a.input("command", "rollback")
        .input("version", "1.1.0")
        .input("reason", "x");
    assert_eq!(a.run().out("result"), "rolled-back");
    let before = mutations(&sim).len().max(before);
    let run = rollback_to(&sim, "1.1.0", "rollback");
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(
        run.stdout.contains("1.1.0 is not in PROD now"),
        "{}",
        run.stdout
    );
    assert_eq!(mutations(&sim).len(), before, "nothing sent");
    // Unknown version, and version with to-version.
    let run = rollback_to(&sim, "9.9.9", "rollback");
    assert_eq!(run.code, 2, "{}", run.stdout);
    let mut a = Action::new(&sim, APP);
    a.input("command", "rollback")
        .input("version", "1.0.0")
        .input("to-version", "1.0.0")
        .input("reason", "x");
    let run = a.run();
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("not both"), "{}", run.stdout);
}

#[test]
fn a_failure_midway_stops_and_says_where_each_version_stands() {
    let sim = Sim::start();
    release(&sim, &["1.1.0", "1.2.0", "1.3.0"]);
    sim.sim.inject(Fault {
        method: Some("POST".into()),
        path_contains: "/versions/1.2.0/rollback".into(),
        kind: FaultKind::Status {
            code: 400,
            retry_after: None,
            body: None,
        },
        times: None,
    });
    let run = rollback_to(&sim, "1.0.0", "rollback");
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert_eq!(run.out("result"), "failed");
    assert_eq!(stage(&sim, "1.3.0"), "bookverse-STAGING");
    assert_eq!(stage(&sim, "1.2.0"), "PROD");
    assert_eq!(stage(&sim, "1.1.0"), "PROD");
    let error = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error"))
        .unwrap_or_default()
        .to_string();
    for want in [
        "1.3.0 rolled back, now in STAGING",
        "1.2.0 not rolled back, still in PROD",
        "1.1.0 not attempted, still in PROD",
    ] {
        assert!(error.contains(want), "{want}: {error}");
    }
    let list: &Value = &run.record.as_ref().expect("record")["outcome"]["rollbacks"];
    assert_eq!(list[1]["status"], "failed");
    assert_eq!(list[2]["status"], "not-attempted");
    assert!(
        run.summary
            .contains("| `1.1.0` | PROD | PROD | ⏭️ not attempted |"),
        "{}",
        run.summary
    );
}
