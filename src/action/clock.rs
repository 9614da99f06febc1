//! The run's clock: what "now" is for windows, bake times and audit times, and how the
//! verification watch waits between checks.
//!
//! In a job the clock is the real one. With `PROMOTE_ACTION_NOW` (tests) or in the demo it is
//! virtual: it starts at a set instant and moves only when the watch waits, at once, so a ten
//! minute watch is checked in milliseconds and a test decides what each check sees. Nothing
//! else reads the time of day.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Real time, or a virtual time that waiting advances.
#[derive(Debug, Clone, Default)]
pub(crate) enum Clock {
    /// The system clock; waiting sleeps.
    #[default]
    Real,
    /// A virtual instant; waiting moves it forward without sleeping.
    Virtual(Arc<Mutex<jiff::Timestamp>>),
}

impl Clock {
    /// A virtual clock starting at `at`.
    pub(crate) fn virtual_at(at: jiff::Timestamp) -> Clock {
        Clock::Virtual(Arc::new(Mutex::new(at)))
    }

    /// Now.
    pub(crate) fn now(&self) -> jiff::Timestamp {
        match self {
            Clock::Real => jiff::Timestamp::now(),
            Clock::Virtual(t) => *t.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Waits `d`: sleeps on the real clock, moves the virtual one.
    pub(crate) async fn sleep(&self, d: Duration) {
        match self {
            Clock::Real => tokio::time::sleep(d).await,
            Clock::Virtual(t) => {
                {
                    let mut now = t.lock().unwrap_or_else(|e| e.into_inner());
                    let step =
                        jiff::SignedDuration::try_from(d).unwrap_or(jiff::SignedDuration::ZERO);
                    *now = now.checked_add(step).unwrap_or(*now);
                }
                // Let a pending cancellation be seen between two checks.
                tokio::task::yield_now().await;
            }
        }
    }
}

/// A future that resolves when the runner asks the process to stop (SIGTERM, or SIGINT as a
/// cancelled run sends first); it never resolves where signals cannot be listened to. The
/// handlers are installed by this call, not when the future is first polled, so a signal sent
/// once the watch has said it started is never the default (killing) one.
pub(crate) fn cancelled() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let handlers = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        );
        async move {
            match handlers {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = int.recv() => {}
                    }
                }
                _ => std::future::pending::<()>().await,
            }
        }
    }
    #[cfg(not(unix))]
    std::future::pending::<()>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_virtual_clock_moves_only_when_waiting() {
        let start: jiff::Timestamp = "2026-03-05T10:00:00Z".parse().unwrap();
        let c = Clock::virtual_at(start);
        assert_eq!(c.now(), start);
        let real = std::time::Instant::now();
        c.sleep(Duration::from_secs(600)).await;
        assert_eq!(c.now().to_string(), "2026-03-05T10:10:00Z");
        assert!(real.elapsed() < Duration::from_secs(1), "no real sleep");
        // Clones share the instant.
        let d = c.clone();
        d.sleep(Duration::from_secs(60)).await;
        assert_eq!(c.now().to_string(), "2026-03-05T10:11:00Z");
    }
}
