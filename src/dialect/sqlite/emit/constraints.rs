//! Constraint clauses as `CREATE TABLE` takes them (SQLite adds and drops
//! constraints only by rebuilding the table).

use crate::dialect::sqlite::quote::{ident, ident_list};
use crate::ir::{ForeignKey, MatchType};

pub(super) fn constraint_name(n: &Option<String>) -> String {
    n.as_ref()
        .map(|n| format!("CONSTRAINT {} ", ident(n)))
        .unwrap_or_default()
}

pub(super) fn foreign_key(fk: &ForeignKey) -> String {
    let mut s = format!(
        "{}FOREIGN KEY ({}) REFERENCES {}",
        constraint_name(&fk.name),
        ident_list(&fk.columns),
        ident(&fk.ref_table.name)
    );
    if !fk.ref_columns.is_empty() {
        s.push_str(&format!(" ({})", ident_list(&fk.ref_columns)));
    }
    if !fk.on_delete.is_default() {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if !fk.on_update.is_default() {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    match fk.match_type {
        MatchType::Simple => {}
        MatchType::Full => s.push_str(" MATCH FULL"),
        MatchType::Partial => s.push_str(" MATCH PARTIAL"),
    }
    match fk.deferral {
        crate::ir::Deferral::NotDeferrable => {}
        crate::ir::Deferral::InitiallyImmediate => s.push_str(" DEFERRABLE INITIALLY IMMEDIATE"),
        crate::ir::Deferral::InitiallyDeferred => s.push_str(" DEFERRABLE INITIALLY DEFERRED"),
    }
    s
}
