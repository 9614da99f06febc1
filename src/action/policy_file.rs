//! Reading the policy file: kept inside the workspace (the file may come from a pull request),
//! absent default path tolerated with a warning, explicit path required; the stages of the
//! `application` input selected (its `applications` entry, or the shared stages); then the
//! calendar files its freezes name (`ics`), read the same careful way.

use crate::error::Error;
use crate::inputs::{Inputs, RunContext};
use crate::policy::Policy;
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
        return Err(Error::Policy(format!(
            "input `policy`: `{}` is outside the workspace; give a path relative to the repository root, such as .github/promotion-policy.yml",
            inputs.policy.path
        )));
    }
    let path = ctx.workspace.join(rel);
    if !path.exists() {
        if inputs.policy.explicit {
            return Err(Error::Policy(format!(
                "input `policy`: the file `{}` does not exist in the workspace; fix the path, or check out the repository before this step",
                inputs.policy.path
            )));
        }
        outcome.warnings.push(format!(
            "No policy file at `{}`: promoting without gates.",
            inputs.policy.path
        ));
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::Policy(format!(
            "cannot read policy file `{}`: {e}",
            inputs.policy.path
        ))
    })?;
    outcome.policy_sha256 = Some(crate::evidence::sha256_hex(text.as_bytes()));
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
pub fn read_calendar(workspace: &std::path::Path, rel: &str) -> crate::policy::CalendarText {
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

/// Loads and parses a policy file.
pub fn load_policy_file(path: &std::path::Path) -> Result<crate::policy::Policy, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Policy(format!("cannot read policy file `{}`: {e}", path.display())))?;
    Ok(crate::policy::parse(&path.display().to_string(), &text)?)
}
