//! Validation of the `attestations` gate and of the `identity` mapping it shares with the
//! `evidence` gate: an identity is required where bundles are verified (an attestation from
//! anyone proves nothing), and is checked here, at policy load, so a bad one is a policy error
//! with its line and column rather than a failure at verification time.

use super::Ctx;
use crate::policy::error::{ErrorKind, PolicyError};
use crate::policy::locate::{At, KeyPath};
use crate::policy::model::GateSpec;
use crate::policy::raw_attestations::RawAttestations;
use crate::sigstore::Identity;

/// How to write an identity, for every identity error.
const IDENTITY_HELP: &str = "`identity` takes the keys of `gh attestation verify`: `issuer`, `owner`, `signer-repo`, `signer-workflow` (`owner/repo/.github/workflows/file.yml`, `@ref` optional), `source-ref` (`refs/heads/main`) and `runner: github-hosted`; give at least one of `owner`, `signer-repo`, `signer-workflow`.";

impl Ctx<'_> {
    /// Validates an `attestations` gate: an identity is required, the predicate type must be
    /// given, a `trusted-root` must be a workspace file.
    pub(super) fn attestations(
        &self,
        p: &KeyPath,
        a: RawAttestations,
    ) -> Result<GateSpec, PolicyError> {
        let predicate_type = self.non_empty(
            &p.key("predicate-type"),
            &a.predicate_type,
            "the in-toto predicate type, e.g. `https://slsa.dev/provenance/v1`",
        )?;
        let Some(identity) = a.identity else {
            return Err(self.err(
                ErrorKind::MissingKey,
                p,
                At::Key,
                "attestations gate has no `identity`",
                "Name who must have built the artifacts, e.g. `identity: { signer-workflow: bookverse/inventory/.github/workflows/release.yml }`: an attestation anyone can make proves nothing.",
            ));
        };
        let identity = self.identity(&p.key("identity"), identity)?;
        let trusted_root = a
            .trusted_root
            .map(|t| self.workspace_file(&p.key("trusted-root"), &t))
            .transpose()?;
        Ok(GateSpec::Attestations {
            predicate_type,
            subjects: a.subjects,
            identity,
            trusted_root,
        })
    }

    /// Checks an `identity` mapping as `gh attestation verify` would its flags, placing an error
    /// on the key at fault.
    pub(super) fn identity(
        &self,
        p: &KeyPath,
        identity: Identity,
    ) -> Result<Identity, PolicyError> {
        match identity.validate() {
            Ok(()) => Ok(identity),
            Err(e) => {
                let at = match e.field() {
                    Some(field) => (p.key(field), At::Value),
                    None => (p.clone(), At::Key),
                };
                Err(self.invalid(
                    &at.0,
                    at.1,
                    format!("`identity` {}", e.message()),
                    IDENTITY_HELP,
                ))
            }
        }
    }

    /// A file named relative to the workspace: not empty, not absolute, no `..`.
    fn workspace_file(&self, p: &KeyPath, v: &str) -> Result<String, PolicyError> {
        let t = v.trim();
        let help = "Give the file relative to the workspace, e.g. `.github/sigstore/trusted_root.jsonl` (written by `gh attestation trusted-root > .github/sigstore/trusted_root.jsonl`).";
        if t.is_empty() {
            return Err(self.invalid(p, At::Value, "empty path", help));
        }
        let windows_drive =
            t.len() >= 2 && t.as_bytes()[1] == b':' && t.as_bytes()[0].is_ascii_alphabetic();
        if t.starts_with(['/', '\\', '~']) || windows_drive {
            return Err(self.invalid(p, At::Value, format!("path `{t}` is absolute"), help));
        }
        if t.split(['/', '\\']).any(|seg| seg == "..") {
            return Err(self.invalid(
                p,
                At::Value,
                format!("path `{t}` leaves the workspace (`..`)"),
                help,
            ));
        }
        Ok(t.to_string())
    }
}
