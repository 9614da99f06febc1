//! End-to-end tests of the simulator over real loopback HTTP with reqwest, so they exercise the
//! same wire behaviour (status codes, bodies, dropped connections) the action's client sees.

use serde_json::{Value, json};

use super::*;
use crate::digest::sha256_hex;

pub(super) const TOKEN: &str = "simulator-token";

pub(super) struct Harness {
    pub(super) sim: Simulator,
    pub(super) base: String,
    pub(super) client: reqwest::Client,
}

pub(super) async fn start() -> Harness {
    start_with(SimConfig::default()).await
}

pub(super) async fn start_with(config: SimConfig) -> Harness {
    let sim = Simulator::seeded(config);
    let addr = sim.spawn().await.unwrap();
    assert!(addr.ip().is_loopback());
    Harness {
        sim,
        base: format!("http://{addr}"),
        client: reqwest::Client::new(),
    }
}

pub(super) fn vpath(app: &str, version: &str, suffix: &str) -> String {
    format!("/apptrust/api/v1/applications/{app}/versions/{version}{suffix}")
}

impl Harness {
    pub(super) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub(super) async fn send(&self, req: reqwest::RequestBuilder) -> (u16, Value) {
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    pub(super) async fn get(&self, path: &str) -> (u16, Value) {
        self.send(self.client.get(self.url(path)).bearer_auth(TOKEN))
            .await
    }

    pub(super) async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(
            self.client
                .post(self.url(path))
                .bearer_auth(TOKEN)
                .json(&body),
        )
        .await
    }

    pub(super) async fn promote(&self, version: &str, target: &str) -> (u16, Value) {
        self.post(
            &vpath(APP_INVENTORY, version, "/promote"),
            json!({"target_stage": target, "promotion_type": "move"}),
        )
        .await
    }

    pub(super) async fn stage(&self, version: &str) -> String {
        let (status, body) = self.get(&vpath(APP_INVENTORY, version, "/content")).await;
        assert_eq!(status, 200, "{body}");
        body["current_stage"].as_str().unwrap().to_string()
    }
}

pub(super) fn message(body: &Value) -> String {
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

// ---------------------------------------------------------------- faults

// ---------------------------------------------------------------- control API and persistence
