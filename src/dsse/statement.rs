//! in-toto Statement v1, the payload of every evidence envelope: which subject (by sha256) a
//! predicate is about. Parsing is size-bounded because the predicate is untrusted and arbitrary.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// The largest statement payload parsed (a 10 MB predicate is refused, never parsed).
pub(crate) const MAX_STATEMENT_BYTES: usize = 4 * 1024 * 1024;
/// `_type` of an in-toto Statement v1.
pub(crate) const STATEMENT_TYPE_V1: &str = "https://in-toto.io/Statement/v1";
/// `_type` of the older v0.1 Statement, same shape; still written by some tools, so accepted.
pub(crate) const STATEMENT_TYPE_V01: &str = "https://in-toto.io/Statement/v0.1";

/// An in-toto Statement: subjects by digest, and a typed predicate.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Statement {
    /// [`STATEMENT_TYPE_V1`] or [`STATEMENT_TYPE_V01`].
    #[serde(rename = "_type")]
    pub(crate) statement_type: String,
    /// What the statement is about; never empty once parsed.
    pub(crate) subject: Vec<Subject>,
    /// URI naming the predicate's schema, e.g. `https://jfrog.com/evidence/test-results/v1`.
    #[serde(rename = "predicateType")]
    pub(crate) predicate_type: String,
    /// The predicate, `Null` when absent. Read conditions with `predicate.pointer("/a/b")`.
    #[serde(default)]
    pub(crate) predicate: Value,
}

/// One subject: a name and its digests by algorithm (`sha256` → lowercase hex).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct Subject {
    #[serde(default)]
    pub(crate) name: String,
    pub(crate) digest: BTreeMap<String, String>,
}

/// Why a payload is not a usable in-toto Statement.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum StatementError {
    #[error("the statement is {size} bytes, over the {max}-byte limit; it is not parsed")]
    TooLarge { size: usize, max: usize },
    #[error(
        "the payload type is `{found}`, not an in-toto statement (application/vnd.in-toto+json)"
    )]
    WrongPayloadType { found: String },
    #[error("the statement is not JSON ({0})")]
    NotJson(String),
    #[error("the payload is JSON but not an in-toto statement ({0})")]
    NotStatement(String),
    #[error("the statement `_type` is `{found}`, not {STATEMENT_TYPE_V1}")]
    UnknownType { found: String },
}

impl Statement {
    /// Parses a statement from an envelope payload, refusing payloads over
    /// [`MAX_STATEMENT_BYTES`] before parsing them.
    pub(crate) fn parse(payload: &[u8]) -> Result<Statement, StatementError> {
        if payload.len() > MAX_STATEMENT_BYTES {
            return Err(StatementError::TooLarge {
                size: payload.len(),
                max: MAX_STATEMENT_BYTES,
            });
        }
        let statement: Statement = serde_json::from_slice(payload).map_err(|e| {
            let place = format!("line {} column {}", e.line(), e.column());
            match e.classify() {
                serde_json::error::Category::Data => match duplicate_key(&e) {
                    Some(key) => {
                        StatementError::NotStatement(format!("duplicate key `{key}` at {place}"))
                    }
                    None => StatementError::NotStatement(format!(
                        "a required field is missing or has the wrong type at {place}"
                    )),
                },
                _ => StatementError::NotJson(format!("invalid JSON at {place}")),
            }
        })?;
        if statement.statement_type != STATEMENT_TYPE_V1
            && statement.statement_type != STATEMENT_TYPE_V01
        {
            let found = shorten(statement.statement_type, 120);
            return Err(StatementError::UnknownType { found });
        }
        if statement.subject.is_empty() {
            return Err(StatementError::NotStatement("it has no subject".into()));
        }
        Ok(statement)
    }

    /// A v1 statement about one subject, as our attestation writes it.
    pub(crate) fn new(
        subject_name: &str,
        sha256_hex: &str,
        predicate_type: &str,
        predicate: Value,
    ) -> Statement {
        Statement {
            statement_type: STATEMENT_TYPE_V1.into(),
            subject: vec![Subject {
                name: subject_name.into(),
                digest: BTreeMap::from([("sha256".into(), sha256_hex.to_ascii_lowercase())]),
            }],
            predicate_type: predicate_type.into(),
            predicate,
        }
    }

    /// Whether any subject's sha256 is `sha256_hex` (hex compared without regard to case).
    pub(crate) fn subject_matches(&self, sha256_hex: &str) -> bool {
        self.subject.iter().any(|s| {
            s.digest
                .get("sha256")
                .is_some_and(|d| d.eq_ignore_ascii_case(sha256_hex))
        })
    }

    /// The statement as compact JSON, ready to be signed as a DSSE payload.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        let subjects: Vec<Value> = self
            .subject
            .iter()
            .map(|s| serde_json::json!({ "name": s.name, "digest": s.digest }))
            .collect();
        serde_json::json!({
            "_type": self.statement_type,
            "subject": subjects,
            "predicateType": self.predicate_type,
            "predicate": self.predicate,
        })
        .to_string()
        .into_bytes()
    }
}

/// Cuts untrusted text for an error message at a char boundary at or before `max` bytes.
fn shorten(mut text: String, max: usize) -> String {
    if let Some(end) = (0..=max.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
    {
        text.truncate(end);
    }
    text
}

/// The key serde refused because it came twice (`duplicate field `x``): a parser differential
/// (another reader may take the other value), named as such rather than as a type error. Only
/// our own field names can appear here, never untrusted text. The envelope's reader names its
/// duplicates the same way.
pub(crate) fn duplicate_key(e: &serde_json::Error) -> Option<String> {
    let text = e.to_string();
    let rest = text.strip_prefix("duplicate field `")?;
    let key = &rest[..rest.find('`')?];
    (key.len() <= 40 && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether an error is the expected one.
    type Expect = fn(&StatementError) -> bool;

    const FIXTURE: &[u8] = include_bytes!("../../tests/fixtures/keys/statement.json");
    const SHA: &str = "2b7f2bd5e1a8a4e6b1b0a5bb1d1f5ad4c1e9b7e8a2d3c4f5061728394a5b6c7d";

    #[test]
    fn parses_the_fixture_and_matches_its_subject() {
        let statement = Statement::parse(FIXTURE).expect("fixture parses");
        assert_eq!(
            statement.predicate_type,
            "https://jfrog.com/evidence/test-results/v1"
        );
        assert_eq!(
            statement.subject[0].name,
            "application-versions/app/1.0.0/release-bundle.json.evd"
        );
        assert!(statement.subject_matches(SHA));
        assert!(statement.subject_matches(&SHA.to_ascii_uppercase()));
        assert!(!statement.subject_matches(&SHA.replace('2', "3")));
        assert!(!statement.subject_matches(""));
        assert_eq!(
            statement.predicate.pointer("/coverage/line"),
            Some(&serde_json::json!(87.5))
        );
    }

    #[test]
    fn new_then_to_json_then_parse_round_trips() {
        let predicate = serde_json::json!({"result": "promoted", "gates": []});
        let statement = Statement::new(
            "app-versions/a/1/release-bundle.json.evd",
            &SHA.to_uppercase(),
            "urn:t",
            predicate,
        );
        assert!(statement.subject_matches(SHA));
        assert_eq!(
            statement.subject[0].digest["sha256"], SHA,
            "stored lowercase"
        );
        let parsed = Statement::parse(&statement.to_json()).expect("our own statement parses");
        assert_eq!(parsed, statement);
    }

    #[test]
    fn v01_statements_are_accepted_and_missing_predicate_is_null() {
        let json = br#"{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"x","digest":{"sha256":"ab"}}],"predicateType":"p"}"#;
        let statement = Statement::parse(json).expect("v0.1 parses");
        assert_eq!(statement.predicate, Value::Null);
    }

    #[test]
    fn hostile_statements_are_typed_errors() {
        let ok_subject = r#""subject":[{"name":"x","digest":{"sha256":"ab"}}]"#;
        let cases: Vec<(String, Expect)> = vec![
            ("not json".into(), |e| {
                matches!(e, StatementError::NotJson(_))
            }),
            ("".into(), |e| matches!(e, StatementError::NotJson(_))),
            ("[1,2]".into(), |e| {
                matches!(e, StatementError::NotStatement(_))
            }),
            (format!(r#"{{{ok_subject},"predicateType":"p"}}"#), |e| {
                matches!(e, StatementError::NotStatement(_))
            }),
            (
                format!(r#"{{"_type":"{STATEMENT_TYPE_V1}",{ok_subject}}}"#),
                |e| matches!(e, StatementError::NotStatement(_)),
            ),
            (
                format!(r#"{{"_type":"{STATEMENT_TYPE_V1}","subject":[],"predicateType":"p"}}"#),
                |e| matches!(e, StatementError::NotStatement(_)),
            ),
            (
                format!(
                    r#"{{"_type":"{STATEMENT_TYPE_V1}","subject":[{{"name":"x"}}],"predicateType":"p"}}"#
                ),
                |e| matches!(e, StatementError::NotStatement(_)),
            ),
            (
                format!(
                    r#"{{"_type":"urn:{}",{ok_subject},"predicateType":"p"}}"#,
                    "é".repeat(500)
                ),
                |e| matches!(e, StatementError::UnknownType { found } if found.len() <= 120),
            ),
            (
                format!(
                    r#"{{"_type":"{STATEMENT_TYPE_V1}",{ok_subject},"predicateType":"p","predicate":{}}}"#,
                    "[".repeat(10_000)
                ),
                |e| matches!(e, StatementError::NotJson(_)),
            ),
        ];
        for (input, expected) in cases {
            let err = Statement::parse(input.as_bytes()).expect_err("must not parse");
            assert!(
                expected(&err),
                "{}: got {err:?}",
                &input[..input.len().min(80)]
            );
        }
    }

    #[test]
    fn a_duplicate_key_is_named_as_one() {
        let json = format!(
            r#"{{"_type":"{STATEMENT_TYPE_V1}","subject":[{{"name":"x","digest":{{"sha256":"ab"}}}}],"predicateType":"a","predicateType":"b"}}"#
        );
        let err = Statement::parse(json.as_bytes()).expect_err("refused");
        let text = err.to_string();
        assert!(
            text.contains("duplicate key `predicateType` at line 1 column"),
            "{text}"
        );
        assert!(!text.contains("missing or has the wrong type"), "{text}");
    }

    #[test]
    fn a_ten_megabyte_predicate_is_refused_before_parsing() {
        let filler = "x".repeat(10 * 1024 * 1024);
        let json = format!(
            r#"{{"_type":"{STATEMENT_TYPE_V1}","subject":[{{"name":"x","digest":{{"sha256":"ab"}}}}],"predicateType":"p","predicate":{{"blob":"{filler}"}}}}"#
        );
        assert_eq!(
            Statement::parse(json.as_bytes()),
            Err(StatementError::TooLarge {
                size: json.len(),
                max: MAX_STATEMENT_BYTES
            })
        );
    }
}
