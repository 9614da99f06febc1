//! The failing tests of a version as its decision attestation records them, per gate: what the
//! regression mode of a later promotion compares against (SPEC "Changes, regressions,
//! quarantine").
//!
//! Bounded so an attestation stays small whatever a test run did: names are kept verbatim
//! while they are short and the list is small; a name longer than [`MAX_NAME_BYTES`], and every
//! name once [`VERBATIM_BYTES`] of names are written, is kept as `sha256:` and the first 32 hex
//! digits of its sha256 (128 bits: no two test names of a run collide); at most
//! [`MAX_ENTRIES`] entries, past which the list says it is incomplete. A name matches an entry
//! when it is the entry or hashes to it, so a comparison works whatever form was kept.

use serde::{Deserialize, Serialize};

/// Longest name kept verbatim, in bytes.
pub(crate) const MAX_NAME_BYTES: usize = 256;
/// Bytes of verbatim names per gate before the rest are hashed.
pub(crate) const VERBATIM_BYTES: usize = 64 * 1024;
/// Most entries per gate.
pub(crate) const MAX_ENTRIES: usize = 10_000;
const HASH_PREFIX: &str = "sha256:";

/// The failing tests of one gate of one run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub(crate) struct AttestedFailures {
    /// How many tests failed (failures and errors), named or not.
    pub(crate) total: u64,
    /// Each failing test's full name, or `sha256:<32 hex>` of it.
    pub(crate) names: Vec<String>,
    /// Whether every failing test is in `names`.
    pub(crate) complete: bool,
}

/// `sha256:` and the first 32 hex digits of the name's sha256.
pub(crate) fn hashed(name: &str) -> String {
    let hex = crate::digest::sha256_hex(name.as_bytes());
    format!("{HASH_PREFIX}{}", &hex[..32])
}

/// Whether an entry is a hash rather than a name.
pub(crate) fn is_hash(entry: &str) -> bool {
    entry.len() == HASH_PREFIX.len() + 32
        && entry.starts_with(HASH_PREFIX)
        && entry[HASH_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
}

impl AttestedFailures {
    /// The bounded form of `names` (the run's failing tests, as many as were kept) out of
    /// `total` failing tests.
    pub(crate) fn of(names: &[String], total: u64) -> AttestedFailures {
        let mut written = 0usize;
        let mut out = Vec::with_capacity(names.len().min(MAX_ENTRIES));
        for name in names.iter().take(MAX_ENTRIES) {
            if name.len() <= MAX_NAME_BYTES && written + name.len() <= VERBATIM_BYTES {
                written += name.len();
                out.push(name.clone());
            } else {
                out.push(hashed(name));
            }
        }
        AttestedFailures {
            total,
            complete: out.len() as u64 >= total,
            names: out,
        }
    }

    /// A lookup of the entries: by name, and by hash.
    pub(crate) fn index(&self) -> Index<'_> {
        Index {
            entries: self.names.iter().map(String::as_str).collect(),
            any_hash: self.names.iter().any(|n| is_hash(n)),
        }
    }
}

/// The entries of an [`AttestedFailures`], for membership tests.
pub(crate) struct Index<'a> {
    entries: std::collections::HashSet<&'a str>,
    any_hash: bool,
}

impl Index<'_> {
    /// Whether `name` is recorded, verbatim or hashed.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.entries.contains(name)
            || (self.any_hash && self.entries.contains(hashed(name).as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_stay_long_ones_and_the_overflow_are_hashed_and_all_match() {
        let long = "x".repeat(MAX_NAME_BYTES + 1);
        let mut names = vec!["a::b".to_string(), long.clone()];
        // Enough 200-byte names to pass the verbatim budget.
        names.extend((0..400).map(|i| format!("{i:0>200}")));
        let a = AttestedFailures::of(&names, names.len() as u64);
        assert!(a.complete);
        assert_eq!(a.names[0], "a::b");
        assert!(is_hash(&a.names[1]));
        assert!(a.names.iter().any(|n| is_hash(n)) && a.names.iter().any(|n| n.len() == 200));
        let verbatim: usize = a
            .names
            .iter()
            .filter(|n| !is_hash(n))
            .map(String::len)
            .sum();
        assert!(verbatim <= VERBATIM_BYTES, "{verbatim}");
        let index = a.index();
        for n in &names {
            assert!(index.contains(n), "{n}");
        }
        assert!(!index.contains("a::c"));
    }

    #[test]
    fn more_failures_than_names_or_entries_is_incomplete() {
        let names: Vec<String> = (0..MAX_ENTRIES + 5).map(|i| format!("t{i}")).collect();
        let a = AttestedFailures::of(&names, names.len() as u64);
        assert_eq!(a.names.len(), MAX_ENTRIES);
        assert!(!a.complete);
        let b = AttestedFailures::of(&names[..3], 7);
        assert!(!b.complete);
        assert_eq!(b.total, 7);
        let size = serde_json::to_string(&a).unwrap().len();
        assert!(size < 512 * 1024, "{size}");
    }
}
