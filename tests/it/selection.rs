//! Selective promotion, as `jf apptrust version-promote` does it: `include-repos`,
//! `exclude-repos`, `overwrite-strategy` and `properties` pinned on the wire (wiremock), carried
//! by every hop of a real run (the simulator records them), and refused by name when malformed.

use std::time::Duration;

use promote_action::http::ClientOptions;
use promote_action::inputs::{ArtifactProperty, OverwriteStrategy, Secret, Selection};
use promote_action::jfrog::apptrust::client::HttpAppTrust;
use promote_action::jfrog::apptrust::{AppTrustApi, HopRequest};
use serde_json::json;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Action, Sim, mutations};

const V: &str = "/apptrust/api/v1/applications/inv/versions/1.0.0";
const APP: &str = "bookverse-inventory";

fn client(server: &MockServer) -> HttpAppTrust {
    let options = ClientOptions {
        timeout: Duration::from_secs(2),
        ..ClientOptions::default()
    };
    HttpAppTrust::new(&server.uri(), Secret::new("tok".into()), options).expect("client")
}

fn selection() -> Selection {
    Selection {
        include_repos: vec!["inv-docker-qa-local".into(), "inv-npm-qa-local".into()],
        exclude_repos: vec!["inv-scratch-local".into()],
        overwrite_strategy: Some(OverwriteStrategy::Latest),
        properties: vec![
            ArtifactProperty {
                key: "team".into(),
                values: vec!["inventory".into()],
            },
            ArtifactProperty {
                key: "env".into(),
                values: vec!["qa".into(), "staging".into()],
            },
        ],
    }
}

/// The fields the CLI adds to both bodies (jfrog-cli-application `CommonPromoteAppVersion`).
fn cli_fields() -> serde_json::Value {
    json!({
        "included_repository_keys": ["inv-docker-qa-local", "inv-npm-qa-local"],
        "excluded_repository_keys": ["inv-scratch-local"],
        "artifact_additional_properties": [
            {"key": "team", "values": ["inventory"]},
            {"key": "env", "values": ["qa", "staging"]}
        ],
        "overwrite_strategy": "LATEST"
    })
}

fn with(mut body: serde_json::Value, extra: serde_json::Value) -> serde_json::Value {
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    body
}

#[tokio::test]
async fn the_promote_body_carries_every_field_as_the_cli_sends_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{V}/promote")))
        .and(query_param("async", "false"))
        .and(body_json(with(
            json!({"target_stage": "bookverse-QA", "promotion_type": "move"}),
            cli_fields(),
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    let req = HopRequest {
        target_stage: "bookverse-QA".into(),
        promotion_type: "move".into(),
        selection: selection(),
    };
    client(&server)
        .promote("inv", "1.0.0", &req)
        .await
        .expect("the body matched");
}

#[tokio::test]
async fn the_release_body_carries_them_too_without_a_target() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{V}/release")))
        .and(body_json(with(
            json!({"promotion_type": "copy"}),
            cli_fields(),
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "success"})))
        .expect(1)
        .mount(&server)
        .await;
    let req = HopRequest {
        target_stage: "PROD".into(),
        promotion_type: "copy".into(),
        selection: selection(),
    };
    client(&server)
        .release("inv", "1.0.0", &req)
        .await
        .expect("the body matched");
}

#[test]
fn every_hop_of_a_run_carries_the_inputs_and_the_simulator_records_them() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP)
        .input("version", "1.3.0")
        .input("target-stage", "PROD")
        .input(
            "include-repos",
            "inventory-docker-prod-local, inventory-npm-prod-local",
        )
        .input("exclude-repos", "inventory-scratch-local")
        .input("overwrite-strategy", "all")
        .input("properties", "release=2026.1;approved-by=alice,bob")
        .run();
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.out("result"), "released");
    let v = sim.sim.version(APP, "1.3.0").expect("version");
    let ops: Vec<&str> = v.history.iter().map(|r| r.operation.as_str()).collect();
    assert_eq!(ops, ["promote", "promote", "promote", "release"]);
    let first = &v.history[0].options;
    assert!(
        v.history.iter().all(|r| r.options == *first),
        "every hop carried the same options: {:?}",
        v.history
    );
    let o = &v.history[3].options;
    assert_eq!(
        o.included_repository_keys,
        ["inventory-docker-prod-local", "inventory-npm-prod-local"]
    );
    assert_eq!(o.excluded_repository_keys, ["inventory-scratch-local"]);
    assert_eq!(o.overwrite_strategy.as_deref(), Some("ALL"));
    let props: Vec<(&str, Vec<&str>)> = o
        .artifact_additional_properties
        .iter()
        .map(|p| {
            (
                p.key.as_str(),
                p.values.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        props,
        [
            ("release", vec!["2026.1"]),
            ("approved-by", vec!["alice", "bob"])
        ]
    );
    let record = run.record.expect("record");
    assert_eq!(record["inputs"]["overwrite-strategy"], "all");
    assert_eq!(
        record["inputs"]["include-repos"][1],
        "inventory-npm-prod-local"
    );
}

#[test]
fn unset_inputs_send_none_of_the_fields() {
    let sim = Sim::start();
    let run = Action::new(&sim, APP).input("version", "1.2.0").run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    let sent = mutations(&sim);
    let promote = sent
        .iter()
        .find(|r| r.path.ends_with("/promote"))
        .expect("one promote");
    let body: serde_json::Value =
        serde_json::from_str(promote.body.as_deref().unwrap_or_default()).expect("JSON body");
    assert_eq!(
        body,
        json!({"target_stage": "bookverse-QA", "promotion_type": "copy"})
    );
}

/// (input, value, what the `::error` names)
#[test]
fn a_malformed_value_is_an_input_error_naming_the_input_and_sends_nothing() {
    let table = [
        ("overwrite-strategy", "sometimes", "`overwrite-strategy`"),
        ("include-repos", "repo with spaces", "`include-repos`"),
        ("properties", "team", "`properties`"),
    ];
    for (input, value, named) in table {
        let sim = Sim::start();
        let run = Action::new(&sim, APP)
            .input("version", "1.2.0")
            .input(input, value)
            .run();
        assert_eq!(run.code, 2, "{input}: {}", run.stdout);
        assert_eq!(run.out("result"), "failed");
        let error = run
            .stdout
            .lines()
            .find(|l| l.starts_with("::error"))
            .unwrap_or_default();
        assert!(error.contains(named), "{input}: {error}");
        assert!(sim.sim.requests().is_empty(), "{input}: nothing was sent");
    }
}
