//! Serde view of the `attestations` gate (SPEC "Attestations"), exactly as written: which
//! attestations (Sigstore bundles, GitHub artifact attestations) every artifact must have and who
//! must have signed them. Kept apart from `raw_gates.rs` so the gate is one file to read; the
//! `identity` mapping is [`crate::sigstore::Identity`] itself, shared with the `evidence` gate,
//! and checked in `validate/attestations.rs`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::sigstore::Identity;

/// The predicate type an `attestations` gate asks for unless told: SLSA provenance v1, what
/// `actions/attest-build-provenance` makes and `gh attestation verify` expects by default.
pub(crate) const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";

fn default_predicate_type() -> String {
    SLSA_PROVENANCE_V1.to_owned()
}

/// Where an `attestations` gate finds the bundles it verifies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum AttestationSubjects {
    /// Every artifact of the AppTrust version, by its sha256, in GitHub's attestations API; each
    /// needs one bundle that passes.
    #[default]
    Artifacts,
    /// The Sigstore bundles among the version's JFrog evidence records of the predicate type;
    /// one that passes suffices.
    Evidence,
}

/// Attestations gate settings: who built what, verified offline as `gh attestation verify` does.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "an attestations gate mapping (predicate-type, subjects, identity, trusted-root)"
)]
#[schemars(rename = "Attestations")]
pub(crate) struct RawAttestations {
    /// in-toto predicate type every attestation must have (`gh … --predicate-type`). Default
    /// `https://slsa.dev/provenance/v1`.
    #[serde(default = "default_predicate_type")]
    #[schemars(length(min = 1))]
    pub(crate) predicate_type: String,
    /// `artifacts` (default): every artifact of the AppTrust version, by its sha256, looked up in
    /// GitHub's attestations API, each needing one bundle that passes. `evidence`: the Sigstore
    /// bundles among the version's JFrog evidence records, one of which must pass.
    #[serde(default)]
    pub(crate) subjects: AttestationSubjects,
    /// Who must have signed: every key given must match the signing certificate. Required.
    #[schemars(required)]
    pub(crate) identity: Option<Identity>,
    /// Trusted roots to verify with instead of the public-good and GitHub roots built in: the
    /// output of `gh attestation trusted-root` (JSON lines), a workspace-relative path
    /// (`gh … --custom-trusted-root`).
    #[schemars(length(min = 1))]
    pub(crate) trusted_root: Option<String>,
}
