//! The private key behind our own attestation (`evidence-key`): parsed once into a ring key pair
//! that never leaves this type and is never printed, and used to sign DSSE envelopes.

use std::fmt;

use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, RsaKeyPair};
use spki::der::asn1::AnyRef;
use spki::der::{Decode as _, Encode as _};
use zeroize::Zeroizing;

use super::envelope::{Envelope, Signature};
use super::fingerprint::Fingerprint;
use super::key_error::{KeyError, KeyErrorKind};
use super::pem::{self, PemBlock};
use super::public_key::PublicKey;
use super::spki_build::{self, EC_PUBLIC_KEY, ED25519, P256, RSA_ENCRYPTION};

/// RSA modulus sizes ring signs with.
const RSA_SIGN_BITS: (usize, usize) = (2048, 4096);

/// A private signing key. `Debug` shows its algorithm and public fingerprint, nothing secret.
pub(crate) struct SigningKey {
    pair: Pair,
    public: PublicKey,
    rng: SystemRandom,
}

enum Pair {
    Ed25519(Ed25519KeyPair),
    EcdsaP256(EcdsaKeyPair),
    Rsa(RsaKeyPair),
}

/// Signing failed after the key loaded; with ring this only happens when the system random
/// source fails (ECDSA and RSA blinding need randomness).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("signing with the evidence key failed (the system random source is unavailable)")]
pub(crate) struct SignError;

impl SigningKey {
    /// Loads the one private key in `pem_text` (see the module docs for accepted forms).
    /// `origin` names it in errors, e.g. "input `evidence-key`"; errors never quote the key.
    pub(crate) fn from_pem(origin: &str, pem_text: &[u8]) -> Result<SigningKey, KeyError> {
        let blocks = pem::blocks(pem_text).map_err(|k| k.at(origin))?;
        Self::from_blocks(&blocks).map_err(|k| k.at(origin))
    }

    fn from_blocks(blocks: &[PemBlock]) -> Result<SigningKey, KeyErrorKind> {
        let private: Vec<&PemBlock> = blocks
            .iter()
            .filter(|b| b.label.contains("PRIVATE KEY"))
            .collect();
        let block = match private.as_slice() {
            [one] => *one,
            [] if blocks.iter().any(|b| b.label.contains("PUBLIC KEY")) => {
                return Err(KeyErrorKind::PublicKeyGiven);
            }
            [] => {
                return Err(KeyErrorKind::UnexpectedLabel {
                    label: blocks.first().map(|b| b.label.clone()).unwrap_or_default(),
                    hint: ": give a PKCS#8 `PRIVATE KEY` block",
                });
            }
            many => return Err(KeyErrorKind::SeveralPrivateKeys { count: many.len() }),
        };
        if block.legacy_encrypted || block.label.starts_with("ENCRYPTED") {
            return Err(KeyErrorKind::EncryptedPrivateKey);
        }
        let pair = match block.label.as_str() {
            "PRIVATE KEY" => from_pkcs8(&block.der)?,
            "EC PRIVATE KEY" => from_sec1(&block.der)?,
            "RSA PRIVATE KEY" => {
                rsa_bits_in_range(&block.der)?;
                Pair::Rsa(RsaKeyPair::from_der(&block.der).map_err(rejected)?)
            }
            "OPENSSH PRIVATE KEY" => {
                return Err(KeyErrorKind::UnexpectedLabel {
                    label: block.label.clone(),
                    hint: ": convert it to PKCS#8 with `ssh-keygen -p -m PKCS8 -f KEY` (rewrites KEY in place)",
                });
            }
            other => {
                return Err(KeyErrorKind::UnexpectedLabel {
                    label: other.to_owned(),
                    hint: ": give a PKCS#8 `PRIVATE KEY` block (`openssl pkcs8 -topk8 -nocrypt -in KEY`)",
                });
            }
        };
        let (algorithm, raw_public) = match &pair {
            Pair::Ed25519(p) => (ED25519, p.public_key().as_ref()),
            Pair::EcdsaP256(p) => (EC_PUBLIC_KEY, p.public_key().as_ref()),
            Pair::Rsa(p) => (RSA_ENCRYPTION, p.public().as_ref()),
        };
        let spki = spki_build::encode(algorithm, raw_public).map_err(KeyErrorKind::Malformed)?;
        let public = PublicKey::from_spki_der(&spki)?;
        Ok(SigningKey {
            pair,
            public,
            rng: SystemRandom::new(),
        })
    }

    /// The public half, e.g. to print or to register in JFrog.
    pub(crate) fn public_key(&self) -> &PublicKey {
        &self.public
    }

    pub(crate) fn fingerprint(&self) -> &Fingerprint {
        self.public.fingerprint()
    }

    /// Signs raw bytes: Ed25519; ECDSA P-256/SHA-256 (ASN.1 DER); RSASSA-PKCS1-v1_5/SHA-256 for
    /// RSA, the one RSA form JFrog's own verifier accepts (see the module docs).
    pub(crate) fn sign_message(&self, message: &[u8]) -> Result<Vec<u8>, SignError> {
        match &self.pair {
            Pair::Ed25519(p) => Ok(p.sign(message).as_ref().to_vec()),
            Pair::EcdsaP256(p) => Ok(p
                .sign(&self.rng, message)
                .map_err(|_| SignError)?
                .as_ref()
                .to_vec()),
            Pair::Rsa(p) => {
                let mut sig = vec![0; p.public().modulus_len()];
                p.sign(&signature::RSA_PKCS1_SHA256, &self.rng, message, &mut sig)
                    .map_err(|_| SignError)?;
                Ok(sig)
            }
        }
    }

    /// A DSSE envelope of `payload`, signed over its PAE, with `keyid` (the JFrog key alias, so
    /// JFrog can mark the record verified; empty when there is none).
    pub(crate) fn sign(
        &self,
        payload_type: &str,
        payload: &[u8],
        keyid: &str,
    ) -> Result<Envelope, SignError> {
        let sig = self.sign_message(&super::envelope::pae(payload_type, payload))?;
        Ok(Envelope {
            payload_type: payload_type.to_owned(),
            payload: payload.to_vec(),
            signatures: vec![Signature {
                keyid: keyid.to_owned(),
                sig,
            }],
        })
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.public.algorithm())
            .field("fingerprint", self.public.fingerprint())
            .field("secret", &"<redacted>")
            .finish()
    }
}

fn rejected(e: ring::error::KeyRejected) -> KeyErrorKind {
    KeyErrorKind::Malformed(format!("the key was rejected: {e}"))
}

fn from_pkcs8(der: &[u8]) -> Result<Pair, KeyErrorKind> {
    let info =
        pkcs8::PrivateKeyInfo::from_der(der).map_err(|e| KeyErrorKind::Malformed(e.to_string()))?;
    let oid = info.algorithm.oid;
    if oid == ED25519 {
        // "maybe_unchecked" accepts OpenSSL's PKCS#8 v1 Ed25519 keys, which omit the public key.
        return Ed25519KeyPair::from_pkcs8_maybe_unchecked(der)
            .map(Pair::Ed25519)
            .map_err(rejected);
    }
    if oid == EC_PUBLIC_KEY {
        let curve = info
            .algorithm
            .parameters_oid()
            .map_err(|e| KeyErrorKind::Malformed(e.to_string()))?;
        if curve != P256 {
            return Err(KeyErrorKind::UnsupportedAlgorithm {
                name: spki_build::unsupported_name(curve),
            });
        }
        let rng = SystemRandom::new();
        return EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, der, &rng)
            .map(Pair::EcdsaP256)
            .map_err(rejected);
    }
    if oid == RSA_ENCRYPTION {
        rsa_bits_in_range(info.private_key)?;
        return RsaKeyPair::from_pkcs8(der).map(Pair::Rsa).map_err(rejected);
    }
    Err(KeyErrorKind::UnsupportedAlgorithm {
        name: spki_build::unsupported_name(oid),
    })
}

/// A SEC1 `EC PRIVATE KEY` (what `openssl ecparam -genkey` writes) wrapped as PKCS#8 for ring.
fn from_sec1(der: &[u8]) -> Result<Pair, KeyErrorKind> {
    let key =
        sec1::EcPrivateKey::from_der(der).map_err(|e| KeyErrorKind::Malformed(e.to_string()))?;
    let curve = key.parameters.and_then(|p| p.named_curve());
    match curve {
        Some(c) if c == P256 => {}
        Some(c) => {
            return Err(KeyErrorKind::UnsupportedAlgorithm {
                name: spki_build::unsupported_name(c),
            });
        }
        None => {
            return Err(KeyErrorKind::Malformed(
                "the EC key does not name its curve".into(),
            ));
        }
    }
    let info = pkcs8::PrivateKeyInfo {
        algorithm: spki::AlgorithmIdentifierRef {
            oid: EC_PUBLIC_KEY,
            parameters: Some(AnyRef::from(&P256)),
        },
        private_key: der,
        public_key: None,
    };
    let wrapped = Zeroizing::new(
        info.to_der()
            .map_err(|e| KeyErrorKind::Malformed(e.to_string()))?,
    );
    EcdsaKeyPair::from_pkcs8(
        &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &wrapped,
        &SystemRandom::new(),
    )
    .map(Pair::EcdsaP256)
    .map_err(rejected)
}

/// ring refuses RSA keys outside 2048–4096 bits with a terse code; say it in bits instead.
fn rsa_bits_in_range(pkcs1_private_der: &[u8]) -> Result<(), KeyErrorKind> {
    let key = rsa::pkcs1::RsaPrivateKey::from_der(pkcs1_private_der)
        .map_err(|e| KeyErrorKind::Malformed(format!("RSA private key: {e}")))?;
    let modulus = key.modulus.as_bytes();
    let bits = modulus.len() * 8 - modulus.first().map_or(8, |b| b.leading_zeros() as usize);
    let (min, max) = RSA_SIGN_BITS;
    if (min..=max).contains(&bits) {
        Ok(())
    } else {
        Err(KeyErrorKind::RsaKeySize { bits, min, max })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether an error is the expected one.
    type Expect = fn(&KeyErrorKind) -> bool;
    use crate::dsse::{IN_TOTO_PAYLOAD_TYPE, SignatureScheme, verify_envelope};

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../tests/fixtures/keys/", $name)).as_slice()
        };
    }

    const STATEMENT: &[u8] = fixture!("statement.json");

    /// Private key, openssl's public key for it, and the scheme our signature must verify as.
    fn pairs() -> [(&'static str, &'static [u8], &'static [u8], SignatureScheme); 5] {
        [
            (
                "ed25519.key",
                fixture!("ed25519.key"),
                fixture!("ed25519.pub"),
                SignatureScheme::Ed25519,
            ),
            (
                "p256.key",
                fixture!("p256.key"),
                fixture!("p256.pub"),
                SignatureScheme::EcdsaP256Sha256,
            ),
            (
                "p256-sec1.key",
                fixture!("p256-sec1.key"),
                fixture!("p256-sec1.pub"),
                SignatureScheme::EcdsaP256Sha256,
            ),
            (
                "rsa2048.key",
                fixture!("rsa2048.key"),
                fixture!("rsa2048.pub"),
                SignatureScheme::RsaPkcs1Sha256,
            ),
            (
                "rsa2048-pkcs1.key",
                fixture!("rsa2048-pkcs1.key"),
                fixture!("rsa2048.pub"),
                SignatureScheme::RsaPkcs1Sha256,
            ),
        ]
    }

    #[test]
    fn each_key_form_loads_with_the_fingerprint_of_its_openssl_public_key() {
        for (name, private, public, _) in pairs() {
            let key = SigningKey::from_pem(name, private).unwrap_or_else(|e| panic!("{e}"));
            let public = PublicKey::from_pem(name, public)
                .expect("fixture")
                .remove(0);
            assert_eq!(key.fingerprint(), public.fingerprint(), "{name}");
            assert_eq!(key.public_key(), &public, "{name}");
        }
    }

    #[test]
    fn sign_then_verify_with_openssls_public_key_round_trips() {
        for (name, private, public, scheme) in pairs() {
            let key = SigningKey::from_pem(name, private).expect("loads");
            let public = PublicKey::from_pem(name, public).expect("fixture");
            let envelope = key
                .sign(IN_TOTO_PAYLOAD_TYPE, STATEMENT, "ci-alias")
                .expect("signs");
            assert_eq!(envelope.signatures[0].keyid, "ci-alias");
            let parsed = match crate::dsse::parse_evidence(envelope.to_json().as_bytes()) {
                Ok(crate::dsse::Evidence::Dsse(e)) => e,
                other => panic!("{name}: {other:?}"),
            };
            let verified =
                verify_envelope(&parsed, &public).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(verified.scheme, scheme, "{name}");
            let mut tampered = parsed.clone();
            tampered.payload.push(b' ');
            assert!(
                verify_envelope(&tampered, &public).is_err(),
                "{name}: tampered must fail"
            );
        }
    }

    #[test]
    fn unusable_private_keys_are_typed_errors() {
        let two = [fixture!("ed25519.key"), fixture!("p256.key")].concat();
        let legacy = b"-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END EC PRIVATE KEY-----\n";
        let openssh = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE=\n-----END OPENSSH PRIVATE KEY-----\n";
        let junk_pkcs8 = b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n";
        let cases: Vec<(&str, &[u8], Expect)> = vec![
            ("public key", fixture!("ed25519.pub"), |k| {
                *k == KeyErrorKind::PublicKeyGiven
            }),
            ("PKCS#1 public key", fixture!("rsa2048-pkcs1.pub"), |k| {
                *k == KeyErrorKind::PublicKeyGiven
            }),
            ("encrypted PKCS#8", fixture!("p256-encrypted.key"), |k| {
                *k == KeyErrorKind::EncryptedPrivateKey
            }),
            ("legacy encrypted", legacy, |k| {
                *k == KeyErrorKind::EncryptedPrivateKey
            }),
            (
                "P-384",
                fixture!("p384.key"),
                |k| matches!(k, KeyErrorKind::UnsupportedAlgorithm { name } if name == "ECDSA P-384"),
            ),
            (
                "X25519",
                fixture!("x25519.key"),
                |k| matches!(k, KeyErrorKind::UnsupportedAlgorithm { name } if name == "X25519"),
            ),
            ("two keys", &two, |k| {
                *k == KeyErrorKind::SeveralPrivateKeys { count: 2 }
            }),
            (
                "openssh",
                openssh,
                |k| matches!(k, KeyErrorKind::UnexpectedLabel { hint, .. } if hint.contains("ssh-keygen")),
            ),
            ("junk pkcs8", junk_pkcs8, |k| {
                matches!(k, KeyErrorKind::Malformed(_))
            }),
            ("garbage", b"definitely not a key", |k| {
                matches!(k, KeyErrorKind::NotPem { .. })
            }),
            ("empty", b"", |k| *k == KeyErrorKind::Empty),
        ];
        for (name, pem, expected) in cases {
            let err = SigningKey::from_pem("input `evidence-key`", pem).expect_err(name);
            assert!(expected(&err.kind), "{name}: got {:?}", err.kind);
            assert!(
                err.to_string().starts_with("input `evidence-key`: "),
                "{err}"
            );
        }
    }

    #[test]
    fn the_encrypted_key_error_says_how_to_decrypt() {
        let err = SigningKey::from_pem("input `evidence-key`", fixture!("p256-encrypted.key"))
            .expect_err("encrypted");
        assert!(
            err.to_string()
                .contains("openssl pkcs8 -in KEY -nocrypt -topk8"),
            "{err}"
        );
    }

    #[test]
    fn debug_and_errors_never_show_key_material() {
        let pem = fixture!("ed25519.key");
        let key = SigningKey::from_pem("k", pem).expect("loads");
        let debug = format!("{key:?}");
        let body: String = std::str::from_utf8(pem)
            .expect("utf-8")
            .lines()
            .nth(1)
            .expect("body")
            .to_owned();
        assert!(
            debug.contains("<redacted>") && debug.contains("Ed25519"),
            "{debug}"
        );
        assert!(!debug.contains(&body[..20]), "{debug}");
        // A key mangled mid-body: the error must not quote it.
        let mangled = std::str::from_utf8(pem)
            .expect("utf-8")
            .replace(&body[10..14], "!!!!");
        let err = SigningKey::from_pem("k", mangled.as_bytes()).expect_err("mangled");
        assert!(!err.to_string().contains(&body[..10]), "{err}");
    }
}
