//! `reserved-word`: a table, view or column named by a word the dialect
//! reserves (`user`, `order`, `group`). strata quotes every name it
//! writes, but every hand-written query, report and ORM mapping must
//! quote it too, and an unquoted `user` in PostgreSQL is the current
//! role, not the table.

use super::keywords::{MYSQL_RESERVED, POSTGRES_RESERVED};
use crate::ir::{DialectKind, ObjectRef};
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "reserved-word",
    default: Level::Warn,
    dialects: &[DialectKind::Postgres, DialectKind::Mysql],
    summary: "a table, view or column named by a reserved word",
    docs: include_str!("../../../docs/lint/reserved-word.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    let reserved = |name: &str| match cx.dialect {
        // A name with capitals must be quoted on PostgreSQL anyway.
        Some(DialectKind::Postgres) => POSTGRES_RESERVED.binary_search(&name).is_ok(),
        Some(DialectKind::Mysql) => MYSQL_RESERVED
            .binary_search(&name.to_ascii_lowercase().as_str())
            .is_ok(),
        _ => false,
    };
    let mut out = Vec::new();
    let mut push = |at: ObjectRef, what: &str, name: &str| {
        out.push(Hit::new(
            at,
            format!("{what} `{name}` is named by a reserved word"),
            format!(
                "rename it (e.g. `{name}s`, or with a prefix): every query must quote `{name}`"
            ),
        ));
    };
    for (n, t) in &cx.schema.tables {
        if reserved(&n.name) {
            push(ObjectRef::Table { name: n.clone() }, "table", &n.name);
        }
        for c in t.columns.iter().filter(|c| reserved(&c.name)) {
            let at = ObjectRef::Column {
                table: n.clone(),
                column: c.name.clone(),
            };
            push(at, "column", &format!("{n}.{}", c.name));
        }
    }
    for n in cx.schema.views.keys().filter(|n| reserved(&n.name)) {
        push(ObjectRef::View { name: n.clone() }, "view", &n.name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::messages;

    #[test]
    fn lists_are_sorted_for_binary_search() {
        for list in [POSTGRES_RESERVED, MYSQL_RESERVED] {
            assert!(list.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn fires_on_reserved_tables_and_columns() {
        let m = messages(
            &RULE,
            "dialect postgres\ntable \"user\" {\n  id bigint pk\n  \"order\" int\n}\n",
        );
        assert_eq!(
            m,
            [
                "table `user` is named by a reserved word",
                "column `user.order` is named by a reserved word",
            ]
        );
        let m = messages(
            &RULE,
            "dialect mysql\ntable t {\n  id bigint pk\n  \"Key\" int\n}\n",
        );
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn is_silent_on_ordinary_and_non_reserved_names() {
        let src = "dialect postgres\ntable users {\n  id bigint pk\n  name text\n  \"User\" text\n  type text\n}\n";
        assert!(messages(&RULE, src).is_empty());
        // `user` is not reserved by MySQL.
        assert!(messages(&RULE, "dialect mysql\ntable user {\n  id bigint pk\n}\n").is_empty());
    }
}
