//! GitHub-side notifications against a wiremock GitHub: the failure issue (found again, never
//! duplicated, closed on success), the chat webhook, degradation to warnings, the rate-limit and
//! server-error rules for posts, and the action's entry point. Calls the library directly.

use std::time::{Duration, Instant};

use promote_action::inputs::Secret;
use promote_action::report::github::report;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::github::*;
use crate::outcomes::{blocked, released};

fn issues_list(items: Value) -> Mock {
    Mock::given(method("GET"))
        .and(path("/repos/o/r/issues"))
        .and(query_param("labels", "promotion-failure"))
        .and(query_param("state", "open"))
        .and(query_param("per_page", "100"))
        .respond_with(ResponseTemplate::new(200).set_body_json(items))
}

#[tokio::test]
async fn an_open_failure_issue_is_commented_not_duplicated() {
    let server = MockServer::start().await;
    issues_list(json!([
        {"number": 3, "title": "Promotion failure: inventory → PROD", "pull_request": {}},
        {"number": 4, "title": "Promotion failure: payments → PROD"},
        {"number": 5, "title": "Promotion failure: inventory → PROD"},
    ]))
    .expect(1)
    .mount(&server)
    .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/issues/5/comments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/issues"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let mut req = request(None);
    req.notify_issue = true;
    let warnings = report(&client(&server), &req, &blocked(1)).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    let comment = body(&requests(&server, "POST", "/issues/5/comments").await[0]);
    let text = comment["body"].as_str().expect("body");
    assert!(text.contains(RUN), "{text}");
    assert!(text.contains("unit tests (STAGING)"), "{text}");
}

#[tokio::test]
async fn a_failure_without_an_open_issue_opens_one_with_the_label() {
    let server = MockServer::start().await;
    issues_list(json!([])).expect(1).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/issues"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"number": 8})))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = request(None);
    req.notify_issue = true;
    let warnings = report(&client(&server), &req, &blocked(1)).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    let created = body(&requests(&server, "POST", "/repos/o/r/issues").await[0]);
    assert_eq!(created["title"], "Promotion failure: inventory → PROD");
    assert_eq!(created["labels"], json!(["promotion-failure"]));
    let text = created["body"].as_str().expect("body");
    assert!(text.chars().count() <= 65_536);
    assert!(text.contains("blocked before PROD"), "{text}");
    assert!(
        text.contains(RUN) && text.contains("the job summary"),
        "{text}"
    );
}

#[tokio::test]
async fn a_later_success_closes_the_issue_with_a_comment() {
    let server = MockServer::start().await;
    issues_list(json!([{"number": 5, "title": "Promotion failure: inventory → PROD"}]))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/issues/5/comments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/o/r/issues/5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = request(None);
    req.notify_issue = true;
    let warnings = report(&client(&server), &req, &released()).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    let patch = body(&requests(&server, "PATCH", "/issues/5").await[0]);
    assert_eq!(patch["state"], "closed");
}

#[tokio::test]
async fn a_success_without_an_issue_changes_nothing_and_webhooks_stay_quiet() {
    let server = MockServer::start().await;
    issues_list(json!([])).expect(1).mount(&server).await;
    let hook = Secret::new(format!("{}/hooks/quiet", server.uri()));
    let mut req = request(Some(&hook));
    req.notify_issue = true;
    assert!(report(&client(&server), &req, &released()).await.is_empty());
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1
    );
}

#[tokio::test]
async fn webhook_gets_a_slack_text_and_its_url_never_leaks() {
    let server = MockServer::start().await;
    let url = format!("{}/services/T000/B000/xyzzy-secret", server.uri());
    Mock::given(method("POST"))
        .and(path("/services/T000/B000/xyzzy-secret"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .expect(1)
        .mount(&server)
        .await;
    let hook = Secret::new(url.clone());
    let warnings = report(&client(&server), &request(Some(&hook)), &blocked(2)).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    let sent = body(&requests(&server, "POST", "/xyzzy-secret").await[0]);
    let keys: Vec<&String> = sent.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["text"]);
    let text = sent["text"].as_str().expect("text");
    for part in [
        "blocked",
        "inventory",
        "1.2.0",
        "PROD",
        "unit tests (STAGING)",
        RUN,
    ] {
        assert!(text.contains(part), "{part} missing in {text}");
    }

    // A failing webhook: a warning that names the input, never the URL.
    let failing = MockServer::start().await;
    let bad_url = format!("{}/services/T000/B000/xyzzy-secret", failing.uri());
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(404).set_body_string(format!("no_service for {bad_url}")),
        )
        .mount(&failing)
        .await;
    let bad = Secret::new(bad_url);
    let warnings = report(&client(&failing), &request(Some(&bad)), &blocked(2)).await;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("notify-webhook URL"), "{warnings:?}");
    assert!(warnings[0].contains("404"), "{warnings:?}");
    assert!(!warnings[0].contains("xyzzy"), "{warnings:?}");

    // An unreachable webhook (nothing listens on the port): the same.
    let closed = Secret::new("http://127.0.0.1:9/services/xyzzy-secret".into());
    let warnings = report(&client(&failing), &request(Some(&closed)), &blocked(2)).await;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(!warnings[0].contains("xyzzy"), "{warnings:?}");
    assert!(!warnings[0].contains("127.0.0.1:9"), "{warnings:?}");
}

#[tokio::test]
async fn a_read_only_token_degrades_to_warnings() {
    let server = MockServer::start().await;
    let denied = ResponseTemplate::new(403).set_body_json(json!({
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest"
    }));
    Mock::given(method("POST"))
        .and(path("/repos/o/r/check-runs"))
        .respond_with(denied.clone())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/deployments"))
        .respond_with(denied.clone())
        .expect(1) // the first refusal stops the others
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/o/r/issues"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = request(None);
    req.check_run = true;
    req.deployment = true;
    req.notify_issue = true;
    let warnings = report(&client(&server), &req, &blocked(3)).await;
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert!(warnings[0].starts_with("check run `promotion: PROD` was not created"));
    assert!(warnings[0].contains("Resource not accessible by integration"));
    assert!(warnings[0].contains("permissions: checks: write"));
    assert!(warnings[1].contains("permissions: deployments: write"));
    assert!(warnings[2].contains("permissions: issues: write"));
    for w in &warnings {
        assert!(w.contains("The promotion itself is not affected"), "{w}");
        assert!(!w.contains("ghs_token"), "{w}");
    }
}

#[tokio::test]
async fn a_rate_limited_post_is_waited_out_and_sent_once_more() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/check-runs"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("retry-after", "1")
                .set_body_json(json!({"message": "You have exceeded a secondary rate limit."})),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/check-runs"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = request(None);
    req.check_run = true;
    let started = Instant::now();
    let warnings = report(&client(&server), &req, &blocked(0)).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(requests(&server, "POST", "/check-runs").await.len(), 2);
}

#[tokio::test]
async fn a_server_error_on_a_post_is_not_sent_again() {
    let server = MockServer::start().await;
    issues_list(json!([])).mount(&server).await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/issues"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = request(None);
    req.notify_issue = true;
    let warnings = report(&client(&server), &req, &blocked(1)).await;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .starts_with("failure issue `Promotion failure: inventory → PROD` was not opened"),
        "{warnings:?}"
    );
}

fn action_vars(server: &MockServer, event: &std::path::Path) -> Vec<(String, String)> {
    [
        ("INPUT_JFROG-URL", "https://acme.jfrog.io"),
        ("INPUT_ACCESS-TOKEN", "jfrog-secret-token"),
        ("INPUT_APPLICATION", "inventory"),
        ("INPUT_GITHUB-TOKEN", "ghs_token"),
        ("INPUT_CHECK-RUN", "true"),
        ("GITHUB_REPOSITORY", "o/r"),
        ("GITHUB_RUN_ID", "42"),
        ("GITHUB_SHA", "merge-commit-sha"),
        ("GITHUB_EVENT_NAME", "pull_request"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .chain([
        ("GITHUB_API_URL".to_string(), server.uri()),
        ("GITHUB_EVENT_PATH".to_string(), event.display().to_string()),
    ])
    .collect()
}

#[tokio::test]
async fn the_action_entry_point_uses_the_pr_head_and_redacts_secrets() {
    use promote_action::action::{github_client, report_run};
    use promote_action::inputs::{Inputs, RunContext};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/o/r/check-runs"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let event = dir.path().join("event.json");
    std::fs::write(&event, r#"{"pull_request":{"head":{"sha":"pr-head-sha"}}}"#).expect("event");
    let vars = action_vars(&server, &event);
    let inputs = Inputs::from_vars(vars.clone()).expect("inputs");
    let ctx = RunContext::from_vars(vars);
    let mut o = blocked(1);
    o.findings[0].message = "token was jfrog-secret-token".into();
    let github = github_client(&inputs, &ctx, &Default::default());
    let warnings = report_run(&inputs, &ctx, &o, &github).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    let sent = requests(&server, "POST", "/check-runs").await;
    let raw = String::from_utf8_lossy(&sent[0].body).to_string();
    assert!(!raw.contains("jfrog-secret-token"), "{raw}");
    let create = body(&sent[0]);
    assert_eq!(create["head_sha"], "pr-head-sha");
    assert_eq!(
        create["output"]["annotations"][0]["message"],
        "token was ***"
    );
    let summary = create["output"]["summary"].as_str().expect("summary");
    assert!(
        summary.contains("[inventory 1.2.0 in AppTrust](https://acme.jfrog.io/ui/apptrust/applications/inventory/versions/1.2.0)"),
        "{summary}"
    );
}

#[tokio::test]
async fn without_a_github_token_only_the_webhook_goes_out() {
    use promote_action::action::{github_client, report_run};
    use promote_action::inputs::{Inputs, RunContext};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let event = dir.path().join("event.json");
    std::fs::write(&event, "{}").expect("event");
    let mut vars: Vec<_> = action_vars(&server, &event)
        .into_iter()
        .filter(|(k, _)| k != "INPUT_GITHUB-TOKEN")
        .collect();
    vars.push((
        "INPUT_NOTIFY-WEBHOOK".into(),
        format!("{}/hook", server.uri()),
    ));
    let inputs = Inputs::from_vars(vars.clone()).expect("inputs");
    let ctx = RunContext::from_vars(vars);
    let github = github_client(&inputs, &ctx, &Default::default());
    let warnings = report_run(&inputs, &ctx, &blocked(1), &github).await;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("`github-token` is empty"),
        "{warnings:?}"
    );
    assert_eq!(
        server.received_requests().await.unwrap_or_default().len(),
        1
    );
}
