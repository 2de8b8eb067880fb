//! `apply`'s cluster flags (docs/clusters.md); the work is in
//! `crate::cluster`.

use std::time::Duration;

use super::common::parse_duration;
use crate::cluster::Settings;

/// How DDL reaches the nodes of a Galera cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Osu {
    /// As the server is set (Total Order Isolation by default): the whole
    /// cluster runs each DDL at once.
    #[default]
    Toi,
    /// Rolling Schema Upgrade: node by node, for backward-compatible
    /// changes only.
    Rsu,
}

#[derive(Debug, Clone, clap::Args)]
pub struct ClusterArgs {
    /// A streaming replica of the PostgreSQL primary (repeatable; default:
    /// the environment's `replicas`, then those `pg_stat_replication`
    /// lists). Before each step the replicas must have replayed the
    /// primary's WAL within --max-replica-lag.
    #[arg(long = "replica", value_name = "URL")]
    pub replicas: Vec<String>,
    /// How far behind the replicas may be before a step: the time they
    /// take to replay what the primary wrote so far.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10s")]
    pub max_replica_lag: Duration,
    /// How long to wait for replicas over --max-replica-lag (then the
    /// apply stops), or for Galera nodes to be Synced again.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "5m")]
    pub replica_wait: Duration,
    /// Read the current schema from this PostgreSQL replica, and apply on
    /// --url (the primary); the replica must have caught up with it.
    #[arg(long, value_name = "URL")]
    pub read_url: Option<String>,
    /// How DDL runs on a MariaDB Galera cluster: `toi` as configured, or
    /// `rsu` node by node (backward-compatible changes only).
    #[arg(long, value_enum, default_value = "toi")]
    pub galera_osu: Osu,
}

impl ClusterArgs {
    /// Any cluster flag given (they are for one database, not a fleet).
    pub fn given(&self) -> bool {
        !self.replicas.is_empty() || self.read_url.is_some() || self.galera_osu == Osu::Rsu
    }

    /// The environment's `replicas` when no --replica is given.
    pub fn with_env(&mut self, env: Option<&crate::config::Env>) -> miette::Result<()> {
        if let (true, Some(env)) = (self.replicas.is_empty(), env) {
            self.replicas = env.replicas()?;
        }
        Ok(())
    }

    pub fn settings(&self) -> Settings {
        Settings {
            replicas: self.replicas.clone(),
            max_lag: self.max_replica_lag,
            wait: self.replica_wait,
            rsu: self.galera_osu == Osu::Rsu,
            read_from_replica: self.read_url.is_some(),
        }
    }
}

/// `strata plan` on one database: the cluster it is part of stated, and
/// its hazards added (Galera under TOI; hot-standby conflicts with the
/// replicas `pg_stat_replication` lists).
pub fn annotate_plan(
    rt: &tokio::runtime::Runtime,
    url: &str,
    kind: crate::ir::DialectKind,
    m: &mut crate::migration::Migration,
) -> miette::Result<()> {
    let settings = Settings {
        max_lag: Duration::from_secs(10),
        wait: Duration::from_secs(300),
        ..Settings::default()
    };
    let cluster = rt.block_on(crate::cluster::survey(url, kind, &settings))?;
    rt.block_on(cluster.annotate(url, m))
}
