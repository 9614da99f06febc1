//! Downloading evidence files within bounds: where a `downloadPath` may lead (only under
//! `/artifactory/`), how many files are fetched at once, how many bytes are held at once and
//! read in all, how slow a body may arrive, and when the whole read must be over.
//!
//! Files are handed to the caller as they arrive (in any order, with their index), so it can
//! judge each and drop it at once: memory stays flat in the number of records, and the byte
//! budget bounds what concurrent downloads hold. Where a bound stops the read it says which one,
//! and which record it stopped at.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::Method;
use tokio::time::Instant;

use super::{EvidenceClient, MAX_EVIDENCE_FILE};
use crate::http::{Bounds, ByteBudget, Hold, MinRate, operation, percent_encode};

/// The bounds of one run's evidence read (settings: `PROMOTE_ACTION_EVIDENCE_*`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Limits {
    /// Downloads in flight at once (`PROMOTE_ACTION_EVIDENCE_CONCURRENCY`, default 32: at 50 ms
    /// a request, 1,000 records take 32 rounds of 50 ms where 8 would take 125; memory is
    /// bounded by `held_bytes`, not by this).
    pub(crate) concurrency: usize,
    /// Bytes of files held at once, downloading or being judged (default 24 MiB; at least one
    /// whole file).
    pub(crate) held_bytes: usize,
    /// Bytes of files read in all per run (`PROMOTE_ACTION_EVIDENCE_MAX_MIB`, default 1 GiB).
    pub(crate) total_bytes: u64,
    /// The whole evidence read, AQL to the last file (`PROMOTE_ACTION_EVIDENCE_DEADLINE_S`,
    /// default 300 s).
    pub(crate) deadline: Duration,
    /// Slowest average a file may arrive at once `rate_grace` has passed, in bytes per second
    /// (`PROMOTE_ACTION_EVIDENCE_MIN_RATE`, default 32 KiB/s; 0 = no minimum).
    pub(crate) min_rate: u64,
    /// Grace before the rate is first checked (`PROMOTE_ACTION_EVIDENCE_RATE_GRACE_MS`,
    /// default 5 s).
    pub(crate) rate_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            concurrency: 32,
            held_bytes: 24 * 1024 * 1024,
            total_bytes: 1024 * 1024 * 1024,
            deadline: Duration::from_secs(300),
            min_rate: 32 * 1024,
            rate_grace: Duration::from_secs(5),
        }
    }
}

/// Where the files of evidence records are.
const PREFIX: &str = "/artifactory/";

/// The URL path of a record's file: [`PREFIX`] and each segment of `downloadPath`
/// percent-encoded once. A path that could lead anywhere else is refused, saying why: a scheme,
/// `//`, an empty, `.` or `..` segment (URL parsing would resolve it against the prefix).
pub(crate) fn file_path(download_path: &str) -> Result<String, String> {
    let shown = crate::text::truncate_chars(download_path, 120);
    let refuse = |why: &str| {
        format!(
            "its downloadPath `{shown}` is refused ({why}); it would lead out of {PREFIX}, so nothing was requested"
        )
    };
    let p = download_path.strip_prefix('/').unwrap_or(download_path);
    if p.is_empty() {
        return Err(refuse("it is empty"));
    }
    let scheme = p
        .find(':')
        .filter(|&i| {
            i > 0
                && p.as_bytes()[0].is_ascii_alphabetic()
                && p[..i]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        })
        .is_some();
    if scheme {
        return Err(refuse("it starts with a URL scheme"));
    }
    if download_path.contains("//") {
        return Err(refuse("it holds `//`"));
    }
    let mut out = String::from(PREFIX.trim_end_matches('/'));
    for seg in p.split('/') {
        match seg {
            "" => return Err(refuse("it has an empty segment")),
            "." | ".." => return Err(refuse(&format!("it has a `{seg}` segment"))),
            _ => {
                out.push('/');
                out.push_str(&percent_encode(seg));
            }
        }
    }
    Ok(out)
}

/// Whether `url`'s path is under the platform's `/artifactory/` (after the URL parser has done
/// whatever it does with the path): the last check before a request carries the token.
pub(super) fn stays_in_artifactory(base: &str, path: &str) -> bool {
    let (Ok(base_url), Ok(url)) = (
        reqwest::Url::parse(base),
        reqwest::Url::parse(&format!("{base}{path}")),
    ) else {
        return false;
    };
    let prefix = format!("{}{PREFIX}", base_url.path().trim_end_matches('/'));
    url.origin() == base_url.origin() && url.path().starts_with(&prefix)
}

impl EvidenceClient {
    /// One file within `bounds`: its text and the budget it holds.
    pub(super) async fn download_bounded(
        &self,
        download_path: &str,
        bounds: Bounds<'_>,
    ) -> Result<(String, Option<Hold>), String> {
        let path = file_path(download_path)?;
        if !stays_in_artifactory(self.remote.base(), &path) {
            return Err(format!(
                "its downloadPath `{}` would leave {PREFIX} once resolved; nothing was requested",
                crate::text::truncate_chars(download_path, 120)
            ));
        }
        let (reply, hold) = self
            .remote
            .get_bounded(&path, MAX_EVIDENCE_FILE, bounds)
            .await
            .map_err(|e| e.to_string())?;
        if reply.is_success() {
            Ok((reply.text, hold))
        } else {
            Err(self
                .remote
                .status_error(&operation(&Method::GET, &path), &reply)
                .to_string())
        }
    }

    /// Downloads the file of each of `paths`, at most `limits.concurrency` at once and within
    /// the byte budget and minimum rate, and hands each to `each` (its index, its bytes or why
    /// it could not be read) as soon as it arrived; the file is dropped when `each` returns.
    /// `Err` when the whole read must stop: `deadline` passed (naming the record still awaited)
    /// or the run's byte budget is spent (naming it).
    pub(crate) async fn download_each(
        &self,
        paths: &[&str],
        limits: &Limits,
        deadline: Instant,
        mut each: impl FnMut(usize, Result<&[u8], String>),
    ) -> Result<(), String> {
        let budget = ByteBudget::new(
            limits.held_bytes.max(MAX_EVIDENCE_FILE),
            limits.total_bytes,
            format!(
                "the evidence download budget of {} MiB per run (PROMOTE_ACTION_EVIDENCE_MAX_MIB)",
                limits.total_bytes / (1024 * 1024)
            ),
        );
        let rate = MinRate {
            bytes_per_sec: limits.min_rate,
            after: limits.rate_grace,
            setting: "PROMOTE_ACTION_EVIDENCE_MIN_RATE",
        };
        let bounds = Bounds {
            budget: Some(&budget),
            min_rate: (limits.min_rate > 0).then_some(&rate),
        };
        let pending: Mutex<BTreeSet<usize>> = Mutex::new(BTreeSet::new());
        let lock = || match pending.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        let jobs = paths.iter().enumerate().map(|(i, p)| {
            let lock = &lock;
            async move {
                lock().insert(i);
                let r = self.download_bounded(p, bounds).await;
                lock().remove(&i);
                (i, r)
            }
        });
        let mut arriving =
            futures_util::stream::iter(jobs).buffer_unordered(limits.concurrency.max(1));
        loop {
            match tokio::time::timeout_at(deadline, arriving.next()).await {
                Err(_) => {
                    let waiting = lock().iter().next().copied().unwrap_or(0);
                    return Err(format!(
                        "the evidence read passed its deadline of {} s (PROMOTE_ACTION_EVIDENCE_DEADLINE_S) while record {} of {} was still arriving, `{}`: it was too slow",
                        limits.deadline.as_secs(),
                        waiting + 1,
                        paths.len(),
                        crate::text::truncate_chars(paths.get(waiting).copied().unwrap_or(""), 120),
                    ));
                }
                Ok(None) => return Ok(()),
                Ok(Some((i, Ok((text, hold))))) => {
                    each(i, Ok(text.as_bytes()));
                    drop((text, hold));
                }
                Ok(Some((i, Err(why)))) if budget.exhausted() => {
                    return Err(format!(
                        "{why}; the read stopped at record {} of {}, `{}`, after {} bytes: remove stale evidence in JFrog, or raise the budget",
                        i + 1,
                        paths.len(),
                        crate::text::truncate_chars(paths[i], 120),
                        budget.spent()
                    ));
                }
                Ok(Some((i, Err(why)))) => each(i, Err(why)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_paths_stay_under_artifactory() {
        let ok = [
            (
                "repo/app/1.0/.evidence/x.json",
                "/artifactory/repo/app/1.0/.evidence/x.json",
            ),
            ("/repo/a b/x+1.json", "/artifactory/repo/a%20b/x%2B1.json"),
            ("repo/%2e%2e/x", "/artifactory/repo/%252e%252e/x"),
            ("repo/..x/y..", "/artifactory/repo/..x/y.."),
            ("repo/a\\..\\b", "/artifactory/repo/a%5C..%5Cb"),
        ];
        for (given, want) in ok {
            assert_eq!(file_path(given).as_deref(), Ok(want), "{given}");
            assert!(
                stays_in_artifactory("https://acme.jfrog.io", want),
                "{want}"
            );
        }
        let refused = [
            ("../../x", "`..` segment"),
            ("./../x", "`.` segment"),
            ("../api/security/apiKey", "`..` segment"),
            ("repo/../../api/security/apiKey", "`..` segment"),
            ("repo//x", "`//`"),
            ("//evil.example/x", "`//`"),
            ("https://evil.example/x", "URL scheme"),
            ("file:/etc/passwd", "URL scheme"),
            ("repo/x/", "empty segment"),
            ("", "empty"),
            ("/", "empty"),
        ];
        for (given, why) in refused {
            let e = file_path(given).expect_err(given);
            assert!(
                e.contains(why) && e.contains("nothing was requested"),
                "{given}: {e}"
            );
        }
    }

    #[test]
    fn the_final_url_is_checked_against_the_base() {
        assert!(stays_in_artifactory(
            "http://127.0.0.1:8080",
            "/artifactory/r/x"
        ));
        assert!(stays_in_artifactory(
            "https://h.example/jfrog",
            "/artifactory/r/x"
        ));
        assert!(!stays_in_artifactory(
            "https://h.example",
            "/artifactory/../x"
        ));
        assert!(!stays_in_artifactory(
            "https://h.example",
            "/artifactory/%2e%2e/x"
        ));
        assert!(!stays_in_artifactory("https://h.example", "/x"));
        assert!(!stays_in_artifactory(
            "https://h.example",
            "@evil.example/artifactory/x"
        ));
        assert!(!stays_in_artifactory("not a url", "/artifactory/x"));
    }
}
