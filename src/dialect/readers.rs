//! How many catalog connections one introspection opens. A catalog read is
//! CPU-bound on the server, so when the server runs on this machine, more
//! connections than its cores only add backend start-ups and caches each
//! backend builds again (the same table's relcache entry, once per
//! connection). `diff` of two databases reads both at once and shares the
//! cores between them.

use std::future::Future;

tokio::task_local! {
    /// How many introspections read at the same time as this one.
    static READERS: usize;
}

/// Runs `read` as one of `readers` introspections running at once.
pub async fn alongside<F: Future>(readers: usize, read: F) -> F::Output {
    READERS.scope(readers, read).await
}

/// Connections for one introspection of a server on `host`: the
/// machine's cores shared among the introspections running at once when
/// the server is local (at least one, at most four), else four.
pub fn connections(host: &str) -> u32 {
    let local = host.starts_with('/') || matches!(host, "localhost" | "127.0.0.1" | "::1");
    if !local {
        return 4;
    }
    let readers = READERS.try_with(|n| *n).unwrap_or(1).max(1);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    u32::try_from((cores / readers).clamp(1, 4)).unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_remote_server_gets_four_and_local_readers_share_the_cores() {
        assert_eq!(connections("db.example.com"), 4);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let alone = connections("127.0.0.1");
        assert_eq!(alone as usize, cores.clamp(1, 4));
        let paired = alongside(2, async { connections("/var/run/postgresql") }).await;
        assert_eq!(paired as usize, (cores / 2).clamp(1, 4));
        assert!(paired <= alone);
    }
}
