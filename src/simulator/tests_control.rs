//! The simulator's side doors, driven over loopback: asynchronous promotions, the OIDC
//! exchange, PATCH of tag and properties, the control API, the state file, counting applied
//! operations over a whole walk, and serving on a given listener.

use std::time::Duration;

use serde_json::{Value, json};

use super::tests::*;
use super::*;

#[tokio::test]
async fn async_promotion_lands_after_delay() {
    let h = start_with(SimConfig {
        async_delay: Duration::from_millis(600),
        ..SimConfig::default()
    })
    .await;
    let path = vpath(APP_INVENTORY, "1.2.0", "/promote?async=true");
    let (status, body) = h
        .post(
            &path,
            json!({"target_stage": STAGE_QA, "promotion_type": "move"}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "in_progress");
    let v = h.sim.version(APP_INVENTORY, "1.2.0").unwrap();
    assert_eq!(v.current_stage, STAGE_DEV);
    assert!(v.in_flight.is_some());
    assert_eq!(h.sim.promotions_applied(), 0);

    let (status, body) = h.promote("1.2.0", STAGE_QA).await;
    assert_eq!(status, 409);
    assert!(message(&body).contains("promotion already in progress"));
    let (status, _) = h
        .post(
            &vpath(APP_INVENTORY, "1.2.0", "/rollback"),
            json!({"from_stage": STAGE_DEV}),
        )
        .await;
    assert_eq!(status, 409);
    let (_, list) = h.get(&vpath(APP_INVENTORY, "1.2.0", "/promotions")).await;
    assert_eq!(list["promotions"][0]["status"], "PENDING");

    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(h.stage("1.2.0").await, STAGE_QA);
    let v = h.sim.version(APP_INVENTORY, "1.2.0").unwrap();
    assert!(v.in_flight.is_none());
    assert_eq!(v.history.last().unwrap().status, "SUCCESS");
    assert_eq!(h.sim.promotions_applied(), 1);

    let (status, _) = h
        .post(
            &vpath(APP_INVENTORY, "1.2.0", "/rollback?async=true"),
            json!({"from_stage": STAGE_QA}),
        )
        .await;
    assert_eq!(status, 202);
    assert_eq!(h.stage("1.2.0").await, STAGE_QA);
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(h.stage("1.2.0").await, STAGE_DEV);
    assert_eq!(h.sim.promotions_applied(), 2);
}

#[tokio::test]
async fn oidc_exchange_mints_usable_token() {
    let h = start().await;
    let url = h.url("/access/api/v1/oidc/token");
    let good = json!({
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
        "subject_token": "aaa.bbb.ccc",
        "provider_name": "github-oidc",
        "project_key": "bookverse",
    });
    let (status, body) = h.send(h.client.post(&url).json(&good)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["username"], OIDC_USERNAME);
    let token = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(token.split('.').count(), 3);
    let (status, _) = h.send(h.client.post(&url).json(&good)).await;
    assert_eq!(status, 200);

    let (status, _) = h
        .send(
            h.client
                .get(h.url("/apptrust/api/v1/system/ping"))
                .bearer_auth(&token),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = h
        .send(
            h.client
                .post(h.url(&vpath(APP_INVENTORY, "1.2.0", "/promote")))
                .bearer_auth(&token)
                .json(&json!({"target_stage": STAGE_QA})),
        )
        .await;
    assert_eq!(status, 200);
    let v = h.sim.version(APP_INVENTORY, "1.2.0").unwrap();
    assert_eq!(v.history.last().unwrap().promoted_by, OIDC_USERNAME);

    let mut bad = good.clone();
    bad["provider_name"] = json!("other");
    let (status, body) = h.send(h.client.post(&url).json(&bad)).await;
    assert_eq!(status, 401);
    assert!(body["errors"][0]["message"].is_string());
    let mut bad = good.clone();
    bad["subject_token"] = json!("not-a-jwt");
    assert_eq!(h.send(h.client.post(&url).json(&bad)).await.0, 401);
    let mut bad = good.clone();
    bad["grant_type"] = json!("password");
    assert_eq!(h.send(h.client.post(&url).json(&bad)).await.0, 400);
    let mut bad = good;
    bad.as_object_mut().unwrap().remove("subject_token");
    assert_eq!(h.send(h.client.post(&url).json(&bad)).await.0, 400);
}

#[tokio::test]
async fn patch_updates_tag_and_properties() {
    let h = start().await;
    let path = vpath(APP_INVENTORY, "1.0.0", "");
    let send = |body: Value| h.client.patch(h.url(&path)).bearer_auth(TOKEN).json(&body);
    let (status, body) = h
        .send(send(json!({"tag": "quarantine", "properties": {"original_tag_before_quarantine": ["latest"]}})))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["tag"], "quarantine");
    assert_eq!(
        body["properties"]["original_tag_before_quarantine"],
        json!(["latest"])
    );
    assert_eq!(body["modified_by"], ADMIN_USERNAME);
    let (status, body) = h
        .send(send(
            json!({"tag": "", "delete_properties": ["build.number"]}),
        ))
        .await;
    assert_eq!(status, 200);
    assert!(body["tag"].is_null());
    assert!(body["properties"].get("build.number").is_none());
    let (status, _) = h.send(send(json!({"tag": "-bad"}))).await;
    assert_eq!(status, 400);
    let v = h.sim.version(APP_INVENTORY, "1.0.0").unwrap();
    assert_eq!(v.tag, "");
    assert_eq!(h.sim.promotions_applied(), 0);
}

#[tokio::test]
async fn control_api() {
    let h = start().await;
    let resp = h
        .client
        .post(h.url("/_sim/faults"))
        .json(&json!({"method": "GET", "path_contains": "/ping", "kind": "status", "code": 500, "times": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(h.get("/apptrust/api/v1/system/ping").await.0, 500);
    assert_eq!(h.get("/apptrust/api/v1/system/ping").await.0, 200);
    let resp = h
        .client
        .post(h.url("/_sim/faults"))
        .json(&json!([{"path_contains": "/ping", "kind": "drop_before_apply"}]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    assert_eq!(
        h.client
            .delete(h.url("/_sim/faults"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(h.get("/apptrust/api/v1/system/ping").await.0, 200);
    let bad = h
        .client
        .post(h.url("/_sim/faults"))
        .json(&json!({"kind": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    let log: Vec<LoggedRequest> = h
        .client
        .get(h.url("/_sim/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.len(), 3);
    assert_eq!(log[0].fault.as_deref(), Some("status 500"));

    let put = h
        .client
        .put(h.url("/_sim/policy-failures/QA"))
        .json(&json!({"explanation": "nope"}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 204);
    assert_eq!(h.promote("1.2.0", STAGE_QA).await.0, 422);
    h.client
        .delete(h.url("/_sim/policy-failures/QA"))
        .send()
        .await
        .unwrap();
    assert_eq!(h.promote("1.2.0", STAGE_QA).await.0, 200);

    let put = h
        .client
        .put(h.url("/_sim/versions/bookverse-inventory/1.3.0/status"))
        .json(&json!({"status": "FAILED"}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 204);

    let state: State = h
        .client
        .get(h.url("/_sim/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        state.versions[APP_INVENTORY]["1.2.0"].current_stage,
        STAGE_QA
    );
    assert_eq!(state.versions[APP_INVENTORY]["1.3.0"].status, "FAILED");

    assert_eq!(
        h.client
            .post(h.url("/_sim/reset"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(h.stage("1.2.0").await, STAGE_DEV);
    assert_eq!(h.sim.promotions_applied(), 0);
    assert_eq!(h.sim.requests().len(), 1);
}

#[tokio::test]
async fn state_file_round_trip() {
    let h = start().await;
    assert_eq!(h.promote("1.2.0", STAGE_QA).await.0, 200);
    h.sim.set_stage_policy_failure("STAGING", None);
    let dir = std::env::temp_dir().join(format!("sim-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("state.json");
    h.sim.save_state(&file).unwrap();

    let loaded = Simulator::from_state_file(&file, SimConfig::default()).unwrap();
    assert_eq!(loaded.state(), h.sim.state());
    let addr = loaded.spawn().await.unwrap();
    let h2 = Harness {
        sim: loaded,
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
    };
    assert_eq!(h2.stage("1.2.0").await, STAGE_QA);
    assert_eq!(h2.promote("1.2.0", STAGE_STAGING).await.0, 422);
    assert_eq!(h2.sim.promotions_applied(), 1);

    std::fs::write(&file, "{ not state").unwrap();
    assert!(matches!(
        Simulator::from_state_file(&file, SimConfig::default()),
        Err(SimError::Json { .. })
    ));
    assert!(matches!(
        Simulator::from_state_file(&dir.join("missing.json"), SimConfig::default()),
        Err(SimError::Io { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn full_walk_counts_applied_operations() {
    let h = start().await;
    for target in [STAGE_DEV, STAGE_QA, STAGE_STAGING] {
        let (status, body) = h.promote("1.3.0", target).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = h
        .post(
            &vpath(APP_INVENTORY, "1.3.0", "/release"),
            json!({"promotion_type": "move"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(h.sim.promotions_applied(), 4);
    let v = h.sim.version(APP_INVENTORY, "1.3.0").unwrap();
    assert_eq!(
        (v.current_stage.as_str(), v.release_status.as_str()),
        (STAGE_PROD, "released")
    );
    let stages: Vec<_> = v.history.iter().map(|r| r.target_stage.as_str()).collect();
    assert_eq!(stages, [STAGE_DEV, STAGE_QA, STAGE_STAGING, STAGE_PROD]);
    assert!(h.sim.version(APP_INVENTORY, "9.9.9").is_none());
}

#[tokio::test]
async fn serve_on_given_listener() {
    let sim = Simulator::seeded(SimConfig {
        tokens: vec!["t1".into(), "t2".into()],
        ..SimConfig::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn({
        let sim = sim.clone();
        async move { sim.serve(listener).await }
    });
    let resp = reqwest::Client::new()
        .get(format!("http://{addr}/apptrust/api/v1/system/ping"))
        .bearer_auth("t2")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    task.abort();
}
