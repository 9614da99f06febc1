//! AppTrust's own verdict in `plan` (issue 24 item 5): every hop of the plan is sent as
//! `jf apptrust version-promote --dry-run` sends it (`promotion_type: dry_run`, the selection
//! fields included), and AppTrust's gate decisions stand beside ours — in the log, the summary
//! and the record. A dry run AppTrust refuses blocks the plan as AppTrust's `fail`.

use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use promote_action::simulator::{Fault, FaultKind};

use crate::common::{Action, Run, Sim, is_dry_run, mutations};

const APP: &str = "bookverse-inventory";

fn plan(sim: &Sim, version: &str) -> Action {
    let mut a = Action::new(sim, APP);
    a.input("version", version)
        .input("command", "plan")
        .input("target-stage", "PROD");
    a
}

fn dry_runs(sim: &Sim) -> Vec<Value> {
    sim.sim
        .requests()
        .iter()
        .filter(|r| is_dry_run(r))
        .map(|r| {
            let mut body: Value =
                serde_json::from_str(r.body.as_deref().unwrap_or_default()).expect("JSON");
            body["_path"] = json!(r.path);
            body
        })
        .collect()
}

fn apptrust_lines(run: &Run) -> Vec<&str> {
    run.stdout
        .lines()
        .filter(|l| l.contains(" · AppTrust "))
        .collect()
}

/// The dry runs' bodies, in path order (they are sent together, so the log's order is not).
fn dry_runs_in_path_order(sim: &Sim) -> Vec<Value> {
    let mut bodies = dry_runs(sim);
    let rank = |b: &Value| match b["target_stage"].as_str() {
        Some("bookverse-QA") => 0,
        Some("bookverse-STAGING") => 1,
        _ => 2,
    };
    bodies.sort_by_key(rank);
    bodies
}

#[test]
fn a_plan_asks_apptrust_about_every_hop_and_shows_the_answers_beside_our_gates() {
    let sim = Sim::start();
    let run = plan(&sim, "1.2.0")
        .input("include-repos", "inventory-docker-qa-local")
        .input("overwrite-strategy", "latest")
        .run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "planned");
    // One question per hop, exactly the body the walk would send, with the type the CLI's
    // --dry-run sends; the release is asked through /release.
    let base = "/apptrust/api/v1/applications/bookverse-inventory/versions/1.2.0";
    let hop = |target: Option<&str>, op: &str| {
        let mut body = json!({
            "promotion_type": "dry_run",
            "included_repository_keys": ["inventory-docker-qa-local"],
            "overwrite_strategy": "LATEST",
            "_path": format!("{base}/{op}"),
        });
        if let Some(t) = target {
            body["target_stage"] = json!(t);
        }
        body
    };
    assert_eq!(
        dry_runs_in_path_order(&sim),
        [
            hop(Some("bookverse-QA"), "promote"),
            hop(Some("bookverse-STAGING"), "promote"),
            hop(None, "release"),
        ]
    );
    assert_eq!(mutations(&sim), vec![], "nothing else was sent");
    assert_eq!(sim.sim.promotions_applied(), 0);
    assert!(
        sim.sim.version(APP, "1.2.0").expect("1.2.0").history.len() == 1,
        "a dry run leaves no history"
    );
    // DEV's exit gate once, then each stage's entry gate, as the plan reaches it.
    let lines = apptrust_lines(&run);
    let starts: Vec<&str> = lines
        .iter()
        .map(|l| l.split(" (evaluation").next().unwrap_or_default())
        .collect();
    assert_eq!(
        starts,
        [
            "DEV · AppTrust exit gate",
            "QA · AppTrust entry gate",
            "STAGING · AppTrust entry gate",
            "PROD · AppTrust entry gate",
        ],
        "{}",
        run.stdout
    );
    assert!(lines.iter().all(|l| l.ends_with("→ pass")), "{lines:?}");
    assert!(
        run.stdout
            .contains("promote-action: QA → STAGING: would pass\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.summary.contains("### AppTrust's verdict (dry run)"),
        "{}",
        run.summary
    );
    assert!(
        run.summary
            .contains("| stage | gate | decision | explanation | evaluation |"),
        "{}",
        run.summary
    );
    for stage in ["QA", "STAGING", "PROD"] {
        assert!(
            run.summary
                .contains(&format!("| {stage} | entry\\_gate | ✅ pass |")),
            "{stage}: {}",
            run.summary
        );
    }
    assert!(
        run.summary.contains(
            "AppTrust judges every hop from DEV, where the version is now: for STAGING and PROD its answer is the stage's entry gate on today's evidence; the exit gates of QA and STAGING are judged when a run reaches them."
        ),
        "{}",
        run.summary
    );
    let record = run.record.expect("record");
    let hops = &record["outcome"]["hops"];
    let gates = |i: usize| -> Vec<String> {
        hops[i]["evaluations"]
            .as_array()
            .expect("evaluations")
            .iter()
            .map(|e| {
                format!(
                    "{}:{}",
                    e["gate"].as_str().unwrap_or(""),
                    e["stage"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    let mut first = gates(0);
    first.sort();
    assert_eq!(
        first,
        ["entry_gate:bookverse-QA", "exit_gate:bookverse-DEV"]
    );
    assert_eq!(gates(1), ["entry_gate:bookverse-STAGING"]);
    assert_eq!(gates(2), ["entry_gate:PROD"]);
    assert!(
        hops[2]["evaluations"][0]["eval_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{hops}"
    );
}

#[test]
fn one_question_at_a_time_asks_the_same() {
    let sim = Sim::start();
    let together = plan(&sim, "1.2.0").run();
    let first = dry_runs_in_path_order(&sim);
    let sim = Sim::start();
    let apart = plan(&sim, "1.2.0")
        .env("PROMOTE_ACTION_SEQUENTIAL_READS", "1")
        .run();
    assert_eq!((together.code, apart.code), (0, 0), "{}", apart.stdout);
    assert_eq!(first.len(), 3);
    assert_eq!(dry_runs(&sim), first, "same questions, in path order");
    // The same rows, but for the evaluation ids each simulator makes up.
    let without_ids = |run: &Run| -> Vec<String> {
        apptrust_lines(run)
            .iter()
            .map(|l| {
                l.split(" (evaluation")
                    .next()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(without_ids(&together), without_ids(&apart));
    assert_eq!(without_ids(&apart).len(), 4);
}

/// A plan of 1.2.0 (in DEV) to PROD where AppTrust's own policy fails `stage`'s entry gate:
/// blocked, exit 1, the version where it was.
fn blocked_by_apptrust(stage: &str, why: &str) -> (Sim, Run) {
    let sim = Sim::start();
    sim.sim.set_stage_policy_failure(stage, Some(why.into()));
    let run = plan(&sim, "1.2.0").run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.out("result"), "blocked");
    assert_eq!(
        run.out("to-stage"),
        "bookverse-DEV",
        "the version did not move"
    );
    (sim, run)
}

#[test]
fn a_later_stage_whose_apptrust_policy_fails_blocks_that_hop_only() {
    let (sim, run) = blocked_by_apptrust("STAGING", "no pentest evidence");
    assert!(
        run.summary
            .contains("| STAGING | entry\\_gate | ❌ fail | no pentest evidence |"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("| QA | entry\\_gate | ✅ pass |"),
        "{}",
        run.summary
    );
    assert!(
        run.stdout.contains(
            "promote-action: QA → STAGING: AppTrust's dry run refuses it: no pentest evidence\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("promote-action: DEV → QA: would pass\n"),
        "{}",
        run.stdout
    );
    assert_eq!(sim.sim.promotions_applied(), 0);
    assert_eq!(mutations(&sim), vec![]);
}

#[test]
fn a_release_hop_is_asked_through_release_without_a_target() {
    let sim = Sim::start();
    let run = plan(&sim, "1.1.0").run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        dry_runs(&sim),
        [json!({
            "promotion_type": "dry_run",
            "_path": "/apptrust/api/v1/applications/bookverse-inventory/versions/1.1.0/release",
        })]
    );
    assert!(
        !run.summary.contains("AppTrust judges every hop from"),
        "one hop: {}",
        run.summary
    );
    assert_eq!(
        sim.sim.version(APP, "1.1.0").expect("1.1.0").current_stage,
        "bookverse-STAGING"
    );
}

#[test]
fn an_apptrust_policy_that_fails_the_dry_run_blocks_the_plan_as_apptrusts_fail() {
    let (sim, run) = blocked_by_apptrust("QA", "SBOM evidence is missing");
    let lines = apptrust_lines(&run);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("QA · AppTrust entry gate")
                && l.ends_with("SBOM evidence is missing → fail")),
        "{lines:?}"
    );
    assert!(
        run.summary
            .contains("| QA | entry\\_gate | ❌ fail | SBOM evidence is missing |"),
        "{}",
        run.summary
    );
    assert!(
        run.stdout
            .contains("AppTrust's dry run refuses it: SBOM evidence is missing"),
        "{}",
        run.stdout
    );
    assert_eq!(sim.sim.promotions_applied(), 0);
    assert_eq!(mutations(&sim), vec![]);
    assert!(
        run.stdout.contains(
            "::error title=promote-action%3A plan blocked::plan: QA would be blocked by AppTrust's policy,"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_refused_dry_run_is_a_fail_row_never_hidden() {
    let sim = Sim::start();
    // AppTrust answers the dry run with a plain 403: no evaluations, still AppTrust's no.
    sim.sim.inject(
        Fault::on(
            "/versions/1.2.0/promote",
            FaultKind::Status {
                code: 403,
                retry_after: None,
                body: None,
            },
        )
        .method("POST"),
    );
    let run = plan(&sim, "1.2.0").run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.out("result"), "blocked");
    assert!(
        run.summary
            .contains("| QA | dry\\_run | ❌ fail | AppTrust refused the dry run:"),
        "{}",
        run.summary
    );
}

#[tokio::test]
async fn the_dry_run_answer_is_read_with_its_evaluation_ids() {
    use promote_action::http::ClientOptions;
    use promote_action::inputs::Secret;
    use promote_action::jfrog::apptrust::client::HttpAppTrust;
    use promote_action::jfrog::apptrust::{AppTrustApi, HopReply, HopRequest};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/apptrust/api/v1/applications/inv/versions/1.0.0/promote"))
        .and(query_param("async", "false"))
        .and(body_json(json!({"target_stage": "p-QA", "promotion_type": "dry_run"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "success",
            "evaluations": {
                "exit_gate": {"stage": "p-DEV", "eval_id": "ev-1", "decision": "Pass", "explanation": "ok"},
                "entry_gate": {"stage": "p-QA", "eval_id": "ev-2", "decision": "Warning", "explanation": "no SBOM"}
            }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = HttpAppTrust::new(
        &server.uri(),
        Secret::new("tok".into()),
        ClientOptions::default(),
    )
    .expect("client");
    let req = HopRequest {
        target_stage: "p-QA".into(),
        promotion_type: "dry_run".into(),
        ..HopRequest::default()
    };
    let Ok(HopReply::Accepted { evaluations, .. }) = client.promote("inv", "1.0.0", &req).await
    else {
        panic!("accepted")
    };
    let got: Vec<(&str, &str, &str)> = evaluations
        .iter()
        .map(|e| (e.gate.as_str(), e.decision.as_str(), e.eval_id.as_str()))
        .collect();
    assert!(got.contains(&("exit_gate", "pass", "ev-1")), "{got:?}");
    assert!(got.contains(&("entry_gate", "warning", "ev-2")), "{got:?}");
}
