//! Triggers: `CREATE TRIGGER … FOR EACH ROW`, under the `sql_mode` the
//! schema gives.

use crate::dialect::mysql::quote::{ident, name, string};
use crate::ir::Trigger;

/// Saves the session's `sql_mode` and sets the one a trigger is created
/// under; [`RESTORE_MODE`] puts it back. A trigger keeps the mode it was
/// created under, and apply runs these again on resume.
pub const SET_MODE: &str = "SET @strata_sql_mode = @@SESSION.sql_mode, SESSION sql_mode = ";
pub const RESTORE_MODE: &str = "SET SESSION sql_mode = @strata_sql_mode";

/// The statements that create `t`: with a `sql_mode` of its own, between
/// the session statements that set and restore it.
pub(super) fn create_trigger(t: &Trigger) -> Vec<String> {
    let create = create_statement(t);
    match t.options.get("sql_mode") {
        Some(mode) => vec![
            format!("{SET_MODE}{}", string(mode)),
            create,
            RESTORE_MODE.to_string(),
        ],
        None => vec![create],
    }
}

fn create_statement(t: &Trigger) -> String {
    format!(
        "CREATE TRIGGER {} {} {} ON {} FOR EACH ROW {}",
        ident(&t.name),
        t.timing.to_ascii_uppercase(),
        t.events.join(" OR ").to_ascii_uppercase(),
        name(&t.table),
        t.body.trim().trim_end_matches(';')
    )
}
