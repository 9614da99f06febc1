//! The signature and hash primitives `sigstore-verify` runs on, from crates the binary already
//! links (ring, rsa, sha2) plus p256/p384 for the one thing ring cannot do: check an ECDSA
//! signature over a digest we did not hash ourselves (a message-signature bundle checked against
//! the artifact's sha256 alone).
//!
//! Why not the crate's own `aws-lc-rs` backend: aws-lc-sys 0.47 builds here for musl without
//! cmake or go, but a ten-line program verifying one bundle with it was 4.98 MB stripped (musl),
//! while the whole action binary must stay under 8 MB for its `FROM scratch` image.
//! `sigstore-crypto` was made for this: with its default features off it asks for a
//! [`CryptoProvider`] installed once per process, which [`install`] does.
//!
//! Public keys arrive as the raw `subjectPublicKey` bits, already checked against the scheme by
//! `sigstore-crypto`: an uncompressed SEC1 point for ECDSA, 32 bytes for Ed25519, a PKCS#1
//! `RSAPublicKey` for RSA. ML-DSA is refused (no backend here; no Sigstore instance issues it).

use std::sync::OnceLock;

use ring::signature::{self as rs, UnparsedPublicKey, VerificationAlgorithm};
use rsa::pkcs1::DecodeRsaPublicKey as _;
use rsa::{Pkcs1v15Sign, Pss, RsaPublicKey};
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use sigstore_crypto::{CryptoProvider, Error, HashContext, Result, SigningScheme};
use sigstore_types::HashAlgorithm;

/// The provider `sigstore-crypto` calls for every hash and signature check.
#[derive(Debug)]
pub(crate) struct RingProvider;

static PROVIDER: RingProvider = RingProvider;
static INSTALLED: OnceLock<()> = OnceLock::new();

/// Installs [`RingProvider`] as the process-wide backend, once. Another provider installed first
/// (only possible from a test harness embedding this crate) is left in place: both verify.
pub(crate) fn install() {
    INSTALLED.get_or_init(|| {
        let _already_set = sigstore_crypto::install_default_provider(&PROVIDER);
    });
}

enum Hasher {
    Sha256(Sha256),
    Sha384(Sha384),
    Sha512(Sha512),
}

impl HashContext for Hasher {
    fn update(&mut self, data: &[u8]) {
        match self {
            Self::Sha256(h) => h.update(data),
            Self::Sha384(h) => h.update(data),
            Self::Sha512(h) => h.update(data),
        }
    }

    fn finalize(self: Box<Self>) -> Vec<u8> {
        match *self {
            Self::Sha256(h) => h.finalize().to_vec(),
            Self::Sha384(h) => h.finalize().to_vec(),
            Self::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

fn ring_algorithm(scheme: SigningScheme) -> Result<&'static dyn VerificationAlgorithm> {
    Ok(match scheme {
        SigningScheme::EcdsaP256Sha256 => &rs::ECDSA_P256_SHA256_ASN1,
        SigningScheme::EcdsaP256Sha384 => &rs::ECDSA_P256_SHA384_ASN1,
        SigningScheme::EcdsaP384Sha256 => &rs::ECDSA_P384_SHA256_ASN1,
        SigningScheme::EcdsaP384Sha384 => &rs::ECDSA_P384_SHA384_ASN1,
        SigningScheme::Ed25519 => &rs::ED25519,
        SigningScheme::RsaPssSha256 => &rs::RSA_PSS_2048_8192_SHA256,
        SigningScheme::RsaPssSha384 => &rs::RSA_PSS_2048_8192_SHA384,
        SigningScheme::RsaPssSha512 => &rs::RSA_PSS_2048_8192_SHA512,
        SigningScheme::RsaPkcs1Sha256 => &rs::RSA_PKCS1_2048_8192_SHA256,
        SigningScheme::RsaPkcs1Sha384 => &rs::RSA_PKCS1_2048_8192_SHA384,
        SigningScheme::RsaPkcs1Sha512 => &rs::RSA_PKCS1_2048_8192_SHA512,
        other => return Err(unsupported(other)),
    })
}

fn unsupported(scheme: SigningScheme) -> Error {
    Error::UnsupportedAlgorithm(format!("{} signatures are not supported", scheme.name()))
}

fn invalid(scheme: SigningScheme) -> Error {
    Error::Verification(format!("{} signature invalid", scheme.name()))
}

impl CryptoProvider for RingProvider {
    fn hash(&self, algorithm: HashAlgorithm) -> Result<Box<dyn HashContext>> {
        Ok(Box::new(match algorithm {
            HashAlgorithm::Sha2256 => Hasher::Sha256(Sha256::new()),
            HashAlgorithm::Sha2384 => Hasher::Sha384(Sha384::new()),
            HashAlgorithm::Sha2512 => Hasher::Sha512(Sha512::new()),
            other => {
                return Err(Error::UnsupportedAlgorithm(format!(
                    "cannot compute {other} digests"
                )));
            }
        }))
    }

    fn sha256(&self, data: &[u8]) -> [u8; 32] {
        Sha256::digest(data).into()
    }

    fn sha384(&self, data: &[u8]) -> [u8; 48] {
        Sha384::digest(data).into()
    }

    fn sha512(&self, data: &[u8]) -> [u8; 64] {
        Sha512::digest(data).into()
    }

    fn verify_raw(
        &self,
        scheme: SigningScheme,
        key: &[u8],
        data: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        UnparsedPublicKey::new(ring_algorithm(scheme)?, key)
            .verify(data, signature)
            .map_err(|_| invalid(scheme))
    }

    fn verify_prehashed(
        &self,
        scheme: SigningScheme,
        key: &[u8],
        digest: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        use p256::ecdsa::signature::hazmat::PrehashVerifier as _;
        let ok = match scheme {
            SigningScheme::EcdsaP256Sha256 | SigningScheme::EcdsaP256Sha384 => {
                let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(key).map_err(key_error)?;
                p256::ecdsa::DerSignature::try_from(signature)
                    .is_ok_and(|sig| key.verify_prehash(digest, &sig).is_ok())
            }
            SigningScheme::EcdsaP384Sha256 | SigningScheme::EcdsaP384Sha384 => {
                let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(key).map_err(key_error)?;
                p384::ecdsa::DerSignature::try_from(signature)
                    .is_ok_and(|sig| key.verify_prehash(digest, &sig).is_ok())
            }
            SigningScheme::RsaPkcs1Sha256
            | SigningScheme::RsaPkcs1Sha384
            | SigningScheme::RsaPkcs1Sha512
            | SigningScheme::RsaPssSha256
            | SigningScheme::RsaPssSha384
            | SigningScheme::RsaPssSha512 => verify_rsa_prehashed(scheme, key, digest, signature)?,
            other => return Err(unsupported(other)),
        };
        if ok { Ok(()) } else { Err(invalid(scheme)) }
    }
}

fn key_error(err: impl std::fmt::Display) -> Error {
    Error::InvalidKey(err.to_string())
}

fn verify_rsa_prehashed(
    scheme: SigningScheme,
    key: &[u8],
    digest: &[u8],
    signature: &[u8],
) -> Result<bool> {
    let key = RsaPublicKey::from_pkcs1_der(key).map_err(key_error)?;
    let result = match scheme {
        SigningScheme::RsaPkcs1Sha256 => {
            key.verify(Pkcs1v15Sign::new::<Sha256>(), digest, signature)
        }
        SigningScheme::RsaPkcs1Sha384 => {
            key.verify(Pkcs1v15Sign::new::<Sha384>(), digest, signature)
        }
        SigningScheme::RsaPkcs1Sha512 => {
            key.verify(Pkcs1v15Sign::new::<Sha512>(), digest, signature)
        }
        SigningScheme::RsaPssSha256 => key.verify(Pss::new::<Sha256>(), digest, signature),
        SigningScheme::RsaPssSha384 => key.verify(Pss::new::<Sha384>(), digest, signature),
        SigningScheme::RsaPssSha512 => key.verify(Pss::new::<Sha512>(), digest, signature),
        other => return Err(unsupported(other)),
    };
    Ok(result.is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _};

    fn p256_pair() -> (EcdsaKeyPair, SystemRandom) {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .unwrap();
        (pair, rng)
    }

    #[test]
    fn ecdsa_p256_raw_and_prehashed_agree_and_reject_other_messages() {
        let (pair, rng) = p256_pair();
        let sig = pair.sign(&rng, b"attested bytes").unwrap();
        let key = pair.public_key().as_ref();
        let scheme = SigningScheme::EcdsaP256Sha256;
        RingProvider
            .verify_raw(scheme, key, b"attested bytes", sig.as_ref())
            .unwrap();
        let digest = Sha256::digest(b"attested bytes");
        RingProvider
            .verify_prehashed(scheme, key, &digest, sig.as_ref())
            .unwrap();
        let other = Sha256::digest(b"other bytes");
        assert!(
            RingProvider
                .verify_prehashed(scheme, key, &other, sig.as_ref())
                .is_err()
        );
        assert!(
            RingProvider
                .verify_raw(scheme, key, b"other bytes", sig.as_ref())
                .is_err()
        );
    }

    #[test]
    fn ml_dsa_is_refused_not_passed() {
        let err = RingProvider.verify_raw(SigningScheme::MlDsa65, &[0; 1952], b"m", &[0; 3309]);
        assert!(
            matches!(err, Err(Error::UnsupportedAlgorithm(_))),
            "{err:?}"
        );
    }

    #[test]
    fn hashes_match_sha2() {
        let mut h = RingProvider.hash(HashAlgorithm::Sha2384).unwrap();
        h.update(b"a");
        h.update(b"b");
        assert_eq!(h.finalize(), Sha384::digest(b"ab").to_vec());
        assert_eq!(
            RingProvider.sha512(b"ab"),
            <[u8; 64]>::from(Sha512::digest(b"ab"))
        );
    }
}
