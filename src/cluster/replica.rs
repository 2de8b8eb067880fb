//! A PostgreSQL primary and its streaming replicas (docs/clusters.md).
//!
//! Lag is measured without clocks: the primary's `pg_current_wal_lsn()`
//! is read, then each replica is polled until it has replayed that far
//! (`pg_last_wal_replay_lsn()` on a replica given by URL; `replay_lsn`
//! of `pg_stat_replication` on the primary for replicas it only found
//! there, which standbys report every `wal_receiver_status_interval`).
//! Before each unit an apply commits the replicas must catch up within
//! `--max-replica-lag`, else the apply waits for them up to
//! `--replica-wait` and then stops; after it, the time they took to
//! replay it is reported: the lag that step caused.

use std::time::{Duration, Instant};

use futures::future::LocalBoxFuture;
use futures::lock::Mutex;
use sqlx::{Connection, PgConnection};

use crate::dialect::driver::Gate;
use crate::url::redact;

/// Where the replicas' replay positions are read.
pub enum Source {
    /// Replica URLs, each read directly.
    Urls(Vec<String>),
    /// The primary's `pg_stat_replication`, for replicas found there.
    Stat,
}

/// The replicas of one primary, and the bounds an apply keeps to.
pub struct Replicas {
    primary: String,
    source: Source,
    names: Vec<String>,
    pub max_lag: Duration,
    pub wait: Duration,
    /// One connection per replica URL, opened on first use.
    conns: Mutex<Vec<Option<PgConnection>>>,
}

/// A replica found in `pg_stat_replication`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// `application_name@client_addr`.
    pub name: String,
    pub state: String,
    /// Whether its replay position is visible to this role (it needs
    /// `pg_read_all_stats`): the lag of one that is not cannot be checked.
    pub visible: bool,
}

fn db_error(what: &str, url: &str, e: sqlx::Error) -> miette::Report {
    miette::miette!(
        code = "strata::cluster::replica",
        help = "check the URL and that the server runs; replicas must accept connections (hot_standby = on)",
        "{what} {}: {e}",
        redact(url)
    )
}

async fn connect(url: &str) -> miette::Result<PgConnection> {
    PgConnection::connect(url)
        .await
        .map_err(|e| db_error("cannot connect to", url, e))
}

/// The streaming replicas the primary at `url` lists in
/// `pg_stat_replication` (a role without `pg_read_all_stats` sees them
/// too, without their positions).
pub async fn discover(url: &str) -> miette::Result<Vec<Found>> {
    let mut conn = connect(url).await?;
    let rows: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT coalesce(application_name, '') || '@' || coalesce(host(client_addr), 'local'), \
         coalesce(state, ''), replay_lsn IS NOT NULL FROM pg_stat_replication ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(|e| db_error("cannot read pg_stat_replication on", url, e))?;
    let _ = conn.close().await;
    Ok(rows
        .into_iter()
        .map(|(name, state, visible)| Found {
            name,
            state,
            visible,
        })
        .collect())
}

/// The primary's current WAL position.
async fn primary_lsn(url: &str) -> miette::Result<String> {
    let mut conn = connect(url).await?;
    let lsn: String = sqlx::query_scalar("SELECT pg_current_wal_lsn()::text")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| db_error("cannot read the WAL position of", url, e))?;
    let _ = conn.close().await;
    Ok(lsn)
}

/// How many bytes of WAL up to `lsn` the replica on `conn` has yet to
/// replay (0 once it has); an error when it is not a standby.
async fn behind(conn: &mut PgConnection, url: &str, lsn: &str) -> miette::Result<i64> {
    let left: Option<i64> = sqlx::query_scalar(
        "SELECT greatest(pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()), 0)::bigint",
    )
    .bind(lsn)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| db_error("cannot read the replay position of", url, e))?;
    left.ok_or_else(|| {
        miette::miette!(
            code = "strata::cluster::not_a_replica",
            help = "give the URL of a streaming replica (a standby in recovery)",
            "{} is not a standby: it replays no WAL",
            redact(url)
        )
    })
}

/// How far each replica is from having replayed `lsn`, by name; `None`:
/// it reports no position.
type Positions = Vec<(String, Option<i64>)>;

impl Replicas {
    pub fn new(primary: &str, source: Source, names: Vec<String>) -> Replicas {
        let slots = match &source {
            Source::Urls(urls) => urls.iter().map(|_| None).collect(),
            Source::Stat => Vec::new(),
        };
        Replicas {
            primary: primary.to_string(),
            source,
            names,
            max_lag: Duration::from_secs(10),
            wait: Duration::from_secs(300),
            conns: Mutex::new(slots),
        }
    }

    pub fn count(&self) -> usize {
        self.names.len()
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    async fn positions(&self, lsn: &str) -> miette::Result<Positions> {
        match &self.source {
            Source::Urls(urls) => {
                let mut conns = self.conns.lock().await;
                let mut out = Vec::new();
                for (url, slot) in urls.iter().zip(conns.iter_mut()) {
                    if slot.is_none() {
                        *slot = Some(connect(url).await?);
                    }
                    let Some(conn) = slot.as_mut() else {
                        continue;
                    };
                    out.push((redact(url), Some(behind(conn, url, lsn).await?)));
                }
                Ok(out)
            }
            Source::Stat => {
                let mut conn = connect(&self.primary).await?;
                let rows: Vec<(String, Option<i64>)> = sqlx::query_as(
                    "SELECT coalesce(application_name, '') || '@' || coalesce(host(client_addr), 'local'), \
                     greatest(pg_wal_lsn_diff($1::pg_lsn, replay_lsn), 0)::bigint \
                     FROM pg_stat_replication WHERE replay_lsn IS NOT NULL ORDER BY 1",
                )
                .bind(lsn)
                .fetch_all(&mut conn)
                .await
                .map_err(|e| db_error("cannot read pg_stat_replication on", &self.primary, e))?;
                let _ = conn.close().await;
                Ok(rows)
            }
        }
    }

    /// Polls until every replica has replayed the primary's WAL as it is
    /// now, or `limit` passed: the time it took, or the replicas still
    /// behind (with the bytes left) when it did not.
    async fn catch_up(&self, limit: Duration) -> miette::Result<Result<Duration, Positions>> {
        let lsn = primary_lsn(&self.primary).await?;
        let started = Instant::now();
        let mut pause = Duration::from_millis(20);
        loop {
            let left: Positions = self
                .positions(&lsn)
                .await?
                .into_iter()
                .filter(|(_, b)| *b != Some(0))
                .collect();
            if left.is_empty() {
                return Ok(Ok(started.elapsed()));
            }
            if started.elapsed() >= limit {
                return Ok(Err(left));
            }
            tokio::time::sleep(pause.min(limit.saturating_sub(started.elapsed()))).await;
            pause = (pause * 2).min(Duration::from_millis(500));
        }
    }

    /// Before a step: the replicas must replay what the primary has
    /// written within `max_lag`; else wait for them, up to `wait`.
    pub async fn wait_for(&self, what: &str) -> miette::Result<()> {
        let left = match self.catch_up(self.max_lag).await? {
            Ok(_) => return Ok(()),
            Err(left) => left,
        };
        eprintln!(
            "replicas: over --max-replica-lag {}s before `{what}` ({}): waiting up to {}s…",
            self.max_lag.as_secs_f64(),
            describe(&left),
            self.wait.as_secs_f64()
        );
        match self.catch_up(self.wait.saturating_sub(self.max_lag)).await? {
            Ok(t) => {
                eprintln!(
                    "replicas: caught up after {:.1}s more",
                    t.as_secs_f64()
                );
                Ok(())
            }
            Err(left) => Err(miette::miette!(
                code = "strata::cluster::replica_lag",
                help = "find what holds the replicas back (pg_stat_replication, a paused replay, a long query on a standby), or raise --max-replica-lag / --replica-wait",
                "replicas still behind after waiting {}s ({}): stopped before `{what}`; the steps before it stay applied",
                self.wait.as_secs_f64(),
                describe(&left)
            )),
        }
    }

    /// After a step committed: how long the replicas took to replay it.
    pub async fn measure(&self, what: &str) -> miette::Result<()> {
        match self.catch_up(self.wait).await? {
            Ok(t) => eprintln!("replicas: replayed `{what}` in {:.2}s", t.as_secs_f64()),
            Err(left) => eprintln!(
                "replicas: still behind {}s after `{what}` ({})",
                self.wait.as_secs_f64(),
                describe(&left)
            ),
        }
        Ok(())
    }
}

/// `name N bytes behind, …`.
fn describe(left: &Positions) -> String {
    left.iter()
        .map(|(name, b)| match b {
            Some(b) => format!("{name} {b} bytes behind"),
            None => format!("{name} reports no replay position"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl Gate for Replicas {
    fn before<'a>(&'a self, what: &'a str) -> LocalBoxFuture<'a, miette::Result<()>> {
        Box::pin(self.wait_for(what))
    }

    fn after<'a>(&'a self, what: &'a str) -> LocalBoxFuture<'a, miette::Result<()>> {
        Box::pin(self.measure(what))
    }
}

/// `--read-url`: the replica the schema is read from must have replayed
/// the primary's WAL as it is now (waiting up to `wait`), so that the
/// plan is made from the primary's schema; else how stale it is.
pub async fn caught_up(primary: &str, replica: &str, wait: Duration) -> miette::Result<()> {
    let set = Replicas::new(
        primary,
        Source::Urls(vec![replica.to_string()]),
        vec![redact(replica)],
    );
    match set.catch_up(wait).await? {
        Ok(t) => {
            eprintln!(
                "Reading the schema from replica {} (caught up with the primary in {:.2}s).",
                redact(replica),
                t.as_secs_f64()
            );
            Ok(())
        }
        Err(left) => Err(miette::miette!(
            code = "strata::cluster::stale_replica",
            help = "read from the primary (drop --read-url), or wait for the replica to catch up",
            "the replica --read-url is stale: after {}s, {}; a plan made from it could undo recent changes",
            wait.as_secs_f64(),
            describe(&left)
        )),
    }
}
