//! Errors for the policy file.
//!
//! Every problem with a policy file — not YAML, an unknown or misspelled key, a wrong type, a
//! value out of range, an unknown stage — becomes one [`PolicyError`] that names the file, the
//! line and column, the key path (`stages.QA.gates[1].coverage.min-line`), what is wrong and
//! what to do about it, so that the action can print a useful `::error` annotation on that
//! line. All the problems of one file travel together as [`PolicyErrors`].

use std::fmt;

/// What class of problem a [`PolicyError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum ErrorKind {
    /// The text is not valid YAML.
    Syntax,
    /// The file is empty or holds only comments.
    Empty,
    /// A key that the policy format does not know (typo, wrong level).
    UnknownKey,
    /// A required key is missing.
    MissingKey,
    /// A key appears twice in one mapping.
    DuplicateKey,
    /// A value has the wrong type (a string where a number is expected, …).
    InvalidType,
    /// A value has the right type but is not allowed (out of range, malformed, …).
    InvalidValue,
    /// `version` is not a version this action supports.
    UnsupportedVersion,
    /// A stage key names no stage of the application's lifecycle.
    UnknownStage,
    /// Two stage keys name the same lifecycle stage.
    DuplicateStage,
    /// A stage name that looks like a misspelling of another (a warning, not an error).
    SuspiciousName,
}

/// A problem with a policy file, located in its text.
///
/// `Display` renders one line (plus the help sentence) such as:
///
/// ```text
/// .github/promotion-policy.yml: unknown field `max-failure` at line 7 column 11 (in `stages.QA.gates[0].junit`). Did you mean `max-failures`? Valid keys here: `paths`, `max-failures`, `min-tests`.
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) struct PolicyError {
    /// The class of problem.
    pub(crate) kind: ErrorKind,
    /// The file name as given to [`crate::policy::parse`] (for messages and annotations).
    pub(crate) source_name: String,
    /// 1-based line of the offending key or value.
    pub(crate) line: usize,
    /// 1-based column of the offending key or value.
    pub(crate) column: usize,
    /// Key path of the offending item, e.g. `stages.QA.gates[1].coverage.min-line`; empty for
    /// the document as a whole.
    pub(crate) path: String,
    /// What is wrong.
    pub(crate) message: String,
    /// What to do about it (may be empty).
    pub(crate) help: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} at line {} column {}",
            self.source_name, self.message, self.line, self.column
        )?;
        if self.path.is_empty() {
            f.write_str(" (at the top level)")?;
        } else {
            write!(f, " (in `{}`)", self.path)?;
        }
        f.write_str(".")?;
        if !self.help.is_empty() {
            write!(f, " {}", self.help)?;
        }
        Ok(())
    }
}

impl PolicyError {
    /// What is wrong, where and what to do, without the file name: one item of a list of
    /// problems in the same file.
    pub(crate) fn describe(&self) -> String {
        let full = self.to_string();
        full.strip_prefix(&format!("{}: ", self.source_name))
            .map(str::to_string)
            .unwrap_or(full)
    }

    /// Builds an error; used by the parser and validator.
    pub(crate) fn new(
        kind: ErrorKind,
        source_name: &str,
        (line, column): (usize, usize),
        path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        PolicyError {
            kind,
            source_name: source_name.to_string(),
            line,
            column,
            path: path.into(),
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Why the policy file could not be read at all, before any of its text was judged: the
/// caller can tell this (fix the path or the checkout) from a file that is there but invalid
/// ([`PolicyErrors`]: fix the file).
#[derive(Debug, thiserror::Error)]
pub(crate) enum PolicyReadError {
    /// The `policy` input points outside the workspace (the file may come from a pull request).
    #[error(
        "input `policy`: `{path}` is outside the workspace; give a path relative to the repository root, such as .github/promotion-policy.yml"
    )]
    OutsideWorkspace {
        /// The path as the input gave it.
        path: String,
    },
    /// An explicit `policy` input names a file that is not there.
    #[error(
        "input `policy`: the file `{path}` does not exist in the workspace; fix the path, or check out the repository before this step"
    )]
    Missing {
        /// The path as the input gave it.
        path: String,
    },
    /// The file is there but cannot be read.
    #[error("cannot read policy file `{path}`: {source}")]
    Unreadable {
        /// The path as the input (or the command line) gave it.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Most problems reported for one file: enough for any real policy, and it bounds the work a
/// hostile file can cause.
pub(crate) const MAX_ERRORS: usize = 20;

/// Every problem found in one policy file (at least one), in file order.
///
/// The parser does not stop at the first problem: each stage, gate, window and freeze is read
/// and checked on its own, so one run lists everything to fix. Only text that is not YAML at
/// all stops it early (the YAML parser cannot continue past a syntax error).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct PolicyErrors {
    /// The problems, sorted by line and column.
    errors: Vec<PolicyError>,
    /// Whether more were found than are kept.
    truncated: bool,
}

impl PolicyErrors {
    /// Sorts by position, drops repeats and keeps at most [`MAX_ERRORS`]; `None` when empty.
    pub(crate) fn from_vec(mut errors: Vec<PolicyError>) -> Option<Self> {
        errors.sort_by_key(|e| (e.line, e.column));
        let mut seen = std::collections::HashSet::new();
        let mut out: Vec<PolicyError> = Vec::with_capacity(errors.len());
        for e in errors {
            if seen.insert((e.line, e.column, e.message.clone(), e.path.clone())) {
                out.push(e);
            }
        }
        let truncated = out.len() > MAX_ERRORS;
        out.truncate(MAX_ERRORS);
        (!out.is_empty()).then_some(PolicyErrors {
            errors: out,
            truncated,
        })
    }

    /// The first problem in file order.
    pub(crate) fn first(&self) -> &PolicyError {
        // Never empty: every constructor checks.
        &self.errors[0]
    }

    /// Every problem, in file order.
    pub(crate) fn errors(&self) -> &[PolicyError] {
        &self.errors
    }

    /// How many problems were found.
    pub(crate) fn len(&self) -> usize {
        self.errors.len()
    }
}

impl From<PolicyError> for PolicyErrors {
    fn from(e: PolicyError) -> Self {
        PolicyErrors {
            errors: vec![e],
            truncated: false,
        }
    }
}

impl fmt::Display for PolicyErrors {
    /// One problem: its usual one-line form. Several: a header naming the file and count, then
    /// one numbered line per problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.errors.as_slice() {
            [one] => write!(f, "{one}"),
            all => {
                let file = &self.first().source_name;
                let more = if self.truncated {
                    " (the first ones; fix these and run again)"
                } else {
                    ""
                };
                write!(f, "{file}: {} problems{more}:", all.len())?;
                for (i, e) in all.iter().enumerate() {
                    write!(f, "\n{}. {}", i + 1, e.describe())?;
                }
                Ok(())
            }
        }
    }
}

/// Returns the candidate closest to `word`, if any is close enough to be a plausible typo.
///
/// Case, `_` vs `-` and camelCase differences count as exact matches; otherwise the best
/// Jaro-Winkler match above 0.8 or a Levenshtein distance of at most 2 wins.
pub(crate) fn closest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    fn squash(s: &str) -> String {
        s.chars()
            .filter(|c| *c != '-' && *c != '_' && *c != ' ')
            .flat_map(char::to_lowercase)
            .collect()
    }
    let w = squash(word);
    let mut best: Option<(&'a str, f64)> = None;
    for c in candidates {
        let sc = squash(c);
        let score = if sc == w {
            2.0
        } else {
            let jw = strsim::jaro_winkler(&w, &sc);
            let lev = strsim::levenshtein(&w, &sc);
            if lev <= 2 && w.len() > 2 {
                1.0 + jw / 10.0
            } else if jw >= 0.8 {
                jw
            } else {
                continue;
            }
        };
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((c, score));
        }
    }
    best.map(|(c, _)| c)
}

/// Formats a list of names as `` `a`, `b`, `c` ``.
pub(crate) fn backticked<'a, I>(names: I) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    names
        .into_iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_handles_typos_and_styles() {
        let keys = ["paths", "max-failures", "min-tests"];
        assert_eq!(closest("max-failure", keys), Some("max-failures"));
        assert_eq!(closest("max_failures", keys), Some("max-failures"));
        assert_eq!(closest("maxFailures", keys), Some("max-failures"));
        assert_eq!(closest("path", keys), Some("paths"));
        assert_eq!(closest("timeout", keys), None);
        let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        assert_eq!(closest("monday", days), Some("mon"));
        assert_eq!(closest("thurs", days), Some("thu"));
    }
}
