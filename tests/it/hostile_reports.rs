//! The hostile-input catalogue, reports: every gate that reads a file fails naming the file on
//! every hostile report, within bounds, and never reads outside the workspace.

use std::time::Instant;

use crate::common::{Action, Sim, fixture};
use crate::hostile::*;

// ------------------------------------------------------------------ reports

/// A report file: its name in the workspace and its bytes.
pub(crate) struct Report {
    pub(crate) class: &'static str,
    pub(crate) name: &'static str,
    pub(crate) bytes: Vec<u8>,
}

pub(crate) fn hostile_reports() -> Vec<Report> {
    let mut out: Vec<Report> = [
        "billion-laughs.xml",
        "deeply-nested.json",
        "empty.json",
        "empty.xml",
        "invalid-utf8.xml",
        "invalid.json",
        "json-as-xml.xml",
        "truncated.json",
        "truncated.xml",
        "undefined-entity.xml",
        "utf16-bom.xml",
        "xxe.xml",
    ]
    .iter()
    .map(|name| Report {
        class: name,
        name,
        bytes: std::fs::read(fixture(&format!("hostile/{name}"))).expect("fixture"),
    })
    .collect();
    let utf16 = |s: &str| -> Vec<u8> {
        let mut b = vec![0xFF, 0xFE];
        b.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        b
    };
    let mut junit_as_json = b"{\"testsuites\": ".to_vec();
    junit_as_json.extend(std::fs::read(fixture("junit/pytest-xunit2.xml")).expect("fixture"));
    out.extend([
        Report {
            class: "deeply nested XML",
            name: "nested.xml",
            bytes: format!("{}{}", "<a>".repeat(200_000), "</a>".repeat(200_000)).into_bytes(),
        },
        Report {
            class: "deeply nested JSON objects",
            name: "nested.json",
            bytes: format!("{}1{}", "{\"a\":".repeat(200_000), "}".repeat(200_000)).into_bytes(),
        },
        Report {
            class: "5 MB single line of garbage",
            name: "garbage.txt",
            bytes: "ab<c\"d{e[".repeat(600_000).into_bytes(),
        },
        Report {
            class: "5 MB JSON string",
            name: "long-string.json",
            bytes: format!("{{\"a\": \"{}\"}}", "x".repeat(5_000_000)).into_bytes(),
        },
        Report {
            class: "invalid UTF-8 JSON",
            name: "bad-utf8.json",
            bytes: b"{\"a\": \"\xff\xfe\xc0\x80\"}".to_vec(),
        },
        Report {
            class: "UTF-16 JSON",
            name: "utf16.json",
            bytes: utf16("{\"runs\": [], \"version\": \"2.1.0\", \"a\": 1}"),
        },
        Report {
            class: "external parameter entity",
            name: "param-entity.xml",
            bytes: b"<?xml version=\"1.0\"?>\n<!DOCTYPE t [<!ENTITY % x SYSTEM \"file:///etc/passwd\"> %x;]>\n<testsuite tests=\"1\"/>".to_vec(),
        },
        Report {
            class: "quadratic blowup",
            name: "quadratic.xml",
            bytes: format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE t [<!ENTITY a \"{}\">]>\n<testsuite name=\"{}\"/>",
                "x".repeat(50_000),
                "&a;".repeat(50_000)
            )
            .into_bytes(),
        },
        Report {
            class: "NUL bytes",
            name: "zeros.xml",
            bytes: vec![0; 100_000],
        },
        Report {
            class: "SARIF where another format is expected",
            name: "bandit.sarif",
            bytes: std::fs::read(fixture("sarif/bandit.sarif")).expect("fixture"),
        },
        Report {
            class: "JUnit where another format is expected",
            name: "junit.xml",
            bytes: std::fs::read(fixture("junit/pytest-xunit2.xml")).expect("fixture"),
        },
        Report {
            class: "LCOV where another format is expected",
            name: "coverage.lcov",
            bytes: std::fs::read(fixture("coverage/coverage-py.lcov")).expect("fixture"),
        },
        Report {
            class: "JUnit wrapped in JSON",
            name: "junit-in.json",
            bytes: junit_as_json,
        },
        Report {
            class: "numbers out of range",
            name: "huge-numbers.xml",
            bytes: b"<testsuite tests=\"99999999999999999999999\" failures=\"-1\" errors=\"1e309\"><testcase name=\"a\"/></testsuite>".to_vec(),
        },
    ]);
    out
}

/// Gate kinds under test: (policy gate YAML for `reports/<name>`, gate name, formats it reads).
pub(crate) fn gate_yaml(kind: &str, file: &str) -> String {
    let body = match kind {
        "junit" => {
            format!("junit:\n          paths: [\"reports/{file}\"]\n          max-failures: 0")
        }
        "coverage" => format!("coverage:\n          path: reports/{file}\n          min-line: 1"),
        "sarif" => format!(
            "sarif:\n          paths: [\"reports/{file}\"]\n          max-level: {{ error: 0 }}"
        ),
        "json" => format!(
            "json:\n          path: reports/{file}\n          pointer: /a\n          max: 1"
        ),
        "benchmark" => {
            format!(
                "benchmark:\n          path: reports/{file}\n          metric: mean\n          max: 1"
            )
        }
        other => panic!("unknown gate kind {other}"),
    };
    format!(
        "version: 1\nstages:\n  QA:\n    gates:\n      - name: hostile {kind}\n        {body}\n"
    )
}

/// Whether a hostile report may legitimately satisfy a gate of `kind`.
fn may_pass(kind: &str, class: &str) -> bool {
    matches!(
        (kind, class),
        ("junit", "JUnit where another format is expected")
            // Header counts are ignored (they lie); the one test case present passed.
            | ("junit", "numbers out of range")
            | ("coverage", "LCOV where another format is expected")
            | ("sarif", "SARIF where another format is expected")
    )
}

fn report_case(kind: &str, r: &Report) -> Result<(), String> {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.fast()
        .input("version", "1.2.0")
        .file(POLICY, &gate_yaml(kind, r.name));
    let path = a.workspace().join("reports").join(r.name);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, &r.bytes).expect("write report");
    let started = Instant::now();
    let run = a.run();
    let what = format!("{kind} gate on {}", r.class);
    sane(&run).map_err(|e| format!("{what}: {e}"))?;
    if started.elapsed() > WALL {
        return Err(format!("{what}: took {:?}", started.elapsed()));
    }
    if run.code == 0 && may_pass(kind, r.class) {
        return Ok(());
    }
    if run.code != 1 || run.out("result") != "blocked" {
        return Err(format!(
            "{what}: exit {} result {} (expected 1 blocked)\n{}",
            run.code,
            run.out("result"),
            run.stdout
        ));
    }
    let gates: serde_json::Value =
        serde_json::from_str(run.out("gates")).map_err(|e| format!("{what}: gates: {e}"))?;
    let gate = &gates[0];
    if gate["status"] != "fail" {
        return Err(format!("{what}: gate {gate}"));
    }
    let detail = gate["detail"].as_str().unwrap_or_default();
    if !detail.contains(r.name) && !may_pass(kind, r.class) {
        return Err(format!(
            "{what}: the gate detail does not name the file: {detail}"
        ));
    }
    if detail.contains("root:x:") || run.stdout.contains("root:x:") {
        return Err(format!("{what}: /etc/passwd leaked"));
    }
    if run.out("failed-gates") != format!("hostile {kind}") {
        return Err(format!("{what}: failed-gates {}", run.out("failed-gates")));
    }
    if sim.sim.promotions_applied() != 0 || run.out("to-stage") != "bookverse-DEV" {
        return Err(format!("{what}: promoted past a failed gate"));
    }
    Ok(())
}

fn reports_catalogue(kind: &str) {
    let mut failures = Vec::new();
    for r in hostile_reports() {
        if let Err(e) = report_case(kind, &r) {
            failures.push(e);
        }
    }
    fail_all(failures);
}

#[test]
fn hostile_reports_fail_the_junit_gate_naming_the_file() {
    reports_catalogue("junit");
}

#[test]
fn hostile_reports_fail_the_coverage_gate_naming_the_file() {
    reports_catalogue("coverage");
}

#[test]
fn hostile_reports_fail_the_sarif_gate_naming_the_file() {
    reports_catalogue("sarif");
}

#[test]
fn hostile_reports_fail_the_json_gate_naming_the_file() {
    reports_catalogue("json");
}

#[test]
fn hostile_reports_fail_the_benchmark_gate_naming_the_file() {
    reports_catalogue("benchmark");
}

#[test]
fn report_symlinked_outside_the_workspace_is_not_echoed() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(POLICY, &gate_yaml("junit", "passwd.xml"));
    std::fs::create_dir_all(a.workspace().join("reports")).expect("mkdir");
    std::os::unix::fs::symlink("/etc/passwd", a.workspace().join("reports/passwd.xml"))
        .expect("symlink");
    let run = a.run();
    sane(&run).unwrap();
    assert_eq!(run.code, 1, "{}", run.stdout);
    for text in [&run.stdout, &run.summary, run.out("gates")] {
        assert!(!text.contains("root:x:"), "/etc/passwd leaked:\n{text}");
    }
}

/// The 6.6 MB single-line SARIF log is valid: read fully, within bounds, no panic.
#[test]
fn five_megabyte_single_line_sarif_is_read_within_bounds() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(POLICY, &gate_yaml("sarif", "big.sarif"));
    std::fs::create_dir_all(a.workspace().join("reports")).expect("mkdir");
    std::fs::copy(
        fixture("hostile/single-line-5mb.sarif"),
        a.workspace().join("reports/big.sarif"),
    )
    .expect("copy");
    let started = Instant::now();
    let run = a.run();
    sane(&run).unwrap();
    assert!(started.elapsed() < WALL);
    assert!(matches!(run.code, 0 | 1), "{}", run.stdout);
    assert!(run.summary.len() < 1_000_000);
    let annotations = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error"))
        .count();
    assert!(
        annotations <= 11,
        "{annotations} annotations: findings are capped"
    );
}
