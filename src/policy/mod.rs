//! The promotion policy file (`.github/promotion-policy.yml`).
//!
//! The policy says, per lifecycle stage, which quality gates must pass, who must approve, when
//! promotion is allowed (windows, freezes, including RFC 5545 recurrences) and what a hotfix may
//! bypass, plus a repository-wide emergency stop, and per-application overrides for a monorepo.
//! This module parses it in two phases — `assemble` (serde on each piece of the `raw` shapes,
//! with positions; see `pieces`) then `validate` (meaning) — into the typed [`Policy`],
//! collecting every problem of the file rather than stopping at the first; it generates the JSON Schema shipped for editors (`schema`), and evaluates windows and freezes
//! at a given instant (`schedule`, with `rrule` and `recurrence` for calendar rules, `ics` for
//! calendar files). It reads no clock, no environment and no files: callers pass text and time
//! in (a calendar file's text through [`Policy::load_calendars`]).
//!
//! ```text
//! let mut policy = policy::parse(".github/promotion-policy.yml", &text)?;
//! policy.select_application("inventory");
//! policy.resolve_stages(&lifecycle, Some("bookverse"))?;
//! let qa = policy.stage("bookverse-QA");
//! ```

mod assemble;
mod condition;
mod error;
pub(crate) mod ics;
mod locate;
mod model;
mod model_health;
mod pieces;
mod raw;
mod raw_attestations;
mod raw_gates;
mod raw_health;
pub(crate) mod recurrence;
pub(crate) mod rrule;
pub(crate) mod schedule;
mod schema;
mod shape;
mod stages;
mod validate;
mod windows;
mod yaml_error;

pub(crate) use error::{ErrorKind, PolicyError, PolicyErrors, PolicyReadError};
pub(crate) use ics::MAX_ICS_BYTES;
pub(crate) use ics::load::{CalendarText, LoadMode};
pub(crate) use model::{
    Approvals, ConditionCheck, EvidenceCondition, Gate, GateSpec, LevelBounds, Policy, Quarantine,
    RecordsRule, SeverityBounds, StagePolicy, Verify,
};
pub(crate) use model_health::{
    HealthGate, JOB_LIMIT, OnVerifyFailure, PrometheusGate, human_duration,
};
pub(crate) use raw_attestations::AttestationSubjects;
pub use schema::json_schema_string;
pub(crate) use windows::OnWindowClosed;
#[cfg(test)]
pub(crate) use {
    error::MAX_ERRORS,
    model::{EmergencyStop, TestsKey},
    raw_attestations::SLSA_PROVENANCE_V1,
    recurrence::Recurrence,
    schedule::{WindowDecision, evaluate},
    schema::json_schema,
    windows::{Freeze, Weekday, Window},
};

/// Parses and validates a policy file, reporting every problem found, not only the first.
///
/// `source_name` is the file name used in error messages (e.g. `.github/promotion-policy.yml`).
/// Stage keys are kept as written; call [`Policy::select_application`] and
/// [`Policy::resolve_stages`] once the application and its lifecycle are known.
pub fn parse(source_name: &str, text: &str) -> Result<Policy, PolicyErrors> {
    check_size(source_name, text)?;
    let (doc, errors) = assemble::read(source_name, text);
    let ctx = validate::Ctx::new(source_name, text);
    ctx.report_all(errors);
    let policy = doc.map(|doc| ctx.policy(doc));
    match (PolicyErrors::from_vec(ctx.into_errors()), policy) {
        (None, Some(policy)) => Ok(policy),
        (Some(e), _) => Err(e),
        // Unreachable: a document that could not be read always has an error.
        (None, None) => Err(PolicyError::new(
            ErrorKind::Syntax,
            source_name,
            (1, 1),
            "",
            "the policy file could not be read",
            "Check that it is a YAML mapping with `version: 1` and `stages`.",
        )
        .into()),
    }
}

/// Refuses, before any parsing, text too large, too deeply nested or empty to be a policy.
fn check_size(source_name: &str, text: &str) -> Result<(), PolicyError> {
    // A policy is a page of YAML; the parser's cost grows with nesting, so a file far larger
    // or deeper than any real policy is refused before it is parsed.
    if text.len() > MAX_POLICY_BYTES {
        return Err(PolicyError::new(
            ErrorKind::InvalidValue,
            source_name,
            (1, 1),
            "",
            format!(
                "the policy file is {} bytes, more than the {MAX_POLICY_BYTES} allowed",
                text.len()
            ),
            "A policy lists stages and gates; split generated content out of it, or check that `policy` names the right file.",
        ));
    }
    if let Some((line, column)) = too_deep(text) {
        return Err(PolicyError::new(
            ErrorKind::InvalidValue,
            source_name,
            (line, column),
            "",
            format!("the policy nests brackets more than {MAX_FLOW_DEPTH} levels deep"),
            "Write stages and gates as block mappings and lists; no policy key needs deep nesting.",
        ));
    }
    if is_blank(text) {
        return Err(PolicyError::new(
            ErrorKind::Empty,
            source_name,
            (1, 1),
            "",
            "the policy file is empty",
            "Write at least `version: 1` and a `stages` mapping (see the example policy), or delete the file to run without gates.",
        ));
    }
    Ok(())
}

/// Largest policy file accepted, in bytes.
pub(crate) const MAX_POLICY_BYTES: usize = 256 * 1024;
/// Deepest `[`/`{` flow nesting accepted.
pub(crate) const MAX_FLOW_DEPTH: usize = 32;

/// Line and column where unquoted flow brackets first nest deeper than [`MAX_FLOW_DEPTH`].
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (n, line) in text.lines().enumerate() {
        let mut quote: Option<char> = None;
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some((n + 1, col + 1));
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

/// True when the text holds nothing but whitespace, comments and document markers.
fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    })
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_apps;
#[cfg(test)]
mod tests_attestations;
#[cfg(test)]
mod tests_collect;
#[cfg(test)]
mod tests_errors;
#[cfg(test)]
mod tests_health;
#[cfg(test)]
mod tests_keys;
