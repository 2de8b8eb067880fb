//! `fk-without-index`: a foreign key whose columns do not lead any index
//! or key of their table. Deleting or re-keying a parent row then scans
//! the whole child table (under a lock), and joins from parent to child
//! cannot use an index. MySQL's InnoDB creates the index itself, so the
//! rule is for PostgreSQL and SQLite.

use super::keys::{self, Access};
use crate::ir::{DialectKind, ObjectRef};
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "fk-without-index",
    default: Level::Warn,
    dialects: &[DialectKind::Postgres, DialectKind::Sqlite],
    summary: "a foreign key whose columns do not lead any index or key of their table",
    docs: include_str!("../../../docs/lint/fk-without-index.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    for t in cx.schema.tables.values() {
        let access = keys::of(t);
        for (i, fk) in t.foreign_keys.iter().enumerate() {
            if fk.columns.is_empty() || access.iter().any(|a| serves(a, &fk.columns)) {
                continue;
            }
            let cols = fk.columns.join(", ");
            out.push(Hit::new(
                ObjectRef::ForeignKey {
                    table: t.name.clone(),
                    index: i,
                },
                format!(
                    "foreign key ({cols}) -> {} has no index on `{}`",
                    fk.ref_table, t.name
                ),
                format!(
                    "add `index ({cols})` to `{}`: without it every delete or key update in `{}` scans `{}`",
                    t.name, fk.ref_table, t.name
                ),
            ));
        }
    }
    out
}

/// Whether the index or key finds the rows with given values of
/// `columns`: they are its leading parts, in any order (a B-tree), or all
/// of its parts (other methods). A partial index does not serve every row.
fn serves(a: &Access, columns: &[String]) -> bool {
    let n = columns.len();
    if a.predicate.is_some() || a.parts.len() < n || (!a.is_btree() && a.parts.len() != n) {
        return false;
    }
    let lead: Vec<&str> = a.parts[..n]
        .iter()
        .filter_map(|p| p.column_name())
        .collect();
    lead.len() == n && columns.iter().all(|c| lead.contains(&c.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::messages;

    const PARENT: &str = "dialect postgres\ntable customers {\n  id bigint pk\n}\n";

    fn with(orders: &str) -> Vec<String> {
        messages(&RULE, &format!("{PARENT}table orders {{\n{orders}\n}}\n"))
    }

    #[test]
    fn fires_on_a_foreign_key_without_an_index() {
        let m = with("  id bigint pk\n  customer_id bigint -> customers.id");
        assert_eq!(
            m,
            ["foreign key (customer_id) -> customers has no index on `orders`"]
        );
    }

    #[test]
    fn leading_columns_of_an_index_or_key_serve() {
        assert!(with("  id bigint pk\n  customer_id bigint -> customers.id\n  at date\n  index (customer_id, at)").is_empty());
        assert!(with(
            "  customer_id bigint -> customers.id\n  n int\n  primary key (customer_id, n)"
        )
        .is_empty());
        assert!(with("  id bigint pk\n  customer_id bigint unique -> customers.id").is_empty());
    }

    #[test]
    fn a_later_column_a_partial_index_or_an_expression_does_not() {
        let fk = "  id bigint pk\n  customer_id bigint -> customers.id\n  at date\n";
        assert_eq!(with(&format!("{fk}  index (at, customer_id)")).len(), 1);
        assert_eq!(
            with(&format!(
                "{fk}  index (customer_id) where at > '2020-01-01'"
            ))
            .len(),
            1
        );
        assert_eq!(with(&format!("{fk}  index ((customer_id + 0))")).len(), 1);
    }

    #[test]
    fn a_composite_key_is_served_in_any_order() {
        let src = "dialect sqlite\ntable p {\n  a int\n  b int\n  primary key (a, b)\n}\n\
                   table c {\n  id integer pk\n  a int\n  b int\n  foreign key (a, b) -> p(a, b)\n  index (b, a)\n}\n";
        assert!(messages(&RULE, src).is_empty());
    }
}
