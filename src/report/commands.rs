//! Workflow commands (`::error`, `::add-mask::`, …) with the runner's escaping rules.
//!
//! Report content is untrusted: a test name could contain `::set-output` or a newline followed
//! by a command. Data is escaped like `@actions/core` does (`%`, CR, LF), properties also `:` and
//! `,`, so untrusted text can never start a command line of its own. Untrusted free text printed
//! to the log goes through [`neutralise`].

pub(crate) use crate::text::escape_data;

/// Escapes a property value.
pub(crate) fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::add-mask::value` for each line of a secret (the runner masks line by line).
pub fn add_mask(secret: &str) -> String {
    secret
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("::add-mask::{}\n", escape_data(l)))
        .collect()
}

/// Annotation level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `::error`.
    Error,
    /// `::warning`.
    Warning,
    /// `::notice`.
    Notice,
}

/// An annotation line. Messages are cut to the runner's 4096-character limit.
pub fn annotation(
    level: Level,
    title: &str,
    message: &str,
    file: Option<&str>,
    line: Option<u32>,
) -> String {
    annotation_at(level, title, message, file, line, None)
}

/// An annotation line pointing at a line and column of a file (`col=` only with `line=`).
pub(crate) fn annotation_at(
    level: Level,
    title: &str,
    message: &str,
    file: Option<&str>,
    line: Option<u32>,
    column: Option<u32>,
) -> String {
    let name = match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Notice => "notice",
    };
    let mut props = Vec::new();
    if let Some(f) = file.filter(|f| !f.is_empty()) {
        props.push(format!("file={}", escape_property(f)));
        if let Some(l) = line.filter(|l| *l > 0) {
            props.push(format!("line={l}"));
            if let Some(c) = column.filter(|c| *c > 0) {
                props.push(format!("col={c}"));
            }
        }
    }
    if !title.is_empty() {
        props.push(format!("title={}", escape_property(title)));
    }
    let message: String = message.chars().take(4000).collect();
    if props.is_empty() {
        format!("::{name}::{}\n", escape_data(&message))
    } else {
        format!("::{name} {}::{}\n", props.join(","), escape_data(&message))
    }
}

/// Makes untrusted text safe to print as a log line: no line breaks, no leading `::`, no legacy
/// `##[` command syntax anywhere.
pub fn neutralise(s: &str) -> String {
    let one_line = s.replace(['\r', '\n'], " ");
    let cleaned = one_line.replace("##[", "#\u{200b}#[");
    if cleaned.trim_start().starts_with("::") {
        format!("\u{200b}{cleaned}")
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_cannot_break_out_of_a_command() {
        let evil = "boom\n::set-output name=result::promoted\r\n%0A";
        let line = annotation(Level::Error, "t", evil, Some("a,b:c.py"), Some(3));
        assert_eq!(line.matches('\n').count(), 1, "exactly one line: {line}");
        assert!(line.starts_with("::error file=a%2Cb%3Ac.py,line=3,title=t::boom%0A::set-output"));
        assert!(line.contains("%250A"));
    }

    #[test]
    fn masks_every_line() {
        assert_eq!(add_mask("a\nb"), "::add-mask::a\n::add-mask::b\n");
        assert_eq!(add_mask(""), "");
    }

    #[test]
    fn neutralised_text_starts_no_command() {
        for evil in [
            "::error::x",
            "  ::warning::y",
            "a\n::notice::z",
            "x ##[error]y",
        ] {
            let n = neutralise(evil);
            assert!(!n.contains('\n'));
            assert!(!n.trim_start().starts_with("::"), "{n}");
            assert!(!n.contains("##["), "{n}");
        }
    }

    #[test]
    fn annotation_without_location_or_title() {
        assert_eq!(
            annotation(Level::Warning, "", "w", None, Some(4)),
            "::warning::w\n"
        );
        let long = "x".repeat(10_000);
        assert!(annotation(Level::Error, "", &long, None, None).len() < 4100);
    }
}
