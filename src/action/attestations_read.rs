//! Gathering what `attestations` gates (and `evidence` gates with an `identity`) verify: the
//! trusted roots, built once per run; for `subjects: artifacts`, every artifact's bundles from
//! GitHub's attestations API, fetched a few at a time and verified on every core; for
//! `subjects: evidence`, a [`RecordReader`] that verifies each Sigstore-bundle record the moment
//! the evidence read downloads it (see [`super::evidence_read`]), keeping only the outcome.
//!
//! The I/O half of the gate; the decision is [`crate::gates::attestations`]. Verification itself
//! does no I/O: nothing is fetched to verify (no TUF refresh).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use futures_util::StreamExt as _;

use crate::dsse;
use crate::gates::evidence_record::{ParsedFile, SigstoreRules, VersionSubjects, verify_record};
use crate::gates::facts::{EvidenceRecord, Fact};
use crate::gates::{AttestationFacts, SubjectCheck};
use crate::github::{AttestationScope, GitHubClient, ListedBundle};
use crate::inputs::Inputs;
use crate::jfrog::apptrust::VersionContent;
use crate::sigstore::{ArtifactSha256, Expectations, Failure, Identity, TrustedRoots, Verified};

/// Digests looked up in GitHub at once (each a paged read), like the evidence downloads.
const CONCURRENT_LOOKUPS: usize = 8;
/// The largest trusted-root file read: `gh attestation trusted-root` prints a few dozen KiB.
const MAX_ROOT_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Trusted roots, loaded at most once per run each: the built-in ones and every `trusted-root`
/// file a gate names. A file that cannot be used fails the gates naming it, not the run.
pub(super) struct Roots<'w> {
    workspace: &'w Path,
    embedded: Option<Result<Arc<TrustedRoots>, String>>,
    files: BTreeMap<String, Result<Arc<TrustedRoots>, String>>,
}

impl<'w> Roots<'w> {
    pub(super) fn new(workspace: &'w Path) -> Self {
        Roots {
            workspace,
            embedded: None,
            files: BTreeMap::new(),
        }
    }

    /// The roots of `file` (workspace-relative), or the built-in ones when `None`.
    pub(super) fn get(&mut self, file: Option<&str>) -> Result<Arc<TrustedRoots>, String> {
        match file {
            None => self
                .embedded
                .get_or_insert_with(|| {
                    TrustedRoots::embedded()
                        .map(Arc::new)
                        .map_err(|e| e.to_string())
                })
                .clone(),
            Some(file) => {
                let workspace = self.workspace;
                self.files
                    .entry(file.to_string())
                    .or_insert_with(|| read_root_file(workspace, file))
                    .clone()
            }
        }
    }
}

/// A `trusted-root` file, found like a report (inside the workspace, no symlink out of it).
fn read_root_file(workspace: &Path, file: &str) -> Result<Arc<TrustedRoots>, String> {
    let paths = crate::reports::expand_globs(workspace, &[file.to_string()])
        .map_err(|e| format!("trusted-root: {e}"))?;
    let [path] = paths.as_slice() else {
        return Err(format!(
            "trusted-root `{file}` matches {} files; name one file",
            paths.len()
        ));
    };
    let cannot = |e: std::io::Error| format!("cannot read trusted-root `{file}`: {e}");
    let size = std::fs::metadata(path).map_err(cannot)?.len();
    if size > MAX_ROOT_FILE_BYTES {
        return Err(format!(
            "trusted-root `{file}` is {size} bytes, larger than a trusted root can be ({MAX_ROOT_FILE_BYTES})"
        ));
    }
    let text = std::fs::read_to_string(path).map_err(cannot)?;
    TrustedRoots::parse(&text, file)
        .map(Arc::new)
        .map_err(|e| e.to_string())
}

/// The GitHub client `subjects: artifacts` reads with, or why there is none.
pub(super) fn github_client(
    inputs: &Inputs,
    github: &Result<GitHubClient, String>,
) -> Result<GitHubClient, String> {
    if inputs.github_token.is_none() {
        return Err("input `github-token` is empty: `subjects: artifacts` reads GitHub's attestations API (pass `github-token: ${{ github.token }}` and grant `permissions: attestations: read`)".to_string());
    }
    github.clone()
}

/// Where an identity's attestations live: its `signer-repo`, unless `owner` names another
/// owner (a reusable workflow signs from its own repository, but the attestation is stored with
/// the caller's, somewhere in the owner's organisation); else the `owner`'s organisation; else
/// the repository of the `signer-workflow`.
pub(crate) fn scope(identity: &Identity) -> Option<AttestationScope> {
    let strip = |s: &str| {
        s.trim()
            .trim_start_matches("https://")
            .trim_start_matches("github.com/")
            .to_string()
    };
    let owner = identity.owner.as_deref().map(strip);
    if let Some(repo) = identity.signer_repo.as_deref().map(strip) {
        let repo_owner = repo.split('/').next().unwrap_or_default();
        match &owner {
            Some(o) if !o.eq_ignore_ascii_case(repo_owner) => {}
            _ => return Some(AttestationScope::Repo(repo)),
        }
    }
    if let Some(o) = owner {
        return Some(AttestationScope::Org(o));
    }
    let workflow = strip(identity.signer_workflow.as_deref()?);
    let mut parts = workflow.split('/');
    let (o, r) = (parts.next()?, parts.next()?);
    Some(AttestationScope::Repo(format!("{o}/{r}")))
}

/// Artifacts Artifactory stores as a docker image's layer or config blob (`sha256__<hex>`): an
/// image is attested by its manifest's digest, so these are never looked up.
pub(crate) fn is_docker_blob(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|name| name.starts_with("sha256__"))
}

/// One `attestations` gate with `subjects: artifacts`, as written in the policy.
pub(super) struct ArtifactsGate<'a> {
    pub(super) predicate_type: &'a str,
    pub(super) identity: &'a Identity,
    pub(super) roots: Result<Arc<TrustedRoots>, String>,
}

/// Looks every artifact of `content` up in GitHub and verifies its bundles, for one gate.
pub(super) async fn artifacts(
    client: &Result<GitHubClient, String>,
    gate: ArtifactsGate<'_>,
    content: &VersionContent,
) -> Fact {
    let (client, roots) = match (client, gate.roots) {
        (Err(why), _) => return Fact::Unavailable(why.clone()),
        (_, Err(why)) => return Fact::Unavailable(why),
        (Ok(c), Ok(r)) => (c, r),
    };
    let Some(scope) = scope(gate.identity) else {
        return Fact::Unavailable(
            "the identity names no repository or owner to look attestations up in".into(),
        );
    };
    let layers_skipped = content
        .artifacts
        .iter()
        .filter(|a| is_docker_blob(&a.path))
        .count();
    let subjects: Vec<(&str, Option<ArtifactSha256>)> = content
        .artifacts
        .iter()
        .filter(|a| !is_docker_blob(&a.path))
        .map(|a| {
            let sha = a.sha256.as_deref().and_then(ArtifactSha256::from_hex);
            (a.path.as_str(), sha)
        })
        .collect();
    // One lookup per distinct digest, answers in the artifacts' order.
    let mut digests: Vec<ArtifactSha256> = Vec::new();
    for (_, sha) in &subjects {
        if let Some(d) = sha.filter(|d| !digests.contains(d)) {
            digests.push(d);
        }
    }
    let fetched: Vec<Result<Vec<ListedBundle>, String>> =
        futures_util::stream::iter(digests.iter().map(|d| {
            let (client, scope) = (client, &scope);
            async move { client.attestations(scope, &d.to_hex()).await }
        }))
        .buffered(CONCURRENT_LOOKUPS)
        .collect()
        .await;
    let mut bundles: Vec<Vec<ListedBundle>> = Vec::with_capacity(fetched.len());
    for f in fetched {
        match f {
            Ok(b) => bundles.push(b),
            Err(why) => {
                return Fact::Unavailable(format!("cannot read GitHub's attestations: {why}"));
            }
        }
    }
    let jobs: Vec<(ArtifactSha256, Vec<ListedBundle>)> = digests.into_iter().zip(bundles).collect();
    let predicate_type = gate.predicate_type.to_string();
    let identity = gate.identity.clone();
    let where_ = scope.to_string();
    let verified = tokio::task::spawn_blocking(move || {
        crate::sigstore::map_parallel(&jobs, |(sha, listed)| {
            (
                *sha,
                first_passing(listed, *sha, &predicate_type, &identity, &roots, &where_),
            )
        })
    })
    .await;
    let verified = match verified {
        Ok(v) => v,
        Err(e) => return Fact::Unavailable(format!("verifying the attestations failed: {e}")),
    };
    let checks = subjects
        .into_iter()
        .map(|(path, sha)| {
            let found = sha.and_then(|d| verified.iter().find(|(v, _)| *v == d));
            let (bundles, outcome) = match (sha, found) {
                (Some(_), Some((_, (n, outcome)))) => (*n, outcome.clone()),
                _ => (
                    0,
                    Err(Failure::Unsigned(
                        "AppTrust lists no sha256 for this artifact, so no attestation can be looked up"
                            .into(),
                    )),
                ),
            };
            SubjectCheck {
                subject: path.to_string(),
                sha256: sha.map(ArtifactSha256::to_hex).unwrap_or_default(),
                about: None,
                bundles,
                outcome,
            }
        })
        .collect();
    Fact::Attestations(AttestationFacts {
        source: format!("GitHub's attestations API, {scope}"),
        checks,
        layers_skipped,
        other_records: 0,
    })
}

/// The first bundle of `listed` that passes, else the most telling failure: one about the
/// predicate type asked for over one of another type (GitHub lists SBOMs and provenance of the
/// same artifact alike). Returns how many bundles were tried.
fn first_passing(
    listed: &[ListedBundle],
    sha: ArtifactSha256,
    predicate_type: &str,
    identity: &Identity,
    roots: &TrustedRoots,
    scope: &str,
) -> (usize, Result<Verified, Failure>) {
    if listed.is_empty() {
        return (
            0,
            Err(Failure::Unsigned(format!(
                "GitHub's attestations API has no attestation of sha256:{} in {scope}",
                sha.to_hex()
            ))),
        );
    }
    let expect = Expectations {
        artifact: sha,
        predicate_type: Some(predicate_type),
        identity,
    };
    let mut best: Option<Failure> = None;
    for (i, bundle) in listed.iter().enumerate() {
        let outcome = match bundle {
            ListedBundle::Inline(json) => crate::sigstore::verify_bundle(json, &expect, roots),
            ListedBundle::ByUrl(url) => Err(Failure::Unreadable(format!(
                "GitHub gave the bundle only by URL ({}), which this action does not fetch",
                crate::text::truncate_chars(url, 120)
            ))),
        };
        match outcome {
            Ok(v) => return (i + 1, Ok(v)),
            Err(f) => {
                let other_type = f.reason() == crate::sigstore::Reason::WrongPredicateType;
                let keep = match &best {
                    None => true,
                    Some(b) => {
                        b.reason() == crate::sigstore::Reason::WrongPredicateType && !other_type
                    }
                };
                if keep {
                    best = Some(f);
                }
            }
        }
    }
    let failure = best.unwrap_or_else(|| Failure::Unsigned("no bundle".into()));
    (listed.len(), Err(failure))
}

/// One `attestations` gate with `subjects: evidence`: verifies each Sigstore-bundle record of
/// its predicate type as the evidence read downloads it.
pub(super) struct RecordReader<'a> {
    predicate_type: &'a str,
    identity: &'a Identity,
    roots: Result<Arc<TrustedRoots>, String>,
    /// Outcomes by index of the downloaded records.
    checks: Vec<Option<SubjectCheck>>,
    other_records: usize,
}

impl<'a> RecordReader<'a> {
    pub(super) fn new(
        predicate_type: &'a str,
        identity: &'a Identity,
        roots: Result<Arc<TrustedRoots>, String>,
    ) -> Self {
        RecordReader {
            predicate_type,
            identity,
            roots,
            checks: Vec::new(),
            other_records: 0,
        }
    }

    /// The predicate type whose records it reads, when it can verify at all.
    pub(super) fn wanted(&self) -> Option<&'a str> {
        self.roots.is_ok().then_some(self.predicate_type)
    }

    /// Makes room for `n` downloaded records.
    pub(super) fn expect(&mut self, n: usize) {
        self.checks = vec![None; n];
    }

    /// Verifies record `i` if it is of its type and a Sigstore bundle.
    pub(super) fn judge(
        &mut self,
        i: usize,
        record: &EvidenceRecord,
        parsed: &ParsedFile,
        subjects: &VersionSubjects,
    ) {
        if record.predicate_type != self.predicate_type {
            return;
        }
        let Ok(roots) = &self.roots else { return };
        let bundle = match parsed {
            Ok(dsse::Evidence::Dsse(_)) => {
                self.other_records += 1;
                return;
            }
            Ok(dsse::Evidence::SigstoreBundle(b)) => b,
            Err(why) => {
                self.set(
                    i,
                    record,
                    String::new(),
                    None,
                    Err(Failure::Unreadable(why.clone())),
                );
                return;
            }
        };
        let rules = SigstoreRules {
            identity: self.identity,
            roots,
            subjects,
        };
        match verify_record(&bundle.json, self.predicate_type, &rules) {
            Ok((v, digest, about)) => self.set(i, record, digest.to_hex(), Some(about), Ok(v)),
            Err(f) => {
                let claimed = crate::sigstore::subject_digests(&bundle.json);
                let sha = claimed.first().map(|d| d.to_hex()).unwrap_or_default();
                self.set(i, record, sha, None, Err(f));
            }
        }
    }

    fn set(
        &mut self,
        i: usize,
        record: &EvidenceRecord,
        sha256: String,
        about: Option<String>,
        outcome: Result<Verified, Failure>,
    ) {
        if let Some(slot) = self.checks.get_mut(i) {
            *slot = Some(SubjectCheck {
                subject: record.download_path.clone(),
                sha256,
                about,
                bundles: 1,
                outcome,
            });
        }
    }

    /// The gate's facts once the read is over (`read` = what it found, or why it failed).
    pub(super) fn finish(self, read: Option<&Result<String, String>>) -> Fact {
        if let Err(why) = &self.roots {
            return Fact::Unavailable(why.clone());
        }
        match read {
            None => Fact::Unavailable("the evidence was not read".into()),
            Some(Err(why)) => Fact::Unavailable(why.clone()),
            Some(Ok(subject)) => Fact::Attestations(AttestationFacts {
                source: format!("the JFrog evidence of {subject}"),
                checks: self.checks.into_iter().flatten().collect(),
                layers_skipped: 0,
                other_records: self.other_records,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(yaml: &str) -> Identity {
        yaml_serde::from_str(yaml).unwrap()
    }

    #[test]
    fn the_scope_follows_the_identity() {
        let table = [
            ("signer-repo: acme/app\n", "repos/acme/app"),
            ("owner: acme\nsigner-repo: acme/app\n", "repos/acme/app"),
            (
                "owner: malancas\nsigner-repo: github/artifact-attestations-workflows\n",
                "orgs/malancas",
            ),
            ("owner: https://github.com/acme\n", "orgs/acme"),
            (
                "signer-workflow: acme/app/.github/workflows/release.yml@refs/heads/main\n",
                "repos/acme/app",
            ),
            (
                "signer-workflow: github.com/acme/app/.github/workflows/release.yml\n",
                "repos/acme/app",
            ),
        ];
        for (yaml, want) in table {
            assert_eq!(
                scope(&identity(yaml)).map(|s| s.to_string()).as_deref(),
                Some(want),
                "{yaml}"
            );
        }
    }

    #[test]
    fn docker_blobs_are_recognised_by_their_name() {
        assert!(is_docker_blob("r/app/1.0/sha256__abc"));
        assert!(!is_docker_blob("r/app/1.0/manifest.json"));
        assert!(!is_docker_blob("r/sha256__dir/app.tar.gz"));
    }
}
