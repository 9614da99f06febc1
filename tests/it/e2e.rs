//! End to end: the real binary, a scrubbed environment, the simulator.

use crate::common::{Action, Sim};

const APP: &str = "bookverse-inventory";

fn stage(sim: &Sim, version: &str) -> String {
    sim.sim
        .version(APP, version)
        .expect("version exists")
        .current_stage
}

#[test]
fn promotes_one_hop_to_the_next_stage() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP).input("version", "1.2.0").run();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.out("result"), "promoted");
    assert_eq!(run.out("version"), "1.2.0");
    assert_eq!(run.out("from-stage"), "bookverse-DEV");
    assert_eq!(run.out("to-stage"), "bookverse-QA");
    assert_eq!(stage(&sim, "1.2.0"), "bookverse-QA");
    assert_eq!(sim.sim.promotions_applied(), 1);
    assert!(
        run.summary
            .starts_with("## ✅ bookverse-inventory 1.2.0 promoted DEV → QA"),
        "{}",
        run.summary
    );
    let record = run.record.expect("record written");
    assert_eq!(record["outcome"]["result"], "promoted");
    assert_eq!(record["inputs"]["access-token"], "***");
}

#[test]
fn walks_every_stage_to_staging() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.3.0")
        .input("target-stage", "STAGING")
        .run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "promoted");
    assert_eq!(run.out("from-stage"), "");
    assert_eq!(run.out("to-stage"), "bookverse-STAGING");
    assert_eq!(sim.sim.promotions_applied(), 3);
    assert!(run.summary.contains("| (none) → DEV |"), "{}", run.summary);
    assert!(run.summary.contains("| QA → STAGING |"), "{}", run.summary);
}

#[test]
fn releases_to_prod_through_release() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.1.0")
        .input("target-stage", "prod")
        .run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "released");
    assert_eq!(run.out("to-stage"), "PROD");
    let v = sim.sim.version(APP, "1.1.0").expect("version");
    assert_eq!(v.current_stage, "PROD");
    let posts: Vec<_> = sim
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST")
        .map(|r| r.path)
        .collect();
    assert_eq!(posts.len(), 1);
    assert!(posts[0].ends_with("/versions/1.1.0/release"), "{posts:?}");
}

#[test]
fn already_there_is_unchanged_and_sends_nothing() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.1.0")
        .input("target-stage", "bookverse-STAGING")
        .run();
    assert_eq!(run.code, 0);
    assert_eq!(run.out("result"), "unchanged");
    assert_eq!(run.out("to-stage"), "bookverse-STAGING");
    assert!(sim.sim.requests().iter().all(|r| r.method == "GET"));
}

#[test]
fn empty_version_means_newest_that_can_be_promoted() {
    let sim = Sim::start();
    // The newest version (1.4.0) is still being built: the newest COMPLETED one (1.3.0) goes.
    let run = Action::new(&sim, APP).run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("version"), "1.3.0");
    assert_eq!(stage(&sim, "1.4.0"), "");
    assert_eq!(stage(&sim, "1.3.0"), "bookverse-DEV");
}

#[test]
fn missing_required_input_exits_2_naming_it() {
    let sim = Sim::start();
    let run = Action::new(&sim, "").run();
    assert_eq!(run.code, 2);
    assert_eq!(run.out("result"), "failed");
    assert!(
        run.stdout.contains(
            "::error title=promote-action%3A invalid input::input `application` is required"
        ),
        "{}",
        run.stdout
    );
    assert!(sim.sim.requests().is_empty());
}

#[test]
fn bad_boolean_exits_2_naming_the_input_and_the_accepted_values() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP).input("hotfix", "yes").run();
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("input `hotfix` has the value `yes`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("true, True, TRUE, false, False, FALSE"));
}

#[test]
fn unreachable_jfrog_exits_3_without_false_success() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("jfrog-url", "http://127.0.0.1:9")
        .input("version", "1.2.0")
        .run();
    assert_eq!(run.code, 3, "{}", run.stdout);
    assert_eq!(run.out("result"), "failed");
    assert!(run.stdout.contains("jfrog-url"), "{}", run.stdout);
    assert!(run.summary.starts_with("## ❌"), "{}", run.summary);
    assert!(!run.summary.contains("✅"));
}

#[test]
fn wrong_token_exits_3_and_says_so() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("access-token", "wrong-token-value")
        .input("version", "1.2.0")
        .run();
    assert_eq!(run.code, 3);
    assert_eq!(run.out("result"), "failed");
    assert!(run.stdout.contains("HTTP 401"), "{}", run.stdout);
    assert_eq!(stage(&sim, "1.2.0"), "bookverse-DEV");
}

#[test]
fn unknown_target_stage_exits_2_with_a_suggestion() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.2.0")
        .input("target-stage", "STAGNG")
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stdout.contains("did you mean `STAGING`"),
        "{}",
        run.stdout
    );
}

#[test]
fn backwards_target_is_refused_before_any_post() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.1.0")
        .input("target-stage", "DEV")
        .run();
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("rollback"), "{}", run.stdout);
    assert!(sim.sim.requests().iter().all(|r| r.method == "GET"));
}

#[test]
fn plan_makes_no_mutating_request() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.2.0")
        .input("command", "plan")
        .input("target-stage", "PROD")
        .run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "planned");
    assert_eq!(run.out("to-stage"), "bookverse-DEV");
    // Reads, and one dry run per hop (QA, STAGING, PROD) asking AppTrust's verdict.
    let requests = sim.sim.requests();
    assert!(
        requests
            .iter()
            .all(|r| r.method == "GET" || crate::common::is_dry_run(r)),
        "{requests:?}"
    );
    assert_eq!(
        requests
            .iter()
            .filter(|r| crate::common::is_dry_run(r))
            .count(),
        3
    );
    assert_eq!(sim.sim.promotions_applied(), 0);
    assert!(run.summary.contains("would release"), "{}", run.summary);
}

#[test]
fn policy_rejection_by_apptrust_is_blocked_not_failed() {
    let sim = Sim::start();
    sim.sim.set_stage_policy_failure(
        "bookverse-QA",
        Some("required evidence missing: test-result".into()),
    );
    let run = Action::new(&sim, APP).input("version", "1.2.0").run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.out("result"), "blocked");
    assert_eq!(run.out("to-stage"), "bookverse-DEV");
    assert!(
        run.summary
            .contains("required evidence missing: test-result"),
        "{}",
        run.summary
    );
    assert_eq!(stage(&sim, "1.2.0"), "bookverse-DEV");
}

#[test]
fn status_reports_stage_and_history_without_mutation() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.1.0")
        .input("command", "status")
        .run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("to-stage"), "bookverse-STAGING");
    assert!(
        run.summary.contains("### Promotion history"),
        "{}",
        run.summary
    );
    assert!(sim.sim.requests().iter().all(|r| r.method == "GET"));
}

#[test]
fn rollback_from_prod_goes_back_to_staging() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.0.0")
        .input("command", "rollback")
        .input("reason", "bad release")
        .run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "rolled-back");
    assert_eq!(run.out("from-stage"), "PROD");
    assert_eq!(run.out("to-stage"), "bookverse-STAGING");
    assert_eq!(stage(&sim, "1.0.0"), "bookverse-STAGING");
}

#[test]
fn rollback_with_mismatched_from_stage_is_explained_before_any_post() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.0.0")
        .input("command", "rollback")
        .input("reason", "x")
        .input("from-stage", "QA")
        .run();
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .contains("only rolls back from the current stage"),
        "{}",
        run.stdout
    );
    assert_eq!(stage(&sim, "1.0.0"), "PROD");
}

#[test]
fn version_flag_and_help() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_promote-action"))
        .arg("--version")
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("promote-action "));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_promote-action"))
        .arg("bogus")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_hop_leaves_audit_properties_on_the_version() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.3.0")
        .input("target-stage", "QA")
        .input("reason", "sprint 48")
        .run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    let v = sim.sim.version(APP, "1.3.0").expect("version");
    let props = serde_json::to_value(&v.properties).expect("json");
    for stage in ["DEV", "QA"] {
        assert_eq!(
            props[format!("promote-action.{stage}.by")][0],
            "alice",
            "{props}"
        );
        assert_eq!(
            props[format!("promote-action.{stage}.reason")][0],
            "sprint 48"
        );
        assert_eq!(
            props[format!("promote-action.{stage}.run")][0],
            "https://github.com/bookverse/inventory/actions/runs/77"
        );
        assert_eq!(props[format!("promote-action.{stage}.hotfix")][0], "false");
    }
}

#[test]
fn rollback_from_qa_goes_back_to_dev_without_retagging() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP).input("version", "1.2.0").run();
    assert_eq!(run.out("to-stage"), "bookverse-QA");
    let run = Action::new(&sim, APP)
        .input("version", "1.2.0")
        .input("command", "rollback")
        .input("reason", "flaky")
        .run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("from-stage"), "bookverse-QA");
    assert_eq!(run.out("to-stage"), "bookverse-DEV");
    let v = sim.sim.version(APP, "1.2.0").expect("version");
    assert_ne!(v.tag.as_str(), "quarantine");
}

#[test]
fn rollback_of_the_latest_release_quarantines_it_and_moves_latest() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.1.0")
        .input("target-stage", "PROD")
        .run();
    assert_eq!(run.out("result"), "released");
    let run = Action::new(&sim, APP)
        .input("version", "1.0.0")
        .input("command", "rollback")
        .input("reason", "CVE in 1.0.0")
        .run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    let old = sim.sim.version(APP, "1.0.0").expect("1.0.0");
    assert_eq!(old.tag.as_str(), "quarantine");
    let props = serde_json::to_value(&old.properties).expect("json");
    assert_eq!(
        props["original_tag_before_quarantine"][0], "latest",
        "{props}"
    );
    let new = sim.sim.version(APP, "1.1.0").expect("1.1.0");
    assert_eq!(new.tag.as_str(), "latest");
    assert!(
        run.summary.contains("latest moved to 1.1.0"),
        "{}",
        run.summary
    );
}

#[test]
fn retagging_can_be_turned_off() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.0.0")
        .input("command", "rollback")
        .input("reason", "x")
        .env("PROMOTE_ACTION_RETAG_ON_ROLLBACK", "false")
        .run();
    assert_eq!(run.code, 0);
    assert_eq!(
        sim.sim.version(APP, "1.0.0").expect("v").tag.as_str(),
        "latest"
    );
}

#[test]
fn rollback_without_reason_is_an_input_error() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.0.0")
        .input("command", "rollback")
        .run();
    assert_eq!(run.code, 2);
    assert!(run.stdout.contains("`reason`"), "{}", run.stdout);
    assert!(sim.sim.requests().is_empty());
}

#[test]
fn the_record_schema_rejects_a_tampered_record() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP).input("version", "1.2.0").run();
    let mut record = run.record.expect("record");
    crate::common::assert_valid_record(&record);
    record["outcome"]["result"] = serde_json::json!("teleported");
    let tampered = std::panic::catch_unwind(|| crate::common::assert_valid_record(&record));
    assert!(tampered.is_err(), "an unknown result must not validate");
}
