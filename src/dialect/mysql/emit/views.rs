//! Views: `CREATE [OR REPLACE] VIEW`.

use crate::dialect::mysql::quote::{idents, name};
use crate::ir::View;

pub(super) fn create_view(v: &View, replace: bool) -> String {
    let cols = if v.columns.is_empty() {
        String::new()
    } else {
        format!(" ({})", idents(&v.columns))
    };
    format!(
        "CREATE {}VIEW {}{cols} AS {}",
        if replace { "OR REPLACE " } else { "" },
        name(&v.name),
        v.body.trim().trim_end_matches(';')
    )
}
