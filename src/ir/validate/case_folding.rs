//! E0254: two names that differ only in case where the server takes them
//! for one. SQLite matches every name without regard to ASCII case, and
//! keeps tables, views and indexes in one set of names (an index named
//! like a table, even in the same case, is refused there too); MySQL
//! and MariaDB match column and index names without regard to case.
//! Both objects would plan to be created, the second `CREATE` fails half
//! way through the apply, and the plan never comes out empty.

use std::collections::BTreeMap;

use super::Problem;
use crate::ir::{DialectKind, ObjectRef, Schema, Table};

pub(super) fn check(schema: &Schema, out: &mut Vec<Problem>) {
    let fold: fn(&str) -> String = match schema.dialect {
        Some(DialectKind::Sqlite) => str::to_ascii_lowercase,
        Some(DialectKind::Mysql) => str::to_lowercase,
        _ => return,
    };
    let mut seen = Seen::new(fold);
    for t in schema.tables.values() {
        columns(t, fold, out);
        if schema.dialect == Some(DialectKind::Mysql) {
            indexes(t, fold, out);
        } else {
            seen.claim(
                &t.name.name,
                ObjectRef::Table {
                    name: t.name.clone(),
                },
                out,
            );
            for (i, ix) in t.indexes.iter().enumerate() {
                let at = ObjectRef::Index {
                    table: t.name.clone(),
                    index: i,
                };
                if let Some(name) = &ix.name {
                    seen.claim(name, at, out);
                }
            }
        }
    }
    if schema.dialect != Some(DialectKind::Sqlite) {
        return;
    }
    for v in schema.views.values() {
        seen.claim(
            &v.name.name,
            ObjectRef::View {
                name: v.name.clone(),
            },
            out,
        );
    }
    // Triggers have a set of names of their own.
    let mut triggers = Seen::new(fold);
    for t in schema.triggers.values() {
        let at = ObjectRef::Trigger {
            table: t.table.clone(),
            name: t.name.clone(),
        };
        triggers.claim(&t.name, at, out);
    }
}

fn columns(t: &Table, fold: fn(&str) -> String, out: &mut Vec<Problem>) {
    let mut seen = Seen::new(fold);
    for c in &t.columns {
        let at = ObjectRef::Column {
            table: t.name.clone(),
            column: c.name.clone(),
        };
        seen.claim(&c.name, at, out);
    }
}

/// MySQL's index names, one set per table.
fn indexes(t: &Table, fold: fn(&str) -> String, out: &mut Vec<Problem>) {
    let mut seen = Seen::new(fold);
    for (i, ix) in t.indexes.iter().enumerate() {
        if let Some(name) = &ix.name {
            let at = ObjectRef::Index {
                table: t.name.clone(),
                index: i,
            };
            seen.claim(name, at, out);
        }
    }
}

/// The names claimed so far, folded, with the spelling and place of each.
struct Seen {
    fold: fn(&str) -> String,
    names: BTreeMap<String, (String, ObjectRef)>,
}

impl Seen {
    fn new(fold: fn(&str) -> String) -> Seen {
        Seen {
            fold,
            names: BTreeMap::new(),
        }
    }

    /// Exact repeats within a table or among tables and views are other
    /// rules' to report (E0202, E0216, E0303): here, a name spelled in
    /// another case, or an index's name taken elsewhere.
    fn claim(&mut self, name: &str, at: ObjectRef, out: &mut Vec<Problem>) {
        let index = |r: &ObjectRef| matches!(r, ObjectRef::Index { .. });
        let one_table = |a: &ObjectRef, b: &ObjectRef| match (a, b) {
            (ObjectRef::Index { table: x, .. }, ObjectRef::Index { table: y, .. }) => x == y,
            _ => false,
        };
        let clash = |first: &str, first_at: &ObjectRef| {
            first != name || ((index(&at) || index(first_at)) && !one_table(&at, first_at))
        };
        match self.names.get(&(self.fold)(name)) {
            Some((first, first_at)) if clash(first, first_at) => out.push(
                Problem::new(
                    "E0254",
                    at,
                    if first == name {
                        format!("the name `{name}` is taken twice in one set of names")
                    } else {
                        format!("`{name}` and `{first}` are one name to this dialect")
                    },
                    "spelled in another case here",
                )
                .related(first_at.clone(), "first spelled here")
                .help("rename one of them: names that differ only in case are one name here, and SQLite keeps tables, views and indexes in one set of names"),
            ),
            Some(_) => {}
            None => {
                self.names
                    .insert((self.fold)(name), (name.to_string(), at));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::ir::{DialectKind, Index};

    fn codes(dialect: DialectKind, tables: Vec<crate::ir::Table>) -> Vec<&'static str> {
        let mut s = schema(tables);
        s.dialect = Some(dialect);
        crate::ir::validate::validate(&s)
            .iter()
            .map(|p| p.code)
            .filter(|c| *c == "E0254")
            .collect()
    }

    #[test]
    fn sqlite_tables_columns_and_indexes() {
        let t = |n: &str| with_pk(table(n, &[("id", "integer")]), &["id"]);
        assert_eq!(
            codes(DialectKind::Sqlite, vec![t("Users"), t("users")]),
            ["E0254"]
        );
        let cols = with_pk(
            table(
                "t",
                &[("id", "integer"), ("Name", "text"), ("name", "text")],
            ),
            &["id"],
        );
        assert_eq!(codes(DialectKind::Sqlite, vec![cols.clone()]), ["E0254"]);
        assert_eq!(codes(DialectKind::Mysql, vec![cols.clone()]), ["E0254"]);
        assert!(codes(DialectKind::Postgres, vec![cols]).is_empty());
        let mut a = t("a");
        a.indexes.push(Index::on_columns(Some("I"), &["id"]));
        let mut b = t("b");
        b.indexes.push(Index::on_columns(Some("i"), &["id"]));
        assert_eq!(
            codes(DialectKind::Sqlite, vec![a.clone(), b.clone()]),
            ["E0254"]
        );
        // MySQL's index names are per table, and its table names follow
        // the server's lower_case_table_names.
        assert!(codes(DialectKind::Mysql, vec![a, b, t("Users"), t("users")]).is_empty());
        let mut named_like_its_table = t("t");
        named_like_its_table
            .indexes
            .push(Index::on_columns(Some("t"), &["id"]));
        assert_eq!(
            codes(DialectKind::Sqlite, vec![named_like_its_table]),
            ["E0254"]
        );
        // Only ASCII folds on SQLite.
        assert!(codes(DialectKind::Sqlite, vec![t("É"), t("é")]).is_empty());
    }
}
