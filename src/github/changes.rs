//! What GitHub says changed between two commits: the comparison (`GET /repos/{o}/{r}/compare/
//! {base}...{head}`, paged, at most [`MAX_COMMITS`] commits listed) and the merged pull requests
//! of those commits (`GET /repos/{o}/{r}/commits/{sha}/pulls`, for at most [`MAX_PR_LOOKUPS`]
//! commits, newest first). Reads go through the shared HTTP layer (retries, redaction, bounded
//! bodies); a failure is an error string for the caller's one warning.

use serde::{Deserialize, Serialize};

use super::GitHubClient;
use crate::http::percent_encode;

/// Commits listed at most (all are counted).
pub(crate) const MAX_COMMITS: usize = 300;
/// Commits whose pull requests are looked up at most (newest first).
pub(crate) const MAX_PR_LOOKUPS: usize = 50;

/// One commit between the two versions.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub(crate) struct Commit {
    /// Full SHA.
    pub(crate) sha: String,
    /// First line of its message.
    pub(crate) title: String,
    /// GitHub login of its author, else the git author name.
    pub(crate) author: String,
    /// Its page.
    pub(crate) url: String,
}

/// One merged pull request between the two versions.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub(crate) struct PullRequest {
    /// Number.
    pub(crate) number: u64,
    /// Title.
    pub(crate) title: String,
    /// Author's login.
    pub(crate) author: String,
    /// Its page.
    pub(crate) url: String,
}

/// Commits per compare page.
const PAGE: usize = 100;

#[derive(Deserialize)]
struct Compare {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    total_commits: u64,
    #[serde(default)]
    commits: Vec<CommitBody>,
}

#[derive(Deserialize)]
struct CommitBody {
    #[serde(default)]
    sha: String,
    #[serde(default)]
    html_url: String,
    #[serde(default)]
    commit: Option<GitCommit>,
    #[serde(default)]
    author: Option<User>,
}

#[derive(Deserialize)]
struct GitCommit {
    #[serde(default)]
    message: String,
    #[serde(default)]
    author: Option<GitAuthor>,
}

#[derive(Deserialize)]
struct GitAuthor {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct User {
    #[serde(default)]
    login: String,
}

#[derive(Deserialize)]
struct PullBody {
    #[serde(default)]
    number: u64,
    #[serde(default)]
    title: String,
    #[serde(default)]
    html_url: String,
    #[serde(default)]
    user: Option<User>,
    #[serde(default)]
    merged_at: Option<String>,
}

/// The comparison of two commits.
pub(crate) struct Compared {
    /// `ahead`, `behind`, `diverged`, `identical`.
    pub(crate) status: Option<String>,
    /// All commits in the range.
    pub(crate) total: u64,
    /// The commits listed, oldest first.
    pub(crate) commits: Vec<Commit>,
}

/// A commit SHA fit for a path: hex only (it came from a version property).
fn checked_sha(sha: &str) -> Result<&str, String> {
    if !sha.is_empty() && sha.len() <= 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(sha)
    } else {
        Err(format!(
            "`{}` is not a commit SHA",
            crate::text::truncate_chars(sha, 80)
        ))
    }
}

impl GitHubClient {
    /// A read of the change set: the body of a 2xx answer, else a sentence naming the call and
    /// the fix (its permissions differ from the gates' reads).
    async fn read_changes(&self, path: &str) -> Result<String, String> {
        let reply = self
            .get_reply(path)
            .await
            .map_err(|e| format!("GET {path}: GitHub is unreachable ({})", e.what))?;
        if reply.is_success() {
            return Ok(reply.text);
        }
        let msg = reply.server_message().unwrap_or_default();
        let hint = match reply.status {
            401 => "; pass a valid `github-token`",
            403 | 404 if reply.rate_limit_wait().is_none() => {
                "; grant the job `permissions: contents: read, pull-requests: read` (a commit missing from the repository is a 404 too)"
            }
            _ if reply.rate_limit_wait().is_some() => "; GitHub's rate limit was reached",
            _ => "",
        };
        Err(format!("GET {path}: HTTP {} {msg}{hint}", reply.status))
    }

    /// The commits of `base...head` in `repo`, paged.
    pub(crate) async fn compare(
        &self,
        repo: &str,
        base: &str,
        head: &str,
    ) -> Result<Compared, String> {
        let (base, head) = (checked_sha(base)?, checked_sha(head)?);
        let mut out = Compared {
            status: None,
            total: 0,
            commits: Vec::new(),
        };
        for page in 1..=MAX_COMMITS.div_ceil(PAGE) {
            let text = self
                .read_changes(&format!(
                    "/repos/{repo}/compare/{base}...{head}?per_page={PAGE}&page={page}"
                ))
                .await?;
            let body: Compare = serde_json::from_str(&text).map_err(|e| {
                format!("the comparison of {base}...{head}: unexpected answer ({e})")
            })?;
            out.status = body.status;
            out.total = body.total_commits;
            let n = body.commits.len();
            out.commits.extend(body.commits.into_iter().map(commit));
            if n < PAGE || out.commits.len() as u64 >= out.total {
                break;
            }
        }
        out.commits.truncate(MAX_COMMITS);
        Ok(out)
    }

    /// The merged pull requests of `commits` (newest first, at most [`MAX_PR_LOOKUPS`] looked up),
    /// each once; returns them and how many commits were not looked up.
    pub(crate) async fn merged_pulls(
        &self,
        repo: &str,
        commits: &[Commit],
    ) -> Result<(Vec<PullRequest>, u64), String> {
        let mut out: Vec<PullRequest> = Vec::new();
        for c in commits.iter().rev().take(MAX_PR_LOOKUPS) {
            let sha = checked_sha(&c.sha)?;
            let text = self
                .read_changes(&format!("/repos/{repo}/commits/{sha}/pulls?per_page=10"))
                .await?;
            let pulls: Vec<PullBody> = serde_json::from_str(&text)
                .map_err(|e| format!("the pull requests of {sha}: unexpected answer ({e})"))?;
            for p in pulls.into_iter().filter(|p| p.merged_at.is_some()) {
                if !out.iter().any(|o| o.number == p.number) {
                    out.push(PullRequest {
                        number: p.number,
                        title: p.title,
                        author: p.user.map(|u| u.login).unwrap_or_default(),
                        url: p.html_url,
                    });
                }
            }
        }
        let skipped = commits.len().saturating_sub(MAX_PR_LOOKUPS) as u64;
        Ok((out, skipped))
    }
}

/// The repository part of a path, encoded once per segment (`owner/name`).
pub(crate) fn repo_path(repo: &str) -> String {
    repo.split('/')
        .map(percent_encode)
        .collect::<Vec<_>>()
        .join("/")
}

fn commit(c: CommitBody) -> Commit {
    let (message, name) = match c.commit {
        Some(g) => (g.message, g.author.map(|a| a.name).unwrap_or_default()),
        None => (String::new(), String::new()),
    };
    Commit {
        title: crate::text::truncate_chars(message.lines().next().unwrap_or_default(), 200),
        author: c
            .author
            .map(|u| u.login)
            .filter(|l| !l.is_empty())
            .unwrap_or(name),
        url: c.html_url,
        sha: c.sha,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hex_shas_reach_a_path() {
        assert!(checked_sha("0123abcDEF").is_ok());
        for bad in ["", "../x", "a b", "main", &"a".repeat(65)] {
            assert!(checked_sha(bad).is_err(), "{bad}");
        }
    }
}
