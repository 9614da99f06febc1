//! The run's network meter: when each request of any remote (JFrog, GitHub, a webhook) started
//! and ended, and over which HTTP version.
//!
//! On a real network what a run costs is not how many requests it sends but how many had to wait
//! for one another: each of those is a round trip (30–150 ms from a hosted runner to JFrog SaaS).
//! The meter measures both — the request count and the critical path, the longest chain of
//! requests each started after the one before it had ended — so the debug log and the record
//! say what a run really paid, and a change that serialises reads again shows in the figures.

use std::sync::{Arc, Mutex};
use std::time::Instant;

/// One request on the wire.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: Instant,
    end: Instant,
    /// `None` when no answer came.
    version: Option<reqwest::Version>,
}

/// Shared by every remote of a run (it travels in [`super::ClientOptions`]); clones record into
/// the same list.
#[derive(Debug, Clone, Default)]
pub struct NetworkMeter(Arc<Mutex<Vec<Span>>>);

/// What the meter saw, for the debug log and the record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub(crate) struct NetworkSummary {
    /// Requests sent (each retry counts).
    pub(crate) requests: usize,
    /// The longest chain of requests each sent after the previous one was answered: the round
    /// trips the run waited for one after another.
    pub(crate) critical_path: usize,
    /// The HTTP versions the answers came over (`HTTP/1.1`, `HTTP/2`), in first-seen order.
    pub(crate) http_versions: Vec<String>,
}

impl NetworkMeter {
    /// Records one request that started at `start` and ended now.
    pub(crate) fn record(&self, start: Instant, version: Option<reqwest::Version>) {
        let span = Span {
            start,
            end: Instant::now(),
            version,
        };
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(span);
    }

    /// The figures so far.
    pub(crate) fn summary(&self) -> NetworkSummary {
        let spans = self.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let mut http_versions: Vec<String> = Vec::new();
        for v in spans.iter().filter_map(|s| s.version) {
            let name = format!("{v:?}");
            if !http_versions.contains(&name) {
                http_versions.push(name);
            }
        }
        NetworkSummary {
            requests: spans.len(),
            critical_path: critical_path(spans.iter().map(|s| (s.start, s.end))),
            http_versions,
        }
    }
}

impl NetworkSummary {
    /// `14 requests over HTTP/1.1, 9 of them one after another (critical path)`.
    pub(crate) fn describe(&self) -> String {
        let over = if self.http_versions.is_empty() {
            String::new()
        } else {
            format!(" over {}", self.http_versions.join(" and "))
        };
        format!(
            "{} request{}{over}, {} of them one after another (the critical path: round trips waited for in sequence)",
            self.requests,
            if self.requests == 1 { "" } else { "s" },
            self.critical_path
        )
    }
}

/// The most intervals that follow one another without overlapping: taking, in order of end,
/// each that starts after the last one taken ended (earliest end first is optimal).
fn critical_path<T: Ord + Copy>(spans: impl Iterator<Item = (T, T)>) -> usize {
    let mut spans: Vec<(T, T)> = spans.collect();
    spans.sort_by_key(|&(_, end)| end);
    let mut last_end: Option<T> = None;
    let mut chain = 0;
    for (start, end) in spans {
        if last_end.is_none_or(|e| start >= e) {
            chain += 1;
            last_end = Some(end);
        }
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (intervals, longest chain)
    #[test]
    fn the_critical_path_counts_requests_that_waited_for_one_another() {
        let table: &[(&[(u32, u32)], usize)] = &[
            (&[], 0),
            (&[(0, 10)], 1),
            (&[(0, 10), (10, 20), (20, 30)], 3),
            // Started together: one round trip however many.
            (&[(0, 10), (1, 11), (2, 12)], 1),
            // lifecycle ‖ content, then 4 × (promote, re-read).
            (
                &[
                    (0, 10),
                    (0, 10),
                    (10, 20),
                    (20, 30),
                    (30, 40),
                    (40, 50),
                    (50, 60),
                    (60, 70),
                    (70, 80),
                    (80, 90),
                ],
                9,
            ),
            // A long request overlapping a chain of short ones: the chain is the path.
            (&[(0, 100), (0, 10), (10, 20), (20, 30)], 3),
        ];
        for (spans, want) in table {
            assert_eq!(critical_path(spans.iter().copied()), *want, "{spans:?}");
        }
    }

    #[test]
    fn the_summary_counts_and_names_versions() {
        let m = NetworkMeter::default();
        let shared = m.clone();
        let t = Instant::now();
        shared.record(t, Some(reqwest::Version::HTTP_11));
        shared.record(Instant::now(), Some(reqwest::Version::HTTP_2));
        shared.record(Instant::now(), None);
        let s = m.summary();
        assert_eq!(s.requests, 3);
        assert_eq!(s.http_versions, ["HTTP/1.1", "HTTP/2.0"]);
        assert!(
            s.describe()
                .starts_with("3 requests over HTTP/1.1 and HTTP/2.0"),
            "{}",
            s.describe()
        );
    }
}
