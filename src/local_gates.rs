//! `promote-action gates --stage STAGE [--policy FILE] [--application APP]`: would this pass?
//!
//! Judges the file-based gates of one stage (tests, coverage, SARIF, benchmarks, JSON values)
//! on the reports in the current directory, with no JFrog and no GitHub — in a pull request
//! ("would this pass QA?") or on a developer's machine. The gates that need JFrog or GitHub
//! (`checks`, `integrity`, `evidence`, …) are shown skipped, saying what they need. Prints the
//! same per-gate lines as a promotion and the same gate table as its job summary (appended to
//! `$GITHUB_STEP_SUMMARY` when set, else to stdout). Exit 0 pass, 1 fail, 2 error.

use std::io::Write;
use std::path::Path;

use crate::action::report_files::{Workspace, read_reports};
use crate::gates::facts::Fact;
use crate::gates::{self, GateStatus, StageVerdict};
use crate::lifecycle::Lifecycle;
use crate::policy::{GateSpec, Policy, StagePolicy};
use crate::report::commands::{self, Level};

/// `gates --help`.
pub const HELP: &str =
    "promote-action gates — would this pass? The file-based gates of one stage, locally

USAGE:
    promote-action gates --stage STAGE [--policy FILE] [--application APP]

Judges the gates of STAGE (QA, bookverse-QA, PROD; as the policy names it, with or without the
project prefix) that read report files — tests, coverage, sarif, benchmark, json — on the
reports in the current directory, exactly as a promotion would. Nothing is read from JFrog or
GitHub: the gates that need them (checks, integrity, evidence, …) are shown as skipped with
what they need, and approvals, windows and freezes are left to the promotion.

    --stage STAGE        the stage to judge (required)
    --policy FILE        the policy file (default .github/promotion-policy.yml)
    --application APP    use APP's entry under `applications` (default: the shared stages)

Prints one line per gate, then the gate table of the job summary — appended to the file
$GITHUB_STEP_SUMMARY names when it is set, else printed. Under GitHub Actions
(GITHUB_ACTIONS=true) each failed gate is also an ::error annotation.

Exit status: 0 every judged gate passed · 1 a gate failed · 2 bad option, unknown stage or
invalid policy file
";

/// What the command line asked for.
#[derive(Debug, PartialEq)]
struct Request {
    stage: String,
    policy: String,
    application: Option<String>,
}

/// Runs the command; returns the exit status. `vars` are the process environment.
pub fn run(args: &[String], vars: &[(String, String)], out: &mut impl Write) -> u8 {
    let mut err = std::io::stderr();
    let request = match parse_args(args) {
        Ok(Some(r)) => r,
        Ok(None) => {
            let _ = write!(out, "{HELP}");
            return 0;
        }
        Err(message) => {
            let _ = writeln!(
                err,
                "promote-action gates: {message}\nusage: promote-action gates --stage STAGE [--policy FILE] [--application APP] (see `promote-action gates --help`)"
            );
            return 2;
        }
    };
    let var = |k: &str| {
        vars.iter()
            .find(|(n, v)| n == k && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
    };
    let actions = var("GITHUB_ACTIONS").as_deref() == Some("true");
    let policy = match load(&request, actions, out) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let stage = match find_stage(&policy, &request.stage) {
        Ok(s) => s,
        Err(message) => {
            let _ = writeln!(err, "promote-action gates: {message}");
            return 2;
        }
    };
    let verdict = judge(stage, Path::new("."));
    let lifecycle = Lifecycle {
        stages: vec![stage.key.clone()],
        release_stage: String::new(),
        project: None,
    };
    // Under Actions a passing stage folds into a group, as in a promotion's log; a terminal
    // gets the plain lines.
    let mut text = if actions {
        crate::report::job_log::stage_verdicts(&lifecycle, &stage.key, &verdict)
    } else {
        verdict
            .gates
            .iter()
            .map(|g| crate::report::job_log::verdict_line(&stage.key, g))
            .collect()
    };
    for w in &verdict.warnings {
        text.push_str(&commands::annotation(
            Level::Warning,
            "promote-action gates",
            w,
            None,
            None,
        ));
    }
    let failed: Vec<_> = verdict
        .gates
        .iter()
        .filter(|g| g.status == GateStatus::Fail)
        .collect();
    if actions {
        for g in &failed {
            let title = format!("{} · {}", stage.key, g.gate);
            text.push_str(&commands::annotation(
                Level::Error,
                &title,
                &g.detail,
                None,
                None,
            ));
        }
        text.push_str(&crate::report::job_log::finding_annotations(
            &verdict.findings,
        ));
    }
    let _ = out.write_all(text.as_bytes());
    let summary = crate::report::local::summary(&stage.key, &request.policy, &verdict);
    match var("GITHUB_STEP_SUMMARY") {
        Some(file) => {
            if let Err(e) = crate::report::outputs::append_file(Path::new(&file), &summary) {
                let _ = writeln!(
                    err,
                    "promote-action gates: cannot append the summary to {file}: {e}"
                );
            }
        }
        None => {
            let _ = write!(out, "\n{}", crate::report::terminal::plain(&summary));
        }
    }
    if failed.is_empty() { 0 } else { 1 }
}

fn parse_args(args: &[String]) -> Result<Option<Request>, String> {
    let (mut stage, mut policy, mut application) = (None, None, None);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let slot = match flag {
            "-h" | "--help" => return Ok(None),
            "--stage" => &mut stage,
            "--policy" => &mut policy,
            "--application" => &mut application,
            other if other.starts_with('-') => return Err(format!("unknown option `{other}`")),
            other => return Err(format!("unexpected argument `{other}`")),
        };
        let value = match inline.or_else(|| it.next().cloned()) {
            Some(v) if !v.trim().is_empty() => v.trim().to_string(),
            _ => return Err(format!("`{flag}` needs a value")),
        };
        *slot = Some(value);
    }
    Ok(Some(Request {
        stage: stage.ok_or("`--stage` is required: the stage to judge, such as QA")?,
        policy: policy.unwrap_or_else(|| crate::inputs::DEFAULT_POLICY.to_string()),
        application,
    }))
}

/// Reads and checks the policy; on error prints each problem (an annotation under Actions) and
/// gives the exit status.
fn load(request: &Request, actions: bool, out: &mut impl Write) -> Result<Policy, u8> {
    let mut err = std::io::stderr();
    let path = &request.policy;
    let text = std::fs::read_to_string(path).map_err(|e| {
        let _ = writeln!(
            err,
            "promote-action gates: cannot read policy file `{path}`: {e}; give its path with --policy"
        );
        2u8
    })?;
    let mut policy = crate::policy::parse(path, &text).map_err(|errors| {
        for e in errors.errors() {
            if actions {
                let line = commands::annotation_at(
                    Level::Error,
                    "invalid policy file",
                    &e.to_string(),
                    Some(path),
                    u32::try_from(e.line).ok(),
                    u32::try_from(e.column).ok(),
                );
                let _ = out.write_all(line.as_bytes());
            } else {
                let _ = writeln!(err, "{path}: error: {}", e.describe());
            }
        }
        2u8
    })?;
    if let Some(app) = &request.application {
        if let Some(warning) = policy.select_application(app) {
            let _ = writeln!(err, "promote-action gates: {warning}");
        }
    }
    Ok(policy)
}

/// The stage the user named: its key as written, or with or without a project prefix
/// (`QA` finds `bookverse-QA` and the other way round), without regard to case.
fn find_stage<'a>(policy: &'a Policy, wanted: &str) -> Result<&'a StagePolicy, String> {
    let wanted = wanted.trim();
    let lower = wanted.to_ascii_lowercase();
    let exact: Vec<&StagePolicy> = policy
        .stages
        .iter()
        .filter(|s| s.normalized_key == lower)
        .collect();
    let found: Vec<&StagePolicy> = if exact.is_empty() {
        policy
            .stages
            .iter()
            .filter(|s| {
                s.normalized_key.ends_with(&format!("-{lower}"))
                    || lower.ends_with(&format!("-{}", s.normalized_key))
            })
            .collect()
    } else {
        exact
    };
    let valid = || {
        let keys: Vec<String> = policy
            .stages
            .iter()
            .map(|s| format!("`{}`", s.key))
            .collect();
        if keys.is_empty() {
            "the policy configures no stage".to_string()
        } else {
            format!("valid stages: {}", keys.join(", "))
        }
    };
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "`--stage {wanted}`: the policy `{}` has no stage `{wanted}`; {}",
            policy.source_name,
            valid()
        )),
        many => Err(format!(
            "`--stage {wanted}` matches {} stages of `{}`: give the full name; {}",
            many.len(),
            policy.source_name,
            valid()
        )),
    }
}

/// Each gate of the stage: judged on the workspace's reports, or skipped with what it needs.
fn judge(stage: &StagePolicy, workspace: &Path) -> StageVerdict {
    let ws = Workspace::new(workspace);
    let mut v = StageVerdict::default();
    for gate in &stage.gates {
        let eval = match read_reports(&ws, &gate.spec) {
            Some(read) => {
                let evidence =
                    read.unwrap_or_else(|e| Fact::Unavailable(relative(workspace, &e.to_string())));
                // No baseline here: regressions are judged against the version in the stage,
                // which only a promotion reads; quarantine expiry is judged at this instant.
                let ctx = gates::GateContext::without_baseline(jiff::Timestamp::now());
                gates::evaluate_in(&stage.key, gate, &evidence, ctx)
            }
            None => gates::skipped(&stage.key, gate, &remote_reason(&gate.spec)),
        };
        v.findings.extend(eval.findings);
        v.findings_total += eval.findings_total;
        v.warnings.extend(eval.warnings);
        v.gates.push(eval.result);
    }
    v
}

/// What a gate that is not judged locally needs.
fn remote_reason(spec: &GateSpec) -> String {
    let needs = match spec {
        GateSpec::Checks { .. } => "the commit's check runs from GitHub",
        GateSpec::Integrity { .. } => "the version's content from AppTrust",
        GateSpec::Evidence { .. } => "the version's evidence in JFrog",
        GateSpec::Attestations { .. } => "the version's artifacts and their attestations",
        GateSpec::Bake { .. } => "the version's promotion history from AppTrust",
        GateSpec::Prometheus(_) | GateSpec::Health(_) => "the running system (judged at promotion)",
        #[allow(unreachable_patterns)] // other remote kinds are added beside these
        _ => "facts from JFrog or GitHub",
    };
    format!("not judged locally: needs {needs}; judged when the action promotes")
}

/// A reader's message with `./` taken off its paths, as the repository names them.
fn relative(workspace: &Path, text: &str) -> String {
    let prefix = format!("{}/", workspace.display());
    text.replace(&prefix, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_parse_with_and_without_equals() {
        let r = parse_args(&args(&["--stage", "QA", "--policy=p.yml"]))
            .unwrap()
            .unwrap();
        assert_eq!(
            r,
            Request {
                stage: "QA".into(),
                policy: "p.yml".into(),
                application: None
            }
        );
        assert_eq!(parse_args(&args(&["--help"])), Ok(None));
        for (bad, says) in [
            (&["--policy", "p.yml"][..], "`--stage` is required"),
            (&["--stage"][..], "`--stage` needs a value"),
            (&["--stage", "QA", "--fast"][..], "unknown option `--fast`"),
            (&["QA"][..], "unexpected argument `QA`"),
        ] {
            let err = parse_args(&args(bad)).unwrap_err();
            assert!(err.contains(says), "{bad:?}: {err}");
        }
    }

    #[test]
    fn stages_are_found_with_or_without_the_project_prefix() {
        let policy = crate::policy::parse(
            "p.yml",
            "version: 1\nstages:\n  QA: {}\n  bookverse-STAGING: {}\n  PROD: {}\n",
        )
        .unwrap();
        for (wanted, key) in [
            ("QA", "QA"),
            ("qa", "QA"),
            ("bookverse-QA", "QA"),
            ("STAGING", "bookverse-STAGING"),
            ("prod", "PROD"),
        ] {
            assert_eq!(find_stage(&policy, wanted).unwrap().key, key, "{wanted}");
        }
        let err = find_stage(&policy, "UAT").unwrap_err();
        assert!(
            err.contains("no stage `UAT`") && err.contains("`QA`, `bookverse-STAGING`, `PROD`"),
            "{err}"
        );
    }
}
