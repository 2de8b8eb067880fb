//! `table-without-primary-key`: a table no row of which can be named for
//! sure. Duplicates creep in, logical replication (PostgreSQL) cannot
//! send its updates and deletes, MySQL's InnoDB clusters it on a hidden
//! row id, and every tool that edits one row guesses.

use crate::ir::{ObjectRef, Partitioning};
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "table-without-primary-key",
    default: Level::Warn,
    dialects: &[],
    summary: "a table without a primary key",
    docs: include_str!("../../../docs/lint/table-without-primary-key.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    for t in cx.schema.tables.values() {
        // A partition has its parent's key.
        if t.primary_key.is_some() || matches!(t.partition, Some(Partitioning::Of { .. })) {
            continue;
        }
        let candidate = t.uniques.iter().find(|u| {
            u.columns
                .iter()
                .all(|c| t.column(c).is_some_and(|col| !col.nullable))
        });
        let hint = match candidate {
            Some(u) => format!(
                "unique ({}) is on NOT NULL columns: make it the primary key",
                u.columns.join(", ")
            ),
            None => format!(
                "add a key: `id bigint pk identity` (or auto_increment), or `primary key (…)` over the columns that name a row of `{}`",
                t.name
            ),
        };
        out.push(Hit::new(
            ObjectRef::Table {
                name: t.name.clone(),
            },
            format!("table `{}` has no primary key", t.name),
            hint,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::{hits, messages};

    #[test]
    fn fires_on_a_table_without_a_key() {
        let h = hits(&RULE, "table log {\n  at text\n  line text\n}\n");
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].message, "table `log` has no primary key");
        assert!(h[0].hint.contains("add a key"), "{}", h[0].hint);
    }

    #[test]
    fn suggests_a_unique_key_on_not_null_columns() {
        let h = hits(&RULE, "table t {\n  code text unique\n}\n");
        assert!(h[0].hint.contains("unique (code)"), "{}", h[0].hint);
    }

    #[test]
    fn is_silent_on_keyed_tables_and_partitions() {
        let src = "dialect postgres\ntable events partition by range (at) {\n  id bigint\n  at date\n  primary key (id, at)\n}\n\
                   partition events_2026 of events for values from ('2026-01-01') to ('2027-01-01')\n";
        assert!(messages(&RULE, src).is_empty());
    }
}
