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

pub(crate) const APP: &str = "bookverse-inventory";
pub(crate) const WEB: &str = "bookverse-web";

pub(crate) const LIFECYCLE: &str = "/access/api/v2/lifecycle";
/// The version list (only asked when `version` is empty); `…/versions/{v}/…` never matches.
pub(crate) const LIST: &str = "/versions?";
pub(crate) const CONTENT: &str = "/content";
pub(crate) const PROMOTE: &str = "/promote";
pub(crate) const RELEASE: &str = "/release?";
pub(crate) const ROLLBACK: &str = "/rollback";
pub(crate) const PROMOTIONS: &str = "/promotions";
pub(crate) const OIDC: &str = "/access/api/v1/oidc/token";

pub(crate) const DEV: &str = "bookverse-DEV";
pub(crate) const QA: &str = "bookverse-QA";
pub(crate) const STAGING: &str = "bookverse-STAGING";
pub(crate) const PROD: &str = "PROD";

/// Longer than `PROMOTE_ACTION_HTTP_TIMEOUT_MS` set by [`Action::fast`].
pub(crate) const SLOW_MS: u64 = 1_500;
/// Every scenario finishes well within this, however it fails.
pub(crate) const WALL: Duration = Duration::from_secs(20);

pub(crate) const ID_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmJvb2t2ZXJzZS9pbnZlbnRvcnkifQ.ZmFrZS1zaWduYXR1cmUtZm9yLXRlc3Rz";
pub(crate) const REQUEST_TOKEN: &str = "ghs_request-token-for-the-id-token-endpoint";

/// One scenario: a starting point, faults, and the outcomes accepted.
#[derive(Debug, Clone)]
pub(crate) struct Scenario {
    pub(crate) app: &'static str,
    pub(crate) version: &'static str,
    pub(crate) command: &'static str,
    pub(crate) target: &'static str,
    pub(crate) oidc: bool,
    pub(crate) faults: Vec<Fault>,
    /// Accepted `(exit code, result, simulator stage afterwards)`; most scenarios accept one.
    pub(crate) expect: Vec<(i32, &'static str, &'static str)>,
    /// Effective promotions (incl. releases and rollbacks) the simulator may have applied.
    pub(crate) max_promotions: usize,
    /// POSTs to the mutating endpoint the action may send (`None`: not checked).
    pub(crate) max_posts: Option<usize>,
    /// The failure happens before the version could be read, so `to-stage` may be `""`.
    pub(crate) stage_may_be_unknown: bool,
    /// Text stdout must contain.
    pub(crate) stdout_has: Vec<&'static str>,
    /// Text the job summary must contain.
    pub(crate) summary_has: Vec<&'static str>,
}

impl Scenario {
    pub(crate) fn base(
        app: &'static str,
        version: &'static str,
        command: &'static str,
    ) -> Scenario {
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

    pub(crate) fn fault(mut self, f: Fault) -> Self {
        self.faults.push(f);
        self
    }

    pub(crate) fn expect(mut self, code: i32, result: &'static str, stage: &'static str) -> Self {
        self.expect.push((code, result, stage));
        self
    }

    pub(crate) fn max_promotions(mut self, n: usize) -> Self {
        self.max_promotions = n;
        self
    }

    pub(crate) fn max_posts(mut self, n: usize) -> Self {
        self.max_posts = Some(n);
        self
    }

    pub(crate) fn unknown_stage_ok(mut self) -> Self {
        self.stage_may_be_unknown = true;
        self
    }

    pub(crate) fn says(mut self, text: &'static str) -> Self {
        self.stdout_has.push(text);
        self
    }

    pub(crate) fn summary_says(mut self, text: &'static str) -> Self {
        self.summary_has.push(text);
        self
    }

    /// The first accepted outcome with the starting stage replaced: the failure outcome.
    pub(crate) fn fails_at(self, stage: &'static str) -> Self {
        Scenario {
            expect: vec![(3, "failed", stage)],
            max_promotions: 0,
            ..self
        }
    }
}

// ------------------------------------------------------------------ starting points

/// 1.2.0 in DEV, promote to the next stage (QA).
pub(crate) fn promote_next() -> Scenario {
    Scenario::base(APP, "1.2.0", "promote").max_posts(1)
}
pub(crate) fn promote_ok() -> Scenario {
    promote_next().expect(0, "promoted", QA)
}
pub(crate) fn promote_fails() -> Scenario {
    promote_next().fails_at(DEV)
}

/// 1.1.0 in STAGING, release to PROD.
pub(crate) fn release() -> Scenario {
    let mut s = Scenario::base(APP, "1.1.0", "promote").max_posts(1);
    s.target = "PROD";
    s
}
pub(crate) fn release_ok() -> Scenario {
    release().expect(0, "released", PROD)
}
pub(crate) fn release_fails() -> Scenario {
    release().fails_at(STAGING)
}

/// 1.0.0 in PROD, roll back (to STAGING).
pub(crate) fn rollback() -> Scenario {
    Scenario::base(APP, "1.0.0", "rollback").max_posts(1)
}
pub(crate) fn rollback_ok() -> Scenario {
    rollback().expect(0, "rolled-back", STAGING)
}
pub(crate) fn rollback_fails() -> Scenario {
    rollback().fails_at(PROD)
}

/// `command: status` on 1.1.0 (reads the promotion history).
pub(crate) fn status_ok() -> Scenario {
    Scenario::base(APP, "1.1.0", "status")
        .expect(0, "unchanged", STAGING)
        .max_promotions(0)
        .max_posts(0)
}
pub(crate) fn status_fails() -> Scenario {
    Scenario::base(APP, "1.1.0", "status")
        .max_posts(0)
        .fails_at(STAGING)
}

/// Empty `version` on bookverse-web: the newest version (2.0.0, in DEV) goes to QA.
pub(crate) fn newest() -> Scenario {
    Scenario::base(WEB, "", "promote").max_posts(1)
}
pub(crate) fn newest_ok() -> Scenario {
    newest().expect(0, "promoted", QA)
}
pub(crate) fn newest_fails() -> Scenario {
    newest().fails_at(DEV).unknown_stage_ok()
}

/// Promote to the next stage authenticating through GitHub OIDC.
pub(crate) fn oidc_ok() -> Scenario {
    let mut s = promote_ok();
    s.oidc = true;
    s
}
pub(crate) fn oidc_fails() -> Scenario {
    let mut s = promote_fails().unknown_stage_ok().max_posts(0);
    s.oidc = true;
    s
}

/// 1.3.0, never promoted, walked to PROD (DEV, QA, STAGING, release).
pub(crate) fn walk() -> Scenario {
    let mut s = Scenario::base(APP, "1.3.0", "promote");
    s.target = "PROD";
    s.max_promotions = 4;
    s
}

// ------------------------------------------------------------------ faults

pub(crate) fn status(code: u16) -> FaultKind {
    FaultKind::Status {
        code,
        retry_after: None,
        body: None,
    }
}
pub(crate) fn retry_after(code: u16, secs: u64) -> FaultKind {
    FaultKind::Status {
        code,
        retry_after: Some(secs),
        body: None,
    }
}
pub(crate) fn in_progress() -> FaultKind {
    FaultKind::Status {
        code: 409,
        retry_after: None,
        body: Some(
            r#"{"errors":[{"status":409,"message":"Promotion already in progress for this application version"}]}"#
                .into(),
        ),
    }
}
pub(crate) fn slow() -> FaultKind {
    FaultKind::Delay { ms: SLOW_MS }
}
/// Answers normally: used to let the first N matching requests through.
pub(crate) fn pass() -> FaultKind {
    FaultKind::Delay { ms: 0 }
}
pub(crate) fn once(path: &str, kind: FaultKind) -> Fault {
    Fault::on(path, kind).times(1)
}
pub(crate) fn always(path: &str, kind: FaultKind) -> Fault {
    Fault::on(path, kind)
}
/// `n` requests to `path` pass, then `then` applies.
pub(crate) fn after(n: u32, path: &str, then: Fault) -> [Fault; 2] {
    [Fault::on(path, pass()).times(n), then]
}

// ------------------------------------------------------------------ the runner

pub(crate) fn start(s: &Scenario) -> (Sim, Option<IdTokenServer>) {
    let sim = Sim::start();
    let idp = s
        .oidc
        .then(|| IdTokenServer::start(REQUEST_TOKEN, ID_TOKEN));
    (sim, idp)
}

pub(crate) fn action(s: &Scenario, sim: &Sim, idp: Option<&IdTokenServer>) -> Action {
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
pub(crate) fn acted_on(s: &Scenario) -> &'static str {
    match (s.app, s.version) {
        (WEB, "") => "2.0.0",
        (_, v) => v,
    }
}

pub(crate) fn real_stage(sim: &Sim, app: &str, version: &str) -> String {
    sim.sim
        .version(app, version)
        .expect("version exists")
        .current_stage
}

pub(crate) fn mutating_posts(sim: &Sim) -> usize {
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

pub(crate) fn context(s: &Scenario, run: &Run, sim: &Sim) -> String {
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
pub(crate) fn check(s: &Scenario, sim: &Sim, idp: Option<&IdTokenServer>) -> Run {
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

pub(crate) fn run(s: Scenario) -> Run {
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
pub(crate) use scenarios;
