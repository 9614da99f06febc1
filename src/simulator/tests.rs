//! End-to-end tests of the simulator over real loopback HTTP with reqwest, so they exercise the
//! same wire behaviour (status codes, bodies, dropped connections) the action's client sees.

use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::digest::sha256_hex;

const TOKEN: &str = "simulator-token";

struct Harness {
    sim: Simulator,
    base: String,
    client: reqwest::Client,
}

async fn start() -> Harness {
    start_with(SimConfig::default()).await
}

async fn start_with(config: SimConfig) -> Harness {
    let sim = Simulator::seeded(config);
    let addr = sim.spawn().await.unwrap();
    assert!(addr.ip().is_loopback());
    Harness {
        sim,
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
    }
}

fn vpath(app: &str, version: &str, suffix: &str) -> String {
    format!("/apptrust/api/v1/applications/{app}/versions/{version}{suffix}")
}

impl Harness {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.client.get(self.url(path)).bearer_auth(TOKEN))
            .await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(
            self.client
                .post(self.url(path))
                .bearer_auth(TOKEN)
                .json(&body),
        )
        .await
    }

    async fn promote(&self, version: &str, target: &str) -> (u16, Value) {
        self.post(
            &vpath(APP_INVENTORY, version, "/promote"),
            json!({"target_stage": target, "promotion_type": "move"}),
        )
        .await
    }

    async fn stage(&self, version: &str) -> String {
        let (status, body) = self.get(&vpath(APP_INVENTORY, version, "/content")).await;
        assert_eq!(status, 200, "{body}");
        body["current_stage"].as_str().unwrap().to_string()
    }
}

fn message(body: &Value) -> String {
    body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn rejects_missing_and_wrong_tokens() {
    let h = start().await;
    let ping = h.url("/apptrust/api/v1/system/ping");
    let (status, body) = h.send(h.client.get(&ping)).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"errors": [{"status": 401, "message": "Bad credentials"}]})
    );
    let (status, _) = h.send(h.client.get(&ping).bearer_auth("nope")).await;
    assert_eq!(status, 401);
    let (status, body) = h.get("/apptrust/api/v1/system/ping").await;
    assert_eq!((status, body), (200, json!("OK")));
    let (status, _) = h.send(h.client.get(h.url("/no/such/thing"))).await;
    assert_eq!(status, 401);
    let (status, body) = h.get("/no/such/thing").await;
    assert_eq!(status, 404);
    assert_eq!(body["errors"][0]["status"], 404);

    let log = h.sim.requests();
    assert_eq!(log.len(), 5);
    assert!(!log[0].had_valid_auth && log[0].status == 401);
    assert!(log[2].had_valid_auth && log[2].status == 200);
    assert_eq!(h.sim.promotions_applied(), 0);
}

#[tokio::test]
async fn lifecycle_shape() {
    let h = start().await;
    for path in [
        "/access/api/v2/lifecycle?project_key=bookverse",
        "/access/api/v2/lifecycle/?project_key=bookverse",
    ] {
        let (status, body) = h.get(path).await;
        assert_eq!(status, 200);
        assert_eq!(
            body,
            json!({"release_stage": "PROD", "categories": [
                {"category": "code", "stages": [{"name": "PR", "scope": "global"}, {"name": "COMMIT", "scope": "global"}]},
                {"category": "promote", "stages": [
                    {"name": "bookverse-DEV", "scope": "project"},
                    {"name": "bookverse-QA", "scope": "project"},
                    {"name": "bookverse-STAGING", "scope": "project"},
                    {"name": "PROD", "scope": "global"}]}]})
        );
    }
    let (status, body) = h.get("/access/api/v2/lifecycle?project_key=nope").await;
    assert_eq!(status, 404);
    assert_eq!(body["errors"][0]["status"], 404);
}

#[tokio::test]
async fn lists_versions_newest_first_with_filters() {
    let h = start().await;
    let base = "/apptrust/api/v1/applications/bookverse-inventory/versions";
    let (status, body) = h.get(base).await;
    assert_eq!(status, 200);
    let names: Vec<&str> = body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["1.4.0", "1.3.0", "1.2.0", "1.1.0", "1.0.0"]);
    assert_eq!(body["total"], 5);
    let first = &body["versions"][0];
    for key in [
        "version",
        "tag",
        "status",
        "release_status",
        "current_stage",
        "created_by",
        "created",
    ] {
        assert!(first.get(key).is_some(), "missing {key}");
    }
    assert_eq!(first["status"], "IN_PROGRESS");

    let (_, body) = h.get(&format!("{base}?order_by=created&limit=1")).await;
    assert_eq!(body["versions"].as_array().unwrap().len(), 1);
    assert_eq!(body["versions"][0]["version"], "1.4.0");
    let (_, body) = h
        .get(&format!("{base}?order_asc=true&limit=2&offset=1"))
        .await;
    assert_eq!(body["versions"][0]["version"], "1.1.0");
    assert_eq!(body["versions"][1]["version"], "1.2.0");
    let (_, body) = h
        .get(&format!("{base}?release_status=RELEASED,trusted_release"))
        .await;
    assert_eq!(body["versions"].as_array().unwrap().len(), 1);
    assert_eq!(body["versions"][0]["version"], "1.0.0");
    assert_eq!(body["versions"][0]["tag"], "latest");

    let (status, _) = h.get("/apptrust/api/v1/applications/nope/versions").await;
    assert_eq!(status, 404);
    let (status, _) = h.get(&vpath(APP_INVENTORY, "9.9.9", "/content")).await;
    assert_eq!(status, 404);
    let (status, body) = h.get("/apptrust/api/v1/applications/bookverse-web").await;
    assert_eq!(status, 200);
    assert_eq!(body["project_key"], "bookverse");
}

#[tokio::test]
async fn version_and_content_shapes() {
    let h = start().await;
    let (status, body) = h.get(&vpath(APP_INVENTORY, "1.0.0", "")).await;
    assert_eq!(status, 200);
    assert_eq!(body["tag"], "latest");
    assert!(body["properties"].is_object());
    let (status, c) = h.get(&vpath(APP_INVENTORY, "1.1.0", "/content")).await;
    assert_eq!(status, 200);
    assert_eq!(c["current_stage"], STAGE_STAGING);
    assert_eq!(c["release_status"], "pre_release");
    assert_eq!(c["status"], "COMPLETED");
    assert_eq!(c["project_key"], "bookverse");
    assert_eq!(c["releasables_count"], 2);
    assert_eq!(c["application_version_sha256"].as_str().unwrap().len(), 64);
    assert_eq!(c["created_at"], "2025-06-02T10:00:00.000Z");
    let rel = &c["releasables"][0];
    assert_eq!(rel["sha256"].as_str().unwrap().len(), 64);
    let art = &rel["artifacts"][0];
    let path = art["path"].as_str().unwrap();
    assert_eq!(art["sha256"], sha256_hex(&seed_artifact_bytes(path)));
    assert_eq!(c["artifacts_count"], 3);
}

#[tokio::test]
async fn promotes_to_next_stage() {
    let h = start().await;
    let (status, body) = h.promote("1.2.0", STAGE_QA).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "success");
    assert_eq!(body["source_stage"], STAGE_DEV);
    assert_eq!(body["target_stage"], STAGE_QA);
    assert_eq!(body["promotion_type"], "move");
    assert_eq!(body["evaluations"]["exit_gate"]["stage"], STAGE_DEV);
    assert_eq!(body["evaluations"]["entry_gate"]["decision"], "pass");
    assert!(body["timestamp"].is_string());
    assert_eq!(h.stage("1.2.0").await, STAGE_QA);
    assert_eq!(h.sim.promotions_applied(), 1);

    let (_, list) = h.get(&vpath(APP_INVENTORY, "1.2.0", "/promotions")).await;
    let items = list["promotions"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["target_stage"], STAGE_QA);
    assert_eq!(items[0]["status"], "SUCCESS");
    assert_eq!(items[0]["promoted_by"], ADMIN_USERNAME);
    assert!(
        items[0]["created_millis"].as_i64().unwrap() > items[1]["created_millis"].as_i64().unwrap()
    );
    let millis = items[0]["created_millis"].as_i64().unwrap();
    let (status, detail) = h
        .get(&vpath(
            APP_INVENTORY,
            "1.2.0",
            &format!("/promotions/{millis}"),
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(detail["target_stage"], STAGE_QA);

    // Never-promoted versions enter at the first stage.
    let (status, _) = h.promote("1.3.0", STAGE_DEV).await;
    assert_eq!(status, 200);
    assert_eq!(h.stage("1.3.0").await, STAGE_DEV);
    assert_eq!(h.sim.promotions_applied(), 2);

    // dry_run evaluates but changes nothing.
    let (status, body) = h
        .post(
            &vpath(APP_INVENTORY, "1.3.0", "/promote"),
            json!({"target_stage": STAGE_QA, "promotion_type": "dry_run"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "success");
    assert_eq!(h.stage("1.3.0").await, STAGE_DEV);
    assert_eq!(h.sim.promotions_applied(), 2);
}

#[tokio::test]
async fn rejects_skip_backwards_same_and_bad_targets() {
    let h = start().await;
    for (target, why) in [
        (STAGE_STAGING, "skip"),
        (STAGE_DEV, "same"),
        ("bookverse-QA-nope", "unknown"),
    ] {
        let (status, body) = h.promote("1.2.0", target).await;
        if why == "unknown" {
            assert_eq!(status, 400, "{body}");
        } else {
            assert_eq!(status, 409, "{why}: {body}");
            let m = message(&body);
            assert!(m.contains(STAGE_DEV) && m.contains(target), "{m}");
        }
    }
    let (status, body) = h.promote("1.1.0", STAGE_QA).await;
    assert_eq!(status, 409);
    assert!(message(&body).contains(STAGE_STAGING) && message(&body).contains(STAGE_QA));
    let (status, body) = h.promote("1.1.0", STAGE_PROD).await;
    assert_eq!(status, 400);
    assert!(message(&body).contains("use release"));
    let (status, body) = h.promote("1.4.0", STAGE_DEV).await;
    assert_eq!(status, 409);
    assert!(message(&body).contains("IN_PROGRESS"));
    let (status, _) = h
        .post(
            &vpath(APP_INVENTORY, "1.2.0", "/promote"),
            json!({"promotion_type": "move"}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = h
        .send(
            h.client
                .post(h.url(&vpath(APP_INVENTORY, "1.2.0", "/promote")))
                .bearer_auth(TOKEN)
                .body("{not json"),
        )
        .await;
    assert_eq!(status, 400);
    assert_eq!(h.sim.promotions_applied(), 0);
    assert_eq!(h.stage("1.2.0").await, STAGE_DEV);

    // set_version_status makes an otherwise valid promotion fail the integrity precondition.
    h.sim
        .set_version_status(APP_INVENTORY, "1.2.0", "IN_PROGRESS");
    let (status, _) = h.promote("1.2.0", STAGE_QA).await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn releases_only_from_last_promote_stage() {
    let h = start().await;
    let (status, body) = h
        .post(
            &vpath(APP_INVENTORY, "1.2.0", "/release"),
            json!({"promotion_type": "move"}),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let (_, _) = h.promote("1.2.0", STAGE_QA).await;
    let (status, body) = h
        .post(
            &vpath(APP_INVENTORY, "1.2.0", "/release"),
            json!({"promotion_type": "move"}),
        )
        .await;
    assert_eq!(status, 409);
    assert!(message(&body).contains(STAGE_QA));

    let (status, body) = h
        .post(
            &vpath(APP_INVENTORY, "1.1.0", "/release"),
            json!({"promotion_type": "move", "included_repository_keys": ["inv-release-local"]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["target_stage"], STAGE_PROD);
    assert_eq!(body["source_stage"], STAGE_STAGING);
    assert_eq!(
        body["included_repository_keys"],
        json!(["inv-release-local"])
    );
    let v = h.sim.version(APP_INVENTORY, "1.1.0").unwrap();
    assert_eq!(v.current_stage, STAGE_PROD);
    assert_eq!(v.release_status, "released");
    let (status, _) = h
        .post(&vpath(APP_INVENTORY, "1.1.0", "/release"), json!({}))
        .await;
    assert_eq!(status, 409);
    assert_eq!(h.sim.promotions_applied(), 2);
}

#[tokio::test]
async fn rolls_back() {
    let h = start().await;
    let path = vpath(APP_INVENTORY, "1.0.0", "/rollback");
    let (status, body) = h.post(&path, json!({"from_stage": STAGE_QA})).await;
    assert_eq!(status, 409);
    assert!(message(&body).contains(STAGE_QA) && message(&body).contains(STAGE_PROD));
    let (status, _) = h.post(&path, json!({})).await;
    assert_eq!(status, 400);

    let (status, body) = h.post(&path, json!({"from_stage": "PROD"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({"application_key": APP_INVENTORY, "version": "1.0.0", "project_key": "bookverse",
               "rollback_from_stage": "PROD", "rollback_to_stage": STAGE_STAGING})
    );
    let v = h.sim.version(APP_INVENTORY, "1.0.0").unwrap();
    assert_eq!(v.current_stage, STAGE_STAGING);
    assert_eq!(v.release_status, "pre_release");
    assert_eq!(v.history.len(), 3);

    let (status, body) = h
        .post(
            &vpath(APP_INVENTORY, "1.2.0", "/rollback"),
            json!({"from_stage": STAGE_DEV}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["rollback_to_stage"], "");
    assert_eq!(h.stage("1.2.0").await, "");
    assert_eq!(h.sim.promotions_applied(), 2);
}

#[tokio::test]
async fn policy_failure_returns_422_and_changes_nothing() {
    let h = start().await;
    h.sim
        .set_stage_policy_failure("QA", Some("missing test evidence".into()));
    let (status, body) = h.promote("1.2.0", STAGE_QA).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["status"], "failed");
    assert_eq!(
        body["message"],
        "move promotion from 'bookverse-DEV' to 'bookverse-QA' failed due to policy violations"
    );
    let ev = &body["evaluations"];
    assert_eq!(ev["exit_gate"]["stage"], STAGE_DEV);
    assert_eq!(ev["exit_gate"]["decision"], "pass");
    assert_eq!(ev["entry_gate"]["stage"], STAGE_QA);
    assert_eq!(ev["entry_gate"]["decision"], "fail");
    assert_eq!(ev["entry_gate"]["explanation"], "missing test evidence");
    assert!(ev["entry_gate"]["eval_id"].is_string());
    assert_eq!(h.stage("1.2.0").await, STAGE_DEV);
    assert_eq!(h.sim.promotions_applied(), 0);
    let (_, list) = h
        .get(&vpath(
            APP_INVENTORY,
            "1.2.0",
            "/promotions?include=message",
        ))
        .await;
    assert_eq!(list["promotions"][0]["status"], "FAILED");
    assert!(
        list["promotions"][0]["messages"][0]["text"]
            .as_str()
            .unwrap()
            .contains("policy violations")
    );

    h.sim.set_stage_policy_failure("PROD", None);
    let (status, body) = h
        .post(
            &vpath(APP_INVENTORY, "1.1.0", "/release"),
            json!({"promotion_type": "copy"}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["evaluations"]["entry_gate"]["stage"], "PROD");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("copy promotion from 'bookverse-STAGING' to 'PROD'")
    );
    assert_eq!(
        h.sim
            .version(APP_INVENTORY, "1.1.0")
            .unwrap()
            .release_status,
        "pre_release"
    );

    h.sim.clear_stage_policy_failure("bookverse-QA");
    let (status, _) = h.promote("1.2.0", STAGE_QA).await;
    assert_eq!(status, 200);
}

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

// ---------------------------------------------------------------- faults

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

// ---------------------------------------------------------------- control API and persistence

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
