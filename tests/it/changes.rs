//! What a promotion changes, through the binary against the simulator and a wiremock GitHub:
//! the version now in PROD and its commit (recorded by its own promotion), the commits and
//! merged pull requests between the two in the summary, the record and the `changes` output; a
//! first promotion says so; a GitHub error is one warning and the promotion goes on.

use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{Action, Gh, Sim};

const APP: &str = "bookverse-inventory";
const BASE: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const HEAD: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn sha(i: u8) -> String {
    format!("{i:040x}")
}

/// 1.1.0 released to PROD by a run of commit BASE (which records it on the version).
fn base_in_prod(sim: &Sim) {
    let mut a = Action::new(sim, APP);
    a.input("version", "1.1.0")
        .input("target-stage", "PROD")
        .env("GITHUB_SHA", BASE);
    let run = a.run();
    assert_eq!(run.out("result"), "released", "{}", run.stdout);
    let props = sim.sim.version(APP, "1.1.0").expect("1.1.0").properties;
    assert_eq!(
        props.get("promote-action.commit"),
        Some(&vec![BASE.to_string()])
    );
}

fn candidate(sim: &Sim, gh: &Gh, command: &str) -> Action {
    let mut a = Action::new(sim, APP);
    a.input("version", "1.2.0")
        .input("target-stage", "PROD")
        .input("command", command)
        .input("github-token", "ghs_test_token_value")
        .env("GITHUB_SHA", HEAD)
        .env("GITHUB_API_URL", &gh.server.uri());
    a
}

fn mount_github(gh: &Gh) {
    let commit = |i: u8, title: &str| {
        json!({
            "sha": sha(i),
            "html_url": format!("https://github.com/bookverse/inventory/commit/{}", sha(i)),
            "commit": {"message": format!("{title}\n\nbody"), "author": {"name": "Alice A"}},
            "author": {"login": "alice"}
        })
    };
    gh.mount(
        Mock::given(method("GET"))
            .and(path(format!(
                "/repos/bookverse/inventory/compare/{BASE}...{HEAD}"
            )))
            .and(query_param("page", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "status": "ahead",
                "total_commits": 3,
                "commits": [commit(1, "Fix stock count"), commit(2, "Bump deps"), commit(3, "Add <script> search")]
            }))),
    );
    let pulls = |i: u8, body: Value| {
        Mock::given(method("GET"))
            .and(path(format!(
                "/repos/bookverse/inventory/commits/{}/pulls",
                sha(i)
            )))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
    };
    gh.mount(pulls(
        1,
        json!([{"number": 12, "title": "Stock count off by one", "html_url": "x", "user": {"login": "bob"}, "merged_at": "2026-12-01T10:00:00Z"}]),
    ));
    gh.mount(pulls(
        2,
        json!([{"number": 13, "title": "Draft: never merged", "html_url": "x", "user": {"login": "eve"}, "merged_at": null}]),
    ));
    gh.mount(pulls(
        3,
        json!([{"number": 12, "title": "Stock count off by one", "html_url": "x", "user": {"login": "bob"}, "merged_at": "2026-12-01T10:00:00Z"}]),
    ));
}

#[test]
fn the_summary_lists_the_commits_and_pull_requests_between_prod_and_the_candidate() {
    let (sim, gh) = (Sim::start(), Gh::start());
    base_in_prod(&sim);
    mount_github(&gh);
    let run = candidate(&sim, &gh, "promote").run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "released");
    assert!(
        run.summary
            .contains("<details><summary>What changes in PROD: 3 commits, 1 pull request since 1.1.0</summary>"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains(
            "- [#12](https://github.com/bookverse/inventory/pull/12) Stock count off by one — bob"
        ),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("Add &lt;script&gt; search — alice"),
        "{}",
        run.summary
    );
    assert!(!run.summary.contains("never merged"), "{}", run.summary);
    let changes: Value = serde_json::from_str(run.out("changes")).expect("`changes` is JSON");
    assert_eq!(changes["base_version"], "1.1.0");
    assert_eq!(changes["base_commit"], BASE);
    assert_eq!(changes["head_commit"], HEAD);
    assert_eq!(changes["commits"], 3);
    assert_eq!(changes["pull_requests"][0]["number"], 12);
    assert_eq!(changes["pull_requests"].as_array().map(Vec::len), Some(1));
    let record = run.record.as_ref().expect("record");
    assert_eq!(
        record["outcome"]["changes"]["commit_list"][2]["sha"],
        sha(3)
    );
    // The candidate's commit is recorded for the next promotion.
    let props = sim.sim.version(APP, "1.2.0").expect("1.2.0").properties;
    assert_eq!(
        props.get("promote-action.commit"),
        Some(&vec![HEAD.to_string()])
    );
}

#[test]
fn a_plan_shows_the_same_list_and_a_first_promotion_says_so() {
    let (sim, gh) = (Sim::start(), Gh::start());
    base_in_prod(&sim);
    mount_github(&gh);
    let run = candidate(&sim, &gh, "plan").run();
    assert_eq!(run.out("result"), "planned", "{}", run.stdout);
    assert!(
        run.summary
            .contains("What changes in PROD: 3 commits, 1 pull request since 1.1.0"),
        "{}",
        run.summary
    );
    // Nothing is in QA in the seed: 1.3.0 into QA is its first promotion.
    let mut a = candidate(&sim, &gh, "plan");
    a.input("version", "1.3.0").input("target-stage", "QA");
    let run = a.run();
    let changes: Value = serde_json::from_str(run.out("changes")).expect("`changes` is JSON");
    assert_eq!(changes["base_version"], Value::Null);
    assert!(
        changes["note"]
            .as_str()
            .is_some_and(|n| n.contains("nothing is in QA yet")),
        "{changes}"
    );
    assert!(
        run.summary
            .contains("What changes in QA: first promotion into it"),
        "{}",
        run.summary
    );
}

#[test]
fn a_github_error_is_one_warning_and_the_promotion_goes_on() {
    let (sim, gh) = (Sim::start(), Gh::start());
    base_in_prod(&sim);
    gh.mount(
        Mock::given(method("GET"))
            .and(path(format!(
                "/repos/bookverse/inventory/compare/{BASE}...{HEAD}"
            )))
            .respond_with(
                ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})),
            ),
    );
    let run = candidate(&sim, &gh, "promote").run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "released");
    assert_eq!(
        sim.sim.version(APP, "1.2.0").expect("1.2.0").current_stage,
        "PROD"
    );
    let warnings: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::warning") && l.contains("what this promotion changes"))
        .collect();
    assert_eq!(warnings.len(), 1, "{}", run.stdout);
    assert!(warnings[0].contains("HTTP 404"), "{}", warnings[0]);
    let changes: Value = serde_json::from_str(run.out("changes")).expect("`changes` is JSON");
    assert_eq!(changes["base_version"], "1.1.0");
    assert!(changes["note"].as_str().is_some_and(|n| n.contains("404")));
}

#[test]
fn other_commands_leave_changes_empty() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("command", "status").input("version", "1.0.0");
    let run = a.run();
    assert_eq!(run.out("result"), "unchanged", "{}", run.stdout);
    assert_eq!(run.out("changes"), "");
}

#[test]
fn a_version_keeps_the_commit_of_its_first_promotion_from_a_workflow_run() {
    let (sim, gh) = (Sim::start(), Gh::start());
    base_in_prod(&sim);
    mount_github(&gh);
    let other = "cccccccccccccccccccccccccccccccccccccccc";
    // Promoted into QA by a workflow_run of CI on HEAD (the run itself is on another commit).
    let mut a = candidate(&sim, &gh, "promote");
    a.input("target-stage", "QA")
        .env("GITHUB_SHA", other)
        .env("GITHUB_EVENT_NAME", "workflow_run")
        .file(
            "event.json",
            &json!({"workflow_run": {"head_sha": HEAD}}).to_string(),
        );
    let event = a.workspace().join("event.json");
    a.env("GITHUB_EVENT_PATH", &event.to_string_lossy());
    assert_eq!(a.run().out("result"), "promoted");
    // Released later by hand from another commit: the recorded HEAD is what is compared.
    let mut a = candidate(&sim, &gh, "promote");
    a.env("GITHUB_SHA", other);
    let run = a.run();
    assert_eq!(run.out("result"), "released", "{}", run.stdout);
    let changes: Value = serde_json::from_str(run.out("changes")).expect("`changes` is JSON");
    assert_eq!(changes["head_commit"], HEAD);
    assert_eq!(changes["commits"], 3, "{changes}");
    let props = sim.sim.version(APP, "1.2.0").expect("1.2.0").properties;
    assert_eq!(
        props.get("promote-action.commit"),
        Some(&vec![HEAD.to_string()])
    );
}
