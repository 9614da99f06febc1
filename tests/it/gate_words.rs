//! What the file-based gates say, through the binary: a `paths` list read as a union (a pattern
//! matching nothing is a warning while another matched), k6 metrics named explicitly, benchmark
//! figures in a unit that fits their size, SARIF annotations at each result's own level, and
//! counts with their plurals.

use crate::common::{Action, Run, Sim, fixture};

const APP: &str = "bookverse-inventory";

fn read(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).expect("fixture")
}

/// A run of a QA stage whose one gate is `gate` (YAML flow mapping), with `files` in the
/// workspace (workspace path, fixture path).
fn run_gate(gate: &str, files: &[(&str, &str)]) -> Run {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.input("version", "1.2.0").file(
        ".github/promotion-policy.yml",
        &format!("version: 1\nstages:\n  QA:\n    gates:\n      - name: g\n        {gate}\n"),
    );
    for (at, from) in files {
        a.file(at, &read(from));
    }
    a.run()
}

fn row(run: &Run) -> serde_json::Value {
    let gates: serde_json::Value = serde_json::from_str(run.out("gates")).expect("gates JSON");
    gates[0].clone()
}

#[test]
fn a_paths_list_is_a_union_and_names_the_patterns_that_matched_nothing() {
    let run = run_gate(
        "tests: { paths: [\"reports/junit/*.xml\", \"reports/legacy/**/*.xml\"], max-failures: 10 }",
        &[("reports/junit/pytest.xml", "junit/pytest-xunit2.xml")],
    );
    assert_eq!(run.code, 0, "{}", run.out("gates"));
    assert_eq!(row(&run)["status"], "pass");
    let warning = "gate `g`: no file matches `reports/legacy/**/*.xml` in `paths`; the gate read the 1 file its other patterns matched";
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::warning ") && l.contains(warning)),
        "{}",
        run.stdout
    );
    // Markdown-escaped in the summary.
    assert!(
        run.summary.contains(
            "no file matches \\`reports/legacy/\\*\\*/\\*.xml\\` in \\`paths\\`; the gate read the 1 file"
        ),
        "{}",
        run.summary
    );

    // The same for SARIF; and an empty union fails naming every pattern.
    let run = run_gate(
        "sarif: { paths: [\"reports/*.sarif\", \"scans/*.sarif\"], max-level: { error: 100 } }",
        &[("reports/bandit.sarif", "sarif/bandit.sarif")],
    );
    assert_eq!(run.code, 0, "{}", run.out("gates"));
    assert!(
        run.stdout
            .contains("no file matches `scans/*.sarif` in `paths`")
    );
    let run = run_gate(
        "tests: { paths: [\"reports/junit/*.xml\", \"reports/legacy/*.xml\"] }",
        &[],
    );
    assert_eq!(run.code, 1);
    let detail = row(&run)["detail"].as_str().expect("detail").to_string();
    assert!(
        detail.starts_with(
            "no file matches any of `reports/junit/*.xml`, `reports/legacy/*.xml`: check the path"
        ),
        "{detail}"
    );
}

#[test]
fn a_k6_metric_is_named_explicitly_and_an_ambiguous_one_is_refused() {
    let run = run_gate(
        "benchmark: { path: reports/k6.json, metric: p95, max: 1000 }",
        &[("reports/k6.json", "bench/k6-summary-export.json")],
    );
    assert_eq!(run.code, 1, "{}", run.out("gates"));
    let detail = row(&run)["detail"].as_str().expect("detail").to_string();
    assert!(
        detail.contains("metric `p95` is ambiguous in this k6 summary report")
            && detail.contains("e.g. `metric: http_req_duration:p95`")
            && detail.contains("iteration_duration:p95"),
        "{detail}"
    );
    // Named, the request time is what is gated (187.32 ms in the fixture), not the slowest
    // trend.
    let run = run_gate(
        "benchmark: { path: reports/k6.json, metric: \"http_req_duration:p95\", max: 200 }",
        &[("reports/k6.json", "bench/k6-summary-export.json")],
    );
    assert_eq!(run.code, 0, "{}", run.out("gates"));
    assert!(
        row(&run)["detail"].as_str().expect("detail")
            == "http_req_duration:p95 187.3 ms is within 200 ms",
        "{}",
        run.out("gates")
    );
}

#[test]
fn benchmark_figures_are_shown_in_a_unit_that_fits_their_size() {
    // pytest-benchmark's p95 of test_bench_sum is 8.503e-06 s (tests/fixtures/bench/
    // percentiles.txt), printed as `0.0000 s` before.
    let run = run_gate(
        "benchmark: { path: reports/bench.json, metric: p95, max: 0.001 }",
        &[("reports/bench.json", "bench/pytest-benchmark.json")],
    );
    assert_eq!(run.code, 0, "{}", run.out("gates"));
    let line = "QA · g: p95 8.503 µs (worst of 3: benchmarks/test_bench.py::test_bench_sum), needs ≤ 1 ms → pass";
    assert!(run.stdout.contains(line), "{}", run.stdout);
    assert!(!run.stdout.contains("0.0000 s"), "{}", run.stdout);
    assert!(run.summary.contains("8.503 µs"), "{}", run.summary);
}

#[test]
fn sarif_results_within_bounds_are_annotated_at_their_own_level() {
    // eslint's real output: 15 `error` results and one `warning` (no-var, src/math.js:13).
    let run = run_gate(
        "sarif: { paths: [\"reports/*.sarif\"], max-level: { error: 0, warning: 5 } }",
        &[("reports/eslint.sarif", "sarif/eslint.sarif")],
    );
    assert_eq!(run.code, 1, "{}", run.out("gates"));
    assert_eq!(row(&run)["detail"], "too many results: 15 errors (max 0)");
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.contains("title=no-var"))
        .collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(
        lines[0].starts_with("::warning file=") && lines[0].contains("src/math.js,line=13"),
        "a warning within its bound is no error: {}",
        lines[0]
    );
    let errors = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("::error file=") && l.contains("title=no-undef"))
        .count();
    assert_eq!(errors, 10, "errors stay errors, 10 shown: {}", run.stdout);

    // A warning that breaks its own bound is what fails the gate: an error.
    let run = run_gate(
        "sarif: { paths: [\"reports/*.sarif\"], max-level: { warning: 0 } }",
        &[("reports/eslint.sarif", "sarif/eslint.sarif")],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("::error file=") && l.contains("title=no-var")),
        "{}",
        run.stdout
    );
}

#[test]
fn counts_carry_their_plurals() {
    // Bazel's test.xml: one test, which errored.
    let run = run_gate(
        "tests: { paths: [\"reports/*.xml\"], max-failures: 1 }",
        &[(
            "reports/test.xml",
            "tests/public/junit-bazel-suite-logs.xml",
        )],
    );
    assert_eq!(run.code, 0, "{}", run.out("gates"));
    assert_eq!(row(&run)["detail"], "1 test, 1 failed");
    let run = run_gate(
        "sarif: { paths: [\"reports/*.sarif\"], max-level: { error: 1 } }",
        &[("reports/bandit.sarif", "sarif/bandit.sarif")],
    );
    assert_eq!(row(&run)["detail"], "too many results: 2 errors (max 1)");
    assert!(
        run.stdout
            .contains("g: too many results: 2 errors (max 1) → fail"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(
            "promotion to QA was blocked by a failed gate: g (too many results: 2 errors (max 1))"
        ),
        "{}",
        run.stdout
    );
}
