//! Bounding text that comes from outside (report messages, remote answers) to a number of
//! characters, never splitting one.

/// `s` cut to at most `max` characters (on a char boundary).
pub(crate) fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((idx, _)) => s[..idx].to_string(),
        None => s.to_string(),
    }
}
