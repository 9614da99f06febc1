//! Reading the policy file: kept inside the workspace (the file may come from a pull request),
//! absent default path tolerated with a warning, explicit path required; the stages of the
//! `application` input selected (its `applications` entry, or the shared stages); then the
//! calendar files its freezes name (`ics`), read the same careful way.

use crate::error::Error;
use crate::inputs::{Inputs, RunContext};
use crate::policy::{Policy, PolicyReadError};
use crate::promotion::outcome::Outcome;

/// Loads the policy named by the inputs: `None` (with a warning) when the default path is
/// absent, an error when an explicit path is absent or the file is invalid.
pub(super) fn load_policy(
    inputs: &Inputs,
    ctx: &RunContext,
    outcome: &mut Outcome,
) -> Result<Option<Policy>, Error> {
    // The policy input comes from the workflow, but the file may come from a pull request:
    // keep it inside the workspace, so an error can never quote an arbitrary file of the runner.
    let rel = std::path::Path::new(&inputs.policy.path);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return Err(PolicyReadError::OutsideWorkspace {
            path: inputs.policy.path.clone(),
        }
        .into());
    }
    let path = ctx.workspace.join(rel);
    if !path.exists() {
        if inputs.policy.explicit {
            return Err(PolicyReadError::Missing {
                path: inputs.policy.path.clone(),
            }
            .into());
        }
        outcome.warnings.push(format!(
            "No policy file at `{}`: promoting without gates.",
            inputs.policy.path
        ));
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|source| PolicyReadError::Unreadable {
        path: inputs.policy.path.clone(),
        source,
    })?;
    outcome.policy_sha256 = Some(crate::digest::sha256_hex(text.as_bytes()));
    let mut policy = crate::policy::parse(&inputs.policy.path, &text)?;
    outcome
        .warnings
        .extend(policy.warnings.iter().map(ToString::to_string));
    if let Some(w) = policy.select_application(&inputs.application) {
        outcome.warnings.push(w);
    }
    policy.load_calendars(
        |rel| read_calendar(&ctx.workspace, rel),
        crate::policy::LoadMode::Run,
    )?;
    Ok(Some(policy))
}

/// Reads a calendar file named by a freeze's `ics`: relative to `workspace` and inside it
/// (a symlink out of it is refused), a regular file of at most [`crate::policy::MAX_ICS_BYTES`],
/// UTF-8.
pub(crate) fn read_calendar(workspace: &std::path::Path, rel: &str) -> crate::policy::CalendarText {
    use crate::policy::CalendarText;
    use std::io::Read;
    let path = std::path::Path::new(rel);
    if path.is_absolute()
        || path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir))
    {
        return CalendarText::Unreadable("it is outside the workspace".into());
    }
    let full = match std::fs::canonicalize(workspace.join(path)) {
        Ok(p) => p,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return CalendarText::Missing,
        Err(e) => return CalendarText::Unreadable(e.to_string()),
    };
    let root = std::fs::canonicalize(workspace).unwrap_or_else(|_| workspace.to_path_buf());
    if !full.starts_with(&root) {
        return CalendarText::Unreadable("it links to a file outside the workspace".into());
    }
    if !full.is_file() {
        return CalendarText::Unreadable("it is not a file".into());
    }
    let limit = crate::policy::MAX_ICS_BYTES;
    let mut bytes = Vec::new();
    let read =
        std::fs::File::open(&full).and_then(|f| f.take(limit as u64 + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return CalendarText::Unreadable(e.to_string());
    }
    if bytes.len() > limit {
        return CalendarText::Unreadable(format!(
            "it is larger than {limit} bytes; keep the years the freezes need"
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => CalendarText::Text(text),
        Err(_) => CalendarText::Unreadable("it is not UTF-8 text, as an iCalendar file is".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::inputs::Command;
    use crate::policy::{ErrorKind, PolicyReadError};

    /// Loads `policy` (the input, `""` = the default path) from a workspace holding `files`.
    fn load(policy: &str, files: &[(&str, &str)]) -> (Result<Option<Policy>, Error>, Outcome) {
        let dir = tempfile::tempdir().expect("tempdir");
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        let vars = [
            ("INPUT_JFROG-URL", "https://jfrog.example"),
            ("INPUT_ACCESS-TOKEN", "t"),
            ("INPUT_APPLICATION", "inventory"),
            ("INPUT_POLICY", policy),
            ("GITHUB_WORKSPACE", dir.path().to_str().expect("utf-8")),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        let inputs = Inputs::from_vars(vars.clone()).expect("inputs");
        let ctx = RunContext::from_vars(vars);
        let mut outcome = Outcome::new(Command::Promote, "inventory", "1.0.0");
        let result = load_policy(&inputs, &ctx, &mut outcome);
        (result, outcome)
    }

    const VALID: &str = "version: 1\nstages:\n  QA:\n    gates: []\n";

    #[test]
    fn a_caller_tells_an_unreadable_file_from_an_invalid_one() {
        type Check = fn(&Result<Option<Policy>, Error>) -> bool;
        type Files = &'static [(&'static str, &'static str)];
        let cases: &[(&str, &str, Files, Check)] = &[
            ("outside the workspace", "../p.yml", &[], |r| {
                matches!(
                    r,
                    Err(Error::PolicyRead(PolicyReadError::OutsideWorkspace { .. }))
                )
            }),
            ("absolute path", "/etc/p.yml", &[], |r| {
                matches!(
                    r,
                    Err(Error::PolicyRead(PolicyReadError::OutsideWorkspace { .. }))
                )
            }),
            ("explicit path absent", "p.yml", &[], |r| {
                matches!(r, Err(Error::PolicyRead(PolicyReadError::Missing { .. })))
            }),
            ("a directory", "dir", &[("dir/x", "")], |r| {
                matches!(
                    r,
                    Err(Error::PolicyRead(PolicyReadError::Unreadable { .. }))
                )
            }),
            (
                "not YAML",
                "p.yml",
                &[("p.yml", "stages: [\n")],
                |r| matches!(r, Err(Error::PolicyFile(e)) if e.errors()[0].kind == ErrorKind::Syntax),
            ),
            ("valid", "p.yml", &[("p.yml", VALID)], |r| {
                matches!(r, Ok(Some(_)))
            }),
            ("default path absent", "", &[], |r| matches!(r, Ok(None))),
        ];
        for (name, policy, files, check) in cases {
            let (result, _) = load(policy, files);
            assert!(check(&result), "{name}: {result:?}");
        }
    }

    #[test]
    fn an_absent_default_policy_warns_and_a_read_one_is_digested() {
        let (result, outcome) = load("", &[]);
        assert!(matches!(result, Ok(None)));
        assert!(
            outcome.warnings[0].contains("No policy file at `.github/promotion-policy.yml`"),
            "{:?}",
            outcome.warnings
        );
        assert_eq!(outcome.policy_sha256, None);
        let (result, outcome) = load("p.yml", &[("p.yml", VALID)]);
        assert!(matches!(result, Ok(Some(_))));
        assert_eq!(
            outcome.policy_sha256.as_deref(),
            Some(crate::digest::sha256_hex(VALID.as_bytes()).as_str())
        );
    }
}
