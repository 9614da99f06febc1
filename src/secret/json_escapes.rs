//! Secrets written with JSON `\uXXXX` escapes. A JSON text may write any character of a string
//! as an escape (`\u0074oken`, or all of it, as servers that escape everything outside plain
//! ASCII do), so the redactor's needles, matched on the text as it is, miss such a secret. The
//! answer bodies and error texts the redactor scrubs are JSON text, not yet parsed: it looks
//! for its needles again in the text with those escapes decoded, and masks the escaped span of
//! the original where one is found.

use aho_corasick::AhoCorasick;

use super::MASK;

/// `text` with its `\uXXXX` escapes decoded, and where each decoded character came from.
struct Decoded {
    text: String,
    /// Each decoded escape, in order: its start and end in `text`, then in the original.
    spans: Vec<(usize, usize, usize, usize)>,
}

/// The value of the four hex digits at `at`, if there are four.
fn hex4(b: &[u8], at: usize) -> Option<u32> {
    let digits = b.get(at..at + 4)?;
    let s = std::str::from_utf8(digits).ok()?;
    u32::from_str_radix(s, 16)
        .ok()
        .filter(|_| s.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// The character of the escape at `at` (its backslash) and the escape's length: one `\uXXXX`,
/// or two for a surrogate pair. A lone surrogate is no character and is left as it is.
fn escape_at(b: &[u8], at: usize) -> Option<(char, usize)> {
    let unit = hex4(b, at + 2)?;
    if (0xD800..0xDC00).contains(&unit) {
        let low = (b.get(at + 6..at + 8) == Some(b"\\u"))
            .then(|| hex4(b, at + 8))
            .flatten()
            .filter(|low| (0xDC00..0xE000).contains(low))?;
        let c = char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))?;
        return Some((c, 12));
    }
    Some((char::from_u32(unit)?, 6))
}

fn decode(text: &str) -> Decoded {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut spans = Vec::new();
    let (mut copied, mut i) = (0, 0);
    while let Some(off) = text[i..].find('\\') {
        let at = i + off;
        match b.get(at + 1) {
            // An escaped backslash: what follows it is text, not an escape.
            Some(b'\\') => i = at + 2,
            Some(b'u') => match escape_at(b, at) {
                Some((c, len)) => {
                    out.push_str(&text[copied..at]);
                    let start = out.len();
                    out.push(c);
                    spans.push((start, out.len(), at, at + len));
                    copied = at + len;
                    i = copied;
                }
                None => i = at + 2,
            },
            _ => i = at + 1,
        }
    }
    out.push_str(&text[copied..]);
    Decoded { text: out, spans }
}

impl Decoded {
    /// The offset in the original of offset `at` in the decoded text (a character boundary,
    /// as every match of a UTF-8 needle is).
    fn original(&self, at: usize) -> usize {
        let before = self.spans.partition_point(|s| s.0 <= at);
        match before.checked_sub(1).map(|i| self.spans[i]) {
            None => at,
            Some((start, _, orig_start, _)) if at == start => orig_start,
            Some((_, end, _, orig_end)) => orig_end + (at - end),
        }
    }
}

/// `text` with every needle of `matcher` that appears in it only through `\u` escapes masked,
/// or `None` when there is none (the common case: no escape, or no secret behind one).
pub(super) fn mask(matcher: &AhoCorasick, text: &str) -> Option<String> {
    if !text.contains("\\u") {
        return None;
    }
    let decoded = decode(text);
    if decoded.spans.is_empty() || !matcher.is_match(&decoded.text) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for m in matcher.find_iter(&decoded.text) {
        let (start, end) = (decoded.original(m.start()), decoded.original(m.end()));
        out.push_str(&text[copied..start]);
        out.push_str(MASK);
        copied = end;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::Redactor;

    /// Every character of `s` as a `\uXXXX` escape (`upper`: upper-case hex digits).
    fn escaped(s: &str, upper: bool) -> String {
        s.encode_utf16()
            .map(|u| {
                if upper {
                    format!("\\u{u:04X}")
                } else {
                    format!("\\u{u:04x}")
                }
            })
            .collect()
    }

    #[test]
    fn escaped_secrets_are_masked_and_nothing_else() {
        let r = Redactor::default();
        r.add("tok-Secret-123");
        r.add("pässwörd-😀-key");
        let token = escaped("tok-Secret-123", false);
        let table = [
            // Every character escaped, lower- and upper-case digits.
            (
                format!(r#"{{"message":"token {token} denied"}}"#),
                r#"{"message":"token *** denied"}"#.to_string(),
            ),
            (
                format!("a {} b", escaped("tok-Secret-123", true)),
                "a *** b".into(),
            ),
            // Some characters escaped, a surrogate pair for the emoji.
            (r#"x tok-\u0053ecret-123 y"#.into(), "x *** y".into()),
            (
                r#""p\u00e4ssw\u00f6rd-\ud83d\ude00-key""#.into(),
                r#""***""#.into(),
            ),
            // Plain and escaped in one text; other escapes left as they are.
            (
                format!(r#"tok-Secret-123 \u00e9 {token}"#),
                r#"*** \u00e9 ***"#.into(),
            ),
            // An escaped backslash starts no escape; a lone surrogate is no character.
            (
                r#"tok-Secret-12\\u0033"#.into(),
                r#"tok-Secret-12\\u0033"#.into(),
            ),
            (
                r#"\ud800 \u12 \u00zz tok"#.into(),
                r#"\ud800 \u12 \u00zz tok"#.into(),
            ),
        ];
        for (text, want) in table {
            assert_eq!(r.redact(&text), want, "{text}");
        }
    }
}
