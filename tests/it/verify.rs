//! Verification after promotion (`verify:`), through the binary against the simulator's
//! monitoring endpoints: a metric that goes bad during the watch reverts the release (one
//! rollback request, audit properties saying why), one that stays good releases, `report` only
//! reports, `plan` asks once, the job's time cuts the watch, and a cancelled run leaves the
//! version where it is. `PROMOTE_ACTION_NOW` makes the run's clock virtual: a ten-minute watch
//! takes milliseconds and each check gets the simulator's next scripted value.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use promote_action::simulator::{
    APP_INVENTORY, HEALTH_PATH, Monitoring, PROMETHEUS_BASE, STAGE_STAGING,
};

use crate::common::{Action, Sim, mutations};

const POLICY: &str = ".github/promotion-policy.yml";
const NOW: &str = "2026-03-05T10:00:00Z";
/// The seed's inventory 1.1.0 is in STAGING: this run releases it to PROD.
const VERSION: &str = "1.1.0";

fn policy(sim: &Sim, watch: &str, on_failure: &str) -> String {
    format!(
        "version: 1\nstages:\n  PROD:\n    verify:\n      {watch}\n      on-failure: {on_failure}\n      gates:\n        - name: 5xx ratio\n          prometheus:\n            url: {}{PROMETHEUS_BASE}\n            query: 'sum(rate(http_requests_total{{code=~\"5..\"}}[5m])) / sum(rate(http_requests_total[5m]))'\n            max: 0.01\n        - name: prod health\n          health: {{ url: '{}{HEALTH_PATH}', pointer: /status, equals: ok }}\n",
        sim.url, sim.url
    )
}

/// A simulator whose query API answers `values` in turn (the first to the check before the
/// hop), and a release of 1.1.0 to PROD watched as `watch` says.
fn release(values: &[&str], watch: &str, on_failure: &str) -> (Sim, Action) {
    let sim = Sim::start();
    sim.sim.set_monitoring(Monitoring {
        values: values.iter().map(|v| v.to_string()).collect(),
        ..Monitoring::default()
    });
    let mut a = Action::new(&sim, APP_INVENTORY);
    a.input("version", VERSION)
        .input("target-stage", "PROD")
        .env("PROMOTE_ACTION_NOW", NOW)
        .file(POLICY, &policy(&sim, watch, on_failure));
    (sim, a)
}

fn stage(sim: &Sim) -> String {
    sim.sim
        .version(APP_INVENTORY, VERSION)
        .map(|v| v.current_stage)
        .unwrap_or_default()
}

fn requests_to(sim: &Sim, end: &str) -> usize {
    mutations(sim)
        .iter()
        .filter(|r| r.path.ends_with(end))
        .count()
}

fn rollbacks(sim: &Sim) -> usize {
    requests_to(sim, "/rollback")
}

/// Runs `a` on the real clock and sends it SIGTERM `after` the first log line starting with
/// `line`, as the runner does when a run is cancelled.
fn cancelled_after(a: &Action, line: &str, after: Duration) -> crate::common::Run {
    let mut cmd = a.command();
    cmd.env_remove("PROMOTE_ACTION_NOW")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = String::new();
    for l in lines.by_ref() {
        let l = l.expect("line");
        seen.push_str(&l);
        seen.push('\n');
        if l.starts_with(line) {
            break;
        }
    }
    assert!(seen.contains(line), "{seen}");
    std::thread::sleep(after);
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    for l in lines {
        seen.push_str(&l.expect("line"));
        seen.push('\n');
    }
    let mut output = child.wait_with_output().expect("binary ends");
    output.stdout = seen.into_bytes();
    a.collect(output)
}

fn gates(run: &crate::common::Run) -> serde_json::Value {
    serde_json::from_str(run.out("gates")).expect("gates output is JSON")
}

#[test]
fn a_metric_that_goes_bad_during_the_watch_reverts_the_release() {
    // Before the hop 0.2 %, then two good checks, then 5 % at the third minute.
    let (sim, a) = release(
        &["0.002", "0.002", "0.003", "0.05"],
        "for: 10m\n      every: 1m",
        "rollback",
    );
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(run.out("result"), "reverted");
    assert_eq!(run.out("to-stage"), STAGE_STAGING);
    assert_eq!(
        stage(&sim),
        STAGE_STAGING,
        "the version is back where it was"
    );
    assert_eq!(requests_to(&sim, "/release"), 1, "one release");
    assert_eq!(requests_to(&sim, "/rollback"), 1, "one rollback request");
    // Preflight + three checks; the watch stopped at the first failure.
    assert_eq!(sim.sim.monitoring().queries, 4);
    assert_eq!(run.out("failed-gates"), "verify: 5xx ratio");

    // The log says each check and the time into the watch.
    assert!(
        run.stdout
            .contains("promote-action: verifying PROD for 10m: 10 checks of 2 gates, one every 1m"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("[2/10 at 2m] PROD · verify: 5xx ratio"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("[3/10 at 3m] PROD · verify: 5xx ratio"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("::error title=promote-action%3A verification failed::PROD verification failed 3m into the watch"),
        "{}",
        run.stdout
    );

    // The gates output: the failing figure and when.
    let g = gates(&run);
    let row = g
        .as_array()
        .and_then(|rows| {
            rows.iter()
                .find(|r| r["gate"] == "verify: 5xx ratio" && r["status"] == "fail")
        })
        .unwrap_or_else(|| panic!("failed verify row: {g}"));
    assert!(
        row["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("check 3 failed 3m into the watch")),
        "{row}"
    );
    let health = g
        .as_array()
        .and_then(|rows| {
            rows.iter()
                .find(|r| r["gate"] == "verify: prod health" && r["status"] == "pass")
        })
        .unwrap_or_else(|| panic!("health row: {g}"));
    assert!(
        health["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("passed 3 of 3 checks")),
        "{health}"
    );

    // Summary and record.
    assert!(
        run.summary
            .contains("reverted: PROD verification failed 3m into the watch; back in STAGING"),
        "{}",
        run.summary
    );
    assert!(run.summary.contains("0.05 at 3m"), "{}", run.summary);
    let record = run.record.as_ref().expect("record");
    assert_eq!(record["outcome"]["result"], "reverted");
    let v = &record["outcome"]["verification"][0];
    assert_eq!(v["ended"], "failed", "{v}");
    assert_eq!(v["at"], "3m");
    assert_eq!(
        (v["checks_planned"].as_u64(), v["checks_made"].as_u64()),
        (Some(10), Some(3))
    );

    // Audit properties on the version say why it was rolled back.
    let props = sim
        .sim
        .version(APP_INVENTORY, VERSION)
        .expect("version")
        .properties;
    let reason = props
        .get("promote-action.rollback.PROD.reason")
        .and_then(|v| v.first())
        .unwrap_or_else(|| panic!("rollback reason: {props:?}"));
    assert!(
        reason.starts_with("verification of PROD failed 3m into the watch: 5xx ratio 0.05 at 3m"),
        "{reason}"
    );
    assert!(props.contains_key("promote-action.PROD.by"), "{props:?}");
}

#[test]
fn a_metric_that_stays_good_releases() {
    let (sim, a) = release(
        &["0.002", "0.004", "0.001"],
        "for: 5m\n      every: 1m",
        "rollback",
    );
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "released");
    assert_eq!(stage(&sim), "PROD");
    assert_eq!(rollbacks(&sim), 0);
    assert_eq!(sim.sim.monitoring().queries, 6, "preflight + five checks");
    let g = gates(&run);
    let row = g
        .as_array()
        .and_then(|rows| {
            rows.iter()
                .find(|r| r["gate"] == "verify: 5xx ratio" && r["status"] == "pass")
        })
        .unwrap_or_else(|| panic!("verify row: {g}"));
    assert_eq!(row["detail"], "passed 5 of 5 checks");
    let record = run.record.as_ref().expect("record");
    assert_eq!(record["outcome"]["verification"][0]["ended"], "passed");
}

#[test]
fn on_failure_report_only_reports() {
    let (sim, a) = release(&["0.002", "0.05"], "for: 5m\n      every: 1m", "report");
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "released");
    assert_eq!(stage(&sim), "PROD", "the version stays");
    assert_eq!(rollbacks(&sim), 0);
    assert!(
        run.stdout.contains("::warning")
            && run
                .stdout
                .contains("verification of PROD failed 1m into the watch: 5xx ratio 0.05 at 1m"),
        "{}",
        run.stdout
    );
    let record = run.record.as_ref().expect("record");
    assert_eq!(record["outcome"]["verification"][0]["ended"], "reported");
}

#[test]
fn a_plan_asks_the_verify_gates_once_and_changes_nothing() {
    let (sim, mut a) = release(&["0.05"], "for: 10m\n      every: 1m", "rollback");
    a.input("command", "plan");
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "planned");
    assert_eq!(sim.sim.monitoring().queries, 1);
    assert!(mutations(&sim).is_empty());
    let g = gates(&run);
    let row = g
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["gate"] == "verify: 5xx ratio"))
        .unwrap_or_else(|| panic!("verify row: {g}"));
    assert_eq!(row["status"], "warn", "{row}");
    assert!(
        row["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("after promotion, for 10m: now")),
        "{row}"
    );
}

#[test]
fn the_watch_is_cut_to_end_before_the_job() {
    // An 11-minute job keeps 5 minutes for the reports: five checks of ten fit in what is left.
    let (sim, mut a) = release(&["0.002"], "for: 10m\n      every: 1m", "rollback");
    a.env("PROMOTE_ACTION_JOB_TIMEOUT_MINUTES", "11");
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "released");
    assert_eq!(sim.sim.monitoring().queries, 6, "preflight + five checks");
    assert!(
        run.stdout
            .contains("The verification of PROD was cut to 5m (5 of 10 checks)"),
        "{}",
        run.stdout
    );
    let v = &run.record.as_ref().expect("record")["outcome"]["verification"][0];
    assert_eq!(
        (v["checks_planned"].as_u64(), v["checks_made"].as_u64()),
        (Some(10), Some(5))
    );
    assert!(v["cut_short"].is_string(), "{v}");
}

#[test]
fn a_cancelled_watch_leaves_the_version_where_it_is() {
    // The real clock: the first check is a minute away when the runner cancels.
    let (sim, a) = release(&["0.002"], "for: 10m\n      every: 1m", "rollback");
    let run = cancelled_after(
        &a,
        "promote-action: verifying PROD",
        Duration::from_millis(200),
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "released");
    assert_eq!(stage(&sim), "PROD", "left where it is");
    assert_eq!(rollbacks(&sim), 0);
    assert!(
        run.stdout.contains("The run was cancelled 0s into the verification of PROD: nothing was rolled back, the version stays in PROD, not verified"),
        "{}",
        run.stdout
    );
    let v = &run.record.as_ref().expect("record")["outcome"]["verification"][0];
    assert_eq!(
        (v["ended"].as_str(), v["checks_made"].as_u64()),
        (Some("cancelled"), Some(0))
    );
}

#[test]
fn the_check_run_of_a_reverted_release_fails_with_the_figure_and_the_time() {
    let gh = crate::common::Gh::start();
    gh.mount(
        wiremock::Mock::given(wiremock::matchers::method("POST"))
            .and(wiremock::matchers::path(
                "/repos/bookverse/inventory/check-runs",
            ))
            .respond_with(
                wiremock::ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": 7})),
            ),
    );
    let (sim, mut a) = release(
        &["0.002", "0.002", "0.05"],
        "for: 5m\n      every: 1m",
        "rollback",
    );
    a.input("github-token", "ghs_test_token_value")
        .input("check-run", "true")
        .env("GITHUB_API_URL", &gh.server.uri());
    let run = a.run();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(stage(&sim), STAGE_STAGING);
    let requests = gh.requests();
    let check = requests
        .iter()
        .find(|r| r.url.path().ends_with("/check-runs"))
        .expect("a check run");
    let body: serde_json::Value = serde_json::from_slice(&check.body).expect("json");
    assert_eq!(body["conclusion"], "failure", "{body}");
    let title = body["output"]["title"].as_str().unwrap_or_default();
    assert!(
        title.contains("reverted: PROD verification failed 2m into the watch; back in STAGING"),
        "{title}"
    );
    let summary = body["output"]["summary"].as_str().unwrap_or_default();
    assert!(summary.contains("0.05 at 2m"), "{summary}");
}

#[test]
fn validate_warns_about_a_watch_longer_than_a_job() {
    let dir = tempfile::tempdir().expect("tmp");
    let policy = dir.path().join("policy.yml");
    std::fs::write(
        &policy,
        "version: 1\nstages:\n  PROD:\n    verify:\n      for: 7h\n      every: 10m\n      gates:\n        - health: { url: 'https://h.example/healthz' }\n",
    )
    .expect("write");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_promote-action"))
        .arg("validate")
        .arg(&policy)
        .env_clear()
        .output()
        .expect("binary runs");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: `for` (7h) is longer than the 6 h a GitHub-hosted job may run at line 5 column 12 (in `stages.PROD.verify.for`)"),
        "{stderr}"
    );
}

#[test]
fn a_watched_stage_on_the_way_is_verified_before_the_walk_goes_on() {
    let sim = Sim::start();
    let policy = format!(
        "version: 1\nstages:\n  QA:\n    verify:\n      for: 3m\n      every: 1m\n      gates:\n        - health: {{ url: '{}{HEALTH_PATH}' }}\n",
        sim.url
    );
    let mut a = Action::new(&sim, APP_INVENTORY);
    a.input("version", "1.2.0")
        .input("target-stage", "PROD")
        .env("PROMOTE_ACTION_NOW", NOW)
        .file(POLICY, &policy);
    let run = a.run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "released");
    assert_eq!(run.out("from-stage"), "bookverse-DEV");
    assert_eq!(run.out("to-stage"), "PROD");
    let record = run.record.as_ref().expect("record");
    let hops: Vec<(&str, &str)> = record["outcome"]["hops"]
        .as_array()
        .expect("hops")
        .iter()
        .map(|h| {
            (
                h["to"].as_str().unwrap_or_default(),
                h["status"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        hops,
        [
            ("bookverse-QA", "done"),
            ("bookverse-STAGING", "done"),
            ("PROD", "done")
        ]
    );
    assert_eq!(
        record["outcome"]["verification"][0]["stage"],
        "bookverse-QA"
    );
    assert_eq!(record["outcome"]["verification"][0]["ended"], "passed");
    // QA was watched, three checks, and the log tells it in order: the hop into QA, the
    // watch, then the hops after it.
    let at = |line: &str| {
        run.stdout
            .find(line)
            .unwrap_or_else(|| panic!("{line}: {}", run.stdout))
    };
    let into_qa = at("promote-action: DEV → QA: done");
    let watch = at("verifying QA");
    let after = at("[3/3 at 3m] QA · verify: health");
    let on = at("promote-action: QA → STAGING: done");
    assert!(
        into_qa < watch && watch < after && after < on,
        "{}",
        run.stdout
    );
}

#[test]
fn a_cancel_after_a_watch_stops_the_walk_before_the_next_hop() {
    // The real clock and a slow network: QA's one check is a second away, each request 700 ms.
    let sim = Sim::with_latency(Duration::from_millis(700));
    let policy = format!(
        "version: 1\nstages:\n  QA:\n    verify:\n      for: 1s\n      every: 1s\n      gates:\n        - health: {{ url: '{}{HEALTH_PATH}' }}\n",
        sim.url
    );
    let mut a = Action::new(&sim, APP_INVENTORY);
    a.input("version", "1.2.0")
        .input("target-stage", "PROD")
        .file(POLICY, &policy);
    // The watch's one check is done: the walk goes on to STAGING next.
    let run = cancelled_after(&a, "[1/1 at 1s] QA · verify: health", Duration::ZERO);
    // Before this fix the signal was swallowed once the watch had listened, and the walk went
    // on to release.
    let now = sim
        .sim
        .version(APP_INVENTORY, "1.2.0")
        .map(|v| v.current_stage)
        .unwrap_or_default();
    assert!(
        now == "bookverse-QA" || now == "bookverse-STAGING",
        "stopped between hops, not at {now}: {}",
        run.stdout
    );
    assert_eq!(requests_to(&sim, "/release"), 0, "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!(
            "The run was cancelled after the verification: nothing more was promoted, the version stays in {}",
            now.trim_start_matches("bookverse-")
        )),
        "{}",
        run.stdout
    );
    assert_eq!(run.out("to-stage"), now);
    let hops = &run.record.as_ref().expect("record")["outcome"]["hops"];
    let last = hops.as_array().and_then(|h| h.last()).expect("hops");
    assert_eq!(last["to"], "PROD");
    assert_eq!(last["status"], "not-reached", "{hops}");
}
