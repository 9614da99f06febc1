//! Finds the line and column of a key path in the policy text.
//!
//! Validation runs after deserialization, when positions are gone, and `yaml_serde` has no
//! `Spanned` type. Instead of re-implementing a YAML scanner, the locator deserializes the text a
//! second time with a probe that walks the key path and deliberately fails when it reaches the
//! target; `yaml_serde` attaches the exact position of the current YAML event to that error.
//! This handles block and flow style, quoting, comments and anchors exactly like the parser did.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// One step of a key path: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A mapping key, as written in the file.
    Key(String),
    /// A 0-based sequence index.
    Index(usize),
}

/// A key path such as `stages.QA.gates[1].coverage.min-line`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KeyPath(pub(crate) Vec<Seg>);

impl KeyPath {
    /// The document root.
    pub(crate) fn root() -> Self {
        KeyPath(Vec::new())
    }

    /// This path extended by a mapping key.
    pub(crate) fn key(&self, k: &str) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Key(k.to_string()));
        KeyPath(v)
    }

    /// This path extended by a sequence index.
    pub(crate) fn index(&self, i: usize) -> Self {
        let mut v = self.0.clone();
        v.push(Seg::Index(i));
        KeyPath(v)
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => f.write_str(k)?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Which position to report for a mapping entry: its key or its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum At {
    /// The key of the last path segment (`min-line` in `min-line: 150`).
    Key,
    /// The value at the path (`150` in `min-line: 150`).
    Value,
}

/// Error text that marks the probe's deliberate failure.
const MARKER: &str = "\u{0}policy-locate\u{0}";

/// Returns the 1-based (line, column) of `path` in `text`, falling back to the closest ancestor
/// that exists, and to (1, 1).
pub(crate) fn locate(text: &str, path: &KeyPath, at: At) -> (usize, usize) {
    let mut segs: &[Seg] = &path.0;
    let mut at = at;
    loop {
        if let Some(pos) = probe(text, segs, at) {
            return pos;
        }
        match segs.split_last() {
            Some((_, rest)) => {
                segs = rest;
                at = At::Key;
            }
            None => return (1, 1),
        }
    }
}

/// Whether `path` is written in `text`.
pub(crate) fn exists(text: &str, path: &KeyPath) -> bool {
    probe(text, &path.0, At::Key).is_some()
}

/// Runs one probe for `segs`; `None` when the path does not exist in the text.
fn probe(text: &str, segs: &[Seg], at: At) -> Option<(usize, usize)> {
    let de = yaml_serde::Deserializer::from_str(text);
    let seed = Probe {
        rest: segs,
        at: if segs.is_empty() { At::Value } else { at },
    };
    match seed.deserialize(de) {
        Ok(()) => None,
        Err(e) if e.to_string().contains(MARKER) => e
            .location()
            .map(|l| (l.line(), l.column()))
            .or(Some((1, 1))),
        Err(_) => None,
    }
}

/// Walks towards the target path and fails when it reaches it.
struct Probe<'a> {
    /// Path segments still to walk.
    rest: &'a [Seg],
    /// Whether to report the final key or its value.
    at: At,
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.rest.is_empty() {
            d.deserialize_any(Fail)
        } else {
            d.deserialize_any(self)
        }
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let (first, rest) = match self.rest.split_first() {
            Some((Seg::Key(k), rest)) => (k.as_str(), rest),
            _ => {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                return Ok(());
            }
        };
        let fail_on_key = rest.is_empty() && self.at == At::Key;
        while let Some(hit) = map.next_key_seed(KeySeed {
            target: first,
            fail: fail_on_key,
        })? {
            if hit {
                map.next_value_seed(Probe { rest, at: self.at })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let (target, rest) = match self.rest.split_first() {
            Some((Seg::Index(n), rest)) => (*n, rest),
            _ => {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                return Ok(());
            }
        };
        let mut i = 0;
        loop {
            let more = if i == target {
                seq.next_element_seed(Probe { rest, at: self.at })?
            } else {
                seq.next_element::<IgnoredAny>()?.map(|_| ())
            };
            if more.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Reads a mapping key; reports whether it is the target and fails there when asked to.
struct KeySeed<'a> {
    /// The key being looked for.
    target: &'a str,
    /// Fail (to report the key's position) when the key is found.
    fail: bool,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        if v == self.target {
            if self.fail {
                return Err(E::custom(MARKER));
            }
            return Ok(true);
        }
        Ok(false)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<bool, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

/// Fails on whatever value it is given, so that the deserializer reports its position.
struct Fail;

impl<'de> Visitor<'de> for Fail {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MARKER)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(MARKER))
    }
    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(MARKER))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom(MARKER))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
version: 1
stages:
  QA:
    gates:
      - name: unit tests
        junit:
          paths: [\"a\"]
      - coverage: { path: c.xml, min-line: 150 }
";

    fn p(segs: &[&str]) -> KeyPath {
        KeyPath(
            segs.iter()
                .map(|s| match s.parse::<usize>() {
                    Ok(n) => Seg::Index(n),
                    Err(_) => Seg::Key((*s).to_string()),
                })
                .collect(),
        )
    }

    #[test]
    fn locates_keys_values_and_flow_style() {
        assert_eq!(locate(TEXT, &p(&["version"]), At::Key), (1, 1));
        assert_eq!(locate(TEXT, &p(&["version"]), At::Value), (1, 10));
        assert_eq!(locate(TEXT, &p(&["stages", "QA"]), At::Key), (3, 3));
        assert_eq!(
            locate(TEXT, &p(&["stages", "QA", "gates", "0", "junit"]), At::Key),
            (6, 9)
        );
        assert_eq!(
            locate(
                TEXT,
                &p(&["stages", "QA", "gates", "1", "coverage", "min-line"]),
                At::Value
            ),
            (8, 44)
        );
        assert_eq!(
            locate(
                TEXT,
                &p(&["stages", "QA", "gates", "1", "coverage", "min-line"]),
                At::Key
            ),
            (8, 34)
        );
    }

    #[test]
    fn falls_back_to_nearest_ancestor() {
        assert_eq!(
            locate(TEXT, &p(&["stages", "QA", "windows", "0"]), At::Value),
            (3, 3)
        );
        assert_eq!(locate(TEXT, &p(&["nope"]), At::Value), (1, 1));
    }

    #[test]
    fn displays_paths() {
        assert_eq!(
            p(&["stages", "QA", "gates", "1", "coverage", "min-line"]).to_string(),
            "stages.QA.gates[1].coverage.min-line"
        );
        assert_eq!(KeyPath::root().key("version").to_string(), "version");
        assert_eq!(KeyPath::root().index(2).to_string(), "[2]");
    }
}
