//! Views and materialized views (with their indexes and comments).

use super::index::{create_index_sql, index_comment};
use super::Ctx;
use crate::dialect::postgres::quote::{idents, literal, name as qname};
use crate::ir::View;

pub(super) fn create_view(cx: &mut Ctx<'_>, v: &View) {
    let kind = if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    let cols = if v.columns.is_empty() {
        String::new()
    } else {
        format!(" ({})", idents(&v.columns))
    };
    cx.push(
        format!(
            "CREATE {kind} {}{cols} AS\n{}",
            qname(&v.name),
            v.body.trim()
        ),
        vec![],
    );
    for ix in &v.indexes {
        let s = create_index_sql(&v.name, ix, false);
        cx.push(s, vec![]);
        index_comment(cx, &v.name, ix);
    }
    if let Some(c) = &v.comment {
        cx.push(
            format!("COMMENT ON {kind} {} IS {}", qname(&v.name), literal(c)),
            vec![],
        );
    }
}

pub(super) fn drop_view(v: &View) -> String {
    format!(
        "DROP {}VIEW {}",
        if v.materialized { "MATERIALIZED " } else { "" },
        qname(&v.name)
    )
}
