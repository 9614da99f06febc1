//! Policy file errors as a workflow author meets them: every problem in one run, each an
//! annotation on its line and column; every unknown stage named; `validate` on the command
//! line (options, several files, each problem printed once); and the small words around them.

use std::path::Path;
use std::process::{Command, Output};

use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, ResponseTemplate};

use crate::common::{Action, Gh, Run, Sim};

const APP: &str = "bookverse-inventory";
const POLICY: &str = ".github/promotion-policy.yml";

/// Five mistakes of five kinds in three stages.
const FIVE_MISTAKES: &str = "\
version: 1
stages:
  QA:
    gates:
      - tests: { paths: a, min-tests: many }
      - coverage: { path: c.xml, min-lin: 80 }
  STAGING:
    approvals: { environment: staging, min: 0 }
  PROD:
    windows:
      - { days: [mon], start: \"09:00\", end: \"10:00\", timezone: Europe/Berln }
    hotfix: { skip: [widows] }
";

fn promote(sim: &Sim, policy: &str) -> Run {
    let mut a = Action::new(sim, APP);
    a.input("version", "1.2.0")
        .input("target-stage", "PROD")
        .file(POLICY, policy);
    a.run()
}

/// The `::error` lines of a run, each with its `line=`/`col=` when it has them.
fn errors(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect()
}

fn validate(args: &[&str], dir: &Path, actions: bool) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_promote-action"));
    cmd.arg("validate").args(args).current_dir(dir).env_clear();
    if actions {
        cmd.env("GITHUB_ACTIONS", "true");
    }
    cmd.output().expect("binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Item 5: five mistakes, five annotations in one run, each on its line and column of the
/// policy file; nothing is sent to JFrog but reads.
#[test]
fn five_mistakes_are_five_annotations_in_one_run() {
    let sim = Sim::start();
    let run = promote(&sim, FIVE_MISTAKES);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert_eq!(run.out("result"), "failed");
    let errors = errors(&run.stdout);
    let places: Vec<&str> = errors
        .iter()
        .filter_map(|l| l.split("::").nth(1))
        .map(|props| props.split(",title=").next().unwrap_or_default())
        .collect();
    assert_eq!(
        places,
        [
            "error file=.github/promotion-policy.yml,line=5,col=39",
            "error file=.github/promotion-policy.yml,line=6,col=34",
            "error file=.github/promotion-policy.yml,line=8,col=45",
            "error file=.github/promotion-policy.yml,line=11,col=64",
            "error file=.github/promotion-policy.yml,line=12,col=22",
        ],
        "{}",
        run.stdout
    );
    assert!(
        errors[3].contains("Did you mean `Europe/Berlin`?"),
        "{}",
        errors[3]
    );
    assert!(run.summary.contains("5 problems"), "{}", run.summary);
    assert!(sim.sim.requests().iter().all(|r| r.method == "GET"));
    assert_eq!(sim.sim.promotions_applied(), 0);
}

/// Item 5: a single problem is a single annotation, also with its line and column.
#[test]
fn one_mistake_is_one_annotation_on_its_line() {
    let sim = Sim::start();
    let run = promote(&sim, "version: 1\nstages:\n  QA:\n    gate: []\n");
    assert_eq!(run.code, 2, "{}", run.stdout);
    let errors = errors(&run.stdout);
    assert_eq!(errors.len(), 1, "{}", run.stdout);
    assert!(
        errors[0].starts_with("::error file=.github/promotion-policy.yml,line=4,col=5,title=promote-action%3A invalid policy file::"),
        "{}",
        errors[0]
    );
    assert!(errors[0].contains("Did you mean `gates`?"), "{}", errors[0]);
}

/// Item 5: at run time every stage the lifecycle lacks is named, each on its line.
#[test]
fn every_unknown_stage_is_named_at_run_time() {
    let sim = Sim::start();
    let run = promote(
        &sim,
        "version: 1\nstages:\n  QA: {}\n  STAGNG: {}\n  UAT: {}\n  PRD: {}\n",
    );
    assert_eq!(run.code, 2, "{}", run.stdout);
    let errors = errors(&run.stdout);
    assert_eq!(errors.len(), 3, "{}", run.stdout);
    for (e, (line, stage, hint)) in errors.iter().zip([
        (4, "STAGNG", "Did you mean `STAGING`?"),
        (5, "UAT", ""),
        (6, "PRD", "Did you mean `PROD`?"),
    ]) {
        assert!(e.contains(&format!(",line={line},col=3,")), "{e}");
        assert!(e.contains(&format!("unknown stage `{stage}`")), "{e}");
        assert!(e.contains(hint), "{e}");
    }
    assert_eq!(sim.sim.promotions_applied(), 0);
}

/// Item 6: `validate` checks every file given and says which are valid; the exit status is 2
/// when any is not.
#[test]
fn validate_checks_every_file_given() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("good.yml"),
        "version: 1\nstages:\n  QA: {}\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("bad.yml"), FIVE_MISTAKES).expect("write");
    let out = validate(&["good.yml", "bad.yml"], dir.path(), false);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(2), "{shown}");
    assert!(
        shown.contains("good.yml: valid (stages: QA; 0 gates)"),
        "{shown}"
    );
    assert!(shown.contains("bad.yml: invalid (5 problems)"), "{shown}");
    let out = validate(&["good.yml", "good.yml"], dir.path(), false);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// Item 6: options are options: `--help` prints help, an unknown one is a usage error, and
/// `--` ends them.
#[test]
fn validate_refuses_unknown_options_and_has_help() {
    let dir = tempfile::tempdir().expect("tmp");
    let help = validate(&["--help"], dir.path(), false);
    assert_eq!(help.status.code(), Some(0), "{}", text(&help));
    assert!(String::from_utf8_lossy(&help.stdout).contains("USAGE:"));
    assert!(!text(&help).contains("cannot read"), "{}", text(&help));

    let bad = validate(&["--strict", "p.yml"], dir.path(), false);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("unknown option `--strict`"), "{err}");
    assert!(
        err.contains("usage: promote-action validate [POLICY...]"),
        "{err}"
    );
    assert!(!err.contains("cannot read"), "{err}");

    let dashed = validate(&["--", "--help"], dir.path(), false);
    assert_eq!(dashed.status.code(), Some(2));
    assert!(text(&dashed).contains("cannot read policy file `--help`"));
}

/// Item 6: in a terminal each problem is printed once (not once as an annotation and again as
/// text); under Actions, once as an annotation with line and column.
#[test]
fn validate_prints_each_problem_once() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("p.yml"), FIVE_MISTAKES).expect("write");
    let needle = "unknown hotfix skip entry `widows`";
    let terminal = validate(&["p.yml"], dir.path(), false);
    let shown = text(&terminal);
    assert_eq!(shown.matches(needle).count(), 1, "{shown}");
    assert!(!shown.contains("::error"), "{shown}");

    let actions = validate(&["p.yml"], dir.path(), true);
    let shown = text(&actions);
    assert_eq!(shown.matches(needle).count(), 1, "{shown}");
    assert_eq!(
        shown.matches("::error file=p.yml,line=").count(),
        5,
        "{shown}"
    );
    assert!(
        shown.contains("::error file=p.yml,line=12,col=22,"),
        "{shown}"
    );
}

/// Item 5: stage names that look like misspellings of each other are warnings (exit 0).
#[test]
fn validate_warns_about_stage_names_that_look_like_typos() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("p.yml"),
        "version: 1\nstages:\n  STAGING: {}\n  STAGNG: {}\n",
    )
    .expect("write");
    let out = validate(&["p.yml"], dir.path(), true);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("::warning file=p.yml,line=4,col=3,")
            && shown.contains("stage `STAGNG` looks like a misspelling of `STAGING`"),
        "{shown}"
    );
}

/// Item 11: an unknown time zone gets a suggestion, like an unknown key does.
#[test]
fn time_zones_get_a_did_you_mean() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("p.yml"),
        "version: 1\nstages:\n  PROD:\n    freezes:\n      - { rrule: FREQ=DAILY, duration: 1h, timezone: America/New York, reason: x }\n",
    )
    .expect("write");
    let shown = text(&validate(&["p.yml"], dir.path(), false));
    assert!(
        shown.contains("Did you mean `America/New_York`?"),
        "{shown}"
    );
}

/// Item 11: a message ending in a question is not given a full stop ("did you mean `QA`?.").
#[test]
fn a_suggestion_is_not_followed_by_a_full_stop() {
    let sim = Sim::start();
    let mut a = Action::new(&sim, APP);
    let run = a
        .input("version", "1.2.0")
        .input("target-stage", "QAA")
        .run();
    assert_eq!(run.code, 2, "{}", run.stdout);
    let error = errors(&run.stdout).join("\n");
    assert!(
        error.contains("did you mean `QA`? The version is in DEV."),
        "{error}"
    );
    assert!(!run.stdout.contains("?."), "{}", run.stdout);
}

/// Item 11: action.yml describes the check run by the name the action gives it.
#[test]
fn action_yml_names_the_check_run_as_the_action_does() {
    let sim = Sim::start();
    let gh = Gh::start();
    gh.mount(
        Mock::given(method("POST"))
            .and(path_regex("/check-runs$"))
            .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": 7}))),
    );
    gh.mount(
        Mock::given(method("PATCH"))
            .and(path_regex("/check-runs/7$"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": 7}))),
    );
    let mut a = Action::new(&sim, APP);
    let run = a
        .input("version", "1.2.0")
        .input("check-run", "true")
        .input("github-token", "ghs_check_run_token")
        .env("GITHUB_API_URL", &gh.server.uri())
        .run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    let created = gh
        .requests()
        .into_iter()
        .find(|r| r.method.as_str() == "POST")
        .expect("a check run was created");
    let body: serde_json::Value = serde_json::from_slice(&created.body).expect("JSON");
    let name = body["name"].as_str().expect("name");
    assert_eq!(name, "promotion: QA");
    let template = name.replace("QA", "<stage>");
    let action_yml =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
            .expect("action.yml");
    let description = action_yml
        .lines()
        .skip_while(|l| l.trim() != "check-run:")
        .find(|l| l.trim_start().starts_with("description:"))
        .expect("check-run description");
    assert!(description.contains(&template), "{description}");
}
