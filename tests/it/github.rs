//! GitHub-side reporting against a wiremock GitHub: check run with annotation batches,
//! deployments and their statuses, the failure issue (found again, never duplicated, closed on
//! success), the chat webhook, and degradation to warnings. Calls the library directly.

use std::time::{Duration, Instant};

use promote_action::gates::{Finding, GateResult, GateStatus, Severity};
use promote_action::github::GitHubClient;
use promote_action::inputs::{Command, Secret};
use promote_action::lifecycle::HopAction;
use promote_action::lifecycle::Lifecycle;
use promote_action::promotion::outcome::{Hop, HopStatus, Outcome, RunResult};
use promote_action::report::github::{ReportRequest, report};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const SHA: &str = "0123456789abcdef0123456789abcdef01234567";
const RUN: &str = "https://github.com/o/r/actions/runs/42";
const SUMMARY: &str = "## ⛔ inventory 1.2.0 blocked before STAGING\n\nthe job summary\n";

fn client(server: &MockServer) -> GitHubClient {
    GitHubClient::new(
        reqwest::Client::new(),
        &server.uri(),
        Secret::new("ghs_token".into()),
    )
}

fn request(webhook: Option<&Secret>) -> ReportRequest<'_> {
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

fn hop(from: &str, to: &str, action: HopAction, status: HopStatus) -> Hop {
    Hop {
        from: from.into(),
        to: to.into(),
        action,
        promotion_type: "copy".into(),
        status,
        duration_ms: Some(10),
        evaluations: vec![],
        message: if status == HopStatus::Blocked {
            "gates for STAGING failed; nothing was promoted to it".into()
        } else {
            String::new()
        },
    }
}

fn base(result: RunResult) -> Outcome {
    let mut o = Outcome::new(Command::Promote, "inventory", "1.2.0");
    o.lifecycle = Some(Lifecycle {
        stages: ["bookverse-DEV", "bookverse-QA", "bookverse-STAGING", "PROD"]
            .map(String::from)
            .to_vec(),
        release_stage: "PROD".into(),
        project: Some("bookverse".into()),
    });
    o.result = result;
    o.from_stage = "bookverse-DEV".into();
    o.target_stage = Some("PROD".into());
    o
}

/// Blocked before STAGING by a failing unit-test gate, with `n` failing tests on files.
fn blocked(n: usize) -> Outcome {
    let mut o = base(RunResult::Blocked);
    o.to_stage = "bookverse-QA".into();
    o.hops = vec![
        hop(
            "bookverse-DEV",
            "bookverse-QA",
            HopAction::Promote,
            HopStatus::Done,
        ),
        hop(
            "bookverse-QA",
            "bookverse-STAGING",
            HopAction::Promote,
            HopStatus::Blocked,
        ),
        hop(
            "bookverse-STAGING",
            "PROD",
            HopAction::Release,
            HopStatus::NotReached,
        ),
    ];
    o.gates = vec![GateResult {
        stage: "bookverse-STAGING".into(),
        gate: "unit tests".into(),
        kind: "junit".into(),
        status: GateStatus::Fail,
        detail: format!("{n} tests failed, at most 0 allowed"),
        figure: String::new(),
        threshold: String::new(),
    }];
    o.findings = (0..n)
        .map(|i| Finding {
            category: "test",
            severity: Severity::Error,
            title: format!("tests.test_calc::test_{i}"),
            message: format!("assert {i} == 0"),
            file: Some("tests/test_calc.py".into()),
            line: Some(i as u32 + 1),
        })
        .collect();
    o.findings_total = n;
    o
}

fn released() -> Outcome {
    let mut o = base(RunResult::Released);
    o.to_stage = "PROD".into();
    o.hops = vec![
        hop(
            "bookverse-DEV",
            "bookverse-QA",
            HopAction::Promote,
            HopStatus::Done,
        ),
        hop(
            "bookverse-QA",
            "bookverse-STAGING",
            HopAction::Promote,
            HopStatus::Done,
        ),
        hop(
            "bookverse-STAGING",
            "PROD",
            HopAction::Release,
            HopStatus::Done,
        ),
    ];
    o
}

fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).expect("a JSON body")
}

async fn requests(server: &MockServer, verb: &str, suffix: &str) -> Vec<Request> {
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
    let mut o = base(RunResult::RolledBack);
    o.command = Command::Rollback;
    o.target_stage = None;
    o.from_stage = "PROD".into();
    o.to_stage = "bookverse-STAGING".into();
    o.hops = vec![hop(
        "PROD",
        "bookverse-STAGING",
        HopAction::Rollback,
        HopStatus::Done,
    )];
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
