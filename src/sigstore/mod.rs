//! Sigstore bundles verified offline, with who-built-it policy: the core the `attestations` gate
//! and the `evidence` gate's `identity` call (SPEC "Attestations"). GitHub artifact
//! attestations (`actions/attest-build-provenance`), cosign keyless and npm provenance are all
//! Sigstore bundles.
//!
//! ```text
//! TrustedRoots::embedded()                       public-good + GitHub roots, compiled in
//! TrustedRoots::parse(text, "path")              the gate's `trusted-root` file (JSON lines or one JSON)
//! Identity (serde, `identity:` in the policy)    .validate() at policy load
//! verify_bundle(&bundle_json, &Expectations { artifact, predicate_type, identity }, &roots)
//!   -> Ok(Verified { signer_workflow, source_repo, source_commit, runner, predicate_type,
//!                    proof_of_time, issuer, … })
//!   -> Err(Failure::{Unsigned | BadSignature | Chain | NoProofOfTime | ExpiredAtSigning |
//!                    IdentityMismatch(Mismatch{field, found, wanted}) | WrongSubject |
//!                    WrongPredicateType | UnknownBundleVersion | Unreadable})
//! ```
//!
//! Nothing here does I/O: callers hand in bytes, and verification is synchronous with no client
//! of any kind, so it cannot reach the network (`tests::verification_runs_in_a_network_namespace` runs it
//! where only loopback exists, to prove it). Verification happens at the signing time the bundle proves, never at
//! "now": a bundle signed years ago with a 10-minute certificate still verifies.
//!
//! # Decisions
//!
//! * **sigstore-verify 0.15 (sigstore/sigstore-rust) does the cryptography**, with default
//!   features off: no TUF client, no HTTP, and no aws-lc (see `crypto.rs` for the backend we give
//!   it instead). It verified cli/cli's and GitHub's real test bundles from both instances, and
//!   categorises its errors well enough to give each failure its own reason.
//! * **Which instance**: the one whose certificate authorities hold the key the leaf names as its
//!   issuer (authority key identifier; a full chain check only when no instance does), judged
//!   apart from time; its root then says which proofs it demands (see `roots.rs`). This is what
//!   `gh attestation verify` does with its issuer-organisation switch, without trusting a name.
//! * **Speed**: a verification costs about one ring P-384 signature check per certificate chain
//!   (0.8 ms here; Fulcio's and GitHub's intermediates are P-384), which is most of its time.
//! * **Identity** is checked by us, after the cryptography, so a mismatch names the field.
//! * **Size** (measured 2026-12, static musl, stripped): reachable from `main`, this module adds
//!   1.32 MB at the release profile's opt-level 3 (7.43 → 8.75 MB, over the 8 MB image budget);
//!   the same binary at opt-level "s" is 6.81 MB. Wiring the gate needs one of the two decided.

mod batch;
mod claims;
mod crypto;
mod identity;
mod outcome;
mod roots;
mod subjects;
mod verify;

pub(crate) use batch::map_parallel;
pub use identity::{GITHUB_ACTIONS_ISSUER, Identity, Runner};
pub(crate) use outcome::{Failure, Reason, Verified};
#[cfg(test)]
pub(crate) use outcome::{Mismatch, ProofOfTime};
pub use roots::TrustedRoots;
pub(crate) use subjects::{subject_digests, verify_against_any};
pub use verify::{ArtifactSha256, Expectations, verify_bundle};

#[cfg(test)]
mod tests;
