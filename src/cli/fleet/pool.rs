//! Bounded concurrency for a fleet: `parallel` worker threads, each with
//! a runtime of its own, take the next target until none is left or the
//! run says stop. A driver's futures are not `Send`, so each target runs
//! start to end on one thread, through the same blocking path a single
//! `apply` takes.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Calls `work(rt, i)` for each `i` in `0..count`, at most `parallel` at
/// a time, in order of `i`; stops launching once `stop()` is true. The
/// indexes never launched are returned, in order.
pub fn each(
    count: usize,
    parallel: usize,
    stop: &(dyn Fn() -> bool + Sync),
    work: &(dyn Fn(&tokio::runtime::Runtime, usize) + Sync),
) -> miette::Result<Vec<usize>> {
    let next = AtomicUsize::new(0);
    let workers = parallel.clamp(1, count.max(1));
    let started: miette::Result<Vec<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| miette::miette!("cannot start the async runtime: {e}"))?;
                    loop {
                        if stop() {
                            return Ok(());
                        }
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        if i >= count {
                            return Ok(());
                        }
                        work(&rt, i);
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(miette::miette!("a fleet worker thread panicked")))
            })
            .collect()
    });
    started?;
    // Each worker takes an index only after checking `stop`, so the ones
    // never launched are exactly those at and past the counter.
    let launched = next.load(Ordering::SeqCst).min(count);
    Ok((launched..count).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn runs_each_once_and_stops_when_told() {
        let seen = Mutex::new(Vec::new());
        let left = each(20, 4, &|| false, &|_, i| seen.lock().unwrap().push(i)).unwrap();
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen, (0..20).collect::<Vec<_>>());
        assert!(left.is_empty());

        let done = AtomicUsize::new(0);
        let left = each(20, 1, &|| done.load(Ordering::SeqCst) >= 5, &|_, _| {
            done.fetch_add(1, Ordering::SeqCst);
        })
        .unwrap();
        assert_eq!(left, (5..20).collect::<Vec<_>>());
    }
}
