//! Public keys that evidence signatures are checked against (`signed-by` PEM files, JFrog's
//! `signingKey.publicKey`): parsing with a typed error per way a key file goes wrong.

use std::fmt;

use rsa::BigUint;
use spki::der::Decode as _;
use spki::der::oid::ObjectIdentifier as Oid;

use super::fingerprint::Fingerprint;
use super::key_error::{KeyError, KeyErrorKind};
use super::pem;
use super::spki_build::{self, EC_PUBLIC_KEY, ED25519, P256, RSA_ENCRYPTION};

/// The smallest and largest RSA modulus verified (ring's `RSA_*_2048_8192_*` bounds).
pub(crate) const RSA_VERIFY_BITS: (usize, usize) = (2048, 8192);

/// The key types evidence may be signed with (the ones `jf evd` signs with).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum KeyAlgorithm {
    Ed25519,
    EcdsaP256,
    Rsa { bits: usize },
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyAlgorithm::Ed25519 => f.write_str("Ed25519"),
            KeyAlgorithm::EcdsaP256 => f.write_str("ECDSA P-256"),
            KeyAlgorithm::Rsa { bits } => write!(f, "RSA-{bits}"),
        }
    }
}

/// A parsed public key with its fingerprint.
#[derive(Clone)]
pub(crate) struct PublicKey {
    algorithm: KeyAlgorithm,
    spki_der: Vec<u8>,
    fingerprint: Fingerprint,
    pub(crate) material: Material,
}

/// What the verifiers need, decoded once at load time.
#[derive(Clone)]
pub(crate) enum Material {
    /// The raw 32-byte key.
    Ed25519(Vec<u8>),
    /// The uncompressed SEC1 point (65 bytes).
    EcdsaP256(Vec<u8>),
    /// PKCS#1 RSAPublicKey DER (for ring) and the parsed key (for salt-agnostic PSS).
    Rsa {
        pkcs1_der: Vec<u8>,
        key: rsa::RsaPublicKey,
        modulus_len: usize,
    },
}

impl PublicKey {
    /// Every public key in a PEM file (`PUBLIC KEY` or `RSA PUBLIC KEY` blocks; see the module
    /// docs for the several-blocks rule). `origin` names the file in errors.
    pub(crate) fn from_pem(origin: &str, pem_text: &[u8]) -> Result<Vec<PublicKey>, KeyError> {
        let blocks = pem::blocks(pem_text).map_err(|k| k.at(origin))?;
        if let Some(private) = blocks.iter().find(|b| b.label.contains("PRIVATE KEY")) {
            let label = private.label.clone();
            return Err(KeyErrorKind::PrivateKeyGiven { label }.at(origin));
        }
        blocks
            .iter()
            .map(|block| match block.label.as_str() {
                "PUBLIC KEY" => PublicKey::from_spki_der(&block.der),
                "RSA PUBLIC KEY" => spki_build::encode(RSA_ENCRYPTION, &block.der)
                    .map_err(KeyErrorKind::Malformed)
                    .and_then(|spki| PublicKey::from_spki_der(&spki)),
                "CERTIFICATE" => Err(KeyErrorKind::UnexpectedLabel {
                    label: block.label.clone(),
                    hint: ": extract its key with `openssl x509 -in CERT -pubkey -noout`",
                }),
                _ => Err(KeyErrorKind::UnexpectedLabel {
                    label: block.label.clone(),
                    hint: ": give a `PUBLIC KEY` block (`openssl pkey -pubin -in KEY`)",
                }),
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|k| k.at(origin))
    }

    /// A key from SubjectPublicKeyInfo DER.
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyErrorKind> {
        let malformed = |e: spki::der::Error| KeyErrorKind::Malformed(e.to_string());
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(malformed)?;
        let key = spki.subject_public_key.as_bytes().ok_or_else(|| {
            KeyErrorKind::Malformed("the public key bit string has unused bits".into())
        })?;
        let oid = spki.algorithm.oid;
        let (algorithm, material) = if oid == ED25519 {
            if key.len() != 32 {
                return Err(KeyErrorKind::Malformed(format!(
                    "Ed25519 key of {} bytes, not 32",
                    key.len()
                )));
            }
            (KeyAlgorithm::Ed25519, Material::Ed25519(key.to_vec()))
        } else if oid == EC_PUBLIC_KEY {
            let curve: Oid = spki
                .algorithm
                .parameters_oid()
                .map_err(|e| KeyErrorKind::Malformed(e.to_string()))?;
            if curve != P256 {
                return Err(KeyErrorKind::UnsupportedAlgorithm {
                    name: spki_build::unsupported_name(curve),
                });
            }
            if key.len() != 65 || key[0] != 0x04 {
                return Err(KeyErrorKind::Malformed(
                    "the P-256 point is not in uncompressed form (re-export with `openssl pkey -pubin -in KEY -pubout`)".into(),
                ));
            }
            (KeyAlgorithm::EcdsaP256, Material::EcdsaP256(key.to_vec()))
        } else if oid == RSA_ENCRYPTION {
            rsa_material(key)?
        } else {
            return Err(KeyErrorKind::UnsupportedAlgorithm {
                name: spki_build::unsupported_name(oid),
            });
        };
        Ok(PublicKey {
            algorithm,
            spki_der: der.to_vec(),
            fingerprint: Fingerprint::of_spki(der),
            material,
        })
    }

    pub(crate) fn algorithm(&self) -> KeyAlgorithm {
        self.algorithm
    }

    pub(crate) fn fingerprint(&self) -> &Fingerprint {
        &self.fingerprint
    }

    /// The key as a `PUBLIC KEY` PEM block, e.g. to register it in JFrog or the simulator.
    #[cfg(test)]
    pub(crate) fn to_pem(&self) -> String {
        pem_rfc7468::encode_string("PUBLIC KEY", pem_rfc7468::LineEnding::LF, &self.spki_der)
            .unwrap_or_default()
    }
}

fn rsa_material(pkcs1_der: &[u8]) -> Result<(KeyAlgorithm, Material), KeyErrorKind> {
    let parsed = rsa::pkcs1::RsaPublicKey::from_der(pkcs1_der)
        .map_err(|e| KeyErrorKind::Malformed(format!("RSA public key: {e}")))?;
    let modulus = parsed.modulus.as_bytes();
    let bits = modulus.len() * 8 - modulus.first().map_or(8, |b| b.leading_zeros() as usize);
    let (min, max) = RSA_VERIFY_BITS;
    if !(min..=max).contains(&bits) {
        return Err(KeyErrorKind::RsaKeySize { bits, min, max });
    }
    let key = rsa::RsaPublicKey::new_with_max_size(
        BigUint::from_bytes_be(modulus),
        BigUint::from_bytes_be(parsed.public_exponent.as_bytes()),
        max,
    )
    .map_err(|e| KeyErrorKind::Malformed(format!("RSA public key: {e}")))?;
    let material = Material::Rsa {
        pkcs1_der: pkcs1_der.to_vec(),
        key,
        modulus_len: bits.div_ceil(8),
    };
    Ok((KeyAlgorithm::Rsa { bits }, material))
}

/// Shows what identifies the key, not its bytes.
impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("algorithm", &self.algorithm)
            .field("fingerprint", &self.fingerprint)
            .finish()
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.spki_der == other.spki_der
    }
}

impl Eq for PublicKey {}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether an error is the expected one.
    type Expect = fn(&KeyErrorKind) -> bool;

    macro_rules! fixture {
        ($name:literal) => {
            include_bytes!(concat!("../../tests/fixtures/keys/", $name)).as_slice()
        };
    }

    fn one(name: &str, pem: &[u8]) -> PublicKey {
        let mut keys = PublicKey::from_pem(name, pem).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(keys.len(), 1, "{name}");
        keys.remove(0)
    }

    /// The fingerprints gen.sh computed with `openssl pkey -pubin -outform DER | openssl dgst -sha256`.
    fn openssl_fingerprint(name: &str) -> (String, String) {
        let table = include_str!("../../tests/fixtures/keys/fingerprints.txt");
        let line = table
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .expect("listed");
        let mut fields = line.split_whitespace().skip(1).map(str::to_owned);
        (fields.next().expect("hex"), fields.next().expect("base64"))
    }

    #[test]
    fn supported_keys_load_with_their_algorithm_and_fingerprint() {
        let cases: [(&str, &[u8], KeyAlgorithm); 4] = [
            (
                "ed25519.pub",
                fixture!("ed25519.pub"),
                KeyAlgorithm::Ed25519,
            ),
            ("p256.pub", fixture!("p256.pub"), KeyAlgorithm::EcdsaP256),
            (
                "p256-sec1.pub",
                fixture!("p256-sec1.pub"),
                KeyAlgorithm::EcdsaP256,
            ),
            (
                "rsa2048.pub",
                fixture!("rsa2048.pub"),
                KeyAlgorithm::Rsa { bits: 2048 },
            ),
        ];
        for (name, pem, algorithm) in cases {
            let key = one(name, pem);
            assert_eq!(key.algorithm(), algorithm, "{name}");
            let (hex, jfrog) = openssl_fingerprint(name);
            assert_eq!(
                (key.fingerprint().hex(), key.fingerprint().jfrog()),
                (hex, jfrog),
                "{name}"
            );
            assert_eq!(
                key.to_pem().trim(),
                std::str::from_utf8(pem).expect("utf-8").trim(),
                "{name}"
            );
        }
    }

    #[test]
    fn pkcs1_rsa_public_key_gets_the_spki_fingerprint() {
        let pkcs1 = one("rsa2048-pkcs1.pub", fixture!("rsa2048-pkcs1.pub"));
        let spki = one("rsa2048.pub", fixture!("rsa2048.pub"));
        assert_eq!(pkcs1, spki);
        assert_eq!(pkcs1.fingerprint(), spki.fingerprint());
    }

    #[test]
    fn a_key_ring_file_loads_every_key() {
        let keys = PublicKey::from_pem("keyring.pub", fixture!("keyring.pub")).expect("loads");
        let algorithms: Vec<_> = keys.iter().map(PublicKey::algorithm).collect();
        assert_eq!(algorithms, [KeyAlgorithm::Ed25519, KeyAlgorithm::EcdsaP256]);
    }

    #[test]
    fn unusable_key_files_name_the_problem_and_the_file() {
        let p256_key = fixture!("p256.key");
        let ring_with_private = [fixture!("ed25519.pub"), p256_key].concat();
        let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
            (
                "p256.key",
                p256_key.to_vec(),
                |k| matches!(k, KeyErrorKind::PrivateKeyGiven { label } if label == "PRIVATE KEY"),
            ),
            (
                "rsa2048-pkcs1.key",
                fixture!("rsa2048-pkcs1.key").to_vec(),
                |k| matches!(k, KeyErrorKind::PrivateKeyGiven { .. }),
            ),
            (
                "p256-encrypted.key",
                fixture!("p256-encrypted.key").to_vec(),
                |k| matches!(k, KeyErrorKind::PrivateKeyGiven { .. }),
            ),
            ("mixed.pub", ring_with_private, |k| {
                matches!(k, KeyErrorKind::PrivateKeyGiven { .. })
            }),
            (
                "p384.pub",
                fixture!("p384.pub").to_vec(),
                |k| matches!(k, KeyErrorKind::UnsupportedAlgorithm { name } if name == "ECDSA P-384"),
            ),
            (
                "x25519.pub",
                fixture!("x25519.pub").to_vec(),
                |k| matches!(k, KeyErrorKind::UnsupportedAlgorithm { name } if name == "X25519"),
            ),
            (
                "dsa.pub",
                fixture!("dsa.pub").to_vec(),
                |k| matches!(k, KeyErrorKind::UnsupportedAlgorithm { name } if name == "DSA"),
            ),
            ("rsa1024.pub", fixture!("rsa1024.pub").to_vec(), |k| {
                matches!(
                    k,
                    KeyErrorKind::RsaKeySize {
                        bits: 1024,
                        min: 2048,
                        max: 8192
                    }
                )
            }),
            ("empty.pub", Vec::new(), |k| *k == KeyErrorKind::Empty),
            ("garbage.pub", b"\x00\x01garbage".to_vec(), |k| {
                matches!(k, KeyErrorKind::NotPem { .. })
            }),
            (
                "cert.pem",
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec(),
                |k| matches!(k, KeyErrorKind::UnexpectedLabel { hint, .. } if hint.contains("x509")),
            ),
            (
                "junk-der.pub",
                b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".to_vec(),
                |k| matches!(k, KeyErrorKind::Malformed(_)),
            ),
        ];
        for (name, pem, expected) in cases {
            let err = PublicKey::from_pem(name, &pem).expect_err(name);
            assert_eq!(err.origin, name);
            assert!(expected(&err.kind), "{name}: got {:?}", err.kind);
            assert!(err.to_string().starts_with(&format!("{name}: ")), "{err}");
        }
    }

    #[test]
    fn private_key_error_tells_how_to_get_the_public_half() {
        let err =
            PublicKey::from_pem("keys/signer.pem", fixture!("ed25519.key")).expect_err("private");
        assert!(
            err.to_string().contains("openssl pkey -in KEY -pubout"),
            "{err}"
        );
    }

    #[test]
    fn debug_shows_identity_only() {
        let key = one("ed25519.pub", fixture!("ed25519.pub"));
        let debug = format!("{key:?}");
        assert!(
            debug.starts_with("PublicKey { algorithm: Ed25519, fingerprint: Fingerprint(SHA256:"),
            "{debug}"
        );
    }
}
