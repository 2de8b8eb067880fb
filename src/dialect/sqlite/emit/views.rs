//! Views (plain only: SQLite has no materialized views).

use super::unsupported;
use crate::dialect::sqlite::quote::{ident, ident_list};
use crate::dialect::EmitError;
use crate::ir::View;

pub(super) fn create_view(v: &View) -> Result<String, EmitError> {
    if v.materialized {
        return Err(unsupported(
            format!("create materialized view {}", v.name),
            Some("use a plain view, or a table that the application refreshes"),
        ));
    }
    let cols = if v.columns.is_empty() {
        String::new()
    } else {
        format!(" ({})", ident_list(&v.columns))
    };
    Ok(format!(
        "CREATE VIEW {}{cols} AS {}",
        ident(&v.name.name),
        v.body
    ))
}
