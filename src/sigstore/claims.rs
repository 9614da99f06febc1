//! The signer facts a Fulcio certificate carries, read once into plain strings: the subject
//! alternative name and GitHub's workflow claims (OID arc 1.3.6.1.4.1.57264.1, sigstore/fulcio
//! `docs/oid-info.md`). Both the identity policy and the summary read these, never the raw
//! certificate.
//!
//! Values are normalised the way `gh attestation verify` prints them: `https://github.com/` is
//! dropped (`owner/repo/.github/workflows/x.yml@refs/heads/main`); any other host (a GHE.com
//! tenant) stays, as `host/owner/repo/…`.

use sigstore_crypto::CertificateInfo;

/// The certificate's claims about who signed and what was built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Claims {
    /// `.1.8` (or the deprecated `.1.1`): the OIDC issuer.
    pub(crate) issuer: Option<String>,
    /// The SAN, as issued (a URI or an e-mail address).
    pub(crate) san: Option<String>,
    /// `.1.9` build signer URI, else a SAN that names a workflow, normalised.
    pub(crate) signer_workflow: Option<String>,
    /// The first two path segments of [`Self::signer_workflow`].
    pub(crate) signer_repo: Option<String>,
    /// `.1.12` (deprecated `.1.5`): the source repository, normalised.
    pub(crate) source_repo: Option<String>,
    /// `.1.16`: the source repository's owner, normalised; else the owner of `source_repo`.
    pub(crate) source_owner: Option<String>,
    /// `.1.14` (deprecated `.1.6`).
    pub(crate) source_ref: Option<String>,
    /// `.1.13` (deprecated `.1.3`).
    pub(crate) source_commit: Option<String>,
    /// `.1.11`: `github-hosted` or `self-hosted`.
    pub(crate) runner: Option<String>,
}

impl Claims {
    pub(crate) fn from_certificate(info: &CertificateInfo) -> Self {
        let ci = &info.ci_claims;
        let old = &ci.deprecated_github;
        let san = info.identity.as_ref().map(|s| s.as_str().to_owned());
        let signer_workflow = ci
            .build_signer_uri
            .as_deref()
            .or(san.as_deref().filter(|s| s.contains("/.github/workflows/")))
            .map(strip_github);
        let signer_repo = signer_workflow.as_deref().and_then(repo_of);
        let source_repo = ci
            .source_repository_uri
            .as_deref()
            .map(strip_github)
            .or_else(|| old.workflow_repository.clone());
        let source_owner = ci
            .source_repository_owner_uri
            .as_deref()
            .map(strip_github)
            .or_else(|| source_repo.as_deref().and_then(owner_of));
        Self {
            issuer: info.issuer.clone(),
            san,
            signer_workflow,
            signer_repo,
            source_repo,
            source_owner,
            source_ref: ci
                .source_repository_ref
                .clone()
                .or_else(|| old.workflow_ref.clone()),
            source_commit: ci
                .source_repository_digest
                .clone()
                .or_else(|| old.workflow_sha.clone()),
            runner: ci.runner_environment.clone(),
        }
    }
}

/// `https://github.com/a/b` → `a/b`; `https://acme.ghe.com/a/b` → `acme.ghe.com/a/b`.
pub(crate) fn strip_github(uri: &str) -> String {
    let rest = uri
        .strip_prefix("https://")
        .or_else(|| uri.strip_prefix("http://"))
        .unwrap_or(uri);
    rest.strip_prefix("github.com/").unwrap_or(rest).to_owned()
}

/// Whether the first segment is a host name (`acme.ghe.com/…`), as gh decides it.
pub(crate) fn has_host(path: &str) -> bool {
    path.split('/')
        .next()
        .is_some_and(|first| first.contains('.'))
}

/// `owner/repo/...` → `owner/repo` (keeping a leading host).
pub(crate) fn repo_of(path: &str) -> Option<String> {
    let skip = usize::from(has_host(path));
    let parts: Vec<&str> = path.split('/').skip(skip).take(2).collect();
    match parts.as_slice() {
        [owner, repo] if !owner.is_empty() && !repo.is_empty() => {
            let repo = repo.split('@').next().unwrap_or(repo);
            let host = path.split('/').take(skip).next();
            Some(match host {
                Some(host) => format!("{host}/{owner}/{repo}"),
                None => format!("{owner}/{repo}"),
            })
        }
        _ => None,
    }
}

fn owner_of(path: &str) -> Option<String> {
    let skip = usize::from(has_host(path));
    let mut segments = path.split('/');
    let host = if skip == 1 { segments.next() } else { None };
    let owner = segments.next().filter(|o| !o.is_empty())?;
    Some(match host {
        Some(host) => format!("{host}/{owner}"),
        None => owner.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_gh_prints() {
        assert_eq!(
            strip_github("https://github.com/acme/app/.github/workflows/r.yml@refs/heads/main"),
            "acme/app/.github/workflows/r.yml@refs/heads/main"
        );
        assert_eq!(strip_github("https://acme.ghe.com/a/b"), "acme.ghe.com/a/b");
        assert_eq!(
            repo_of("acme/app/.github/workflows/r.yml@refs/x").as_deref(),
            Some("acme/app")
        );
        assert_eq!(
            repo_of("acme.ghe.com/a/b/.github/w.yml").as_deref(),
            Some("acme.ghe.com/a/b")
        );
        assert_eq!(repo_of("acme/app@v1").as_deref(), Some("acme/app"));
        assert_eq!(repo_of("acme"), None);
        assert_eq!(owner_of("acme/app").as_deref(), Some("acme"));
        assert_eq!(
            owner_of("acme.ghe.com/acme/app").as_deref(),
            Some("acme.ghe.com/acme")
        );
    }
}
