//! Rules on what only PostgreSQL keeps beside views and tables: comments
//! on a view's columns, extended statistics.

use super::Problem;
use crate::ir::{DialectKind, ObjectRef, Schema};

/// E0265: a comment on a view's column where the dialect keeps none
/// (MySQL, SQLite): the plan could never make it, and would plan it
/// again forever. E0266: a comment on a column a view that names its
/// columns does not have.
pub(super) fn view_column_comments(schema: &Schema, out: &mut Vec<Problem>) {
    for v in schema.views.values() {
        let at = || ObjectRef::View {
            name: v.name.clone(),
        };
        let Some(column) = v.column_comments.keys().next() else {
            continue;
        };
        if let Some(d) = schema.dialect.filter(|d| *d != DialectKind::Postgres) {
            out.push(
                Problem::new(
                    "E0265",
                    at(),
                    format!(
                        "{d} keeps no comment on a view's column (`{column}` of `{}`)",
                        v.name
                    ),
                    "comment on a view column",
                )
                .help("remove the `column … comment` line, or keep it as a `//` note in the file"),
            );
            continue;
        }
        if v.columns.is_empty() {
            continue;
        }
        for column in v.column_comments.keys().filter(|c| !v.columns.contains(c)) {
            out.push(
                Problem::new(
                    "E0266",
                    at(),
                    format!("view `{}` has no column `{column}` to comment on", v.name),
                    format!("no column `{column}`"),
                )
                .help(format!("the view's columns are {}", v.columns.join(", "))),
            );
        }
    }
}

/// E0269: statistics where the dialect keeps none. E0270: on a table the
/// schema does not have. E0271: on a column its table does not have.
/// E0272: on one column alone (the server wants two, or one expression).
pub(super) fn statistics(schema: &Schema, out: &mut Vec<Problem>) {
    for x in schema.statistics.values() {
        let at = || ObjectRef::Statistics {
            name: x.name.clone(),
        };
        if let Some(d) = schema.dialect.filter(|d| *d != DialectKind::Postgres) {
            out.push(
                Problem::new(
                    "E0269",
                    at(),
                    format!("{d} keeps no statistics objects (`{}`)", x.name),
                    "extended statistics",
                )
                .help("remove it: extended statistics are PostgreSQL's"),
            );
            continue;
        }
        let keys = x.columns.len() + x.expressions.len();
        if keys < 2 && x.expressions.len() != 1 {
            out.push(
                Problem::new(
                    "E0272",
                    at(),
                    format!("statistics `{}` are on one column alone", x.name),
                    "one column",
                )
                .help("name two columns or more, or one expression"),
            );
        }
        let Some(t) = schema.tables.get(&x.table) else {
            if !schema.views.contains_key(&x.table) {
                out.push(
                    Problem::new(
                        "E0270",
                        at(),
                        format!("statistics `{}` are on unknown table `{}`", x.name, x.table),
                        format!("no table `{}`", x.table),
                    )
                    .help("name a table of the schema after `from`"),
                );
            }
            continue;
        };
        // A child's inherited columns are its own to the server.
        let whole = super::inherited::effective(schema, t);
        for c in &x.columns {
            if !whole.columns.iter().any(|tc| tc.name == *c) {
                out.push(
                    Problem::new(
                        "E0271",
                        at(),
                        format!(
                            "statistics `{}`: table `{}` has no column `{c}`",
                            x.name, x.table
                        ),
                        format!("no column `{c}`"),
                    )
                    .help("name a column of the table, or an expression in parentheses"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::ir::{DialectKind, Name, View};

    fn view(columns: &[&str], commented: &str) -> View {
        View {
            name: Name::new("v"),
            body: "select 1 as a".into(),
            materialized: false,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            indexes: Vec::new(),
            options: Default::default(),
            comment: None,
            renamed_from: None,
            column_comments: [(commented.to_string(), "note".to_string())].into(),
            unmodeled: Vec::new(),
            written: None,
        }
    }

    #[test]
    fn view_column_comments_only_on_postgres() {
        let mut s = schema(vec![]);
        s.views.insert(Name::new("v"), view(&[], "a"));
        s.dialect = Some(DialectKind::Postgres);
        assert_eq!(codes(&s), Vec::<&str>::new());
        for d in [DialectKind::Mysql, DialectKind::Sqlite] {
            s.dialect = Some(d);
            assert_eq!(codes(&s), ["E0265"]);
        }
    }

    #[test]
    fn a_comment_names_a_column_the_view_declares() {
        let mut s = schema(vec![]);
        s.dialect = Some(DialectKind::Postgres);
        s.views.insert(Name::new("v"), view(&["a"], "b"));
        assert_eq!(codes(&s), ["E0266"]);
        s.views.insert(Name::new("v"), view(&["a"], "a"));
        assert_eq!(codes(&s), Vec::<&str>::new());
    }
}
