//! The trusted roots a bundle may chain to, each with the proofs its instance demands, loaded
//! once and never refreshed (no TUF: nothing is fetched to verify).
//!
//! * [`TrustedRoots::embedded`]: the Sigstore public-good instance and GitHub's instance, as the
//!   `sigstore-trust-root` crate ships them (its `src/trusted_root.json` and
//!   `src/trusted_root_github.json`, refreshed from their TUF repositories for each release;
//!   the version is pinned by Cargo.lock).
//! * [`TrustedRoots::parse`]: a user's file, either what `gh attestation trusted-root` prints
//!   (one `TrustedRoot` JSON document per line) or a single, possibly pretty-printed,
//!   `trusted_root.json`.
//!
//! What each root demands is read from the root, as `gh attestation verify` does for a custom
//! root: a root with transparency logs requires an inclusion proof and signed entry timestamp
//! from one of them, a root with CT logs requires an SCT, and a root with neither (GitHub's) gets
//! its proof of time from an RFC 3161 timestamp alone.

use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use sigstore_trust_root::{
    SIGSTORE_GITHUB_TRUSTED_ROOT, SIGSTORE_PRODUCTION_TRUSTED_ROOT, TrustedRoot,
};
use sigstore_verify::{VerificationPolicy, Verifier};
use webpki::{EndEntityCert, KeyUsage};
use x509_cert::Certificate;
use x509_cert::der::Decode as _;
use x509_cert::der::asn1::ObjectIdentifier;
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, SubjectKeyIdentifier};

/// `id-kp-codeSigning` (1.3.6.1.5.5.7.3.3), DER-encoded, as webpki wants it.
const CODE_SIGNING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x03];

/// One Sigstore instance: its verifier and the certificate authorities that identify it.
pub(crate) struct Instance {
    pub(crate) name: String,
    pub(crate) verifier: Verifier,
    policy: VerificationPolicy,
    anchors: Vec<TrustAnchor<'static>>,
    /// The subject key identifiers of the authorities' certificates.
    key_ids: Vec<Vec<u8>>,
}

impl Instance {
    fn new(name: String, root: &TrustedRoot) -> Result<Self, String> {
        super::crypto::install();
        let verifier = Verifier::new(root).map_err(|e| e.to_string())?;
        let mut policy = VerificationPolicy::any_identity();
        if root.tlogs.is_empty() {
            policy = policy.skip_tlog_unsafe();
        }
        if root.ctlogs.is_empty() {
            policy = policy.skip_sct();
        }
        let mut anchors = Vec::new();
        let mut key_ids = Vec::new();
        for ca in &root.certificate_authorities {
            for cert in &ca.cert_chain.certificates {
                let der = CertificateDer::from(cert.raw_bytes.as_bytes());
                let anchor = webpki::anchor_from_trusted_cert(&der)
                    .map_err(|e| format!("a certificate authority of {name}: {e}"))?;
                anchors.push(anchor.to_owned());
                key_ids.extend(key_id(cert.raw_bytes.as_bytes(), ID_SUBJECT_KEY_ID));
            }
        }
        if anchors.is_empty() {
            return Err("it has no certificate authorities".into());
        }
        Ok(Self {
            name,
            verifier,
            policy,
            anchors,
            key_ids,
        })
    }

    /// Whether one of this instance's authorities has the key `authority_key_id` names. Cheap
    /// (no signature check): it only picks the instance, whose verifier then checks the chain.
    pub(crate) fn holds_key(&self, authority_key_id: &[u8]) -> bool {
        self.key_ids.iter().any(|id| id == authority_key_id)
    }

    /// The identity-free policy this instance's proofs call for; identity is checked by us.
    pub(crate) fn policy(&self) -> &VerificationPolicy {
        &self.policy
    }

    /// Whether `leaf` (with the bundle's `intermediates`) was issued by one of this instance's
    /// authorities, judged at the leaf's own `notBefore`: which instance signed is a question
    /// apart from whether it was valid when used, which the verifier answers at the signing time.
    pub(crate) fn issued(&self, leaf: &[u8], intermediates: &[&[u8]], not_before: i64) -> bool {
        let leaf = CertificateDer::from(leaf);
        let Ok(cert) = EndEntityCert::try_from(&leaf) else {
            return false;
        };
        let intermediates: Vec<CertificateDer<'_>> = intermediates
            .iter()
            .map(|c| CertificateDer::from(*c))
            .collect();
        let at = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            u64::try_from(not_before).unwrap_or(0).saturating_add(1),
        ));
        cert.verify_for_usage(
            sigstore_crypto::WEBPKI_VERIFICATION_ALGS,
            &self.anchors,
            &intermediates,
            at,
            KeyUsage::required(CODE_SIGNING),
            None,
            None,
        )
        .is_ok()
    }
}

const ID_SUBJECT_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.14");
const ID_AUTHORITY_KEY_ID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.35");

/// A certificate's subject key identifier, or (with [`ID_AUTHORITY_KEY_ID`]) the key identifier
/// of its issuer; `None` when it has no such extension.
pub(crate) fn key_id(cert_der: &[u8], which: ObjectIdentifier) -> Option<Vec<u8>> {
    let cert = Certificate::from_der(cert_der).ok()?;
    let ext = cert
        .tbs_certificate
        .extensions?
        .into_iter()
        .find(|e| e.extn_id == which)?;
    let value = ext.extn_value.as_bytes();
    if which == ID_SUBJECT_KEY_ID {
        SubjectKeyIdentifier::from_der(value)
            .ok()
            .map(|k| k.0.as_bytes().to_vec())
    } else {
        AuthorityKeyIdentifier::from_der(value)
            .ok()?
            .key_identifier
            .map(|k| k.as_bytes().to_vec())
    }
}

/// The key identifier of the authority that issued `cert_der`.
pub(crate) fn authority_key_id(cert_der: &[u8]) -> Option<Vec<u8>> {
    key_id(cert_der, ID_AUTHORITY_KEY_ID)
}

/// The set of trusted roots bundles are verified against.
pub struct TrustedRoots {
    pub(crate) instances: Vec<Instance>,
}

impl std::fmt::Debug for TrustedRoots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

/// A trusted-root file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{origin}: {detail}; give the output of `gh attestation trusted-root` (one trusted root \
     JSON per line) or a single trusted_root.json"
)]
pub struct RootError {
    origin: String,
    detail: String,
}

impl TrustedRoots {
    /// The public-good and GitHub instances' roots compiled into the binary.
    pub fn embedded() -> Result<Self, RootError> {
        let load = |name: &str, json: &str| {
            let err = |detail: String| RootError {
                origin: format!("embedded {name} trusted root"),
                detail,
            };
            let root = TrustedRoot::from_json(json).map_err(|e| err(e.to_string()))?;
            Instance::new(name.to_owned(), &root).map_err(err)
        };
        Ok(Self {
            instances: vec![
                load("public-good", SIGSTORE_PRODUCTION_TRUSTED_ROOT)?,
                load("github", SIGSTORE_GITHUB_TRUSTED_ROOT)?,
            ],
        })
    }

    /// Roots from a user's file: JSON lines as `gh attestation trusted-root` prints, or one JSON
    /// document. `origin` names the file in errors and in [`crate::sigstore::Verified::instance`].
    pub fn parse(text: &str, origin: &str) -> Result<Self, RootError> {
        let err = |line: Option<usize>, detail: String| RootError {
            origin: match line {
                Some(n) => format!("trusted root {origin} line {n}"),
                None => format!("trusted root {origin}"),
            },
            detail,
        };
        let documents: Vec<(Option<usize>, &str)> =
            if serde_json::from_str::<serde_json::Value>(text).is_ok() {
                vec![(None, text)]
            } else {
                text.lines()
                    .enumerate()
                    .filter(|(_, l)| !l.trim().is_empty())
                    .map(|(i, l)| (Some(i + 1), l))
                    .collect()
            };
        if documents.is_empty() {
            return Err(err(None, "the file is empty".into()));
        }
        let mut instances = Vec::with_capacity(documents.len());
        for (line, json) in documents {
            let root = TrustedRoot::from_json(json).map_err(|e| err(line, e.to_string()))?;
            let name = root
                .certificate_authorities
                .first()
                .map(|ca| ca.uri.clone())
                .filter(|uri| !uri.is_empty())
                .unwrap_or_else(|| format!("{origin} root {}", instances.len() + 1));
            instances.push(Instance::new(name, &root).map_err(|e| err(line, e))?);
        }
        Ok(Self { instances })
    }

    /// The instances' names, in the order they are tried.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.instances.iter().map(|i| i.name.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_roots_load_with_the_proofs_each_instance_demands() {
        let roots = TrustedRoots::embedded().unwrap();
        assert_eq!(roots.names().collect::<Vec<_>>(), ["public-good", "github"]);
        let [public_good, github] = roots.instances.as_slice() else {
            panic!()
        };
        assert!(public_good.policy().verifies_tlog());
        assert!(
            !github.policy().verifies_tlog(),
            "GitHub's instance has no transparency log"
        );
    }

    #[test]
    fn real_leaves_name_their_instance_by_authority_key_id() {
        use base64::Engine as _;
        let roots = TrustedRoots::embedded().unwrap();
        for (file, instance) in [
            ("reusable-workflow-attestation.sigstore.json", "public-good"),
            ("artifact-attestations-opa-provider.sigstore.json", "github"),
        ] {
            let path = format!(
                "{}/tests/fixtures/sigstore/{file}",
                env!("CARGO_MANIFEST_DIR")
            );
            let bundle: serde_json::Value =
                serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
            let leaf = bundle["verificationMaterial"]["certificate"]["rawBytes"]
                .as_str()
                .unwrap();
            let leaf = base64::engine::general_purpose::STANDARD
                .decode(leaf)
                .unwrap();
            let id = authority_key_id(&leaf).unwrap();
            let holders: Vec<&str> = roots
                .instances
                .iter()
                .filter(|i| i.holds_key(&id))
                .map(|i| i.name.as_str())
                .collect();
            assert_eq!(holders, [instance], "{file}");
        }
    }

    #[test]
    fn reads_json_lines_and_single_documents_and_names_bad_lines() {
        let one_line = |json: &str| {
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(json).unwrap())
                .unwrap()
        };
        let lines = format!(
            "{}\n\n{}\n",
            one_line(SIGSTORE_PRODUCTION_TRUSTED_ROOT),
            one_line(SIGSTORE_GITHUB_TRUSTED_ROOT)
        );
        let roots = TrustedRoots::parse(&lines, "roots.jsonl").unwrap();
        assert_eq!(
            roots.names().collect::<Vec<_>>(),
            ["https://fulcio.sigstore.dev", "fulcio.githubapp.com"]
        );
        let single = TrustedRoots::parse(SIGSTORE_GITHUB_TRUSTED_ROOT, "root.json").unwrap();
        assert_eq!(single.instances.len(), 1);

        let broken = format!(
            "{}\n{{\"mediaType\": 1}}\n",
            one_line(SIGSTORE_PRODUCTION_TRUSTED_ROOT)
        );
        let err = TrustedRoots::parse(&broken, "roots.jsonl")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("trusted root roots.jsonl line 2:"), "{err}");
        assert!(err.contains("gh attestation trusted-root"), "{err}");
        let empty = TrustedRoots::parse(" \n", "roots.jsonl")
            .unwrap_err()
            .to_string();
        assert!(empty.contains("empty"), "{empty}");
    }
}
