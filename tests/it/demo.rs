//! `promote-action demo` as a newcomer meets it (issue 21, item 12): `--help` helps, the record
//! is where the printed path says, a workflow step's summary and outputs files are honoured, and
//! the demo key's masking lines are printed only under GitHub Actions.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use promote_action::report::outputs;

/// The binary with only `vars` (and PATH) set: what a newcomer's clean shell gives it.
fn demo(args: &[&str], vars: &[(&str, &Path)], extra: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_promote-action"));
    cmd.env_clear().arg("demo").args(args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.output().expect("binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// `name = value` lines the demo prints under its outputs ruler.
fn printed_outputs(text: &str) -> BTreeMap<String, String> {
    text.split("──────── outputs ────────")
        .nth(1)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn demo_help_prints_help_and_runs_nothing() {
    let tmp = tempfile::tempdir().expect("tmp");
    for flag in ["--help", "-h"] {
        let o = demo(&[flag], &[("TMPDIR", tmp.path())], &[]);
        let text = stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{text}");
        assert!(
            text.contains("USAGE:\n    promote-action demo [--failing | --failing-verify | --identity-mismatch]"),
            "{text}"
        );
        assert!(!text.contains("AppTrust simulator on http://"), "{text}");
    }
    assert_eq!(std::fs::read_dir(tmp.path()).expect("tmp").count(), 0);
    let o = demo(&["--falling"], &[("TMPDIR", tmp.path())], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("unknown option `--falling`"),
        "{o:?}"
    );
}

#[test]
fn in_a_terminal_the_record_is_kept_and_no_mask_lines_are_printed() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = demo(&[], &[("TMPDIR", tmp.path())], &[]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    // The demo key is public, but a terminal showing it line by line as `::add-mask::` reads
    // like a leaked private key, and nothing there masks anything.
    assert!(!text.contains("::add-mask::"), "{text}");
    assert!(!text.contains("PRIVATE KEY"), "{text}");
    let printed = printed_outputs(&text);
    assert_eq!(printed["result"], "released");
    let record = Path::new(&printed["record"]);
    assert!(record.starts_with(tmp.path()), "{}", record.display());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(record).expect("the record is kept"))
            .expect("record JSON");
    assert_eq!(json["outcome"]["result"], "released");
    assert!(
        text.contains(&format!("record `{}`", record.display())),
        "the summary names the same file"
    );
}

#[test]
fn as_a_workflow_step_the_runner_files_and_masks_are_honoured() {
    let tmp = tempfile::tempdir().expect("tmp");
    let runner_temp = tmp.path().join("runner-temp");
    std::fs::create_dir(&runner_temp).expect("mkdir");
    let summary = tmp.path().join("step-summary.md");
    let output = tmp.path().join("output");
    std::fs::write(&summary, "earlier step\n").expect("write");
    let o = demo(
        &["--failing"],
        &[
            ("TMPDIR", tmp.path()),
            ("RUNNER_TEMP", &runner_temp),
            ("GITHUB_STEP_SUMMARY", &summary),
            ("GITHUB_OUTPUT", &output),
        ],
        &[("GITHUB_ACTIONS", "true")],
    );
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains("::add-mask::"), "{text}");
    let written = std::fs::read_to_string(&summary).expect("summary appended");
    assert!(
        written.starts_with("earlier step\n## ⛔ bookverse-inventory 1.2.0 blocked before QA"),
        "{written}"
    );
    let values: BTreeMap<String, String> =
        outputs::parse(&std::fs::read_to_string(&output).expect("outputs appended"))
            .expect("outputs parse")
            .into_iter()
            .collect();
    assert_eq!(values["result"], "blocked");
    let record = Path::new(&values["record"]);
    assert!(record.starts_with(&runner_temp), "{}", record.display());
    assert!(record.is_file(), "{}", record.display());
}

#[test]
fn the_demo_shows_live_gates_and_failing_verify_reverts() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = demo(&[], &[("TMPDIR", tmp.path())], &[]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    // A bake time and a health check against the simulator, and the watch of PROD.
    assert!(text.contains("QA · soaked in DEV: "), "{text}");
    assert!(
        text.contains("STAGING · QA health: /status = \"ok\""),
        "{text}"
    );
    assert!(
        text.contains("[10/10 at 10m] PROD · verify: 5xx ratio: 0.002, needs ≤ 0.01 → pass"),
        "{text}"
    );
    assert!(
        text.contains("| verify: PROD health | health | HTTP 200 | HTTP 200 |"),
        "{text}"
    );

    let o = demo(&["--failing-verify"], &[("TMPDIR", tmp.path())], &[]);
    let text = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "## ↩️ bookverse-inventory 1.2.0 reverted: PROD verification failed 3m into the watch; back in STAGING"
        ),
        "{text}"
    );
    let printed = printed_outputs(&text);
    assert_eq!(printed["result"], "reverted");
    assert_eq!(printed["to-stage"], "bookverse-STAGING");
    assert_eq!(printed["failed-gates"], "verify: 5xx ratio");
    let record: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&printed["record"]).expect("the record is kept"),
    )
    .expect("record JSON");
    assert_eq!(record["outcome"]["verification"][0]["ended"], "failed");
    assert_eq!(record["outcome"]["verification"][0]["at"], "3m");
}
