//! Text that comes from outside (report messages, remote answers, secrets): bounded to a number
//! of characters, never splitting one, and escaped as the data of a workflow command (the
//! runner's rules, shared by the reports' commands and the redactor that recognises its own
//! `::add-mask::` lines).

/// Escapes the data part of a workflow command as `@actions/core` does (`%`, CR, LF).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `s` cut to at most `max` characters (on a char boundary).
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((idx, _)) => s[..idx].to_string(),
        None => s.to_string(),
    }
}
