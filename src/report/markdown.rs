//! Markdown escaping for untrusted text in the job summary.
//!
//! Test names, messages and rule texts come from report files, which a pull request can write.
//! They must not inject HTML, break a table, ping people with `@mention` or hide content.

/// Escapes text for a markdown paragraph or table cell (one line).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\r' | '\n' | '\t' => out.push(' '),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '|' => out.push_str("&#124;"),
            '@' => out.push_str("@\u{200b}"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text inside inline code: backticks cannot be escaped there, so they are replaced.
pub fn code(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| match c {
            '`' => '\'',
            '|' => '¦',
            '\r' | '\n' | '\t' => ' ',
            c => c,
        })
        .filter(|c| !c.is_control())
        .collect();
    // Code spans are literal in GitHub's renderer: a `<` there is text, never a tag, and an
    // entity would show as `&lt;`.
    format!("`{cleaned}`")
}

/// Cuts text to `max` characters with an ellipsis.
pub(crate) fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_stays_text() {
        let table = [
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            ("a | b", "a &#124; b"),
            ("ping @octocat", "ping @\u{200b}octocat"),
            ("line\nbreak", "line break"),
            ("[x](javascript:y)", "\\[x\\](javascript:y)"),
            ("<details>", "&lt;details&gt;"),
        ];
        for (input, expected) in table {
            assert_eq!(escape(input), expected, "{input}");
        }
    }

    #[test]
    fn code_spans_cannot_be_closed() {
        assert_eq!(code("a`b|c"), "`a'b¦c`");
        assert_eq!(
            code("<init>"),
            "`<init>`",
            "code spans are literal: no entity"
        );
        assert_eq!(cut("abcdef", 3), "abc…");
        assert_eq!(cut("abc", 3), "abc");
    }
}
