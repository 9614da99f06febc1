//! Table tests of the GitHub reports' wording: what each request says, decided without a
//! client (the sending is covered through the binary in `tests/it/github.rs`).

use serde_json::json;

use super::tests::blocked;
use super::*;
use crate::gates::{Finding, Severity};
use crate::promotion::outcome::RunResult;

fn request<'a>(run_url: Option<&'a str>, summary: &'a str) -> ReportRequest<'a> {
    ReportRequest {
        repo: "o/r",
        sha: Some("abc"),
        run_url,
        jfrog_url: "https://acme.jfrog.io",
        check_run: true,
        deployment: true,
        notify_issue: true,
        notify_webhook: None,
        summary,
    }
}

fn finding(i: usize, file: Option<&str>) -> Finding {
    Finding {
        category: "test",
        severity: Severity::Error,
        title: format!("t{i}"),
        message: String::new(),
        file: file.map(str::to_string),
        line: Some(0),
    }
}

#[test]
fn check_runs_carry_fifty_annotations_per_request() {
    let at = jiff::Timestamp::from_second(1_767_225_600).expect("instant");
    let run_url = "https://github.com/o/r/actions/runs/1";
    // (findings with a path, findings without one, run URL) → (annotations, PATCH bodies).
    let table = [
        (0, 0, None, 0, 0),
        (3, 2, Some(run_url), 3, 0),
        (50, 0, None, 50, 0),
        (51, 1, Some(run_url), 51, 1),
        (120, 0, None, 120, 2),
    ];
    for (with_path, without, url, annotations, patches) in table {
        let mut o = blocked();
        o.findings = (0..with_path)
            .map(|i| finding(i, Some("src/a.rs")))
            .chain((0..without).map(|i| finding(i, None)))
            .collect();
        let run = check_run::render(&request(url, "the summary"), &o, "abc", at);
        let case = format!("{with_path}+{without}");
        assert_eq!(run.name, "promotion: PROD", "{case}");
        assert_eq!(run.annotations, annotations, "{case}");
        assert_eq!(run.patches.len(), patches, "{case}");
        let c = &run.create;
        assert_eq!(c["head_sha"], "abc", "{case}");
        assert_eq!(c["conclusion"], "failure", "{case}");
        assert_eq!(c["completed_at"], at.to_string(), "{case}");
        assert_eq!(
            c["details_url"],
            url.map_or(json!(null), |u| json!(u)),
            "{case}"
        );
        assert_eq!(c["output"]["summary"], "the summary", "{case}");
        let first = c["output"]["annotations"].as_array().expect("array").len();
        assert_eq!(first, annotations.min(ANNOTATIONS_PER_REQUEST), "{case}");
        if let Some(a) = c["output"]["annotations"].get(0) {
            // Line 0 is not a line: the API is given line 1.
            assert_eq!(a["start_line"], 1, "{case}");
            assert_eq!(a["annotation_level"], "failure", "{case}");
        }
        for p in &run.patches {
            assert_eq!(p["output"]["title"], c["output"]["title"], "{case}");
            assert_eq!(p["output"]["summary"], "the summary", "{case}");
        }
    }
}

#[test]
fn the_issue_update_follows_the_result_and_the_open_issue() {
    let url = Some("https://github.com/o/r/actions/runs/1");
    // (result, open issue) → what is sent.
    let table = [
        (RunResult::Blocked, None, "open"),
        (RunResult::Failed, None, "open"),
        (RunResult::Reverted, Some(7), "comment 7"),
        (RunResult::Blocked, Some(7), "comment 7"),
        (RunResult::Promoted, Some(7), "resolve 7"),
        (RunResult::Released, Some(8), "resolve 8"),
        (RunResult::Promoted, None, "nothing"),
        (RunResult::Unchanged, Some(7), "nothing"),
        (RunResult::Deferred, None, "nothing"),
    ];
    for (result, existing, want) in table {
        let mut o = blocked();
        o.result = result;
        let req = request(url, "summary");
        let got = match issue::render(&req, &o, existing) {
            issue::IssueUpdate::Nothing => "nothing".to_string(),
            issue::IssueUpdate::Open(body) => {
                assert_eq!(body["title"], issue_title(&o), "{result:?}");
                assert_eq!(body["labels"], json!([LABEL]), "{result:?}");
                assert!(
                    body["body"]
                        .as_str()
                        .expect("body")
                        .contains("Workflow run: "),
                    "{result:?}"
                );
                "open".to_string()
            }
            issue::IssueUpdate::Comment { number, comment } => {
                assert_eq!(comment["body"], issue::issue_body(&req, &o), "{result:?}");
                format!("comment {number}")
            }
            issue::IssueUpdate::Resolve {
                number,
                comment,
                close,
            } => {
                let text = comment["body"].as_str().expect("comment");
                assert!(text.starts_with("✅ Resolved: inventory 1.2.0 "), "{text}");
                assert!(text.ends_with(" Workflow run: https://github.com/o/r/actions/runs/1"));
                assert_eq!(
                    close,
                    json!({"state": "closed", "state_reason": "completed"})
                );
                format!("resolve {number}")
            }
        };
        assert_eq!(got, want, "{result:?} with {existing:?}");
    }
}

#[test]
fn the_webhook_payload_is_the_message_text() {
    let o = blocked();
    for url in [None, Some("https://github.com/o/r/actions/runs/1")] {
        assert_eq!(
            webhook::render(&o, url),
            json!({ "text": webhook_text(&o, url) }),
            "{url:?}"
        );
    }
}

#[test]
fn deployments_say_where_the_version_went_and_how_the_hop_ended() {
    use crate::lifecycle::HopAction;
    use crate::promotion::outcome::HopStatus;
    let log = Some("https://github.com/o/r/actions/runs/1");
    let env_url = Some("https://acme.jfrog.io/ui/apptrust/applications/inventory/versions/1.2.0");
    // (action, from, to, status) → (environment, task, production, final state, final text).
    let table = [
        (
            HopAction::Promote,
            "bookverse-DEV",
            "bookverse-QA",
            HopStatus::Done,
            "QA",
            "deploy",
            false,
            "success",
            "promoted 1.2.0 to QA",
        ),
        (
            HopAction::Promote,
            "bookverse-QA",
            "PROD",
            HopStatus::Done,
            "PROD",
            "deploy",
            true,
            "success",
            "promoted 1.2.0 to PROD",
        ),
        (
            HopAction::Release,
            "bookverse-QA",
            "PROD",
            HopStatus::Done,
            "PROD",
            "deploy",
            true,
            "success",
            "released 1.2.0 to PROD",
        ),
        (
            HopAction::Promote,
            "bookverse-DEV",
            "bookverse-QA",
            HopStatus::Blocked,
            "QA",
            "deploy",
            false,
            "failure",
            "blocked: gates failed",
        ),
        (
            HopAction::Rollback,
            "bookverse-QA",
            "bookverse-DEV",
            HopStatus::Done,
            "QA",
            "rollback",
            false,
            "inactive",
            "rolled back to DEV",
        ),
        (
            HopAction::Promote,
            "bookverse-DEV",
            "bookverse-QA",
            HopStatus::Failed,
            "QA",
            "deploy",
            false,
            "failure",
            "failed: gates failed",
        ),
    ];
    for (action, from, to, status, env, task, production, state, text) in table {
        let o = blocked();
        let mut h = o.hops[0].clone();
        (h.action, h.from, h.to, h.status) = (action, from.into(), to.into(), status);
        let d = deployments::Deployment::of(&o, &h, "abc", Some("PROD"));
        let case = format!("{action:?} {from} → {to} {status:?}");
        assert_eq!(d.env, env, "{case}");
        assert_eq!(d.body["task"], task, "{case}");
        assert_eq!(d.body["ref"], "abc", "{case}");
        assert_eq!(d.body["production_environment"], production, "{case}");
        assert_eq!(d.body["payload"]["to_stage"], to, "{case}");
        let [(first, started), (last, ended)] = d.statuses(&o, &h, log, env_url);
        assert_eq!((first, last), ("in_progress", state), "{case}");
        assert_eq!(started["description"], d.body["description"], "{case}");
        assert_eq!(ended["description"], text, "{case}");
        for s in [&started, &ended] {
            assert_eq!(s["environment"], env, "{case}");
            assert_eq!(s["log_url"], json!(log), "{case}");
            assert_eq!(s["environment_url"], json!(env_url), "{case}");
        }
    }
}
