//! Extended statistics: made whole; their target and comment change in
//! place (`ALTER STATISTICS … SET STATISTICS`, `COMMENT ON STATISTICS`).

use super::Stmts;
use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::ir::Statistics;

pub(super) fn create_statistics(x: &Statistics) -> Stmts {
    let kinds = if x.kinds.is_empty() {
        String::new()
    } else {
        format!(" ({})", x.kinds.join(", "))
    };
    // Each expression in parentheses, as `CREATE STATISTICS` requires.
    let keys: Vec<String> = x
        .columns
        .iter()
        .map(|c| ident(c))
        .chain(x.expressions.iter().map(|e| format!("({})", e.written())))
        .collect();
    let mut out = Stmts::default();
    out.main.push((
        format!(
            "CREATE STATISTICS {}{kinds} ON {} FROM {}",
            qname(&x.name),
            keys.join(", "),
            qname(&x.table)
        ),
        vec![],
    ));
    if x.target.is_some() {
        out.main.push((target_sql(x), vec![]));
    }
    if x.comment.is_some() {
        out.main.push((comment_sql(x), vec![]));
    }
    out
}

pub(super) fn drop_statistics(x: &Statistics) -> Stmts {
    let mut out = Stmts::default();
    out.main
        .push((format!("DROP STATISTICS {}", qname(&x.name)), vec![]));
    out
}

pub(super) fn alter_statistics(from: &Statistics, to: &Statistics) -> Stmts {
    let mut out = Stmts::default();
    if from.target != to.target {
        out.main.push((target_sql(to), vec![]));
    }
    if from.comment != to.comment {
        out.main.push((comment_sql(to), vec![]));
    }
    out
}

/// `-1` is the server's default, what no target means.
fn target_sql(x: &Statistics) -> String {
    format!(
        "ALTER STATISTICS {} SET STATISTICS {}",
        qname(&x.name),
        x.target.unwrap_or(-1)
    )
}

fn comment_sql(x: &Statistics) -> String {
    let c = x.comment.as_deref().map(literal).unwrap_or("NULL".into());
    format!("COMMENT ON STATISTICS {} IS {c}", qname(&x.name))
}
