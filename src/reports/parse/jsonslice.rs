//! Walks one JSON object held in a byte slice member by member: the members a reader wants
//! are handed over as raw value bytes (for serde, or read directly when they are plain
//! strings), every other value is skipped structurally — brackets match, strings close and hold
//! no raw control character — the rule the pull scanner (`jsonscan`) applies to what it skips.
//!
//! Why: a SARIF result is a few small members a gate reads (`ruleId`, `level`, …) beside large
//! ones it does not (`message`, `locations`, `codeFlows`, fingerprints). Deserializing the whole
//! object with serde spends most of its time visiting what is then ignored; skipping those
//! bytes with [`find_string_stop`] reads SARIF several times faster.

use std::borrow::Cow;

use super::bytescan::find_string_stop;

/// Why a slice could not be walked.
#[derive(Debug, PartialEq)]
pub(crate) enum SliceError {
    /// The slice ends before the object does: the caller should retry with more bytes.
    Incomplete,
    /// Not valid JSON or not the expected shape, in words.
    Invalid(String),
}

impl From<serde_json::Error> for SliceError {
    fn from(e: serde_json::Error) -> Self {
        if e.is_eof() {
            SliceError::Incomplete
        } else {
            SliceError::Invalid(e.to_string())
        }
    }
}

/// JSON's whitespace.
pub(crate) fn is_json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// The alphabet of a scalar (number, `true`, `false`, `null`) as a skipped value is checked
/// against: letters, digits, sign, point.
pub(crate) fn is_scalar_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')
}

fn invalid(detail: impl Into<String>) -> SliceError {
    SliceError::Invalid(detail.into())
}

fn skip_space(b: &[u8], mut i: usize) -> usize {
    while b.get(i).copied().is_some_and(is_json_space) {
        i += 1;
    }
    i
}

/// The next byte at or after `i` that is not whitespace, with its index.
fn next_token(b: &[u8], i: usize) -> Result<(usize, u8), SliceError> {
    let i = skip_space(b, i);
    b.get(i).map(|&c| (i, c)).ok_or(SliceError::Incomplete)
}

/// Calls `member(name, value)` for each member of the object starting at the first non-blank
/// byte of `bytes`, in order, with `name` unescaped (its bytes are not checked to be UTF-8: a
/// name no reader looks for is skipped like the value it names) and `value` the member's raw
/// bytes; returns the number of bytes up to and including the closing `}`. `open` is scratch
/// for the nesting of skipped values.
pub(crate) fn members<'a>(
    bytes: &'a [u8],
    open: &mut Vec<u8>,
    mut member: impl FnMut(&[u8], &'a [u8]) -> Result<(), SliceError>,
) -> Result<usize, SliceError> {
    let (start, first) = next_token(bytes, 0)?;
    if first != b'{' {
        return Err(invalid(format!(
            "expected an object, found `{}`",
            first.escape_ascii()
        )));
    }
    let (mut i, mut c) = next_token(bytes, start + 1)?;
    if c == b'}' {
        return Ok(i + 1);
    }
    loop {
        if c != b'"' {
            return Err(invalid(format!(
                "expected a member name, found `{}`",
                c.escape_ascii()
            )));
        }
        let (key_end, escaped) = string_end(bytes, i)?;
        let quoted = &bytes[i..key_end];
        let unescaped;
        let key = if escaped {
            unescaped = serde_json::from_slice::<String>(quoted)?;
            unescaped.as_bytes()
        } else {
            &quoted[1..quoted.len() - 1]
        };
        let (colon, c2) = next_token(bytes, key_end)?;
        if c2 != b':' {
            return Err(invalid(format!(
                "expected `:` after member `{}`, found `{}`",
                key.escape_ascii(),
                c2.escape_ascii()
            )));
        }
        let (value_start, _) = next_token(bytes, colon + 1)?;
        let value_end = value_end(bytes, value_start, open)?;
        member(key, &bytes[value_start..value_end])?;
        (i, c) = next_token(bytes, value_end)?;
        match c {
            b',' => (i, c) = next_token(bytes, i + 1)?,
            b'}' => return Ok(i + 1),
            other => {
                return Err(invalid(format!(
                    "expected `,` or `}}` after member `{}`, found `{}`",
                    key.escape_ascii(),
                    other.escape_ascii()
                )));
            }
        }
    }
}

/// [`members`] for a reader that wants the members named in `names` (at most 64): calls
/// `member(i, value)` with the index in `names` of each one present, skipping the others. A
/// wanted member given twice is an error, as serde reports a duplicate struct field.
pub(crate) fn wanted_members<'a>(
    bytes: &'a [u8],
    open: &mut Vec<u8>,
    names: &[&str],
    mut member: impl FnMut(usize, &'a [u8]) -> Result<(), SliceError>,
) -> Result<usize, SliceError> {
    let mut seen = 0u64;
    members(bytes, open, |key, value| {
        let Some(i) = names.iter().position(|name| name.as_bytes() == key) else {
            return Ok(());
        };
        if seen & (1 << i) != 0 {
            return Err(invalid(format!("duplicate field `{}`", names[i])));
        }
        seen |= 1 << i;
        member(i, value)
    })
}

/// A string value's text, borrowed when it needs no unescaping; `None` for `null`. Anything
/// else is an error naming `what`.
pub(crate) fn string_or_null<'a>(
    value: &'a [u8],
    what: &str,
) -> Result<Option<Cow<'a, str>>, SliceError> {
    if value == b"null" {
        return Ok(None);
    }
    if value.first() != Some(&b'"') {
        return Err(invalid(format!(
            "`{what}` is not a string (found `{}`)",
            String::from_utf8_lossy(&value[..value.len().min(40)])
        )));
    }
    let inner = &value[1..value.len() - 1];
    if !inner.contains(&b'\\') {
        return std::str::from_utf8(inner)
            .map(|s| Some(Cow::Borrowed(s)))
            .map_err(|_| invalid(format!("`{what}` is not valid UTF-8")));
    }
    serde_json::from_slice::<String>(value)
        .map(|s| Some(Cow::Owned(s)))
        .map_err(|e| invalid(format!("`{what}`: {e}")))
}

/// Index just past the string whose opening quote is at `i`, and whether it has escapes.
#[inline]
fn string_end(b: &[u8], i: usize) -> Result<(usize, bool), SliceError> {
    let mut j = i + 1;
    let mut escaped = false;
    loop {
        j = find_string_stop(b, j).ok_or(SliceError::Incomplete)?;
        match b[j] {
            b'"' => return Ok((j + 1, escaped)),
            b'\\' => {
                if j + 1 >= b.len() {
                    return Err(SliceError::Incomplete);
                }
                escaped = true;
                j += 2;
            }
            _ => return Err(invalid("a control character inside a string")),
        }
    }
}

/// Index just past the value starting at `i` (a non-blank byte).
fn value_end(b: &[u8], i: usize, open: &mut Vec<u8>) -> Result<usize, SliceError> {
    match b[i] {
        b'"' => string_end(b, i).map(|(end, _)| end),
        b'{' | b'[' => nested_end(b, i, open),
        c if c.is_ascii_alphanumeric() || c == b'-' => {
            let len = b[i..]
                .iter()
                .position(|&c| !is_scalar_byte(c))
                .ok_or(SliceError::Incomplete)?;
            Ok(i + len)
        }
        c => Err(invalid(format!(
            "expected a value, found `{}`",
            c.escape_ascii()
        ))),
    }
}

/// Index just past the object or array starting at `i`, brackets matched on `open`.
fn nested_end(b: &[u8], i: usize, open: &mut Vec<u8>) -> Result<usize, SliceError> {
    open.clear();
    let mut j = i;
    loop {
        let c = *b.get(j).ok_or(SliceError::Incomplete)?;
        j += 1;
        match c {
            b'"' => j = string_end(b, j - 1)?.0,
            b'{' | b'[' => open.push(c),
            b'}' | b']' => {
                let want = if c == b'}' { b'{' } else { b'[' };
                if open.pop() != Some(want) {
                    return Err(invalid(format!("mismatched `{}`", c as char)));
                }
                if open.is_empty() {
                    return Ok(j);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(text: &str) -> Result<(Vec<(String, String)>, usize), SliceError> {
        let mut got = Vec::new();
        let mut open = Vec::new();
        let used = members(text.as_bytes(), &mut open, |k, v| {
            got.push((
                String::from_utf8_lossy(k).into_owned(),
                String::from_utf8_lossy(v).into_owned(),
            ));
            Ok(())
        })?;
        Ok((got, used))
    }

    #[test]
    fn members_come_with_their_raw_values() {
        let text =
            r#" { "a" : 1 , "b":"x\"}y", "c\u0064":{"n":[1,{"m":"]"}]},"e":null,"f":[] }, next"#;
        let (got, used) = walk(text).unwrap();
        let want = [
            ("a", "1"),
            ("b", r#""x\"}y""#),
            ("cd", r#"{"n":[1,{"m":"]"}]}"#),
            ("e", "null"),
            ("f", "[]"),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(got, want);
        assert_eq!(&text[used..], ", next");
        assert_eq!(walk("{}").unwrap().1, 2);
    }

    #[test]
    fn every_cut_of_a_valid_object_is_incomplete() {
        let text = r#"{"ruleId":"R1","level":"error","message":{"text":"a \"quoted\" \\ text"},"locations":[{"physicalLocation":{"region":{"startLine":12}}}],"rank":-1.5e3}"#;
        assert!(walk(text).is_ok());
        for cut in 0..text.len() {
            assert_eq!(
                walk(&text[..cut]).map(|_| ()),
                Err(SliceError::Incomplete),
                "cut at {cut}: {}",
                &text[..cut]
            );
        }
    }

    #[test]
    fn broken_objects_are_invalid_not_incomplete() {
        for bad in [
            "[1]",
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            r#"{"a":1 "b":2}"#,
            r#"{a:1}"#,
            r#"{"a":{"b":1]}"#,
            r#"{"a":[}"#,
            "{\"a\":\"line\nbreak\"}",
            r#"{"a":,}"#,
            "{\"\u{0}\":1}",
            r#"{"\x":1}"#,
        ] {
            assert!(
                matches!(walk(bad), Err(SliceError::Invalid(_))),
                "{bad:?}: {:?}",
                walk(bad)
            );
        }
    }

    #[test]
    fn wanted_members_come_by_index_and_only_once() {
        let names = ["level", "ruleId"];
        let mut got = Vec::new();
        let mut open = Vec::new();
        let text = br#"{"ruleId":"R1","message":{"level":"x"},"level":"error"}"#;
        let used = wanted_members(text, &mut open, &names, |i, v| {
            got.push((i, String::from_utf8_lossy(v).into_owned()));
            Ok(())
        })
        .unwrap();
        assert_eq!(used, text.len());
        assert_eq!(got, [(1, "\"R1\"".into()), (0, "\"error\"".into())]);
        let twice = br#"{"level":"error","level":"note"}"#;
        assert_eq!(
            wanted_members(twice, &mut open, &names, |_, _| Ok(())),
            Err(SliceError::Invalid("duplicate field `level`".into()))
        );
    }

    #[test]
    fn strings_are_borrowed_unless_escaped() {
        let plain = string_or_null(br#""error""#, "level").unwrap();
        assert!(matches!(plain, Some(Cow::Borrowed("error"))));
        let escaped = string_or_null(br#""err\u006fr""#, "level").unwrap();
        assert_eq!(escaped.as_deref(), Some("error"));
        assert_eq!(string_or_null(b"null", "level").unwrap(), None);
        assert!(matches!(
            string_or_null(b"5", "level"),
            Err(SliceError::Invalid(m)) if m.contains("`level` is not a string")
        ));
    }

    proptest::proptest! {
        /// Any text made of JSON's pieces: never a panic, and whenever serde reads it as an
        /// object, the walk finds the same members with the same values (compared parsed).
        #[test]
        fn the_walk_agrees_with_serde_on_any_text(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "{", "}", "[", "]", ":", ",", " ", "\"", "\\", "\\\"", "\\u0041", "a", "1",
                    "-2.5e3", "null", "true", "\"k\"", "\"v\"", "\n", "\u{1}", "é",
                ]),
                0..40,
            )
        ) {
            let text: String = pieces.concat();
            let mut open = Vec::new();
            let mut got = Vec::new();
            let walked = members(text.as_bytes(), &mut open, |k, v| {
                got.push((k.to_vec(), v.to_vec()));
                Ok(())
            });
            let mut stream = serde_json::Deserializer::from_str(&text)
                .into_iter::<serde_json::Map<String, serde_json::Value>>();
            if let Some(Ok(map)) = stream.next() {
                let used = walked.expect("serde read an object the walk refused");
                proptest::prop_assert_eq!(used, stream.byte_offset());
                let mut seen = serde_json::Map::new();
                for (k, v) in got {
                    let value: serde_json::Value = serde_json::from_slice(&v).unwrap();
                    seen.insert(String::from_utf8(k).unwrap(), value);
                }
                proptest::prop_assert_eq!(seen, map);
            }
        }

        /// Valid objects of any content, compact or pretty: the walk gives back every member.
        #[test]
        fn the_walk_reads_every_valid_object(
            members_in in proptest::collection::vec(
                ("[a-z\\\\\"é\u{1}]{0,6}", json_value()),
                0..8,
            ),
            pretty in proptest::bool::ANY,
        ) {
            let map: serde_json::Map<String, serde_json::Value> = members_in.into_iter().collect();
            let text = if pretty {
                serde_json::to_string_pretty(&map).unwrap()
            } else {
                serde_json::to_string(&map).unwrap()
            };
            let mut open = Vec::new();
            let mut seen = serde_json::Map::new();
            let used = members(text.as_bytes(), &mut open, |k, v| {
                let value: serde_json::Value = serde_json::from_slice(v).unwrap();
                seen.insert(String::from_utf8(k.to_vec()).unwrap(), value);
                Ok(())
            })
            .unwrap();
            proptest::prop_assert_eq!(used, text.len());
            proptest::prop_assert_eq!(seen, map);
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| serde_json::json!(n)),
            "[ -~é\\u{1}\\u{7f}]{0,12}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
                proptest::collection::btree_map("[a-z{}\\[\\]\"]{0,4}", inner, 0..4)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }
}
