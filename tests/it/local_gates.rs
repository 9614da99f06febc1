//! `promote-action gates`: one stage's file-based gates judged in a fresh directory holding the
//! demo's policy and reports, with no JFrog and no GitHub — exit 0 on the passing reports, 1 on
//! the failing ones, 2 for what the user must fix.

use std::path::Path;
use std::process::{Command, Output};

/// A fresh directory laid out like a clone: the demo's policy and the reports of `reports`
/// (`demo/reports` or `demo/failing`).
fn clone_with(reports: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo");
    let policy = dir.path().join(".github/promotion-policy.yml");
    std::fs::create_dir_all(policy.parent().expect("parent")).expect("mkdir");
    std::fs::copy(demo.join("promotion-policy.yml"), &policy).expect("policy");
    for rel in [
        "junit/pytest.xml",
        "coverage.xml",
        "bandit.sarif",
        "bench.json",
    ] {
        let to = dir.path().join("reports").join(rel);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(demo.join(reports).join(rel), to).expect("report");
    }
    dir
}

fn gates(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_promote-action"));
    cmd.env_clear().current_dir(dir).arg("gates").args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("binary runs")
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_demo_reports_pass_qa_with_one_line_per_gate() {
    let dir = clone_with("reports");
    let run = gates(dir.path(), &["--stage", "QA"], &[]);
    let (out, err) = text(&run);
    assert_eq!(run.status.code(), Some(0), "{out}\n{err}");
    let lines: Vec<&str> = out.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(
        lines[0].starts_with(
            "QA · soaked in DEV: not judged locally: needs the version's promotion history"
        ) && lines[0].ends_with("→ skip"),
        "{out}"
    );
    assert!(
        lines[1].starts_with("QA · unit tests: 0 failed of 8") && lines[1].ends_with("→ pass"),
        "{out}"
    );
    assert!(
        lines[2].starts_with("QA · coverage: line 100.0 %") && lines[2].ends_with("→ pass"),
        "{out}"
    );
    assert!(
        lines[3].starts_with(
            "QA · signed test evidence: not judged locally: needs the version's evidence in JFrog"
        ) && lines[3].ends_with("→ skip"),
        "{out}"
    );
    assert!(
        out.contains("## ✅ QA would pass its file-based gates"),
        "{out}"
    );
    assert!(
        out.contains("| unit tests | junit | 0 failed of 8 |"),
        "{out}"
    );
}

#[test]
fn the_failing_reports_are_blocked_at_qa_and_annotated_under_actions() {
    let dir = clone_with("failing");
    let run = gates(dir.path(), &["--stage", "qa"], &[]);
    let (out, err) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{out}\n{err}");
    assert!(
        out.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("QA · unit tests: 1 test failed")),
        "the bake gate is skipped first, then the unit tests fail: {out}"
    );
    assert!(
        out.contains("## ❌ QA would be blocked by unit tests"),
        "{out}"
    );
    let summary = dir.path().join("summary.md");
    let run = gates(
        dir.path(),
        &[
            "--stage",
            "bookverse-QA",
            "--policy",
            ".github/promotion-policy.yml",
        ],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf-8 path")),
        ],
    );
    let (out, _) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{out}");
    assert!(
        out.contains("::error title=QA · unit tests::1 test failed"),
        "{out}"
    );
    assert!(
        !out.contains("## "),
        "the table goes to the summary file: {out}"
    );
    let written = std::fs::read_to_string(&summary).expect("summary appended");
    assert!(
        written.starts_with("## ❌ QA would be blocked by unit tests"),
        "{written}"
    );
    assert!(
        written.contains("| unit tests | junit | 1 failed of 9 |"),
        "{written}"
    );
}

#[test]
fn another_stage_judges_its_own_reports_and_skips_what_needs_apptrust() {
    // STAGING judges the SARIF and the benchmark: the failing demo's shell injection blocks it.
    let dir = clone_with("failing");
    let run = gates(dir.path(), &["--stage", "STAGING"], &[]);
    let (out, _) = text(&run);
    assert_eq!(run.status.code(), Some(1), "{out}");
    assert!(
        out.starts_with("STAGING · security scan: too many results: 1 error (max 0) → fail"),
        "{out}"
    );
    assert!(out.contains("STAGING · performance: mean"), "{out}");
    assert!(
        out.contains("STAGING · artifact integrity: not judged locally: needs the version's content from AppTrust"),
        "{out}"
    );
}

/// (arguments, what stderr says)
#[test]
fn what_the_user_must_fix_exits_2_saying_what() {
    let dir = clone_with("reports");
    let table: &[(&[&str], &str)] = &[
        (
            &["--stage", "UAT"],
            "has no stage `UAT`; valid stages: `QA`, `STAGING`, `PROD`",
        ),
        (&[], "`--stage` is required"),
        (
            &["--stage", "QA", "--jfrog-url", "x"],
            "unknown option `--jfrog-url`",
        ),
        (
            &["--stage", "QA", "--policy", "missing.yml"],
            "cannot read policy file `missing.yml`",
        ),
    ];
    for (args, says) in table {
        let run = gates(dir.path(), args, &[]);
        let (out, err) = text(&run);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {out}{err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    std::fs::write(
        dir.path().join("bad.yml"),
        "version: 1\nstages:\n  QA:\n    gates:\n      - tests: {}\n",
    )
    .expect("write");
    let run = gates(dir.path(), &["--stage", "QA", "--policy", "bad.yml"], &[]);
    let (_, err) = text(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.starts_with("bad.yml: error:"), "{err}");
    let run = gates(dir.path(), &["--help"], &[]);
    let (out, _) = text(&run);
    assert_eq!(run.status.code(), Some(0));
    assert!(
        out.contains("promote-action gates --stage STAGE [--policy FILE]"),
        "{out}"
    );
}
