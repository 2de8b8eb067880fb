//! What the planner asks of the database it plans for. The planner never
//! names a dialect: it reads these facts, and each dialect answers them
//! (`impl Target` in `dialect/<d>/mod.rs`). Declaring the questions here
//! keeps the dependency one way: `dialect` imports `plan`, never back.

use crate::diff::TableChange;
use crate::ir::Table;

/// Facts the planner needs to order steps correctly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// DDL can run inside a transaction and be rolled back.
    pub transactional_ddl: bool,
    /// A foreign key may name a table that does not exist yet (SQLite), so
    /// creation order and foreign-key cycles do not matter.
    pub lazy_foreign_keys: bool,
    /// Constraints can be added and dropped with ALTER TABLE. When false,
    /// such a change rebuilds the table (SQLite).
    pub alter_constraints: bool,
    /// A column's type, charset or collation cannot change while a foreign
    /// key uses it, on either side (MySQL): the planner drops those keys
    /// before the change and adds them back after.
    pub foreign_keys_pin_columns: bool,
    /// A column can be moved within its table in place (MySQL `MODIFY …
    /// AFTER`). When false, a difference in column order alone is not
    /// planned: PostgreSQL cannot move a column, and SQLite would rebuild
    /// the table for it.
    pub move_columns: bool,
    /// Index names (a key's too) share the schema's namespace with its
    /// tables and views (PostgreSQL), not the table's: an index name that
    /// moves to another table must be freed before it is taken again.
    pub schema_wide_index_names: bool,
}

/// The database a plan is for, as the planner sees it.
pub trait Target {
    /// Facts the planner needs to order steps correctly.
    fn capabilities(&self) -> Capabilities;

    /// Whether the emitter makes these changes to a table by rebuilding it
    /// (SQLite), which takes the views and triggers over it along. Only
    /// asked of targets without `alter_constraints`.
    fn rebuilds(&self, _from: &Table, _to: &Table, _changes: &[TableChange]) -> bool {
        false
    }
}
