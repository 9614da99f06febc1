//! Independent reads of a run started together (issue 24): on a hosted runner every request to
//! JFrog or GitHub costs 30–150 ms, so what a run costs is the number of round trips that wait
//! for one another. Reads that do not need each other's answers go out at once; mutations never
//! pass through here (each is sent once, in order, by the walk).
//!
//! `PROMOTE_ACTION_SEQUENTIAL_READS=1` sends them one after the other instead, the shape
//! `bench/latency.sh` compares against.

use std::future::Future;

/// Both reads: together, or `a` then `b` when `sequential`. Answers come back in argument order
/// either way, so nothing downstream can tell the difference except the clock.
pub(super) async fn both<A, B>(sequential: bool, a: A, b: B) -> (A::Output, B::Output)
where
    A: Future,
    B: Future,
{
    if sequential {
        let x = a.await;
        let y = b.await;
        (x, y)
    } else {
        futures_util::future::join(a, b).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// `a` yields once, then says whether `b` had started meanwhile.
    async fn saw_b(b_started: &AtomicBool) -> bool {
        tokio::task::yield_now().await;
        b_started.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn together_both_are_in_flight_apart_one_waits_and_the_order_stays() {
        for (sequential, overlapped) in [(false, true), (true, false)] {
            let b_started = AtomicBool::new(false);
            let b = async {
                b_started.store(true, Ordering::SeqCst);
                "b"
            };
            let (a, b) = both(sequential, saw_b(&b_started), b).await;
            assert_eq!((a, b), (overlapped, "b"), "sequential: {sequential}");
        }
    }
}
