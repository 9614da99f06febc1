//! Splits a key file into its PEM blocks and decodes each with `pem-rfc7468` (constant-time
//! base64, which matters for private keys). The split is ours so that text around the blocks
//! (comments, `openssl` "Bag Attributes") and several blocks in one file are tolerated.

use zeroize::Zeroizing;

use super::key_error::{KeyErrorKind, MAX_KEY_FILE_BYTES, MAX_PEM_BLOCKS};

/// One decoded PEM block. The DER may be a private key, so it is wiped on drop.
pub(crate) struct PemBlock {
    pub(crate) label: String,
    pub(crate) der: Zeroizing<Vec<u8>>,
    /// Legacy OpenSSL encryption (`Proc-Type: 4,ENCRYPTED` header in the block).
    pub(crate) legacy_encrypted: bool,
}

const BEGIN: &str = "-----BEGIN ";
const DASHES: &str = "-----";

/// The PEM blocks of `text`, in order; `EC PARAMETERS` blocks are dropped (OpenSSL writes one
/// before a SEC1 key made with `ecparam -genkey` without `-noout`).
pub(crate) fn blocks(text: &[u8]) -> Result<Vec<PemBlock>, KeyErrorKind> {
    if text.len() > MAX_KEY_FILE_BYTES {
        return Err(KeyErrorKind::TooLarge {
            size: text.len(),
            max: MAX_KEY_FILE_BYTES,
        });
    }
    let Ok(text) = std::str::from_utf8(text) else {
        return Err(KeyErrorKind::NotPem {
            hint: " (the file is binary: DER keys must be converted to PEM, e.g. `openssl pkey -inform DER -in KEY`)",
        });
    };
    if text.trim().is_empty() {
        return Err(KeyErrorKind::Empty);
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let block = &rest[start..];
        let label_end = block[BEGIN.len()..]
            .find(DASHES)
            .ok_or_else(|| KeyErrorKind::BadPem("unterminated BEGIN line".into()))?;
        let label = &block[BEGIN.len()..BEGIN.len() + label_end];
        let end_marker = format!("-----END {label}-----");
        let end = block
            .find(&end_marker)
            .ok_or_else(|| KeyErrorKind::BadPem(format!("no `{end_marker}` line")))?
            + end_marker.len();
        if out.len() == MAX_PEM_BLOCKS {
            let count = MAX_PEM_BLOCKS + 1 + rest[start + end..].matches(BEGIN).count();
            return Err(KeyErrorKind::TooManyBlocks {
                count,
                max: MAX_PEM_BLOCKS,
            });
        }
        let pem = &block[..end];
        let legacy_encrypted = pem.contains("Proc-Type:") && pem.contains("ENCRYPTED");
        if !legacy_encrypted && label != "EC PARAMETERS" {
            let (decoded_label, der) = pem_rfc7468::decode_vec(pem.as_bytes())
                .map_err(|e| KeyErrorKind::BadPem(format!("{label}: {e}")))?;
            let der = Zeroizing::new(der);
            out.push(PemBlock {
                label: decoded_label.to_owned(),
                der,
                legacy_encrypted,
            });
        } else if legacy_encrypted {
            out.push(PemBlock {
                label: label.to_owned(),
                der: Zeroizing::default(),
                legacy_encrypted,
            });
        }
        rest = &block[end..];
    }
    if out.is_empty() {
        return Err(if text.contains(BEGIN) {
            KeyErrorKind::NoKey
        } else {
            KeyErrorKind::NotPem {
                hint: not_pem_hint(text),
            }
        });
    }
    Ok(out)
}

fn not_pem_hint(text: &str) -> &'static str {
    let first = text.trim_start();
    if ["ssh-ed25519 ", "ssh-rsa ", "ecdsa-sha2-"]
        .iter()
        .any(|p| first.starts_with(p))
    {
        " (this is an OpenSSH public key: convert it with `ssh-keygen -e -m PKCS8 -f KEY.pub`)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether an error is the expected one.
    type Expect = fn(&KeyErrorKind) -> bool;

    const P256_PUB: &str = include_str!("../../tests/fixtures/keys/p256.pub");

    #[test]
    fn tolerates_surrounding_text_crlf_and_several_blocks() {
        let keyring = include_str!("../../tests/fixtures/keys/keyring.pub");
        let text = format!(
            "# our keys\n{}\ntrailing words\n",
            keyring.replace('\n', "\r\n")
        );
        let got = blocks(text.as_bytes()).expect("parses");
        assert_eq!(
            got.iter().map(|b| b.label.as_str()).collect::<Vec<_>>(),
            ["PUBLIC KEY", "PUBLIC KEY"]
        );
        assert_eq!(got[0].der.len(), 44, "Ed25519 SPKI is 44 bytes");
    }

    #[test]
    fn skips_ec_parameters_and_flags_legacy_encryption() {
        let params =
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
        let got = blocks(format!("{params}{P256_PUB}").as_bytes()).expect("parses");
        assert_eq!(got.len(), 1);
        assert_eq!(blocks(params.as_bytes()).err(), Some(KeyErrorKind::NoKey));
        let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        let got = blocks(legacy.as_bytes()).expect("recognised");
        assert!(got[0].legacy_encrypted && got[0].label == "RSA PRIVATE KEY");
    }

    #[test]
    fn hostile_files_are_typed_errors() {
        let many = P256_PUB.repeat(MAX_PEM_BLOCKS + 2);
        let ssh = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO2 user@host\n";
        let cases: Vec<(Vec<u8>, Expect)> = vec![
            (b"".to_vec(), |e| *e == KeyErrorKind::Empty),
            (b" \n\t\n".to_vec(), |e| *e == KeyErrorKind::Empty),
            (b"hello world".to_vec(), |e| {
                matches!(e, KeyErrorKind::NotPem { hint: "" })
            }),
            (
                ssh.as_bytes().to_vec(),
                |e| matches!(e, KeyErrorKind::NotPem { hint } if hint.contains("ssh-keygen")),
            ),
            (
                vec![0x30, 0x82, 0xff, 0xfe],
                |e| matches!(e, KeyErrorKind::NotPem { hint } if hint.contains("DER")),
            ),
            (b"-----BEGIN PUBLIC KEY".to_vec(), |e| {
                matches!(e, KeyErrorKind::BadPem(_))
            }),
            (b"-----BEGIN PUBLIC KEY-----\nAAAA\n".to_vec(), |e| {
                matches!(e, KeyErrorKind::BadPem(_))
            }),
            (
                b"-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n".to_vec(),
                |e| matches!(e, KeyErrorKind::BadPem(_)),
            ),
            (
                many.into_bytes(),
                |e| matches!(e, KeyErrorKind::TooManyBlocks { count, .. } if *count == MAX_PEM_BLOCKS + 2),
            ),
            (vec![b'A'; MAX_KEY_FILE_BYTES + 1], |e| {
                matches!(e, KeyErrorKind::TooLarge { .. })
            }),
        ];
        for (input, expected) in cases {
            let err = blocks(&input).err().expect("must fail");
            assert!(
                expected(&err),
                "{:?}: got {err:?}",
                String::from_utf8_lossy(&input[..input.len().min(40)])
            );
        }
    }
}
