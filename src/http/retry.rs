//! The retry policy shared by every client: which answers are worth asking again, and how long
//! to wait first.
//!
//! Idempotent reads are retried on 408, 429, 5xx and transport failures, waiting what the server
//! asked (`Retry-After`, else GitHub's `x-ratelimit-reset` once `x-ratelimit-remaining` is 0),
//! else an exponential backoff. Mutations are never retried by this layer, except when the
//! server said it did not apply them because of a rate limit (see [`rate_limit_wait`]).

use std::time::Duration;

use reqwest::header::HeaderMap;

/// How long a rate-limited answer asks us to wait: `Retry-After` first, then
/// `x-ratelimit-reset` when `x-ratelimit-remaining` is 0; `None` when not rate-limited. A plain
/// 403 is a permission error, not a rate limit; a bare 429 waits the minute GitHub documents.
pub(crate) fn rate_limit_wait(status: u16, headers: &HeaderMap) -> Option<Duration> {
    if status != 403 && status != 429 {
        return None;
    }
    if let Some(wait) = server_wait(headers) {
        return Some(wait);
    }
    (status == 429).then(|| Duration::from_secs(60))
}

/// What the server asked for in its headers (`Retry-After`, else the rate-limit reset), if
/// anything.
pub(crate) fn server_wait(headers: &HeaderMap) -> Option<Duration> {
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(secs) = h("retry-after").and_then(|v| v.parse::<u64>().ok()) {
        return Some(Duration::from_secs(secs));
    }
    if h("x-ratelimit-remaining") == Some("0") {
        let reset = h("x-ratelimit-reset").and_then(|v| v.parse::<i64>().ok())?;
        let now = jiff::Timestamp::now().as_second();
        return Some(Duration::from_secs((reset - now).max(1) as u64));
    }
    None
}

/// Whether a read answered with `status` is worth asking again.
pub(crate) fn retryable(status: u16, headers: &HeaderMap) -> bool {
    status == 408 || status == 429 || status >= 500 || rate_limit_wait(status, headers).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().expect("header value"));
        }
        h
    }

    #[test]
    fn rate_limits_prefer_retry_after() {
        let h = headers(&[("retry-after", "7")]);
        assert_eq!(rate_limit_wait(429, &h), Some(Duration::from_secs(7)));
        assert_eq!(rate_limit_wait(200, &h), None);
        let h = headers(&[("x-ratelimit-remaining", "5")]);
        assert_eq!(
            rate_limit_wait(403, &h),
            None,
            "a plain 403 is a permission error, not a rate limit"
        );
        assert_eq!(
            rate_limit_wait(429, &HeaderMap::new()),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn reads_retry_on_transient_answers_only() {
        let none = HeaderMap::new();
        let table = [
            (408, true),
            (429, true),
            (500, true),
            (503, true),
            (403, false),
            (404, false),
            (409, false),
            (200, false),
        ];
        for (status, want) in table {
            assert_eq!(retryable(status, &none), want, "{status}");
        }
        let limited = headers(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "1")]);
        assert!(retryable(403, &limited));
    }

    #[test]
    fn server_waits_come_from_the_headers() {
        assert_eq!(server_wait(&HeaderMap::new()), None);
        let h = headers(&[("retry-after", "3")]);
        assert_eq!(server_wait(&h), Some(Duration::from_secs(3)));
    }
}
