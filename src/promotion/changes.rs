//! What a promotion changes in its target stage: the version now there (the base), both
//! versions' commits, and the commits and merged pull requests between them — for the summary,
//! the record and the `changes` output. Pure types and choices; the reads are in
//! `action::changes` (AppTrust) and `github::changes` (GitHub).
//!
//! A version's commit is the one our audit trail recorded for it (`promote-action.commit`,
//! written with every promotion: the value already there, else the commit of the run that
//! promotes it, or of the CI run a `workflow_run` promotion was triggered by). AppTrust itself
//! records a version's sources as builds, packages and artifacts; the commit is in a build's
//! build-info, not in the version, and reading build-info needs another API and permission.

use serde::Serialize;

use crate::jfrog::apptrust::VersionSummary;

/// The version-level property holding a version's commit.
pub(crate) const COMMIT_PROPERTY: &str = "promote-action.commit";

/// GitHub's answers are the client's types; the change set holds them as GitHub gave them.
pub(crate) use crate::github::changes::{Commit, PullRequest};
#[cfg(doc)]
use crate::github::changes::{MAX_COMMITS, MAX_PR_LOOKUPS};

/// The change set of a promotion.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub(crate) struct ChangeSet {
    /// Full name of the target stage.
    pub(crate) stage: String,
    /// The repository's page (`GITHUB_SERVER_URL/GITHUB_REPOSITORY`), for the summary's links.
    pub(crate) repository_url: Option<String>,
    /// The version now current in it (`None`: nothing there yet, a first promotion).
    pub(crate) base_version: Option<String>,
    /// Its commit, when recorded.
    pub(crate) base_commit: Option<String>,
    /// The promoted version's commit.
    pub(crate) head_commit: Option<String>,
    /// GitHub's comparison: `ahead`, `behind`, `diverged`, `identical`.
    pub(crate) status: Option<String>,
    /// Commits in `base...head` (GitHub's `total_commits`).
    pub(crate) commits: u64,
    /// The commits listed (oldest first, at most [`MAX_COMMITS`]).
    pub(crate) commit_list: Vec<Commit>,
    /// Merged pull requests of the commits looked up.
    pub(crate) pull_requests: Vec<PullRequest>,
    /// Commits whose pull requests were not looked up (past [`MAX_PR_LOOKUPS`]).
    pub(crate) commits_not_looked_up: u64,
    /// Why the list is missing or partial (nothing there, no commit recorded, no token, …).
    pub(crate) note: Option<String>,
}

impl ChangeSet {
    /// The `changes` output: base version, base commit, head commit, the commit count, the
    /// pull requests.
    pub(crate) fn output(&self) -> serde_json::Value {
        serde_json::json!({
            "stage": self.stage,
            "base_version": self.base_version,
            "base_commit": self.base_commit,
            "head_commit": self.head_commit,
            "commits": self.commits,
            "pull_requests": self.pull_requests,
            "note": self.note,
        })
    }
}

/// A recorded commit, when it is one: hex, 7 to 64 characters (it came from a version
/// property, which anyone with write access to the version can set).
pub(crate) fn commit_of(values: Option<&Vec<String>>) -> Option<String> {
    let v = values?.first()?.trim();
    (v.len() >= 7 && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| v.to_ascii_lowercase())
}

/// The version now current in `stage`: the newest-created version there (the list is newest
/// first), other than `candidate`.
pub(crate) fn current_in<'a>(
    versions: &'a [VersionSummary],
    stage: &str,
    candidate: &str,
) -> Option<&'a VersionSummary> {
    versions
        .iter()
        .find(|v| v.current_stage == stage && v.version != candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(version: &str, stage: &str) -> VersionSummary {
        VersionSummary {
            version: version.into(),
            tag: String::new(),
            release_status: String::new(),
            current_stage: stage.into(),
            status: "COMPLETED".into(),
        }
    }

    #[test]
    fn the_current_version_is_the_newest_in_the_stage_other_than_the_candidate() {
        let list = [
            v("1.3.0", "PROD"),
            v("1.2.0", "bookverse-QA"),
            v("1.1.0", "PROD"),
            v("1.0.0", "PROD"),
        ];
        assert_eq!(
            current_in(&list, "PROD", "1.2.0").map(|v| v.version.as_str()),
            Some("1.3.0")
        );
        assert_eq!(
            current_in(&list, "PROD", "1.3.0").map(|v| v.version.as_str()),
            Some("1.1.0")
        );
        assert!(current_in(&list, "bookverse-STAGING", "1.2.0").is_none());
        let sha = vec!["0123456789ABCDEF".to_string()];
        assert_eq!(commit_of(Some(&sha)).as_deref(), Some("0123456789abcdef"));
        for bad in ["", "main", "abc", "../../x"] {
            assert_eq!(commit_of(Some(&vec![bad.to_string()])), None, "{bad}");
        }
        assert_eq!(commit_of(None), None);
        let out = ChangeSet {
            stage: "PROD".into(),
            base_version: Some("1.1.0".into()),
            commits: 3,
            ..ChangeSet::default()
        }
        .output();
        assert_eq!(out["commits"], 3);
        assert_eq!(out["base_commit"], serde_json::Value::Null);
        assert_eq!(out["pull_requests"], serde_json::json!([]));
    }
}
