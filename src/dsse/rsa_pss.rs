//! RSASSA-PSS/SHA-256 verification whatever salt length the signer chose, as Go's `VerifyPSS`
//! with nil options does. ring checks only a 32-byte salt and the `rsa` crate only the length it
//! is told, so this reads the salt length out of the encoded message (RFC 8017 §9.1.2 steps
//! 7–10) and then hands the whole check, with that length, to the `rsa` crate. A wrong guess can
//! only make verification fail, never pass: the crate recomputes and compares everything.

use rsa::traits::PublicKeyParts as _;
use rsa::{BigUint, Pss, RsaPublicKey};
use sha2::{Digest as _, Sha256};

const H_LEN: usize = 32;

/// Whether `sig` is a valid RSASSA-PSS/SHA-256 (MGF1-SHA-256) signature of `message`.
pub(crate) fn verify_any_salt(key: &RsaPublicKey, message: &[u8], sig: &[u8]) -> bool {
    let Some(salt_len) = salt_length(key, sig) else {
        return false;
    };
    let hashed = Sha256::digest(message);
    key.verify(Pss::new_with_salt::<Sha256>(salt_len), &hashed, sig)
        .is_ok()
}

/// The salt length encoded in `sig`, or `None` when it is not a PSS encoding at all.
fn salt_length(key: &RsaPublicKey, sig: &[u8]) -> Option<usize> {
    if sig.len() != key.size() {
        return None;
    }
    let m = rsa::hazmat::rsa_encrypt(key, &BigUint::from_bytes_be(sig)).ok()?;
    let em_bits = key.n().bits() - 1;
    let em_len = em_bits.div_ceil(8);
    let m = m.to_bytes_be();
    if m.len() > em_len || em_len < H_LEN + 2 {
        return None;
    }
    let mut em = vec![0u8; em_len - m.len()];
    em.extend_from_slice(&m);
    if em[em_len - 1] != 0xbc {
        return None;
    }
    let (masked_db, rest) = em.split_at(em_len - H_LEN - 1);
    let h = &rest[..H_LEN];
    let mut db: Vec<u8> = masked_db
        .iter()
        .zip(mgf1_sha256(h, masked_db.len()))
        .map(|(a, b)| a ^ b)
        .collect();
    db[0] &= 0xff >> (8 * em_len - em_bits);
    let one = db.iter().position(|&b| b != 0)?;
    (db[one] == 0x01).then(|| db.len() - one - 1)
}

fn mgf1_sha256(seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + H_LEN);
    let mut counter: u32 = 0;
    while out.len() < len {
        out.extend_from_slice(
            &Sha256::new()
                .chain_update(seed)
                .chain_update(counter.to_be_bytes())
                .finalize(),
        );
        counter += 1;
    }
    out.truncate(len);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dsse::PublicKey;
    use crate::dsse::public_key::Material;

    fn rsa_key() -> RsaPublicKey {
        let keys = PublicKey::from_pem(
            "rsa2048.pub",
            include_bytes!("../../tests/fixtures/keys/rsa2048.pub"),
        )
        .expect("fixture");
        match &keys[0].material {
            Material::Rsa { key, .. } => key.clone(),
            _ => panic!("not RSA"),
        }
    }

    const PAE: &[u8] = include_bytes!("../../tests/fixtures/keys/statement.pae");

    #[test]
    fn reads_openssl_digest_and_max_salt_lengths() {
        let key = rsa_key();
        let digest = include_bytes!("../../tests/fixtures/keys/rsa2048-pss-digest.sig");
        let max = include_bytes!("../../tests/fixtures/keys/rsa2048-pss-max.sig");
        assert_eq!(salt_length(&key, digest), Some(32));
        assert_eq!(
            salt_length(&key, max),
            Some(256 - 32 - 2),
            "emLen - hLen - 2"
        );
        assert!(verify_any_salt(&key, PAE, digest));
        assert!(verify_any_salt(&key, PAE, max));
    }

    #[test]
    fn rejects_tampering_pkcs1_signatures_and_wrong_lengths() {
        let key = rsa_key();
        let max = include_bytes!("../../tests/fixtures/keys/rsa2048-pss-max.sig");
        let mut tampered_pae = PAE.to_vec();
        tampered_pae[20] ^= 1;
        assert!(!verify_any_salt(&key, &tampered_pae, max));
        let mut tampered_sig = max.to_vec();
        tampered_sig[100] ^= 1;
        assert!(!verify_any_salt(&key, PAE, &tampered_sig));
        let pkcs1 = include_bytes!("../../tests/fixtures/keys/rsa2048-pkcs1.sig");
        assert!(!verify_any_salt(&key, PAE, pkcs1));
        assert!(!verify_any_salt(&key, PAE, &max[1..]));
        assert!(
            !verify_any_salt(&key, PAE, &[0xff; 256]),
            "above the modulus"
        );
        assert!(!verify_any_salt(&key, PAE, &[0; 256]));
    }

    #[test]
    fn mgf1_matches_its_definition() {
        let out = mgf1_sha256(b"seed", 40);
        let first: [u8; 32] = Sha256::new()
            .chain_update(b"seed")
            .chain_update([0, 0, 0, 0])
            .finalize()
            .into();
        let second: [u8; 32] = Sha256::new()
            .chain_update(b"seed")
            .chain_update([0, 0, 0, 1])
            .finalize()
            .into();
        assert_eq!(out[..32], first);
        assert_eq!(out[32..], second[..8]);
    }
}
