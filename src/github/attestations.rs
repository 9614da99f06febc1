//! GitHub's artifact attestations API: the Sigstore bundles attested for one artifact digest,
//! `GET /repos/{owner}/{repo}/attestations/sha256:{digest}` or `GET /orgs/{org}/attestations/…`,
//! every page (`per_page=100`, then the `after` cursor of `Link: rel="next"`), as `gh
//! attestation verify` fetches them. Only fetched here: the bundles are verified offline by
//! [`crate::sigstore`], so what GitHub says is never trusted for more than "here are bundles".
//!
//! The answer is `{"attestations":[{"bundle":{…},"repository_id":…}]}`; a digest with none is a
//! 404, which reads as an empty list. A bundle GitHub gives only by `bundle_url` (no `bundle`
//! inline) is reported as unreadable rather than fetched from storage outside the API.

use serde::Deserialize;
use serde_json::Value;

use super::GitHubClient;

/// Pages followed per digest: 1,000 attestations of one artifact is far beyond any real one.
const MAX_PAGES: usize = 10;
const PER_PAGE: usize = 100;

/// Where attestations are looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AttestationScope {
    /// One repository, `owner/repo`.
    Repo(String),
    /// Every repository of an organisation.
    Org(String),
}

impl std::fmt::Display for AttestationScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Repo(r) => write!(f, "repos/{r}"),
            Self::Org(o) => write!(f, "orgs/{o}"),
        }
    }
}

/// One attestation as listed: a bundle inline, or only a URL to it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ListedBundle {
    /// The bundle's JSON.
    Inline(Vec<u8>),
    /// GitHub gave no bundle inline, only this URL.
    ByUrl(String),
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    attestations: Vec<Listed>,
}

#[derive(Deserialize)]
struct Listed {
    #[serde(default)]
    bundle: Option<Value>,
    #[serde(default)]
    bundle_url: Option<String>,
}

impl GitHubClient {
    /// Every attestation GitHub lists for the artifact `sha256` (64 hex digits) in `scope`;
    /// empty when it has none. `Err` says why they could not be read and what to grant.
    pub(crate) async fn attestations(
        &self,
        scope: &AttestationScope,
        sha256: &str,
    ) -> Result<Vec<ListedBundle>, String> {
        let base = format!("/{scope}/attestations/sha256:{sha256}");
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let path = match &after {
                Some(cursor) => format!("{base}?per_page={PER_PAGE}&after={cursor}"),
                None => format!("{base}?per_page={PER_PAGE}"),
            };
            let reply = self
                .get_reply(&path)
                .await
                .map_err(|e| format!("GET {base}: GitHub is unreachable ({})", e.what))?;
            if reply.status == 404 {
                return Ok(out);
            }
            if !reply.is_success() {
                return Err(status_error(scope, &base, &reply));
            }
            let page: Page = serde_json::from_str(&reply.text)
                .map_err(|e| format!("GET {base}: not an attestations list ({e})"))?;
            let n = page.attestations.len();
            out.extend(page.attestations.into_iter().map(|a| match a.bundle {
                Some(bundle) if !bundle.is_null() => {
                    ListedBundle::Inline(serde_json::to_vec(&bundle).unwrap_or_default())
                }
                _ => ListedBundle::ByUrl(a.bundle_url.unwrap_or_default()),
            }));
            let link = reply.headers.get("link").and_then(|v| v.to_str().ok());
            after = link.and_then(next_cursor);
            if after.is_none() || n == 0 {
                return Ok(out);
            }
        }
        Ok(out)
    }
}

/// A failed read, worded with the permission it needs.
fn status_error(scope: &AttestationScope, path: &str, reply: &crate::http::Reply) -> String {
    let server = reply.quoted_message(200);
    if let Some(wait) = reply.rate_limited_for() {
        return format!(
            "GET {path}: GitHub rate limit reached (HTTP {}); retry after {} s",
            reply.status,
            wait.as_secs()
        );
    }
    match reply.status {
        401 => format!(
            "GET {path}: GitHub refused the token (HTTP 401{server}); pass a valid `github-token`"
        ),
        403 => format!(
            "the token cannot read the attestations of {scope} (HTTP 403{server}): add `permissions: attestations: read` to the job"
        ),
        status => format!("GET {path}: HTTP {status}{server}"),
    }
}

/// The `after` cursor of the `rel="next"` target of a `Link` header (RFC 8288), if any; only a
/// cursor of URL-safe characters is taken, since it goes into our own path as it is.
fn next_cursor(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let next = params.split(';').any(|param| {
            param.split_once('=').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("rel")
                    && v.trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            })
        });
        if !next {
            return None;
        }
        let url = target.trim().trim_start_matches('<').trim_end_matches('>');
        let query = url.split_once('?')?.1;
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "after")
            .map(|(_, v)| v.to_string())
            .filter(|v| {
                !v.is_empty()
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"%-_.~=".contains(&b))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_cursor_comes_from_rel_next_only() {
        let table = [
            (
                r#"<https://api.github.com/repos/o/r/attestations/sha256:ab?per_page=100&after=Y3Vyc29y>; rel="next""#,
                Some("Y3Vyc29y"),
            ),
            (
                r#"<https://x/?after=b2xk&per_page=1>; rel="prev", <https://x/?per_page=1&after=bmV3%3D>; rel="next""#,
                Some("bmV3%3D"),
            ),
            (r#"<https://x/?after=abc>; rel="prev""#, None),
            (r#"<https://x/?page=2>; rel="next""#, None),
            (r#"<https://x/?after=a&b=c/../x>; rel="next""#, Some("a")),
            (r#"<https://x/?after=a/b>; rel="next""#, None),
            ("", None),
        ];
        for (link, want) in table {
            assert_eq!(next_cursor(link).as_deref(), want, "{link}");
        }
    }

    #[test]
    fn scopes_name_their_endpoint() {
        assert_eq!(
            AttestationScope::Repo("o/r".into()).to_string(),
            "repos/o/r"
        );
        assert_eq!(AttestationScope::Org("o".into()).to_string(), "orgs/o");
    }
}
