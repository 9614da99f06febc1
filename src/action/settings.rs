//! Knobs that are not inputs: timeouts, retries, waits, the clock and the evidence read's bounds,
//! set by the binary from the documented `PROMOTE_ACTION_*` tuning variables and overridden by
//! tests.

use std::time::Duration;

use super::clock::Clock;
use crate::http::ClientOptions;
use crate::jfrog::evidence::Limits;

/// Knobs the binary sets and tests override.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// HTTP client options.
    pub(crate) client: ClientOptions,
    /// How long to wait out "promotion already in progress".
    pub(crate) in_progress_wait: Duration,
    /// Poll interval while waiting.
    pub(crate) poll: Duration,
    /// Fixed "now" for windows (tests, demo); `None` = the clock.
    pub(crate) now: Option<jiff::Timestamp>,
    /// Quarantine a rolled-back release and move `latest` (see `retag`).
    pub(crate) retag_on_rollback: bool,
    /// Print `::add-mask::` for the secret inputs before anything else. Always on in action
    /// mode; the demo turns it off outside GitHub Actions, where a terminal would show the lines
    /// of its (public) demo key instead of masking anything.
    pub(crate) mask_secrets: bool,
    /// Bounds of the evidence read: concurrency, bytes, deadline, minimum rate.
    pub(crate) evidence: Limits,
    /// The clock the verification watch waits on: virtual with `PROMOTE_ACTION_NOW` and in the
    /// demo (a watch takes no real time), else real.
    pub(crate) clock: Clock,
    /// How long the job may run (`PROMOTE_ACTION_JOB_TIMEOUT_MINUTES`, default GitHub's 6 h):
    /// a verification watch ends before it.
    pub(crate) job_limit: Duration,
    /// When the action started, for the time left in the job.
    pub(crate) started: std::time::Instant,
    /// Send the run's independent reads one after another instead of together
    /// (`PROMOTE_ACTION_SEQUENTIAL_READS=1`): what `bench/latency.sh` compares against.
    pub(crate) sequential_reads: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            client: ClientOptions::default(),
            in_progress_wait: Duration::from_secs(120),
            poll: Duration::from_secs(3),
            now: None,
            retag_on_rollback: true,
            mask_secrets: true,
            evidence: Limits::default(),
            clock: Clock::Real,
            job_limit: crate::policy::JOB_LIMIT,
            started: std::time::Instant::now(),
            sequential_reads: false,
        }
    }
}

impl Settings {
    /// Now, on the run's clock (the fixed instant of `now`, moved on by the watch's waits).
    pub(crate) fn instant(&self) -> jiff::Timestamp {
        match (&self.clock, self.now) {
            (Clock::Virtual(_), _) => self.clock.now(),
            (Clock::Real, Some(t)) => t,
            (Clock::Real, None) => jiff::Timestamp::now(),
        }
    }

    /// Defaults, adjusted by the documented `PROMOTE_ACTION_*` tuning variables.
    pub(crate) fn from_vars(vars: &[(String, String)]) -> Settings {
        let mut s = Settings::default();
        let get = |k: &str| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim());
        let num = |k: &str| get(k).and_then(|v| v.parse::<u64>().ok());
        if let Some(ms) = num("PROMOTE_ACTION_HTTP_TIMEOUT_MS") {
            s.client.timeout = Duration::from_millis(ms.max(1));
        }
        if let Some(ms) = num("PROMOTE_ACTION_RETRY_BACKOFF_MS") {
            s.client.backoff = Duration::from_millis(ms);
        }
        if let Some(n) = num("PROMOTE_ACTION_MAX_RETRIES") {
            s.client.max_retries = n.min(10) as u32;
        }
        if let Some(secs) = num("PROMOTE_ACTION_IN_PROGRESS_WAIT_S") {
            s.in_progress_wait = Duration::from_secs(secs);
            s.poll = Duration::from_millis((secs * 100).clamp(50, 3000));
        }
        if let Some(v) = get("PROMOTE_ACTION_RETAG_ON_ROLLBACK") {
            s.retag_on_rollback = !matches!(v, "false" | "False" | "FALSE");
        }
        if let Some(t) = get("PROMOTE_ACTION_NOW").and_then(|v| v.parse().ok()) {
            s.now = Some(t);
            s.clock = Clock::virtual_at(t);
        }
        if let Some(min) = num("PROMOTE_ACTION_JOB_TIMEOUT_MINUTES").filter(|m| *m > 0) {
            s.job_limit = Duration::from_secs(min.saturating_mul(60));
        }
        if let Some(v) = get("PROMOTE_ACTION_SEQUENTIAL_READS") {
            s.sequential_reads = matches!(v, "1" | "true" | "True" | "TRUE");
        }
        let e = &mut s.evidence;
        if let Some(n) = num("PROMOTE_ACTION_EVIDENCE_CONCURRENCY") {
            e.concurrency = n.clamp(1, 64) as usize;
        }
        if let Some(secs) = num("PROMOTE_ACTION_EVIDENCE_DEADLINE_S") {
            e.deadline = Duration::from_secs(secs.max(1));
        }
        if let Some(rate) = num("PROMOTE_ACTION_EVIDENCE_MIN_RATE") {
            e.min_rate = rate;
        }
        if let Some(ms) = num("PROMOTE_ACTION_EVIDENCE_RATE_GRACE_MS") {
            e.rate_grace = Duration::from_millis(ms);
        }
        if let Some(mib) = num("PROMOTE_ACTION_EVIDENCE_MAX_MIB") {
            e.total_bytes = mib.max(1).saturating_mul(1024 * 1024);
        }
        if let Some(mib) = num("PROMOTE_ACTION_EVIDENCE_HELD_MIB") {
            e.held_bytes = (mib.clamp(1, 4096) * 1024 * 1024) as usize;
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_bounds_come_from_their_variables() {
        let vars: Vec<(String, String)> = [
            ("PROMOTE_ACTION_EVIDENCE_CONCURRENCY", "500"),
            ("PROMOTE_ACTION_EVIDENCE_DEADLINE_S", "0"),
            ("PROMOTE_ACTION_EVIDENCE_MIN_RATE", "0"),
            ("PROMOTE_ACTION_EVIDENCE_RATE_GRACE_MS", "250"),
            ("PROMOTE_ACTION_EVIDENCE_MAX_MIB", "2"),
            ("PROMOTE_ACTION_EVIDENCE_HELD_MIB", "x"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let e = Settings::from_vars(&vars).evidence;
        assert_eq!(e.concurrency, 64, "clamped");
        assert_eq!(e.deadline, Duration::from_secs(1), "at least a second");
        assert_eq!(e.min_rate, 0, "0 turns the minimum off");
        assert_eq!(e.rate_grace, Duration::from_millis(250));
        assert_eq!(e.total_bytes, 2 * 1024 * 1024);
        assert_eq!(
            e.held_bytes,
            Limits::default().held_bytes,
            "not a number: the default"
        );
        let d = Settings::from_vars(&[]).evidence;
        assert_eq!(
            (d.concurrency, d.deadline, d.min_rate, d.total_bytes),
            (32, Duration::from_secs(300), 32 * 1024, 1 << 30)
        );
    }
}
