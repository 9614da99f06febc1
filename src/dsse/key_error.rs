//! The one error type of key loading, public or private: what is wrong with which key and the
//! command that fixes it, because the reader is a workflow author looking at a failed run.

/// The largest key file read; a PEM key ring of [`MAX_PEM_BLOCKS`] RSA-8192 keys fits easily.
pub(crate) const MAX_KEY_FILE_BYTES: usize = 256 * 1024;
/// The most PEM blocks one key file may hold.
pub(crate) const MAX_PEM_BLOCKS: usize = 64;

/// A key that could not be loaded: `origin` names it (a file path, an input, a JFrog key alias).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}: {kind}")]
pub(crate) struct KeyError {
    pub(crate) origin: String,
    pub(crate) kind: KeyErrorKind,
}

/// What is wrong with a key file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum KeyErrorKind {
    #[error("the key is empty")]
    Empty,
    #[error("the key file is {size} bytes, over the {max}-byte limit")]
    TooLarge { size: usize, max: usize },
    #[error("not a PEM key (no `-----BEGIN …-----` line){hint}")]
    NotPem { hint: &'static str },
    #[error("a PEM block is malformed ({0})")]
    BadPem(String),
    #[error(
        "this is a private key ({label}) where a public key is needed: keep the private key out of \
         the workspace and commit only its public half, made by `openssl pkey -in KEY -pubout -out key.pub`"
    )]
    PrivateKeyGiven { label: String },
    #[error(
        "this is a public key where the private signing key is needed (PEM `-----BEGIN PRIVATE KEY-----`)"
    )]
    PublicKeyGiven,
    #[error(
        "the private key is encrypted; decrypt it first (`openssl pkcs8 -in KEY -nocrypt -topk8 -out plain.key`) \
         and store the result as a secret"
    )]
    EncryptedPrivateKey,
    #[error("{name} keys are not supported: use Ed25519, ECDSA P-256 or RSA")]
    UnsupportedAlgorithm { name: String },
    #[error("the RSA key has {bits} bits; {min}–{max} bits are supported here")]
    RsaKeySize { bits: usize, min: usize, max: usize },
    #[error("a `{label}` PEM block is not a key this action reads{hint}")]
    UnexpectedLabel { label: String, hint: &'static str },
    #[error("the key is malformed ({0})")]
    Malformed(String),
    #[error("the file holds {count} PEM blocks, over the limit of {max}")]
    TooManyBlocks { count: usize, max: usize },
    #[error("the file holds {count} private keys; give exactly one")]
    SeveralPrivateKeys { count: usize },
    #[error("the file holds no key (only parameters)")]
    NoKey,
}

impl KeyErrorKind {
    pub(crate) fn at(self, origin: &str) -> KeyError {
        KeyError {
            origin: origin.to_owned(),
            kind: self,
        }
    }
}
