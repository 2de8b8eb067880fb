//! The dialect-free hazard rules, one per file (each with its tests at the
//! bottom). A dialect adds its own through `Dialect::hazards`.

mod drop_column;
mod drop_table;
mod enum_value_removed;
mod new_constraint;
mod not_null;
mod type_change;

use super::Hazard;
use crate::diff::Change;

/// Every dialect-free hazard of one change.
pub fn check(change: &Change) -> Vec<Hazard> {
    let mut out = Vec::new();
    out.extend(drop_table::check(change));
    out.extend(enum_value_removed::check(change));
    if let Change::AlterTable { to, changes, .. } = change {
        let table = &to.name;
        for c in changes {
            out.extend(drop_column::check(table, c));
            out.extend(type_change::check(table, c));
            out.extend(not_null::check(table, c));
            out.extend(new_constraint::check(table, c));
        }
    }
    out
}
