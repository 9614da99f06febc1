//! The simulator's answers to what a promotion carries besides its target (repositories,
//! overwrite strategy, properties), its dry runs (AppTrust's verdict, nothing changed), and its
//! latency knob — over real loopback HTTP, as the action's client sees them.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::*;

const TOKEN: &str = "simulator-token";

async fn start(config: SimConfig) -> (Simulator, String) {
    let sim = Simulator::seeded(config);
    let addr = sim.spawn().await.unwrap();
    (sim, format!("http://{addr}"))
}

async fn post(base: &str, version: &str, op: &str, body: Value) -> (u16, Value) {
    let url =
        format!("{base}/apptrust/api/v1/applications/{APP_INVENTORY}/versions/{version}/{op}");
    let resp = reqwest::Client::new()
        .post(url)
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_answer_waits_for_the_configured_latency() {
    let (_, base) = start(SimConfig {
        latency: Duration::from_millis(120),
        ..SimConfig::default()
    })
    .await;
    for path in ["/apptrust/api/v1/system/ping", "/no/such/endpoint"] {
        let started = Instant::now();
        let status = reqwest::Client::new()
            .get(format!("{base}{path}"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .status();
        assert!(status.as_u16() == 200 || status.as_u16() == 404, "{path}");
        // A lower bound only: the knob adds at least this much to every answer.
        assert!(
            started.elapsed() >= Duration::from_millis(120),
            "{path} answered after {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn a_promotion_records_and_echoes_its_options() {
    let (sim, base) = start(SimConfig::default()).await;
    let (status, body) = post(
        &base,
        "1.2.0",
        "promote",
        json!({
            "target_stage": STAGE_QA,
            "promotion_type": "copy",
            "included_repository_keys": ["inv-docker-qa-local"],
            "excluded_repository_keys": ["inv-scratch-local"],
            "artifact_additional_properties": [{"key": "team", "values": ["inventory"]}],
            "overwrite_strategy": "DISABLED"
        }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["overwrite_strategy"], "DISABLED");
    assert_eq!(body["included_repository_keys"][0], "inv-docker-qa-local");
    let v = sim.version(APP_INVENTORY, "1.2.0").unwrap();
    let o = &v.history.last().unwrap().options;
    assert_eq!(o.included_repository_keys, ["inv-docker-qa-local"]);
    assert_eq!(o.excluded_repository_keys, ["inv-scratch-local"]);
    assert_eq!(o.artifact_additional_properties[0].values, ["inventory"]);
    assert_eq!(o.overwrite_strategy.as_deref(), Some("DISABLED"));
}

#[tokio::test]
async fn malformed_options_are_refused_and_change_nothing() {
    let (sim, base) = start(SimConfig::default()).await;
    let before = sim.state();
    for extra in [
        json!({"overwrite_strategy": "SOMETIMES"}),
        json!({"included_repository_keys": ["a"], "excluded_repository_keys": ["a"]}),
        json!({"artifact_additional_properties": [{"key": " ", "values": []}]}),
        json!({"artifact_additional_properties": {"team": "x"}}),
    ] {
        let mut body = json!({"target_stage": STAGE_QA});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let (status, answer) = post(&base, "1.2.0", "promote", body).await;
        assert_eq!(status, 400, "{extra}: {answer}");
    }
    assert_eq!(sim.state(), before);
}

#[tokio::test]
async fn a_dry_run_gives_the_verdict_and_leaves_no_trace() {
    let (sim, base) = start(SimConfig::default()).await;
    sim.set_stage_policy_failure("STAGING", Some("SBOM evidence is missing".into()));
    let before = sim.state();
    // Passing: the gates and the message say what would happen.
    let (status, body) = post(
        &base,
        "1.2.0",
        "promote",
        json!({"target_stage": STAGE_QA, "promotion_type": "dry_run"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "success");
    assert_eq!(body["evaluations"]["entry_gate"]["decision"], "pass");
    // Failing on AppTrust's own policy: 422, the entry gate's fail and its explanation.
    let (status, body) = post(
        &base,
        "1.1.0",
        "promote",
        json!({"target_stage": STAGE_QA, "promotion_type": "dry_run"}),
    )
    .await;
    assert_eq!(status, 409, "1.1.0 is past QA: {body}");
    let (status, body) = post(
        &base,
        "1.2.0",
        "promote",
        json!({"target_stage": STAGE_QA, "promotion_type": "dry_run", "included_repository_keys": ["x"]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    sim.set_stage_policy_failure("QA", Some("SBOM evidence is missing".into()));
    let before_failing = sim.state();
    let (status, body) = post(
        &base,
        "1.2.0",
        "promote",
        json!({"target_stage": STAGE_QA, "promotion_type": "dry_run"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["status"], "failed");
    assert_eq!(body["evaluations"]["entry_gate"]["decision"], "fail");
    assert_eq!(
        body["evaluations"]["entry_gate"]["explanation"],
        "SBOM evidence is missing"
    );
    assert!(
        body["evaluations"]["entry_gate"]["eval_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    // The release's dry run too.
    let (status, body) = post(
        &base,
        "1.1.0",
        "release",
        json!({"promotion_type": "dry_run"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        sim.state(),
        before_failing,
        "nothing changed, not even a counter"
    );
    sim.clear_stage_policy_failure("QA");
    assert_eq!(sim.state(), before);
    assert_eq!(sim.promotions_applied(), 0);
}

#[tokio::test]
async fn a_dry_run_may_ask_about_any_stage_ahead_and_is_judged_from_where_the_version_is() {
    let (sim, base) = start(SimConfig::default()).await;
    sim.set_stage_policy_failure("STAGING", Some("no pentest evidence".into()));
    let before = sim.state();
    // 1.2.0 is in DEV: STAGING is two stages ahead; AppTrust judges DEV's exit and STAGING's entry.
    let (status, body) = post(
        &base,
        "1.2.0",
        "promote",
        json!({"target_stage": STAGE_STAGING, "promotion_type": "dry_run"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["source_stage"], STAGE_DEV);
    assert_eq!(body["evaluations"]["exit_gate"]["stage"], STAGE_DEV);
    assert_eq!(body["evaluations"]["entry_gate"]["stage"], STAGE_STAGING);
    assert_eq!(
        body["evaluations"]["entry_gate"]["explanation"],
        "no pentest evidence"
    );
    // The release from DEV, three stages ahead, passes.
    let (status, body) = post(
        &base,
        "1.2.0",
        "release",
        json!({"promotion_type": "dry_run"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "success");
    // Behind the version, or where it is: refused as a promotion would be.
    for (version, target) in [("1.1.0", STAGE_QA), ("1.1.0", STAGE_STAGING)] {
        let (status, body) = post(
            &base,
            version,
            "promote",
            json!({"target_stage": target, "promotion_type": "dry_run"}),
        )
        .await;
        assert_eq!(status, 409, "{version} → {target}: {body}");
    }
    // A real promotion still goes one stage at a time.
    let (status, body) = post(
        &base,
        "1.2.0",
        "promote",
        json!({"target_stage": STAGE_STAGING, "promotion_type": "move"}),
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(sim.state(), before, "nothing changed");
}
