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
