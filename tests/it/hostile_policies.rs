//! The hostile-input catalogue, policy files: every broken, huge, deep or escaping policy file
//! exits 2 naming the file, quickly, and never echoes what it should not.

use std::time::{Duration, Instant};

use crate::common::{Action, Run, Sim};
use crate::hostile::*;

// ------------------------------------------------------------------ policy files

pub(crate) fn hostile_policies() -> Vec<(&'static str, String)> {
    let gate = |extra: &str| {
        format!(
            "version: 1\nstages:\n  QA:\n    gates:\n      - coverage:\n          path: reports/coverage.xml\n{extra}"
        )
    };
    let laughs = {
        let mut s = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (i, c) in ('b'..='j').enumerate() {
            let prev = (b'a' + i as u8) as char;
            s.push_str(&format!(
                "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        s.push_str("version: 1\nstages: {}\n");
        s
    };
    vec![
        ("not YAML", "version: 1\nstages: [\n  : : :\n\t- }".into()),
        ("empty", String::new()),
        ("binary", "\u{0}\u{1}\u{2}\u{7f}PK\u{3}\u{4}".into()),
        ("a list", "- 1\n- 2\n".into()),
        ("unknown top-level key", "version: 1\nstages: {}\nstagess: {}\n".into()),
        (
            "unknown gate key",
            gate("          min-lines: 80\n"),
        ),
        ("wrong version", "version: 99\nstages: {}\n".into()),
        ("stages is a number", "version: 1\nstages: 5\n".into()),
        ("gates is a string", "version: 1\nstages:\n  QA:\n    gates: junit\n".into()),
        ("threshold is a string", gate("          min-line: eighty\n")),
        ("threshold -1", gate("          min-line: -1\n")),
        ("threshold 101", gate("          min-line: 101\n")),
        ("threshold 1e309", gate("          min-line: 1e309\n")),
        ("threshold NaN", gate("          min-line: .nan\n")),
        ("threshold inf", gate("          min-line: .inf\n")),
        (
            "negative max-failures",
            "version: 1\nstages:\n  QA:\n    gates:\n      - junit:\n          paths: [a.xml]\n          max-failures: -1\n".into(),
        ),
        (
            "NaN json bound",
            "version: 1\nstages:\n  QA:\n    gates:\n      - json:\n          path: a.json\n          pointer: /a\n          max: .nan\n".into(),
        ),
        (
            "duplicate stage key",
            "version: 1\nstages:\n  QA:\n    gates: []\n  QA:\n    gates: []\n".into(),
        ),
        (
            "duplicate stage by full name",
            "version: 1\nstages:\n  QA:\n    gates: []\n  bookverse-QA:\n    gates: []\n".into(),
        ),
        ("unknown stage", "version: 1\nstages:\n  UAT:\n    gates: []\n".into()),
        ("billion laughs (aliases)", laughs),
        ("deep nesting", format!("version: 1\nstages: {}{}\n", "[".repeat(10_000), "]".repeat(10_000))),
        ("tab indentation", "version: 1\nstages:\n\tQA: {}\n".into()),
        ("bad timezone", "version: 1\nstages:\n  PROD:\n    windows:\n      - days: [mon]\n        start: \"09:00\"\n        end: \"10:00\"\n        timezone: Mars/Olympus\n".into()),
        ("window end before start", "version: 1\nstages:\n  PROD:\n    windows:\n      - days: [mon]\n        start: \"25:00\"\n        end: \"-1:00\"\n        timezone: UTC\n".into()),
        ("injection in a key", "version: 1\nstages:\n  \"QA\\n::error::x\":\n    gates: []\n".into()),
    ]
}

/// The action run with `text` as its policy file: the simulator (for what it was sent), the
/// run, and how long the run took.
fn run_with_policy(text: &str) -> (Sim, Run, Duration) {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    a.fast()
        .input("version", "1.2.0")
        .input("target-stage", "PROD")
        .input("policy", POLICY)
        .file(POLICY, text);
    let started = Instant::now();
    let run = a.run();
    (sim, run, started.elapsed())
}

fn policy_case(class: &str, text: &str) -> Result<(), String> {
    let (sim, run, took) = run_with_policy(text);
    let what = format!("policy {class}");
    sane(&run).map_err(|e| format!("{what}: {e}"))?;
    if run.code != 2 {
        return Err(format!(
            "{what}: exit {} (expected 2)\n{}",
            run.code,
            &run.stdout[..run.stdout.len().min(2000)]
        ));
    }
    let error = run
        .stdout
        .lines()
        .find(|l| l.starts_with("::error"))
        .unwrap_or_default();
    if !error.contains(POLICY) {
        return Err(format!("{what}: the error does not name {POLICY}: {error}"));
    }
    if sim.sim.requests().iter().any(|r| r.method != "GET") || sim.sim.promotions_applied() != 0 {
        return Err(format!("{what}: a policy error changed something"));
    }
    if took > WALL {
        return Err(format!("{what}: took {took:?}"));
    }
    Ok(())
}

#[test]
fn hostile_policy_files_exit_2_naming_the_file() {
    let mut failures = Vec::new();
    for (class, text) in hostile_policies() {
        if let Err(e) = policy_case(class, &text) {
            failures.push(e);
        }
    }
    fail_all(failures);
}

/// 1 MB of policy: 12,500 gates. Accepted today, and each is evaluated (tens of seconds).
fn megabyte_policy() -> String {
    format!(
        "version: 1\nstages:\n  QA:\n    gates:\n{}",
        "      - junit:\n          paths: [\"reports/junit/**/*.xml\"]\n          max-failures: 0\n"
            .repeat(1_000_000 / 80)
    )
}

#[test]
fn megabyte_policy_exits_2_naming_the_file() {
    policy_case("1 MB", &megabyte_policy()).unwrap();
}

#[test]
fn deeply_nested_policy_exits_2_quickly() {
    let text = format!(
        "version: 1\nstages: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    policy_case("100k levels of nesting", &text).unwrap();
}

#[test]
fn policy_outside_the_workspace_is_not_echoed() {
    let sim = Sim::start();
    for path in [
        "../../../../../../etc/passwd",
        "/etc/passwd",
        "/proc/self/environ",
    ] {
        let run = Action::new(&sim, APP)
            .input("version", "1.2.0")
            .input("policy", path)
            .run();
        sane(&run).unwrap();
        assert_eq!(run.code, 2, "{path}: {}", run.stdout);
        assert!(
            !run.stdout.contains("root:x:") && !run.summary.contains("root:x:"),
            "{path}: file content echoed\n{}",
            run.stdout
        );
        assert!(
            !run.stdout.contains("INPUT_ACCESS-TOKEN"),
            "{path}: environment echoed"
        );
    }
    assert_eq!(sim.sim.promotions_applied(), 0);
}

/// A policy file with two mistakes: the job summary shows them one per line, under the line
/// naming the file (they ran together on one line).
#[test]
fn two_policy_mistakes_are_two_lines_of_the_summary() {
    let (_sim, run, _) = run_with_policy(
        "version: 1\nstages:\n  QA:\n    gates:\n      - tests: { paths: a, min-tests: many }\n      - coverage: { path: c.xml, min-lin: 80 }\n",
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    let lines: Vec<&str> = run.summary.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("**Error:**"))
        .unwrap_or_else(|| panic!("no error in the summary:\n{}", run.summary));
    assert!(
        lines[at].ends_with(&format!("{POLICY}: 2 problems:")),
        "{}",
        lines[at]
    );
    for (n, key) in [(1, "min-tests"), (2, "min-lin")] {
        let line = lines.get(at + 1 + n).copied().unwrap_or_default();
        assert!(
            line.starts_with(&format!("- {n}\\. ")) && line.contains(key),
            "problem {n} is not a line of its own:\n{}",
            run.summary
        );
    }
}
