//! The fault matrix: every AppTrust endpoint the action calls, misbehaving in every way the
//! simulator can (statuses, rate limits, slow answers, dropped connections before and after the
//! change lands, mangled JSON), against the real binary.
//!
//! Each scenario asserts what a workflow author relies on: the exit status and `result`, where
//! the version really is in the simulator, that no stage was promoted twice (effective
//! promotions and POSTs sent), that `to-stage` tells the truth, that the summary does not
//! claim success after a failure, that a failure prints exactly one `::error`, and a generous
//! bound on wall time.

use std::time::{Duration, Instant};

use promote_action::simulator::{Fault, FaultKind};

use crate::common::{Action, IdTokenServer, Run, Sim};

const APP: &str = "bookverse-inventory";
const WEB: &str = "bookverse-web";

const LIFECYCLE: &str = "/access/api/v2/lifecycle";
/// The version list (only asked when `version` is empty); `…/versions/{v}/…` never matches.
const LIST: &str = "/versions?";
const CONTENT: &str = "/content";
const PROMOTE: &str = "/promote";
const RELEASE: &str = "/release?";
const ROLLBACK: &str = "/rollback";
const PROMOTIONS: &str = "/promotions";
const OIDC: &str = "/access/api/v1/oidc/token";

const DEV: &str = "bookverse-DEV";
const QA: &str = "bookverse-QA";
const STAGING: &str = "bookverse-STAGING";
const PROD: &str = "PROD";

/// Longer than `PROMOTE_ACTION_HTTP_TIMEOUT_MS` set by [`Action::fast`].
const SLOW_MS: u64 = 1_500;
/// Every scenario finishes well within this, however it fails.
const WALL: Duration = Duration::from_secs(20);

const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmJvb2t2ZXJzZS9pbnZlbnRvcnkifQ.ZmFrZS1zaWduYXR1cmUtZm9yLXRlc3Rz";
const REQUEST_TOKEN: &str = "ghs_request-token-for-the-id-token-endpoint";

/// One scenario: a starting point, faults, and the outcomes accepted.
#[derive(Debug, Clone)]
struct Scenario {
    app: &'static str,
    version: &'static str,
    command: &'static str,
    target: &'static str,
    oidc: bool,
    faults: Vec<Fault>,
    /// Accepted `(exit code, result, simulator stage afterwards)`; most scenarios accept one.
    expect: Vec<(i32, &'static str, &'static str)>,
    /// Effective promotions (incl. releases and rollbacks) the simulator may have applied.
    max_promotions: usize,
    /// POSTs to the mutating endpoint the action may send (`None`: not checked).
    max_posts: Option<usize>,
    /// The failure happens before the version could be read, so `to-stage` may be `""`.
    stage_may_be_unknown: bool,
    /// Text stdout must contain.
    stdout_has: Vec<&'static str>,
    /// Text the job summary must contain.
    summary_has: Vec<&'static str>,
}

impl Scenario {
    fn base(app: &'static str, version: &'static str, command: &'static str) -> Scenario {
        Scenario {
            app,
            version,
            command,
            target: "",
            oidc: false,
            faults: Vec::new(),
            expect: Vec::new(),
            max_promotions: 1,
            max_posts: None,
            stage_may_be_unknown: false,
            stdout_has: Vec::new(),
            summary_has: Vec::new(),
        }
    }

    fn fault(mut self, f: Fault) -> Self {
        self.faults.push(f);
        self
    }

    fn expect(mut self, code: i32, result: &'static str, stage: &'static str) -> Self {
        self.expect.push((code, result, stage));
        self
    }

    fn max_promotions(mut self, n: usize) -> Self {
        self.max_promotions = n;
        self
    }

    fn max_posts(mut self, n: usize) -> Self {
        self.max_posts = Some(n);
        self
    }

    fn unknown_stage_ok(mut self) -> Self {
        self.stage_may_be_unknown = true;
        self
    }

    fn says(mut self, text: &'static str) -> Self {
        self.stdout_has.push(text);
        self
    }

    fn summary_says(mut self, text: &'static str) -> Self {
        self.summary_has.push(text);
        self
    }

    /// The first accepted outcome with the starting stage replaced: the failure outcome.
    fn fails_at(self, stage: &'static str) -> Self {
        Scenario {
            expect: vec![(3, "failed", stage)],
            max_promotions: 0,
            ..self
        }
    }
}

// ------------------------------------------------------------------ starting points

/// 1.2.0 in DEV, promote to the next stage (QA).
fn promote_next() -> Scenario {
    Scenario::base(APP, "1.2.0", "promote").max_posts(1)
}
fn promote_ok() -> Scenario {
    promote_next().expect(0, "promoted", QA)
}
fn promote_fails() -> Scenario {
    promote_next().fails_at(DEV)
}

/// 1.1.0 in STAGING, release to PROD.
fn release() -> Scenario {
    let mut s = Scenario::base(APP, "1.1.0", "promote").max_posts(1);
    s.target = "PROD";
    s
}
fn release_ok() -> Scenario {
    release().expect(0, "released", PROD)
}
fn release_fails() -> Scenario {
    release().fails_at(STAGING)
}

/// 1.0.0 in PROD, roll back (to STAGING).
fn rollback() -> Scenario {
    Scenario::base(APP, "1.0.0", "rollback").max_posts(1)
}
fn rollback_ok() -> Scenario {
    rollback().expect(0, "rolled-back", STAGING)
}
fn rollback_fails() -> Scenario {
    rollback().fails_at(PROD)
}

/// `command: status` on 1.1.0 (reads the promotion history).
fn status_ok() -> Scenario {
    Scenario::base(APP, "1.1.0", "status")
        .expect(0, "unchanged", STAGING)
        .max_promotions(0)
        .max_posts(0)
}
fn status_fails() -> Scenario {
    Scenario::base(APP, "1.1.0", "status")
        .max_posts(0)
        .fails_at(STAGING)
}

/// Empty `version` on bookverse-web: the newest version (2.0.0, in DEV) goes to QA.
fn newest() -> Scenario {
    Scenario::base(WEB, "", "promote").max_posts(1)
}
fn newest_ok() -> Scenario {
    newest().expect(0, "promoted", QA)
}
fn newest_fails() -> Scenario {
    newest().fails_at(DEV).unknown_stage_ok()
}

/// Promote to the next stage authenticating through GitHub OIDC.
fn oidc_ok() -> Scenario {
    let mut s = promote_ok();
    s.oidc = true;
    s
}
fn oidc_fails() -> Scenario {
    let mut s = promote_fails().unknown_stage_ok().max_posts(0);
    s.oidc = true;
    s
}

/// 1.3.0, never promoted, walked to PROD (DEV, QA, STAGING, release).
fn walk() -> Scenario {
    let mut s = Scenario::base(APP, "1.3.0", "promote");
    s.target = "PROD";
    s.max_promotions = 4;
    s
}

// ------------------------------------------------------------------ faults

fn status(code: u16) -> FaultKind {
    FaultKind::Status {
        code,
        retry_after: None,
        body: None,
    }
}
fn retry_after(code: u16, secs: u64) -> FaultKind {
    FaultKind::Status {
        code,
        retry_after: Some(secs),
        body: None,
    }
}
fn in_progress() -> FaultKind {
    FaultKind::Status {
        code: 409,
        retry_after: None,
        body: Some(
            r#"{"errors":[{"status":409,"message":"Promotion already in progress for this application version"}]}"#
                .into(),
        ),
    }
}
fn slow() -> FaultKind {
    FaultKind::Delay { ms: SLOW_MS }
}
/// Answers normally: used to let the first N matching requests through.
fn pass() -> FaultKind {
    FaultKind::Delay { ms: 0 }
}
fn once(path: &str, kind: FaultKind) -> Fault {
    Fault::on(path, kind).times(1)
}
fn always(path: &str, kind: FaultKind) -> Fault {
    Fault::on(path, kind)
}
/// `n` requests to `path` pass, then `then` applies.
fn after(n: u32, path: &str, then: Fault) -> [Fault; 2] {
    [Fault::on(path, pass()).times(n), then]
}

// ------------------------------------------------------------------ the runner

fn start(s: &Scenario) -> (Sim, Option<IdTokenServer>) {
    let sim = Sim::start();
    let idp = s
        .oidc
        .then(|| IdTokenServer::start(REQUEST_TOKEN, ID_TOKEN));
    (sim, idp)
}

fn action(s: &Scenario, sim: &Sim, idp: Option<&IdTokenServer>) -> Action {
    let mut a = Action::new(sim, s.app);
    a.fast()
        .input("version", s.version)
        .input("command", s.command)
        .input("target-stage", s.target);
    if s.command == "rollback" {
        a.input("reason", "fault matrix rollback");
    }
    if let Some(idp) = idp {
        a.input("access-token", "")
            .input("oidc-provider-name", "github-oidc")
            .env("ACTIONS_ID_TOKEN_REQUEST_URL", &idp.url)
            .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", REQUEST_TOKEN)
            .secret(ID_TOKEN)
            .secret(REQUEST_TOKEN);
    }
    a
}

/// The version the scenario acts on (the newest for an empty `version`).
fn acted_on(s: &Scenario) -> &'static str {
    match (s.app, s.version) {
        (WEB, "") => "2.0.0",
        (_, v) => v,
    }
}

fn real_stage(sim: &Sim, app: &str, version: &str) -> String {
    sim.sim
        .version(app, version)
        .expect("version exists")
        .current_stage
}

fn mutating_posts(sim: &Sim) -> usize {
    sim.sim
        .requests()
        .iter()
        .filter(|r| {
            r.method == "POST"
                && (r.path.ends_with("/promote")
                    || r.path.ends_with("/release")
                    || r.path.ends_with("/rollback"))
        })
        .count()
}

fn context(s: &Scenario, run: &Run, sim: &Sim) -> String {
    let log: Vec<String> = sim
        .sim
        .requests()
        .iter()
        .map(|r| {
            format!(
                "{} {}{} → {}{}",
                r.method,
                r.path,
                r.query
                    .as_deref()
                    .map(|q| format!("?{q}"))
                    .unwrap_or_default(),
                r.status,
                r.fault
                    .as_deref()
                    .map(|f| format!(" [{f}]"))
                    .unwrap_or_default()
            )
        })
        .collect();
    format!(
        "scenario {s:?}\nexit {}\nstdout:\n{}\nstderr:\n{}\nsummary:\n{}\nrequests:\n{}",
        run.code,
        run.stdout,
        run.stderr,
        run.summary,
        log.join("\n")
    )
}

/// Runs a scenario and checks every invariant; returns the run for extra checks.
fn check(s: &Scenario, sim: &Sim, idp: Option<&IdTokenServer>) -> Run {
    assert!(!s.expect.is_empty(), "scenario without expectation");
    let promotions_before = sim.sim.promotions_applied();
    for f in &s.faults {
        sim.sim.inject(f.clone());
    }
    let started = Instant::now();
    let run = action(s, sim, idp).run();
    let took = started.elapsed();
    sim.sim.clear_faults();
    let ctx = || context(s, &run, sim);
    let version = acted_on(s);
    let stage = real_stage(sim, s.app, version);

    // Exit status, result and the real stage form one of the accepted outcomes.
    let got = (run.code, run.out("result").to_string(), stage.clone());
    assert!(
        s.expect
            .iter()
            .any(|(c, r, st)| (*c, r.to_string(), st.to_string()) == got),
        "got {got:?}, expected one of {:?}\n{}",
        s.expect,
        ctx()
    );
    // Never promoted more than asked; never more POSTs than allowed.
    let applied = sim.sim.promotions_applied() - promotions_before;
    assert!(
        applied <= s.max_promotions,
        "{applied} promotions applied, at most {} allowed\n{}",
        s.max_promotions,
        ctx()
    );
    if let Some(max) = s.max_posts {
        let posts = mutating_posts(sim);
        assert!(posts <= max, "{posts} mutating POSTs\n{}", ctx());
    }
    // The outputs tell the truth about where the version is.
    let to = run.out("to-stage");
    if !(s.stage_may_be_unknown && to.is_empty()) {
        assert_eq!(to, stage, "`to-stage` is not the real stage\n{}", ctx());
    }
    if run.code == 0 {
        assert_eq!(run.out("version"), version, "{}", ctx());
    } else {
        // A failure says so, once, and the summary does not claim success.
        let errors = run
            .stdout
            .lines()
            .filter(|l| l.starts_with("::error"))
            .count();
        assert_eq!(errors, 1, "one ::error annotation expected\n{}", ctx());
        let head = run.summary.lines().next().unwrap_or_default();
        assert!(
            head.starts_with("## ❌") || head.starts_with("## ⛔"),
            "summary headline claims otherwise: {head}\n{}",
            ctx()
        );
        assert!(!head.contains("promoted") && !head.contains("released"));
    }
    for text in &s.stdout_has {
        assert!(
            run.stdout.contains(text),
            "stdout lacks {text:?}\n{}",
            ctx()
        );
    }
    assert!(took < WALL, "took {took:?}\n{}", ctx());
    run
}

fn run(s: Scenario) -> Run {
    let (sim, idp) = start(&s);
    check(&s, &sim, idp.as_ref())
}

macro_rules! scenarios {
    ($($(#[$meta:meta])* $name:ident => $scenario:expr;)*) => {
        $(
            #[test]
            $(#[$meta])*
            fn $name() {
                run($scenario);
            }
        )*
    };
}

// ------------------------------------------------------------------ GET /access/api/v2/lifecycle

scenarios! {
    lifecycle_500_once_is_retried => promote_ok().fault(once(LIFECYCLE, status(500)));
    lifecycle_502_once_is_retried => promote_ok().fault(once(LIFECYCLE, status(502)));
    lifecycle_503_once_is_retried => promote_ok().fault(once(LIFECYCLE, status(503)));
    lifecycle_503_persistent_fails => promote_fails().unknown_stage_ok().fault(always(LIFECYCLE, status(503))).says("HTTP 503");
    lifecycle_429_with_retry_after_is_waited => promote_ok().fault(once(LIFECYCLE, retry_after(429, 1)));
    lifecycle_429_without_retry_after_backs_off => promote_ok().fault(once(LIFECYCLE, status(429)));
    lifecycle_429_persistent_fails => promote_fails().unknown_stage_ok().fault(always(LIFECYCLE, status(429))).says("rate-limiting");
    lifecycle_429_retry_after_too_long_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, retry_after(429, 3600))).says("longer than the action waits");
    lifecycle_401_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, status(401))).says("access-token");
    lifecycle_403_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, status(403))).says("permission");
    lifecycle_404_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, status(404))).says("jfrog-url");
    lifecycle_409_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, status(409)));
    lifecycle_slow_once_is_retried => promote_ok().fault(once(LIFECYCLE, slow()));
    lifecycle_slow_persistent_fails => promote_fails().unknown_stage_ok().fault(always(LIFECYCLE, slow())).says("no answer within");
    lifecycle_drop_before_apply_once_is_retried => promote_ok().fault(once(LIFECYCLE, FaultKind::DropBeforeApply));
    lifecycle_drop_after_apply_once_is_retried => promote_ok().fault(once(LIFECYCLE, FaultKind::DropAfterApply));
    lifecycle_drop_persistent_fails => promote_fails().unknown_stage_ok().fault(always(LIFECYCLE, FaultKind::DropBeforeApply));
    lifecycle_malformed_json_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, FaultKind::MalformedJson)).says("not the JSON AppTrust documents");
    lifecycle_truncated_json_fails => promote_fails().unknown_stage_ok().fault(once(LIFECYCLE, FaultKind::TruncatedJson));
    lifecycle_upper_case_enums_work => promote_ok().fault(always(LIFECYCLE, FaultKind::UpperCaseEnums));
    lifecycle_missing_fields_fails => promote_fails().unknown_stage_ok().fault(always(LIFECYCLE, FaultKind::MissingFields)).says("lifecycle");
    lifecycle_extra_fields_work => promote_ok().fault(always(LIFECYCLE, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ GET …/versions (newest)

scenarios! {
    list_500_once_is_retried => newest_ok().fault(once(LIST, status(500)));
    list_503_persistent_fails => newest_fails().fault(always(LIST, status(503)));
    list_429_with_retry_after_is_waited => newest_ok().fault(once(LIST, retry_after(429, 1)));
    list_429_without_retry_after_backs_off => newest_ok().fault(once(LIST, status(429)));
    list_401_fails => newest_fails().fault(once(LIST, status(401)));
    list_403_fails => newest_fails().fault(once(LIST, status(403)));
    list_404_fails => newest_fails().fault(once(LIST, status(404)));
    list_slow_once_is_retried => newest_ok().fault(once(LIST, slow()));
    list_drop_before_apply_once_is_retried => newest_ok().fault(once(LIST, FaultKind::DropBeforeApply));
    list_drop_after_apply_once_is_retried => newest_ok().fault(once(LIST, FaultKind::DropAfterApply));
    list_malformed_json_fails => newest_fails().fault(once(LIST, FaultKind::MalformedJson));
    list_truncated_json_fails => newest_fails().fault(once(LIST, FaultKind::TruncatedJson));
    list_upper_case_enums_work => newest_ok().fault(always(LIST, FaultKind::UpperCaseEnums));
    list_missing_fields_fails => newest_fails().fault(always(LIST, FaultKind::MissingFields));
    list_extra_fields_work => newest_ok().fault(always(LIST, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ GET …/content

scenarios! {
    content_500_once_is_retried => promote_ok().fault(once(CONTENT, status(500)));
    content_502_once_is_retried => promote_ok().fault(once(CONTENT, status(502)));
    content_503_once_is_retried => promote_ok().fault(once(CONTENT, status(503)));
    content_503_persistent_fails => promote_fails().unknown_stage_ok().fault(always(CONTENT, status(503)));
    content_429_with_retry_after_is_waited => promote_ok().fault(once(CONTENT, retry_after(429, 1)));
    content_429_without_retry_after_backs_off => promote_ok().fault(once(CONTENT, status(429)));
    content_401_fails => promote_fails().unknown_stage_ok().fault(once(CONTENT, status(401)));
    content_403_fails => promote_fails().unknown_stage_ok().fault(once(CONTENT, status(403)));
    content_404_fails => promote_fails().unknown_stage_ok().fault(once(CONTENT, status(404))).says("version");
    content_409_fails => promote_fails().unknown_stage_ok().fault(once(CONTENT, status(409)));
    content_slow_once_is_retried => promote_ok().fault(once(CONTENT, slow()));
    content_slow_persistent_fails => promote_fails().unknown_stage_ok().fault(always(CONTENT, slow()));
    content_drop_before_apply_once_is_retried => promote_ok().fault(once(CONTENT, FaultKind::DropBeforeApply));
    content_drop_after_apply_once_is_retried => promote_ok().fault(once(CONTENT, FaultKind::DropAfterApply));
    content_malformed_json_fails => promote_fails().unknown_stage_ok().fault(once(CONTENT, FaultKind::MalformedJson));
    content_truncated_json_fails => promote_fails().unknown_stage_ok().fault(once(CONTENT, FaultKind::TruncatedJson));
    content_upper_case_enums_work => promote_ok().fault(always(CONTENT, FaultKind::UpperCaseEnums));
    content_missing_fields_fails_without_promoting => promote_fails().unknown_stage_ok().fault(always(CONTENT, FaultKind::MissingFields));
    content_extra_fields_work => promote_ok().fault(always(CONTENT, FaultKind::ExtraFields));
    // The re-read after the promote fails: the promotion happened (AppTrust said so), the action
    // could not confirm it; it must not claim the old stage.
    content_verify_read_fails_after_promote => promote_next()
        .expect(3, "failed", QA)
        .unknown_stage_ok()
        .fault(Fault::on(CONTENT, pass()).times(1))
        .fault(always(CONTENT, status(503)));
}

// ------------------------------------------------------------------ POST …/promote

scenarios! {
    promote_500_is_sent_once_and_verified => promote_fails().fault(once(PROMOTE, status(500))).says("HTTP 500");
    promote_502_is_sent_once_and_verified => promote_fails().fault(once(PROMOTE, status(502)));
    promote_503_is_sent_once_and_verified => promote_fails().fault(once(PROMOTE, status(503)));
    promote_503_persistent_fails => promote_fails().fault(always(PROMOTE, status(503)));
    promote_500_persistent_names_the_stage => promote_fails().fault(always(PROMOTE, status(500))).says("while entering QA");
    promote_429_with_retry_after_is_not_resent => promote_fails().fault(once(PROMOTE, retry_after(429, 1)));
    promote_429_without_retry_after_is_not_resent => promote_fails().fault(once(PROMOTE, status(429)));
    promote_401_fails => promote_fails().fault(once(PROMOTE, status(401))).says("access-token");
    promote_403_fails => promote_fails().fault(once(PROMOTE, status(403))).says("permission");
    promote_404_fails => promote_fails().fault(once(PROMOTE, status(404)));
    promote_409_conflict_fails => promote_fails().fault(once(PROMOTE, status(409))).says("refused");
    promote_409_in_progress_is_waited_out => promote_ok().max_posts(3).fault(Fault::on(PROMOTE, in_progress()).times(2));
    promote_409_in_progress_past_the_bound_fails_clearly => promote_fails().max_posts(100).fault(always(PROMOTE, in_progress())).says("still running after 1 s");
    promote_slow_answer_is_verified_not_resent => promote_next()
        .expect(0, "promoted", QA)
        .expect(3, "failed", DEV)
        .fault(once(PROMOTE, slow()));
    promote_drop_before_apply_fails_unchanged => promote_fails().fault(once(PROMOTE, FaultKind::DropBeforeApply));
    promote_drop_after_apply_reports_the_true_stage => promote_ok().fault(once(PROMOTE, FaultKind::DropAfterApply)).says("re-reading the version shows it reached QA");
    promote_malformed_json_success_is_verified => promote_ok().fault(once(PROMOTE, FaultKind::MalformedJson));
    promote_truncated_json_success_is_verified => promote_ok().fault(once(PROMOTE, FaultKind::TruncatedJson));
    promote_upper_case_enums_work => promote_ok().fault(always(PROMOTE, FaultKind::UpperCaseEnums));
    promote_missing_fields_work => promote_ok().fault(always(PROMOTE, FaultKind::MissingFields));
    promote_extra_fields_work => promote_ok().fault(always(PROMOTE, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ POST …/release

scenarios! {
    release_500_is_sent_once_and_verified => release_fails().fault(once(RELEASE, status(500)));
    release_503_persistent_fails => release_fails().fault(always(RELEASE, status(503)));
    release_429_is_not_resent => release_fails().fault(once(RELEASE, retry_after(429, 1)));
    release_401_fails => release_fails().fault(once(RELEASE, status(401)));
    release_403_fails => release_fails().fault(once(RELEASE, status(403)));
    release_404_fails => release_fails().fault(once(RELEASE, status(404)));
    release_409_conflict_fails => release_fails().fault(once(RELEASE, status(409)));
    release_409_in_progress_is_waited_out => release_ok().max_posts(3).fault(Fault::on(RELEASE, in_progress()).times(2));
    release_409_in_progress_past_the_bound_fails_clearly => release_fails().max_posts(100).fault(always(RELEASE, in_progress())).says("still running after 1 s");
    release_slow_answer_is_verified_not_resent => release()
        .expect(0, "released", PROD)
        .expect(3, "failed", STAGING)
        .fault(once(RELEASE, slow()));
    release_drop_before_apply_fails_unchanged => release_fails().fault(once(RELEASE, FaultKind::DropBeforeApply));
    release_drop_after_apply_reports_the_true_stage => release_ok().fault(once(RELEASE, FaultKind::DropAfterApply));
    release_malformed_json_success_is_verified => release_ok().fault(once(RELEASE, FaultKind::MalformedJson));
    release_truncated_json_success_is_verified => release_ok().fault(once(RELEASE, FaultKind::TruncatedJson));
    release_upper_case_enums_work => release_ok().fault(always(RELEASE, FaultKind::UpperCaseEnums));
    release_missing_fields_work => release_ok().fault(always(RELEASE, FaultKind::MissingFields));
    release_extra_fields_work => release_ok().fault(always(RELEASE, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ POST …/rollback

scenarios! {
    rollback_500_is_sent_once_and_verified => rollback_fails().fault(once(ROLLBACK, status(500)));
    rollback_503_persistent_fails => rollback_fails().fault(always(ROLLBACK, status(503)));
    rollback_429_is_not_resent => rollback_fails().fault(once(ROLLBACK, status(429)));
    rollback_401_fails => rollback_fails().fault(once(ROLLBACK, status(401)));
    rollback_403_fails => rollback_fails().fault(once(ROLLBACK, status(403)));
    rollback_404_fails => rollback_fails().fault(once(ROLLBACK, status(404)));
    rollback_409_fails => rollback_fails().fault(once(ROLLBACK, status(409)));
    rollback_409_in_progress_fails_without_resending => rollback_fails().fault(always(ROLLBACK, in_progress()));
    rollback_slow_answer_is_verified_not_resent => rollback()
        .expect(0, "rolled-back", STAGING)
        .expect(3, "failed", PROD)
        .fault(once(ROLLBACK, slow()));
    rollback_drop_before_apply_fails_unchanged => rollback_fails().fault(once(ROLLBACK, FaultKind::DropBeforeApply));
    rollback_drop_after_apply_reports_the_true_stage => rollback_ok().fault(once(ROLLBACK, FaultKind::DropAfterApply));
    rollback_malformed_json_success_is_verified => rollback_ok().fault(once(ROLLBACK, FaultKind::MalformedJson));
    rollback_truncated_json_success_is_verified => rollback_ok().fault(once(ROLLBACK, FaultKind::TruncatedJson));
    rollback_upper_case_enums_work => rollback_ok().fault(always(ROLLBACK, FaultKind::UpperCaseEnums));
    rollback_missing_fields_work => rollback_ok().fault(always(ROLLBACK, FaultKind::MissingFields));
    rollback_extra_fields_work => rollback_ok().fault(always(ROLLBACK, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ GET …/promotions (status)

scenarios! {
    promotions_500_once_is_retried => status_ok().fault(once(PROMOTIONS, status(500)));
    promotions_503_persistent_fails => status_fails().fault(always(PROMOTIONS, status(503)));
    promotions_429_with_retry_after_is_waited => status_ok().fault(once(PROMOTIONS, retry_after(429, 1)));
    promotions_429_without_retry_after_backs_off => status_ok().fault(once(PROMOTIONS, status(429)));
    promotions_401_fails => status_fails().fault(once(PROMOTIONS, status(401)));
    promotions_403_fails => status_fails().fault(once(PROMOTIONS, status(403)));
    promotions_404_fails => status_fails().fault(once(PROMOTIONS, status(404)));
    promotions_slow_once_is_retried => status_ok().fault(once(PROMOTIONS, slow()));
    promotions_drop_before_apply_once_is_retried => status_ok().fault(once(PROMOTIONS, FaultKind::DropBeforeApply));
    promotions_drop_after_apply_once_is_retried => status_ok().fault(once(PROMOTIONS, FaultKind::DropAfterApply));
    promotions_malformed_json_fails => status_fails().fault(once(PROMOTIONS, FaultKind::MalformedJson));
    promotions_truncated_json_fails => status_fails().fault(once(PROMOTIONS, FaultKind::TruncatedJson));
    promotions_upper_case_enums_work => status_ok().fault(always(PROMOTIONS, FaultKind::UpperCaseEnums));
    promotions_extra_fields_work => status_ok().fault(always(PROMOTIONS, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ PATCH …/versions/{v} (audit)

/// The audit properties are written after the promotion: their failure is a warning, the
/// promotion stands and is reported as such.
fn patch(kind: FaultKind) -> Fault {
    Fault::on("/versions/1.2.0", kind).method("PATCH")
}
const AUDIT_WARNING: &str = "audit properties were not written";

scenarios! {
    patch_500_warns_and_the_promotion_stands => promote_ok().fault(patch(status(500))).summary_says(AUDIT_WARNING);
    patch_403_warns_and_the_promotion_stands => promote_ok().fault(patch(status(403))).summary_says(AUDIT_WARNING);
    patch_404_warns_and_the_promotion_stands => promote_ok().fault(patch(status(404))).summary_says(AUDIT_WARNING);
    patch_429_warns_and_the_promotion_stands => promote_ok().fault(patch(retry_after(429, 1))).summary_says(AUDIT_WARNING);
    patch_slow_warns_and_the_promotion_stands => promote_ok().fault(patch(slow())).summary_says(AUDIT_WARNING);
    patch_drop_before_apply_warns_and_the_promotion_stands => promote_ok().fault(patch(FaultKind::DropBeforeApply)).summary_says(AUDIT_WARNING);
    patch_drop_after_apply_keeps_the_promotion => promote_ok().fault(patch(FaultKind::DropAfterApply));
    patch_malformed_json_keeps_the_promotion => promote_ok().fault(patch(FaultKind::MalformedJson));
    patch_missing_fields_keeps_the_promotion => promote_ok().fault(patch(FaultKind::MissingFields));
}

// ------------------------------------------------------------------ POST /access/api/v1/oidc/token

scenarios! {
    oidc_exchange_works => oidc_ok();
    oidc_500_once => oidc_ok()
        .expect(3, "failed", DEV)
        .unknown_stage_ok()
        .fault(once(OIDC, status(500)));
    oidc_503_persistent_fails => oidc_fails().fault(always(OIDC, status(503)));
    oidc_401_fails_naming_the_provider => oidc_fails().fault(always(OIDC, status(401))).says("github-oidc");
    oidc_403_fails => oidc_fails().fault(always(OIDC, status(403)));
    oidc_429_persistent_fails => oidc_fails().fault(always(OIDC, status(429)));
    oidc_slow_persistent_fails => oidc_fails().fault(always(OIDC, slow()));
    oidc_drop_before_apply_fails => oidc_fails().fault(always(OIDC, FaultKind::DropBeforeApply));
    oidc_malformed_json_fails => oidc_fails().fault(always(OIDC, FaultKind::MalformedJson));
    oidc_truncated_json_fails => oidc_fails().fault(always(OIDC, FaultKind::TruncatedJson));
    oidc_missing_fields_fails => oidc_fails().fault(always(OIDC, FaultKind::MissingFields)).says("access_token");
    oidc_upper_case_enums_work => oidc_ok().fault(always(OIDC, FaultKind::UpperCaseEnums));
    oidc_extra_fields_work => oidc_ok().fault(always(OIDC, FaultKind::ExtraFields));
}

// ------------------------------------------------------------------ multi-hop walks

/// Target stages of the promote/release requests that took effect (2xx, not dropped before
/// being applied), from the simulator's request log.
fn effective_targets(sim: &Sim) -> Vec<String> {
    sim.sim
        .requests()
        .iter()
        .filter(|r| {
            r.method == "POST"
                && (200..300).contains(&r.status)
                && r.fault.as_deref() != Some("drop_before_apply")
        })
        .filter_map(|r| {
            if r.path.ends_with("/release") {
                Some(PROD.to_string())
            } else if r.path.ends_with("/promote") {
                let body: serde_json::Value =
                    serde_json::from_str(r.body.as_deref().unwrap_or("{}")).ok()?;
                body["target_stage"].as_str().map(str::to_string)
            } else {
                None
            }
        })
        .collect()
}

/// A fault on the way to PROD stops the walk at `stopped_at`; a re-run with the same inputs and
/// no faults resumes from there and finishes, promoting no stage twice.
fn walk_then_resume(fault: Vec<Fault>, stopped_at: &'static str, hops_before: usize) {
    let mut first = walk();
    first.faults = fault;
    first.expect = vec![(3, "failed", stopped_at)];
    first.max_promotions = hops_before;
    let (sim, _) = start(&first);
    let run1 = check(&first, &sim, None);
    assert_eq!(sim.sim.promotions_applied(), hops_before);
    let display = stopped_at.trim_start_matches("bookverse-");
    assert!(
        run1.summary.contains(&format!("now at **{display}**")),
        "the summary says where the version stopped:\n{}",
        run1.summary
    );
    if stopped_at != STAGING {
        assert!(
            run1.summary.contains("⏭️"),
            "stages after the failure are shown as not reached:\n{}",
            run1.summary
        );
    }
    let second = walk().expect(0, "released", PROD);
    let second = Scenario {
        max_promotions: 4 - hops_before,
        ..second
    };
    let run2 = check(&second, &sim, None);
    assert_eq!(run2.out("from-stage"), stopped_at);
    assert_eq!(sim.sim.promotions_applied(), 4, "each stage exactly once");
    let mut targets = effective_targets(&sim);
    targets.sort();
    let mut want = vec![DEV, QA, STAGING, PROD];
    want.sort();
    assert_eq!(targets, want, "each stage promoted exactly once");
}

#[test]
fn walk_second_hop_503_stops_at_dev_then_resumes() {
    walk_then_resume(
        after(1, PROMOTE, once(PROMOTE, status(503))).to_vec(),
        DEV,
        1,
    );
}

#[test]
fn walk_second_hop_drop_before_apply_stops_at_dev_then_resumes() {
    walk_then_resume(
        after(1, PROMOTE, once(PROMOTE, FaultKind::DropBeforeApply)).to_vec(),
        DEV,
        1,
    );
}

#[test]
fn walk_third_hop_403_stops_at_qa_then_resumes() {
    walk_then_resume(
        after(2, PROMOTE, once(PROMOTE, status(403))).to_vec(),
        QA,
        2,
    );
}

#[test]
fn walk_release_hop_503_persistent_stops_at_staging_then_resumes() {
    walk_then_resume(vec![always(RELEASE, status(503))], STAGING, 3);
}

#[test]
fn walk_second_hop_in_progress_past_the_bound_stops_at_dev_then_resumes() {
    walk_then_resume(
        after(1, PROMOTE, always(PROMOTE, in_progress())).to_vec(),
        DEV,
        1,
    );
}

#[test]
fn walk_second_hop_drop_after_apply_continues_to_prod() {
    let mut s = walk().expect(0, "released", PROD);
    s.faults = after(1, PROMOTE, once(PROMOTE, FaultKind::DropAfterApply)).to_vec();
    let sim = Sim::start();
    let run = check(&s, &sim, None);
    assert_eq!(sim.sim.promotions_applied(), 4);
    assert_eq!(
        effective_targets(&sim).len(),
        4,
        "one effective request per stage"
    );
    assert!(
        run.stdout
            .contains("re-reading the version shows it reached QA")
    );
}

#[test]
fn walk_every_answer_lost_still_reaches_prod_once_each() {
    let mut s = walk().expect(0, "released", PROD);
    s.faults = vec![
        always(PROMOTE, FaultKind::DropAfterApply),
        always(RELEASE, FaultKind::DropAfterApply),
    ];
    let sim = Sim::start();
    check(&s, &sim, None);
    assert_eq!(sim.sim.promotions_applied(), 4);
    assert_eq!(mutating_posts(&sim), 4, "one POST per stage");
}

#[test]
fn walk_apptrust_policy_rejection_at_staging_blocks_at_qa() {
    let s = walk().expect(1, "blocked", QA);
    let sim = Sim::start();
    sim.sim
        .set_stage_policy_failure("STAGING", Some("needs a signed SBOM".into()));
    let run = check(&s, &sim, None);
    assert_eq!(sim.sim.promotions_applied(), 2);
    assert!(
        run.summary.contains("needs a signed SBOM"),
        "{}",
        run.summary
    );
}

#[test]
fn walk_verify_read_lost_after_second_hop_does_not_claim_dev() {
    // Initial read and the verify after DEV pass; every later read fails.
    let mut s = walk()
        .expect(3, "failed", QA)
        .unknown_stage_ok()
        .max_promotions(2);
    s.faults = vec![
        Fault::on(CONTENT, pass()).times(2),
        always(CONTENT, status(503)),
    ];
    let sim = Sim::start();
    check(&s, &sim, None);
}

/// A real in-flight promotion (started asynchronously by "another run") is waited out: the
/// action sees 409 in progress, polls, finds the version in the target and reports success
/// without promoting again.
#[test]
fn concurrent_async_promotion_is_waited_out_without_promoting_twice() {
    let config = promote_action::simulator::SimConfig {
        async_delay: Duration::from_millis(700),
        ..Default::default()
    };
    let sim = Sim::with(config);
    let url = format!(
        "{}/apptrust/api/v1/applications/{APP}/versions/1.2.0/promote?async=true",
        sim.url
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let status = rt.block_on(async {
        reqwest::Client::new()
            .post(url)
            .bearer_auth(crate::common::TOKEN)
            .json(&serde_json::json!({"target_stage": QA, "promotion_type": "copy"}))
            .send()
            .await
            .expect("async promote")
            .status()
    });
    assert_eq!(status.as_u16(), 202);
    // The other run moved the version while this one waited: this run applied nothing, so it
    // says `unchanged` and why (issue 14), not `promoted`.
    let s = promote_next()
        .expect(0, "unchanged", QA)
        .max_posts(100)
        .summary_says("Another run moved 1.2.0 to QA");
    let started = Instant::now();
    let run = check(&s, &sim, None);
    assert!(started.elapsed() < WALL);
    assert_eq!(
        sim.sim.promotions_applied(),
        1,
        "only the other run's promotion"
    );
    assert_eq!(run.out("to-stage"), QA);
}
