//! SQLite's hazards of a change: a table rebuilt (its rows copied into a
//! new table), and a STRICT table's type change that the copy may refuse.
//! Computed from the change alone, with [`super::rebuild::needs_rebuild`]
//! deciding what the emitter will rebuild; no SQL is written here.

use super::rebuild::needs_rebuild;
use crate::dialect::EmitOptions;
use crate::diff::{Change, TableChange};
use crate::ir::Table;
use crate::plan::{Hazard, HazardKind};

/// Hazards of a whole change, for the planner. Only a table change that
/// rebuilds the table has any.
pub fn hazards(change: &Change, _options: &EmitOptions) -> Vec<Hazard> {
    match change {
        Change::AlterTable { from, to, changes } => alter_table(from, to, changes),
        _ => Vec::new(),
    }
}

/// The hazards of a change to a table that SQLite makes by rebuilding it.
fn alter_table(from: &Table, to: &Table, changes: &[TableChange]) -> Vec<Hazard> {
    if !needs_rebuild(from, to, changes) {
        return Vec::new();
    }
    let name = &to.name;
    let mut out = vec![Hazard {
        kind: HazardKind::TableRebuild,
        message: format!(
            "table {name} is rebuilt: its rows are copied into a new table that replaces it, which takes time and space in proportion to its size"
        ), acknowledged: None,
    }];
    // Dropped columns, new NOT NULLs and new constraints are the
    // planner's dialect-free hazards; a STRICT table's types are ours.
    for c in changes {
        if let TableChange::AlterColumn { to: b, what, .. } = c {
            if what.ty && to.options.contains_key("strict") {
                out.push(Hazard {
                    kind: HazardKind::MayFail,
                    message: format!(
                        "{name}.{} changes type in a STRICT table: the copy fails on a value of another type",
                        b.name
                    ), acknowledged: None,
                });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
