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
