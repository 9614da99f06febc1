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

/// Escapes text that may span lines (a policy file's list of problems): its first line as
/// [`escape`] does, then each further non-blank line as a list item of its own. [`escape`]
/// folds line breaks into spaces, which ran the problems together on one line. A line's own
/// list number (`2.`) is escaped so that it stays text inside the bullet.
pub fn escape_lines(s: &str) -> String {
    if !s.trim_end().contains('\n') {
        return escape(s);
    }
    let mut lines = s.lines().filter(|l| !l.trim().is_empty());
    let mut out = escape(lines.next().unwrap_or(""));
    for (i, line) in lines.enumerate() {
        out.push_str(if i == 0 { "\n\n- " } else { "\n- " });
        let line = escape(line.trim());
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        match line.as_bytes().get(digits) {
            Some(b'.' | b')') if digits > 0 => {
                out.push_str(&line[..digits]);
                out.push('\\');
                out.push_str(&line[digits..]);
            }
            _ => out.push_str(&line),
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
    fn each_further_line_is_a_list_item() {
        let table = [
            ("one line", "one line"),
            ("trailing break\n", "trailing break "),
            ("", ""),
            (
                "p.yml: 2 problems:\n1. bad <key>\n2. worse",
                "p.yml: 2 problems:\n\n- 1\\. bad &lt;key&gt;\n- 2\\. worse",
            ),
            ("first\n\n  second  \r\nthird", "first\n\n- second\n- third"),
            ("a\n10) b\n-x", "a\n\n- 10\\) b\n- -x"),
        ];
        for (input, expected) in table {
            assert_eq!(escape_lines(input), expected, "{input}");
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
