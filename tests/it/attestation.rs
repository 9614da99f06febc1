//! Our own attestation (`evidence-key`): a signed in-toto statement of each decision attached to
//! the version in JFrog — what it holds, when it is written, and that the key never shows.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use promote_action::simulator::{DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, Fault, FaultKind};
use serde_json::Value;

use crate::common::{Action, Run, Sim, fixture, mutations};

const APP: &str = "bookverse-inventory";
const PREDICATE: &str = "https://github.com/bookverse/promote-action/attestation/gates/v1";
const POLICY: &str = "version: 1\nstages:\n  QA:\n    gates:\n      - name: evidence\n        evidence: { required: [\"https://in-toto.io/attestation/test-result/v0.1\"] }\n";

fn action(sim: &Sim, key: &str, alias: &str) -> Action {
    let mut a = Action::new(sim, APP);
    a.input("version", "1.2.0")
        .input("evidence-key", key)
        .input("evidence-key-alias", alias)
        .file(".github/promotion-policy.yml", POLICY);
    // Every line of the key's body is a secret too.
    for line in key.lines().filter(|l| !l.starts_with("-----")) {
        a.secret(line);
    }
    a.env("GITHUB_RUN_ATTEMPT", "2")
        .env("GITHUB_WORKFLOW", "promote");
    a
}

/// The attestations on 1.2.0 (predicate type ours), decoded: (JFrog's verified, statement).
fn attestations(sim: &Sim) -> Vec<(bool, Value)> {
    sim.sim
        .evidence(APP, "1.2.0")
        .into_iter()
        .filter(|r| r.predicate_type == PREDICATE)
        .map(|r| {
            let env: Value = serde_json::from_str(&r.file).expect("envelope");
            let payload = STANDARD
                .decode(env["payload"].as_str().expect("payload"))
                .expect("b64");
            (
                r.verified,
                serde_json::from_slice(&payload).expect("statement"),
            )
        })
        .collect()
}

fn attestation(run: &Run) -> Value {
    run.record.as_ref().expect("record")["outcome"]["attestation"].clone()
}

#[test]
fn a_promotion_attaches_a_verified_statement_of_its_decision() {
    let sim = Sim::start();
    let run = action(&sim, DEMO_PRIVATE_KEY, "bookverse-ci").run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "promoted");
    let list = attestations(&sim);
    assert_eq!(list.len(), 1);
    let (verified, statement) = &list[0];
    assert!(*verified, "JFrog verified it with the registered key");
    let sha = sim
        .sim
        .version(APP, "1.2.0")
        .expect("v")
        .application_version_sha256;
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v1");
    assert_eq!(
        statement["subject"][0]["name"],
        "bookverse-application-versions/bookverse-inventory/1.2.0/release-bundle.json.evd"
    );
    assert_eq!(statement["subject"][0]["digest"]["sha256"], sha.as_str());
    assert_eq!(statement["predicateType"], PREDICATE);
    let p = &statement["predicate"];
    assert_eq!(p["application"], APP);
    assert_eq!(p["version"], "1.2.0");
    assert_eq!(p["from-stage"], "bookverse-DEV");
    assert_eq!(p["to-stage"], "bookverse-QA");
    assert_eq!(p["result"], "promoted");
    let gates: Value = serde_json::from_str(run.out("gates")).expect("gates");
    assert_eq!(p["gates"], gates, "the gates output, as is");
    assert_eq!(p["run"]["repository"], "bookverse/inventory");
    assert_eq!(p["run"]["run-id"], "77");
    assert_eq!(p["run"]["run-attempt"], "2");
    assert_eq!(p["run"]["actor"], "alice");
    assert_eq!(p["run"]["workflow"], "promote");
    let policy_sha = promote_action::digest::sha256_hex(POLICY.as_bytes());
    assert_eq!(p["policy-sha256"], policy_sha.as_str());
    let a = attestation(&run);
    assert_eq!(a["attached"], true);
    assert_eq!(a["verified"], true);
    assert_eq!(a["keyid"], "bookverse-ci");
    assert!(
        run.summary
            .contains("A signed attestation of this decision"),
        "{}",
        run.summary
    );
    // The record names the key by fingerprint, never by content.
    let fingerprint = a["key_fingerprint"].as_str().expect("fingerprint");
    assert!(fingerprint.starts_with("SHA256:"), "{fingerprint}");
    let _ = DEMO_PUBLIC_KEY;
}

#[test]
fn a_blocked_run_is_attested_plans_and_unchanged_runs_are_not() {
    let sim = Sim::start();
    sim.sim.clear_evidence(APP, "1.2.0");
    let run = action(&sim, DEMO_PRIVATE_KEY, "bookverse-ci").run();
    assert_eq!(run.code, 1);
    let list = attestations(&sim);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].1["predicate"]["result"], "blocked");
    assert_eq!(list[0].1["predicate"]["failed-gates"][0], "evidence");

    let sim = Sim::start();
    let mut plan = action(&sim, DEMO_PRIVATE_KEY, "bookverse-ci");
    plan.input("command", "plan");
    let run = plan.run();
    assert_eq!(run.out("result"), "planned");
    assert!(attestations(&sim).is_empty());
    assert_eq!(
        mutations(&sim),
        vec![],
        "a plan writes nothing, not even an attestation"
    );

    let mut unchanged = action(&sim, DEMO_PRIVATE_KEY, "bookverse-ci");
    unchanged.input("target-stage", "DEV");
    let run = unchanged.run();
    assert_eq!(run.out("result"), "unchanged");
    assert!(attestations(&sim).is_empty());
}

#[test]
fn a_key_that_does_not_parse_is_an_input_error_before_any_request() {
    let private_rsa_as_public = std::fs::read_to_string(fixture("keys/rsa2048.pub")).expect("key");
    for (name, key, alias, want) in [
        ("garbage", "not a key", "ci", "evidence-key"),
        (
            "a public key",
            private_rsa_as_public.as_str(),
            "ci",
            "evidence-key",
        ),
        ("no alias", DEMO_PRIVATE_KEY, "", "evidence-key-alias"),
    ] {
        let sim = Sim::start();
        let run = action(&sim, key, alias).run();
        assert_eq!(run.code, 2, "{name}: {}", run.stdout);
        let error = run
            .stdout
            .lines()
            .find(|l| l.starts_with("::error"))
            .expect("::error");
        assert!(error.contains(want), "{name}: {error}");
        assert!(sim.sim.requests().is_empty(), "{name}: nothing was sent");
    }
}

#[test]
fn a_failed_upload_after_a_promotion_is_a_warning_not_a_failure() {
    let sim = Sim::start();
    sim.sim.inject(Fault {
        method: Some("POST".into()),
        path_contains: "/evidence/api/v1/subject/".into(),
        kind: FaultKind::Status {
            code: 503,
            retry_after: None,
            body: None,
        },
        times: None,
    });
    let run = action(&sim, DEMO_PRIVATE_KEY, "bookverse-ci").run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.out("result"), "promoted");
    assert!(
        run.stdout.contains(
            "::warning title=promote-action::the attestation of this decision was not attached"
        ),
        "{}",
        run.stdout
    );
    let a = attestation(&run);
    assert_eq!(a["attached"], false);
    assert!(
        a["error"].as_str().expect("error").contains("HTTP 503"),
        "{a}"
    );
    let uploads = sim
        .sim
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/evidence/api/v1/subject/"))
        .count();
    assert_eq!(uploads, 1, "sent once");
}

#[test]
fn an_alias_jfrog_does_not_know_is_attached_unverified_and_said_so() {
    let sim = Sim::start();
    let key = std::fs::read_to_string(fixture("keys/p256.key")).expect("key");
    let run = action(&sim, &key, "not-registered").run();
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(attestation(&run)["verified"], false);
    assert!(
        run.summary.contains("JFrog did not verify its signature"),
        "{}",
        run.summary
    );
}
