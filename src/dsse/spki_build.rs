//! Object identifiers of key algorithms, and SubjectPublicKeyInfo encoding for keys that arrive
//! without one (PKCS#1 `RSA PUBLIC KEY` files, the public half of a signing key), so every key
//! gets the same fingerprint as its `openssl pkey -pubout` form.

use spki::der::asn1::{AnyRef, BitStringRef};
use spki::der::{Encode as _, oid::ObjectIdentifier as Oid};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

pub(crate) const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
pub(crate) const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
pub(crate) const P256: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
pub(crate) const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");

/// Names of algorithms and curves we refuse, so the error can say which one it was.
pub(crate) fn unsupported_name(oid: Oid) -> String {
    let name = match oid.to_string().as_str() {
        "1.3.101.113" => "Ed448",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.2.840.10040.4.1" => "DSA",
        "1.2.840.113549.1.3.1" | "1.2.840.10046.2.1" => "Diffie-Hellman",
        "1.2.840.113549.1.1.10" => {
            "RSA-PSS-restricted (id-RSASSA-PSS; export a plain rsaEncryption key)"
        }
        "1.2.156.10197.1.301" => "SM2",
        "1.3.132.0.34" => "ECDSA P-384",
        "1.3.132.0.35" => "ECDSA P-521",
        "1.3.132.0.10" => "ECDSA secp256k1",
        "1.3.36.3.3.2.8.1.1.7" => "ECDSA brainpoolP256r1",
        other => return format!("algorithm {other}"),
    };
    name.to_owned()
}

/// SPKI DER for `key` under `algorithm` (with NULL parameters for RSA, the curve for EC, none for
/// Ed25519: what OpenSSL writes, so fingerprints agree).
pub(crate) fn encode(algorithm: Oid, key: &[u8]) -> Result<Vec<u8>, String> {
    let p256 = P256;
    let parameters = match algorithm {
        a if a == RSA_ENCRYPTION => Some(AnyRef::NULL),
        a if a == EC_PUBLIC_KEY => Some(AnyRef::from(&p256)),
        _ => None,
    };
    let spki = SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid: algorithm,
            parameters,
        },
        subject_public_key: BitStringRef::from_bytes(key).map_err(|e| e.to_string())?,
    };
    spki.to_der().map_err(|e| e.to_string())
}
