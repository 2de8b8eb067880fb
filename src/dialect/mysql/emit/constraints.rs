//! Foreign key definitions, as `CREATE TABLE` and `ALTER TABLE … ADD`
//! take them.

use crate::dialect::mysql::quote::{ident, idents, name};
use crate::ir::ForeignKey;

pub(super) fn fk_def(fk: &ForeignKey) -> String {
    let mut s = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        ident(fk.name.as_deref().unwrap_or("")),
        idents(&fk.columns),
        name(&fk.ref_table),
        idents(&fk.ref_columns)
    );
    if !fk.on_delete.is_default() {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if !fk.on_update.is_default() {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    s
}
