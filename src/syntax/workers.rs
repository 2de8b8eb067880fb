//! Files of a schema are parsed on several threads: a schema split over
//! many files (the usual layout of a large one) parses in a fraction of
//! the time on a machine with more than one core. One large file is cut
//! into pieces (`pieces.rs`) that run on the same threads.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Below this much source, starting threads costs more than it saves.
const PARALLEL_BYTES: usize = 256 * 1024;

/// The same stack a process's main thread gets on Linux, so a parse
/// behaves the same on any thread (pest's stack guard measures it).
const STACK_BYTES: usize = 8 * 1024 * 1024;

/// How many threads `bytes` of source are worth: one below
/// [`PARALLEL_BYTES`], else one per core.
pub fn cores_for(bytes: usize) -> usize {
    // Asking for the core count reads cgroup files: only for large inputs.
    if bytes < PARALLEL_BYTES {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |c| c.get())
    }
}

/// `f(0) … f(n - 1)`, in that order, computed on up to one thread per
/// core when `bytes` (the size of the whole input) makes it worth it.
pub fn map_in_order<T, F>(n: usize, bytes: usize, f: F) -> Vec<T>
where
    T: Send,
    F: Fn(usize) -> T + Sync,
{
    let threads = cores_for(bytes).min(n);
    if threads < 2 {
        return (0..n).map(f).collect();
    }
    // Files are handed out one at a time rather than split up front, so
    // one large file does not leave the other threads idle.
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= n {
                return done;
            }
            done.push((i, f(i)));
        }
    };
    let mut all = std::thread::scope(|s| {
        // A thread that cannot be started leaves its share to the others;
        // this thread takes files too, so the work is always done.
        let helpers: Vec<_> = (1..threads)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(s, work)
                    .ok()
            })
            .collect();
        let mut all = work();
        for h in helpers {
            match h.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    all.sort_unstable_by_key(|(i, _)| *i);
    all.into_iter().map(|(_, t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_inputs_on_any_path() {
        for bytes in [0, PARALLEL_BYTES] {
            let out = map_in_order(1000, bytes, |i| i * 2);
            assert_eq!(out, (0..1000).map(|i| i * 2).collect::<Vec<_>>());
        }
        assert!(map_in_order(0, PARALLEL_BYTES, |i| i).is_empty());
    }
}
