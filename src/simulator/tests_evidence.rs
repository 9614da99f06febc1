//! The evidence service of the simulator, driven by the action's own evidence client over
//! loopback: the twin and the client must agree on every shape.

use serde_json::json;

use super::*;
use crate::dsse::{self, PublicKey, SigningKey, Statement};
use crate::http::{ClientOptions, RequestRecorder};
use crate::jfrog::evidence::{EvidenceClient, Subject};
use crate::secret::Secret;

const TOKEN: &str = "simulator-token";

async fn start() -> (Simulator, EvidenceClient) {
    let sim = Simulator::seeded(SimConfig::default());
    let addr = sim.spawn().await.expect("spawn");
    let client = EvidenceClient::new(
        reqwest::Client::new(),
        &format!("http://{addr}"),
        Secret::new(TOKEN.into()),
        ClientOptions::default(),
        RequestRecorder::default(),
    );
    (sim, client)
}

fn manifest(version: &str) -> Subject {
    Subject::manifest(Some(PROJECT), APP_INVENTORY, version)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/keys")
            .join(name),
    )
    .expect("fixture")
}

#[tokio::test]
async fn seeded_records_are_signed_by_the_demo_key_and_about_the_manifest() {
    let (sim, c) = start().await;
    let sha = c
        .sha256(&manifest("1.1.0"))
        .await
        .expect("aql")
        .expect("manifest exists");
    let v = sim.version(APP_INVENTORY, "1.1.0").expect("version");
    assert_eq!(sha, v.application_version_sha256);
    let records = c.records(&manifest("1.1.0")).await.expect("search");
    let types: Vec<&str> = records.iter().map(|r| r.predicate_type.as_str()).collect();
    assert_eq!(types, [EVIDENCE_TEST_RESULT, EVIDENCE_SLSA]);
    let keys = PublicKey::from_pem("demo", DEMO_PUBLIC_KEY.as_bytes()).expect("demo key");
    for r in &records {
        assert!(r.verified);
        assert_eq!(r.signing_key_alias.as_deref(), Some(DEMO_KEY_ALIAS));
        let file = c.download(&r.download_path).await.expect("download");
        let Ok(dsse::Evidence::Dsse(env)) = dsse::parse_evidence(file.as_bytes()) else {
            panic!("not a DSSE envelope: {file}");
        };
        dsse::verify_envelope(&env, &keys).expect("demo key verifies");
        let statement = env.statement().expect("statement");
        assert!(statement.subject_matches(&sha));
        assert_eq!(statement.predicate_type, r.predicate_type);
    }
    assert_eq!(c.records(&manifest("1.4.0")).await.expect("search"), vec![]);
    assert_eq!(
        c.sha256(&Subject::manifest(Some("other"), APP_INVENTORY, "1.1.0"))
            .await
            .expect("aql"),
        None
    );
}

#[tokio::test]
async fn many_records_come_page_by_page() {
    let (sim, c) = start().await;
    for _ in 0..120 {
        sim.add_evidence(APP_INVENTORY, "1.4.0", EVIDENCE_SLSA);
    }
    let records = c.records(&manifest("1.4.0")).await.expect("search");
    assert_eq!(records.len(), 120);
    let graphql_posts = sim
        .requests()
        .iter()
        .filter(|r| r.path == "/onemodel/api/v1/graphql")
        .count();
    assert_eq!(graphql_posts, 2, "100 + 20");
}

fn statement_for(sim: &Simulator, version: &str) -> (String, Vec<u8>) {
    let v = sim.version(APP_INVENTORY, version).expect("version");
    let subject = manifest(version).full_path();
    let s = Statement::new(
        &subject,
        &v.application_version_sha256,
        "https://example.com/check/v1",
        json!({"ok": true}),
    );
    (subject, s.to_json())
}

#[tokio::test]
async fn uploads_are_verified_against_the_trusted_keys() {
    let (sim, c) = start().await;
    let key = SigningKey::from_pem("p256.key", &fixture("p256.key")).expect("key");
    let (_, payload) = statement_for(&sim, "1.2.0");
    let envelope = key
        .sign(dsse::IN_TOTO_PAYLOAD_TYPE, &payload, "ci-p256")
        .expect("sign")
        .to_json();
    // Unknown alias: stored, not verified.
    let up = c
        .upload(&manifest("1.2.0"), &envelope)
        .await
        .expect("upload");
    assert_eq!((up.status, up.verified), (201, Some(false)));
    // Trusted: verified.
    sim.trust_key(
        "ci-p256",
        &String::from_utf8(fixture("p256.pub")).expect("pem"),
    );
    let up = c
        .upload(&manifest("1.2.0"), &envelope)
        .await
        .expect("upload");
    assert_eq!(up.verified, Some(true));
    let stored = sim.evidence(APP_INVENTORY, "1.2.0");
    assert_eq!(
        stored.last().map(|r| r.predicate_slug.as_str()),
        Some("check")
    );
    // A trusted alias whose signature does not verify is refused.
    let other = SigningKey::from_pem("ed25519.key", &fixture("ed25519.key")).expect("key");
    let forged = other
        .sign(dsse::IN_TOTO_PAYLOAD_TYPE, &payload, "ci-p256")
        .expect("sign")
        .to_json();
    let e = c
        .upload(&manifest("1.2.0"), &forged)
        .await
        .expect_err("400");
    assert!(e.to_string().contains("invalid signature"), "{e}");
    // A statement about another version is refused; an unknown subject is 404.
    let (_, other_payload) = statement_for(&sim, "1.1.0");
    let wrong = key
        .sign(dsse::IN_TOTO_PAYLOAD_TYPE, &other_payload, "ci-p256")
        .expect("sign")
        .to_json();
    let e = c.upload(&manifest("1.2.0"), &wrong).await.expect_err("400");
    assert!(e.to_string().contains("does not match"), "{e}");
    let e = c
        .upload(&manifest("9.9.9"), &envelope)
        .await
        .expect_err("404");
    assert_eq!(e.status(), Some(404));
    let e = c
        .upload(&manifest("1.2.0"), "not json")
        .await
        .expect_err("400");
    assert_eq!(e.status(), Some(400));
}

#[tokio::test]
async fn unknown_query_shapes_are_refused_the_way_each_api_refuses() {
    let (sim, _) = start().await;
    let state = sim.state();
    assert_eq!(state.aql("items.find({}).sort()").unwrap_err().status, 400);
    let answer = state.graphql("{ builds { name } }");
    assert!(answer["errors"][0]["message"].is_string(), "{answer}");
    assert!(answer.get("data").is_none());
}
