//! The emergency stop's read: the open issues carrying the stop label in the repository, with
//! every way the read can fail named, because a failed read counts as a stop in force.
//!
//! It uses the issues *list* endpoint, not search: the list is consistent the moment an issue
//! is opened or labelled (the search index lags), has the ordinary rate limit rather than
//! search's 30 a minute, and matches labels case-insensitively. It also lists pull requests,
//! which are skipped. Pages are followed while `Link` says `rel="next"`, at most
//! [`MAX_PAGES`].

use serde::Deserialize;

use super::GitHubClient;
use crate::http::percent_encode;

/// One open issue carrying the stop label, as GitHub listed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StopIssue {
    /// Issue number.
    pub(crate) number: u64,
    /// Title (untrusted text: anyone who may label issues wrote it).
    pub(crate) title: String,
    /// The issue's web page (`html_url`).
    pub(crate) url: String,
    /// Login of who opened it.
    pub(crate) author: String,
    /// When it was opened, as GitHub wrote it (RFC 3339).
    pub(crate) opened_at: String,
}

/// Issues per page (GitHub's maximum).
const PER_PAGE: usize = 100;
/// Pages read at most: 1,000 open items with the label is far beyond any real stop.
pub(crate) const MAX_PAGES: u32 = 10;

/// Why the open issues could not be read; each says what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum StopReadError {
    /// 401: the token is not a token.
    #[error("GitHub refused the token (HTTP 401{server}): pass a valid `github-token`")]
    BadToken {
        /// GitHub's message, `: …` or empty.
        server: String,
    },
    /// 403 or 404: the token may not read issues (GitHub hides private repositories as 404).
    #[error(
        "the token cannot read the issues of {repo} (HTTP {status}{server}): add `permissions: issues: read` to the job"
    )]
    NoPermission {
        /// `owner/name`.
        repo: String,
        /// 403 or 404.
        status: u16,
        /// GitHub's message, `: …` or empty.
        server: String,
    },
    /// 410: issues are turned off in the repository.
    #[error(
        "issues are disabled in {repo} (HTTP 410): enable them, or remove `emergency-stop` from the policy"
    )]
    IssuesDisabled {
        /// `owner/name`.
        repo: String,
    },
    /// Still rate-limited after waiting what the shared retry policy allows.
    #[error("GitHub's rate limit is exhausted (HTTP {status}): retry after {wait_s} s (at {at})")]
    RateLimited {
        /// 403 or 429.
        status: u16,
        /// Seconds GitHub asks to wait.
        wait_s: u64,
        /// When that is, UTC.
        at: String,
    },
    /// No answer, even after the retries.
    #[error("GitHub is unreachable ({what}) after retries: re-run when it answers")]
    Unreachable {
        /// What went wrong.
        what: String,
    },
    /// Any other status.
    #[error("GET {path} answered HTTP {status}{server}: re-run later")]
    Status {
        /// The call, without the query.
        path: String,
        /// HTTP status.
        status: u16,
        /// GitHub's message, `: …` or empty.
        server: String,
    },
    /// A 2xx answer that is not the documented list of issues.
    #[error("GitHub's answer to GET {path} is not the documented list of issues ({why})")]
    Unexpected {
        /// The call, without the query.
        path: String,
        /// The parse error.
        why: String,
    },
    /// More pages than [`MAX_PAGES`] and no issue among them.
    #[error(
        "more than {n} open items carry the label `{label}` and none of the first {n} is an issue: close or unlabel some pull requests"
    )]
    TooMany {
        /// Items read.
        n: usize,
        /// The label.
        label: String,
    },
}

#[derive(Deserialize)]
struct IssueBody {
    number: u64,
    title: String,
    html_url: String,
    #[serde(default)]
    user: Option<UserBody>,
    created_at: String,
    /// Present (an object) on pull requests only.
    #[serde(default)]
    pull_request: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct UserBody {
    login: String,
}

impl GitHubClient {
    /// The open issues of `repo` labelled `label` (matched case-insensitively by GitHub), pull
    /// requests excluded, newest first.
    pub(crate) async fn open_issues_labelled(
        &self,
        repo: &str,
        label: &str,
    ) -> Result<Vec<StopIssue>, StopReadError> {
        let base = format!("/repos/{repo}/issues");
        let mut issues = Vec::new();
        let mut items = 0;
        for page in 1..=MAX_PAGES {
            let path = format!(
                "{base}?labels={}&state=open&sort=created&direction=desc&per_page={PER_PAGE}&page={page}",
                percent_encode(label)
            );
            let reply = self
                .get_reply(&path)
                .await
                .map_err(|e| StopReadError::Unreachable { what: e.what })?;
            if !reply.is_success() {
                return Err(status_error(repo, &base, &reply));
            }
            let body: Vec<IssueBody> =
                serde_json::from_str(&reply.text).map_err(|e| StopReadError::Unexpected {
                    path: base.clone(),
                    why: e.to_string(),
                })?;
            let n = body.len();
            items += n;
            issues.extend(
                body.into_iter()
                    .filter(|i| i.pull_request.is_none())
                    .map(|i| {
                        StopIssue {
                            number: i.number,
                            title: i.title,
                            url: i.html_url,
                            // GitHub shows a deleted account as `ghost`.
                            author: i.user.map_or_else(|| "ghost".to_string(), |u| u.login),
                            opened_at: i.created_at,
                        }
                    }),
            );
            let more = match reply.headers.get("link").and_then(|v| v.to_str().ok()) {
                Some(link) => has_next(link),
                // No `Link` header (a proxy dropped it?): a full page may have a successor.
                None => n == PER_PAGE,
            };
            if !more {
                return Ok(issues);
            }
        }
        if issues.is_empty() {
            return Err(StopReadError::TooMany {
                n: items,
                label: label.to_string(),
            });
        }
        Ok(issues)
    }
}

fn status_error(repo: &str, path: &str, reply: &crate::http::Reply) -> StopReadError {
    let server = reply.quoted_message(200);
    if let Some(wait) = reply.rate_limited_for() {
        let at = jiff::Timestamp::now()
            .checked_add(jiff::SignedDuration::from_secs(wait.as_secs() as i64))
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_default();
        return StopReadError::RateLimited {
            status: reply.status,
            wait_s: wait.as_secs(),
            at,
        };
    }
    match reply.status {
        401 => StopReadError::BadToken { server },
        403 | 404 => StopReadError::NoPermission {
            repo: repo.to_string(),
            status: reply.status,
            server,
        },
        410 => StopReadError::IssuesDisabled {
            repo: repo.to_string(),
        },
        status => StopReadError::Status {
            path: path.to_string(),
            status,
            server,
        },
    }
}

/// Whether a `Link` header (RFC 8288) has a `rel="next"` target.
fn has_next(link: &str) -> bool {
    link.split(',').any(|part| {
        part.split(';').skip(1).any(|param| {
            let Some((key, value)) = param.split_once('=') else {
                return false;
            };
            key.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("next"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers() {
        let table = [
            (
                r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#,
                true,
            ),
            (
                r#"<https://api.github.com/repositories/1/issues?page=1>; rel="prev", <https://api.github.com/repositories/1/issues?page=1>; rel="first""#,
                false,
            ),
            (r#"<https://x/?page=3>; rel=next"#, true),
            (r#"<https://x/?page=3>; REL="prev next""#, true),
            (r#"<https://x/?rel=next>; rel="last""#, false),
            ("", false),
        ];
        for (link, want) in table {
            assert_eq!(has_next(link), want, "{link}");
        }
    }

    #[test]
    fn pull_requests_are_recognised_by_their_key() {
        let text = r#"[
            {"number": 3, "title": "PR", "html_url": "u", "user": {"login": "a"}, "created_at": "t", "pull_request": {"url": "x"}},
            {"number": 2, "title": "Issue", "html_url": "u", "user": null, "created_at": "t"}
        ]"#;
        let body: Vec<IssueBody> = serde_json::from_str(text).expect("parses");
        assert!(body[0].pull_request.is_some());
        assert!(body[1].pull_request.is_none());
        assert!(body[1].user.is_none());
        let bad = r#"[{"number": "x"}]"#;
        assert!(serde_json::from_str::<Vec<IssueBody>>(bad).is_err());
        assert!(serde_json::from_str::<Vec<IssueBody>>(r#"{"message": "x"}"#).is_err());
    }

    #[test]
    fn errors_name_the_fix() {
        let e = StopReadError::NoPermission {
            repo: "o/r".into(),
            status: 403,
            server: ": Resource not accessible by integration".into(),
        };
        assert_eq!(
            e.to_string(),
            "the token cannot read the issues of o/r (HTTP 403: Resource not accessible by integration): add `permissions: issues: read` to the job"
        );
    }
}
