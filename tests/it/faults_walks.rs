//! Faults across whole walks: several hops, each answer AppTrust can give at each of them,
//! never a second promotion, the outcome always saying where the version is.

use std::time::{Duration, Instant};

use promote_action::simulator::{Fault, FaultKind};

use crate::common::Sim;
use crate::faults::*;

// ------------------------------------------------------------------ multi-hop walks

/// Target stages of the promote/release requests that took effect (2xx, not dropped before
/// being applied), from the simulator's request log.
fn effective_targets(sim: &Sim) -> Vec<String> {
    sim.sim
        .requests()
        .iter()
        .filter(|r| {
            r.method == "POST"
                && (200..300).contains(&r.status)
                && r.fault.as_deref() != Some("drop_before_apply")
        })
        .filter_map(|r| {
            if r.path.ends_with("/release") {
                Some(PROD.to_string())
            } else if r.path.ends_with("/promote") {
                let body: serde_json::Value =
                    serde_json::from_str(r.body.as_deref().unwrap_or("{}")).ok()?;
                body["target_stage"].as_str().map(str::to_string)
            } else {
                None
            }
        })
        .collect()
}

/// A fault on the way to PROD stops the walk at `stopped_at`; a re-run with the same inputs and
/// no faults resumes from there and finishes, promoting no stage twice.
fn walk_then_resume(fault: Vec<Fault>, stopped_at: &'static str, hops_before: usize) {
    let mut first = walk();
    first.faults = fault;
    first.expect = vec![(3, "failed", stopped_at)];
    first.max_promotions = hops_before;
    let (sim, _) = start(&first);
    let run1 = check(&first, &sim, None);
    assert_eq!(sim.sim.promotions_applied(), hops_before);
    let display = stopped_at.trim_start_matches("bookverse-");
    assert!(
        run1.summary.contains(&format!("now at **{display}**")),
        "the summary says where the version stopped:\n{}",
        run1.summary
    );
    if stopped_at != STAGING {
        assert!(
            run1.summary.contains("⏭️"),
            "stages after the failure are shown as not reached:\n{}",
            run1.summary
        );
    }
    let second = walk().expect(0, "released", PROD);
    let second = Scenario {
        max_promotions: 4 - hops_before,
        ..second
    };
    let run2 = check(&second, &sim, None);
    assert_eq!(run2.out("from-stage"), stopped_at);
    assert_eq!(sim.sim.promotions_applied(), 4, "each stage exactly once");
    let mut targets = effective_targets(&sim);
    targets.sort();
    let mut want = vec![DEV, QA, STAGING, PROD];
    want.sort();
    assert_eq!(targets, want, "each stage promoted exactly once");
}

#[test]
fn walk_second_hop_503_stops_at_dev_then_resumes() {
    walk_then_resume(
        after(1, PROMOTE, once(PROMOTE, status(503))).to_vec(),
        DEV,
        1,
    );
}

#[test]
fn walk_second_hop_drop_before_apply_stops_at_dev_then_resumes() {
    walk_then_resume(
        after(1, PROMOTE, once(PROMOTE, FaultKind::DropBeforeApply)).to_vec(),
        DEV,
        1,
    );
}

#[test]
fn walk_third_hop_403_stops_at_qa_then_resumes() {
    walk_then_resume(
        after(2, PROMOTE, once(PROMOTE, status(403))).to_vec(),
        QA,
        2,
    );
}

#[test]
fn walk_release_hop_503_persistent_stops_at_staging_then_resumes() {
    walk_then_resume(vec![always(RELEASE, status(503))], STAGING, 3);
}

#[test]
fn walk_second_hop_in_progress_past_the_bound_stops_at_dev_then_resumes() {
    walk_then_resume(
        after(1, PROMOTE, always(PROMOTE, in_progress())).to_vec(),
        DEV,
        1,
    );
}

#[test]
fn walk_second_hop_drop_after_apply_continues_to_prod() {
    let mut s = walk().expect(0, "released", PROD);
    s.faults = after(1, PROMOTE, once(PROMOTE, FaultKind::DropAfterApply)).to_vec();
    let sim = Sim::start();
    let run = check(&s, &sim, None);
    assert_eq!(sim.sim.promotions_applied(), 4);
    assert_eq!(
        effective_targets(&sim).len(),
        4,
        "one effective request per stage"
    );
    assert!(
        run.stdout
            .contains("re-reading the version shows it reached QA")
    );
}

#[test]
fn walk_every_answer_lost_still_reaches_prod_once_each() {
    let mut s = walk().expect(0, "released", PROD);
    s.faults = vec![
        always(PROMOTE, FaultKind::DropAfterApply),
        always(RELEASE, FaultKind::DropAfterApply),
    ];
    let sim = Sim::start();
    check(&s, &sim, None);
    assert_eq!(sim.sim.promotions_applied(), 4);
    assert_eq!(mutating_posts(&sim), 4, "one POST per stage");
}

#[test]
fn walk_apptrust_policy_rejection_at_staging_blocks_at_qa() {
    let s = walk().expect(1, "blocked", QA);
    let sim = Sim::start();
    sim.sim
        .set_stage_policy_failure("STAGING", Some("needs a signed SBOM".into()));
    let run = check(&s, &sim, None);
    assert_eq!(sim.sim.promotions_applied(), 2);
    assert!(
        run.summary.contains("needs a signed SBOM"),
        "{}",
        run.summary
    );
}

#[test]
fn walk_verify_read_lost_after_second_hop_does_not_claim_dev() {
    // Initial read and the verify after DEV pass; every later read fails.
    let mut s = walk()
        .expect(3, "failed", QA)
        .unknown_stage_ok()
        .max_promotions(2);
    s.faults = vec![
        Fault::on(CONTENT, pass()).times(2),
        always(CONTENT, status(503)),
    ];
    let sim = Sim::start();
    check(&s, &sim, None);
}

/// A real in-flight promotion (started asynchronously by "another run") is waited out: the
/// action sees 409 in progress, polls, finds the version in the target and reports success
/// without promoting again.
#[test]
fn concurrent_async_promotion_is_waited_out_without_promoting_twice() {
    let config = promote_action::simulator::SimConfig {
        async_delay: Duration::from_millis(700),
        ..Default::default()
    };
    let sim = Sim::with(config);
    let url = format!(
        "{}/apptrust/api/v1/applications/{APP}/versions/1.2.0/promote?async=true",
        sim.url
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(url)
            .bearer_auth(crate::common::TOKEN)
            .json(&serde_json::json!({"target_stage": QA, "promotion_type": "copy"}))
            .send()
            .await
            .expect("async promote")
            .status()
    });
    assert_eq!(status.as_u16(), 202);
    // The other run moved the version while this one waited: this run applied nothing, so it
    // says `unchanged` and why (issue 14), not `promoted`.
    let s = promote_next()
        .expect(0, "unchanged", QA)
        .max_posts(100)
        .summary_says("Another run moved 1.2.0 to QA");
    let started = Instant::now();
    let run = check(&s, &sim, None);
    assert!(started.elapsed() < WALL);
    assert_eq!(
        sim.sim.promotions_applied(),
        1,
        "only the other run's promotion"
    );
    assert_eq!(run.out("to-stage"), QA);
}
