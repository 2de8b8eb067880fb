//! Triggers: `CREATE TRIGGER … FOR EACH ROW`.

use crate::dialect::mysql::quote::{ident, name};
use crate::ir::Trigger;

pub(super) fn create_trigger(t: &Trigger) -> String {
    format!(
        "CREATE TRIGGER {} {} {} ON {} FOR EACH ROW {}",
        ident(&t.name),
        t.timing.to_ascii_uppercase(),
        t.events.join(" OR ").to_ascii_uppercase(),
        name(&t.table),
        t.body.trim().trim_end_matches(';')
    )
}
