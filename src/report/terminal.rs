//! The job summary as plain text, for `promote-action demo` in a terminal.
//!
//! The summary is GitHub markdown with escaped report text (`\_`, `&lt;`, `<details>`); in a
//! terminal those escapes are noise. This undoes them for display only: the markdown written
//! to `GITHUB_STEP_SUMMARY` is never passed through here.

/// Markdown summary → readable terminal text.
pub(crate) fn plain(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for line in markdown.lines() {
        let mut l = line.to_string();
        if let Some(rest) = l.strip_prefix("<details><summary>") {
            l = format!("▸ {}", rest.trim_end_matches("</summary>"));
        }
        for tag in ["</details>", "<sub>", "</sub>"] {
            l = l.replace(tag, "");
        }
        l = l.replace("**", "").replace('\u{200b}', "");
        l = unescape_backslashes(&l);
        for (entity, c) in [
            ("&lt;", "<"),
            ("&gt;", ">"),
            ("&quot;", "\""),
            ("&#124;", "|"),
            ("&amp;", "&"),
        ] {
            l = l.replace(entity, c);
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn unescape_backslashes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_undone_for_the_terminal() {
        let md = "## ✅ a\\_b &lt;x&gt; **bold**\n<details><summary>1 failing test</summary>\n| `t` | a &#124; b |\n</details>\n<sub>promote-action</sub>\n";
        assert_eq!(
            plain(md),
            "## ✅ a_b <x> bold\n▸ 1 failing test\n| `t` | a | b |\n\npromote-action\n"
        );
    }
}
