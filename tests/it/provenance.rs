//! Sigstore bundles through the binary (issue 23): real GitHub artifact attestations from two
//! Sigstore instances looked up by the `attestations` gate in the simulator's stand-in for
//! GitHub's attestations API, verified offline with an identity policy; tampered copies refused
//! each with its own reason; and Sigstore-bundle evidence records on the `evidence` gate.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use promote_action::simulator::attestations::{
    IMAGE_SHA256, IMAGE_SIGNER_WORKFLOW, WHEEL_REPOSITORY, WHEEL_SHA256,
};
use serde_json::Value;

use crate::common::{Action, Run, Sim, fixture};

const APP: &str = "bookverse-inventory";
/// In DEV in the seed: the attestations gate guards QA.
const VERSION: &str = "1.2.0";
const SLSA: &str = "https://slsa.dev/provenance/v1";
const IMAGE_FIXTURE: &str = "sigstore/artifact-attestations-opa-provider.sigstore.json";
const WHEEL_FIXTURE: &str = "sigstore/reusable-workflow-attestation.sigstore.json";

/// Who built the image (GitHub's instance, a private repository, RFC 3161 timestamp).
const IMAGE_SIGNER: &str = "            owner: github\n            signer-workflow: github/artifact-attestations-opa-provider/.github/workflows/docker.yaml\n            runner: github-hosted\n";
/// Who signed the wheel (public-good, Rekor): malancas/attest-demo through GitHub's reusable
/// attest workflow.
const WHEEL_SIGNER: &str = "            owner: malancas\n            signer-repo: github/artifact-attestations-workflows\n            signer-workflow: github/artifact-attestations-workflows/.github/workflows/attest.yml\n";

/// The seeded simulator state without GitHub's attestations: a test publishes its own.
fn seeded() -> promote_action::simulator::State {
    let mut state = promote_action::simulator::Simulator::seeded(Default::default()).state();
    state.attestations.clear();
    state
}

fn bundle(rel: &str) -> String {
    std::fs::read_to_string(fixture(rel)).expect("fixture bundle")
}

fn image_path() -> String {
    format!("{APP}-internal-docker-nonprod-local/{APP}/{VERSION}/manifest.json")
}

fn wheel_path() -> String {
    format!("{APP}-generic-local/{APP}/{VERSION}/attest_demo-0.0.1-py3-none-any.whl")
}

fn gate_policy(gate: &str) -> String {
    format!("version: 1\nstages:\n  QA:\n    gates:\n      - name: provenance\n{gate}")
}

fn attestations_gate(identity: &str) -> String {
    gate_policy(&format!(
        "        attestations:\n          predicate-type: {SLSA}\n          subjects: artifacts\n          identity:\n{identity}"
    ))
}

/// A run of the action against `sim` (whose `/github` route serves the attestations API).
fn run(sim: &Sim, policy: &str) -> Run {
    let mut a = Action::new(sim, APP);
    a.input("version", VERSION)
        .input("target-stage", "QA")
        .input("github-token", crate::common::TOKEN)
        .env("GITHUB_API_URL", &format!("{}/github", sim.url))
        .file(".github/promotion-policy.yml", policy);
    a.run()
}

fn rows(run: &Run) -> Vec<Value> {
    run.record.as_ref().expect("a record")["outcome"]["attestations"]
        .as_array()
        .expect("attestation rows")
        .clone()
}

fn row_for<'a>(rows: &'a [Value], subject: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["subject"] == subject)
        .unwrap_or_else(|| panic!("no row for {subject}: {rows:?}"))
}

#[test]
fn real_attestations_from_both_instances_pass_with_their_identity() {
    // GitHub's instance: the image, looked up across the github organisation.
    let sim = Sim::start();
    sim.sim
        .set_artifacts(APP, VERSION, &[(&image_path(), IMAGE_SHA256)]);
    let run1 = run(&sim, &attestations_gate(IMAGE_SIGNER));
    assert_eq!(run1.code, 0, "{}", run1.stdout);
    assert_eq!(run1.out("result"), "promoted");
    let r = rows(&run1);
    let image = row_for(&r, &image_path());
    assert_eq!(image["verdict"], "verified", "{image}");
    assert_eq!(image["instance"], "github", "{image}");
    assert!(
        image["signer_workflow"]
            .as_str()
            .is_some_and(|w| w.starts_with(IMAGE_SIGNER_WORKFLOW)),
        "{image}"
    );
    assert!(
        image["proof_of_time"]
            .as_str()
            .is_some_and(|p| p.starts_with("timestamp")),
        "{image}"
    );
    assert!(
        run1.summary.contains(IMAGE_SIGNER_WORKFLOW),
        "{}",
        run1.summary
    );

    // The public-good instance: the wheel, proven by its Rekor entry.
    let sim = Sim::start();
    sim.sim
        .set_artifacts(APP, VERSION, &[(&wheel_path(), WHEEL_SHA256)]);
    let run2 = run(&sim, &attestations_gate(WHEEL_SIGNER));
    assert_eq!(run2.code, 0, "{}", run2.stdout);
    let r = rows(&run2);
    let wheel = row_for(&r, &wheel_path());
    assert_eq!(wheel["verdict"], "verified", "{wheel}");
    assert_eq!(wheel["instance"], "public-good", "{wheel}");
    assert_eq!(wheel["source_repo"], WHEEL_REPOSITORY, "{wheel}");
    assert!(
        wheel["proof_of_time"]
            .as_str()
            .is_some_and(|p| p.starts_with("log index")),
        "{wheel}"
    );
}

#[test]
fn one_artifact_without_a_passing_attestation_blocks_naming_it() {
    let sim = Sim::start();
    let unattested = format!("{APP}-generic-local/{APP}/{VERSION}/inventory-cli.tar.gz");
    sim.sim.set_artifacts(
        APP,
        VERSION,
        &[
            (&image_path(), IMAGE_SHA256),
            (
                &unattested,
                "4c1f6d0a9b9e3c4a5d3bd1f8d9a7c7f0e6b5a4c3d2e1f0a9b8c7d6e5f4a3b2c1",
            ),
        ],
    );
    let blocked = run(&sim, &attestations_gate(IMAGE_SIGNER));
    assert_eq!(blocked.code, 1, "{}", blocked.stdout);
    assert_eq!(blocked.out("result"), "blocked");
    assert_eq!(blocked.out("failed-gates"), "provenance");
    assert_eq!(blocked.out("to-stage"), "bookverse-DEV");
    let r = rows(&blocked);
    assert_eq!(row_for(&r, &image_path())["verdict"], "verified");
    assert_eq!(row_for(&r, &unattested)["verdict"], "unsigned");
    assert!(
        blocked.summary.contains("inventory-cli.tar.gz"),
        "the summary names the artifact: {}",
        blocked.summary
    );
    assert_eq!(crate::common::mutations(&sim), vec![], "nothing promoted");

    // When the second artifact gets its own passing attestation, the version goes through.
    sim.sim
        .set_artifacts(APP, VERSION, &[(&image_path(), IMAGE_SHA256)]);
    let passed = run(&sim, &attestations_gate(IMAGE_SIGNER));
    assert_eq!(passed.code, 0, "{}", passed.stdout);
}

#[test]
fn an_identity_mismatch_fails_naming_the_field_what_it_is_and_what_policy_wants() {
    let sim = Sim::start();
    sim.sim
        .set_artifacts(APP, VERSION, &[(&image_path(), IMAGE_SHA256)]);
    let wanted = "github/artifact-attestations-opa-provider/.github/workflows/release.yml";
    let identity = format!("            owner: github\n            signer-workflow: {wanted}\n");
    let blocked = run(&sim, &attestations_gate(&identity));
    assert_eq!(blocked.code, 1, "{}", blocked.stdout);
    let r = rows(&blocked);
    let image = row_for(&r, &image_path());
    assert_eq!(image["verdict"], "identity mismatch", "{image}");
    let reason = image["reason"].as_str().expect("reason");
    assert!(
        reason.contains(&format!("signer-workflow is {IMAGE_SIGNER_WORKFLOW}@"))
            && reason.contains(&format!("policy wants {wanted}")),
        "{reason}"
    );
    assert!(
        blocked.summary.contains("signer-workflow is"),
        "{}",
        blocked.summary
    );
}

/// Tampered copies of the real public-good bundle, published where the real one is: each is
/// refused with its own reason, through the binary.
#[test]
fn tampered_bundles_are_refused_each_with_its_own_reason() {
    let real: Value = serde_json::from_str(&bundle(WHEEL_FIXTURE)).expect("bundle JSON");
    let changed_payload = {
        let mut b = real.clone();
        let payload = B64
            .decode(b["dsseEnvelope"]["payload"].as_str().expect("payload"))
            .expect("base64");
        let changed = String::from_utf8(payload)
            .expect("utf-8")
            .replacen("https://", "http://", 1);
        b["dsseEnvelope"]["payload"] = B64.encode(changed).into();
        b
    };
    let swapped_certificate = {
        // A staging leaf: same issuer name, another CA key.
        let staging: Value =
            serde_json::from_str(&bundle("sigstore/bundle.txt.sigstore")).expect("staging");
        let mut b = real.clone();
        b["verificationMaterial"]["certificate"]["rawBytes"] =
            staging["verificationMaterial"]["x509CertificateChain"]["certificates"][0]["rawBytes"]
                .clone();
        b
    };
    let broken_inclusion_proof = {
        let mut b = real.clone();
        let hashes = &mut b["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["hashes"];
        let mut first = B64
            .decode(hashes[0].as_str().expect("hash"))
            .expect("base64");
        first[0] ^= 1;
        hashes[0] = B64.encode(first).into();
        b
    };
    let unknown_version = {
        let mut b = real.clone();
        b["mediaType"] = "application/vnd.dev.sigstore.bundle.v9+json".into();
        b
    };
    for (tamper, bundle, verdict) in [
        ("changed payload", changed_payload, "bad signature"),
        ("swapped certificate", swapped_certificate, "chain"),
        (
            "broken inclusion proof",
            broken_inclusion_proof,
            "no proof of time",
        ),
        (
            "unknown media type",
            unknown_version,
            "unknown bundle version",
        ),
    ] {
        let state = seeded();
        let sim = Sim::with_state(state, promote_action::simulator::SimConfig::default());
        sim.sim
            .set_artifacts(APP, VERSION, &[(&wheel_path(), WHEEL_SHA256)]);
        sim.sim
            .publish_attestation(WHEEL_REPOSITORY, WHEEL_SHA256, &bundle.to_string());
        let blocked = run(&sim, &attestations_gate(WHEEL_SIGNER));
        assert_eq!(blocked.code, 1, "{tamper}: {}", blocked.stdout);
        let r = rows(&blocked);
        let row = row_for(&r, &wheel_path());
        assert_eq!(row["verdict"], verdict, "{tamper}: {row}");
    }

    // The real bundle's statement is about the wheel: under another artifact's digest, it is
    // the wrong subject, and the reason says what the statement is about.
    let state = seeded();
    let sim = Sim::with_state(state, promote_action::simulator::SimConfig::default());
    let other = "0000000000000000000000000000000000000000000000000000000000000001";
    sim.sim
        .set_artifacts(APP, VERSION, &[(&wheel_path(), other)]);
    sim.sim
        .publish_attestation(WHEEL_REPOSITORY, other, &bundle(WHEEL_FIXTURE));
    let blocked = run(&sim, &attestations_gate(WHEEL_SIGNER));
    assert_eq!(blocked.code, 1, "{}", blocked.stdout);
    let r = rows(&blocked);
    let row = row_for(&r, &wheel_path());
    assert_eq!(row["verdict"], "wrong subject", "{row}");
    assert!(
        row["reason"]
            .as_str()
            .is_some_and(|t| t.contains(WHEEL_SHA256)),
        "{row}"
    );
}

#[test]
fn a_predicate_type_the_policy_does_not_ask_for_is_refused() {
    let sim = Sim::start();
    sim.sim
        .set_artifacts(APP, VERSION, &[(&image_path(), IMAGE_SHA256)]);
    let policy = gate_policy(&format!(
        "        attestations:\n          predicate-type: https://spdx.dev/Document/v2.3\n          subjects: artifacts\n          identity:\n{IMAGE_SIGNER}"
    ));
    let blocked = run(&sim, &policy);
    assert_eq!(blocked.code, 1, "{}", blocked.stdout);
    let r = rows(&blocked);
    assert_eq!(
        row_for(&r, &image_path())["verdict"],
        "wrong predicate type"
    );
}

fn evidence_gate(extra: &str) -> String {
    gate_policy(&format!(
        "        evidence:\n          required: [\"{SLSA}\"]\n{extra}"
    ))
}

fn evidence_rows(run: &Run) -> Vec<Value> {
    run.record.as_ref().expect("record")["outcome"]["evidence"]
        .as_array()
        .expect("evidence rows")
        .clone()
}

/// `jf evd create --sigstore-bundle` records on the evidence gate: verified with `identity`,
/// refused on a mismatch, unverifiable without one unless `allow-unverified`.
#[test]
fn sigstore_evidence_records_are_verified_with_the_evidence_gates_identity() {
    // A fresh simulator per run: a passing run promotes the version.
    let with_record = || {
        let sim = Sim::start();
        sim.sim
            .set_artifacts(APP, VERSION, &[(&image_path(), IMAGE_SHA256)]);
        sim.sim
            .add_sigstore_evidence(APP, VERSION, SLSA, &bundle(IMAGE_FIXTURE));
        sim
    };
    let with_identity = format!("          identity:\n{IMAGE_SIGNER}");
    let passed = run(&with_record(), &evidence_gate(&with_identity));
    assert_eq!(passed.code, 0, "{}", passed.stdout);
    assert!(
        Value::Array(evidence_rows(&passed))
            .to_string()
            .contains(IMAGE_SIGNER_WORKFLOW),
        "the record row says who signed: {}",
        passed.stdout
    );

    let wrong = "          identity:\n            owner: github\n            signer-workflow: bookverse/inventory/.github/workflows/release.yml\n";
    let blocked = run(&with_record(), &evidence_gate(wrong));
    assert_eq!(blocked.code, 1, "{}", blocked.stdout);
    let text = Value::Array(evidence_rows(&blocked)).to_string() + &blocked.summary;
    assert!(text.contains("signer-workflow is"), "{text}");

    let unverifiable = run(&with_record(), &evidence_gate(""));
    assert_eq!(unverifiable.code, 1, "{}", unverifiable.stdout);
    let text = Value::Array(evidence_rows(&unverifiable)).to_string();
    assert!(text.contains("unverifiable"), "{text}");

    let allowed = run(
        &with_record(),
        &evidence_gate("          allow-unverified: true\n"),
    );
    assert_eq!(allowed.code, 0, "{}", allowed.stdout);
}
