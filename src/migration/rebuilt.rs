//! A table SQLite rebuilds is made anew from strata's model of it: what
//! its definition holds that the model leaves out (`ON CONFLICT` clauses,
//! a key's own COLLATE, a definition strata could not read), recorded by
//! introspection as [`crate::ir::Unmodeled`] on the table, would be gone
//! after the copy, silently changing what the table accepts. A plan that
//! rebuilds such a table is refused here (E0256) before any SQL is
//! written; a plan that drops the table, or changes it in place, is not.

use crate::dialect::{Dialect, EmitError};
use crate::diff::Change;
use crate::ir::{DepObject, Schema};
use crate::plan::Plan;

/// Refuses `plan` (from the database `db`) when it rebuilds a table whose
/// definition there holds something strata does not model.
pub fn check(plan: &Plan, db: &Schema, dialect: &dyn Dialect) -> Result<(), EmitError> {
    if db.depends.unmodeled.is_empty() {
        return Ok(());
    }
    for step in &plan.steps {
        let Change::AlterTable { from, to, changes } = &step.change else {
            continue;
        };
        if !dialect.rebuilds(from, to, changes) {
            continue;
        }
        let table = DepObject::Relation(from.name.clone()).lowercased();
        let lost: Vec<&str> = db
            .depends
            .unmodeled
            .iter()
            .filter(|u| u.on == table && u.owner.as_ref() == Some(&table))
            .map(|u| u.what.as_str())
            .collect();
        if !lost.is_empty() {
            return Err(EmitError::RebuildLoses {
                what: format!(
                    "the plan rebuilds table `{}` (its rows copied into a new table made from strata's model), but its definition holds what strata does not model: {}; the rebuilt table would lose {}",
                    from.name,
                    lost.join(", "),
                    if lost.len() == 1 { "it" } else { "them" }
                ),
                help: "make this change by hand, keeping the clause, or remove the clause first (a rebuild of the table without it loses nothing)".into(),
            });
        }
    }
    Ok(())
}
