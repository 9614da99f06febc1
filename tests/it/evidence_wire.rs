//! Wire tests of the evidence client against wiremock: the AQL query, the GraphQL search with
//! its pages, the envelope download and the upload — method, path, auth, content type and body
//! pinned the way JFrog's CLI sends them.

use std::time::Duration;

use promote_action::http::{ClientOptions, RemoteErrorKind, RequestRecorder};
use promote_action::inputs::Secret;
use promote_action::jfrog::evidence::{EvidenceClient, Subject};
use serde_json::{Value, json};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn client(server: &MockServer) -> EvidenceClient {
    let options = ClientOptions {
        backoff: Duration::from_millis(10),
        timeout: Duration::from_secs(2),
        ..ClientOptions::default()
    };
    EvidenceClient::new(
        reqwest::Client::new(),
        &server.uri(),
        Secret::new("tok".into()),
        options,
        RequestRecorder::default(),
    )
}

fn subject() -> Subject {
    Subject::manifest(Some("bookverse"), "inv", "1.0.0+b.7")
}

const SHA: &str = "9f2c7e1d4b5a69788c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b";

#[tokio::test]
async fn aql_finds_the_manifest_by_repo_path_and_name() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/artifactory/api/search/aql"))
        .and(header("authorization", "Bearer tok"))
        .and(header("content-type", "text/plain"))
        .and(body_string(
            r#"items.find({"name":"release-bundle.json.evd","path":"inv/1.0.0+b.7","repo":"bookverse-application-versions"}).include("repo","path","name","sha256")"#,
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "results": [{"repo": "bookverse-application-versions", "path": "inv/1.0.0+b.7",
                         "name": "release-bundle.json.evd", "sha256": SHA}],
            "range": {"start_pos": 0, "end_pos": 1, "total": 1}
        })))
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(
        client(&server).sha256(&subject()).await.expect("aql"),
        Some(SHA.to_string())
    );
}

#[tokio::test]
async fn aql_without_the_file_is_none_and_an_odd_answer_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/artifactory/api/search/aql"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": []})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/artifactory/api/search/aql"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>login</html>"))
        .mount(&server)
        .await;
    let c = client(&server);
    assert_eq!(c.sha256(&subject()).await.expect("aql"), None);
    let e = c.sha256(&subject()).await.expect_err("html is not AQL");
    assert_eq!(e.kind, RemoteErrorKind::Decode);
    assert!(
        e.to_string().contains("POST /artifactory/api/search/aql"),
        "{e}"
    );
}

fn edge(i: usize) -> Value {
    json!({"cursor": format!("c{i}"), "node": {
        "downloadPath": format!("bookverse-application-versions/inv/1.0.0+b.7/ev-{i}.json"),
        "predicateType": "https://in-toto.io/attestation/test-result/v0.1",
        "predicateSlug": "test-result", "verified": true, "createdBy": "ci",
        "createdAt": "2026-11-30T10:00:00Z", "subject": {"sha256": SHA},
        "signingKey": {"alias": "bookverse-ci"}}})
}

#[tokio::test]
async fn graphql_search_pages_through_every_record() {
    let server = MockServer::start().await;
    // 150 records: a first page of 100, then 50 after the 100th cursor.
    Mock::given(method("POST"))
        .and(path("/onemodel/api/v1/graphql"))
        .and(header("authorization", "Bearer tok"))
        .and(header("content-type", "application/json"))
        .respond_with(|req: &Request| {
            let body: Value = serde_json::from_slice(&req.body).expect("json body");
            let q = body["query"].as_str().expect("query").to_string();
            assert!(q.contains(r#"hasSubjectWith: { repositoryKey: "bookverse-application-versions", path: "inv/1.0.0+b.7", name: "release-bundle.json.evd" }"#), "{q}");
            let (from, to) = if q.contains(r#"after: "c99""#) {
                (100, 150)
            } else {
                assert!(q.contains("first: 100)"), "{q}");
                (0, 100)
            };
            ResponseTemplate::new(200).set_body_json(json!({"data": {"evidence": {"searchEvidence": {
                "totalCount": 150, "edges": (from..to).map(edge).collect::<Vec<_>>()}}}}))
        })
        .expect(2)
        .mount(&server)
        .await;
    let records = client(&server).records(&subject()).await.expect("records");
    assert_eq!(records.len(), 150);
    assert_eq!(
        records[149].download_path,
        "bookverse-application-versions/inv/1.0.0+b.7/ev-149.json"
    );
    assert_eq!(
        records[0].signing_key_alias.as_deref(),
        Some("bookverse-ci")
    );
}

#[tokio::test]
async fn graphql_errors_and_missing_data_are_errors() {
    for (status, body, want) in [
        (
            200,
            json!({"errors": [{"message": "Cannot query field \"attachments\""}]}),
            "GraphQL answered errors: Cannot query field",
        ),
        (200, json!({"data": null}), "no `data`"),
        (
            400,
            json!({"errors": [{"message": "syntax error"}]}),
            "HTTP 400: syntax error",
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/onemodel/api/v1/graphql"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(&server)
            .await;
        let e = client(&server)
            .records(&subject())
            .await
            .expect_err("an error");
        assert!(e.to_string().contains(want), "{e}");
    }
}

#[tokio::test]
async fn downloads_are_encoded_and_bounded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/artifactory/bookverse-application-versions/inv/1.0.0%2Bb.7/ev-1.json",
        ))
        .and(header("authorization", "Bearer tok"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[]}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/artifactory/r/huge.json"))
        .respond_with(ResponseTemplate::new(200).set_body_string("x".repeat(17 * 1024 * 1024)))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server);
    let text = c
        .download("bookverse-application-versions/inv/1.0.0+b.7/ev-1.json")
        .await
        .expect("download");
    assert!(text.contains("payloadType"));
    let e = c.download("r/huge.json").await.expect_err("over 16 MiB");
    assert!(e.to_string().contains("larger than"), "{e}");
}

#[tokio::test]
async fn uploads_post_the_envelope_once_to_the_subject() {
    let server = MockServer::start().await;
    let envelope = r#"{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"k","sig":"AA=="}]}"#;
    Mock::given(method("POST"))
        .and(path("/evidence/api/v1/subject/bookverse-application-versions/inv/1.0.0%2Bb.7/release-bundle.json.evd"))
        .and(header("authorization", "Bearer tok"))
        .and(header("content-type", "application/json"))
        .and(body_string(envelope))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"verified": true})))
        .expect(1)
        .mount(&server)
        .await;
    let up = client(&server)
        .upload(&subject(), envelope)
        .await
        .expect("upload");
    assert_eq!(up.status, 201);
    assert_eq!(up.verified, Some(true));
    // A 5xx is not sent again: the upload may have happened.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let e = client(&server)
        .upload(&subject(), envelope)
        .await
        .expect_err("502");
    assert!(e.outcome_unknown());
}
