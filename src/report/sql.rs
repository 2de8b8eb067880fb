//! A script as SQL text that the database's own client runs as-is.

use crate::dialect::{Dialect, Script};

/// Placeholder rendering; the full renderer (transaction boundaries,
/// hazard comments) replaces it.
pub fn render(_dialect: &dyn Dialect, script: &Script) -> String {
    let mut out = String::new();
    for s in script.statements() {
        out.push_str(&s.sql);
        out.push_str(";\n");
    }
    out
}
