//! Triggers: `CREATE TRIGGER … FOR EACH ROW`, under the `sql_mode` the
//! schema gives.

use crate::dialect::mysql::quote::{ident, name};
use crate::ir::Trigger;

/// The statements that create `t`: with a `sql_mode` of its own, between
/// the session statements that set and restore it.
pub(super) fn create_trigger(t: &Trigger) -> Vec<String> {
    super::session::under(&t.options, create_statement(t))
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
