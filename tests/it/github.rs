//! GitHub-side reporting against a wiremock GitHub: check run with annotation batches,
//! deployments and their statuses, the failure issue (found again, never duplicated, closed on
//! success), the chat webhook, and degradation to warnings. Calls the library directly.

use promote_action::github::GitHubClient;
use promote_action::inputs::Secret;
use promote_action::report::github::{ReportRequest, report};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::outcomes::{blocked, released, rolled_back};

pub(crate) const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
pub(crate) const RUN: &str = "https://github.com/o/r/actions/runs/42";
pub(crate) const SUMMARY: &str =
    "## ⛔ inventory 1.2.0 blocked before STAGING\n\nthe job summary\n";

pub(crate) fn client(server: &MockServer) -> GitHubClient {
    GitHubClient::new(
        reqwest::Client::new(),
        &server.uri(),
        Secret::new("ghs_token".into()),
    )
}

pub(crate) fn request(webhook: Option<&Secret>) -> ReportRequest<'_> {
    ReportRequest {
        repo: "o/r",
        sha: Some(SHA),
        run_url: Some(RUN),
        jfrog_url: "https://acme.jfrog.io",
        check_run: false,
        deployment: false,
        notify_issue: false,
        notify_webhook: webhook,
        summary: SUMMARY,
    }
}

pub(crate) fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).expect("a JSON body")
}

pub(crate) async fn requests(server: &MockServer, verb: &str, suffix: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == verb && r.url.path().ends_with(suffix))
        .collect()
}

#[tokio::test]
async fn nothing_asked_sends_nothing() {
    let server = MockServer::start().await;
    let warnings = report(&client(&server), &request(None), &blocked(3)).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn check_run_sends_annotations_in_batches_of_fifty() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/check-runs"))
        .and(header("authorization", "Bearer ghs_token"))
        .and(header("x-github-api-version", "2022-11-28"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 77})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/o/r/check-runs/77"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 77})))
        .expect(2)
        .mount(&server)
        .await;
    let mut req = request(None);
    req.check_run = true;
    let warnings = report(&client(&server), &req, &blocked(120)).await;
    assert!(warnings.is_empty(), "{warnings:?}");

    let create = body(&requests(&server, "POST", "/check-runs").await[0]);
    assert_eq!(create["name"], "promotion: PROD");
    assert_eq!(create["head_sha"], SHA);
    assert_eq!(create["status"], "completed");
    assert_eq!(create["conclusion"], "failure");
    assert_eq!(create["details_url"], RUN);
    assert_eq!(create["output"]["summary"], SUMMARY);
    let title = create["output"]["title"].as_str().expect("title");
    assert!(title.contains("blocked before PROD"), "{title}");
    let first = create["output"]["annotations"].as_array().expect("array");
    assert_eq!(first.len(), 50);
    assert_eq!(
        first[0],
        json!({
            "path": "tests/test_calc.py", "start_line": 1, "end_line": 1,
            "annotation_level": "failure", "title": "tests.test_calc::test_0",
            "message": "assert 0 == 0"
        })
    );

    let patches: Vec<Value> = requests(&server, "PATCH", "/check-runs/77")
        .await
        .iter()
        .map(body)
        .collect();
    let sizes: Vec<usize> = patches
        .iter()
        .map(|p| p["output"]["annotations"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [50, 20]);
    for p in &patches {
        // The API rejects an output without title and summary, also on PATCH.
        assert_eq!(p["output"]["title"], title);
        assert_eq!(p["output"]["summary"], SUMMARY);
    }
    assert_eq!(
        patches[1]["output"]["annotations"][19]["title"],
        "tests.test_calc::test_119"
    );
}

#[tokio::test]
async fn deployments_per_stage_reached_with_statuses() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/deployments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 5})))
        .expect(3)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/deployments/5/statuses"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .expect(6)
        .mount(&server)
        .await;
    let mut req = request(None);
    req.deployment = true;
    let warnings = report(&client(&server), &req, &released()).await;
    assert!(warnings.is_empty(), "{warnings:?}");

    let deployments: Vec<Value> = requests(&server, "POST", "/deployments")
        .await
        .iter()
        .map(body)
        .collect();
    let envs: Vec<&str> = deployments
        .iter()
        .filter_map(|d| d["environment"].as_str())
        .collect();
    assert_eq!(envs, ["QA", "STAGING", "PROD"]);
    for d in &deployments {
        assert_eq!(d["ref"], SHA);
        assert_eq!(d["auto_merge"], false);
        assert_eq!(d["required_contexts"], json!([]));
        assert_eq!(d["task"], "deploy");
        assert_eq!(d["transient_environment"], false);
        assert_eq!(
            d["production_environment"],
            d["environment"] == "PROD",
            "{d}"
        );
    }
    let statuses: Vec<Value> = requests(&server, "POST", "/statuses")
        .await
        .iter()
        .map(body)
        .collect();
    let states: Vec<&str> = statuses
        .iter()
        .filter_map(|s| s["state"].as_str())
        .collect();
    assert_eq!(
        states,
        [
            "in_progress",
            "success",
            "in_progress",
            "success",
            "in_progress",
            "success"
        ]
    );
    for s in &statuses {
        assert_eq!(s["log_url"], RUN);
        assert_eq!(
            s["environment_url"],
            "https://acme.jfrog.io/ui/apptrust/applications/inventory/versions/1.2.0"
        );
        assert!(s["description"].as_str().expect("text").chars().count() <= 140);
    }
}

#[tokio::test]
async fn a_blocked_hop_gets_a_failed_deployment_and_later_stages_none() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/deployments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 9})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/deployments/9/statuses"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .mount(&server)
        .await;
    let mut req = request(None);
    req.deployment = true;
    let warnings = report(&client(&server), &req, &blocked(1)).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    let statuses: Vec<Value> = requests(&server, "POST", "/statuses")
        .await
        .iter()
        .map(body)
        .collect();
    let last = statuses.last().expect("statuses");
    assert_eq!(last["state"], "failure");
    assert_eq!(last["environment"], "STAGING");
}

#[tokio::test]
async fn a_rollback_marks_the_stage_it_left_inactive() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/deployments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 3})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/deployments/3/statuses"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .expect(2)
        .mount(&server)
        .await;
    let o = rolled_back();
    let mut req = request(None);
    req.deployment = true;
    req.check_run = false;
    assert!(report(&client(&server), &req, &o).await.is_empty());
    let d = body(&requests(&server, "POST", "/deployments").await[0]);
    assert_eq!(d["environment"], "PROD");
    assert_eq!(d["task"], "rollback");
    assert_eq!(d["production_environment"], true);
    let last = body(
        requests(&server, "POST", "/statuses")
            .await
            .last()
            .expect("status"),
    );
    assert_eq!(last["state"], "inactive");
}
