//! Reading an answer body within bounds: a size limit per answer, a byte budget shared by
//! concurrent downloads (bytes held at once, and bytes read in all), and a minimum transfer rate,
//! so a hostile or broken server can neither exhaust memory nor hold the run with a body that
//! drips.
//!
//! The budget is reserved once the answer's headers are in (its `Content-Length`, else the
//! whole per-answer limit) and held until the caller drops the [`Hold`] — after it judged the
//! file — so what is in memory at once stays under the budget however many answers arrive. A
//! reservation never exceeds the budget, and every holder is reading or judging, never waiting
//! on another, so reservations cannot deadlock.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Bytes downloads may hold at once, and read in all, for one run.
#[derive(Debug)]
pub(crate) struct ByteBudget {
    held: Arc<Semaphore>,
    held_max: usize,
    spent: AtomicU64,
    total_max: u64,
    /// Names the budget and its setting in errors.
    name: String,
}

/// Bytes reserved from a [`ByteBudget`]; given back when dropped.
#[derive(Debug)]
pub(crate) struct Hold(#[allow(dead_code)] OwnedSemaphorePermit);

impl ByteBudget {
    /// A budget of `held_max` bytes at once and `total_max` bytes in all; `name` is how errors
    /// call it (with the setting that changes it).
    pub(crate) fn new(held_max: usize, total_max: u64, name: impl Into<String>) -> Self {
        // Semaphore permits are counted in `u32` per acquisition.
        let held_max = held_max.clamp(1, u32::MAX as usize);
        ByteBudget {
            held: Arc::new(Semaphore::new(held_max)),
            held_max,
            spent: AtomicU64::new(0),
            total_max,
            name: name.into(),
        }
    }

    /// Waits until `bytes` (at most the whole budget) can be held. `None` only if the budget
    /// were closed, which it never is.
    pub(crate) async fn reserve(&self, bytes: usize) -> Option<Hold> {
        let n = bytes.clamp(1, self.held_max) as u32;
        self.held.clone().acquire_many_owned(n).await.ok().map(Hold)
    }

    /// Counts `bytes` read; `Err` once the run's total is spent.
    fn spend(&self, bytes: usize) -> Result<(), String> {
        let before = self.spent.fetch_add(bytes as u64, Ordering::Relaxed);
        if before + bytes as u64 > self.total_max {
            Err(format!("{} is spent", self.name))
        } else {
            Ok(())
        }
    }

    /// Whether the run's total is spent (a download stopped for it).
    pub(crate) fn exhausted(&self) -> bool {
        self.spent.load(Ordering::Relaxed) > self.total_max
    }

    /// Bytes read so far.
    pub(crate) fn spent(&self) -> u64 {
        self.spent.load(Ordering::Relaxed)
    }
}

/// The slowest a body may arrive: after `after`, at least `bytes_per_sec` per second on average
/// since then.
#[derive(Debug, Clone)]
pub(crate) struct MinRate {
    /// Bytes per second.
    pub(crate) bytes_per_sec: u64,
    /// Grace before the first check (connection set-up, a slow first byte).
    pub(crate) after: Duration,
    /// Names the setting in errors.
    pub(crate) setting: &'static str,
}

/// The bounds of one bounded read.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Bounds<'a> {
    /// Byte budget shared with other reads.
    pub(crate) budget: Option<&'a ByteBudget>,
    /// Minimum transfer rate.
    pub(crate) min_rate: Option<&'a MinRate>,
}

/// Why a bounded read stopped short of the whole body.
pub(super) enum Stop {
    /// More than the per-answer limit.
    TooLarge,
    /// The run's budget is spent.
    Budget(String),
    /// Slower than the minimum rate.
    TooSlow(String),
    /// The connection broke.
    Transport(reqwest::Error),
}

/// Reads the body chunk by chunk within `limit` and `bounds`; returns the bytes and the budget
/// held for them.
pub(super) async fn read(
    resp: &mut reqwest::Response,
    limit: usize,
    bounds: Bounds<'_>,
) -> Result<(Vec<u8>, Option<Hold>), Stop> {
    let declared = resp.content_length();
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(Stop::TooLarge);
    }
    let expected = declared.map_or(limit, |n| n as usize);
    let hold = match bounds.budget {
        Some(b) => b.reserve(expected).await,
        None => None,
    };
    let mut bytes = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    let started = Instant::now();
    let tick = Duration::from_millis(250);
    let mut next_check = bounds.min_rate.map(|r| started + r.after);
    loop {
        let chunk = match next_check {
            Some(at) => match tokio::time::timeout_at(at, resp.chunk()).await {
                Ok(c) => c,
                Err(_) => {
                    check_rate(bounds.min_rate, started, bytes.len())?;
                    next_check = Some(Instant::now() + tick);
                    continue;
                }
            },
            None => resp.chunk().await,
        };
        let Some(chunk) = chunk.map_err(Stop::Transport)? else {
            break;
        };
        if bytes.len() + chunk.len() > limit {
            return Err(Stop::TooLarge);
        }
        if let Some(b) = bounds.budget {
            b.spend(chunk.len()).map_err(Stop::Budget)?;
        }
        bytes.extend_from_slice(&chunk);
        if next_check.is_some_and(|at| Instant::now() >= at) {
            check_rate(bounds.min_rate, started, bytes.len())?;
            next_check = Some(Instant::now() + tick);
        }
    }
    Ok((bytes, hold))
}

fn check_rate(rate: Option<&MinRate>, started: Instant, read: usize) -> Result<(), Stop> {
    let Some(r) = rate else { return Ok(()) };
    let elapsed = started.elapsed();
    let counted = elapsed.saturating_sub(r.after).as_secs_f64();
    if (read as f64) < r.bytes_per_sec as f64 * counted {
        return Err(Stop::TooSlow(format!(
            "the answer came too slowly: {read} bytes in {:.1} s, below the minimum of {} bytes per second ({})",
            elapsed.as_secs_f64(),
            r.bytes_per_sec,
            r.setting
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_budget_counts_and_holds() {
        let b = ByteBudget::new(10, 25, "the test budget");
        let first = b.reserve(8).await;
        assert_eq!(b.held.available_permits(), 2);
        // More than the whole budget is clamped to it, and waits for the first to be dropped.
        let waiting = tokio::spawn({
            let held = b.held.clone();
            async move { held.acquire_many_owned(10).await.is_ok() }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        drop(first);
        assert!(waiting.await.expect("joins"));
        assert!(b.spend(20).is_ok());
        assert!(!b.exhausted());
        assert_eq!(b.spend(6).unwrap_err(), "the test budget is spent");
        assert!(b.exhausted());
        assert_eq!(b.spent(), 26);
    }

    #[test]
    fn the_rate_is_checked_after_the_grace() {
        let r = MinRate {
            bytes_per_sec: 1000,
            after: Duration::from_secs(3600),
            setting: "X",
        };
        assert!(check_rate(Some(&r), Instant::now(), 0).is_ok());
        let strict = MinRate {
            after: Duration::ZERO,
            ..r
        };
        let started = Instant::now() - Duration::from_secs(2);
        assert!(check_rate(Some(&strict), started, 5000).is_ok());
        match check_rate(Some(&strict), started, 10) {
            Err(Stop::TooSlow(why)) => {
                assert!(
                    why.contains(
                        "10 bytes in 2.0 s, below the minimum of 1000 bytes per second (X)"
                    ),
                    "{why}"
                )
            }
            _ => panic!("too slow"),
        }
    }
}
