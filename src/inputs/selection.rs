//! What a promotion carries besides its target, as `jf apptrust version-promote` passes it:
//! which repositories (`include-repos`, `exclude-repos`), what to do with a conflicting artifact
//! (`overwrite-strategy`) and properties set on every promoted artifact (`properties`).
//!
//! The wire form follows jfrog-cli-application (`apptrust/commands/version/version_utils.go`,
//! `apptrust/model/promote_app_version_request.go`, commit 1ade6c2): repositories as
//! `included_repository_keys` / `excluded_repository_keys`, the strategy upper-cased as
//! `overwrite_strategy`, properties as `artifact_additional_properties: [{key, values}]` — in the
//! promote and the release body alike, each field left out when unset.

use serde_json::{Map, Value, json};

use super::InputError;

/// `overwrite-strategy`: what AppTrust does with a target artifact of the same path but another
/// checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OverwriteStrategy {
    /// Never overwrite.
    Disabled,
    /// Overwrite only a conflicting `latest` tag.
    Latest,
    /// Overwrite every conflicting artifact.
    All,
}

impl OverwriteStrategy {
    /// The value the CLI sends (it validates the lower-case flag, then upper-cases it).
    pub(crate) fn as_api(self) -> &'static str {
        match self {
            OverwriteStrategy::Disabled => "DISABLED",
            OverwriteStrategy::Latest => "LATEST",
            OverwriteStrategy::All => "ALL",
        }
    }
}

/// One property set on the promoted artifacts: a key and its values (none clears them).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct ArtifactProperty {
    /// Property key.
    pub key: String,
    /// Its values, in the order given.
    pub values: Vec<String>,
}

/// The selective-promotion inputs, validated; all empty = AppTrust's defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct Selection {
    /// `include-repos`: only these repositories are promoted.
    pub include_repos: Vec<String>,
    /// `exclude-repos`: these repositories are not promoted.
    pub exclude_repos: Vec<String>,
    /// `overwrite-strategy`; `None` = AppTrust's default.
    pub overwrite_strategy: Option<OverwriteStrategy>,
    /// `properties`, in the order given.
    pub properties: Vec<ArtifactProperty>,
}

/// The longest value accepted for any of these inputs: far above any real list, a bound only
/// against a hostile value echoed into bodies and records.
const MAX_CHARS: usize = 8_192;

impl Selection {
    /// Parses the four inputs (already trimmed, `None` when unset).
    pub(crate) fn parse(
        include: Option<&str>,
        exclude: Option<&str>,
        overwrite: Option<&str>,
        properties: Option<&str>,
    ) -> Result<Selection, InputError> {
        let include_repos = repos("include-repos", include)?;
        let exclude_repos = repos("exclude-repos", exclude)?;
        if let Some(both) = include_repos.iter().find(|r| exclude_repos.contains(r)) {
            return Err(InputError::Combination {
                message: format!(
                    "inputs `include-repos` and `exclude-repos` both name repository `{both}`: name it in one of them"
                ),
            });
        }
        let overwrite_strategy = match overwrite.map(str::to_ascii_lowercase).as_deref() {
            None => None,
            Some("disabled") => Some(OverwriteStrategy::Disabled),
            Some("latest") => Some(OverwriteStrategy::Latest),
            Some("all") => Some(OverwriteStrategy::All),
            Some(_) => {
                return Err(InputError::Invalid {
                    input: "overwrite-strategy",
                    value: super::shorten(overwrite.unwrap_or_default()),
                    accepted: "disabled, latest, all (empty = AppTrust's default)",
                });
            }
        };
        Ok(Selection {
            include_repos,
            exclude_repos,
            overwrite_strategy,
            properties: parse_properties(properties)?,
        })
    }

    /// Whether every input was left empty.
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        *self == Selection::default()
    }

    /// The body fields these inputs add to a promote or release request, as the CLI sends them:
    /// only those set.
    pub(crate) fn body_fields(&self) -> Map<String, Value> {
        let mut m = Map::new();
        if !self.include_repos.is_empty() {
            m.insert("included_repository_keys".into(), json!(self.include_repos));
        }
        if !self.exclude_repos.is_empty() {
            m.insert("excluded_repository_keys".into(), json!(self.exclude_repos));
        }
        if !self.properties.is_empty() {
            m.insert(
                "artifact_additional_properties".into(),
                json!(self.properties),
            );
        }
        if let Some(s) = self.overwrite_strategy {
            m.insert("overwrite_strategy".into(), json!(s.as_api()));
        }
        m
    }
}

/// A list of repository keys: separated by commas (SPEC), also by semicolons (what the CLI's
/// flags take) or line breaks (a YAML block); empty entries ignored.
fn repos(input: &'static str, value: Option<&str>) -> Result<Vec<String>, InputError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let invalid = |v: &str| InputError::Invalid {
        input,
        value: super::shorten(v),
        accepted: "comma-separated repository keys (letters, digits, `-`, `_`, `.`), e.g. inventory-docker-qa-local,inventory-npm-qa-local",
    };
    if value.chars().count() > MAX_CHARS {
        return Err(invalid(value));
    }
    let mut out: Vec<String> = Vec::new();
    for key in value.split([',', ';', '\n']).map(str::trim) {
        if key.is_empty() {
            continue;
        }
        let plain = key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !plain || key.len() > 128 {
            return Err(invalid(key));
        }
        if !out.iter().any(|k| k == key) {
            out.push(key.to_string());
        }
    }
    Ok(out)
}

/// `k=v;k2=v2`, each value list comma-separated (`k=a,b`), `k=` clearing the key's values — the
/// CLI's `--props` syntax; a line break also separates entries.
fn parse_properties(value: Option<&str>) -> Result<Vec<ArtifactProperty>, InputError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let bad = |what: String| InputError::Combination {
        message: format!(
            "input `properties`: {what}; write `key=value;key2=value1,value2` (the format of `jf apptrust version-promote --props`)"
        ),
    };
    if value.chars().count() > MAX_CHARS {
        return Err(bad(format!("{} characters is too long", value.len())));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        return Err(bad("it holds a control character".into()));
    }
    let mut out: Vec<ArtifactProperty> = Vec::new();
    for entry in value.split([';', '\n']).map(str::trim) {
        if entry.is_empty() {
            continue;
        }
        let Some((key, values)) = entry.split_once('=') else {
            return Err(bad(format!("`{}` has no `=`", super::shorten(entry))));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(bad(format!("`{}` has no key", super::shorten(entry))));
        }
        if out.iter().any(|p| p.key == key) {
            return Err(bad(format!("key `{}` is given twice", super::shorten(key))));
        }
        let values = values.trim();
        let values = if values.is_empty() {
            Vec::new()
        } else {
            values.split(',').map(|v| v.trim().to_string()).collect()
        };
        out.push(ArtifactProperty {
            key: key.to_string(),
            values,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(
        include: &str,
        exclude: &str,
        overwrite: &str,
        props: &str,
    ) -> Result<Selection, InputError> {
        fn opt(s: &str) -> Option<&str> {
            (!s.is_empty()).then_some(s)
        }
        let (i, e, o, p) = (opt(include), opt(exclude), opt(overwrite), opt(props));
        Selection::parse(i, e, o, p)
    }

    #[test]
    fn unset_inputs_add_nothing() {
        let s = parse("", "", "", "").unwrap();
        assert!(s.is_empty());
        assert!(s.body_fields().is_empty());
    }

    #[test]
    fn every_input_becomes_the_field_the_cli_sends() {
        let s = parse(
            "inv-docker-qa-local, inv-npm-qa-local,",
            "scratch-local;tmp.local",
            "Latest",
            "team=inventory;env=qa,staging;old=",
        )
        .unwrap();
        assert_eq!(
            Value::Object(s.body_fields()),
            json!({
                "included_repository_keys": ["inv-docker-qa-local", "inv-npm-qa-local"],
                "excluded_repository_keys": ["scratch-local", "tmp.local"],
                "artifact_additional_properties": [
                    {"key": "team", "values": ["inventory"]},
                    {"key": "env", "values": ["qa", "staging"]},
                    {"key": "old", "values": []}
                ],
                "overwrite_strategy": "LATEST"
            })
        );
        for (given, sent) in [("disabled", "DISABLED"), ("ALL", "ALL")] {
            let s = parse("", "", given, "").unwrap();
            assert_eq!(s.body_fields()["overwrite_strategy"], sent);
        }
    }

    /// (include, exclude, overwrite, properties, the input the error names)
    #[test]
    fn errors_name_the_input() {
        let table: &[(&str, &str, &str, &str, &str)] = &[
            ("a b", "", "", "", "`include-repos`"),
            ("", "repo/path", "", "", "`exclude-repos`"),
            ("r1,r2", "r2", "", "", "`include-repos` and `exclude-repos`"),
            ("", "", "sometimes", "", "`overwrite-strategy`"),
            ("", "", "", "novalue", "`properties`"),
            ("", "", "", "=v", "`properties`"),
            ("", "", "", "k=1;k=2", "`properties`"),
            ("", "", "", "k=\u{7}", "`properties`"),
        ];
        for (i, e, o, p, named) in table {
            let err = parse(i, e, o, p).unwrap_err().to_string();
            assert!(err.contains(named), "{i:?} {e:?} {o:?} {p:?}: {err}");
        }
    }
}
