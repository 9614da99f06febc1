//! Turns every error-body shape JFrog is known to send into one readable sentence.
//!
//! Shapes, from `apptrust-api.md` §0: `{"errors":[{"code","message","field"}]}` (AppTrust),
//! `{"errors":[{"status","message"}]}` (Access), `{"message"}`, `{"error"}`, `{"detail"}`, a bare
//! array of `{message,code}`, and anything else as (trimmed, shortened) text.

use serde_json::Value;

/// Longest server text quoted in an error.
const MAX: usize = 300;

/// The best human message in an error body; `None` when the body says nothing useful.
pub(crate) fn message(body: &str) -> Option<String> {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return None;
    }
    let text = match serde_json::from_str::<Value>(trimmed) {
        Ok(v) => from_json(&v).unwrap_or_else(|| trimmed.to_string()),
        Err(_) => trimmed.to_string(),
    };
    Some(shorten(&text))
}

fn from_json(v: &Value) -> Option<String> {
    match v {
        Value::Object(map) => {
            if let Some(errors) = map.get("errors") {
                if let Some(m) = from_json(errors) {
                    return Some(m);
                }
            }
            for key in ["message", "error", "detail", "error_description"] {
                match map.get(key) {
                    Some(Value::String(s)) if !s.trim().is_empty() => {
                        let field = map.get("field").and_then(Value::as_str);
                        return Some(match field {
                            Some(f) => format!("{} (field `{f}`)", s.trim()),
                            None => s.trim().to_string(),
                        });
                    }
                    Some(inner @ Value::Object(_)) => {
                        if let Some(m) = from_json(inner) {
                            return Some(m);
                        }
                    }
                    _ => {}
                }
            }
            None
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(from_json).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// One line, at most [`MAX`] characters, so a server's HTML error page cannot flood the log.
fn shorten(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX {
        one_line
    } else {
        let mut s: String = one_line.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_shape_reads() {
        let table = [
            (
                r#"{"errors":[{"code":"BAD","message":"version not found","field":"version"}]}"#,
                Some("version not found (field `version`)"),
            ),
            (
                r#"{"errors":[{"status":401,"message":"Bad credentials"}]}"#,
                Some("Bad credentials"),
            ),
            (
                r#"{"errors":[{"message":"a"},{"message":"b"}]}"#,
                Some("a; b"),
            ),
            (
                r#"{"message":"Failed to promote"}"#,
                Some("Failed to promote"),
            ),
            (r#"{"error":"forbidden"}"#, Some("forbidden")),
            (r#"{"detail":"no such stage"}"#, Some("no such stage")),
            (r#"[{"message":"x","code":"Y"}]"#, Some("x")),
            (
                "<html><body>502 Bad Gateway</body></html>",
                Some("<html><body>502 Bad Gateway</body></html>"),
            ),
            ("", None),
            ("   ", None),
        ];
        for (body, expected) in table {
            assert_eq!(message(body).as_deref(), expected, "{body}");
        }
    }

    #[test]
    fn json_without_a_message_falls_back_to_text() {
        assert_eq!(message(r#"{"x":1}"#).as_deref(), Some(r#"{"x":1}"#));
    }

    #[test]
    fn long_bodies_are_cut_to_one_line() {
        let long = format!("line one\nline two {}", "x".repeat(1000));
        let m = message(&long).unwrap();
        assert!(!m.contains('\n'));
        assert!(m.chars().count() <= MAX + 1);
        assert!(m.ends_with('…'));
    }
}
