//! The `json` gate's reader: the number at an RFC 6901 JSON pointer in any JSON report.
//!
//! The pointer is followed while streaming: serde_json visitors descend only into the
//! member/element named by the next token and skip everything else with `IgnoredAny`, so the
//! document is never materialised. serde_json's recursion limit (128) turns absurdly nested
//! input into an error rather than a stack overflow.

use std::fmt;
use std::path::Path;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::ReportError;
use super::parse::json::{json_error, open_json};

/// The number at `pointer` (RFC 6901, `~0`/`~1` escapes) in the JSON file `path`. The value
/// must be a JSON number or a string holding one (k6 and some tools quote numbers).
pub fn read_json_pointer(path: &Path, pointer: &str) -> Result<f64, ReportError> {
    let tokens = parse_pointer(pointer).map_err(|detail| ReportError::Pointer {
        path: path.to_path_buf(),
        pointer: pointer.to_string(),
        detail,
    })?;
    let reader = open_json(path, "JSON", "JSON")?;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let outcome = Nav {
        tokens: &tokens,
        pos: 0,
    }
    .deserialize(&mut de)
    .map_err(|e| json_error(path, "JSON", e))?;
    de.end().map_err(|e| json_error(path, "JSON", e))?;
    let perr = |detail: String| ReportError::Pointer {
        path: path.to_path_buf(),
        pointer: pointer.to_string(),
        detail,
    };
    match outcome {
        Outcome::Missing(detail) => Err(perr(detail)),
        Outcome::Leaf(Leaf::Number(n)) => Ok(n),
        Outcome::Leaf(Leaf::Str(s)) => match s.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(n),
            _ => Err(perr(format!(
                "points to the string {:?}, which is not a number",
                crate::text::truncate_chars(&s, 80)
            ))),
        },
        Outcome::Leaf(Leaf::Other(kind)) => {
            Err(perr(format!("points to {kind}; it must point to a number")))
        }
    }
}

/// Splits and unescapes a JSON pointer. `""` is the whole document.
pub(crate) fn parse_pointer(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = pointer.strip_prefix('/') else {
        return Err("must be empty or start with `/` (RFC 6901), e.g. `/metrics/rate`".into());
    };
    rest.split('/')
        .map(|raw| {
            let mut out = String::with_capacity(raw.len());
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                if c == '~' {
                    match chars.next() {
                        Some('0') => out.push('~'),
                        Some('1') => out.push('/'),
                        _ => {
                            return Err(format!(
                                "token `{raw}` has a `~` not followed by 0 or 1 (write `~0` for \
                                 `~` and `~1` for `/`)"
                            ));
                        }
                    }
                } else {
                    out.push(c);
                }
            }
            Ok(out)
        })
        .collect()
}

fn escape_token(t: &str) -> String {
    t.replace('~', "~0").replace('/', "~1")
}

enum Leaf {
    Number(f64),
    Str(String),
    Other(&'static str),
}

enum Outcome {
    Leaf(Leaf),
    Missing(String),
}

/// Follows `tokens[pos..]` through the value being deserialized.
struct Nav<'t> {
    tokens: &'t [String],
    pos: usize,
}

impl Nav<'_> {
    fn here(&self) -> String {
        if self.pos == 0 {
            "the document root".to_string()
        } else {
            let p: Vec<String> = self.tokens[..self.pos]
                .iter()
                .map(|t| escape_token(t))
                .collect();
            format!("`/{}`", p.join("/"))
        }
    }
}

impl<'de> DeserializeSeed<'de> for Nav<'_> {
    type Value = Outcome;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Outcome, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Nav<'_> {
    type Value = Outcome;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Outcome, E> {
        Ok(self.scalar(Leaf::Other("a boolean")))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Outcome, E> {
        Ok(self.scalar(Leaf::Number(v as f64)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Outcome, E> {
        Ok(self.scalar(Leaf::Number(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Outcome, E> {
        Ok(self.scalar(Leaf::Number(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Outcome, E> {
        Ok(self.scalar(Leaf::Str(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Outcome, E> {
        Ok(self.scalar(Leaf::Str(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Outcome, E> {
        Ok(self.scalar(Leaf::Other("null")))
    }
    fn visit_none<E: de::Error>(self) -> Result<Outcome, E> {
        Ok(self.scalar(Leaf::Other("null")))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Outcome, A::Error> {
        if self.pos == self.tokens.len() {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Outcome::Leaf(Leaf::Other("an object")));
        }
        let want = &self.tokens[self.pos];
        let mut found = None;
        let mut keys: Vec<String> = Vec::new();
        let mut more_keys = false;
        while let Some(key) = map.next_key::<String>()? {
            if found.is_none() && key == *want {
                found = Some(map.next_value_seed(Nav {
                    tokens: self.tokens,
                    pos: self.pos + 1,
                })?);
            } else {
                map.next_value::<IgnoredAny>()?;
                if keys.len() < 20 {
                    keys.push(key);
                } else {
                    more_keys = true;
                }
            }
        }
        Ok(found.unwrap_or_else(|| {
            let list = if keys.is_empty() {
                "it is an empty object".to_string()
            } else {
                format!(
                    "keys there: {}{}",
                    keys.join(", "),
                    if more_keys { ", …" } else { "" }
                )
            };
            Outcome::Missing(format!(
                "does not resolve: no key `{want}` in {} ({list})",
                self.here()
            ))
        }))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Outcome, A::Error> {
        if self.pos == self.tokens.len() {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Outcome::Leaf(Leaf::Other("an array")));
        }
        let want = &self.tokens[self.pos];
        let index = parse_index(want);
        let mut found = None;
        let mut len = 0usize;
        loop {
            if found.is_none() && Some(len) == index {
                match seq.next_element_seed(Nav {
                    tokens: self.tokens,
                    pos: self.pos + 1,
                })? {
                    Some(o) => found = Some(o),
                    None => break,
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                break;
            }
            len += 1;
        }
        Ok(found.unwrap_or_else(|| {
            Outcome::Missing(match index {
                Some(i) => format!(
                    "does not resolve: index {i} is out of range in {} (the array has {len} \
                     elements)",
                    self.here()
                ),
                None => format!(
                    "does not resolve: {} is an array and `{want}` is not an index (use 0, 1, …)",
                    self.here()
                ),
            })
        }))
    }
}

impl Nav<'_> {
    fn scalar(&self, leaf: Leaf) -> Outcome {
        if self.pos == self.tokens.len() {
            Outcome::Leaf(leaf)
        } else {
            let kind = match leaf {
                Leaf::Number(_) => "a number",
                Leaf::Str(_) => "a string",
                Leaf::Other(k) => k,
            };
            Outcome::Missing(format!(
                "does not resolve: {} is {kind}, so `{}` cannot be looked up in it",
                self.here(),
                self.tokens[self.pos]
            ))
        }
    }
}

/// RFC 6901 array index: `0` or digits without a leading zero.
fn parse_index(token: &str) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) {
        return None;
    }
    if !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reports::fixture;

    fn write(dir: &tempfile::TempDir, name: &str, body: &str) -> std::path::PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        p
    }

    #[test]
    fn pointers_resolve() {
        let dir = tempfile::tempdir().unwrap();
        let doc = write(
            &dir,
            "doc.json",
            r#"{"metrics": {"http_req_failed": {"rate": 0.0042, "passes": 3},
                "a/b": {"m~n": 7}, "q": "12.5", "arr": [10, {"x": -2}, 30]},
               "": 1, "flag": true, "nul": null, "s": "abc", "big": 18446744073709551615}"#,
        );
        let ok: &[(&str, f64)] = &[
            ("/metrics/http_req_failed/rate", 0.0042),
            ("/metrics/http_req_failed/passes", 3.0),
            ("/metrics/a~1b/m~0n", 7.0),
            ("/metrics/q", 12.5),
            ("/metrics/arr/0", 10.0),
            ("/metrics/arr/1/x", -2.0),
            ("/", 1.0),
            ("/big", 18446744073709551615.0),
        ];
        for (p, want) in ok {
            assert_eq!(read_json_pointer(&doc, p).unwrap(), *want, "{p}");
        }
        let bad: &[(&str, &str)] = &[
            ("metrics", "start with `/`"),
            ("/metrics/nope", "no key `nope`"),
            ("/metrics/arr/3", "out of range"),
            ("/metrics/arr/01", "not an index"),
            ("/metrics/arr/-", "not an index"),
            ("/metrics/q/x", "is a string"),
            ("/flag", "a boolean"),
            ("/nul", "null"),
            ("/s", "not a number"),
            ("/metrics", "an object"),
            ("/metrics/arr", "an array"),
            ("", "an object"),
            ("/a~2", "`~`"),
        ];
        for (p, want) in bad {
            let e = read_json_pointer(&doc, p).unwrap_err();
            assert!(matches!(e, ReportError::Pointer { .. }), "{p}: {e:?}");
            assert!(e.to_string().contains(want), "{p}: {e}");
            assert!(e.to_string().contains("doc.json"), "{p}: {e}");
        }
    }

    #[test]
    fn real_reports_via_pointer() {
        let cases: &[(&str, &str, f64)] = &[
            (
                "bench/k6-summary-export.json",
                "/metrics/http_req_failed/value",
                0.0125,
            ),
            (
                "bench/k6-handle-summary.json",
                "/metrics/http_req_failed/values/rate",
                0.0125,
            ),
            ("coverage/coverage-py.json", "/totals/num_statements", 37.0),
            (
                "hostile/single-line-5mb.sarif",
                "/runs/0/results/19999/locations/0/physicalLocation/region/startLine",
                1000.0,
            ),
        ];
        for (file, p, want) in cases {
            assert_eq!(
                read_json_pointer(&fixture(file), p).unwrap(),
                *want,
                "{file} {p}"
            );
        }
    }

    #[test]
    fn hostile_json_is_an_error_not_a_crash() {
        use ReportError as E;
        let table: &[(&str, crate::reports::ErrCheck)] = &[
            (
                "hostile/truncated.json",
                |e| matches!(e, E::Malformed { detail, .. } if detail.contains("truncated")),
            ),
            (
                "hostile/invalid.json",
                |e| matches!(e, E::Malformed { detail, .. } if detail.contains("line 1")),
            ),
            ("hostile/deeply-nested.json", |e| {
                matches!(e, E::Malformed { .. })
            }),
            ("hostile/empty.json", |e| matches!(e, E::Malformed { .. })),
            ("hostile/utf16-bom.xml", |e| {
                matches!(e, E::Malformed { .. })
            }),
            ("junit/nextest.xml", |e| {
                matches!(e, E::UnknownFormat { .. })
            }),
            ("coverage/coverage-py.lcov", |e| {
                matches!(e, E::UnknownFormat { .. })
            }),
        ];
        for (file, ok) in table {
            for p in ["/runs/0", ""] {
                match read_json_pointer(&fixture(file), p) {
                    Ok(v) => panic!("{file}: expected an error, got {v}"),
                    Err(e) => assert!(ok(&e), "{file} {p:?}: unexpected {e:?}"),
                }
            }
        }
    }

    #[test]
    fn trailing_garbage_is_malformed() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(&dir, "t.json", r#"{"a": 1} {"b": 2}"#);
        let e = read_json_pointer(&p, "/a").unwrap_err();
        assert!(matches!(e, ReportError::Malformed { .. }), "{e:?}");
    }
}
