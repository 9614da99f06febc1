//! Checks a DSSE envelope's signatures against trusted public keys and says which key matched or
//! why none did, in the words of the gate's summary (unsigned · unknown key · bad signature).

use ring::signature::{self, UnparsedPublicKey};

use super::envelope::Envelope;
use super::fingerprint::Fingerprint;
use super::public_key::{KeyAlgorithm, Material, PublicKey};
use super::rsa_pss;

/// The signature algorithm that verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum SignatureScheme {
    /// Ed25519 over the PAE (raw 64-byte signature).
    Ed25519,
    /// ECDSA P-256 over SHA-256 of the PAE (ASN.1 DER signature).
    EcdsaP256Sha256,
    /// RSASSA-PKCS1-v1_5 over SHA-256: what `jf evd create` signs with.
    RsaPkcs1Sha256,
    /// RSASSA-PSS over SHA-256, MGF1-SHA-256, any salt length.
    RsaPssSha256,
}

/// A signature that verified, and with which key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verified {
    /// Position of the signature in the envelope.
    pub(crate) signature_index: usize,
    /// That signature's `keyid` (JFrog: key alias); unauthenticated, for display only.
    pub(crate) keyid: String,
    /// Position of the key in the slice given to [`verify_envelope`].
    pub(crate) key_index: usize,
    pub(crate) fingerprint: Fingerprint,
    pub(crate) algorithm: KeyAlgorithm,
    pub(crate) scheme: SignatureScheme,
}

/// Why no signature verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum NotVerified {
    #[error("unsigned: the envelope carries no signature")]
    Unsigned,
    #[error("no public key was given to verify with")]
    NoKeys,
    #[error("unknown key: none of the given keys is of a type that could have made the signature (keyid {})", show_keyids(.keyids))]
    UnknownKey { keyids: Vec<String> },
    #[error("bad signature: no given key verifies it (keyid {}); the payload was altered or another key signed it", show_keyids(.keyids))]
    BadSignature { keyids: Vec<String> },
}

fn show_keyids(ids: &[String]) -> String {
    let shown: Vec<String> = ids
        .iter()
        .map(|id| {
            if id.is_empty() {
                "none".to_owned()
            } else {
                format!("`{}`", id.chars().take(80).collect::<String>())
            }
        })
        .collect();
    shown.join(", ")
}

/// Verifies `envelope` with any of `keys`: the first (signature, key) pair that verifies wins.
/// Work is bounded by `MAX_SIGNATURES` × `keys.len()` checks, each only between a signature and
/// a key of a compatible type (an RSA signature has the modulus length, and so on).
pub(crate) fn verify_envelope(
    envelope: &Envelope,
    keys: &[PublicKey],
) -> Result<Verified, NotVerified> {
    if envelope.signatures.is_empty() {
        return Err(NotVerified::Unsigned);
    }
    if keys.is_empty() {
        return Err(NotVerified::NoKeys);
    }
    let pae = envelope.pae();
    let mut any_compatible = false;
    for (signature_index, signature) in envelope.signatures.iter().enumerate() {
        for (key_index, key) in keys.iter().enumerate() {
            if !compatible(key, &signature.sig) {
                continue;
            }
            any_compatible = true;
            if let Some(scheme) = check(key, &pae, &signature.sig) {
                return Ok(Verified {
                    signature_index,
                    keyid: signature.keyid.clone(),
                    key_index,
                    fingerprint: *key.fingerprint(),
                    algorithm: key.algorithm(),
                    scheme,
                });
            }
        }
    }
    let keyids = envelope
        .signatures
        .iter()
        .map(|s| s.keyid.clone())
        .collect();
    Err(if any_compatible {
        NotVerified::BadSignature { keyids }
    } else {
        NotVerified::UnknownKey { keyids }
    })
}

/// Whether `key` could have produced a signature of this shape.
fn compatible(key: &PublicKey, sig: &[u8]) -> bool {
    match &key.material {
        Material::Ed25519(_) => sig.len() == 64,
        // DER SEQUENCE of two INTEGERs of at most 33 bytes each.
        Material::EcdsaP256(_) => (8..=72).contains(&sig.len()) && sig[0] == 0x30,
        Material::Rsa { modulus_len, .. } => sig.len() == *modulus_len,
    }
}

fn check(key: &PublicKey, pae: &[u8], sig: &[u8]) -> Option<SignatureScheme> {
    let ok = |algorithm: &'static dyn signature::VerificationAlgorithm, key: &[u8]| {
        UnparsedPublicKey::new(algorithm, key)
            .verify(pae, sig)
            .is_ok()
    };
    match &key.material {
        Material::Ed25519(raw) => ok(&signature::ED25519, raw).then_some(SignatureScheme::Ed25519),
        Material::EcdsaP256(point) => ok(&signature::ECDSA_P256_SHA256_ASN1, point)
            .then_some(SignatureScheme::EcdsaP256Sha256),
        Material::Rsa { pkcs1_der, key, .. } => {
            // ring first: PKCS#1 v1.5 (what `jf evd` signs) and PSS with a 32-byte salt are the
            // common cases and ring is fast even unoptimised; other salt lengths take the slow path.
            if ok(&signature::RSA_PKCS1_2048_8192_SHA256, pkcs1_der) {
                Some(SignatureScheme::RsaPkcs1Sha256)
            } else if ok(&signature::RSA_PSS_2048_8192_SHA256, pkcs1_der) {
                Some(SignatureScheme::RsaPssSha256)
            } else {
                rsa_pss::verify_any_salt(key, pae, sig).then_some(SignatureScheme::RsaPssSha256)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsse::{IN_TOTO_PAYLOAD_TYPE, Signature};

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../tests/fixtures/keys/", $name)).as_slice()
        };
    }

    const STATEMENT: &[u8] = fixture!("statement.json");

    fn key(name: &str, pem: &[u8]) -> PublicKey {
        PublicKey::from_pem(name, pem)
            .expect("fixture key")
            .remove(0)
    }

    fn envelope(payload: &[u8], sigs: &[(&str, &[u8])]) -> Envelope {
        Envelope {
            payload_type: IN_TOTO_PAYLOAD_TYPE.into(),
            payload: payload.to_vec(),
            signatures: sigs
                .iter()
                .map(|(id, sig)| Signature {
                    keyid: (*id).into(),
                    sig: sig.to_vec(),
                })
                .collect(),
        }
    }

    fn all_keys() -> Vec<PublicKey> {
        vec![
            key("ed25519.pub", fixture!("ed25519.pub")),
            key("p256.pub", fixture!("p256.pub")),
            key("rsa2048.pub", fixture!("rsa2048.pub")),
        ]
    }

    /// Each openssl signature, its key and the scheme that must be reported.
    fn openssl_signatures() -> [(&'static str, &'static [u8], usize, SignatureScheme); 5] {
        [
            (
                "ed25519.sig",
                fixture!("ed25519.sig"),
                0,
                SignatureScheme::Ed25519,
            ),
            (
                "p256.sig",
                fixture!("p256.sig"),
                1,
                SignatureScheme::EcdsaP256Sha256,
            ),
            (
                "rsa2048-pss-digest.sig",
                fixture!("rsa2048-pss-digest.sig"),
                2,
                SignatureScheme::RsaPssSha256,
            ),
            (
                "rsa2048-pss-max.sig",
                fixture!("rsa2048-pss-max.sig"),
                2,
                SignatureScheme::RsaPssSha256,
            ),
            (
                "rsa2048-pkcs1.sig",
                fixture!("rsa2048-pkcs1.sig"),
                2,
                SignatureScheme::RsaPkcs1Sha256,
            ),
        ]
    }

    #[test]
    fn every_openssl_signature_verifies_with_its_key_among_all() {
        let keys = all_keys();
        for (name, sig, key_index, scheme) in openssl_signatures() {
            let got = verify_envelope(&envelope(STATEMENT, &[("alias-1", sig)]), &keys);
            let got = got.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!((got.key_index, got.scheme), (key_index, scheme), "{name}");
            assert_eq!(got.fingerprint, *keys[key_index].fingerprint(), "{name}");
            assert_eq!(got.keyid, "alias-1");
        }
    }

    #[test]
    fn a_tampered_payload_is_a_bad_signature_for_every_key_type() {
        let keys = all_keys();
        let mut tampered = STATEMENT.to_vec();
        let at = tampered
            .iter()
            .position(|&b| b == b'4')
            .expect("a digit in the predicate");
        tampered[at] = b'5';
        for (name, sig, _, _) in openssl_signatures() {
            let got = verify_envelope(&envelope(&tampered, &[("k", sig)]), &keys);
            assert_eq!(
                got,
                Err(NotVerified::BadSignature {
                    keyids: vec!["k".into()]
                }),
                "{name}"
            );
        }
        let mut other_type = envelope(STATEMENT, &[("k", fixture!("ed25519.sig"))]);
        other_type.payload_type = "application/json".into();
        assert!(
            matches!(
                verify_envelope(&other_type, &keys),
                Err(NotVerified::BadSignature { .. })
            ),
            "type is signed too"
        );
    }

    #[test]
    fn a_key_of_the_same_type_that_did_not_sign_is_a_bad_signature() {
        let other_p256 = key("p256-sec1.pub", fixture!("p256-sec1.pub"));
        let got = verify_envelope(
            &envelope(STATEMENT, &[("", fixture!("p256.sig"))]),
            &[other_p256],
        );
        assert_eq!(
            got,
            Err(NotVerified::BadSignature {
                keyids: vec![String::new()]
            })
        );
    }

    #[test]
    fn a_signature_no_key_type_fits_is_an_unknown_key() {
        let ed = key("ed25519.pub", fixture!("ed25519.pub"));
        for sig in [fixture!("rsa2048-pkcs1.sig"), fixture!("p256.sig")] {
            let got = verify_envelope(
                &envelope(STATEMENT, &[("jfrog-alias", sig)]),
                std::slice::from_ref(&ed),
            );
            assert_eq!(
                got,
                Err(NotVerified::UnknownKey {
                    keyids: vec!["jfrog-alias".into()]
                })
            );
        }
    }

    #[test]
    fn unsigned_and_keyless_are_told_apart() {
        assert_eq!(
            verify_envelope(&envelope(STATEMENT, &[]), &all_keys()),
            Err(NotVerified::Unsigned)
        );
        assert_eq!(
            verify_envelope(&envelope(STATEMENT, &[("k", fixture!("ed25519.sig"))]), &[]),
            Err(NotVerified::NoKeys)
        );
    }

    #[test]
    fn one_good_signature_among_garbage_ones_is_enough_and_named() {
        let sigs: [(&str, &[u8]); 4] = [
            ("a", &[0u8; 64]),
            ("b", &[0x30, 1, 2]),
            ("c", &[]),
            ("d", fixture!("p256.sig")),
        ];
        let got =
            verify_envelope(&envelope(STATEMENT, &sigs), &all_keys()).expect("the 4th verifies");
        assert_eq!(
            (got.signature_index, got.keyid.as_str(), got.key_index),
            (3, "d", 1)
        );
    }

    #[test]
    fn messages_name_the_reason_and_the_keyids() {
        let err = NotVerified::BadSignature {
            keyids: vec!["ci-key".into(), String::new()],
        };
        assert!(
            err.to_string().starts_with("bad signature")
                && err.to_string().contains("`ci-key`, none"),
            "{err}"
        );
        assert!(NotVerified::Unsigned.to_string().starts_with("unsigned"));
        assert!(
            NotVerified::UnknownKey { keyids: vec![] }
                .to_string()
                .starts_with("unknown key")
        );
    }
}
