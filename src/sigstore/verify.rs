//! One bundle, one artifact, one policy: [`verify_bundle`]. Reading the bundle and deciding which
//! trusted root it belongs to are ours; the cryptography (chain at the signing time, SCT,
//! inclusion proof, checkpoint, signed entry timestamp, RFC 3161 timestamps, the signature, the
//! subject digest) is `sigstore-verify`'s; then predicate type and identity are ours again.
//!
//! Order of the checks, so a bundle fails with its most basic fault: readable → known version →
//! signed → issued by a trusted instance → (sigstore-verify) time, chain, SCT, log, signature,
//! subject → predicate type → identity. Verification is synchronous, takes bytes, and has no
//! client of any kind: it cannot reach the network.

use jiff::Timestamp;
use sigstore_types::{Bundle, Sha256Hash, SignatureContent, Statement};
use sigstore_verify::{CertificateError, Error, TransparencyLogError};

use super::claims::Claims;
use super::identity::Identity;
use super::outcome::{Failure, ProofOfTime, Verified};
use super::roots::{Instance, TrustedRoots};

/// The media types of Sigstore bundle v0.1, v0.2 and v0.3 (and v0.3's alternative spelling).
pub(crate) const BUNDLE_MEDIA_TYPES: [&str; 4] = [
    "application/vnd.dev.sigstore.bundle+json;version=0.1",
    "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "application/vnd.dev.sigstore.bundle.v0.3+json",
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
];

/// The artifact's sha256, the digest the statement's subject (or the message digest) must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArtifactSha256([u8; 32]);

impl ArtifactSha256 {
    /// From 64 hex digits (either case), as AppTrust and GitHub's API give it; `None` otherwise.
    pub fn from_hex(hex: &str) -> Option<Self> {
        Sha256Hash::from_hex(hex.trim())
            .ok()
            .map(|h| Self(*h.as_bytes()))
    }

    /// Lower-case hex.
    pub(crate) fn to_hex(self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// What the bundle must be about and who must have signed it.
#[derive(Debug, Clone, Copy)]
pub struct Expectations<'a> {
    /// The artifact the statement's subject (or a message signature's digest) must name.
    pub artifact: ArtifactSha256,
    /// The in-toto predicate type the statement must have (`https://slsa.dev/provenance/v1`);
    /// `None` accepts any, and message signatures, which have none.
    pub predicate_type: Option<&'a str>,
    /// Who must have signed; validated by the caller with [`Identity::validate`].
    pub identity: &'a Identity,
}

/// Verifies one Sigstore bundle (its JSON bytes) offline against `roots`, at the signing time the
/// bundle proves, for `expect`.
pub fn verify_bundle(
    bundle: &[u8],
    expect: &Expectations<'_>,
    roots: &TrustedRoots,
) -> Result<Verified, Failure> {
    let (bundle, media_type) = read(bundle)?;
    let leaf = bundle.signing_certificate().ok_or_else(|| {
        Failure::Chain(
            "the bundle has no signing certificate (signed with a bare public key, which names \
             no signer to check the identity against)"
                .into(),
        )
    })?;
    let info = sigstore_crypto::parse_certificate_info(leaf)
        .map_err(|e| Failure::Chain(format!("the signing certificate cannot be read: {e}")))?;
    let instance = choose_instance(&bundle, leaf.as_bytes(), info.not_before, roots)?;
    let digest = Sha256Hash::new(expect.artifact.0);
    let result = instance
        .verifier
        .verify(digest, &bundle, instance.policy())
        .map_err(|e| classify(e, &bundle, expect.artifact))?;
    let predicate_type = statement(&bundle).map(|s| s.predicate_type);
    if let Some(wanted) = expect.predicate_type
        && predicate_type.as_deref() != Some(wanted)
    {
        return Err(Failure::WrongPredicateType {
            found: predicate_type.unwrap_or_else(|| "none (a message signature)".into()),
            wanted: wanted.to_owned(),
        });
    }
    let claims = Claims::from_certificate(&info);
    expect
        .identity
        .check(&claims)
        .map_err(Failure::IdentityMismatch)?;
    Ok(Verified {
        instance: instance.name.clone(),
        media_type,
        issuer: claims.issuer.unwrap_or_default(),
        san: claims.san.unwrap_or_default(),
        signer_workflow: claims.signer_workflow,
        signer_repo: claims.signer_repo,
        source_repo: claims.source_repo,
        source_ref: claims.source_ref,
        source_commit: claims.source_commit,
        runner: claims.runner,
        predicate_type,
        proof_of_time: proof_of_time(&bundle, &result)?,
    })
}

/// Parses the bundle, telling apart not-a-bundle, an unknown version and an unsigned one.
fn read(bytes: &[u8]) -> Result<(Bundle, String), Failure> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Failure::Unreadable("not UTF-8 text, so not a JSON bundle".into()))?;
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| Failure::Unreadable(format!("not JSON: {e}")))?;
    let media_type = value
        .get("mediaType")
        .and_then(|m| m.as_str())
        .ok_or_else(|| Failure::Unreadable("no `mediaType`: not a Sigstore bundle".into()))?;
    if !BUNDLE_MEDIA_TYPES.contains(&media_type) {
        return Err(Failure::UnknownBundleVersion(media_type.to_owned()));
    }
    let unsigned = |what: &str| Err(Failure::Unsigned(format!("the bundle's {what}")));
    if let Some(envelope) = value.get("dsseEnvelope") {
        let signatures = envelope.get("signatures").and_then(|s| s.as_array());
        if signatures.is_none_or(|s| s.iter().all(|sig| sig.get("sig").is_none_or(empty))) {
            return unsigned("DSSE envelope has no signature");
        }
    } else if let Some(message) = value.get("messageSignature")
        && message.get("signature").is_none_or(empty)
    {
        return unsigned("message signature is empty");
    }
    let bundle = Bundle::from_json(text).map_err(|e| Failure::Unreadable(e.to_string()))?;
    Ok((bundle, media_type.to_owned()))
}

fn empty(value: &serde_json::Value) -> bool {
    value.as_str().is_none_or(str::is_empty)
}

/// The instance whose authorities issued the leaf. A leaf no instance issued fails as `chain`
/// here, before any time is considered, so a swapped-in certificate from elsewhere is named as
/// such rather than as a time problem. The leaf's authority key identifier picks the instance
/// without a signature check (a P-384 check costs 0.8 ms with ring, most of a verification);
/// only a leaf whose key identifier no instance holds gets the full chain check, to tell an
/// untrusted issuer from a certificate without the extension.
fn choose_instance<'r>(
    bundle: &Bundle,
    leaf: &[u8],
    not_before: Timestamp,
    roots: &'r TrustedRoots,
) -> Result<&'r Instance, Failure> {
    let intermediates: Vec<&[u8]> = match &bundle.verification_material.content {
        sigstore_types::bundle::VerificationMaterialContent::X509CertificateChain {
            certificates,
        } => certificates
            .iter()
            .skip(1)
            .map(|c| c.raw_bytes.as_bytes())
            .collect(),
        _ => Vec::new(),
    };
    let by_key = super::roots::authority_key_id(leaf)
        .and_then(|id| roots.instances.iter().find(|i| i.holds_key(&id)));
    by_key
        .or_else(|| {
            roots
                .instances
                .iter()
                .find(|i| i.issued(leaf, &intermediates, not_before.as_second()))
        })
        .ok_or_else(|| {
            let names: Vec<&str> = roots.names().collect();
            Failure::Chain(format!(
                "the signing certificate was not issued by a trusted certificate authority \
                 (trusted roots: {})",
                names.join(", ")
            ))
        })
}

fn statement(bundle: &Bundle) -> Option<Statement> {
    match &bundle.content {
        SignatureContent::DsseEnvelope(envelope) => {
            serde_json::from_slice(envelope.payload.as_bytes()).ok()
        }
        _ => None,
    }
}

/// The subjects' sha256 digests, to say what the statement is about instead.
fn subjects(bundle: &Bundle) -> String {
    match statement(bundle) {
        Some(statement) => {
            let names: Vec<String> = statement
                .subject
                .iter()
                .map(|s| match &s.digest.sha256 {
                    Some(d) => format!("{} sha256:{}", s.name, d.to_hex()),
                    None => format!("{} (no sha256)", s.name),
                })
                .collect();
            format!("the statement is about {}", names.join(", "))
        }
        None => "the message digest is another artifact's".into(),
    }
}

/// Maps `sigstore-verify`'s categorised error onto our reasons.
fn classify(err: Error, bundle: &Bundle, artifact: ArtifactSha256) -> Failure {
    let detail = err.to_string();
    match err {
        Error::SignatureInvalid(_) => Failure::BadSignature(detail),
        Error::Crypto(sigstore_crypto::Error::Verification(_)) => Failure::BadSignature(detail),
        Error::ArtifactMismatch(_) => Failure::WrongSubject(format!(
            "wants sha256:{}, {}",
            artifact.to_hex(),
            subjects(bundle)
        )),
        Error::Certificate(
            CertificateError::Expired { .. } | CertificateError::NotYetValid { .. },
        )
        | Error::TransparencyLog(TransparencyLogError::IntegratedTime(_)) => {
            Failure::ExpiredAtSigning(detail)
        }
        // webpki checks the leaf's validity at the signing time as part of the chain.
        Error::Certificate(CertificateError::ChainInvalid(msg))
            if msg.contains("CertExpired") || msg.contains("CertNotValidYet") =>
        {
            Failure::ExpiredAtSigning(detail)
        }
        Error::Certificate(_) | Error::TrustedCertificate(_) => Failure::Chain(detail),
        Error::TransparencyLog(_) | Error::Timestamp(_) => Failure::NoProofOfTime(detail),
        Error::Bundle(e) => match e {
            sigstore_verify::bundle::Error::UnsupportedMediaType(m) => {
                Failure::UnknownBundleVersion(m.to_string())
            }
            sigstore_verify::bundle::Error::UnsupportedVerificationMaterial
            | sigstore_verify::bundle::Error::CertificateChainNotAllowed(_) => {
                Failure::Unreadable(detail)
            }
            _ => Failure::NoProofOfTime(detail),
        },
        _ => Failure::Unreadable(detail),
    }
}

/// The log entry (when the instance has a log) or the earliest verified timestamp.
fn proof_of_time(
    bundle: &Bundle,
    result: &sigstore_verify::VerificationResult,
) -> Result<ProofOfTime, Failure> {
    if let Some(integrated_time) = result.integrated_time() {
        let entry = bundle
            .verification_material
            .tlog_entries
            .iter()
            .find(|e| e.integrated_time == Some(integrated_time));
        if let Some(entry) = entry {
            return Ok(ProofOfTime::LogEntry {
                log_index: entry.log_index.get(),
                integrated_time,
            });
        }
    }
    result
        .verified_timestamps()
        .iter()
        .min()
        .map(|&time| ProofOfTime::Timestamp { time })
        .ok_or_else(|| Failure::NoProofOfTime("no verified signing time".into()))
}
