//! Turns `yaml_serde` errors into [`PolicyError`]s a policy author can act on.
//!
//! `yaml_serde` reports a syntax error, or a deserialization error as `path: message` with a
//! position. The message is serde's (`unknown field `x`, expected one of …`); this splits off
//! the key path, names the closest valid key or value, replaces Rust type names with words
//! (`u64` → "a whole number ≥ 0") and says what to write instead.

use super::error::{ErrorKind, PolicyError, backticked, closest};
use super::raw_gates::GATE_KINDS;

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
pub(crate) fn from_yaml_error(
    source_name: &str,
    text: &str,
    err: &yaml_serde::Error,
) -> PolicyError {
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
    let path = if start >= 2 { &s[..start - 2] } else { "" };
    from_message(source_name, text, (line, column), path, &s[start..])
}

/// Builds the error for serde's `msg` about the node at key path `path`, found at
/// (`line`, `column`).
pub(crate) fn from_message(
    source_name: &str,
    text: &str,
    (line, column): (usize, usize),
    path: &str,
    msg: &str,
) -> PolicyError {
    let path = path.to_string();
    let msg = msg.to_string();
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
    if let Some((kind, message, help)) = unknown_name(&msg) {
        return mk(kind, (line, column), message, help);
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
    if let Some((kind, message, help)) = wrong_value(&msg) {
        return mk(kind, (line, column), message, help);
    }
    mk(
        ErrorKind::InvalidValue,
        (line, column),
        msg.clone(),
        "Correct the value.".into(),
    )
}

/// An unknown key or value: what it is, the closest valid one, and the valid ones.
fn unknown_name(msg: &str) -> Option<(ErrorKind, String, String)> {
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (field, expected) = split_expected(rest);
        let mut hint = closest(&field, expected.iter().map(String::as_str))
            .map(|c| format!("Did you mean `{c}`? "))
            .unwrap_or_default();
        if hint.is_empty()
            && expected.iter().any(|e| e == "gates")
            && GATE_KINDS.contains(&field.as_str())
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
        return Some((
            ErrorKind::UnknownKey,
            format!("unknown field `{field}`"),
            format!("{hint}{valid}"),
        ));
    }
    if let Some(rest) = msg.strip_prefix("unknown variant ") {
        let (value, expected) = split_expected(rest);
        let hint = closest(&value, expected.iter().map(String::as_str))
            .map(|c| format!("Did you mean `{c}`? "))
            .unwrap_or_default();
        return Some((
            ErrorKind::InvalidValue,
            format!("unknown value `{value}`"),
            format!(
                "{hint}Valid values: {}.",
                backticked(expected.iter().map(String::as_str))
            ),
        ));
    }
    None
}

/// A value of the wrong type or out of range, in words a policy author knows.
fn wrong_value(msg: &str) -> Option<(ErrorKind, String, String)> {
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another type"));
        let expected = friendly_type(expected);
        if expected == "a whole number ≥ 0" && found.starts_with("integer `-") {
            let n = found.trim_start_matches("integer ").trim_matches('`');
            return Some((
                ErrorKind::InvalidValue,
                format!("negative number {n}, expected a whole number ≥ 0"),
                "Counts and thresholds cannot be negative; write 0 or more.".into(),
            ));
        }
        return Some((
            ErrorKind::InvalidType,
            format!("wrong type: found {found}, expected {expected}"),
            type_help(expected).into(),
        ));
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
        return Some((ErrorKind::InvalidValue, message, help));
    }
    None
}

/// Builds the error for text that is not YAML (or not a single YAML document).
pub(crate) fn syntax_error(
    source_name: &str,
    text: &str,
    pos: (usize, usize),
    message: &str,
) -> PolicyError {
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
pub(crate) fn second_occurrence(
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
