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
//!   PKCS1-v1_5/SHA-256, the one RSA form JFrog's own verifier accepts. [`Verified::scheme`] says
//!   which one matched.
//! * **Fingerprint** = SHA-256 over the SubjectPublicKeyInfo DER. Displayed OpenSSH-style as
//!   `SHA256:` + unpadded base64; [`Fingerprint::jfrog`] gives the padded base64 that
//!   `jf evd verify` prints as `keyFingerprint`, [`Fingerprint::short_hex`] 16 hex digits.
//! * **Several PEM blocks** in a public key file are all loaded (a key ring; at most
//!   [`MAX_PEM_BLOCKS`]); `EC PARAMETERS` blocks are skipped; one private key anywhere in it
//!   rejects the whole file. A private key file must hold exactly one key.
//! * **Accepted key forms.** Public: `PUBLIC KEY` (SPKI) and `RSA PUBLIC KEY` (PKCS#1). Private:
//!   `PRIVATE KEY` (PKCS#8 v1 or v2, incl. OpenSSL's Ed25519 without public key), and the forms
//!   JFrog's key-pair page produces, `EC PRIVATE KEY` (SEC1) and `RSA PRIVATE KEY` (PKCS#1).
//!   RSA: 2048–8192 bits to verify, 2048–4096 to sign (ring's limit). EC: P-256 only.
//! * **Limits.** Envelope ≤ [`MAX_ENVELOPE_BYTES`] (16 MiB), ≤ [`MAX_SIGNATURES`] signatures,
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

pub use envelope::{
    Envelope, EnvelopeError, Evidence, IN_TOTO_PAYLOAD_TYPE, MAX_ENVELOPE_BYTES, MAX_SIGNATURES,
    Signature, SigstoreBundle, pae, parse_evidence,
};
pub use fingerprint::Fingerprint;
pub use key_error::{KeyError, KeyErrorKind, MAX_KEY_FILE_BYTES, MAX_PEM_BLOCKS};
pub use public_key::{KeyAlgorithm, PublicKey};
pub use signer::{SignError, SigningKey};
pub use statement::{
    MAX_STATEMENT_BYTES, STATEMENT_TYPE_V01, STATEMENT_TYPE_V1, Statement, StatementError, Subject,
};
pub use verify::{NotVerified, SignatureScheme, Verified, verify_envelope};
