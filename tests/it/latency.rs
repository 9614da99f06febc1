//! Runs against a simulator with a network's latency (`Sim::with_latency`): the same outcome as
//! on loopback, and every request the record lists paid the round trip.

use std::time::Duration;

use crate::common::{Action, Sim};

const APP: &str = "bookverse-inventory";

#[test]
fn a_promotion_over_a_slow_network_ends_the_same_and_every_request_pays_the_round_trip() {
    let sim = Sim::with_latency(Duration::from_millis(30));
    let run = Action::new(&sim, APP)
        .input("version", "1.3.0")
        .input("target-stage", "PROD")
        .run();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.out("result"), "released");
    let record = run.record.expect("record");
    let requests = record["requests"].as_array().expect("requests listed");
    assert!(!requests.is_empty());
    for r in requests {
        assert!(
            r["duration_ms"].as_u64().is_some_and(|ms| ms >= 30),
            "a request answered faster than the network allows: {r}"
        );
    }
}

/// The record's `(requests, critical path)` of a plan of 1.2.0 into QA whose evidence gate
/// needs its five signed records, with the given tuning variables.
fn plan_network(env: &[(&str, &str)]) -> (u64, u64) {
    use promote_action::simulator::{DEMO_PUBLIC_KEY, EVIDENCE_TEST_RESULT};
    let sim = Sim::with_latency(Duration::from_millis(40));
    for _ in 0..4 {
        sim.sim.add_evidence(APP, "1.2.0", EVIDENCE_TEST_RESULT);
    }
    let mut action = Action::new(&sim, APP);
    action
        .input("version", "1.2.0")
        .input("command", "plan")
        .input("target-stage", "QA")
        .file(".github/keys/ci.pub", DEMO_PUBLIC_KEY)
        .file(
            ".github/promotion-policy.yml",
            &format!(
                "version: 1\nstages:\n  QA:\n    gates:\n      - evidence:\n          required: [\"{EVIDENCE_TEST_RESULT}\"]\n          signed-by: [.github/keys/ci.pub]\n"
            ),
        );
    for (k, v) in env {
        action.env(k, v);
    }
    let run = action.run();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let record = run.record.expect("record");
    let evidence = record["outcome"]["evidence"].as_array().map(Vec::len);
    assert_eq!(evidence, Some(5), "every record judged");
    let network = &record["outcome"]["network"];
    (
        network["requests"].as_u64().expect("requests"),
        network["critical_path"].as_u64().expect("critical path"),
    )
}

#[test]
fn independent_reads_go_out_together_and_only_the_clock_can_tell() {
    // Lifecycle + version, content, then AQL → GraphQL → five downloads beside the dry run and
    // the change set.
    let (requests, together) = plan_network(&[]);
    let (same, apart) = plan_network(&[
        ("PROMOTE_ACTION_SEQUENTIAL_READS", "1"),
        ("PROMOTE_ACTION_EVIDENCE_CONCURRENCY", "1"),
    ]);
    assert_eq!(requests, same, "the same requests either way");
    assert_eq!(
        apart, requests,
        "one after another: each waited for the last"
    );
    assert!(
        together + 5 <= apart,
        "together {together} of {requests} round trips waited for in sequence, apart {apart}"
    );
    // The change set's reads (the stage's version list beside the candidate's properties) go
    // out with the gathering, not after it: four in sequence, where they made it six.
    assert!(
        together <= 4,
        "together {together} of {requests} round trips waited for in sequence"
    );
}
