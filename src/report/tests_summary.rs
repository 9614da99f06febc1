//! Tests of the job summary: the verdict lines, escaping, the size bound, and one insta
//! snapshot per kind of run (reviewed as text in `snapshots/`).

use super::*;
use crate::gates::{Finding, Severity};
use crate::inputs::Command;
use crate::promotion::test_outcomes::{DEV, OutcomeBuilder, PROD, QA, STAGING, hop};

/// inventory 1.2.0 promoted DEV → QA.
fn promoted_to_qa() -> OutcomeBuilder {
    OutcomeBuilder::inventory(Command::Promote)
        .stages(DEV, QA)
        .result(RunResult::Promoted)
        .hop(hop(DEV, QA, HopAction::Promote, HopStatus::Done).took(400))
}

fn outcome() -> Outcome {
    promoted_to_qa().build()
}

#[test]
fn promoted_summary_leads_with_the_verdict() {
    let s = render(&outcome(), &Links::default());
    assert!(
        s.starts_with("## ✅ inventory 1.2.0 promoted DEV → QA\n"),
        "{s}"
    );
    assert!(
        s.contains("`DEV` ✅ → **`QA`** ✅ → `STAGING` → `PROD`"),
        "{s}"
    );
    assert!(
        s.contains("| DEV → QA | ✅ promoted (copy) | — | 400 ms |"),
        "{s}"
    );
}

#[test]
fn untrusted_text_is_escaped() {
    let mut o = outcome();
    o.findings.push(Finding {
        category: "test",
        severity: Severity::Error,
        title: "t`|x".into(),
        message: "<img src=x onerror=alert(1)> @team | ::error::boom".into(),
        file: Some("a|b.py".into()),
        line: Some(3),
    });
    o.findings_total = 1;
    let s = render(&o, &Links::default());
    assert!(!s.contains("<img"));
    assert!(s.contains("&lt;img"));
    assert!(!s.contains("@team"));
    assert!(s.contains("a&#124;b.py:3"));
}

#[test]
fn a_huge_summary_stays_under_the_limit() {
    let mut o = outcome();
    o.result = RunResult::Blocked;
    for i in 0..100_000 {
        o.findings.push(Finding {
            category: if i % 2 == 0 { "test" } else { "finding" },
            severity: Severity::Error,
            title: format!("test_{i}"),
            message: "x".repeat(200),
            file: None,
            line: None,
        });
    }
    o.warnings = (0..20_000)
        .map(|i| format!("warning {i} {}", "y".repeat(60)))
        .collect();
    let s = render(&o, &Links::default());
    assert!(s.len() <= MAX_BYTES, "{}", s.len());
    assert!(s.contains("1 MiB limit"));
    assert!(s.ends_with("</sub>\n"));
}

// ---- snapshots: the whole summary for each kind of run, reviewed as text ----

fn links() -> Links {
    Links {
        run_url: Some("https://github.com/bookverse/inventory/actions/runs/4242".into()),
        run_id: Some("4242".into()),
        sha: Some("0123456789abcdef0123456789abcdef01234567".into()),
        commit_url: Some(
            "https://github.com/bookverse/inventory/commit/0123456789abcdef0123456789abcdef01234567"
                .into(),
        ),
        policy: Some(".github/promotion-policy.yml".into()),
        record: Some("promotion-record.json".into()),
    }
}

const VERSION_URL: &str = "https://acme.jfrog.io/ui/apptrust/applications/inventory/versions/1.2.0";

fn gate(
    stage: &str,
    name: &str,
    kind: &str,
    status: GateStatus,
    figure: &str,
    threshold: &str,
    detail: &str,
) -> crate::gates::GateResult {
    crate::gates::GateResult {
        stage: stage.into(),
        gate: name.into(),
        kind: kind.into(),
        status,
        detail: detail.into(),
        figure: figure.into(),
        threshold: threshold.into(),
    }
}

fn eval(
    stage: &str,
    gate: &str,
    decision: &str,
    explanation: &str,
) -> crate::jfrog::apptrust::Evaluation {
    crate::jfrog::apptrust::Evaluation {
        gate: gate.into(),
        stage: stage.into(),
        decision: decision.into(),
        explanation: explanation.into(),
        eval_id: String::new(),
    }
}

/// The QA unit-test gate that passed, as the blocked run and the plans show it.
fn qa_unit_tests_passed() -> crate::gates::GateResult {
    gate(
        QA,
        "unit tests",
        "junit",
        GateStatus::Pass,
        "0 failed of 1,204",
        "failures ≤ 0",
        "",
    )
}

/// DEV → PROD with every kind of gate passing, approvals and a window included.
fn passing() -> Outcome {
    let mut o = OutcomeBuilder::inventory(Command::Promote)
        .result(RunResult::Released)
        .stages(DEV, PROD)
        .target(PROD)
        .hop(hop(DEV, QA, HopAction::Promote, HopStatus::Done).took(420))
        .hop(hop(QA, STAGING, HopAction::Promote, HopStatus::Done).took(1_350))
        .hop(
            hop(STAGING, PROD, HopAction::Release, HopStatus::Done)
                .took(2_100)
                .evaluated(vec![
                    eval(PROD, "entry_gate", "pass", "all entry gate policies passed"),
                    eval(
                        STAGING,
                        "exit_gate",
                        "pass",
                        "all exit gate policies passed",
                    ),
                ]),
        )
        .build();
    o.gates = vec![
        gate(
            QA,
            "unit tests",
            "junit",
            GateStatus::Pass,
            "0 failed of 1,204 (2 skipped)",
            "failures ≤ 0",
            "1,204 tests, 0 failed",
        ),
        gate(
            QA,
            "line coverage",
            "coverage",
            GateStatus::Pass,
            "line 81.4 % (cobertura)",
            "line ≥ 80 %",
            "line 81.4 %",
        ),
        gate(
            STAGING,
            "security scan",
            "sarif",
            GateStatus::Warn,
            "0 errors, 3 warnings [bandit]",
            "error ≤ 0 · high ≤ 0",
            "within bounds",
        ),
        gate(
            STAGING,
            "required checks",
            "checks",
            GateStatus::Pass,
            "2 of 2 succeeded",
            "build, integration-tests",
            "every required check succeeded",
        ),
        gate(
            PROD,
            "approvals",
            "approvals",
            GateStatus::Pass,
            "2 distinct",
            "≥ 2 distinct",
            "approved by alice, bob",
        ),
        gate(
            PROD,
            "windows",
            "windows",
            GateStatus::Pass,
            "open",
            "inside a window, outside freezes",
            "inside the window mon,tue,wed,thu 09:00-16:00 America/New_York",
        ),
    ];
    o
}

/// Blocked before STAGING by a failing test, a security finding and AppTrust's own policy;
/// the report texts are hostile on purpose.
fn blocked() -> Outcome {
    let stop = hop(QA, STAGING, HopAction::Promote, HopStatus::Blocked)
        .saying("gates for STAGING failed; nothing was promoted to it")
        .evaluated(vec![eval(
            STAGING,
            "entry_gate",
            "fail",
            "policy `no-critical-cves` failed: 1 critical CVE in inventory:1.2.0",
        )]);
    let mut o = promoted_to_qa()
        .result(RunResult::Blocked)
        .target(PROD)
        .hop(stop)
        .hop(hop(
            STAGING,
            PROD,
            HopAction::Release,
            HopStatus::NotReached,
        ))
        .build();
    o.gates = vec![
        qa_unit_tests_passed(),
        gate(
            STAGING,
            "unit tests",
            "junit",
            GateStatus::Fail,
            "1 failed of 1,204 (2 skipped)",
            "max-failures 0",
            "1 tests failed",
        ),
        gate(
            STAGING,
            "line coverage",
            "coverage",
            GateStatus::Pass,
            "81.4 %",
            "≥ 80 %",
            "",
        ),
        gate(
            STAGING,
            "security scan",
            "sarif",
            GateStatus::Fail,
            "1 error, 3 warnings · high 1",
            "error ≤ 0 · high ≤ 0",
            "1 error",
        ),
        gate(
            STAGING,
            "integration tests",
            "tests",
            GateStatus::Fail,
            "no evidence",
            "failures ≤ 0 · tests ≥ 1",
            "reports/it/junit.xml is not valid test results: syntax error: tag not closed: `>` not found before end of input at byte 213; regenerate the report (was it truncated or written by a crashed step?)",
        ),
        gate(
            STAGING,
            "freeze",
            "freezes",
            GateStatus::Skip,
            "frozen",
            "inside a window, outside freezes",
            "inside the freeze `year-end` until 2027-01-04; skipped by hotfix",
        ),
    ];
    o.findings = vec![
        Finding {
            category: "test",
            severity: Severity::Error,
            title: "tests.test_calc::test_grade[51-F]".into(),
            message: "assert 'C' == 'F' | <b>bold</b> @octocat ::error::x".into(),
            file: Some("tests/test_calc.py".into()),
            line: Some(14),
        },
        Finding {
            category: "finding",
            severity: Severity::Error,
            title: "B602".into(),
            message: "subprocess call with shell=True identified, security issue.".into(),
            file: Some("app/calc.py".into()),
            line: Some(18),
        },
    ];
    o.findings_total = 2;
    o
}

fn rolled_back() -> Outcome {
    OutcomeBuilder::inventory(Command::Rollback)
        .result(RunResult::RolledBack)
        .stages(PROD, STAGING)
        .hop(
            hop(PROD, STAGING, HopAction::Rollback, HopStatus::Done)
                .took(640)
                .saying("INC-1234: checkout errors after release"),
        )
        .build()
}

fn planned() -> Outcome {
    let mut o = OutcomeBuilder::inventory(Command::Plan)
        .result(RunResult::Planned)
        .stages(DEV, DEV)
        .target(STAGING)
        .hop(hop(DEV, QA, HopAction::Promote, HopStatus::Planned))
        .hop(hop(QA, STAGING, HopAction::Promote, HopStatus::Planned))
        .build();
    o.gates = vec![
        qa_unit_tests_passed(),
        gate(
            STAGING,
            "approvals",
            "approvals",
            GateStatus::Pass,
            "1 distinct",
            "≥ 1 distinct",
            "approved by carol (the actor's own approval does not count)",
        ),
    ];
    o
}

fn deferred() -> Outcome {
    let mut o = OutcomeBuilder::inventory(Command::Promote)
        .result(RunResult::Deferred)
        .stages(STAGING, STAGING)
        .target(PROD)
        .hop(
            hop(STAGING, PROD, HopAction::Release, HopStatus::NotReached)
                .saying("deferred: outside the promotion window"),
        )
        .build();
    o.gates = vec![gate(
        PROD,
        "windows",
        "windows",
        GateStatus::Fail,
        "closed",
        "inside a window, outside freezes",
        "outside every window; the next opens Mon 09:00 America/New_York",
    )];
    o.warnings.push(
        "Deferred before PROD: outside every window; the next opens Mon 09:00 America/New_York"
            .into(),
    );
    o
}

#[test]
fn snapshot_passing() {
    insta::assert_snapshot!(render_with(&passing(), &links(), Some(VERSION_URL)));
}

#[test]
fn snapshot_blocked() {
    let s = render_with(&blocked(), &links(), Some(VERSION_URL));
    assert!(!s.contains("<b>") && !s.contains("@octocat"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn snapshot_rollback() {
    insta::assert_snapshot!(render_with(&rolled_back(), &links(), Some(VERSION_URL)));
}

#[test]
fn snapshot_plan() {
    insta::assert_snapshot!(render_with(&planned(), &links(), None));
}

/// A plan to PROD that would pass QA, be blocked at STAGING (a failing scan and a report that
/// could not be read) and pass PROD: every stage judged, the version not moved.
fn plan_blocked() -> Outcome {
    let mut o = planned();
    o.result = RunResult::Blocked;
    o.target_stage = Some(PROD.into());
    o.hops[1].status = HopStatus::Blocked;
    o.hops[1].message = "would be blocked by security scan, unit tests".into();
    o.hops
        .push(hop(STAGING, PROD, HopAction::Release, HopStatus::Planned));
    o.gates.extend([
        gate(
            STAGING,
            "security scan",
            "sarif",
            GateStatus::Fail,
            "1 error, 0 warnings",
            "error ≤ 0",
            "too many results: 1 error (max 0)",
        ),
        gate(
            STAGING,
            "unit tests",
            "tests",
            GateStatus::Fail,
            "no evidence",
            "failures ≤ 0 · tests ≥ 1",
            "no file matches `reports/junit/*.xml`: check the path in the policy (relative to the workspace) and that the step producing the report ran before this action",
        ),
        gate(
            PROD,
            "windows",
            "windows",
            GateStatus::Pass,
            "open",
            "inside a window, outside freezes",
            "inside the window mon-fri 09:00-16:00 UTC",
        ),
    ]);
    o
}

#[test]
fn snapshot_plan_blocked() {
    let s = render_with(&plan_blocked(), &links(), None);
    assert!(
        s.starts_with("## ⛔ Plan for inventory 1.2.0: QA would pass, STAGING would be blocked by security scan, unit tests, PROD would pass\n"),
        "{s}"
    );
    assert!(s.contains("now at **DEV**"), "{s}");
    assert!(s.contains("- **unit tests**: no file matches"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn a_run_that_never_read_the_version_does_not_claim_where_it_is() {
    let mut o = outcome();
    o.to_stage.clear();
    o.hops.clear();
    let unread = crate::policy::PolicyReadError::Missing {
        path: "bad policy".into(),
    };
    o.fail(&crate::error::Error::PolicyRead(unread));
    let s = render(&o, &Links::default());
    assert!(s.contains("**Where the version is:** not read"), "{s}");
    assert!(!s.contains("no stage"), "{s}");
    o.stage_read = true;
    let s = render(&o, &Links::default());
    assert!(
        s.contains("**Where the version is:** no stage (never promoted)."),
        "{s}"
    );
}

#[test]
fn snapshot_deferred() {
    insta::assert_snapshot!(render_with(&deferred(), &Links::default(), None));
}

#[test]
fn links_survive_a_cut_and_cannot_break_out() {
    let mut o = outcome();
    for i in 0..20_000 {
        o.warnings.push(format!("warning {i} {}", "y".repeat(60)));
    }
    let mut l = links();
    l.run_url = Some("https://x/runs/1) [evil](https://e".into());
    let s = render_with(&o, &l, Some(VERSION_URL));
    assert!(s.len() <= MAX_BYTES);
    assert!(
        s.contains("[workflow run #4242](https://x/runs/1%29%20[evil]%28https://e)"),
        "{}",
        &s[s.len() - 600..]
    );
    assert!(s.contains("[inventory 1.2.0 in AppTrust](https://acme.jfrog.io/"));
}
