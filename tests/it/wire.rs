//! Wire tests: the real client against wiremock, pinning method, path, query, auth and body.

use std::time::Duration;

use promote_action::http::{ClientOptions, RemoteErrorKind};
use promote_action::inputs::Secret;
use promote_action::jfrog::apptrust::client::HttpAppTrust;
use promote_action::jfrog::apptrust::{AppTrustApi, HopReply, HopRequest};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> HttpAppTrust {
    let options = ClientOptions {
        backoff: Duration::from_millis(10),
        timeout: Duration::from_secs(2),
        ..ClientOptions::default()
    };
    HttpAppTrust::new(&server.uri(), Secret::new("tok".into()), options).expect("client")
}

const V: &str = "/apptrust/api/v1/applications/inv/versions/1.0.0";

#[tokio::test]
async fn lifecycle_request_shape() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/access/api/v2/lifecycle"))
        .and(query_param("project_key", "bookverse"))
        .and(header("authorization", "Bearer tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "release_stage": "PROD",
            "categories": [{"category": "promote", "stages": [{"name": "bookverse-DEV"}, {"name": "PROD"}]}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let l = client(&server)
        .lifecycle(Some("bookverse"))
        .await
        .expect("lifecycle");
    assert_eq!(l.stages, ["bookverse-DEV", "PROD"]);
}

#[tokio::test]
async fn newest_version_asks_for_one_item_newest_first() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/apptrust/api/v1/applications/inv/versions"))
        .and(query_param("order_by", "created"))
        .and(query_param("order_asc", "false"))
        .and(query_param("limit", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"versions": [{"version": "2.0.0"}], "total": 9})),
        )
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        client(&server)
            .newest_version("inv")
            .await
            .expect("list")
            .as_deref(),
        Some("2.0.0")
    );
}

#[tokio::test]
async fn the_version_list_carries_each_status_upper_cased() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/apptrust/api/v1/applications/inv/versions"))
        .and(query_param("order_by", "created"))
        .and(query_param("order_asc", "false"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"versions": [
                {"version": "2.0.0", "status": "in_progress", "release_status": "pre_release"},
                {"version": "1.9.0", "status": "COMPLETED", "current_stage": "bookverse-QA"},
                {"version": "1.8.0"}
            ]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let list = client(&server).list_versions("inv").await.expect("list");
    let statuses: Vec<(&str, &str)> = list
        .iter()
        .map(|v| (v.version.as_str(), v.status.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("2.0.0", "IN_PROGRESS"),
            ("1.9.0", "COMPLETED"),
            ("1.8.0", "")
        ]
    );
}

#[tokio::test]
async fn promote_sends_target_and_type_synchronously() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{V}/promote")))
        .and(query_param("async", "false"))
        .and(header("authorization", "Bearer tok"))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"target_stage": "bookverse-QA", "promotion_type": "move"}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"status": "SUCCESS", "message": "ok"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let req = HopRequest {
        target_stage: "bookverse-QA".into(),
        promotion_type: "move".into(),
        ..HopRequest::default()
    };
    let reply = client(&server)
        .promote("inv", "1.0.0", &req)
        .await
        .expect("promote");
    assert!(
        matches!(reply, HopReply::Accepted { ref status, .. } if status == "success"),
        "{reply:?}"
    );
}

#[tokio::test]
async fn release_has_no_target_stage() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{V}/release")))
        .and(query_param("async", "false"))
        .and(body_json(json!({"promotion_type": "copy"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    let req = HopRequest {
        target_stage: "PROD".into(),
        promotion_type: "copy".into(),
        ..HopRequest::default()
    };
    client(&server)
        .release("inv", "1.0.0", &req)
        .await
        .expect("release");
}

#[tokio::test]
async fn rollback_sends_from_stage() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{V}/rollback")))
        .and(body_json(json!({"from_stage": "PROD"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"rollback_from_stage": "PROD", "rollback_to_stage": "bookverse-STAGING"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let r = client(&server)
        .rollback("inv", "1.0.0", "PROD")
        .await
        .expect("rollback");
    assert_eq!(r.to_stage, "bookverse-STAGING");
}

#[tokio::test]
async fn properties_are_patched() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path(V))
        .and(body_json(
            json!({"properties": {"promote-action.by": ["alice"]}}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let mut props = std::collections::BTreeMap::new();
    props.insert("promote-action.by".to_string(), vec!["alice".to_string()]);
    client(&server)
        .update_version("inv", "1.0.0", None, &props)
        .await
        .expect("patch");
}

#[tokio::test]
async fn policy_failure_in_a_4xx_is_a_rejection_not_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{V}/promote")))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "status": "failed",
            "message": "copy promotion from 'bookverse-DEV' to 'bookverse-QA' failed due to policy violations",
            "evaluations": {"entry_gate": {"stage": "bookverse-QA", "eval_id": "e1", "decision": "fail", "explanation": "no SBOM"}}
        })))
        .mount(&server)
        .await;
    let req = HopRequest {
        target_stage: "bookverse-QA".into(),
        promotion_type: "copy".into(),
        ..HopRequest::default()
    };
    match client(&server)
        .promote("inv", "1.0.0", &req)
        .await
        .expect("a decision, not an error")
    {
        HopReply::PolicyRejected { evaluations, .. } => {
            assert_eq!(evaluations[0].explanation, "no SBOM")
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn gets_retry_on_503_and_honour_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{V}/content")))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{V}/content")))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{V}/content")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"version": "1.0.0", "current_stage": "PROD", "release_status": "RELEASED", "status": "COMPLETED"})))
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let c = client(&server)
        .content("inv", "1.0.0")
        .await
        .expect("content after retries");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was honoured"
    );
    assert_eq!(c.release_status, "released");
}

#[tokio::test]
async fn posts_are_never_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{V}/promote")))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let req = HopRequest {
        target_stage: "x".into(),
        promotion_type: "copy".into(),
        ..HopRequest::default()
    };
    let err = client(&server)
        .promote("inv", "1.0.0", &req)
        .await
        .expect_err("503");
    assert_eq!(err.kind, RemoteErrorKind::Status(503));
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn error_bodies_become_one_message() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{V}/content")))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"errors": [{"status": 404, "message": "Application version not found"}]}),
        ))
        .mount(&server)
        .await;
    let err = client(&server)
        .content("inv", "1.0.0")
        .await
        .expect_err("404");
    let text = err.to_string();
    assert!(
        text.contains("HTTP 404: Application version not found"),
        "{text}"
    );
    assert!(
        text.contains("check `jfrog-url`, `project`, `application` and `version`"),
        "{text}"
    );
}

#[tokio::test]
async fn non_json_success_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{V}/content")))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>login</html>"))
        .mount(&server)
        .await;
    let err = client(&server)
        .content("inv", "1.0.0")
        .await
        .expect_err("html");
    assert_eq!(err.kind, RemoteErrorKind::Decode);
}

#[tokio::test]
async fn promotions_history_request_shape() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{V}/promotions")))
        .and(query_param("order_by", "created"))
        .and(query_param("order_asc", "false"))
        .and(header("authorization", "Bearer tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"promotions": [
            {"status": "success", "source_stage": "bookverse-DEV", "target_stage": "bookverse-QA", "promoted_by": "ci", "promoted": "2026-11-25T10:00:00Z"},
            {"status": "FAILED", "source_stage": "", "target_stage": "bookverse-DEV", "created_by": "bot", "created": "2026-11-24T10:00:00Z"}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let history = client(&server)
        .promotions("inv", "1.0.0")
        .await
        .expect("history");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].status, "SUCCESS");
    assert_eq!(
        history[1].promoted_by, "bot",
        "Terraform's field names are read too"
    );
}

#[tokio::test]
async fn versions_with_build_metadata_are_encoded_in_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/apptrust/api/v1/applications/inv/versions/1.0.0%2Bbuild.7/content",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"version": "1.0.0+build.7", "current_stage": ""})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server)
        .content("inv", "1.0.0+build.7")
        .await
        .expect("content");
    assert_eq!(c.version, "1.0.0+build.7");
}

#[tokio::test]
async fn oidc_exchange_sends_what_setup_jfrog_cli_sends() {
    use promote_action::jfrog::apptrust::oidc::{ExchangeContext, exchange};
    let server = MockServer::start().await;
    let ctx = ExchangeContext {
        provider_name: "github-oidc".into(),
        project_key: None,
        application_key: Some("bookverse-inventory".into()),
        repository: Some("bookverse/inventory".into()),
        run_id: Some("77".into()),
        job_id: None,
        revision: Some("0123abc".into()),
        branch: Some("main".into()),
    };
    Mock::given(method("POST"))
        .and(path("/access/api/v1/oidc/token"))
        .and(body_json(json!({
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
            "subject_token": "id.token.jwt",
            "provider_name": "github-oidc",
            "project_key": "",
            "gh_job_id": "",
            "gh_run_id": "77",
            "gh_repo": "bookverse/inventory",
            "gh_revision": "0123abc",
            "gh_branch": "main",
            "repo": "bookverse/inventory",
            "revision": "0123abc",
            "branch": "main",
            "application_key": "bookverse-inventory",
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "minted"})))
        .expect(1)
        .mount(&server)
        .await;
    let token = exchange(
        &reqwest::Client::new(),
        &ClientOptions::default(),
        &server.uri(),
        &Secret::new("id.token.jwt".into()),
        &ctx,
    )
    .await
    .expect("exchange");
    assert_eq!(token.expose(), "minted");
    // Without a repository, the AppTrust context keys are left out, the gh_* ones are "".
    let mut bare = ctx.clone();
    bare.repository = None;
    let body =
        promote_action::jfrog::apptrust::oidc::exchange_body(&Secret::new("t".into()), &bare);
    assert_eq!(body["gh_repo"], "");
    assert!(body.get("repo").is_none(), "{body}");
}
