//! Order changes on a dependency graph and attach their hazards. The plan
//! says what happens in which order; it never writes SQL text.

use serde::Serialize;

use crate::diff::Change;

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

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Hazard {
    pub kind: HazardKind,
    /// One sentence a reviewer can act on, naming the object.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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
}

impl HazardKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HazardKind::DataLoss => "data_loss",
            HazardKind::TableRebuild => "table_rebuild",
            HazardKind::TableRewrite => "table_rewrite",
            HazardKind::AccessExclusiveLock => "access_exclusive_lock",
            HazardKind::IndexBuild => "index_build",
            HazardKind::NotTransactional => "not_transactional",
            HazardKind::MayFail => "may_fail",
        }
    }

    /// Whether the change is refused without `--allow-destructive`.
    pub fn is_destructive(self) -> bool {
        self == HazardKind::DataLoss
    }
}

use crate::dialect::{Dialect, EmitError, EmitOptions, Script};
use crate::ir::Schema;

/// Orders changes for a dialect and attaches every hazard.
pub fn plan(_changes: Vec<Change>, _dialect: &dyn Dialect, _options: &EmitOptions) -> Plan {
    Plan::default()
}

/// Everything a migration between two schemas needs: the ordered plan, the
/// SQL that applies it, and the SQL that undoes it (the plan of the
/// reversed changes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub plan: Plan,
    pub up: Script,
    pub down: Script,
}

/// Normalizes both schemas with the dialect, diffs, plans and emits both
/// directions.
pub fn migration(
    _from: &Schema,
    _to: &Schema,
    _dialect: &dyn Dialect,
    _options: &EmitOptions,
) -> Result<Migration, EmitError> {
    Ok(Migration {
        plan: Plan::default(),
        up: Script::default(),
        down: Script::default(),
    })
}
