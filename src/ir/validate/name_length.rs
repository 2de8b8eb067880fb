//! E0236: a name longer than the database keeps. MySQL and MariaDB refuse
//! an identifier over 64 characters, so the file is wrong before any
//! server sees it.

use super::Problem;
use crate::ir::{DialectKind, ObjectRef, Schema};

/// MySQL's limit on table, column, index, constraint, view and trigger
/// names, in characters.
const MYSQL_MAX: usize = 64;

pub(super) fn check(schema: &Schema, out: &mut Vec<Problem>) {
    if schema.dialect != Some(DialectKind::Mysql) {
        return;
    }
    for t in schema.tables.values() {
        let table = || t.name.clone();
        let mut names: Vec<(&str, ObjectRef)> =
            vec![(t.name.name.as_str(), ObjectRef::Table { name: table() })];
        for c in &t.columns {
            let at = ObjectRef::Column {
                table: table(),
                column: c.name.clone(),
            };
            names.push((c.name.as_str(), at));
        }
        let parts = [
            named(t.uniques.iter().map(|u| u.name.as_deref()), |index| {
                ObjectRef::Unique {
                    table: table(),
                    index,
                }
            }),
            named(t.checks.iter().map(|c| c.name.as_deref()), |index| {
                ObjectRef::Check {
                    table: table(),
                    index,
                }
            }),
            named(t.foreign_keys.iter().map(|f| f.name.as_deref()), |index| {
                ObjectRef::ForeignKey {
                    table: table(),
                    index,
                }
            }),
            named(t.indexes.iter().map(|i| i.name.as_deref()), |index| {
                ObjectRef::Index {
                    table: table(),
                    index,
                }
            }),
        ];
        names.extend(parts.into_iter().flatten());
        for (name, at) in names {
            too_long(name, at, out);
        }
    }
    for v in schema.views.values() {
        let at = ObjectRef::View {
            name: v.name.clone(),
        };
        too_long(&v.name.name, at, out);
    }
    for tr in schema.triggers.values() {
        let at = ObjectRef::Trigger {
            table: tr.table.clone(),
            name: tr.name.clone(),
        };
        too_long(&tr.name, at, out);
    }
}

/// The written names of a list of constraints, each with where it is.
fn named<'a>(
    names: impl Iterator<Item = Option<&'a str>>,
    at: impl Fn(usize) -> ObjectRef,
) -> Vec<(&'a str, ObjectRef)> {
    names
        .enumerate()
        .filter_map(|(i, n)| n.map(|n| (n, at(i))))
        .collect()
}

fn too_long(name: &str, at: ObjectRef, out: &mut Vec<Problem>) {
    let len = name.chars().count();
    if len > MYSQL_MAX {
        out.push(
            Problem::new(
                "E0236",
                at,
                format!(
                    "the name `{name}` has {len} characters; MySQL and MariaDB allow {MYSQL_MAX}"
                ),
                format!("{len} characters"),
            )
            .help(format!("shorten it to at most {MYSQL_MAX} characters")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::ir::{Check, DialectKind, Expr};

    fn mysql_table(table: &str, column: &str, check: &str) -> crate::ir::Schema {
        let mut t = table_with(table, column);
        t.checks.push(Check {
            name: Some(check.into()),
            expr: Expr("1 = 1".into()),
            not_valid: false,
            renamed_from: None,
        });
        let mut s = schema(vec![t]);
        s.dialect = Some(DialectKind::Mysql);
        s
    }

    fn table_with(name: &str, column: &str) -> crate::ir::Table {
        table(name, &[(column, "int")])
    }

    #[test]
    fn names_over_64_characters_are_refused_on_mysql() {
        let long = "x".repeat(65);
        let at_limit = "é".repeat(64);
        assert!(codes(&mysql_table(&at_limit, &at_limit, &at_limit)).is_empty());
        let s = mysql_table(&long, &long, &long);
        assert_eq!(codes(&s), ["E0236", "E0236", "E0236"]);
        let mut pg = s;
        pg.dialect = Some(DialectKind::Postgres);
        assert!(!codes(&pg).contains(&"E0236"));
    }
}
