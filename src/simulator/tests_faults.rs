//! The simulator's fault injection, driven over loopback: statuses with `Retry-After`, delays,
//! dropped connections before and after the change is applied, malformed and rewritten JSON.

use serde_json::{Value, json};

use super::tests::*;
use super::*;

#[tokio::test]
async fn fault_status_with_retry_after_and_times() {
    let h = start().await;
    h.sim.inject(
        Fault::on(
            "/promote",
            FaultKind::Status {
                code: 503,
                retry_after: Some(2),
                body: None,
            },
        )
        .method("POST")
        .times(2),
    );
    let url = h.url(&vpath(APP_INVENTORY, "1.2.0", "/promote"));
    for _ in 0..2 {
        let resp = h
            .client
            .post(&url)
            .bearer_auth(TOKEN)
            .json(&json!({"target_stage": STAGE_QA}))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 503);
        assert_eq!(resp.headers()["retry-after"], "2");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["errors"][0]["status"], 503);
    }
    assert_eq!(h.stage("1.2.0").await, STAGE_DEV);
    let (status, _) = h.promote("1.2.0", STAGE_QA).await;
    assert_eq!(status, 200);
    let faulted: Vec<_> = h
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.fault.is_some())
        .collect();
    assert_eq!(faulted.len(), 2);
    assert_eq!(faulted[0].fault.as_deref(), Some("status 503"));
    assert_eq!(faulted[0].status, 503);
    assert!(faulted[0].body.as_deref().unwrap().contains(STAGE_QA));

    h.sim.inject(Fault::on(
        "/ping",
        FaultKind::Status {
            code: 429,
            retry_after: None,
            body: Some("slow down".into()),
        },
    ));
    let (status, body) = h.get("/apptrust/api/v1/system/ping").await;
    assert_eq!((status, body), (429, json!("slow down")));
    h.sim.clear_faults();
    assert_eq!(h.get("/apptrust/api/v1/system/ping").await.0, 200);
}

#[tokio::test]
async fn fault_delay() {
    let h = start().await;
    h.sim
        .inject(Fault::on("/content", FaultKind::Delay { ms: 300 }).times(1));
    let started = std::time::Instant::now();
    assert_eq!(h.stage("1.2.0").await, STAGE_DEV);
    assert!(started.elapsed() >= Duration::from_millis(300));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    h.sim
        .inject(Fault::on("/content", FaultKind::Delay { ms: 500 }).times(1));
    let err = client
        .get(h.url(&vpath(APP_INVENTORY, "1.2.0", "/content")))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
}

async fn body_error(h: &Harness, path: &str, body: Value) -> reqwest::Error {
    let result = async {
        let resp = h
            .client
            .post(h.url(path))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .await?;
        resp.bytes().await
    }
    .await;
    result.unwrap_err()
}

#[tokio::test]
async fn fault_drop_before_apply_changes_nothing() {
    let h = start().await;
    h.sim
        .inject(Fault::on("/promote", FaultKind::DropBeforeApply).times(1));
    let _err = body_error(
        &h,
        &vpath(APP_INVENTORY, "1.2.0", "/promote"),
        json!({"target_stage": STAGE_QA}),
    )
    .await;
    assert_eq!(h.stage("1.2.0").await, STAGE_DEV);
    assert_eq!(h.sim.promotions_applied(), 0);
    let log = h.sim.requests();
    assert_eq!(log[0].fault.as_deref(), Some("drop_before_apply"));
}

#[tokio::test]
async fn fault_drop_after_apply_applies_then_breaks() {
    let h = start().await;
    h.sim.inject(
        Fault::on("/promote", FaultKind::DropAfterApply)
            .method("POST")
            .times(1),
    );
    let _err = body_error(
        &h,
        &vpath(APP_INVENTORY, "1.2.0", "/promote"),
        json!({"target_stage": STAGE_QA}),
    )
    .await;
    assert_eq!(h.stage("1.2.0").await, STAGE_QA);
    assert_eq!(h.sim.promotions_applied(), 1);
    // A retry of the same promotion now conflicts: the client must re-read state instead.
    let (status, _) = h.promote("1.2.0", STAGE_QA).await;
    assert_eq!(status, 409);
    assert_eq!(
        h.sim.requests()[0].fault.as_deref(),
        Some("drop_after_apply")
    );
}

#[tokio::test]
async fn fault_malformed_and_truncated_json() {
    let h = start().await;
    for kind in [FaultKind::MalformedJson, FaultKind::TruncatedJson] {
        h.sim.inject(Fault::on("/content", kind.clone()).times(1));
        let resp = h
            .client
            .get(h.url(&vpath(APP_INVENTORY, "1.2.0", "/content")))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert!(
            resp.json::<Value>().await.unwrap_err().is_decode(),
            "{kind:?}"
        );
    }
    // The change lands even though the answer is unreadable.
    h.sim
        .inject(Fault::on("/promote", FaultKind::TruncatedJson).times(1));
    let (status, body) = h.promote("1.2.0", STAGE_QA).await;
    assert_eq!(status, 200);
    assert!(body.is_string());
    assert_eq!(h.stage("1.2.0").await, STAGE_QA);
    let labels: Vec<_> = h
        .sim
        .requests()
        .into_iter()
        .filter_map(|r| r.fault)
        .collect();
    assert_eq!(
        labels,
        ["malformed_json", "truncated_json", "truncated_json"]
    );
}

#[tokio::test]
async fn fault_json_rewrites() {
    let h = start().await;
    let content = vpath(APP_INVENTORY, "1.0.0", "/content");
    h.sim
        .inject(Fault::on("/content", FaultKind::UpperCaseEnums).times(1));
    let (_, body) = h.get(&content).await;
    assert_eq!(body["release_status"], "RELEASED");
    assert_eq!(body["current_stage"], "PROD");
    assert_eq!(body["application_key"], APP_INVENTORY);

    h.sim
        .inject(Fault::on("/promote", FaultKind::UpperCaseEnums).times(1));
    let (_, body) = h.promote("1.2.0", STAGE_QA).await;
    assert_eq!(body["status"], "SUCCESS");
    assert_eq!(body["evaluations"]["entry_gate"]["decision"], "PASS");

    h.sim
        .inject(Fault::on("/content", FaultKind::MissingFields).times(1));
    let (status, body) = h.get(&content).await;
    assert_eq!(status, 200);
    assert!(body.get("current_stage").is_none());
    assert!(body.get("release_status").is_none());
    assert_eq!(body["application_key"], APP_INVENTORY);

    h.sim
        .inject(Fault::on("/versions?", FaultKind::ExtraFields).times(1));
    let (_, body) = h
        .get("/apptrust/api/v1/applications/bookverse-inventory/versions?limit=1")
        .await;
    assert!(body.get("x_sim_extra").is_some());
    assert!(body["versions"][0].get("x_sim_nested").is_some());
    assert_eq!(body["versions"][0]["version"], "1.4.0");

    let labels: Vec<_> = h
        .sim
        .requests()
        .into_iter()
        .filter_map(|r| r.fault)
        .collect();
    assert_eq!(
        labels,
        [
            "upper_case_enums",
            "upper_case_enums",
            "missing_fields",
            "extra_fields"
        ]
    );
}
