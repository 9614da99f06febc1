//! One Model GraphQL, the subset used: `searchEvidence` for one subject, a page at a time
//! (`POST /onemodel/api/v1/graphql`, `{"query": …}`).
//!
//! Only fields every server version has are asked for (a field the schema does not know fails the
//! whole query): no `attachments`, and paging by the edges' cursors with `first`/`after` until
//! `totalCount` records are read, not by `pageInfo` [INFERRED from JFrog's "Search Evidence" docs
//! example 3].

use serde::Deserialize;

use super::Subject;
use crate::gates::facts::EvidenceRecord;

/// Advice for an answer that is not a `searchEvidence` result.
pub(crate) const HINT: &str = "; check that `jfrog-url` points at the JFrog platform root and that the platform has the evidence service (JFrog Enterprise+)";

/// The request body for one page.
pub(crate) fn search_request(
    subject: &Subject,
    first: usize,
    after: Option<&str>,
) -> serde_json::Value {
    let lit = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let after = after
        .map(|c| format!(", after: {}", lit(c)))
        .unwrap_or_default();
    let query = format!(
        "{{ evidence {{ searchEvidence(where: {{ hasSubjectWith: {{ repositoryKey: {}, path: {}, name: {} }} }}, first: {first}{after}) \
         {{ totalCount edges {{ cursor node {{ downloadPath predicateType predicateSlug verified createdBy createdAt \
         subject {{ sha256 }} signingKey {{ alias }} }} }} }} }} }}",
        lit(&subject.repo),
        lit(&subject.path),
        lit(&subject.name),
    );
    serde_json::json!({ "query": query })
}

/// One page of records.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Page {
    /// `totalCount`.
    pub(crate) total: usize,
    /// The records of this page.
    pub(crate) records: Vec<EvidenceRecord>,
    /// The cursor of the last edge, to ask for the next page.
    pub(crate) last_cursor: Option<String>,
}

#[derive(Deserialize)]
struct Answer {
    data: Option<Data>,
    #[serde(default)]
    errors: Vec<GraphQlError>,
}

#[derive(Deserialize)]
struct GraphQlError {
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct Data {
    evidence: Option<Evidence>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Evidence {
    search_evidence: Option<Search>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Search {
    #[serde(default)]
    total_count: usize,
    #[serde(default)]
    edges: Vec<Edge>,
}

#[derive(Deserialize)]
struct Edge {
    #[serde(default)]
    cursor: Option<String>,
    node: Node,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Node {
    download_path: String,
    predicate_type: String,
    predicate_slug: String,
    verified: bool,
    created_by: String,
    created_at: String,
    subject: Option<NodeSubject>,
    signing_key: Option<NodeKey>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NodeSubject {
    sha256: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NodeKey {
    alias: Option<String>,
}

/// Reads a page; `Err` says what is wrong (GraphQL `errors`, no `data`, wrong shape).
pub(crate) fn parse_page(body: &str) -> Result<Page, String> {
    let answer: Answer = serde_json::from_str(body)
        .map_err(|e| format!("the GraphQL answer is not the JSON JFrog documents ({e})"))?;
    if !answer.errors.is_empty() {
        let messages: Vec<String> = answer
            .errors
            .iter()
            .take(3)
            .map(|e| crate::text::truncate_chars(e.message.trim(), 200))
            .collect();
        return Err(format!("GraphQL answered errors: {}", messages.join("; ")));
    }
    let search = answer
        .data
        .ok_or("the GraphQL answer has no `data`")?
        .evidence
        .and_then(|e| e.search_evidence)
        .ok_or("the GraphQL answer has no `evidence.searchEvidence`")?;
    let last_cursor = search.edges.last().and_then(|e| e.cursor.clone());
    let records = search
        .edges
        .into_iter()
        .map(|e| {
            let n = e.node;
            EvidenceRecord {
                download_path: n.download_path,
                predicate_type: n.predicate_type,
                predicate_slug: n.predicate_slug,
                verified: n.verified,
                created_by: n.created_by,
                created_at: n.created_at,
                subject_sha256: n.subject.map(|s| s.sha256).unwrap_or_default(),
                signing_key_alias: n
                    .signing_key
                    .and_then(|k| k.alias)
                    .filter(|a| !a.is_empty()),
            }
        })
        .collect();
    Ok(Page {
        total: search.total_count,
        records,
        last_cursor,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_names_the_subject_and_the_page() {
        let subject = Subject::manifest(Some("bv"), "inv", "1.0\"x");
        let q = search_request(&subject, 100, Some("c1"))["query"]
            .as_str()
            .expect("query")
            .to_string();
        assert!(
            q.contains(r#"repositoryKey: "bv-application-versions""#),
            "{q}"
        );
        assert!(q.contains(r#"path: "inv/1.0\"x""#), "{q}");
        assert!(q.contains(r#"first: 100, after: "c1")"#), "{q}");
        assert!(!q.contains("attachments") && !q.contains("pageInfo"), "{q}");
        let q = search_request(&subject, 5, None)["query"].to_string();
        assert!(q.contains("first: 5)"), "{q}");
    }

    #[test]
    fn pages_and_errors_read() {
        let page = parse_page(
            r#"{"data":{"evidence":{"searchEvidence":{"totalCount":3,"edges":[
            {"cursor":"a","node":{"downloadPath":"r/p/x.json","predicateType":"t","predicateSlug":"s","verified":true,
              "createdBy":"ci","createdAt":"2026-01-01T00:00:00Z","subject":{"sha256":"ab"},"signingKey":{"alias":"k"}}},
            {"cursor":"b","node":{"downloadPath":"r/p/y.json","predicateType":"t","verified":false}}]}}}}"#,
        )
        .expect("page");
        assert_eq!(page.total, 3);
        assert_eq!(page.last_cursor.as_deref(), Some("b"));
        assert_eq!(page.records[0].signing_key_alias.as_deref(), Some("k"));
        assert_eq!(page.records[0].subject_sha256, "ab");
        assert!(!page.records[1].verified);
        let table = [
            (
                r#"{"errors":[{"message":"Cannot query field \"x\""}]}"#,
                "GraphQL answered errors: Cannot query field",
            ),
            (r#"{"data":null}"#, "no `data`"),
            (r#"{}"#, "no `data`"),
            (
                r#"{"data":{"evidence":null}}"#,
                "no `evidence.searchEvidence`",
            ),
            ("<html>", "not the JSON"),
        ];
        for (body, want) in table {
            let e = parse_page(body).unwrap_err();
            assert!(e.contains(want), "{body}: {e}");
        }
    }
}
