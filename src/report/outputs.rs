//! Step outputs in the `GITHUB_OUTPUT` file format, with heredoc delimiters.
//!
//! Format as `@actions/core` writes it: `name<<ghadelimiter_<uuid>` LF value LF delimiter LF. A
//! fresh random delimiter per value, re-drawn if the value contains it, means no value can end
//! its own entry early and inject another output.

use std::io::Write;
use std::path::Path;

use crate::promotion::outcome::Outcome;

/// The outputs of SPEC.md, in order, then `changes` (issue 26), for an outcome. `record` is the record file path, if any.
pub(crate) fn values(outcome: &Outcome, record: Option<&str>) -> Vec<(&'static str, String)> {
    let gates = serde_json::to_string(&outcome.gates).unwrap_or_else(|_| "[]".into());
    vec![
        ("result", outcome.result.as_str().to_string()),
        ("version", outcome.version.clone()),
        ("from-stage", outcome.from_stage.clone()),
        ("to-stage", outcome.to_stage.clone()),
        ("gates", gates),
        ("failed-gates", outcome.failed_gates().join(",")),
        ("record", record.unwrap_or_default().to_string()),
        // Promote and plan only: what the promotion changes in its target stage (JSON).
        (
            "changes",
            outcome
                .changes
                .as_ref()
                .map(|c| c.output().to_string())
                .unwrap_or_default(),
        ),
    ]
}

/// Renders entries in the file-command format.
pub fn render(entries: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (name, value) in entries {
        let mut delimiter = format!("ghadelimiter_{}", uuid::Uuid::new_v4());
        while value.contains(&delimiter) {
            delimiter = format!("ghadelimiter_{}", uuid::Uuid::new_v4());
        }
        out.push_str(name);
        out.push_str("<<");
        out.push_str(&delimiter);
        out.push('\n');
        out.push_str(value);
        out.push('\n');
        out.push_str(&delimiter);
        out.push('\n');
    }
    out
}

/// Appends text to a runner file (`GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`).
pub(crate) fn append_file(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    f.write_all(text.as_bytes())
}

/// Parses the file-command format the way the runner does (`EnvFileKeyValuePairs`): split on
/// LF, `NAME=VALUE` or `NAME<<DELIM` … `DELIM`. For tests and for reading our own outputs back.
pub fn parse(text: &str) -> Result<Vec<(String, String)>, String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        if line.is_empty() {
            continue;
        }
        let eq = line.find('=');
        let heredoc = line.find("<<");
        match (eq, heredoc) {
            (Some(e), h) if h.is_none_or(|h| e < h) => {
                out.push((line[..e].to_string(), line[e + 1..].to_string()));
            }
            (_, Some(h)) => {
                let name = &line[..h];
                let delim = &line[h + 2..];
                if name.is_empty() || delim.is_empty() {
                    return Err(format!("invalid heredoc line `{line}`"));
                }
                let mut value_lines = Vec::new();
                loop {
                    if i >= lines.len() {
                        return Err(format!("missing delimiter `{delim}` for `{name}`"));
                    }
                    let l = lines[i];
                    i += 1;
                    if l == delim {
                        break;
                    }
                    value_lines.push(l);
                }
                out.push((name.to_string(), value_lines.join("\n")));
            }
            _ => return Err(format!("invalid line `{line}`")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_the_runner_parser() {
        let nasty = [
            "",
            "plain",
            "multi\nline\n",
            "result<<EOF\nresult=promoted\nEOF",
            "ghadelimiter_\n\n",
            "trailing\r",
            "unicode ✓ \u{0}",
        ];
        for value in nasty {
            let text = render(&[("x", value.to_string()), ("y", "after".into())]);
            let parsed = parse(&text).unwrap();
            assert_eq!(
                parsed,
                vec![
                    ("x".to_string(), value.to_string()),
                    ("y".to_string(), "after".to_string())
                ],
                "{value:?}"
            );
        }
    }

    #[test]
    fn runner_parser_accepts_simple_lines_and_rejects_broken_heredocs() {
        assert_eq!(parse("a=b=c\n").unwrap(), vec![("a".into(), "b=c".into())]);
        assert!(parse("a<<X\nvalue\n").is_err());
        assert!(parse("<<X\nX\n").is_err());
    }
}
