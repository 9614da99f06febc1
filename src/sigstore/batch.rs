//! Many verifications at once, on every core: a verification is pure CPU (about 1.3 ms for a
//! public-good bundle, 3.6 ms for a GitHub one, most of it one P-384 signature check of the
//! leaf), so a gate with hundreds of artifacts is bound by one core unless the work is spread.
//!
//! Scoped threads over a shared cursor: no pool outlives the call, no `'static` bound on the
//! inputs, and the answers come back in the inputs' order whatever order they finish in.

use std::sync::atomic::{AtomicUsize, Ordering};

/// The number of workers [`map_parallel`] uses for `n` items: one per core, at most `n`.
pub(crate) fn workers(n: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    cores.min(n).max(1)
}

/// `f` applied to every item, spread over [`workers`] threads, answers in the items' order.
/// With one worker (one core, or one item) it runs on the calling thread.
pub(crate) fn map_parallel<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = workers(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            // A worker panics only if `f` does: the panic goes on on the caller's thread.
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_come_back_in_order() {
        let items: Vec<u64> = (0..1000).collect();
        let squares = map_parallel(&items, |n| n * n);
        assert_eq!(squares.len(), 1000);
        assert!(
            squares
                .iter()
                .enumerate()
                .all(|(i, s)| *s == (i * i) as u64)
        );
        assert!(map_parallel(&[] as &[u8], |b| *b).is_empty());
        assert_eq!(map_parallel(&[7u8], |b| *b + 1), [8]);
    }
}
