//! The simulator's stand-in for GitHub's artifact attestations API, and Sigstore-bundle evidence
//! records: what the `attestations` gate reads, served from real bundles (`demo/attestations/`,
//! copies of `tests/fixtures/sigstore/`) whose subjects are fixed digests.
//!
//! `GET /github/repos/{owner}/{repo}/attestations/sha256:{digest}` and
//! `GET /github/orgs/{org}/attestations/sha256:{digest}` (the demo points `GITHUB_API_URL` at
//! `http://127.0.0.1:N/github`) answer `{"attestations":[{"bundle":{…},"repository_id":N}]}`,
//! `per_page` at a time (default 30, at most 100) with an opaque `after` cursor in `Link:
//! rel="next"`, and 404 `Not Found` for a digest with none, as GitHub does (\[INFERRED\] from
//! cli/cli's client and GitHub's REST reference: the cursor's form is GitHub's own business).

use serde_json::{Value, json};

use super::Simulator;
pub use super::state::GitHubAttestation;
use super::state::{ApiError, Artifact, State};

/// A real GitHub-instance attestation: SLSA provenance of the container image
/// `ghcr.io/github/artifact-attestations-opa-provider` (RFC 3161 timestamp, private repository).
pub(crate) const IMAGE_BUNDLE: &str =
    include_str!("../../demo/attestations/artifact-attestations-opa-provider.sigstore.json");
/// The image's manifest digest, the subject of [`IMAGE_BUNDLE`].
pub const IMAGE_SHA256: &str = "d57f9212097b86c8d75158ea1d974721e7c6f8c33bd77838b242c8f6a2d21813";
/// The repository whose workflow made [`IMAGE_BUNDLE`].
pub(crate) const IMAGE_REPOSITORY: &str = "github/artifact-attestations-opa-provider";
/// The workflow that signed [`IMAGE_BUNDLE`] (without its `@ref`).
pub const IMAGE_SIGNER_WORKFLOW: &str =
    "github/artifact-attestations-opa-provider/.github/workflows/docker.yaml";
/// A real public-good attestation: SLSA provenance of a Python wheel, made by GitHub's reusable
/// attest workflow for `malancas/attest-demo` (Rekor log entry).
pub(crate) const WHEEL_BUNDLE: &str =
    include_str!("../../demo/attestations/reusable-workflow-attestation.sigstore.json");
/// The wheel's sha256, the subject of [`WHEEL_BUNDLE`].
pub const WHEEL_SHA256: &str = "49a3aa6075e0f49f82843e74b5baa614ad2a588e6675612bf108a0a008c5ac25";
/// The repository the wheel's attestation is stored with.
pub const WHEEL_REPOSITORY: &str = "malancas/attest-demo";

/// GitHub's default page size of the attestations list.
pub(super) const DEFAULT_PER_PAGE: usize = 30;

/// The two real attestations, stored under the repositories that made them.
pub(crate) fn seeded_attestations() -> Vec<GitHubAttestation> {
    vec![
        GitHubAttestation {
            repository: IMAGE_REPOSITORY.into(),
            sha256: IMAGE_SHA256.into(),
            bundle: IMAGE_BUNDLE.into(),
        },
        GitHubAttestation {
            repository: WHEEL_REPOSITORY.into(),
            sha256: WHEEL_SHA256.into(),
            bundle: WHEEL_BUNDLE.into(),
        },
    ]
}

/// Which attestations a request asks for.
pub(super) enum Scope<'a> {
    Repo(&'a str, &'a str),
    Org(&'a str),
}

impl State {
    /// The page of attestations of `digest` (`sha256:<hex>`) in `scope` after `after`, and the
    /// cursor of the next page; 404 when there are none, 400 for a digest that is not sha256.
    pub(super) fn github_attestations(
        &self,
        scope: &Scope<'_>,
        digest: &str,
        per_page: usize,
        after: Option<&str>,
    ) -> Result<(Value, Option<String>), ApiError> {
        let hex = digest
            .strip_prefix("sha256:")
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| ApiError::bad_request("subject_digest must be sha256:<64 hex digits>"))?
            .to_ascii_lowercase();
        let matching: Vec<(usize, &GitHubAttestation)> = self
            .attestations
            .iter()
            .enumerate()
            .filter(|(_, a)| a.sha256 == hex)
            .filter(|(_, a)| match scope {
                Scope::Repo(o, r) => a.repository.eq_ignore_ascii_case(&format!("{o}/{r}")),
                Scope::Org(o) => a
                    .repository
                    .split('/')
                    .next()
                    .is_some_and(|owner| owner.eq_ignore_ascii_case(o)),
            })
            .collect();
        if matching.is_empty() {
            return Err(ApiError::new(404, "Not Found"));
        }
        let start = match after {
            None => 0,
            Some(c) => c
                .strip_prefix("cur")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| ApiError::bad_request("invalid cursor"))?,
        };
        let per_page = per_page.clamp(1, 100);
        let page: Vec<Value> = matching
            .iter()
            .skip(start)
            .take(per_page)
            .map(|(i, a)| {
                let bundle: Value = serde_json::from_str(&a.bundle).unwrap_or(Value::Null);
                json!({"bundle": bundle, "repository_id": 1000 + i, "bundle_url": null})
            })
            .collect();
        let next = (start + per_page < matching.len()).then(|| format!("cur{}", start + per_page));
        Ok((json!({"attestations": page}), next))
    }
}

impl Simulator {
    /// Stores an attestation of `sha256` made in `repository`, as GitHub would after
    /// `actions/attest-build-provenance` ran there.
    pub fn publish_attestation(&self, repository: &str, sha256: &str, bundle: &str) {
        self.with_state(|s| {
            s.attestations.push(GitHubAttestation {
                repository: repository.to_string(),
                sha256: sha256.to_ascii_lowercase(),
                bundle: bundle.to_string(),
            });
        });
    }

    /// Sets the artifacts of a version (each in its own releasable of `package_type`), replacing
    /// its content: for a version whose artifacts must be the ones real attestations name.
    /// The manifest's sha256 stays, so evidence already attached still names it.
    pub fn set_artifacts(&self, app: &str, version: &str, artifacts: &[(&str, &str)]) {
        self.with_version(app, version, |v| {
            let version = v.version.clone();
            v.releasables = artifacts
                .iter()
                .map(|(path, sha)| super::Releasable {
                    name: path.rsplit('/').next().unwrap_or(path).to_string(),
                    version: version.clone(),
                    package_type: if path.contains("docker") {
                        "docker"
                    } else {
                        "generic"
                    }
                    .into(),
                    sha256: sha.to_string(),
                    artifacts: vec![Artifact {
                        path: path.to_string(),
                        sha256: sha.to_string(),
                        size: 0,
                    }],
                })
                .collect();
        });
    }

    /// Attaches a Sigstore bundle as an evidence record of `predicate_type` on the version's
    /// manifest, as `jf evd create --sigstore-bundle` does (JFrog verified it; no key alias).
    pub fn add_sigstore_evidence(
        &self,
        app: &str,
        version: &str,
        predicate_type: &str,
        bundle: &str,
    ) {
        self.insert_evidence_file(app, version, predicate_type, bundle, true);
        self.with_version(app, version, |v| {
            if let Some(r) = v.evidence.last_mut() {
                r.signing_key_alias = None;
                r.created_by = "github-actions".into();
            }
        });
    }

    /// The demo's container image, as a real attestation names it: the version's content becomes
    /// the image manifest whose digest is [`IMAGE_SHA256`] and one layer (`sha256__…`, never
    /// attested: an image is attested by its manifest digest).
    pub fn attest_demo_image(&self, app: &str, version: &str) {
        let base = format!("{app}-internal-docker-nonprod-local/{app}/{version}");
        let layer =
            crate::digest::sha256_hex(&super::seed_artifact_bytes(&format!("{base}/layer")));
        self.set_artifacts(
            app,
            version,
            &[
                (&format!("{base}/manifest.json"), IMAGE_SHA256),
                (&format!("{base}/sha256__{layer}"), &layer),
            ],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_bundles_are_the_fixtures_byte_for_byte() {
        for (embedded, fixture) in [
            (
                IMAGE_BUNDLE,
                "artifact-attestations-opa-provider.sigstore.json",
            ),
            (WHEEL_BUNDLE, "reusable-workflow-attestation.sigstore.json"),
        ] {
            let path = format!(
                "{}/tests/fixtures/sigstore/{fixture}",
                env!("CARGO_MANIFEST_DIR")
            );
            assert_eq!(
                embedded.as_bytes(),
                std::fs::read(path).unwrap(),
                "{fixture}"
            );
        }
        let digests = |b: &str| {
            crate::sigstore::subject_digests(b.as_bytes())
                .iter()
                .map(|d| d.to_hex())
                .collect::<Vec<_>>()
        };
        assert_eq!(digests(IMAGE_BUNDLE), [IMAGE_SHA256]);
        assert_eq!(digests(WHEEL_BUNDLE), [WHEEL_SHA256]);
    }

    #[test]
    fn lists_by_repository_or_owner_in_pages_and_404s_when_none() {
        let mut st = State {
            attestations: seeded_attestations(),
            ..State::default()
        };
        for _ in 0..2 {
            st.attestations.push(GitHubAttestation {
                repository: "Malancas/attest-demo".into(),
                sha256: WHEEL_SHA256.into(),
                bundle: "{}".into(),
            });
        }
        let digest = format!("sha256:{WHEEL_SHA256}");
        let (page, next) = st
            .github_attestations(&Scope::Repo("malancas", "attest-demo"), &digest, 2, None)
            .unwrap();
        assert_eq!(page["attestations"].as_array().unwrap().len(), 2);
        assert_eq!(next.as_deref(), Some("cur2"));
        let (page, next) = st
            .github_attestations(&Scope::Org("MALANCAS"), &digest, 2, next.as_deref())
            .unwrap();
        assert_eq!(page["attestations"].as_array().unwrap().len(), 1);
        assert_eq!(next, None);
        let none = st.github_attestations(&Scope::Org("acme"), &digest, 30, None);
        assert_eq!(none.unwrap_err().status, 404);
        let bad = st.github_attestations(&Scope::Org("acme"), "sha1:ab", 30, None);
        assert_eq!(bad.unwrap_err().status, 400);
    }
}
