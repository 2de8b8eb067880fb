//! Views and materialized views (with their indexes and comments).

use super::index::{create_index_sql, index_comment};
use super::table::with_params;
use super::{opt_literal, Ctx};
use crate::dialect::postgres::quote::{ident, idents, literal, name as qname};
use std::collections::BTreeSet;

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
    // `check_option` is said as the clause after the query, which is
    // also where the server then keeps it: after the other options.
    // Any other value stays an option, for the server to reject.
    let mut options = v.options.clone();
    let check = match options.get("check_option").map(|c| c.to_lowercase()) {
        Some(c) if c == "local" || c == "cascaded" => {
            options.remove("check_option");
            format!("\nWITH {} CHECK OPTION", c.to_uppercase())
        }
        _ => String::new(),
    };
    cx.push(
        format!(
            "CREATE {kind} {}{cols}{} AS\n{}{check}",
            qname(&v.name),
            with_params(&options),
            v.sql().trim().trim_end_matches(';').trim_end()
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
    for (column, c) in &v.column_comments {
        cx.push(
            format!(
                "COMMENT ON COLUMN {}.{} IS {}",
                qname(&v.name),
                ident(column),
                literal(c)
            ),
            vec![],
        );
    }
    // The server's own text, run as it printed it (see `View::unmodeled`).
    for sql in &v.unmodeled {
        cx.push(sql.trim().trim_end_matches(';').to_string(), vec![]);
    }
}

/// `COMMENT ON` for what differs between two views alike otherwise: its
/// own comment, and each column's (`IS NULL` for one that went).
pub(super) fn set_comments(cx: &mut Ctx<'_>, from: &View, to: &View) {
    if from.comment != to.comment {
        let kind = if to.materialized {
            "MATERIALIZED VIEW"
        } else {
            "VIEW"
        };
        cx.push(
            format!(
                "COMMENT ON {kind} {} IS {}",
                qname(&to.name),
                opt_literal(&to.comment)
            ),
            vec![],
        );
    }
    let columns: BTreeSet<&String> = from
        .column_comments
        .keys()
        .chain(to.column_comments.keys())
        .collect();
    for column in columns {
        let comment = to.column_comments.get(column);
        if from.column_comments.get(column) == comment {
            continue;
        }
        cx.push(
            format!(
                "COMMENT ON COLUMN {}.{} IS {}",
                qname(&to.name),
                ident(column),
                opt_literal(&comment.cloned())
            ),
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
