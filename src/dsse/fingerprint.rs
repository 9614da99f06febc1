//! A public key's identity in summaries and records: SHA-256 over its SubjectPublicKeyInfo DER,
//! the same digest `jf evd verify` reports, so both tools name a key the same way.

use std::fmt;

use base64::Engine as _;
#[cfg(test)]
use base64::engine::general_purpose::STANDARD;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use sha2::{Digest, Sha256};

/// SHA-256 of a SubjectPublicKeyInfo DER. `Display` is OpenSSH-style `SHA256:<unpadded base64>`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a SubjectPublicKeyInfo DER.
    pub(crate) fn of_spki(spki_der: &[u8]) -> Fingerprint {
        Fingerprint(Sha256::digest(spki_der).into())
    }

    /// Padded standard base64, exactly as `jf evd verify` prints `keyFingerprint`.
    #[cfg(test)]
    pub(crate) fn jfrog(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// The full digest in lowercase hex.
    #[cfg(test)]
    pub(crate) fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The first 8 bytes in lowercase hex, for narrow table columns.
    #[cfg(test)]
    pub(crate) fn short_hex(&self) -> String {
        self.hex()[..16].to_owned()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SHA256:{}", STANDARD_NO_PAD.encode(self.0))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_agree_with_sha256sum_of_the_der() {
        // printf 'abc' | sha256sum → ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        let fp = Fingerprint::of_spki(b"abc");
        assert_eq!(
            fp.hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(fp.short_hex(), "ba7816bf8f01cfea");
        assert_eq!(fp.jfrog(), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
        assert_eq!(
            fp.to_string(),
            "SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0"
        );
        assert_eq!(
            format!("{fp:?}"),
            "Fingerprint(SHA256:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0)"
        );
    }
}
