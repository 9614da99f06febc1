//! The promotion policy file (`.github/promotion-policy.yml`).
//!
//! The policy says, per lifecycle stage, which quality gates must pass, who must approve, when
//! promotion is allowed (windows, freezes, including RFC 5545 recurrences) and what a hotfix may
//! bypass, plus a repository-wide emergency stop. This module parses it in two phases — `raw`
//! (serde, shapes and positions) then `validate` (meaning) — into the typed [`Policy`],
//! generates the JSON Schema shipped for editors (`schema`), and evaluates windows and freezes
//! at a given instant (`schedule`, with `rrule` and `recurrence` for calendar rules). It reads no clock, no environment and
//! no files: callers pass text and time in.
//!
//! ```text
//! let mut policy = policy::parse(".github/promotion-policy.yml", &text)?;
//! policy.resolve_stages(&lifecycle, Some("bookverse"))?;
//! let qa = policy.stage("bookverse-QA");
//! ```

mod error;
mod locate;
mod model;
mod raw;
mod raw_gates;
pub mod recurrence;
pub mod rrule;
pub mod schedule;
mod schema;
mod stages;
mod validate;
mod windows;

pub use error::{ErrorKind, PolicyError};
pub use model::{
    Approvals, ConditionCheck, EmergencyStop, EvidenceCondition, Gate, GateSpec, LevelBounds,
    Policy, RecordsRule, SeverityBounds, StagePolicy, TestsKey,
};
pub use recurrence::Recurrence;
pub use schedule::{WindowDecision, evaluate};
pub use schema::{json_schema, json_schema_string};
pub use windows::{
    Freeze, FreezePeriod, OnWindowClosed, RecurringFreeze, TimeOfDay, Weekday, WeeklyWindow, Window,
};

use error::{backticked, closest};

/// The policy file path used when the `policy` input is empty.
pub const DEFAULT_POLICY_PATH: &str = ".github/promotion-policy.yml";

/// Parses and validates a policy file.
///
/// `source_name` is the file name used in error messages (e.g. `.github/promotion-policy.yml`).
/// Stage keys are kept as written; call [`Policy::resolve_stages`] once the application's
/// lifecycle is known.
pub fn parse(source_name: &str, text: &str) -> Result<Policy, PolicyError> {
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
    let raw: raw::RawPolicy =
        yaml_serde::from_str(text).map_err(|e| from_yaml_error(source_name, text, &e))?;
    validate::Ctx { source_name, text }.policy(raw)
}

/// Largest policy file accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 256 * 1024;
/// Deepest `[`/`{` flow nesting accepted.
pub const MAX_FLOW_DEPTH: usize = 32;

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

/// Serde message beginnings, used to split yaml_serde's `path: message` text.
const MESSAGE_STARTS: [&str; 9] = [
    "unknown field ",
    "unknown variant ",
    "missing field ",
    "duplicate field ",
    "duplicate stage ",
    "invalid type: ",
    "invalid value: ",
    "invalid length ",
    "EOF while parsing",
];

/// Converts a yaml_serde error (syntax, type, unknown key, …) into a [`PolicyError`].
fn from_yaml_error(source_name: &str, text: &str, err: &yaml_serde::Error) -> PolicyError {
    let (line, column) = err
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    let mut s = err.to_string();
    let suffix = format!(" at line {line} column {column}");
    if let Some(pos) = s.find(&suffix) {
        s.replace_range(pos..pos + suffix.len(), "");
    }

    // Split off the `path: ` prefix that yaml_serde puts before deserialization messages.
    let start = MESSAGE_STARTS
        .iter()
        .filter_map(|m| {
            s.match_indices(m)
                .map(|(i, _)| i)
                .find(|&i| i == 0 || s[..i].ends_with(": "))
        })
        .min();
    let Some(start) = start else {
        return syntax_error(source_name, text, (line, column), &s);
    };
    let path = if start >= 2 {
        s[..start - 2].to_string()
    } else {
        String::new()
    };
    let msg = s[start..].to_string();
    let mk = |kind, pos, message: String, help: String| {
        PolicyError::new(kind, source_name, pos, path.clone(), message, help)
    };

    if msg.starts_with("EOF while parsing") {
        return mk(
            ErrorKind::Empty,
            (line, column),
            "the policy file is empty".into(),
            "Write at least `version: 1` and a `stages` mapping.".into(),
        );
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (field, expected) = split_expected(rest);
        let mut hint = closest(&field, expected.iter().map(String::as_str))
            .map(|c| format!("Did you mean `{c}`? "))
            .unwrap_or_default();
        if hint.is_empty()
            && expected.iter().any(|e| e == "gates")
            && validate::GATE_KINDS.contains(&field.as_str())
        {
            hint = format!("Gates go in the `gates` list: `gates: [{{ {field}: … }}]`. ");
        }
        let valid = if expected.is_empty() {
            "This mapping takes no keys.".to_string()
        } else {
            format!(
                "Valid keys here: {}.",
                backticked(expected.iter().map(String::as_str))
            )
        };
        return mk(
            ErrorKind::UnknownKey,
            (line, column),
            format!("unknown field `{field}`"),
            format!("{hint}{valid}"),
        );
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let (value, expected) = split_expected(rest);
        let hint = closest(&value, expected.iter().map(String::as_str))
            .map(|c| format!("Did you mean `{c}`? "))
            .unwrap_or_default();
        return mk(
            ErrorKind::InvalidValue,
            (line, column),
            format!("unknown value `{value}`"),
            format!(
                "{hint}Valid values: {}.",
                backticked(expected.iter().map(String::as_str))
            ),
        );
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let field = rest.trim_matches('`').to_string();
        let help = if field == "version" && path.is_empty() {
            "Add `version: 1` at the top of the file.".to_string()
        } else {
            format!("Add the `{field}` key.")
        };
        return mk(
            ErrorKind::MissingKey,
            (line, column),
            format!("missing field `{field}`"),
            help,
        );
    }
    if let Some(rest) = msg.strip_prefix("duplicate field ") {
        let field = rest.trim_matches('`').to_string();
        let pos = second_occurrence(text, (line, column), &field).unwrap_or((line, column));
        return mk(
            ErrorKind::DuplicateKey,
            pos,
            format!("duplicate key `{field}`"),
            format!("Each key may appear once in a mapping; remove or merge the second `{field}`."),
        );
    }
    if msg.starts_with("duplicate stage ") {
        return mk(
            ErrorKind::DuplicateKey,
            (line, column),
            msg.clone(),
            "Each stage may appear once under `stages` (keys are compared without regard to case); merge the two entries.".into(),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        let expected = friendly_type(expected);
        if expected == "a whole number ≥ 0" && found.starts_with("integer `-") {
            let n = found.trim_start_matches("integer ").trim_matches('`');
            return mk(
                ErrorKind::InvalidValue,
                (line, column),
                format!("negative number {n}, expected a whole number ≥ 0"),
                "Counts and thresholds cannot be negative; write 0 or more.".into(),
            );
        }
        return mk(
            ErrorKind::InvalidType,
            (line, column),
            format!("wrong type: found {found}, expected {expected}"),
            type_help(expected).into(),
        );
    }
    if let Some(rest) = msg.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = friendly_type(expected);
        let (message, help) = if expected.is_empty() {
            (
                format!("invalid value: {found}"),
                "Correct the value.".to_string(),
            )
        } else {
            (
                format!("invalid value {found}, expected {expected}"),
                type_help(expected).to_string(),
            )
        };
        return mk(ErrorKind::InvalidValue, (line, column), message, help);
    }
    mk(
        ErrorKind::InvalidValue,
        (line, column),
        msg.clone(),
        "Correct the value.".into(),
    )
}

/// Builds the error for text that is not YAML (or not a single YAML document).
fn syntax_error(source_name: &str, text: &str, pos: (usize, usize), message: &str) -> PolicyError {
    let line_has_tab = text
        .lines()
        .nth(pos.0.saturating_sub(1))
        .is_some_and(|l| l.contains('\t'));
    let help = if message.contains("more than one document") {
        "Keep the policy in a single YAML document (remove the extra `---`)."
    } else if line_has_tab {
        "YAML indentation must use spaces, not tabs."
    } else {
        "The file is not valid YAML: check indentation, `key: value` spacing, and quote values that contain `: `, `#`, `{` or `[`."
    };
    PolicyError::new(
        ErrorKind::Syntax,
        source_name,
        pos,
        "",
        format!("invalid YAML: {message}"),
        help,
    )
}

/// Splits "`x`, expected one of `a`, `b`" into ("x", ["a", "b"]).
fn split_expected(rest: &str) -> (String, Vec<String>) {
    let (name, tail) = rest.split_once(", ").unwrap_or((rest, ""));
    let name = name.trim_matches('`').to_string();
    let expected = tail
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect();
    (name, expected)
}

/// Replaces Rust type names in serde messages with words a policy author knows.
fn friendly_type(expected: &str) -> &str {
    match expected {
        "u64" | "u32" | "usize" => "a whole number ≥ 0",
        "f64" | "f32" => "a number",
        "a sequence" => "a list",
        "a boolean" => "true or false",
        other => other,
    }
}

/// What to do about a wrong type, by expected type.
fn type_help(expected: &str) -> &'static str {
    match expected {
        "a whole number ≥ 0" => "Write a whole number such as 0 or 5, without quotes.",
        "a number" => "Write a plain number such as 80 or 0.25, without quotes or units.",
        "a list" => "Write a list, e.g. `[a, b]` or one `- item` per line.",
        "true or false" => "Write `true` or `false`.",
        "a string" => "Write a string; quote it if it could be read as something else.",
        e if e.contains("mapping") => {
            "Write a mapping of `key: value` pairs (see the example policy)."
        }
        _ => "Correct the value's type (see the example policy).",
    }
}

/// Finds the second `field:` key of the block mapping whose first key is at `mapping_start`
/// (yaml_serde reports duplicate struct fields at the start of the mapping).
fn second_occurrence(
    text: &str,
    mapping_start: (usize, usize),
    field: &str,
) -> Option<(usize, usize)> {
    let (line0, col0) = mapping_start;
    let col = col0.checked_sub(1)?;
    let keys = [
        field.to_string(),
        format!("\"{field}\""),
        format!("'{field}'"),
    ];
    let mut seen = 0;
    for (i, l) in text.lines().enumerate().skip(line0.checked_sub(1)?) {
        let trimmed = l.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = l.len() - trimmed.len();
        if i + 1 > line0 && indent < col {
            break;
        }
        let (Some(before), Some(rest)) = (l.get(..col), l.get(col..)) else {
            continue;
        };
        if !before.chars().all(|c| c == ' ' || c == '-') {
            continue;
        }
        let is_key = keys.iter().any(|k| {
            rest.strip_prefix(k.as_str())
                .is_some_and(|r| r.trim_start().starts_with(':'))
        });
        if is_key {
            seen += 1;
            if seen == 2 {
                return Some((i + 1, col0));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
