//! Who must have signed: the `identity:` mapping of the `attestations` and `evidence` gates,
//! worded as `gh attestation verify` words its flags (cli/cli `pkg/cmd/attestation/verify`), and
//! checked against the certificate's claims field by field so a mismatch names the field.
//!
//! | key | `gh attestation verify` | certificate claim |
//! | --- | --- | --- |
//! | `issuer` | `--cert-oidc-issuer` | OIDC issuer (OID 1.3.6.1.4.1.57264.1.8) |
//! | `owner` | `--owner` | source repository owner URI (`.1.16`); with no signer key, the SAN's owner too |
//! | `signer-repo` | `--signer-repo` | the repository in the SAN (the workflow that signed) |
//! | `signer-workflow` | `--signer-workflow` | the SAN: `owner/repo/path`, `@ref` optional |
//! | `source-ref` | `--source-ref` | source repository ref (`.1.14`) |
//! | `runner: github-hosted` | `--deny-self-hosted-runners` | runner environment (`.1.11`) |
//!
//! Comparisons of `owner/repo` ignore case (GitHub's names do); paths and refs are exact. Unlike
//! gh's prefix regex, `signer-workflow` without `@ref` must equal the whole path, so
//! `release.yml` does not also accept `release.yml.bak`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::claims::{Claims, has_host, strip_github};
use super::outcome::Mismatch;

/// GitHub Actions' OIDC issuer, the default `issuer`.
pub const GITHUB_ACTIONS_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// Who must have signed. Every key given must match the signing certificate; at least one of
/// `owner`, `signer-repo` and `signer-workflow` is required.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(rename = "SigstoreIdentity")]
#[schemars(extend("anyOf" = [
    { "required": ["owner"] },
    { "required": ["signer-repo"] },
    { "required": ["signer-workflow"] },
]))]
pub struct Identity {
    /// OIDC issuer of the signing certificate (`gh … --cert-oidc-issuer`).
    #[serde(default = "default_issuer")]
    pub issuer: String,
    /// Organisation or user that owns the source repository (`gh … --owner`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Repository of the workflow that signed, `owner/repo` (`gh … --signer-repo`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_repo: Option<String>,
    /// Workflow that signed, `owner/repo/.github/workflows/file.yml`, optionally `@ref`
    /// (`gh … --signer-workflow`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_workflow: Option<String>,
    /// Ref the artifact was built from, e.g. `refs/heads/main` (`gh … --source-ref`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<String>,
    /// `github-hosted`: deny self-hosted runners (`gh … --deny-self-hosted-runners`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runner: Option<Runner>,
}

/// The runner the build must have run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Runner {
    /// A GitHub-hosted runner (certificate claim `github-hosted`).
    GithubHosted,
}

fn default_issuer() -> String {
    GITHUB_ACTIONS_ISSUER.to_owned()
}

/// An `identity` mapping that cannot be checked as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("identity: {message}")]
pub struct IdentityError {
    /// The key at fault (`source-ref`, …); `None` when the mapping as a whole is.
    field: Option<&'static str>,
    message: String,
}

impl IdentityError {
    fn whole(message: String) -> Self {
        Self {
            field: None,
            message,
        }
    }

    fn at(field: &'static str, message: String) -> Self {
        Self {
            field: Some(field),
            message,
        }
    }

    /// The key at fault, for placing the error in the policy file; `None` for the mapping.
    pub(crate) fn field(&self) -> Option<&'static str> {
        self.field
    }

    /// What is wrong and how to write it, without the `identity:` prefix.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

impl Identity {
    /// An identity with only `owner`, for tests and builders.
    #[cfg(test)]
    pub(crate) fn owner(owner: &str) -> Self {
        Self {
            issuer: default_issuer(),
            owner: Some(owner.to_owned()),
            signer_repo: None,
            signer_workflow: None,
            source_ref: None,
            runner: None,
        }
    }

    /// Checks that the identity names someone: at least one of `owner`, `signer-repo`,
    /// `signer-workflow`, each in the shape gh accepts.
    pub fn validate(&self) -> Result<(), IdentityError> {
        if self.owner.is_none() && self.signer_repo.is_none() && self.signer_workflow.is_none() {
            return Err(IdentityError::whole(
                "names nobody: give at least one of `owner`, `signer-repo`, `signer-workflow` \
                 (an identity with nothing to check would accept any signer)"
                    .into(),
            ));
        }
        if !self.issuer.starts_with("https://") {
            return Err(IdentityError::at(
                "issuer",
                format!(
                    "`issuer` {:?} is not an https:// URL (GitHub Actions: {GITHUB_ACTIONS_ISSUER})",
                    self.issuer
                ),
            ));
        }
        if let Some(owner) = &self.owner {
            check_segments(
                "owner",
                owner,
                1,
                "an organisation or user name, e.g. `bookverse`",
            )?;
        }
        if let Some(repo) = &self.signer_repo {
            check_segments(
                "signer-repo",
                repo,
                2,
                "`owner/repo`, e.g. `bookverse/inventory`",
            )?;
        }
        if let Some(workflow) = &self.signer_workflow {
            let path = workflow.split('@').next().unwrap_or(workflow);
            let ok = path.split('/').filter(|s| !s.is_empty()).count()
                >= 3 + usize::from(has_host(path))
                && workflow.matches('@').count() <= 1;
            if !ok {
                return Err(IdentityError::at(
                    "signer-workflow",
                    format!(
                        "`signer-workflow` {workflow:?} is not `owner/repo/path/to/workflow.yml` \
                     (optionally `@ref`), e.g. `bookverse/inventory/.github/workflows/release.yml`"
                    ),
                ));
            }
        }
        if let Some(source_ref) = &self.source_ref
            && !source_ref.starts_with("refs/")
        {
            return Err(IdentityError::at(
                "source-ref",
                format!(
                    "`source-ref` {source_ref:?} is not a full ref: write `refs/heads/{source_ref}` \
                 or `refs/tags/{source_ref}`"
                ),
            ));
        }
        Ok(())
    }

    /// The keys given, as the summary shows a threshold: `signer-workflow acme/app/…/release.yml ·
    /// source-ref refs/heads/main · runner github-hosted` (the issuer only when not GitHub's).
    pub(crate) fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.issuer != GITHUB_ACTIONS_ISSUER {
            parts.push(format!("issuer {}", self.issuer));
        }
        for (key, value) in [
            ("owner", &self.owner),
            ("signer-repo", &self.signer_repo),
            ("signer-workflow", &self.signer_workflow),
            ("source-ref", &self.source_ref),
        ] {
            if let Some(v) = value {
                parts.push(format!("{key} {v}"));
            }
        }
        if self.runner == Some(Runner::GithubHosted) {
            parts.push("runner github-hosted".into());
        }
        parts.join(" · ")
    }

    /// The first field whose certificate claim differs from the policy, in the order the keys
    /// are documented.
    pub(crate) fn check(&self, claims: &Claims) -> Result<(), Mismatch> {
        let mismatch = |field, found: &Option<String>, wanted: &str| Mismatch {
            field,
            found: found.clone(),
            wanted: wanted.to_owned(),
        };
        if claims.issuer.as_deref() != Some(self.issuer.as_str()) {
            return Err(mismatch("issuer", &claims.issuer, &self.issuer));
        }
        if let Some(owner) = &self.owner {
            let wanted = strip_github(owner);
            if !eq_ci(claims.source_owner.as_deref(), &wanted) {
                return Err(mismatch("owner", &claims.source_owner, &wanted));
            }
            // gh --owner alone also pins the signer to the owner's repositories.
            if self.signer_repo.is_none() && self.signer_workflow.is_none() {
                let signer_owner = claims
                    .signer_repo
                    .as_deref()
                    .and_then(|r| r.rsplit_once('/'))
                    .map(|(o, _)| o.to_owned());
                if !eq_ci(signer_owner.as_deref(), &wanted) {
                    return Err(mismatch("owner", &claims.signer_workflow, &wanted));
                }
            }
        }
        if let Some(repo) = &self.signer_repo {
            let wanted = strip_github(repo);
            if !eq_ci(claims.signer_repo.as_deref(), &wanted) {
                return Err(mismatch("signer-repo", &claims.signer_repo, &wanted));
            }
        }
        if let Some(workflow) = &self.signer_workflow {
            let wanted = strip_github(workflow);
            if !workflow_matches(claims.signer_workflow.as_deref(), &wanted) {
                return Err(mismatch(
                    "signer-workflow",
                    &claims.signer_workflow,
                    &wanted,
                ));
            }
        }
        if let Some(source_ref) = &self.source_ref
            && claims.source_ref.as_deref() != Some(source_ref.as_str())
        {
            return Err(mismatch("source-ref", &claims.source_ref, source_ref));
        }
        if self.runner == Some(Runner::GithubHosted)
            && claims.runner.as_deref() != Some("github-hosted")
        {
            return Err(mismatch("runner", &claims.runner, "github-hosted"));
        }
        Ok(())
    }
}

fn check_segments(
    key: &'static str,
    value: &str,
    want: usize,
    shape: &str,
) -> Result<(), IdentityError> {
    let value = strip_github(value);
    let segments = value
        .split('/')
        .skip(usize::from(has_host(&value) && want > 1));
    let parts: Vec<&str> = segments.collect();
    if parts.len() != want || parts.iter().any(|p| p.is_empty() || p.contains('@')) {
        return Err(IdentityError::at(
            key,
            format!("`{key}` {value:?} is not {shape}"),
        ));
    }
    Ok(())
}

fn eq_ci(found: Option<&str>, wanted: &str) -> bool {
    found.is_some_and(|f| f.eq_ignore_ascii_case(wanted))
}

/// `wanted` is `[host/]owner/repo/path[@ref]`; `found` always carries `@ref`. The `owner/repo`
/// part compares without case, the rest exactly.
fn workflow_matches(found: Option<&str>, wanted: &str) -> bool {
    let Some(found) = found else { return false };
    let found = if wanted.contains('@') {
        found
    } else {
        found.split('@').next().unwrap_or(found)
    };
    let (found_repo, found_path) = split_repo(found);
    let (wanted_repo, wanted_path) = split_repo(wanted);
    found_repo.eq_ignore_ascii_case(wanted_repo) && found_path == wanted_path
}

/// `[host/]owner/repo/rest` → (`[host/]owner/repo`, `/rest`).
fn split_repo(path: &str) -> (&str, &str) {
    let segments = 2 + usize::from(has_host(path));
    match path.match_indices('/').nth(segments - 1) {
        Some((at, _)) => path.split_at(at),
        None => (path, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims {
            issuer: Some(GITHUB_ACTIONS_ISSUER.into()),
            san: Some(
                "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main".into(),
            ),
            signer_workflow: Some("acme/app/.github/workflows/release.yml@refs/heads/main".into()),
            signer_repo: Some("acme/app".into()),
            source_repo: Some("acme/app".into()),
            source_owner: Some("acme".into()),
            source_ref: Some("refs/heads/main".into()),
            source_commit: Some("0123abc".into()),
            runner: Some("github-hosted".into()),
        }
    }

    fn yaml(text: &str) -> Result<Identity, String> {
        yaml_serde::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_the_spec_example_and_defaults_the_issuer() {
        let id = yaml(
            "signer-repo: bookverse/inventory\n\
             signer-workflow: bookverse/inventory/.github/workflows/release.yml\n\
             source-ref: refs/heads/main\nrunner: github-hosted\n",
        )
        .unwrap();
        assert_eq!(id.issuer, GITHUB_ACTIONS_ISSUER);
        assert_eq!(id.runner, Some(Runner::GithubHosted));
        id.validate().unwrap();
    }

    #[test]
    fn rejects_unknown_keys_other_runners_and_empty_identities() {
        assert!(
            yaml("owner: a\nrepo: a/b\n")
                .unwrap_err()
                .contains("unknown field `repo`")
        );
        assert!(
            yaml("owner: a\nrunner: self-hosted\n")
                .unwrap_err()
                .contains("github-hosted")
        );
        let err = yaml("issuer: https://x\n").unwrap().validate().unwrap_err();
        assert!(err.to_string().contains("names nobody"), "{err}");
        let cases = [
            ("owner: a/b\n", "`owner`"),
            ("signer-repo: acme\n", "`signer-repo`"),
            ("signer-workflow: acme/app\n", "`signer-workflow`"),
            ("owner: a\nsource-ref: main\n", "refs/heads/main"),
            (
                "owner: a\nissuer: token.actions.githubusercontent.com\n",
                "https://",
            ),
        ];
        for (text, needle) in cases {
            let err = yaml(text).unwrap().validate().unwrap_err().to_string();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }

    #[test]
    fn each_field_matches_and_mismatches_by_name() {
        let ok = yaml(
            "owner: ACME\nsigner-repo: acme/App\n\
             signer-workflow: acme/app/.github/workflows/release.yml\n\
             source-ref: refs/heads/main\nrunner: github-hosted\n",
        )
        .unwrap();
        ok.check(&claims()).unwrap();
        let with_ref = "signer-workflow: https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main\n";
        yaml(with_ref).unwrap().check(&claims()).unwrap();
        let cases = [
            ("owner: other\n", "owner", Some("acme")),
            ("signer-repo: acme/other\n", "signer-repo", Some("acme/app")),
            (
                "signer-workflow: acme/app/.github/workflows/release.yml.bak\n",
                "signer-workflow",
                None,
            ),
            (
                "signer-workflow: acme/app/.github/workflows/release.yml@refs/heads/dev\n",
                "signer-workflow",
                None,
            ),
            (
                "owner: acme\nsource-ref: refs/tags/v1\n",
                "source-ref",
                Some("refs/heads/main"),
            ),
            (
                "owner: acme\nissuer: https://other.example\n",
                "issuer",
                Some(GITHUB_ACTIONS_ISSUER),
            ),
        ];
        for (text, field, found) in cases {
            let m = yaml(text).unwrap().check(&claims()).unwrap_err();
            assert_eq!(m.field, field, "{text}");
            if let Some(found) = found {
                assert_eq!(m.found.as_deref(), Some(found), "{text}");
            }
        }
        let mut self_hosted = claims();
        self_hosted.runner = Some("self-hosted".into());
        let m = yaml("owner: acme\nrunner: github-hosted\n")
            .unwrap()
            .check(&self_hosted)
            .unwrap_err();
        assert_eq!(
            (m.field, m.found.as_deref()),
            ("runner", Some("self-hosted"))
        );
    }

    #[test]
    fn owner_alone_also_pins_the_signer_like_gh() {
        let mut reusable = claims();
        reusable.signer_workflow =
            Some("other/tools/.github/workflows/build.yml@refs/heads/main".into());
        reusable.signer_repo = Some("other/tools".into());
        let m = Identity::owner("acme").check(&reusable).unwrap_err();
        assert_eq!(m.field, "owner");
        let mut pinned = yaml("owner: acme\nsigner-repo: other/tools\n").unwrap();
        pinned.check(&reusable).unwrap();
        pinned.signer_repo = None;
        assert!(pinned.check(&reusable).is_err());
    }
}
