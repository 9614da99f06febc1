//! Reads the policy text one piece at a time, so one mistake does not hide the next.
//!
//! serde stops at the first error of a document, and `yaml_serde` cannot resume after one. To
//! report every mistake in a file at once, the reader (`assemble.rs`) first takes the outline
//! of the document (`shape.rs`: which keys, how many items), then deserializes each stage, gate,
//! window and freeze on its own. Each piece is read by the same text deserializer as a whole
//! file would be — a walk that ignores everything but the piece — so types, messages and
//! positions are exactly those `yaml_serde` gives, and a bad gate costs only that gate.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::locate::{KeyPath, Seg};
use super::shape::KeyText;

/// Reads the node at `path` as `T`; `Ok(None)` when the text has no such node.
pub(crate) fn value_at<T: DeserializeOwned>(
    text: &str,
    path: &KeyPath,
) -> Result<Option<T>, yaml_serde::Error> {
    let mut slot = None;
    walk(text, path, One { slot: &mut slot })?;
    Ok(slot)
}

/// The items of a list, or the values of a mapping, read one by one.
pub(crate) struct Items<T> {
    /// Items that were read: (index in the list or mapping, value).
    pub(crate) ok: Vec<(usize, T)>,
    /// Items that were not: (index, the error).
    pub(crate) failed: Vec<(usize, yaml_serde::Error)>,
}

/// Reads each item of the list (or each value of the mapping) at `path` as `T`, from index
/// `from` on. A bad item costs one more pass over the text; after `max_failures` bad items
/// (at least one) the rest is not read.
pub(crate) fn items_at<T: DeserializeOwned>(
    text: &str,
    path: &KeyPath,
    from: usize,
    max_failures: usize,
) -> Items<T> {
    let mut items = Items {
        ok: Vec::new(),
        failed: Vec::new(),
    };
    let mut from = from;
    loop {
        let mut at = None;
        let target = Each {
            from,
            out: &mut items.ok,
            at: &mut at,
        };
        match (walk(text, path, target), at) {
            (Ok(()), _) => break,
            (Err(e), Some(i)) => {
                items.failed.push((i, e));
                from = i + 1;
                if items.failed.len() >= max_failures {
                    break;
                }
            }
            // Not an item's error (the caller checked the container's shape): report it once.
            (Err(e), None) => {
                items.failed.push((from, e));
                break;
            }
        }
    }
    items
}

/// The position of the key of the `index`-th entry (0-based, repeats counted) of the mapping at
/// `path`; `None` when there is no such entry.
pub(crate) fn key_position(text: &str, path: &KeyPath, index: usize) -> Option<(usize, usize)> {
    match walk(text, path, KeyAt { index }) {
        Err(e) if e.to_string().contains(MARKER) => e
            .location()
            .map(|l| (l.line(), l.column()))
            .or(Some((1, 1))),
        _ => None,
    }
}

/// Error text that marks [`KeyAt`]'s deliberate failure.
const MARKER: &str = "\u{0}policy-key-at\u{0}";

/// What to do with the node a [`walk`] reaches.
trait Target {
    fn read<'de, D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error>;
}

/// Deserializes the whole document, descending along `path` and handing the node there to
/// `target`; everything else is skipped (every entry is still consumed: `yaml_serde` checks
/// each mapping's length).
fn walk<T: Target>(text: &str, path: &KeyPath, target: T) -> Result<(), yaml_serde::Error> {
    Walk {
        rest: &path.0,
        target,
    }
    .deserialize(yaml_serde::Deserializer::from_str(text))
}

/// One step of a [`walk`].
struct Walk<'p, T> {
    rest: &'p [Seg],
    target: T,
}

impl<'de, T: Target> DeserializeSeed<'de> for Walk<'_, T> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        if self.rest.is_empty() {
            self.target.read(d)
        } else {
            d.deserialize_any(Step {
                rest: self.rest,
                target: Some(self.target),
            })
        }
    }
}

/// Visits the node on the way: finds the next segment (first occurrence), skips the rest.
struct Step<'p, T> {
    rest: &'p [Seg],
    target: Option<T>,
}

impl<'de, T: Target> Visitor<'de> for Step<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let (key, tail) = match self.rest.split_first() {
            Some((Seg::Key(k), tail)) => (k.as_str(), tail),
            _ => ("", self.rest),
        };
        while let Some(k) = map.next_key_seed(KeyText)? {
            match self.target.take() {
                Some(target) if !key.is_empty() && k == key => {
                    map.next_value_seed(Walk { rest: tail, target })?;
                }
                other => {
                    self.target = other;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let (wanted, tail) = match self.rest.split_first() {
            Some((Seg::Index(n), tail)) => (Some(*n), tail),
            _ => (None, self.rest),
        };
        let mut i = 0;
        loop {
            let more = match (wanted == Some(i), self.target.take()) {
                (true, Some(target)) => seq.next_element_seed(Walk { rest: tail, target })?,
                (_, other) => {
                    self.target = other;
                    seq.next_element::<IgnoredAny>()?.map(|_| ())
                }
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
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        let (IgnoredAny, variant) = data.variant::<IgnoredAny>()?;
        variant.newtype_variant::<IgnoredAny>()?;
        Ok(())
    }
}

/// Reads the node as `T` into `slot`.
struct One<'s, T> {
    slot: &'s mut Option<T>,
}

impl<T: DeserializeOwned> Target for One<'_, T> {
    fn read<'de, D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        *self.slot = Some(T::deserialize(d)?);
        Ok(())
    }
}

/// Reads each item (index ≥ `from`) of a list or mapping as `T` into `out`; `at` holds the
/// index being read, so a failure names its item.
struct Each<'s, T> {
    from: usize,
    out: &'s mut Vec<(usize, T)>,
    at: &'s mut Option<usize>,
}

impl<T: DeserializeOwned> Target for Each<'_, T> {
    fn read<'de, D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for Each<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list or a mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut i = 0;
        while map.next_key::<IgnoredAny>()?.is_some() {
            if i < self.from {
                map.next_value::<IgnoredAny>()?;
            } else {
                *self.at = Some(i);
                let v = map.next_value::<T>()?;
                self.out.push((i, v));
            }
            i += 1;
        }
        *self.at = None;
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            if i < self.from {
                if seq.next_element::<IgnoredAny>()?.is_none() {
                    break;
                }
            } else {
                *self.at = Some(i);
                match seq.next_element::<T>()? {
                    Some(v) => self.out.push((i, v)),
                    None => break,
                }
            }
            i += 1;
        }
        *self.at = None;
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Fails at the key of the `index`-th entry of a mapping, so the error carries its position.
struct KeyAt {
    index: usize,
}

impl Target for KeyAt {
    fn read<'de, D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyAt {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut i = 0;
        loop {
            if i == self.index {
                map.next_key_seed(FailKey)?;
            }
            if map.next_entry::<IgnoredAny, IgnoredAny>()?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
}

/// Fails on whatever key it is given.
struct FailKey;

impl<'de> DeserializeSeed<'de> for FailKey {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(FailKey)
    }
}

impl<'de> Visitor<'de> for FailKey {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MARKER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::raw::RawWindow;

    const TEXT: &str = "\
version: 1
x-anchor: &w { days: [mon], start: \"09:00\", end: \"10:00\", timezone: UTC }
stages:
  QA:
    windows:
      - *w
      - { days: [tue], start: [9], end: \"10:00\", timezone: UTC }
      - { days: [wed], start: \"09:00\", end: \"10:00\", timezone: UTC, extra: 1 }
      - { days: [thu], start: \"09:00\", end: \"10:00\", timezone: UTC }
  QA:
    gates: []
";

    #[test]
    fn items_are_read_one_by_one_with_positions() {
        let path = KeyPath::root().key("stages").key("QA").key("windows");
        let items = items_at::<RawWindow>(TEXT, &path, 0, 10);
        let ok: Vec<usize> = items.ok.iter().map(|(i, _)| *i).collect();
        assert_eq!(ok, [0, 3]);
        let failed: Vec<(usize, usize)> = items
            .failed
            .iter()
            .map(|(i, e)| (*i, e.location().map_or(0, |l| l.line())))
            .collect();
        assert_eq!(failed, [(1, 7), (2, 8)]);
        assert!(
            items.failed[1]
                .1
                .to_string()
                .contains("unknown field `extra`")
        );
    }

    #[test]
    fn values_and_key_positions() {
        let v: Option<u64> = value_at(TEXT, &KeyPath::root().key("version")).expect("read");
        assert_eq!(v, Some(1));
        let none: Option<u64> = value_at(TEXT, &KeyPath::root().key("nope")).expect("read");
        assert_eq!(none, None);
        let stages = KeyPath::root().key("stages");
        assert_eq!(key_position(TEXT, &stages, 0), Some((4, 3)));
        assert_eq!(key_position(TEXT, &stages, 1), Some((10, 3)));
        assert_eq!(key_position(TEXT, &stages, 2), None);
    }
}
