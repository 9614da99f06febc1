//! Real bundles from both Sigstore instances (tests/fixtures/sigstore, sources in
//! tests/fixtures/README.md), verified with the embedded roots at their own signing times, and
//! variants tampered in code, each failing with its own reason.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::Value;

use super::*;

/// Public-good instance, v0.3 DSSE, SLSA provenance v1 from a reusable workflow; Rekor entry.
const PUBLIC_GOOD: &str = "reusable-workflow-attestation.sigstore.json";
const PUBLIC_GOOD_SHA: &str = "49a3aa6075e0f49f82843e74b5baa614ad2a588e6675612bf108a0a008c5ac25";
/// GitHub's instance, v0.3 DSSE, SLSA provenance v1 from a private repository; RFC 3161 only.
const GITHUB: &str = "artifact-attestations-opa-provider.sigstore.json";
const GITHUB_SHA: &str = "d57f9212097b86c8d75158ea1d974721e7c6f8c33bd77838b242c8f6a2d21813";
/// GitHub's instance, another workflow, a year earlier (its certificate is used as a swap).
const GITHUB_2024: &str = "github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl";
const GITHUB_2024_SHA: &str = "ae57936def59bc4c75edd3a837d89bcefc6d3a5e31d55a6fa7a71624f92c3c3b";
/// Public-good, v0.2 message signature (a wheel released by trailofbits/rfc8785.py).
const MESSAGE_V02: &str = "bundle_v3_github.whl.sigstore";
const MESSAGE_V02_SHA: &str = "c4e92e9ecc828bef2aa7dba1de8ac983511f7532a0df11c770d39099a25cf201";
const SLSA_V1: &str = "https://slsa.dev/provenance/v1";

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/sigstore/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn roots() -> TrustedRoots {
    TrustedRoots::embedded().unwrap()
}

fn sha(hex: &str) -> ArtifactSha256 {
    ArtifactSha256::from_hex(hex).unwrap()
}

fn identity(yaml: &str) -> Identity {
    let identity: Identity = yaml_serde::from_str(yaml).unwrap();
    identity.validate().unwrap();
    identity
}

/// Who signed `PUBLIC_GOOD`: malancas/attest-demo's release, via GitHub's reusable workflow.
fn public_good_signer() -> Identity {
    identity(
        "owner: malancas\nsigner-repo: github/artifact-attestations-workflows\n\
         signer-workflow: github/artifact-attestations-workflows/.github/workflows/attest.yml\n",
    )
}

fn github_signer() -> Identity {
    identity(
        "owner: github\n\
         signer-workflow: github/artifact-attestations-opa-provider/.github/workflows/docker.yaml@refs/pull/31/merge\n\
         source-ref: refs/pull/31/merge\nrunner: github-hosted\n",
    )
}

fn check(
    bundle: &[u8],
    artifact: &str,
    predicate: Option<&str>,
    who: &Identity,
) -> Result<Verified, Failure> {
    let expect = Expectations {
        artifact: sha(artifact),
        predicate_type: predicate,
        identity: who,
    };
    verify_bundle(bundle, &expect, &roots())
}

fn reason(result: Result<Verified, Failure>) -> (Reason, String) {
    let failure = result.expect_err("the bundle verified, but should have failed");
    (failure.reason(), failure.to_string())
}

fn json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).unwrap()
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}

fn leaf(bundle: &Value) -> Value {
    let material = &bundle["verificationMaterial"];
    match material.get("certificate") {
        Some(cert) => cert["rawBytes"].clone(),
        None => material["x509CertificateChain"]["certificates"][0]["rawBytes"].clone(),
    }
}

#[test]
fn public_good_bundle_verifies_offline_with_its_log_entry() {
    let v = check(
        &fixture(PUBLIC_GOOD),
        PUBLIC_GOOD_SHA,
        Some(SLSA_V1),
        &public_good_signer(),
    )
    .unwrap();
    assert_eq!(v.instance, "public-good");
    assert_eq!(
        v.media_type,
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(v.issuer, GITHUB_ACTIONS_ISSUER);
    assert_eq!(
        v.signer_workflow.as_deref(),
        Some(
            "github/artifact-attestations-workflows/.github/workflows/attest.yml@09b495c3f12c7881b3cc17209a327792065c1a1d"
        )
    );
    assert_eq!(
        v.source_repo.as_deref().map(|r| r.split('/').next()),
        Some(Some("malancas"))
    );
    assert_eq!(v.predicate_type.as_deref(), Some(SLSA_V1));
    let ProofOfTime::LogEntry {
        log_index,
        integrated_time,
    } = v.proof_of_time
    else {
        panic!("{:?}", v.proof_of_time)
    };
    assert_eq!(log_index, 96_764_485);
    assert_eq!(integrated_time.to_string(), "2024-05-24T19:14:24Z");
}

#[test]
fn github_instance_bundles_verify_offline_with_rfc3161_timestamps() {
    let v = check(
        &fixture(GITHUB),
        GITHUB_SHA,
        Some(SLSA_V1),
        &github_signer(),
    )
    .unwrap();
    assert_eq!(v.instance, "github");
    assert_eq!(
        v.signer_repo.as_deref(),
        Some("github/artifact-attestations-opa-provider")
    );
    assert_eq!(
        v.source_commit.as_deref(),
        Some("f492e8cf01446c41f376aa07656dc4266f154739")
    );
    assert_eq!(v.runner.as_deref(), Some("github-hosted"));
    assert_eq!(
        v.proof_of_time.to_string(),
        "timestamp 2025-05-07T08:05:10Z"
    );

    let demo =
        identity("signer-workflow: actions/attest-demo/.github/workflows/build-python.yml\n");
    let v = check(&fixture(GITHUB_2024), GITHUB_2024_SHA, Some(SLSA_V1), &demo).unwrap();
    assert_eq!(
        (v.instance.as_str(), v.source_ref.as_deref()),
        ("github", Some("refs/heads/main"))
    );
}

#[test]
fn message_signature_v0_2_verifies_against_the_digest_alone() {
    let who = identity(
        "signer-workflow: trailofbits/rfc8785.py/.github/workflows/release.yml@refs/tags/v0.1.2\n",
    );
    let v = check(&fixture(MESSAGE_V02), MESSAGE_V02_SHA, None, &who).unwrap();
    assert_eq!(
        v.media_type,
        "application/vnd.dev.sigstore.bundle+json;version=0.2"
    );
    assert_eq!(v.predicate_type, None);
    assert!(matches!(
        v.proof_of_time,
        ProofOfTime::LogEntry {
            log_index: 79_605_083,
            ..
        }
    ));
    let (why, text) = reason(check(
        &fixture(MESSAGE_V02),
        MESSAGE_V02_SHA,
        Some(SLSA_V1),
        &who,
    ));
    assert_eq!(why, Reason::WrongPredicateType, "{text}");
    assert!(text.contains("none (a message signature)"), "{text}");
}

/// Bundles whose signers are people (an e-mail SAN) pass every cryptographic check and then fail
/// the identity as the last step: that is how these prove v0.1 and v0.3 message signatures with
/// RFC 3161 timestamps and a user's trusted-root file.
#[test]
fn v0_1_and_timestamped_message_signatures_pass_cryptography_then_fail_identity() {
    let who = Identity::owner("acme");
    let (why, text) = reason(check(
        &fixture("cosign-v3-blob.sigstore.json"),
        "e194b99df6639501325c5f44da79fe3a8efae6f239bd79443a19787e06fb1764",
        None,
        &who,
    ));
    assert_eq!(why, Reason::IdentityMismatch);
    assert!(
        text.contains("issuer is https://github.com/login/oauth"),
        "{text}"
    );

    let staging = String::from_utf8(fixture("staging.trusted_root.json")).unwrap();
    let staging = TrustedRoots::parse(&staging, "staging.trusted_root.json").unwrap();
    let expect = Expectations {
        artifact: sha("802dd60ff88333802f2585e73043bd21c341285e1992fe5b31755e1cadeae30e"),
        predicate_type: None,
        identity: &who,
    };
    let v01 = fixture("bundle.txt.sigstore");
    let (why, text) = reason(verify_bundle(&v01, &expect, &staging));
    assert_eq!(why, Reason::IdentityMismatch, "{text}");
    // The same v0.1 bundle is not trusted by the embedded roots: staging is another instance.
    assert_eq!(
        reason(verify_bundle(&v01, &expect, &roots())).0,
        Reason::Chain
    );
}

#[test]
fn v0_1_dsse_with_only_a_sha512_subject_is_the_wrong_subject_for_a_sha256() {
    // sigstore-js 2.1.0's npm provenance names its tarball by sha512 only; this is the tarball's
    // sha256 (cli/cli pkg/cmd/attestation/test/data/sigstore-js-2.1.0.tgz).
    let (why, text) = reason(check(
        &fixture("sigstore-js-2.1.0-bundle-v0.1.json"),
        "f0c641fce0310cb43208f4272dc1423153630e44ba8cdc0b5ce8466f724e0eed",
        None,
        &Identity::owner("sigstore"),
    ));
    assert_eq!(why, Reason::WrongSubject, "{text}");
    assert!(text.contains("(no sha256)"), "{text}");
}

#[test]
fn changed_payload_is_a_bad_signature_on_both_instances() {
    for (name, artifact, who) in [
        (PUBLIC_GOOD, PUBLIC_GOOD_SHA, public_good_signer()),
        (GITHUB, GITHUB_SHA, github_signer()),
    ] {
        let mut bundle = json(name);
        let payload = B64
            .decode(bundle["dsseEnvelope"]["payload"].as_str().unwrap())
            .unwrap();
        let changed = String::from_utf8(payload)
            .unwrap()
            .replacen("https://", "http://", 1);
        bundle["dsseEnvelope"]["payload"] = B64.encode(changed).into();
        let (why, text) = reason(check(&bytes(&bundle), artifact, Some(SLSA_V1), &who));
        assert_eq!(why, Reason::BadSignature, "{name}: {text}");
    }
}

#[test]
fn swapped_certificate_from_an_untrusted_instance_is_chain() {
    // A staging leaf: same issuer name (O=sigstore.dev, CN=sigstore-intermediate), other key.
    let staging_leaf = leaf(&json("bundle.txt.sigstore"));
    let mut bundle = json(PUBLIC_GOOD);
    bundle["verificationMaterial"]["certificate"]["rawBytes"] = staging_leaf;
    let (why, text) = reason(check(
        &bytes(&bundle),
        PUBLIC_GOOD_SHA,
        None,
        &public_good_signer(),
    ));
    assert_eq!(why, Reason::Chain, "{text}");
    assert!(
        text.contains("not issued by a trusted certificate authority"),
        "{text}"
    );
}

#[test]
fn signing_time_outside_the_certificate_validity_is_expired_at_signing() {
    // GitHub's own leaf from April 2024 (10 minutes long) on a bundle timestamped May 2025.
    let old_leaf = leaf(&json(GITHUB_2024));
    let mut bundle = json(GITHUB);
    bundle["verificationMaterial"]["certificate"]["rawBytes"] = old_leaf;
    let (why, text) = reason(check(&bytes(&bundle), GITHUB_SHA, None, &github_signer()));
    assert_eq!(why, Reason::ExpiredAtSigning, "{text}");
}

#[test]
fn other_subject_is_the_wrong_subject_naming_what_it_is_about() {
    let other = "0000000000000000000000000000000000000000000000000000000000000001";
    let (why, text) = reason(check(&fixture(GITHUB), other, None, &github_signer()));
    assert_eq!(why, Reason::WrongSubject);
    assert!(text.contains(&format!("wants sha256:{other}")), "{text}");
    assert!(text.contains(&format!("sha256:{GITHUB_SHA}")), "{text}");
    let (why, _) = reason(check(
        &fixture(MESSAGE_V02),
        other,
        None,
        &Identity::owner("trailofbits"),
    ));
    assert_eq!(why, Reason::WrongSubject);
}

#[test]
fn broken_inclusion_proof_or_missing_timestamp_is_no_proof_of_time() {
    let mut bundle = json(PUBLIC_GOOD);
    let hashes = &mut bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["hashes"];
    let mut first = B64.decode(hashes[0].as_str().unwrap()).unwrap();
    first[0] ^= 1;
    hashes[0] = B64.encode(first).into();
    let (why, text) = reason(check(
        &bytes(&bundle),
        PUBLIC_GOOD_SHA,
        None,
        &public_good_signer(),
    ));
    assert_eq!(why, Reason::NoProofOfTime, "{text}");

    let mut bundle = json(PUBLIC_GOOD);
    let promise = &mut bundle["verificationMaterial"]["tlogEntries"][0]["inclusionPromise"];
    let mut set = B64
        .decode(promise["signedEntryTimestamp"].as_str().unwrap())
        .unwrap();
    let last = set.len() - 1;
    set[last] ^= 1;
    promise["signedEntryTimestamp"] = B64.encode(set).into();
    let (why, text) = reason(check(
        &bytes(&bundle),
        PUBLIC_GOOD_SHA,
        None,
        &public_good_signer(),
    ));
    assert_eq!(why, Reason::NoProofOfTime, "{text}");

    let mut bundle = json(GITHUB);
    bundle["verificationMaterial"]["timestampVerificationData"]["rfc3161Timestamps"] =
        Value::Array(vec![]);
    let (why, text) = reason(check(&bytes(&bundle), GITHUB_SHA, None, &github_signer()));
    assert_eq!(why, Reason::NoProofOfTime, "{text}");
}

#[test]
fn unknown_media_type_unsigned_and_unreadable_each_say_so() {
    let mut bundle = json(GITHUB);
    bundle["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.4+json".into();
    let (why, text) = reason(check(&bytes(&bundle), GITHUB_SHA, None, &github_signer()));
    assert_eq!(why, Reason::UnknownBundleVersion);
    assert!(text.contains("v0.4"), "{text}");

    let mut bundle = json(GITHUB);
    bundle["dsseEnvelope"]["signatures"] = Value::Array(vec![]);
    assert_eq!(
        reason(check(&bytes(&bundle), GITHUB_SHA, None, &github_signer())).0,
        Reason::Unsigned
    );

    for junk in [
        &b"not json"[..],
        b"{}",
        b"{\"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\"}",
        &[0xff, 0xfe],
    ] {
        let (why, text) = reason(check(junk, GITHUB_SHA, None, &github_signer()));
        assert_eq!(why, Reason::Unreadable, "{text}");
    }
    let truncated = &fixture(GITHUB)[..2000];
    assert_eq!(
        reason(check(truncated, GITHUB_SHA, None, &github_signer())).0,
        Reason::Unreadable
    );
}

#[test]
fn wrong_predicate_type_names_both() {
    let wanted = "https://slsa.dev/provenance/v0.2";
    let (why, text) = reason(check(
        &fixture(GITHUB),
        GITHUB_SHA,
        Some(wanted),
        &github_signer(),
    ));
    assert_eq!(why, Reason::WrongPredicateType);
    assert_eq!(
        text,
        format!("wrong predicate type: {SLSA_V1}, policy wants {wanted}")
    );
}

#[test]
fn identity_mismatch_names_each_field_with_what_it_was() {
    let custom = fixture("custom-issuer.sigstore.json");
    let (_, text) = reason(check(
        &custom,
        "afa27b44d43b02a9fea41d13cedc2e4016cfcf87c5dbf990e593669aa8ce286d",
        None,
        &Identity::owner("too-legit"),
    ));
    assert_eq!(
        text,
        "identity mismatch: issuer is https://token.actions.githubusercontent.com/hammer-time, \
         policy wants https://token.actions.githubusercontent.com"
    );
    let cases = [
        (
            "owner: bookverse\n",
            "owner is github, policy wants bookverse",
        ),
        (
            "signer-repo: bookverse/inventory\n",
            "signer-repo is github/artifact-attestations-opa-provider, policy wants bookverse/inventory",
        ),
        (
            "signer-workflow: bookverse/inventory/.github/workflows/release.yml\n",
            "signer-workflow is github/artifact-attestations-opa-provider/.github/workflows/docker.yaml@refs/pull/31/merge, \
             policy wants bookverse/inventory/.github/workflows/release.yml",
        ),
        (
            "owner: github\nsource-ref: refs/heads/main\n",
            "source-ref is refs/pull/31/merge, policy wants refs/heads/main",
        ),
    ];
    for (yaml, words) in cases {
        let (why, text) = reason(check(&fixture(GITHUB), GITHUB_SHA, None, &identity(yaml)));
        assert_eq!(why, Reason::IdentityMismatch);
        assert_eq!(text, format!("identity mismatch: {words}"), "{yaml}");
    }
    // A certificate issued to a person carries no runner claim: `runner: github-hosted` fails.
    let who =
        identity("issuer: https://github.com/login/oauth\nowner: acme\nrunner: github-hosted\n");
    let (_, text) = reason(check(
        &fixture("cosign-v3-blob.sigstore.json"),
        "e194b99df6639501325c5f44da79fe3a8efae6f239bd79443a19787e06fb1764",
        None,
        &who,
    ));
    assert_eq!(
        text,
        "identity mismatch: owner is not in the certificate, policy wants acme"
    );
}

#[test]
fn a_custom_root_without_github_rejects_github_bundles() {
    let public_good_only = TrustedRoots::parse(
        &serde_json::to_string(
            &serde_json::from_str::<Value>(sigstore_trust_root::SIGSTORE_PRODUCTION_TRUSTED_ROOT)
                .unwrap(),
        )
        .unwrap(),
        "pinned.jsonl",
    )
    .unwrap();
    let expect = Expectations {
        artifact: sha(GITHUB_SHA),
        predicate_type: None,
        identity: &github_signer(),
    };
    let (why, text) = reason(verify_bundle(&fixture(GITHUB), &expect, &public_good_only));
    assert_eq!(why, Reason::Chain);
    assert!(
        text.contains("trusted roots: https://fulcio.sigstore.dev"),
        "{text}"
    );
}

/// Run by [`verification_runs_in_a_network_namespace`] inside a namespace with no network: the
/// real bundles of both instances still verify there.
#[test]
#[ignore = "run inside `unshare --net` by verification_runs_in_a_network_namespace"]
fn offline_child() {
    let interfaces = std::fs::read_to_string("/proc/net/dev").unwrap();
    let names: Vec<&str> = interfaces
        .lines()
        .skip(2)
        .filter_map(|l| l.split(':').next())
        .map(str::trim)
        .collect();
    assert_eq!(names, ["lo"], "this must run where only loopback exists");
    check(
        &fixture(PUBLIC_GOOD),
        PUBLIC_GOOD_SHA,
        Some(SLSA_V1),
        &public_good_signer(),
    )
    .unwrap();
    check(
        &fixture(GITHUB),
        GITHUB_SHA,
        Some(SLSA_V1),
        &github_signer(),
    )
    .unwrap();
    println!("offline verification: 2 bundles verified with only loopback");
}

#[test]
fn verification_runs_in_a_network_namespace() {
    let exe = std::env::current_exe().unwrap();
    let args = [
        "sigstore::tests::offline_child",
        "--exact",
        "--ignored",
        "--nocapture",
    ];
    let run = |prefix: &[&str]| {
        std::process::Command::new("unshare")
            .args(prefix)
            .arg(&exe)
            .args(args)
            .output()
    };
    let output = run(&["--net"])
        .ok()
        .filter(|o| {
            o.status.success() || !String::from_utf8_lossy(&o.stderr).contains("unshare failed")
        })
        .or_else(|| run(&["--user", "--map-root-user", "--net"]).ok())
        .expect("`unshare` (util-linux) is needed to prove verification needs no network");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("offline verification: 2 bundles verified"),
        "status {}\nstdout:\n{stdout}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The verifier's whole dependency closure, from Cargo.lock: no HTTP client, no TUF, no async
/// runtime, no aws-lc. Enabling a default feature of a sigstore crate would fail this.
#[test]
fn sigstore_dependencies_hold_no_network_client() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    let mut deps: std::collections::HashMap<String, Vec<String>> = Default::default();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(|v| v.trim_matches('"').to_owned())
        };
        let Some(name) = field("name = ") else {
            continue;
        };
        let list = block
            .split("dependencies = [")
            .nth(1)
            .and_then(|d| d.split(']').next())
            .unwrap_or("");
        let names = list.lines().filter_map(|l| {
            l.trim()
                .trim_matches(|c| c == '"' || c == ',')
                .split(' ')
                .next()
                .map(str::to_owned)
        });
        deps.entry(name)
            .or_default()
            .extend(names.filter(|n| !n.is_empty()));
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut todo = vec![
        "sigstore-verify".to_owned(),
        "sigstore-trust-root".to_owned(),
    ];
    while let Some(name) = todo.pop() {
        if seen.insert(name.clone()) {
            todo.extend(deps.get(&name).cloned().unwrap_or_default());
        }
    }
    assert!(
        seen.contains("sigstore-tsa") && seen.contains("rustls-webpki"),
        "{seen:?}"
    );
    for banned in [
        "reqwest",
        "hyper",
        "tokio",
        "sigstore-tuf",
        "tough",
        "ureq",
        "aws-lc-sys",
        "aws-lc-rs",
    ] {
        assert!(
            !seen.contains(banned),
            "{banned} is in the verifier's dependencies: {seen:?}"
        );
    }
}
