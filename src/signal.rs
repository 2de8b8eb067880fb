//! The signals that stop strata (SIGINT, SIGTERM), awaited alongside work
//! that must clean up or explain itself when they come: an apply says what
//! was in flight, a SQL desired state drops its scratch database.

/// The name of the first SIGINT or SIGTERM to arrive.
pub async fn first() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            return tokio::select! {
                _ = tokio::signal::ctrl_c() => "SIGINT",
                _ = term.recv() => "SIGTERM",
            };
        }
    }
    let _ = tokio::signal::ctrl_c().await;
    "SIGINT"
}
