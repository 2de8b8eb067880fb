//! Order changes on a dependency graph and attach their hazards. The plan
//! says what happens in which order; it never writes SQL text.
//!
//! - [`edges`]: what each change provides, removes and leans on, from
//!   which [`order`] draws the graph's edges;
//! - [`order`]: the petgraph graph, foreign-key cycles detached, a stable
//!   topological sort;
//! - [`recreate`]: unchanged views, triggers and policies dropped and
//!   recreated around changes that would break them;
//! - [`remade_functions`]: defaults, checks, indexes and domain checks
//!   taken off and put back around a function dropped and created anew;
//! - [`pinned_keys`]: foreign keys dropped and added back around changes
//!   to the columns they use, where the dialect requires it;
//! - [`recorded`]: ordering edges from the dependencies the server
//!   records (`pg_depend`), where they close no cycle;
//! - [`refs`]: the identifier scanner that finds what a SQL body mentions;
//! - [`hazard`]: the dialect-free hazard rules, one per file;
//! - [`target`]: what the planner asks of the database it plans for
//!   ([`Capabilities`], [`Target`]), answered by each dialect.

mod edges;
pub mod hazard;
mod order;
mod pinned_keys;
mod positions;
mod recorded;
mod recreate;
pub mod refs;
mod regrant;
mod remade_functions;
mod target;

use serde::{Deserialize, Serialize};

use crate::diff::Change;
use crate::ir::Schema;

pub use recorded::Recorded;
pub use target::{Capabilities, Target};

/// An ordered list of steps; executing them in order is the migration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub change: Change,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hazards: Vec<Hazard>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hazard {
    pub kind: HazardKind,
    /// One sentence a reviewer can act on, naming the object.
    pub message: String,
    /// The reason of the schema's `acknowledge` that accepts this hazard:
    /// shown, but never refused ([`hazard::ack`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardKind {
    /// Rows or values are lost: dropped table or column, narrowing type.
    /// Refused unless the user allows destructive changes.
    DataLoss,
    /// The table is copied into a new one (SQLite rebuild).
    TableRebuild,
    /// The server rewrites the whole table in place.
    TableRewrite,
    /// Readers and writers are blocked while the statement runs.
    AccessExclusiveLock,
    /// An index is built; long on big tables.
    IndexBuild,
    /// Cannot run inside a transaction; runs on its own after it.
    NotTransactional,
    /// Existing rows may violate the new rule and make the statement fail.
    MayFail,
    /// Roles lose access they had: row-level security enabled on a table
    /// without a policy lets no rows through for anyone but its owner.
    LocksOut,
    /// A long lock or rewrite replayed on PostgreSQL hot standbys, where
    /// it cancels or holds up their queries (src/cluster/replica.rs).
    StandbyConflict,
    /// DDL run under Galera's Total Order Isolation: every node of the
    /// cluster waits for it (src/cluster/galera.rs).
    GaleraToi,
    /// `--keep-dropped`: a dropped table is moved aside, its rows kept;
    /// costs disk until `strata gc`.
    KeptAside,
    /// The rollback cannot bring back what the plan destroys: a dropped
    /// column comes back empty, a dropped table without its rows, a
    /// narrowed column with its cut values. Carried by the rollback's
    /// steps (`rollback::check`); judged by the policy like the forward
    /// plan's hazards.
    RollbackLosesData,
}

impl HazardKind {
    /// Every kind, in the order of [`HazardKind::IDS`].
    pub const ALL: [HazardKind; 12] = [
        HazardKind::DataLoss,
        HazardKind::TableRebuild,
        HazardKind::TableRewrite,
        HazardKind::AccessExclusiveLock,
        HazardKind::IndexBuild,
        HazardKind::NotTransactional,
        HazardKind::MayFail,
        HazardKind::LocksOut,
        HazardKind::StandbyConflict,
        HazardKind::GaleraToi,
        HazardKind::KeptAside,
        HazardKind::RollbackLosesData,
    ];

    /// The rule ids (`strata.toml` `[hazards]`, docs/hazards/<id>.md).
    pub const IDS: &'static [&'static str] = &[
        "data-loss",
        "table-rebuild",
        "table-rewrite",
        "access-exclusive-lock",
        "index-build",
        "not-transactional",
        "may-fail",
        "locks-out",
        "standby-conflict",
        "galera-toi",
        "kept-aside",
        "rollback-loses-data",
    ];

    /// The stable rule id: the kind's name in kebab-case.
    pub fn id(self) -> &'static str {
        match self {
            HazardKind::DataLoss => "data-loss",
            HazardKind::TableRebuild => "table-rebuild",
            HazardKind::TableRewrite => "table-rewrite",
            HazardKind::AccessExclusiveLock => "access-exclusive-lock",
            HazardKind::IndexBuild => "index-build",
            HazardKind::NotTransactional => "not-transactional",
            HazardKind::MayFail => "may-fail",
            HazardKind::LocksOut => "locks-out",
            HazardKind::StandbyConflict => "standby-conflict",
            HazardKind::GaleraToi => "galera-toi",
            HazardKind::KeptAside => "kept-aside",
            HazardKind::RollbackLosesData => "rollback-loses-data",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HazardKind::DataLoss => "data_loss",
            HazardKind::TableRebuild => "table_rebuild",
            HazardKind::TableRewrite => "table_rewrite",
            HazardKind::AccessExclusiveLock => "access_exclusive_lock",
            HazardKind::IndexBuild => "index_build",
            HazardKind::NotTransactional => "not_transactional",
            HazardKind::MayFail => "may_fail",
            HazardKind::LocksOut => "locks_out",
            HazardKind::StandbyConflict => "standby_conflict",
            HazardKind::GaleraToi => "galera_toi",
            HazardKind::KeptAside => "kept_aside",
            HazardKind::RollbackLosesData => "rollback_loses_data",
        }
    }

    /// The level of the rule when no policy names it: data loss is
    /// refused (`--allow-destructive` accepts it), the rest are shown.
    pub fn default_level(self) -> crate::config::Level {
        match self {
            HazardKind::DataLoss => crate::config::Level::Error,
            _ => crate::config::Level::Warn,
        }
    }

    /// Whether the change is refused without `--allow-destructive`.
    pub fn is_destructive(self) -> bool {
        self == HazardKind::DataLoss
    }
}

/// The changes of both directions, ready to order: `changes` (between
/// the normalized schemas `from` and `to`) and their reverse, each with
/// what the target needs around them — column moves it cannot make
/// dropped, foreign keys that pin a changed column dropped and added back,
/// views, triggers and policies over a changed object recreated.
pub fn directions(
    mut changes: Vec<Change>,
    from: &Schema,
    to: &Schema,
    target: &dyn Target,
) -> (Vec<Change>, Vec<Change>) {
    let caps = target.capabilities();
    if !caps.move_columns {
        positions::ignore_column_order(&mut changes);
    }
    let mut back: Vec<Change> = changes.iter().map(Change::reverse).collect();
    let mut forward = changes;
    pinned_keys::unpin_foreign_keys(&mut forward, from, to, &caps);
    pinned_keys::unpin_foreign_keys(&mut back, to, from, &caps);
    recreate::recreate_dependents(&mut forward, from, to, target);
    recreate::recreate_dependents(&mut back, to, from, target);
    remade_functions::around_remade_functions(&mut forward, from, to);
    remade_functions::around_remade_functions(&mut back, to, from);
    regrant::regrant_created(&mut forward, from, to);
    regrant::regrant_created(&mut back, to, from);
    regrant::revoke_defaults(&mut forward, from, to);
    regrant::revoke_defaults(&mut back, to, from);
    (forward, back)
}

/// Orders changes for a target and attaches the dialect-free hazards
/// ([`hazard`]); the dialect's own are added by `crate::migration`.
///
/// Ordering is a dependency graph (see [`order`]): namespaces, extensions,
/// types and sequences before what uses them; a referenced table before
/// the table that references it (foreign-key cycles detached into
/// `AlterTable` steps that add the keys afterwards, unless the target
/// resolves foreign keys lazily); drops in reverse; views and triggers
/// after what they read. Ties keep a fixed order, so the same changes
/// always give the same plan.
pub fn plan(changes: Vec<Change>, target: &dyn Target) -> Plan {
    plan_recorded(changes, target, Recorded::default())
}

/// [`plan`], ordered by the server's recorded dependencies too
/// ([`recorded`]): those of the database the changes start from order
/// what they drop, those of the desired database (if it is one) what
/// they make.
pub fn plan_recorded(changes: Vec<Change>, target: &dyn Target, recorded: Recorded) -> Plan {
    let caps = target.capabilities();
    let changes = recreate::split_entangled_views(changes, &caps);
    let steps = order::order(changes, &caps, recorded)
        .into_iter()
        .map(|change| {
            let hazards = hazard::check(&change);
            Step { change, hazards }
        })
        .collect();
    Plan { steps }
}
