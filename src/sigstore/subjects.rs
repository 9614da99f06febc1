//! What a bundle says it is about, read before verification so a caller holding several
//! acceptable artifacts (an AppTrust version's manifest and each of its artifacts) can pick the
//! one to verify against. Nothing read here is trusted: [`super::verify_bundle`] then checks the
//! chosen digest against the signed content, and [`verify_against_any`] says so when none fits.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::Value;

use super::outcome::{Failure, Verified};
use super::roots::TrustedRoots;
use super::verify::{ArtifactSha256, Expectations, verify_bundle};

/// The sha256 digests a bundle claims: its in-toto statement's subjects, or a message
/// signature's digest. Empty when the bundle is unreadable or names none (a sha512-only subject).
pub(crate) fn subject_digests(bundle: &[u8]) -> Vec<ArtifactSha256> {
    let Ok(value) = serde_json::from_slice::<Value>(bundle) else {
        return Vec::new();
    };
    if let Some(payload) = value
        .pointer("/dsseEnvelope/payload")
        .and_then(Value::as_str)
    {
        let statement: Option<Value> = B64
            .decode(payload)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        return statement
            .as_ref()
            .and_then(|s| s.get("subject"))
            .and_then(Value::as_array)
            .map(|subjects| {
                subjects
                    .iter()
                    .filter_map(|s| s.pointer("/digest/sha256").and_then(Value::as_str))
                    .filter_map(ArtifactSha256::from_hex)
                    .collect()
            })
            .unwrap_or_default();
    }
    let digest = value.pointer("/messageSignature/messageDigest");
    let sha256 = digest
        .and_then(|d| d.get("algorithm"))
        .and_then(Value::as_str)
        .is_some_and(|a| a == "SHA2_256");
    digest
        .and_then(|d| d.get("digest"))
        .and_then(Value::as_str)
        .filter(|_| sha256)
        .and_then(|d| B64.decode(d).ok())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .map(|bytes| {
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            ArtifactSha256::from_hex(&hex)
        })
        .into_iter()
        .flatten()
        .collect()
}

/// Verifies `bundle` against the first of `candidates` it claims to be about (in the candidates'
/// order), or, when it claims none of them, against the first candidate so that every other
/// check still runs and the failure is the most basic one; a bundle about something else then
/// fails as `wrong subject`, saying what it is about. Returns the digest verified against.
///
/// `candidates` must not be empty (then the bundle fails as `wrong subject`).
pub(crate) fn verify_against_any(
    bundle: &[u8],
    candidates: &[ArtifactSha256],
    predicate_type: Option<&str>,
    identity: &super::Identity,
    roots: &TrustedRoots,
) -> Result<(Verified, ArtifactSha256), Failure> {
    let claimed = subject_digests(bundle);
    let chosen = candidates
        .iter()
        .find(|c| claimed.contains(c))
        .or_else(|| candidates.first())
        .copied()
        .ok_or_else(|| {
            Failure::WrongSubject("there is nothing to compare its subject with".into())
        })?;
    let expect = Expectations {
        artifact: chosen,
        predicate_type,
        identity,
    };
    verify_bundle(bundle, &expect, roots).map(|v| (v, chosen))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/tests/fixtures/sigstore/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn reads_statement_subjects_and_message_digests() {
        let hex = |b: &str| {
            subject_digests(&fixture(b))
                .iter()
                .map(|d| d.to_hex())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            hex("reusable-workflow-attestation.sigstore.json"),
            ["49a3aa6075e0f49f82843e74b5baa614ad2a588e6675612bf108a0a008c5ac25"]
        );
        assert_eq!(
            hex("bundle_v3_github.whl.sigstore"),
            ["c4e92e9ecc828bef2aa7dba1de8ac983511f7532a0df11c770d39099a25cf201"]
        );
        // npm provenance v0.1 names a sha512 only; nothing readable is not a digest.
        assert!(hex("sigstore-js-2.1.0-bundle-v0.1.json").is_empty());
        assert!(subject_digests(b"not json").is_empty());
    }

    #[test]
    fn picks_the_candidate_the_bundle_is_about_and_names_it_otherwise() {
        let roots = TrustedRoots::embedded().unwrap();
        let bundle = fixture("reusable-workflow-attestation.sigstore.json");
        let who: super::super::Identity = yaml_serde::from_str(
            "owner: malancas\nsigner-repo: github/artifact-attestations-workflows\n",
        )
        .unwrap();
        let other = ArtifactSha256::from_hex(&"ab".repeat(32)).unwrap();
        let wheel = ArtifactSha256::from_hex(
            "49a3aa6075e0f49f82843e74b5baa614ad2a588e6675612bf108a0a008c5ac25",
        )
        .unwrap();
        let (_, chosen) = verify_against_any(&bundle, &[other, wheel], None, &who, &roots).unwrap();
        assert_eq!(chosen, wheel);
        let err = verify_against_any(&bundle, &[other], None, &who, &roots).unwrap_err();
        assert_eq!(err.reason(), super::super::Reason::WrongSubject, "{err}");
        assert!(
            err.to_string().contains("github_provenance_demo-0.0.0"),
            "{err}"
        );
        let none = verify_against_any(&bundle, &[], None, &who, &roots).unwrap_err();
        assert_eq!(none.reason(), super::super::Reason::WrongSubject);
    }
}
