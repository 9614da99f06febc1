//! The outline of a policy document: which keys each mapping writes, how long each list is.
//!
//! `assemble.rs` reads a policy piece by piece (see `pieces.rs`); the outline says what the
//! pieces are — and, for an application's stage entry, which keys it writes at all (`gates: []`
//! overrides, an absent `gates` inherits). It is taken in one pass with the same deserializer,
//! so a syntax error is found here first, and only as deep as the reader needs.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, EnumAccess, IgnoredAny, MapAccess, SeqAccess, VariantAccess, Visitor,
};

/// Deepest mapping whose keys the outline records: a stage of an application
/// (`applications.<app>.stages.<stage>`) is at depth 4.
const SHAPE_DEPTH: usize = 4;

/// The outline of a YAML node: enough to read it piece by piece.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// `~`, `null` or nothing.
    Null,
    /// Any other scalar.
    Scalar,
    /// A sequence of this many items.
    Seq(usize),
    /// A mapping: its keys as text, in file order, repeats kept (deeper than [`SHAPE_DEPTH`],
    /// no entries are recorded).
    Map(Vec<(String, Shape)>),
}

impl Shape {
    /// The outline of a whole document; a syntax error is the parser's.
    pub(crate) fn read(text: &str) -> Result<Shape, yaml_serde::Error> {
        ShapeSeed { depth: 0 }.deserialize(yaml_serde::Deserializer::from_str(text))
    }

    /// The entries of a mapping (none for anything else).
    pub(crate) fn entries(&self) -> &[(String, Shape)] {
        match self {
            Shape::Map(e) => e,
            _ => &[],
        }
    }

    /// Whether this mapping writes `key` (with any value, `null` included).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.entries().iter().any(|(k, _)| k == key)
    }
}

/// Builds a [`Shape`] at a given depth.
struct ShapeSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ShapeSeed {
    type Value = Shape;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Shape, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ShapeSeed {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::Scalar)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Shape, E> {
        Ok(Shape::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Shape, E> {
        Ok(Shape::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Shape, D::Error> {
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let mut n = 0;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            n += 1;
        }
        Ok(Shape::Seq(n))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key_seed(KeyText)? {
            if self.depth > SHAPE_DEPTH {
                map.next_value::<IgnoredAny>()?;
            } else {
                let value = map.next_value_seed(ShapeSeed {
                    depth: self.depth + 1,
                })?;
                entries.push((key, value));
            }
        }
        Ok(Shape::Map(entries))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Shape, A::Error> {
        // A tagged value (`!tag x`): no policy key takes one; its own reader says so.
        let (IgnoredAny, variant) = data.variant::<IgnoredAny>()?;
        variant.newtype_variant::<IgnoredAny>()?;
        Ok(Shape::Scalar)
    }
}

/// A mapping key as text (numbers and booleans as written by `to_string`).
pub(crate) struct KeyText;

impl<'de> DeserializeSeed<'de> for KeyText {
    type Value = String;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyText {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Ok(String::new())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok("{…}".to_string())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok("[…]".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
version: 1
x-anchor: &w { days: [mon], start: \"09:00\", end: \"10:00\", timezone: UTC }
stages:
  QA:
    windows: [*w, *w, *w, *w]
  QA:
    gates: []
";

    #[test]
    fn shape_keeps_keys_repeats_and_counts() {
        let s = Shape::read(TEXT).expect("shape");
        let keys: Vec<&str> = s.entries().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["version", "x-anchor", "stages"]);
        let stages = &s.entries()[2].1;
        let stage_keys: Vec<&str> = stages.entries().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(stage_keys, ["QA", "QA"]);
        assert_eq!(stages.entries()[0].1.entries()[0].1, Shape::Seq(4));
        assert!(stages.entries()[1].1.has("gates"));
    }
}
