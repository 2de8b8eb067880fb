//! The clustered engines an apply respects (docs/clusters.md): a
//! PostgreSQL primary with streaming replicas (`replica.rs`) and a
//! MariaDB Galera cluster (`galera.rs`); the hazards they add to a plan
//! (`hazards.rs`). `survey` finds what the target database is part of,
//! `Cluster` then annotates its plans, paces the apply, or runs it as a
//! Rolling Schema Upgrade.

pub mod galera;
pub mod hazards;
pub mod replica;

use std::rc::Rc;
use std::time::Duration;

use crate::dialect::driver::GateRef;
use crate::dialect::{ApplyReport, Expected, Script};
use crate::ir::DialectKind;
use crate::migration::Migration;
use crate::url::redact;
use galera::Galera;
use replica::{Replicas, Source};

/// What the user asked of the cluster.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Replica URLs; none: the ones `pg_stat_replication` lists are used.
    pub replicas: Vec<String>,
    pub max_lag: Duration,
    /// How long to wait for replicas to catch up, or Galera nodes to be
    /// Synced again.
    pub wait: Duration,
    /// Apply Galera DDL node by node with `wsrep_OSU_method='RSU'`.
    pub rsu: bool,
    /// The schema is read from a replica (`--read-url`).
    pub read_from_replica: bool,
}

/// What the target database is part of.
pub enum Cluster {
    Alone,
    Replicas(Rc<Replicas>),
    Galera {
        galera: Galera,
        rsu: bool,
        wait: Duration,
    },
}

fn misplaced(flag: &str, kind: DialectKind, engine: &str) -> miette::Report {
    miette::miette!(
        code = "strata::cluster::flag",
        help = format!("drop {flag}: it is for {engine}"),
        "{flag} does not apply to a {kind} database"
    )
}

/// Finds the replicas or the Galera cluster of the database at `url`,
/// and says what it found (on stderr, beside the plan).
pub async fn survey(url: &str, kind: DialectKind, s: &Settings) -> miette::Result<Cluster> {
    if kind != DialectKind::Postgres && !s.replicas.is_empty() {
        return Err(misplaced("--replica", kind, "PostgreSQL"));
    }
    if kind != DialectKind::Postgres && s.read_from_replica {
        return Err(misplaced("--read-url", kind, "PostgreSQL"));
    }
    match kind {
        DialectKind::Postgres => replicas(url, s).await,
        DialectKind::Mysql => match galera::detect(url).await? {
            Some(g) => {
                eprintln!(
                    "Galera cluster of {} node(s): {}; schema changes run {}.",
                    g.nodes.len(),
                    g.nodes
                        .iter()
                        .map(|n| redact(n))
                        .collect::<Vec<_>>()
                        .join(", "),
                    if s.rsu {
                        "as a Rolling Schema Upgrade (RSU), node by node".to_string()
                    } else {
                        format!("under {} (wsrep_OSU_method)", g.osu)
                    }
                );
                Ok(Cluster::Galera {
                    galera: g,
                    rsu: s.rsu,
                    wait: s.wait,
                })
            }
            None if s.rsu => Err(miette::miette!(
                code = "strata::cluster::not_galera",
                help = "drop --galera-osu: the server is not a Galera node (wsrep_on is OFF)",
                "--galera-osu rsu needs a Galera cluster: {} is not part of one",
                redact(url)
            )),
            None => Ok(Cluster::Alone),
        },
        _ if s.rsu => Err(misplaced("--galera-osu", kind, "MariaDB Galera")),
        _ => Ok(Cluster::Alone),
    }
}

async fn replicas(url: &str, s: &Settings) -> miette::Result<Cluster> {
    let (source, names) = if s.replicas.is_empty() {
        let found = replica::discover(url).await?;
        if found.is_empty() {
            return Ok(Cluster::Alone);
        }
        let names: Vec<String> = found.iter().map(|f| f.name.clone()).collect();
        eprintln!(
            "Found {} streaming replica(s) in pg_stat_replication: {} (lag read there; give --replica URL to read it on the replica).",
            found.len(),
            found
                .iter()
                .map(|f| format!("{} ({})", f.name, f.state))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if found.iter().any(|f| !f.visible) {
            eprintln!(
                "warning: this role cannot see the replicas' replay positions (it needs pg_read_all_stats): their lag is not checked; give --replica URL to read it on each replica."
            );
        }
        (Source::Stat, names)
    } else {
        let names = s.replicas.iter().map(|r| redact(r)).collect();
        (Source::Urls(s.replicas.clone()), names)
    };
    let mut set = Replicas::new(url, source, names);
    set.max_lag = s.max_lag;
    set.wait = s.wait;
    Ok(Cluster::Replicas(Rc::new(set)))
}

impl Cluster {
    /// Adds the cluster's hazards to a plan; refuses a plan that cannot
    /// be a Rolling Schema Upgrade when one was asked for.
    pub async fn annotate(&self, url: &str, m: &mut Migration) -> miette::Result<()> {
        match self {
            Cluster::Alone => Ok(()),
            Cluster::Replicas(r) => {
                hazards::standby_conflicts(m, r.count());
                Ok(())
            }
            Cluster::Galera { rsu: true, .. } => match hazards::rsu_refusal(&m.plan) {
                None => Ok(()),
                Some(why) => Err(miette::miette!(
                    code = "strata::cluster::rsu_refused",
                    help = "apply it under TOI (drop --galera-osu rsu), in a quiet window: every node waits for each DDL",
                    "this plan cannot be a Rolling Schema Upgrade: {why}"
                )),
            },
            Cluster::Galera { galera, .. } => {
                for (step, schema, table) in hazards::altered_tables(m) {
                    let size = galera::table_size(url, schema.as_deref(), &table).await?;
                    if let Some((db, rows, bytes)) = size {
                        let q = crate::dialect::for_kind(DialectKind::Mysql);
                        let shown = format!("{}.{}", q.quote_ident(&db), q.quote_ident(&table));
                        hazards::galera_toi(m, step, &shown, (rows, bytes), galera.nodes.len());
                    }
                }
                Ok(())
            }
        }
    }

    /// What the driver calls around each unit it commits.
    pub fn gate(&self) -> Option<GateRef> {
        match self {
            Cluster::Replicas(r) => Some(GateRef(r.clone())),
            _ => None,
        }
    }

    /// Runs the script node by node when a Rolling Schema Upgrade was
    /// asked for; `None`: the driver applies it as usual.
    pub async fn apply(
        &self,
        script: &Script,
        expected: &Expected,
    ) -> Option<miette::Result<ApplyReport>> {
        match self {
            Cluster::Galera {
                galera,
                rsu: true,
                wait,
            } => Some(galera::apply_rsu(galera, script, expected, *wait).await),
            _ => None,
        }
    }

    /// Before the apply: every Galera node Synced.
    pub async fn check_before(&self) -> miette::Result<()> {
        match self {
            Cluster::Galera { galera, .. } => {
                galera::require_synced(galera, "before the apply").await
            }
            _ => Ok(()),
        }
    }

    /// After the apply: every Galera node Synced again.
    pub async fn check_after(&self) -> miette::Result<()> {
        match self {
            Cluster::Galera { galera, .. } => {
                galera::require_synced(galera, "after the apply").await?;
                eprintln!("All {} Galera nodes are Synced.", galera.nodes.len());
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
