//! A column's estimates of distinct values (`SET (n_distinct = …)`,
//! `RESET (n_distinct_inherited)`): `CREATE TABLE` and `ADD COLUMN`
//! cannot say them, so they follow the column.

use super::Ctx;
use crate::dialect::postgres::quote::{ident, name as qname};
use crate::ir::{Distinct, Name};

/// Sets what `to` has and `from` has not (or has otherwise), resets
/// what only `from` has; one statement for each.
pub(super) fn set_distinct(
    cx: &mut Ctx<'_>,
    table: &Name,
    column: &str,
    from: &Distinct,
    to: &Distinct,
) {
    let mut set = Vec::new();
    let mut reset = Vec::new();
    for ((word, old), (_, new)) in from.options().into_iter().zip(to.options()) {
        match new {
            Some(v) if old != Some(v) => set.push(format!("{word} = {v}")),
            None if old.is_some() => reset.push(word.to_string()),
            _ => {}
        }
    }
    let alter = format!(
        "ALTER TABLE {} ALTER COLUMN {}",
        qname(table),
        ident(column)
    );
    if !set.is_empty() {
        cx.push(format!("{alter} SET ({})", set.join(", ")), vec![]);
    }
    if !reset.is_empty() {
        cx.push(format!("{alter} RESET ({})", reset.join(", ")), vec![]);
    }
}
