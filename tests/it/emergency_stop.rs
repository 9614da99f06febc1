//! The emergency stop end to end: the binary against the AppTrust simulator and a wiremock GitHub
//! whose issues list filters and pages the way GitHub's does (labels matched case-insensitively,
//! `state`, pull requests listed too, `Link: rel="next"`).

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

use crate::common::{Action, Gh, Run, Sim};

const APP: &str = "bookverse-inventory";
const ISSUES: &str = "/repos/bookverse/inventory/issues";
const STOP_POLICY: &str =
    "version: 1\nemergency-stop:\n  label: promotion-freeze\nstages:\n  QA: {}\n";

impl Gh {
    /// Serves `items` as the repository's issues.
    fn issues(&self, items: Vec<Value>) {
        self.mount(
            Mock::given(method("GET"))
                .and(path(ISSUES))
                .respond_with(Issues { items }),
        );
    }
}

/// GitHub's `GET /repos/{o}/{r}/issues`, as documented: `labels` (comma-separated, all must
/// match, case-insensitively), `state` (default open), `per_page`/`page`, and a `Link` header.
struct Issues {
    items: Vec<Value>,
}

impl Respond for Issues {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let q = |k: &str| {
            req.url
                .query_pairs()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.into_owned())
        };
        let labels: Vec<String> = q("labels")
            .map(|l| l.split(',').map(|s| s.to_lowercase()).collect())
            .unwrap_or_default();
        let state = q("state").unwrap_or_else(|| "open".into());
        let per_page: usize = q("per_page").and_then(|v| v.parse().ok()).unwrap_or(30);
        let page: usize = q("page").and_then(|v| v.parse().ok()).unwrap_or(1);
        let matching: Vec<&Value> =
            self.items
                .iter()
                .filter(|i| state == "all" || i["state"] == state.as_str())
                .filter(|i| {
                    labels.iter().all(|want| {
                        i["labels"].as_array().into_iter().flatten().any(|l| {
                            l["name"].as_str().map(str::to_lowercase).as_ref() == Some(want)
                        })
                    })
                })
                .collect();
        let body: Vec<&Value> = matching
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .copied()
            .collect();
        let mut reply = ResponseTemplate::new(200).set_body_json(body);
        if page * per_page < matching.len() {
            let mut next = req.url.clone();
            let others: Vec<(String, String)> = req
                .url
                .query_pairs()
                .filter(|(k, _)| k != "page")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            next.query_pairs_mut()
                .clear()
                .extend_pairs(others)
                .append_pair("page", &(page + 1).to_string());
            reply = reply.insert_header("link", format!("<{next}>; rel=\"next\"").as_str());
        }
        reply
    }
}

fn issue(number: u64, title: &str, state: &str, labels: &[&str]) -> Value {
    json!({
        "number": number,
        "title": title,
        "state": state,
        "html_url": format!("https://github.com/bookverse/inventory/issues/{number}"),
        "user": {"login": "alice"},
        "created_at": "2026-05-01T10:00:00Z",
        "labels": labels.iter().map(|l| json!({"name": l})).collect::<Vec<_>>(),
    })
}

fn pull_request(number: u64, labels: &[&str]) -> Value {
    let mut v = issue(number, "a pull request", "open", labels);
    v["pull_request"] =
        json!({"url": format!("https://api.github.com/repos/bookverse/inventory/pulls/{number}")});
    v
}

fn action(sim: &Sim, gh: &Gh, policy: &str) -> Action {
    let mut a = Action::new(sim, APP);
    a.input("version", "1.2.0")
        .input("github-token", "ghs_test_token_value")
        .file(".github/promotion-policy.yml", policy)
        .env("GITHUB_API_URL", &gh.server.uri());
    a
}

/// Blocked before any mutation, the version still in DEV.
fn assert_stopped(run: &Run, sim: &Sim) {
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.out("result"), "blocked");
    assert_eq!(run.out("failed-gates"), "emergency-stop");
    assert_eq!(run.out("to-stage"), "bookverse-DEV");
    assert_eq!(sim.sim.promotions_applied(), 0);
    let mutations: Vec<String> = sim
        .sim
        .requests()
        .iter()
        .filter(|r| r.method != "GET" && !crate::common::is_dry_run(r))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(mutations.is_empty(), "{mutations:?}");
    let gates: Value = serde_json::from_str(run.out("gates")).expect("gates JSON");
    assert_eq!(gates[0]["gate"], "emergency-stop", "{gates}");
    assert_eq!(gates[0]["kind"], "emergency-stop", "{gates}");
    assert_eq!(gates[0]["stage"], "bookverse-QA", "{gates}");
    assert_eq!(gates[0]["status"], "fail", "{gates}");
}

fn error_line(run: &Run) -> &str {
    run.stdout
        .lines()
        .find(|l| l.starts_with("::error"))
        .unwrap_or_else(|| panic!("no ::error in {}", run.stdout))
}

#[test]
fn an_open_issue_with_the_label_blocks_before_any_mutation_and_is_named_everywhere() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.issues(vec![issue(
        12,
        "Payments outage",
        "open",
        &["promotion-freeze"],
    )]);
    let run = action(&sim, &gh, STOP_POLICY).run();
    assert_stopped(&run, &sim);
    let named = "issue #12 \"Payments outage\" opened by @alice on 2026-05-01 10:00 UTC: https://github.com/bookverse/inventory/issues/12";
    assert!(
        run.stdout
            .contains(&format!("QA · emergency-stop: {named} → fail")),
        "{}",
        run.stdout
    );
    let error = error_line(&run);
    assert!(error.contains(named), "{error}");
    assert!(error.contains("the version stays in DEV"), "{error}");
    assert!(
        run.stdout
            .contains("DEV → QA: BLOCKED — emergency stop: issue #12"),
        "{}",
        run.stdout
    );
    let top: String = run.summary.lines().take(4).collect::<Vec<_>>().join("\n");
    assert!(top.contains("🛑 **Emergency stop in force** — issue \\#12 &quot;Payments outage&quot; opened by @\u{200b}alice on 2026-05-01 10:00 UTC: <https://github.com/bookverse/inventory/issues/12>"), "{top}");
    // The stop was read as documented: the label encoded, open issues only, 100 a page.
    let reads = gh.requests();
    assert_eq!(reads.len(), 1);
    let q = reads[0].url.query().unwrap_or_default();
    assert!(q.contains("labels=promotion-freeze&state=open"), "{q}");
    assert!(q.contains("per_page=100"), "{q}");
    assert_eq!(
        reads[0]
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer ghs_test_token_value")
    );
}

#[test]
fn closed_issues_other_labels_and_pull_requests_do_not_stop() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.issues(vec![
        issue(1, "old freeze", "closed", &["promotion-freeze"]),
        issue(2, "a bug", "open", &["bug", "promotion-freeze-later"]),
        pull_request(3, &["promotion-freeze"]),
    ]);
    let run = action(&sim, &gh, STOP_POLICY).run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "promoted");
    let gates: Value = serde_json::from_str(run.out("gates")).expect("gates JSON");
    assert_eq!(gates[0]["gate"], "emergency-stop");
    assert_eq!(gates[0]["status"], "pass");
    assert!(!run.summary.contains("Emergency stop"), "{}", run.summary);
}

#[test]
fn labels_match_whatever_their_case_and_spaces_are_encoded() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.issues(vec![issue(5, "Stop", "open", &["Promotion Freeze"])]);
    let policy = "version: 1\nemergency-stop: { label: promotion freeze }\nstages:\n  QA: {}\n";
    let run = action(&sim, &gh, policy).run();
    assert_stopped(&run, &sim);
    let q = gh.requests()[0].url.query().unwrap_or_default().to_string();
    assert!(q.starts_with("labels=promotion%20freeze&"), "{q}");
}

#[test]
fn the_labelled_issue_on_page_two_is_found() {
    let (sim, gh) = (Sim::start(), Gh::start());
    let mut items: Vec<Value> = (1000..1100)
        .map(|n| pull_request(n, &["promotion-freeze"]))
        .collect();
    items.push(issue(
        7,
        "Freeze: datacenter move",
        "open",
        &["promotion-freeze"],
    ));
    gh.issues(items);
    let run = action(&sim, &gh, STOP_POLICY).run();
    assert_stopped(&run, &sim);
    assert!(
        run.out("gates").contains("issue #7"),
        "{}",
        run.out("gates")
    );
    let pages: Vec<String> = gh
        .requests()
        .iter()
        .map(|r| r.url.query().unwrap_or_default().to_string())
        .collect();
    assert_eq!(pages.len(), 2, "{pages:?}");
    assert!(pages[1].ends_with("page=2"), "{pages:?}");
}

#[test]
fn a_token_that_cannot_read_issues_blocks_naming_the_permission() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.mount(
        Mock::given(method("GET")).and(path(ISSUES)).respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"message": "Resource not accessible by integration"})),
        ),
    );
    let run = action(&sim, &gh, STOP_POLICY).run();
    assert_stopped(&run, &sim);
    let error = error_line(&run);
    assert!(error.contains("permissions: issues: read"), "{error}");
    assert!(
        error.contains("Resource not accessible by integration"),
        "{error}"
    );
    assert!(
        run.summary.contains("could not be checked"),
        "{}",
        run.summary
    );
}

#[test]
fn an_empty_github_token_blocks() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.issues(vec![]);
    let mut a = action(&sim, &gh, STOP_POLICY);
    a.input("github-token", "");
    let run = a.run();
    assert_stopped(&run, &sim);
    assert!(
        error_line(&run).contains("input `github-token` is empty"),
        "{}",
        run.stdout
    );
    assert!(gh.requests().is_empty());
}

#[test]
fn an_unreachable_github_or_no_repository_blocks() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    // GITHUB_API_URL is the harness's closed loopback port.
    a.input("version", "1.2.0")
        .input("github-token", "ghs_test_token_value")
        .file(".github/promotion-policy.yml", STOP_POLICY)
        .fast();
    let run = a.run();
    assert_stopped(&run, &sim);
    assert!(
        error_line(&run).contains("GitHub is unreachable"),
        "{}",
        run.stdout
    );
    a.env("GITHUB_REPOSITORY", "");
    let run = a.run();
    assert_stopped(&run, &sim);
    assert!(
        error_line(&run).contains("GITHUB_REPOSITORY is not set"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_answer_that_is_not_a_list_of_issues_blocks() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.mount(
        Mock::given(method("GET"))
            .and(path(ISSUES))
            .respond_with(ResponseTemplate::new(200).set_body_string("<html>proxy login</html>")),
    );
    let run = action(&sim, &gh, STOP_POLICY).run();
    assert_stopped(&run, &sim);
    assert!(
        error_line(&run).contains("is not the documented list of issues"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_rate_limited_answer_is_waited_out() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.mount(
        Mock::given(method("GET"))
            .and(path(ISSUES))
            .respond_with(
                ResponseTemplate::new(403)
                    .insert_header("retry-after", "1")
                    .insert_header("x-ratelimit-remaining", "0")
                    .set_body_json(json!({"message": "API rate limit exceeded"})),
            )
            .up_to_n_times(1)
            .with_priority(1),
    );
    gh.issues(vec![issue(
        12,
        "Payments outage",
        "open",
        &["promotion-freeze"],
    )]);
    let started = std::time::Instant::now();
    let run = action(&sim, &gh, STOP_POLICY).run();
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
    assert_stopped(&run, &sim);
    assert!(
        run.out("gates").contains("issue #12"),
        "{}",
        run.out("gates")
    );
    assert_eq!(gh.requests().len(), 2);
}

#[test]
fn an_exhausted_rate_limit_blocks_saying_when_to_retry() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.mount(
        Mock::given(method("GET")).and(path(ISSUES)).respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "3600")
                .set_body_json(json!({"message": "API rate limit exceeded"})),
        ),
    );
    let run = action(&sim, &gh, STOP_POLICY).run();
    assert_stopped(&run, &sim);
    let error = error_line(&run);
    assert!(error.contains("rate limit is exhausted"), "{error}");
    assert!(error.contains("retry after 3600 s"), "{error}");
}

#[test]
fn a_rollback_is_never_stopped() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.issues(vec![issue(
        12,
        "Payments outage",
        "open",
        &["promotion-freeze"],
    )]);
    let mut a = action(&sim, &gh, STOP_POLICY);
    a.input("version", "1.0.0")
        .input("command", "rollback")
        .input("reason", "bad release");
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "rolled-back");
    assert!(gh.requests().is_empty(), "a rollback does not even look");
}

const HOTFIX_ALL: &str = "version: 1\nemergency-stop: { label: promotion-freeze }\nstages:\n  QA:\n    hotfix: { skip: [emergency-stop] }\n  STAGING:\n    hotfix: { skip: [emergency-stop] }\n  PROD:\n    hotfix: { skip: [emergency-stop] }\n";

fn hotfix_to_prod(sim: &Sim, gh: &Gh, policy: &str) -> Run {
    let mut a = action(sim, gh, policy);
    a.input("target-stage", "PROD")
        .input("hotfix", "true")
        .input("reason", "CVE-2026-1234");
    a.run()
}

#[test]
fn a_hotfix_passes_when_every_stage_on_the_path_lists_the_stop() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.issues(vec![issue(
        12,
        "Payments outage",
        "open",
        &["promotion-freeze"],
    )]);
    let run = hotfix_to_prod(&sim, &gh, HOTFIX_ALL);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "released");
    let gates: Value = serde_json::from_str(run.out("gates")).expect("gates JSON");
    assert_eq!(gates[0]["gate"], "emergency-stop");
    assert_eq!(gates[0]["status"], "skip");
    let detail = gates[0]["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains("skipped by hotfix: CVE-2026-1234"),
        "{detail}"
    );
    assert!(detail.contains("issue #12"), "{detail}");
    assert!(
        run.summary.contains("A hotfix passed the emergency stop"),
        "{}",
        run.summary
    );
}

#[test]
fn a_hotfix_is_stopped_when_a_stage_on_the_path_does_not_list_it() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.issues(vec![issue(
        12,
        "Payments outage",
        "open",
        &["promotion-freeze"],
    )]);
    let policy = HOTFIX_ALL.replace(
        "  STAGING:\n    hotfix: { skip: [emergency-stop] }\n",
        "  STAGING:\n    hotfix: { skip: [windows] }\n",
    );
    let run = hotfix_to_prod(&sim, &gh, &policy);
    assert_stopped(&run, &sim);
    assert!(
        error_line(&run).contains(
            "every stage it enters lists `emergency-stop` in `hotfix.skip`, and STAGING does not"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_plan_shows_the_stop_as_blocked() {
    let (sim, gh) = (Sim::start(), Gh::start());
    gh.issues(vec![issue(
        12,
        "Payments outage",
        "open",
        &["promotion-freeze"],
    )]);
    let mut a = action(&sim, &gh, STOP_POLICY);
    a.input("command", "plan");
    let run = a.run();
    assert_stopped(&run, &sim);
    assert!(
        run.summary.contains("Emergency stop in force"),
        "{}",
        run.summary
    );
}
