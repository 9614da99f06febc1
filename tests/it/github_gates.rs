//! Gates that read GitHub (required check runs, environment approvals), end to end: the binary
//! against the simulator and a wiremock GitHub.

use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{Action, Gh, Sim};

const APP: &str = "bookverse-inventory";

const CHECKS_POLICY: &str = "version: 1\nstages:\n  QA:\n    gates:\n      - checks:\n          required: [build, integration-tests]\n";

fn check_runs(runs: serde_json::Value) -> ResponseTemplate {
    let n = runs.as_array().map_or(0, Vec::len);
    ResponseTemplate::new(200).set_body_json(json!({"total_count": n, "check_runs": runs}))
}

fn action(sim: &Sim, gh: &Gh, policy: &str) -> Action {
    let mut a = Action::new(sim, APP);
    a.input("version", "1.2.0")
        .input("github-token", "ghs_test_token_value")
        .file(".github/promotion-policy.yml", policy)
        .env("GITHUB_API_URL", &gh.server.uri());
    a
}

#[test]
fn required_checks_that_succeeded_let_the_promotion_through() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.mount(
        Mock::given(method("GET"))
            .and(path("/repos/bookverse/inventory/commits/0123456789abcdef0123456789abcdef01234567/check-runs"))
            .and(header("authorization", "Bearer ghs_test_token_value"))
            .and(header("x-github-api-version", "2022-11-28"))
            .and(query_param("per_page", "100"))
            .respond_with(check_runs(json!([
                {"name": "build", "status": "completed", "conclusion": "success"},
                {"name": "integration-tests", "status": "completed", "conclusion": "success"},
                {"name": "lint", "status": "completed", "conclusion": "failure"}
            ]))),
    );
    let run = action(&sim, &gh, CHECKS_POLICY).run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "promoted");
}

#[test]
fn a_missing_or_running_check_blocks_and_is_named() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.mount(
        Mock::given(method("GET"))
            .and(path("/repos/bookverse/inventory/commits/0123456789abcdef0123456789abcdef01234567/check-runs"))
            .respond_with(check_runs(json!([{"name": "build", "status": "in_progress", "conclusion": null}]))),
    );
    let run = action(&sim, &gh, CHECKS_POLICY).run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let gates = run.out("gates");
    assert!(gates.contains("`build` is still in_progress"), "{gates}");
    assert!(
        gates.contains("`integration-tests` has not run on this commit"),
        "{gates}"
    );
    assert_eq!(sim.sim.promotions_applied(), 0);
}

#[test]
fn pull_requests_check_the_head_commit_not_the_merge_commit() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.mount(
        Mock::given(method("GET"))
            .and(path(
                "/repos/bookverse/inventory/commits/feedface/check-runs",
            ))
            .respond_with(check_runs(json!([
                {"name": "build", "status": "completed", "conclusion": "success"},
                {"name": "integration-tests", "status": "completed", "conclusion": "success"}
            ]))),
    );
    let mut a = action(&sim, &gh, CHECKS_POLICY);
    let event = a.dir.path().join("event.json");
    std::fs::write(&event, r#"{"pull_request":{"head":{"sha":"feedface"}}}"#).expect("event");
    a.env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", event.to_str().expect("utf8"));
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.out("gates"));
}

#[test]
fn check_runs_are_read_across_pages() {
    let (sim, gh) = (Sim::start(), Gh::start());
    let page1: Vec<_> = (0..100)
        .map(
            |i| json!({"name": format!("job-{i}"), "status": "completed", "conclusion": "success"}),
        )
        .collect();
    gh.mount(
        Mock::given(method("GET"))
            .and(query_param("page", "1"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"total_count": 102, "check_runs": page1})),
            ),
    );
    gh.mount(
        Mock::given(method("GET"))
            .and(query_param("page", "2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"total_count": 102, "check_runs": [
                    {"name": "build", "status": "completed", "conclusion": "success"},
                    {"name": "integration-tests", "status": "completed", "conclusion": "success"}
                ]}),
            )),
    );
    let run = action(&sim, &gh, CHECKS_POLICY).run();
    assert_eq!(run.code, 0, "{}", run.out("gates"));
}

#[test]
fn without_a_github_token_the_checks_gate_fails_with_the_fix() {
    let (sim, gh) = (Sim::start(), Gh::start());
    let mut a = action(&sim, &gh, CHECKS_POLICY);
    a.input("github-token", "");
    let run = a.run();
    assert_eq!(run.code, 1);
    assert!(
        run.out("gates").contains("github-token"),
        "{}",
        run.out("gates")
    );
}

const APPROVALS_POLICY: &str = "version: 1\nstages:\n  QA:\n    approvals:\n      environment: production\n      min: 2\n      forbid-self-approval: true\n";

fn approvals(list: serde_json::Value) -> Mock {
    Mock::given(method("GET"))
        .and(path("/repos/bookverse/inventory/actions/runs/77/approvals"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list))
}

fn approval(user: &str, env: &str, state: &str) -> serde_json::Value {
    json!({"state": state, "comment": "lgtm", "environments": [{"name": env}], "user": {"login": user}})
}

#[test]
fn two_distinct_approvers_pass() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.mount(approvals(json!([
        approval("bob", "production", "approved"),
        approval("carol", "production", "approved")
    ])));
    let run = action(&sim, &gh, APPROVALS_POLICY).run();
    assert_eq!(run.code, 0, "{}", run.out("gates"));
    assert!(
        run.summary.contains("approved by bob, carol"),
        "{}",
        run.summary
    );
}

#[test]
fn self_approval_duplicates_rejections_and_other_environments_do_not_count() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.mount(approvals(json!([
        approval("alice", "production", "approved"),
        approval("bob", "production", "approved"),
        approval("bob", "production", "approved"),
        approval("dave", "production", "rejected"),
        approval("erin", "staging", "approved")
    ])));
    let run = action(&sim, &gh, APPROVALS_POLICY).run();
    assert_eq!(run.code, 1, "{}", run.out("gates"));
    let gates = run.out("gates");
    assert!(
        gates.contains("approved by bob (the actor's own approval does not count)"),
        "{gates}"
    );
    assert_eq!(run.out("failed-gates"), "approvals");
    assert_eq!(sim.sim.promotions_applied(), 0);
}

#[test]
fn a_rate_limited_approvals_read_waits_for_retry_after() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.mount(
        Mock::given(method("GET"))
            .and(path("/repos/bookverse/inventory/actions/runs/77/approvals"))
            .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
            .up_to_n_times(1),
    );
    gh.mount(approvals(json!([
        approval("bob", "production", "approved"),
        approval("carol", "production", "approved")
    ])));
    let run = action(&sim, &gh, APPROVALS_POLICY).run();
    assert_eq!(run.code, 0, "{}", run.out("gates"));
}

// ------------------------------------------------------------------ reporting through the binary

#[test]
fn the_binary_reports_a_check_run_a_deployment_and_a_failure_issue() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.mount(
        Mock::given(method("POST"))
            .and(path("/repos/bookverse/inventory/check-runs"))
            .and(header("authorization", "Bearer ghs_test_token_value"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1}))),
    );
    gh.mount(
        Mock::given(method("POST"))
            .and(path("/repos/bookverse/inventory/deployments"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 9}))),
    );
    gh.mount(
        Mock::given(method("POST"))
            .and(path("/repos/bookverse/inventory/deployments/9/statuses"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1}))),
    );
    let mut a = action(&sim, &gh, "version: 1\nstages: {}\n");
    a.input("check-run", "true")
        .input("deployment", "true")
        .input("notify-issue", "true");
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    let requests = gh.requests();
    let check: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path().ends_with("/check-runs"))
        .collect();
    assert_eq!(check.len(), 1, "one check run");
    let body: serde_json::Value = serde_json::from_slice(&check[0].body).expect("json");
    assert_eq!(body["name"], "promotion: QA");
    assert_eq!(body["conclusion"], "success");
    let deployment = requests
        .iter()
        .find(|r| r.url.path().ends_with("/deployments"))
        .expect("a deployment");
    let body: serde_json::Value = serde_json::from_slice(&deployment.body).expect("json");
    assert_eq!(body["environment"], "QA");
    assert_eq!(body["auto_merge"], false);
    assert!(
        !requests
            .iter()
            .any(|r| r.url.path().ends_with("/issues") && r.method.as_str() == "POST"),
        "no failure issue on success"
    );
}

#[test]
fn a_blocked_run_opens_one_failure_issue() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.mount(
        Mock::given(method("GET"))
            .and(path("/repos/bookverse/inventory/issues"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([]))),
    );
    gh.mount(
        Mock::given(method("POST"))
            .and(path("/repos/bookverse/inventory/issues"))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({"number": 5}))),
    );
    let mut a = action(
        &sim,
        &gh,
        "version: 1\nstages:\n  QA:\n    gates:\n      - junit: { paths: [missing.xml] }\n",
    );
    a.input("notify-issue", "true");
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    let requests = gh.requests();
    let created: Vec<_> = requests
        .iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path().ends_with("/issues"))
        .collect();
    assert_eq!(created.len(), 1);
    let body: serde_json::Value = serde_json::from_slice(&created[0].body).expect("json");
    assert_eq!(body["title"], "Promotion failure: bookverse-inventory → QA");
    assert_eq!(body["labels"][0], "promotion-failure");
}
