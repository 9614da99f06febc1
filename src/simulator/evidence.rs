//! The simulator's JFrog evidence service: the version manifests as Artifactory files (found by
//! AQL), their evidence records (listed by the One Model GraphQL `searchEvidence` subset, files
//! served under `/artifactory/`), uploads that verify signatures against the trusted keys, and
//! the demo key that signs the seeded records.
//!
//! Choices where JFrog's documentation is silent (\[INFERRED\]): AQL answers only the one query
//! shape `jf evd` sends (anything else is 400); GraphQL answers `{"errors":[…]}` with 200 to a
//! query it does not understand, pages 50 records when `first` is absent and uses opaque edge
//! cursors; an upload whose keyid names a trusted key whose signature does not verify is 400
//! `invalid signature`, one with an unknown keyid is stored with `verified: false`; an upload
//! answers 201.

use serde_json::{Value, json};

use super::state::{ApiError, EvidenceRecord, State, VersionState, iso};
use crate::dsse::{self, PublicKey, SigningKey, Statement};

/// The key alias the seeded evidence is signed under.
pub(crate) const DEMO_KEY_ALIAS: &str = "bookverse-ci";
/// The demo key pair (`demo/keys/`), public on purpose: it signs the seeded evidence.
pub const DEMO_PRIVATE_KEY: &str = include_str!("../../demo/keys/bookverse-ci.key");
/// Its public half, registered as a trusted key and used by the demo policy's `signed-by`.
pub const DEMO_PUBLIC_KEY: &str = include_str!("../../demo/keys/bookverse-ci.pub");
/// The manifest file every version's evidence is attached to.
const MANIFEST: &str = "release-bundle.json.evd";
/// GraphQL page size when the query gives no `first`.
const DEFAULT_PAGE: usize = 50;

/// The short name JFrog gives a predicate type: its last path segment that is not a version.
pub(crate) fn predicate_slug(predicate_type: &str) -> String {
    predicate_type
        .trim_end_matches('/')
        .rsplit('/')
        .find(|seg| !seg.is_empty() && !is_version(seg))
        .unwrap_or(predicate_type)
        .to_string()
}

/// `v1`, `v0.1`: a version segment of a predicate type.
fn is_version(seg: &str) -> bool {
    seg.strip_prefix('v')
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// A signed in-toto statement about a version's manifest, as an envelope's JSON (demo key).
pub fn signed_statement(
    subject: &str,
    sha256: &str,
    predicate_type: &str,
    predicate: Value,
) -> String {
    let statement = Statement::new(subject, sha256, predicate_type, predicate);
    let signed = SigningKey::from_pem("the simulator's demo key", DEMO_PRIVATE_KEY.as_bytes())
        .ok()
        .and_then(|k| {
            k.sign(
                dsse::IN_TOTO_PAYLOAD_TYPE,
                &statement.to_json(),
                DEMO_KEY_ALIAS,
            )
            .ok()
        });
    match signed {
        Some(envelope) => envelope.to_json(),
        // The demo key is compiled in and tested; an unsigned envelope would show up as such.
        None => json!({"payload": "", "payloadType": dsse::IN_TOTO_PAYLOAD_TYPE, "signatures": []})
            .to_string(),
    }
}

impl State {
    /// `(repo, path, name)` of a version's manifest.
    pub(crate) fn manifest_of(&self, app: &str, version: &str) -> (String, String, String) {
        let project = self
            .applications
            .get(app)
            .map(|a| a.project_key.as_str())
            .unwrap_or_default();
        let repo = if project.is_empty() {
            "application-versions".to_string()
        } else {
            format!("{project}-application-versions")
        };
        (repo, format!("{app}/{version}"), MANIFEST.to_string())
    }

    /// The version whose manifest is `repo/path/name`.
    fn version_at(&self, repo: &str, path: &str, name: &str) -> Option<&VersionState> {
        if name != MANIFEST {
            return None;
        }
        let (app, version) = path.split_once('/')?;
        let v = self.versions.get(app)?.get(version)?;
        (self.manifest_of(app, version).0 == repo).then_some(v)
    }

    /// `POST /artifactory/api/search/aql`: the one query shape `jf evd` sends.
    pub(crate) fn aql(&self, query: &str) -> Result<Value, ApiError> {
        let bad = || {
            ApiError::bad_request(
                "the simulator answers only items.find({\"repo\":…,\"path\":…,\"name\":…}).include(…)",
            )
        };
        let inner = query
            .trim()
            .strip_prefix("items.find(")
            .and_then(|rest| rest.split_once(").include("))
            .map(|(criteria, _)| criteria)
            .ok_or_else(bad)?;
        let criteria: Value = serde_json::from_str(inner).map_err(|_| bad())?;
        let field = |k: &str| criteria.get(k).and_then(Value::as_str).unwrap_or_default();
        let (repo, path, name) = (field("repo"), field("path"), field("name"));
        let results: Vec<Value> = self
            .version_at(repo, path, name)
            .map(|v| json!({"repo": repo, "path": path, "name": name, "sha256": v.application_version_sha256}))
            .into_iter()
            .collect();
        let n = results.len();
        Ok(json!({"results": results, "range": {"start_pos": 0, "end_pos": n, "total": n}}))
    }

    /// `POST /onemodel/api/v1/graphql`: the `searchEvidence` subset, always a GraphQL answer.
    pub(crate) fn graphql(&self, query: &str) -> Value {
        let error = |m: &str| json!({"errors": [{"message": m}]});
        if !query.contains("searchEvidence") {
            return error("the simulator answers only evidence { searchEvidence(…) } queries");
        }
        let (Some(repo), Some(path), Some(name)) = (
            string_arg(query, "repositoryKey"),
            string_arg(query, "path"),
            string_arg(query, "name"),
        ) else {
            return error(
                "searchEvidence needs where: { hasSubjectWith: { repositoryKey, path, name } }",
            );
        };
        let records: &[EvidenceRecord] = self
            .version_at(&repo, &path, &name)
            .map(|v| v.evidence.as_slice())
            .unwrap_or_default();
        let first = int_arg(query, "first").unwrap_or(DEFAULT_PAGE);
        let start = match string_arg(query, "after") {
            Some(c) => match c.strip_prefix('c').and_then(|n| n.parse::<usize>().ok()) {
                Some(i) => i + 1,
                None => return error("invalid cursor"),
            },
            None => 0,
        };
        let edges: Vec<Value> = records
            .iter()
            .enumerate()
            .skip(start)
            .take(first)
            .map(|(i, r)| {
                json!({"cursor": format!("c{i}"), "node": {
                    "downloadPath": r.download_path,
                    "predicateType": r.predicate_type,
                    "predicateSlug": r.predicate_slug,
                    "verified": r.verified,
                    "createdBy": r.created_by,
                    "createdAt": iso(r.created_millis),
                    "subject": {"sha256": r.subject_sha256},
                    "signingKey": r.signing_key_alias.as_ref().map(|a| json!({"alias": a, "publicKey": self.trusted_keys.get(a)})),
                }})
            })
            .collect();
        json!({"data": {"evidence": {"searchEvidence": {"totalCount": records.len(), "edges": edges}}}})
    }

    /// The record whose file is at `download_path`, if it is an evidence file.
    pub(crate) fn evidence_file(&self, download_path: &str) -> Option<EvidenceRecord> {
        self.versions
            .values()
            .flat_map(|m| m.values())
            .flat_map(|v| v.evidence.iter())
            .find(|r| r.download_path == download_path)
            .cloned()
    }

    /// `POST /evidence/api/v1/subject/<repo/path/name>`: checks and stores an evidence file.
    pub(crate) fn attach_evidence(
        &mut self,
        subject_path: &str,
        file: &str,
        by: &str,
    ) -> Result<Value, ApiError> {
        let mut parts = subject_path.trim_matches('/').splitn(2, '/');
        let repo = parts.next().unwrap_or_default().to_string();
        let rest = parts.next().unwrap_or_default();
        let (path, name) = rest.rsplit_once('/').unwrap_or(("", rest));
        let Some(v) = self.version_at(&repo, path, name) else {
            return Err(ApiError::not_found(format!(
                "subject {subject_path} not found"
            )));
        };
        let (app, version) = (v.application_key.clone(), v.version.clone());
        let manifest_sha = v.application_version_sha256.clone();
        let envelope = match dsse::parse_evidence(file.as_bytes()) {
            Ok(dsse::Evidence::Dsse(e)) => e,
            Ok(dsse::Evidence::SigstoreBundle(b)) => b
                .envelope
                .ok_or_else(|| ApiError::bad_request("the bundle holds no DSSE envelope"))?,
            Err(e) => return Err(ApiError::bad_request(format!("invalid evidence file: {e}"))),
        };
        let statement = envelope
            .statement()
            .map_err(|e| ApiError::bad_request(format!("invalid statement: {e}")))?;
        if !statement.subject_matches(&manifest_sha) {
            return Err(ApiError::bad_request(
                "the statement's subject digest does not match the subject",
            ));
        }
        let mut verified = false;
        let mut alias = envelope.signatures.first().map(|s| s.keyid.clone());
        for sig in &envelope.signatures {
            let Some(pem) = self.trusted_keys.get(&sig.keyid) else {
                continue;
            };
            let keys = PublicKey::from_pem(&sig.keyid, pem.as_bytes()).unwrap_or_default();
            if dsse::verify_envelope(&envelope, &keys).is_err() {
                return Err(ApiError::bad_request("invalid signature"));
            }
            verified = true;
            alias = Some(sig.keyid.clone());
        }
        let id = self.next_id("evd");
        let at = self.next_millis();
        let slug = predicate_slug(&statement.predicate_type);
        let record = EvidenceRecord {
            download_path: format!("{repo}/{path}/.evidence/{slug}-{id}.json"),
            id,
            predicate_type: statement.predicate_type.clone(),
            predicate_slug: slug,
            created_millis: at,
            created_by: by.to_string(),
            verified,
            signing_key_alias: alias.filter(|a| !a.is_empty()),
            subject_sha256: manifest_sha,
            file: file.to_string(),
            padded_to: None,
            pad_payload: false,
        };
        let answer = json!({
            "id": record.id,
            "predicate_type": record.predicate_type,
            "predicate_slug": record.predicate_slug,
            "verified": record.verified,
            "created_by": record.created_by,
            "created_at": iso(record.created_millis),
            "subject": {"path": subject_path, "sha256": record.subject_sha256},
        });
        if let Some(v) = self
            .versions
            .get_mut(&app)
            .and_then(|m| m.get_mut(&version))
        {
            v.evidence.push(record);
        }
        Ok(answer)
    }
}

/// An evidence file padded to `size` bytes with an `x-padding` member (ignored by readers, so
/// the envelope still verifies), generated chunk by chunk as it is sent: large records cost the
/// simulator nothing to hold. Files that are not a JSON object, or already larger, are as they
/// are.
pub(crate) fn padded_body(file: String, size: usize) -> (usize, axum::body::Body) {
    const HEAD: &str = "{\"x-padding\":\"";
    const CHUNK: usize = 64 * 1024;
    // `{"x-padding":"AAAA…",` + the file without its `{`.
    let fixed = HEAD.len() + 2 + file.len() - 1;
    if !file.starts_with('{') || file.len() < 3 || size <= fixed {
        return (file.len(), axum::body::Body::from(file));
    }
    let fill = size - fixed;
    let block = bytes::Bytes::from(vec![b'A'; CHUNK]);
    let rest = bytes::Bytes::from(format!("\",{}", &file[1..]));
    let chunks = fill.div_ceil(CHUNK);
    let padding = (0..chunks).map(move |i| block.slice(..CHUNK.min(fill - i * CHUNK)));
    let pieces = std::iter::once(bytes::Bytes::from_static(HEAD.as_bytes()))
        .chain(padding)
        .chain(std::iter::once(rest))
        .map(Ok::<bytes::Bytes, std::io::Error>);
    (
        size,
        axum::body::Body::from_stream(futures_util::stream::iter(pieces)),
    )
}

/// An envelope of about `size` bytes whose payload is a statement about `record`'s subject with
/// a predicate padded far over the statement limit, base64-encoded as it is sent.
pub(crate) fn payload_body(record: &EvidenceRecord, size: usize) -> (usize, axum::body::Body) {
    use base64::Engine as _;
    const CHUNK: usize = 48 * 1024;
    // Lengths that are multiples of 3 base64-encode without padding, so the pieces join.
    let pad3 = |mut s: String| {
        while s.len() % 3 != 0 {
            s.push(' ');
        }
        s
    };
    let head = pad3(format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"x","digest":{{"sha256":"{}"}}}}],"predicateType":{},"predicate":{{"pad":""#,
        record.subject_sha256,
        json!(record.predicate_type)
    ));
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let open = format!(
        r#"{{"payloadType":"{}","payload":""#,
        dsse::IN_TOTO_PAYLOAD_TYPE
    );
    let close = format!(r#"","signatures":[{{"keyid":"{DEMO_KEY_ALIAS}","sig":"AAAA"}}]}}"#);
    let (head, tail) = (b64(head.as_bytes()), b64(b"\"}}"));
    let fixed = open.len() + head.len() + tail.len() + close.len();
    let groups = size.saturating_sub(fixed) / 4;
    let block = bytes::Bytes::from(b64(&vec![b'x'; CHUNK]));
    let per_block = CHUNK / 3;
    let filler = (0..groups.div_ceil(per_block)).map(move |i| {
        let n = per_block.min(groups - i * per_block);
        block.slice(..n * 4)
    });
    let pieces = [open, head]
        .into_iter()
        .map(bytes::Bytes::from)
        .chain(filler)
        .chain([tail, close].into_iter().map(bytes::Bytes::from))
        .map(Ok::<bytes::Bytes, std::io::Error>);
    let body = axum::body::Body::from_stream(futures_util::stream::iter(pieces));
    (fixed + groups * 4, body)
}

/// The string literal after `key:` in a GraphQL query.
fn string_arg(query: &str, key: &str) -> Option<String> {
    let at = find_key(query, key)?;
    let rest = query[at..].trim_start();
    let rest = rest.strip_prefix('"')?;
    let mut end = None;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match (c, escaped) {
            ('\\', false) => escaped = true,
            ('"', false) => {
                end = Some(i);
                break;
            }
            _ => escaped = false,
        }
    }
    serde_json::from_str(&format!("\"{}\"", &rest[..end?])).ok()
}

/// The integer after `key:` in a GraphQL query.
fn int_arg(query: &str, key: &str) -> Option<usize> {
    let at = find_key(query, key)?;
    let digits: String = query[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The position just after `key:` (as a whole word) in `query`.
fn find_key(query: &str, key: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = query[from..].find(key) {
        let start = from + i;
        let end = start + key.len();
        let word_start = start == 0 || !query.as_bytes()[start - 1].is_ascii_alphanumeric();
        let after = query[end..].trim_start();
        if word_start && after.starts_with(':') {
            return Some(query.len() - after.len() + 1);
        }
        from = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_drop_the_version() {
        for (t, slug) in [
            (
                "https://in-toto.io/attestation/test-result/v0.1",
                "test-result",
            ),
            ("https://slsa.dev/provenance/v1", "provenance"),
            (
                "https://github.com/bookverse/promote-action/attestation/gates/v1",
                "gates",
            ),
            ("custom", "custom"),
        ] {
            assert_eq!(predicate_slug(t), slug);
        }
    }

    #[test]
    fn graphql_arguments_are_read() {
        let q = r#"{ evidence { searchEvidence(where: { hasSubjectWith: { repositoryKey: "r-x", path: "a/1.0\"b", name: "n" } }, first: 7, after: "c3") { totalCount } } }"#;
        assert_eq!(string_arg(q, "repositoryKey").as_deref(), Some("r-x"));
        assert_eq!(string_arg(q, "path").as_deref(), Some("a/1.0\"b"));
        assert_eq!(string_arg(q, "after").as_deref(), Some("c3"));
        assert_eq!(int_arg(q, "first"), Some(7));
        assert_eq!(string_arg(q, "missing"), None);
    }

    #[tokio::test]
    async fn padded_files_are_the_size_asked_and_still_verify() {
        let text = signed_statement("r/p/n", &"a".repeat(64), "t", json!({"x": 1}));
        let (n, body) = padded_body(text.clone(), 300_000);
        assert_eq!(n, 300_000);
        let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
        assert_eq!(bytes.len(), 300_000);
        let Ok(dsse::Evidence::Dsse(env)) = dsse::parse_evidence(&bytes) else {
            panic!("not an envelope");
        };
        let keys = PublicKey::from_pem("demo", DEMO_PUBLIC_KEY.as_bytes()).expect("key");
        assert!(dsse::verify_envelope(&env, &keys).is_ok());
        // Smaller than the file: the file as it is.
        assert_eq!(padded_body(text.clone(), 10).0, text.len());
    }

    #[tokio::test]
    async fn a_padded_payload_is_one_valid_base64_statement_too_large_to_read() {
        let record = EvidenceRecord {
            id: "x".into(),
            predicate_type: "t".into(),
            predicate_slug: "t".into(),
            created_millis: 0,
            created_by: "ci".into(),
            verified: true,
            signing_key_alias: None,
            subject_sha256: "a".repeat(64),
            download_path: "r/x.json".into(),
            file: String::new(),
            padded_to: Some(6 << 20),
            pad_payload: true,
        };
        let (n, body) = payload_body(&record, 6 << 20);
        let bytes = axum::body::to_bytes(body, usize::MAX).await.expect("body");
        assert_eq!(bytes.len(), n);
        assert!(n > (6 << 20) - 8 && n <= 6 << 20, "{n}");
        let Ok(dsse::Evidence::Dsse(env)) = dsse::parse_evidence(&bytes) else {
            panic!("not an envelope");
        };
        assert!(env.payload.len() > dsse::MAX_STATEMENT_BYTES);
        assert!(
            env.payload
                .starts_with(br#"{"_type":"https://in-toto.io/Statement/v1""#)
        );
        assert!(env.payload.ends_with(b"xxx\"}}"));
    }

    #[test]
    fn the_demo_key_signs_verifiable_statements() {
        let text = signed_statement("r/p/n", &"a".repeat(64), "t", json!({"x": 1}));
        let Ok(dsse::Evidence::Dsse(env)) = dsse::parse_evidence(text.as_bytes()) else {
            panic!("not an envelope: {text}");
        };
        let keys = PublicKey::from_pem("demo", DEMO_PUBLIC_KEY.as_bytes()).expect("key");
        let v = dsse::verify_envelope(&env, &keys).expect("verifies");
        assert_eq!(v.keyid, DEMO_KEY_ALIAS);
    }
}
