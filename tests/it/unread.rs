//! Every failure explained where the reviewer looks (issue 21, item 4): a gate with no evidence
//! — a truncated JUnit file, an HTML report, an empty file, a glob matching nothing, a JSON
//! pointer that does not resolve — says why in the job summary, in the final `::error` (whole,
//! never cut with "…") and in an `::error file=…` annotation on the report it is about.

use crate::common::{Action, Run, Sim, fixture};

const APP: &str = "bookverse-inventory";

const POLICY: &str = r#"version: 1
stages:
  QA:
    gates:
      - name: unit tests
        tests: { paths: ["reports/junit/pytest.xml"] }
      - name: html as tests
        tests: { paths: ["reports/htmlcov/index.html"] }
      - name: coverage
        coverage: { path: reports/coverage.xml, min-line: 80 }
      - name: security scan
        sarif: { paths: ["reports/*.sarif"], max-level: { error: 0 } }
      - name: benchmark budget
        json: { path: reports/bench.json, pointer: /benchmarks/0/stats/p95, max: 0.5 }
"#;

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).expect("fixture")
}

fn run_unreadable() -> (Sim, Action, Run) {
    let sim = Sim::start();
    let junit = read("junit/pytest-xunit2.xml");
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0")
        .file(".github/promotion-policy.yml", POLICY)
        // A report cut short, as by a crashed step or a full disk.
        .file("reports/junit/pytest.xml", &junit[..junit.len() / 2])
        .file(
            "reports/htmlcov/index.html",
            &read("hostile/coverage-html-index.html"),
        )
        .file("reports/coverage.xml", &read("hostile/empty.xml"))
        .file("reports/bench.json", &read("bench/pytest-benchmark.json"));
    let run = a.run();
    (sim, a, run)
}

#[test]
fn the_summary_says_why_each_gate_had_no_evidence() {
    let (_sim, a, run) = run_unreadable();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(
        run.out("failed-gates"),
        "unit tests,html as tests,coverage,security scan,benchmark budget"
    );
    let s = &run.summary;
    assert!(s.contains("**Why there is no evidence:**"), "{s}");
    for why in [
        "- **unit tests**: reports/junit/pytest.xml is not valid test results:",
        "- **html as tests**: reports/htmlcov/index.html is not test results in a known format",
        "the root element is &lt;html&gt;",
        "- **coverage**: reports/coverage.xml is not valid coverage report: the file is empty",
        "- **security scan**: no file matches \\`reports/\\*.sarif\\`",
        "- **benchmark budget**: reports/bench.json: JSON pointer \\`/benchmarks/0/stats/p95\\` does not resolve",
    ] {
        assert!(s.contains(why), "missing {why:?} in\n{s}");
    }
    // The workspace is the runner's business: reasons name files as the repository does.
    let workspace = a.workspace().display().to_string();
    assert!(!s.contains(&workspace), "{s}");
    assert!(
        !run.out("gates").contains(&workspace),
        "{}",
        run.out("gates")
    );
}

#[test]
fn each_unreadable_report_gets_an_annotation_on_its_file() {
    let (_sim, _a, run) = run_unreadable();
    let annotations: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error file="))
        .collect();
    for (file, gate) in [
        ("reports/junit/pytest.xml", "unit tests"),
        ("reports/htmlcov/index.html", "html as tests"),
        ("reports/coverage.xml", "coverage"),
        // No file matched: the glob to fix is in the policy.
        (".github/promotion-policy.yml", "security scan"),
        ("reports/bench.json", "benchmark budget"),
    ] {
        let want = format!("::error file={file},title=QA · {gate}%3A no evidence::");
        assert!(
            annotations.iter().any(|l| l.starts_with(&want)),
            "no {want:?} in\n{}",
            run.stdout
        );
    }
    // In gate order, before anything else is annotated.
    assert!(
        annotations[0].starts_with("::error file=reports/junit/pytest.xml,"),
        "{annotations:?}"
    );
}

#[test]
fn the_final_error_lists_every_reason_whole() {
    let (_sim, _a, run) = run_unreadable();
    let error = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error title=promote-action%3A blocked::"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(!error.contains('…'), "{error}");
    assert!(
        error.contains("blocked by 5 failed gates; the version stays in DEV:%0A- unit tests: reports/junit/pytest.xml is not valid test results"),
        "{error}"
    );
    // The longest reason, whole: the list of formats tried and the fix.
    assert!(
        error.contains("Dart/Flutter JSON): the root element is <html>; point the gate at the right report%0A- coverage:"),
        "{error}"
    );
    assert!(
        error.ends_with("- benchmark budget: reports/bench.json: JSON pointer `/benchmarks/0/stats/p95` does not resolve: no key `p95` in `/benchmarks/0/stats` (keys there: min, max, mean, stddev, rounds, median, iqr, q1, q3, iqr_outliers, stddev_outliers, outliers, ld15iqr, hd15iqr, ops, total, data, iterations); fix the pointer in the policy"),
        "{error}"
    );
}
