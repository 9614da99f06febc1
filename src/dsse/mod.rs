//! DSSE envelopes, in-toto Statements and the keys that sign them: the pure, I/O-free core of
//! evidence verification and of our own attestation (SPEC "Evidence and signatures").
//!
//! Nothing here reads files, the network or the environment; callers hand in bytes and get typed
//! results. Every hostile input is a typed error with a bounded cost, never a panic.
//!
//! # Reading evidence (the `evidence` gate)
//!
//! ```text
//! bytes of GET /artifactory/<downloadPath>
//!   └─ parse_evidence(&bytes)            -> Evidence::Dsse(Envelope) | Evidence::SigstoreBundle(..)
//! PEM files named by `signed-by`
//!   └─ PublicKey::from_pem(path, &bytes) -> Vec<PublicKey>      (one file may hold several keys)
//! verify_envelope(&envelope, &keys)      -> Ok(Verified{fingerprint, keyid, ..}) | Err(NotVerified)
//! envelope.statement()                   -> Statement (only after verification, or with allow-unverified)
//! statement.subject_matches(manifest_sha256), statement.predicate.pointer("/a/b")
//! ```
//!
//! * [`NotVerified`] carries the reason the summary shows: `Unsigned`, `UnknownKey` (no key of a
//!   type that could have made the signature), `BadSignature` (a key of that type exists but none
//!   verifies: tampered payload or another key), `NoKeys`.
//! * A Sigstore bundle (`mediaType` `application/vnd.dev.sigstore.bundle…`) is returned as
//!   [`Evidence::SigstoreBundle`]: keyless bundles need a Fulcio chain and a Rekor inclusion proof,
//!   which this module does **not** check, so report them as "unverifiable here", never verified.
//!   Its inner envelope is exposed so the predicate type can still be shown.
//! * The DSSE `keyid` is an unauthenticated hint (JFrog puts the key alias there): every signature is
//!   tried against every key of a compatible type, and the result names the `keyid` it carried.
//!
//! # Writing our attestation (`evidence-key`)
//!
//! ```text
//! SigningKey::from_pem("input `evidence-key`", secret_pem) -> SigningKey (Debug shows no secret)
//! Statement::new(subject_path, manifest_sha256, PREDICATE_TYPE, predicate_json)
//! key.sign(IN_TOTO_PAYLOAD_TYPE, &statement.to_json(), alias) -> Envelope
//! envelope.to_json()                                           -> body of POST /evidence/api/v1/subject/…
//! ```
//!
//! # Decisions
//!
//! * **RSA schemes.** JFrog's CLI (`jfrog/jfrog-cli-evidence`, `evidence/cryptox/cryptox_rsa.go`)
//!   names its RSA scheme `rsassa-pss-sha256` but signs with `rsa.SignPKCS1v15` and verifies with
//!   `rsa.VerifyPKCS1v15` (SHA-256); it has never called `SignPSS`. So `jf evd create` produces
//!   RSASSA-PKCS1-v1_5/SHA-256 signatures and `jf evd verify` accepts only those. We therefore
//!   **verify** both RSASSA-PKCS1-v1_5/SHA-256 and RSASSA-PSS/SHA-256 with any salt length (as Go's
//!   `VerifyPSS` with nil options; covers OpenSSL's `digest` and `max`), and **sign** with
//!   PKCS1-v1_5/SHA-256, the one RSA form JFrog's own verifier accepts. [`Verified::scheme`](verify::Verified::scheme) says
//!   which one matched.
//! * **Fingerprint** = SHA-256 over the SubjectPublicKeyInfo DER. Displayed OpenSSH-style as
//!   `SHA256:` + unpadded base64; the same digest `jf evd verify` prints, padded, as
//!   `keyFingerprint` (the unit tests hold the two forms to each other).
//! * **Several PEM blocks** in a public key file are all loaded (a key ring; at most
//!   [`MAX_PEM_BLOCKS`](key_error::MAX_PEM_BLOCKS)); `EC PARAMETERS` blocks are skipped; one private key anywhere in it
//!   rejects the whole file. A private key file must hold exactly one key.
//! * **Accepted key forms.** Public: `PUBLIC KEY` (SPKI) and `RSA PUBLIC KEY` (PKCS#1). Private:
//!   `PRIVATE KEY` (PKCS#8 v1 or v2, incl. OpenSSL's Ed25519 without public key), and the forms
//!   JFrog's key-pair page produces, `EC PRIVATE KEY` (SEC1) and `RSA PRIVATE KEY` (PKCS#1).
//!   RSA: 2048–8192 bits to verify, 2048–4096 to sign (ring's limit). EC: P-256 only.
//! * **Limits.** Envelope ≤ [`MAX_ENVELOPE_BYTES`] (16 MiB), ≤ [`MAX_SIGNATURES`](envelope::MAX_SIGNATURES) signatures,
//!   statement payload ≤ [`MAX_STATEMENT_BYTES`] (4 MiB: a 10 MB predicate is refused, not
//!   parsed), key file ≤ [`MAX_KEY_FILE_BYTES`].
//! * **Secrets.** Private key bytes decoded from PEM live in `Zeroizing` buffers; the ring key pair
//!   itself is not zeroized on drop (ring offers no hook), which is why it never leaves
//!   [`SigningKey`] and is never printed.

mod b64;
mod envelope;
mod fingerprint;
mod key_error;
mod pem;
mod public_key;
mod rsa_pss;
mod signer;
mod spki_build;
mod statement;
mod verify;

pub(crate) use envelope::{
    Envelope, Evidence, IN_TOTO_PAYLOAD_TYPE, MAX_ENVELOPE_BYTES, SigstoreBundle, parse_evidence,
};
pub(crate) use key_error::MAX_KEY_FILE_BYTES;
pub(crate) use public_key::PublicKey;
pub(crate) use signer::SigningKey;
pub(crate) use statement::{MAX_STATEMENT_BYTES, Statement, StatementError};
pub(crate) use verify::{NotVerified, verify_envelope};
// Named by the tests of the whole flow below.
#[cfg(test)]
pub(crate) use envelope::Signature;
#[cfg(test)]
pub(crate) use statement::STATEMENT_TYPE_V1;
#[cfg(test)]
pub(crate) use verify::SignatureScheme;

#[cfg(test)]
mod tests {
    //! The gate's and the attestation writer's whole flow, through the public API only.
    use super::*;
    use proptest::prelude::*;

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../tests/fixtures/keys/", $name)).as_slice()
        };
    }

    const MANIFEST_SHA256: &str =
        "2b7f2bd5e1a8a4e6b1b0a5bb1d1f5ad4c1e9b7e8a2d3c4f5061728394a5b6c7d";

    fn dsse(bytes: &[u8]) -> Envelope {
        match parse_evidence(bytes) {
            Ok(Evidence::Dsse(envelope)) => envelope,
            other => panic!("not a DSSE envelope: {other:?}"),
        }
    }

    #[test]
    fn an_empty_sig_is_no_signature_and_duplicate_keys_are_named() {
        let json =
            r#"{"payload":"e30=","payloadType":"t","signatures":[{"keyid":"ci-key","sig":""}]}"#;
        let empty = dsse(json.as_bytes());
        assert_eq!(empty.signatures, []);
        let none = dsse(br#"{"payload":"e30=","payloadType":"t","signatures":[]}"#);
        assert_eq!(empty, none);
        let dup = br#"{"payload":"e30=","payloadType":"t","payloadType":"u","signatures":[]}"#;
        let err = parse_evidence(dup).expect_err("refused");
        assert!(
            err.to_string().contains("duplicate key `payloadType`"),
            "{err}"
        );
    }

    #[test]
    fn a_wrapped_payload_and_signature_read_as_go_reads_them() {
        let flat = dsse(include_bytes!(
            "../../tests/fixtures/keys/ed25519.dsse.json"
        ));
        let wrap = |bytes: &[u8]| -> String {
            let text = b64::encode(bytes);
            let lines: Vec<&str> = text
                .as_bytes()
                .chunks(64)
                .map(|c| std::str::from_utf8(c).expect("ascii"))
                .collect();
            lines.join("\r\n") + "\n"
        };
        let json = serde_json::json!({
            "payload": wrap(&flat.payload),
            "payloadType": flat.payload_type,
            "signatures": [{"keyid": "ed25519", "sig": wrap(&flat.signatures[0].sig)}],
        });
        assert_eq!(dsse(json.to_string().as_bytes()), flat);
    }

    #[test]
    fn gate_flow_on_each_openssl_made_envelope() {
        let keys: Vec<PublicKey> = [
            fixture!("ed25519.pub"),
            fixture!("p256.pub"),
            fixture!("rsa2048.pub"),
        ]
        .iter()
        .flat_map(|pem| PublicKey::from_pem("signed-by", pem).expect("fixture"))
        .collect();
        let cases: [(&[u8], &str, SignatureScheme); 4] = [
            (
                fixture!("ed25519.dsse.json"),
                "ed25519",
                SignatureScheme::Ed25519,
            ),
            (
                fixture!("p256.dsse.json"),
                "p256",
                SignatureScheme::EcdsaP256Sha256,
            ),
            (
                fixture!("rsa2048-pss-max.dsse.json"),
                "rsa2048-pss-max",
                SignatureScheme::RsaPssSha256,
            ),
            (
                fixture!("rsa2048-pkcs1.dsse.json"),
                "rsa2048-pkcs1",
                SignatureScheme::RsaPkcs1Sha256,
            ),
        ];
        for (bytes, keyid, scheme) in cases {
            let envelope = dsse(bytes);
            let verified =
                verify_envelope(&envelope, &keys).unwrap_or_else(|e| panic!("{keyid}: {e}"));
            assert_eq!((verified.keyid.as_str(), verified.scheme), (keyid, scheme));
            let statement = envelope.statement().expect("in-toto statement");
            assert!(statement.subject_matches(MANIFEST_SHA256), "{keyid}");
            assert_eq!(
                statement.predicate.pointer("/passed"),
                Some(&serde_json::json!(41))
            );
        }
    }

    #[test]
    fn attestation_flow_signs_what_the_gate_flow_accepts() {
        let key =
            SigningKey::from_pem("input `evidence-key`", fixture!("p256.key")).expect("loads");
        let predicate = serde_json::json!({ "application": "app", "result": "promoted" });
        let statement = Statement::new(
            "application-versions/app/1.0.0/release-bundle.json.evd",
            MANIFEST_SHA256,
            "urn:gates",
            predicate,
        );
        let envelope = key
            .sign(IN_TOTO_PAYLOAD_TYPE, &statement.to_json(), "ci-key")
            .expect("signs");
        let body = envelope.to_json();
        let read_back = dsse(body.as_bytes());
        let verified =
            verify_envelope(&read_back, std::slice::from_ref(key.public_key())).expect("verifies");
        assert_eq!(verified.fingerprint, *key.fingerprint());
        assert_eq!(read_back.statement().expect("statement"), statement);
    }

    #[test]
    fn a_ten_megabyte_predicate_verifies_but_is_not_parsed() {
        let key = SigningKey::from_pem("k", fixture!("ed25519.key")).expect("loads");
        let payload = format!(
            r#"{{"_type":"{STATEMENT_TYPE_V1}","subject":[{{"name":"s","digest":{{"sha256":"{MANIFEST_SHA256}"}}}}],"predicateType":"urn:big","predicate":{{"blob":"{}"}}}}"#,
            "x".repeat(10 * 1024 * 1024)
        );
        let envelope = key
            .sign(IN_TOTO_PAYLOAD_TYPE, payload.as_bytes(), "")
            .expect("signs");
        let read_back = dsse(envelope.to_json().as_bytes());
        assert!(verify_envelope(&read_back, std::slice::from_ref(key.public_key())).is_ok());
        assert_eq!(
            read_back.statement(),
            Err(StatementError::TooLarge {
                size: payload.len(),
                max: MAX_STATEMENT_BYTES
            })
        );
    }

    #[test]
    fn a_statement_under_another_payload_type_is_refused() {
        let mut envelope = dsse(fixture!("ed25519.dsse.json"));
        envelope.payload_type = "text/plain".into();
        assert_eq!(
            envelope.statement(),
            Err(StatementError::WrongPayloadType {
                found: "text/plain".into()
            })
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
            let _ = parse_evidence(&bytes);
            let _ = Statement::parse(&bytes);
            prop_assert!(PublicKey::from_pem("f", &bytes).is_err() || bytes.windows(5).any(|w| w == b"BEGIN"));
            let _ = SigningKey::from_pem("f", &bytes);
        }

        #[test]
        fn corrupted_key_der_never_panics(which in 0usize..6, at in any::<prop::sample::Index>(), bit in 0u8..8) {
            let pems: [&[u8]; 6] = [
                fixture!("ed25519.key"), fixture!("p256.key"), fixture!("rsa2048.key"),
                fixture!("p256-sec1.key"), fixture!("p256.pub"), fixture!("rsa2048.pub"),
            ];
            let text = std::str::from_utf8(pems[which]).expect("utf-8");
            let (label, mut der) = pem_rfc7468::decode_vec(text.as_bytes()).expect("fixture");
            let i = at.index(der.len());
            der[i] ^= 1 << bit;
            let pem = pem_rfc7468::encode_string(label, pem_rfc7468::LineEnding::LF, &der).expect("encodes");
            let _ = PublicKey::from_pem("f", pem.as_bytes());
            let _ = SigningKey::from_pem("f", pem.as_bytes());
        }

        #[test]
        fn corrupted_signatures_never_verify(which in 0usize..4, at in any::<prop::sample::Index>(), bit in 0u8..8) {
            let envelopes: [&[u8]; 4] = [
                fixture!("ed25519.dsse.json"), fixture!("p256.dsse.json"),
                fixture!("rsa2048-pss-max.dsse.json"), fixture!("rsa2048-pkcs1.dsse.json"),
            ];
            let keys: Vec<PublicKey> = [fixture!("ed25519.pub"), fixture!("p256.pub"), fixture!("rsa2048.pub")]
                .iter()
                .flat_map(|pem| PublicKey::from_pem("k", pem).expect("fixture"))
                .collect();
            let mut envelope = dsse(envelopes[which]);
            let sig = &mut envelope.signatures[0].sig;
            let i = at.index(sig.len());
            sig[i] ^= 1 << bit;
            prop_assert!(verify_envelope(&envelope, &keys).is_err());
        }
    }
}
