//! Table-style tests of the pure gate decisions.

use std::path::PathBuf;

use super::*;
use crate::gates::facts::{CheckRun, Fact, IntegrityFacts};
use crate::policy::{LevelBounds, SeverityBounds, TestsKey};
use crate::reports::{
    BenchFormat, BenchSummary, CoverageFormat, CoverageSummary, FailedCase, FailureKind,
    FileResult, SarifSummary, TestCounts, TestFormat, TestSummary,
};

fn gate(spec: GateSpec) -> Gate {
    Gate {
        name: spec.kind().to_string(),
        spec,
    }
}

fn junit(tests: u64, failures: u64, errors: u64) -> Fact {
    Fact::Tests(TestSummary {
        tests,
        failures,
        errors,
        skipped: 2,
        failed: (0..failures)
            .map(|i| FailedCase {
                suite: "s".into(),
                classname: "tests.test_calc".into(),
                name: format!("test_{i}"),
                kind: FailureKind::Failure,
                message: "assert 1 == 2".into(),
                file: Some("tests/test_calc.py".into()),
                line: Some(14),
                trace: String::new(),
            })
            .collect(),
        failed_total: failures + errors,
        files: vec![FileResult {
            path: PathBuf::from("r.xml"),
            format: TestFormat::Junit,
            counts: TestCounts {
                tests,
                failures,
                errors,
                skipped: 2,
            },
        }],
        ..TestSummary::default()
    })
}

fn cov(line: Option<f64>, branch: Option<f64>) -> Fact {
    Fact::Coverage(CoverageSummary {
        format: CoverageFormat::Cobertura,
        line_percent: line,
        branch_percent: branch,
        lines_covered: 0,
        lines_valid: 0,
        branches_covered: 0,
        branches_valid: 0,
        file: PathBuf::from("c.xml"),
    })
}

fn sarif(errors: u64, warnings: u64, high: u64, critical: u64) -> Fact {
    Fact::Sarif(SarifSummary {
        errors,
        warnings,
        high,
        critical,
        suppressed: 1,
        tools: vec!["Bandit".into()],
        ..SarifSummary::default()
    })
}

#[test]
fn junit_table() {
    let spec = |max_failures, min_tests| {
        gate(GateSpec::Junit {
            key: TestsKey::Junit,
            paths: vec!["*.xml".into()],
            max_failures,
            min_tests,
            max_new_failures: None,
            quarantine: Vec::new(),
        })
    };
    let table = [
        (
            spec(0, 1),
            junit(10, 0, 0),
            GateStatus::Pass,
            "0 failed of 10 (2 skipped)",
        ),
        (
            spec(0, 1),
            junit(1204, 1, 0),
            GateStatus::Fail,
            "1 failed of 1,204 (2 skipped)",
        ),
        (
            spec(0, 1),
            junit(10, 0, 1),
            GateStatus::Fail,
            "1 failed of 10 (2 skipped)",
        ),
        (
            spec(2, 1),
            junit(10, 1, 1),
            GateStatus::Pass,
            "2 failed of 10 (2 skipped)",
        ),
        (
            spec(0, 20),
            junit(10, 0, 0),
            GateStatus::Fail,
            "0 failed of 10 (2 skipped)",
        ),
        (
            spec(0, 0),
            junit(0, 0, 0),
            GateStatus::Pass,
            "0 failed of 0 (2 skipped)",
        ),
    ];
    for (g, e, status, figure) in table {
        let r = evaluate("QA", &g, &e);
        assert_eq!(r.result.status, status, "{g:?}");
        assert_eq!(r.result.figure, figure);
        if status == GateStatus::Pass {
            assert!(r.findings.is_empty(), "a passing gate lists no failures");
        }
    }
}

#[test]
fn coverage_table() {
    let spec = |l, b| {
        gate(GateSpec::Coverage {
            path: "c.xml".into(),
            min_line: l,
            min_branch: b,
        })
    };
    let table = [
        (
            spec(Some(80.0), None),
            cov(Some(81.4), None),
            GateStatus::Pass,
        ),
        (
            spec(Some(80.0), None),
            cov(Some(79.99), None),
            GateStatus::Fail,
        ),
        (
            spec(Some(80.0), Some(60.0)),
            cov(Some(90.0), Some(59.0)),
            GateStatus::Fail,
        ),
        (
            spec(None, Some(60.0)),
            cov(Some(10.0), None),
            GateStatus::Fail,
        ),
        (
            spec(Some(80.0), None),
            cov(Some(80.0), None),
            GateStatus::Pass,
        ),
    ];
    for (g, e, status) in table {
        assert_eq!(evaluate("QA", &g, &e).result.status, status, "{g:?} {e:?}");
    }
    let r = evaluate("QA", &spec(None, Some(60.0)), &cov(Some(10.0), None));
    assert!(
        r.result.detail.contains("no branch data"),
        "{}",
        r.result.detail
    );
}

#[test]
fn sarif_table() {
    let spec = |error, high| {
        gate(GateSpec::Sarif {
            paths: vec!["*.sarif".into()],
            max_level: LevelBounds {
                error,
                warning: Some(25),
                note: None,
            },
            max_severity: SeverityBounds {
                critical: Some(0),
                high,
                medium: None,
                low: None,
            },
        })
    };
    let table = [
        (spec(Some(0), Some(0)), sarif(0, 3, 0, 0), GateStatus::Pass),
        (spec(Some(0), Some(0)), sarif(1, 3, 1, 0), GateStatus::Fail),
        (spec(Some(5), None), sarif(1, 3, 9, 0), GateStatus::Pass),
        (spec(Some(5), None), sarif(1, 26, 0, 0), GateStatus::Fail),
        (spec(None, None), sarif(100, 0, 0, 1), GateStatus::Fail),
    ];
    for (g, e, status) in table {
        assert_eq!(evaluate("STAGING", &g, &e).result.status, status, "{e:?}");
    }
    let r = evaluate("STAGING", &spec(Some(0), Some(0)), &sarif(1, 3, 1, 0));
    assert_eq!(
        r.result.figure,
        "1 error, 3 warnings · high 1 (1 suppressed, not counted) [Bandit]"
    );
    assert!(
        r.result.detail.contains("1 error (max 0)"),
        "{}",
        r.result.detail
    );
}

#[test]
fn sarif_findings_are_errors_only_when_they_are_or_break_a_bound() {
    let finding = |rule: &str, level: &str, sev: Option<f64>| crate::reports::Finding {
        rule_id: rule.into(),
        level: level.into(),
        security_severity: sev,
        message: "m".into(),
        file: Some("a.py".into()),
        line: Some(1),
        tool: "t".into(),
    };
    let spec = |warning, high| {
        gate(GateSpec::Sarif {
            paths: vec!["*.sarif".into()],
            max_level: LevelBounds {
                error: Some(0),
                warning,
                note: None,
            },
            max_severity: SeverityBounds {
                critical: None,
                high,
                medium: None,
                low: None,
            },
        })
    };
    let evidence = Fact::Sarif(SarifSummary {
        errors: 1,
        warnings: 2,
        high: 1,
        findings: vec![
            finding("E", "error", None),
            finding("W", "warning", None),
            finding("H", "warning", Some(7.5)),
        ],
        findings_total: 3,
        ..SarifSummary::default()
    });
    // (warning bound, high bound) → severity of E, W, H in the order shown.
    let table = [
        (
            Some(5),
            None,
            vec![
                ("E", Severity::Error),
                ("W", Severity::Warning),
                ("H", Severity::Warning),
            ],
        ),
        (
            Some(1),
            None,
            vec![
                ("E", Severity::Error),
                ("W", Severity::Error),
                ("H", Severity::Error),
            ],
        ),
        (
            Some(5),
            Some(0),
            vec![
                ("E", Severity::Error),
                ("H", Severity::Error),
                ("W", Severity::Warning),
            ],
        ),
    ];
    for (warning, high, want) in table {
        let r = evaluate("STAGING", &spec(warning, high), &evidence);
        let got: Vec<(&str, Severity)> = r
            .findings
            .iter()
            .map(|f| (&f.title[..1], f.severity))
            .collect();
        assert_eq!(got, want, "warning ≤ {warning:?}, high ≤ {high:?}");
    }
}

#[test]
fn benchmark_json_and_remote_kinds() {
    let bench = gate(GateSpec::Benchmark {
        path: "b.json".into(),
        metric: "mean".into(),
        max: 0.25,
    });
    let b = |worst| {
        Fact::Benchmark(BenchSummary {
            format: BenchFormat::Hyperfine,
            metric: "mean".into(),
            unit: "s",
            entries: vec![("fast".into(), 0.1), ("slow".into(), worst)],
            worst,
            file: PathBuf::from("b.json"),
        })
    };
    assert_eq!(
        evaluate("S", &bench, &b(0.2)).result.status,
        GateStatus::Pass
    );
    let r = evaluate("S", &bench, &b(0.3));
    assert_eq!(r.result.status, GateStatus::Fail);
    assert!(r.result.detail.contains("`slow`"));

    let json = gate(GateSpec::Json {
        path: "l.json".into(),
        pointer: "/rate".into(),
        max: Some(0.01),
        min: None,
    });
    assert_eq!(
        evaluate("S", &json, &Fact::Json(0.004)).result.status,
        GateStatus::Pass
    );
    assert_eq!(
        evaluate("S", &json, &Fact::Json(0.02)).result.status,
        GateStatus::Fail
    );

    let integrity = gate(GateSpec::Integrity { files: vec![] });
    let ok = IntegrityFacts {
        status: "COMPLETED".into(),
        artifacts: 2,
        ..IntegrityFacts::default()
    };
    assert_eq!(
        evaluate("S", &integrity, &Fact::Integrity(ok.clone()))
            .result
            .status,
        GateStatus::Pass
    );
    for bad in [
        IntegrityFacts {
            status: "IN_PROGRESS".into(),
            ..ok.clone()
        },
        IntegrityFacts {
            missing_sha: vec!["a.jar".into()],
            ..ok.clone()
        },
        IntegrityFacts {
            artifacts: 0,
            ..ok.clone()
        },
        IntegrityFacts {
            local_checked: 1,
            local_mismatches: vec![("dist/a.whl".into(), "ab".repeat(32))],
            ..ok.clone()
        },
    ] {
        assert_eq!(
            evaluate("S", &integrity, &Fact::Integrity(bad.clone()))
                .result
                .status,
            GateStatus::Fail,
            "{bad:?}"
        );
    }
}

#[test]
fn checks_table() {
    let run = |name: &str, status: &str, conclusion: &str| CheckRun {
        name: name.into(),
        status: status.into(),
        conclusion: conclusion.into(),
    };
    let spec = |neutral, skipped| {
        gate(GateSpec::Checks {
            required: vec!["build".into(), "it".into()],
            allow_neutral: neutral,
            allow_skipped: skipped,
        })
    };
    let table = [
        (
            spec(false, false),
            vec![
                run("build", "completed", "success"),
                run("it", "completed", "success"),
            ],
            GateStatus::Pass,
        ),
        (
            spec(false, false),
            vec![run("build", "completed", "success")],
            GateStatus::Fail,
        ),
        (
            spec(false, false),
            vec![
                run("build", "completed", "success"),
                run("it", "in_progress", ""),
            ],
            GateStatus::Fail,
        ),
        (
            spec(false, false),
            vec![
                run("build", "completed", "neutral"),
                run("it", "completed", "success"),
            ],
            GateStatus::Fail,
        ),
        (
            spec(true, false),
            vec![
                run("build", "completed", "neutral"),
                run("it", "completed", "success"),
            ],
            GateStatus::Pass,
        ),
        (
            spec(false, true),
            vec![
                run("build", "completed", "skipped"),
                run("it", "completed", "success"),
            ],
            GateStatus::Pass,
        ),
        (
            spec(false, false),
            vec![
                run("build", "completed", "failure"),
                run("it", "completed", "success"),
            ],
            GateStatus::Fail,
        ),
    ];
    for (g, runs, status) in table {
        assert_eq!(
            evaluate("P", &g, &Fact::Checks(runs.clone())).result.status,
            status,
            "{runs:?}"
        );
    }
}

#[test]
fn missing_evidence_fails_and_says_why() {
    for spec in [
        GateSpec::Junit {
            key: TestsKey::Junit,
            paths: vec!["x".into()],
            max_failures: 0,
            min_tests: 0,
            max_new_failures: None,
            quarantine: Vec::new(),
        },
        GateSpec::Evidence {
            required: vec![],
            signed_by: vec![],
            allow_unverified: false,
            conditions: vec![],
            records: crate::policy::RecordsRule::Newest,
            identity: None,
        },
        GateSpec::Checks {
            required: vec![],
            allow_neutral: true,
            allow_skipped: true,
        },
    ] {
        let r = evaluate(
            "QA",
            &gate(spec),
            &Fact::Unavailable("no file matches `x`".into()),
        );
        assert_eq!(r.result.status, GateStatus::Fail);
        assert_eq!(r.result.detail, "no file matches `x`");
    }
    let r = evaluate(
        "QA",
        &gate(GateSpec::Json {
            path: "x".into(),
            pointer: "".into(),
            max: None,
            min: None,
        }),
        &Fact::Json(1.0),
    );
    assert_eq!(r.result.status, GateStatus::Pass);
    let r = evaluate(
        "QA",
        &gate(GateSpec::Json {
            path: "x".into(),
            pointer: "".into(),
            max: None,
            min: None,
        }),
        &Fact::Checks(vec![]),
    );
    assert_eq!(
        r.result.status,
        GateStatus::Fail,
        "mismatched evidence never passes"
    );
}

#[test]
fn failing_junit_lists_its_cases() {
    let g = gate(GateSpec::Junit {
        key: TestsKey::Junit,
        paths: vec!["*.xml".into()],
        max_failures: 0,
        min_tests: 1,
        max_new_failures: None,
        quarantine: Vec::new(),
    });
    let r = evaluate("QA", &g, &junit(100, 3, 0));
    assert_eq!(r.findings.len(), 3);
    assert_eq!(r.findings_total, 3);
    assert_eq!(r.findings[0].title, "tests.test_calc::test_0");
    assert_eq!(r.findings[0].line, Some(14));
}
