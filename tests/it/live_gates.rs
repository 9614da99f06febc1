//! The gates that ask the running system, through the binary: `bake` against AppTrust's
//! promotion history with the run's clock (`PROMOTE_ACTION_NOW`), and `health` / `prometheus`
//! against the simulator's monitoring endpoints and a wiremock server.

use promote_action::simulator::{
    APP_INVENTORY, HEALTH_PATH, Monitoring, PROMETHEUS_BASE, PromotionRecord, STAGE_QA,
    STAGE_STAGING, Simulator,
};

use crate::common::{Action, Gh, Sim};

const POLICY: &str = ".github/promotion-policy.yml";

/// 2025-06-03T12:00:00Z: when 1.1.0 came back into STAGING in [`history_sim`].
const BACK_IN_STAGING_MS: i64 = 1_748_952_000_000;

/// The seed with inventory 1.1.0 in STAGING after a history of several entries: DEV, QA,
/// STAGING (seeded), a failed release, a return to QA and a second entry into STAGING.
fn history_sim() -> Sim {
    let mut state = Simulator::seeded(Default::default()).state();
    let v = state
        .versions
        .get_mut(APP_INVENTORY)
        .and_then(|vs| vs.get_mut("1.1.0"))
        .expect("seeded 1.1.0");
    let record = |status: &str, from: &str, to: &str, at: i64| PromotionRecord {
        status: status.into(),
        operation: "promote".into(),
        source_stage: from.into(),
        target_stage: to.into(),
        promotion_type: "move".into(),
        promoted_by: "bookverse-ci".into(),
        created_millis: at,
        message: None,
        evaluations: None,
        options: Default::default(),
    };
    let first_entry = v.history.last().expect("seeded history").created_millis;
    v.history.push(record(
        "FAILED",
        STAGE_STAGING,
        "PROD",
        first_entry + 3_600_000,
    ));
    v.history.push(record(
        "SUCCESS",
        STAGE_QA,
        STAGE_STAGING,
        BACK_IN_STAGING_MS,
    ));
    assert!(v.history.len() >= 5, "several entries");
    Sim::with_state(state, Default::default())
}

fn at(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .expect("instant")
        .to_string()
}

fn bake_run(sim: &Sim, now_ms: i64, extra: &str) -> Action {
    let mut a = Action::new(sim, APP_INVENTORY);
    a.input("version", "1.1.0")
        .input("target-stage", "PROD")
        .env("PROMOTE_ACTION_NOW", &at(now_ms))
        .file(
            POLICY,
            &format!(
                "version: 1\nstages:\n  PROD:\n    gates:\n      - bake: {{ min: 24h }}\n{extra}"
            ),
        );
    a
}

#[test]
fn bake_blocks_one_second_before_and_passes_one_second_after() {
    let day = 86_400_000;
    let sim = history_sim();
    let before = bake_run(&sim, BACK_IN_STAGING_MS + day - 1000, "").run();
    assert_eq!(before.code, 1, "{}", before.stdout);
    assert_eq!(before.out("result"), "blocked");
    assert_eq!(before.out("failed-gates"), "bake");
    assert!(
        before
            .stdout
            .contains("PROD · bake: in STAGING since 2025-06-03T12:00:00Z: 23h 59m < 1d"),
        "{}",
        before.stdout
    );
    let gates: serde_json::Value = serde_json::from_str(before.out("gates")).expect("gates");
    assert_eq!(
        gates[0]["detail"],
        "in STAGING since 2025-06-03T12:00:00Z: 23h 59m < 1d; the bake time is reached at 2025-06-04T12:00:00Z"
    );
    assert_eq!(sim.sim.promotions_applied(), 0);

    let after = bake_run(&sim, BACK_IN_STAGING_MS + day + 1000, "").run();
    assert_eq!(after.code, 0, "{}", after.stdout);
    assert_eq!(after.out("result"), "released");
    let gates: serde_json::Value = serde_json::from_str(after.out("gates")).expect("gates");
    assert_eq!(gates[0]["status"], "pass");
    assert_eq!(sim.sim.promotions_applied(), 1);
}

#[test]
fn a_scheduled_run_defers_until_the_bake_time() {
    let sim = history_sim();
    let mut a = bake_run(
        &sim,
        BACK_IN_STAGING_MS + 3_600_000,
        "    on-window-closed: defer\n",
    );
    a.env("GITHUB_EVENT_NAME", "schedule");
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "deferred");
    assert_eq!(run.out("failed-gates"), "");
    assert!(
        run.summary
            .contains("deferred: the bake time is not reached yet"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("is reached at 2025-06-04T12:00:00Z"),
        "{}",
        run.summary
    );
    assert_eq!(sim.sim.promotions_applied(), 0);
}

#[test]
fn bake_counts_from_this_runs_entry_when_the_walk_passes_through() {
    // 1.2.0 is in DEV; to reach PROD it enters STAGING in this run: no bake time yet.
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP_INVENTORY);
    a.input("version", "1.2.0")
        .input("target-stage", "PROD")
        .file(
            POLICY,
            "version: 1\nstages:\n  PROD:\n    gates:\n      - bake: { min: 30m }\n",
        );
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(
        run.out("to-stage"),
        STAGE_STAGING,
        "promoted up to the bake"
    );
    let gates: serde_json::Value = serde_json::from_str(run.out("gates")).expect("gates");
    let bake = gates
        .as_array()
        .and_then(|g| g.iter().find(|g| g["gate"] == "bake"))
        .expect("bake row");
    assert!(
        bake["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("enters STAGING in this run: 0s < 30m")),
        "{bake}"
    );
}

fn live_policy(gate: &str) -> String {
    format!("version: 1\nstages:\n  QA:\n    gates:\n      - {gate}\n")
}

fn qa_run(sim: &Sim, gate: &str) -> Action {
    let mut a = Action::new(sim, APP_INVENTORY);
    a.input("version", "1.2.0").file(POLICY, &live_policy(gate));
    a
}

#[test]
fn health_passes_on_its_status_and_value_and_fails_otherwise() {
    let sim = Sim::start();
    let url = format!("{}{HEALTH_PATH}", sim.url);
    let ok = qa_run(
        &sim,
        &format!("health: {{ url: '{url}', pointer: /status, equals: ok }}"),
    )
    .run();
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    assert_eq!(ok.out("result"), "promoted");

    let sim = Sim::start();
    let url = format!("{}{HEALTH_PATH}", sim.url);
    sim.sim.set_monitoring(Monitoring {
        health_status: 200,
        health_body: serde_json::json!({"status": "degraded"}),
        ..Monitoring::default()
    });
    let degraded = qa_run(
        &sim,
        &format!("health: {{ url: '{url}', pointer: /status, equals: ok }}"),
    )
    .run();
    assert_eq!(degraded.code, 1, "{}", degraded.stdout);
    assert_eq!(degraded.out("failed-gates"), "health");
    assert!(
        degraded
            .summary
            .contains("/status is &quot;degraded&quot;, expected &quot;ok&quot;"),
        "{}",
        degraded.summary
    );

    let sim = Sim::start();
    let url = format!("{}{HEALTH_PATH}", sim.url);
    sim.sim.set_monitoring(Monitoring {
        health_status: 503,
        ..Monitoring::default()
    });
    let down = qa_run(&sim, &format!("health: {{ url: '{url}' }}"))
        .fast()
        .run();
    assert_eq!(down.code, 1, "{}", down.stdout);
    assert!(
        down.summary.contains("answered 503, expected 200"),
        "{}",
        down.summary
    );
    assert_eq!(
        sim.sim
            .version(APP_INVENTORY, "1.2.0")
            .map(|v| v.current_stage),
        Some("bookverse-DEV".to_string())
    );
}

#[test]
fn health_does_not_follow_a_redirect_to_another_host() {
    let sim = Sim::start();
    let gh = Gh::start();
    // Same host, other path: followed.
    gh.mount(
        wiremock::Mock::given(wiremock::matchers::path("/old")).respond_with(
            wiremock::ResponseTemplate::new(301).insert_header("Location", "/healthz"),
        ),
    );
    gh.mount(
        wiremock::Mock::given(wiremock::matchers::path("/healthz"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_string("{}")),
    );
    // Another host (`localhost` is not `127.0.0.1`): not followed.
    let elsewhere = gh.server.uri().replace("127.0.0.1", "localhost");
    gh.mount(
        wiremock::Mock::given(wiremock::matchers::path("/away")).respond_with(
            wiremock::ResponseTemplate::new(302)
                .insert_header("Location", format!("{elsewhere}/healthz").as_str()),
        ),
    );
    let same = qa_run(
        &sim,
        &format!("health: {{ url: '{}/old' }}", gh.server.uri()),
    )
    .run();
    assert_eq!(same.code, 0, "{}", same.stdout);
    let sim = Sim::start();
    let away = qa_run(
        &sim,
        &format!("health: {{ url: '{}/away' }}", gh.server.uri()),
    )
    .run();
    assert_eq!(away.code, 1, "{}", away.stdout);
    assert!(
        away.summary
            .contains(&format!("redirected to {elsewhere}/healthz, another host")),
        "{}",
        away.summary
    );
    let landed = gh
        .requests()
        .iter()
        .filter(|r| r.url.path() == "/healthz")
        .count();
    assert_eq!(landed, 1, "only the same-host redirect was followed");
}

#[test]
fn a_health_answer_is_read_only_up_to_its_bound() {
    let sim = Sim::start();
    let gh = Gh::start();
    let huge = format!(
        "{{\"status\":\"ok\",\"pad\":\"{}\"}}",
        "x".repeat(2 * 1024 * 1024)
    );
    gh.mount(
        wiremock::Mock::given(wiremock::matchers::path("/big"))
            .respond_with(wiremock::ResponseTemplate::new(200).set_body_string(huge)),
    );
    let run = qa_run(
        &sim,
        &format!(
            "health: {{ url: '{}/big', pointer: /status, equals: ok }}",
            gh.server.uri()
        ),
    )
    .run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.summary
            .contains("the answer is larger than 1048576 bytes"),
        "{}",
        run.summary
    );
}

#[test]
fn prometheus_sends_the_token_from_token_env_and_never_shows_it() {
    let sim = Sim::start();
    let secret = "prom-token-6f1d2c";
    sim.sim.set_monitoring(Monitoring {
        token: Some(secret.into()),
        values: vec!["0.004".into()],
        ..Monitoring::default()
    });
    let gate = format!(
        "prometheus: {{ url: '{}{PROMETHEUS_BASE}', query: 'sum(rate(errors[5m]))', max: 0.01, token-env: PROM_TOKEN }}",
        sim.url
    );
    let mut a = qa_run(&sim, &gate);
    a.env("PROM_TOKEN", secret).secret(secret);
    let run = a.run();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(&format!("::add-mask::{secret}")),
        "the token is masked before it is used"
    );
    assert_eq!(sim.sim.monitoring().queries, 1);

    // Without the variable: a policy error naming it, nothing promoted.
    let sim = Sim::start();
    let unset = qa_run(&sim, &gate).run();
    assert_eq!(unset.code, 2, "{}", unset.stdout);
    assert!(
        unset
            .stdout
            .contains("`PROM_TOKEN` (`token-env`), which is not set"),
        "{}",
        unset.stdout
    );
    // A wrong token: the server's refusal, a remote error.
    let sim = Sim::start();
    sim.sim.set_monitoring(Monitoring {
        token: Some(secret.into()),
        ..Monitoring::default()
    });
    let mut wrong = qa_run(&sim, &gate);
    wrong.env("PROM_TOKEN", "not-the-token");
    let wrong = wrong.run();
    assert_eq!(wrong.code, 3, "{}", wrong.stdout);
    assert!(wrong.stdout.contains("set `token-env`"), "{}", wrong.stdout);
}
