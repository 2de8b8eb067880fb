//! Rules inside one table: columns, keys, indexes, constraint names.

use std::collections::BTreeMap;

use super::suggest::help_for;
use super::types::is_integer_type;
use super::Problem;
use crate::ir::{DialectKind, IndexKey, ObjectRef, Partitioning, Schema, Table};

pub(super) fn check(schema: &Schema, table: &Table, out: &mut Vec<Problem>) {
    no_columns(schema, table, out);
    duplicate_columns(table, out);
    primary_key(schema, table, out);
    uniques(table, out);
    indexes(table, out);
    checks(table, out);
    duplicate_names(table, out);
    column_attributes(table, out);
    cluster_on(schema, table, out);
}

/// E0261: the index a table is clustered on (`cluster_on`) names none of
/// its indexes, keys or uniques, or the schema is not PostgreSQL's (the
/// only server that keeps the mark): the `ALTER TABLE … CLUSTER ON` would
/// fail half way through an apply.
fn cluster_on(schema: &Schema, table: &Table, out: &mut Vec<Problem>) {
    let Some(ix) = table.options.get(crate::ir::CLUSTER_ON) else {
        return;
    };
    let at = ObjectRef::Table {
        name: table.name.clone(),
    };
    if let Some(d) = schema.dialect.filter(|d| *d != DialectKind::Postgres) {
        out.push(
            Problem::new(
                "E0261",
                at,
                format!("{d} keeps no clustered index (`{}`)", table.name),
                "cluster_on",
            )
            .help("remove `cluster_on`: it is PostgreSQL's `ALTER TABLE … CLUSTER ON`"),
        );
        return;
    }
    let default_key = format!("{}_pkey", table.name.name);
    let names: Vec<&str> = table
        .indexes
        .iter()
        .filter_map(|i| i.name.as_deref())
        .chain(table.uniques.iter().filter_map(|u| u.name.as_deref()))
        .chain(
            table
                .primary_key
                .iter()
                .map(|pk| pk.name.as_deref().unwrap_or(default_key.as_str())),
        )
        .collect();
    if !names.contains(&ix.as_str()) {
        out.push(
            Problem::new(
                "E0261",
                at,
                format!(
                    "table `{}` is clustered on `{ix}`, none of its indexes",
                    table.name
                ),
                "cluster_on",
            )
            .help(
                help_for(ix, &names, "the table's indexes")
                    .unwrap_or_else(|| "the table has no index: remove `cluster_on`".into()),
            ),
        );
    }
}

fn col_ref(table: &Table, column: &str) -> ObjectRef {
    ObjectRef::Column {
        table: table.name.clone(),
        column: column.to_string(),
    }
}

fn column_names(table: &Table) -> Vec<&str> {
    table.columns.iter().map(|c| c.name.as_str()).collect()
}

/// E0212/E0209/E0214: a column list entry that names no column.
fn unknown_column(
    code: &'static str,
    table: &Table,
    at: ObjectRef,
    what: &str,
    column: &str,
) -> Problem {
    let names = column_names(table);
    Problem::new(
        code,
        at,
        format!("{what} of `{}` names unknown column `{column}`", table.name),
        format!("no column `{column}` in table `{}`", table.name),
    )
    .maybe_help(help_for(
        column,
        &names,
        &format!("columns of `{}`", table.name),
    ))
}

/// E0201. A partition (`partition … of parent`) takes its columns from its
/// parent, so it may declare none; PostgreSQL allows a table of none
/// (`CREATE TABLE t ()`), and a schema must be able to say what it holds.
fn no_columns(schema: &Schema, table: &Table, out: &mut Vec<Problem>) {
    if !table.columns.is_empty()
        || matches!(table.partition, Some(Partitioning::Of { .. }))
        || schema.dialect == Some(DialectKind::Postgres)
    {
        return;
    }
    out.push(
        Problem::new(
            "E0201",
            ObjectRef::Table {
                name: table.name.clone(),
            },
            format!("table `{}` has no columns", table.name),
            "declared here without columns",
        )
        .help("add at least one column, e.g. `id bigint pk identity`"),
    );
}

/// E0202, pointing at both declarations.
fn duplicate_columns(table: &Table, out: &mut Vec<Problem>) {
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    for col in &table.columns {
        if seen.insert(col.name.as_str(), ()).is_some() {
            out.push(
                Problem::new(
                    "E0202",
                    col_ref(table, &col.name),
                    format!(
                        "column `{}` is declared twice in table `{}`",
                        col.name, table.name
                    ),
                    "declared again here",
                )
                .related(col_ref(table, &col.name), "first declared here")
                .help("rename or remove one of them; use `renamed_from` to rename a column"),
            );
        }
    }
}

/// E0209 unknown column, E0210 nullable column, E0225 empty key.
fn primary_key(schema: &Schema, table: &Table, out: &mut Vec<Problem>) {
    let Some(pk) = &table.primary_key else {
        return;
    };
    let at = ObjectRef::PrimaryKey {
        table: table.name.clone(),
    };
    if pk.columns.is_empty() {
        out.push(empty_key(table, at.clone(), "primary key"));
    }
    for name in &pk.columns {
        match table.column(name) {
            None => out.push(unknown_column(
                "E0209",
                table,
                at.clone(),
                "the primary key",
                name,
            )),
            // SQLite lets a non-INTEGER primary key column hold NULL (a
            // documented historical quirk), and introspection shows it so.
            Some(col) if col.nullable && schema.dialect != Some(DialectKind::Sqlite) => out.push(
                Problem::new(
                    "E0210",
                    col_ref(table, name),
                    format!("primary key column `{}.{name}` is nullable", table.name),
                    "declared nullable here",
                )
                .related(at.clone(), "part of this primary key")
                .help(format!("remove the `?` after the type of `{name}`")),
            ),
            Some(_) => {}
        }
    }
}

fn empty_key(table: &Table, at: ObjectRef, what: &str) -> Problem {
    Problem::new(
        "E0225",
        at,
        format!("{what} of `{}` has no columns", table.name),
        "no columns listed",
    )
    .help("list at least one column between the parentheses")
}

/// E0214 unknown column, E0225 empty.
fn uniques(table: &Table, out: &mut Vec<Problem>) {
    for (i, u) in table.uniques.iter().enumerate() {
        let at = ObjectRef::Unique {
            table: table.name.clone(),
            index: i,
        };
        if u.columns.is_empty() {
            out.push(empty_key(table, at.clone(), "a unique constraint"));
        }
        for c in &u.columns {
            if table.column(c).is_none() {
                out.push(unknown_column(
                    "E0214",
                    table,
                    at.clone(),
                    "a unique constraint",
                    c,
                ));
            }
        }
    }
}

/// E0212 unknown column (key or `include`), E0213 no parts.
fn indexes(table: &Table, out: &mut Vec<Problem>) {
    for (i, idx) in table.indexes.iter().enumerate() {
        let at = ObjectRef::Index {
            table: table.name.clone(),
            index: i,
        };
        let what = match &idx.name {
            Some(n) => format!("index `{n}`"),
            None => "an index".to_string(),
        };
        if idx.parts.is_empty() {
            out.push(
                Problem::new(
                    "E0213",
                    at.clone(),
                    format!("{what} on `{}` has no columns or expressions", table.name),
                    "nothing to index",
                )
                .help("list the indexed columns or expressions: `index (a, lower(b))`"),
            );
        }
        let keyed = idx.parts.iter().filter_map(|p| match &p.key {
            IndexKey::Column(c) => Some(c),
            IndexKey::Expr(_) => None,
        });
        for c in keyed.chain(idx.include.iter()) {
            if table.column(c).is_none() {
                out.push(unknown_column("E0212", table, at.clone(), &what, c));
            }
        }
    }
}

/// E0215: a check names a column that does not exist. Only double-quoted
/// names are looked at: bare words in an expression may be functions,
/// keywords or literals, and a wrong guess would reject a valid schema.
fn checks(table: &Table, out: &mut Vec<Problem>) {
    for (i, chk) in table.checks.iter().enumerate() {
        for name in quoted_identifiers(chk.expr.as_str()) {
            if table.column(&name).is_none() {
                out.push(unknown_column(
                    "E0215",
                    table,
                    ObjectRef::Check {
                        table: table.name.clone(),
                        index: i,
                    },
                    "a check",
                    &name,
                ));
            }
        }
    }
}

/// `"name"` identifiers of an SQL expression, skipping string literals
/// and the names that are no column: a collation (`COLLATE "C"`) and the
/// type of a cast (`::"Kind"`), qualified or not.
fn quoted_identifiers(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = expr.chars().peekable();
    // The word being read, and whether what comes next names a collation
    // or a type.
    let mut word = String::new();
    let mut not_a_column = false;
    // The two characters before: `E'…'` (the `E` a word of its own) lets a
    // backslash escape the quote after it.
    let mut before = [' ', ' '];
    while let Some(ch) = chars.next() {
        let escapes =
            matches!(before[1], 'e' | 'E') && !(before[0].is_alphanumeric() || before[0] == '_');
        before = [before[1], ch];
        if ch.is_alphanumeric() || ch == '_' {
            word.push(ch);
            continue;
        }
        if !word.is_empty() {
            // `collate pg_catalog."C"`: the qualifier carries on.
            if ch != '.' {
                not_a_column = word.eq_ignore_ascii_case("collate");
            }
            word.clear();
        }
        match ch {
            ':' => not_a_column = true,
            '.' => {}
            c if c.is_whitespace() => {}
            '\'' => {
                // '' inside a literal is an escaped quote: two toggles.
                while let Some(c) = chars.next() {
                    if c == '\\' && escapes {
                        chars.next();
                    } else if c == '\'' {
                        break;
                    }
                }
                before = [' ', '\''];
            }
            '"' => {
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            name.push('"');
                        }
                        Some('"') | None => break,
                        Some(c) => name.push(c),
                    }
                }
                // `"a"."b"` qualifies with a table or alias: keep the last.
                if chars.peek() == Some(&'.') {
                    chars.next();
                    continue;
                }
                if !not_a_column {
                    out.push(name);
                }
                not_a_column = false;
            }
            _ => not_a_column = false,
        }
    }
    out
}

/// E0216: two constraints, or two indexes, of one table with one name.
/// Constraints share one set of names and indexes another; primary keys
/// and unique constraints are both (they are backed by an index).
fn duplicate_names(table: &Table, out: &mut Vec<Problem>) {
    let mut constraints: BTreeMap<&str, ObjectRef> = BTreeMap::new();
    let mut indexes: BTreeMap<&str, ObjectRef> = BTreeMap::new();
    let t = || table.name.clone();
    let mut named: Vec<(&str, ObjectRef, bool, bool)> = Vec::new();
    if let Some(n) = table.primary_key.as_ref().and_then(|p| p.name.as_deref()) {
        named.push((n, ObjectRef::PrimaryKey { table: t() }, true, true));
    }
    for (i, u) in table.uniques.iter().enumerate() {
        if let Some(n) = &u.name {
            named.push((
                n,
                ObjectRef::Unique {
                    table: t(),
                    index: i,
                },
                true,
                true,
            ));
        }
    }
    for (i, c) in table.checks.iter().enumerate() {
        if let Some(n) = &c.name {
            named.push((
                n,
                ObjectRef::Check {
                    table: t(),
                    index: i,
                },
                true,
                false,
            ));
        }
    }
    for (i, f) in table.foreign_keys.iter().enumerate() {
        if let Some(n) = &f.name {
            named.push((
                n,
                ObjectRef::ForeignKey {
                    table: t(),
                    index: i,
                },
                true,
                false,
            ));
        }
    }
    for (i, x) in table.indexes.iter().enumerate() {
        if let Some(n) = &x.name {
            named.push((
                n,
                ObjectRef::Index {
                    table: t(),
                    index: i,
                },
                false,
                true,
            ));
        }
    }
    for (name, at, is_constraint, is_index) in named {
        let mut first = None;
        if is_constraint {
            first = first.or(constraints.get(name).cloned());
            constraints.entry(name).or_insert_with(|| at.clone());
        }
        if is_index {
            first = first.or(indexes.get(name).cloned());
            indexes.entry(name).or_insert_with(|| at.clone());
        }
        if let Some(first) = first {
            out.push(
                Problem::new(
                    "E0216",
                    at,
                    format!("the name `{name}` is used twice in table `{}`", table.name),
                    "used again here",
                )
                .related(first, "first used here")
                .help("give each constraint and index of a table its own name"),
            );
        }
    }
}

/// E0221 generated column with a default, E0222 identity on a type that
/// is not an integer.
fn column_attributes(table: &Table, out: &mut Vec<Problem>) {
    for col in &table.columns {
        if col.generated.is_some() && col.default.is_some() {
            out.push(
                Problem::new(
                    "E0221",
                    col_ref(table, &col.name),
                    format!(
                        "generated column `{}.{}` also has a default",
                        table.name, col.name
                    ),
                    "generated and defaulted",
                )
                .help("a generated column computes its value: remove the default"),
            );
        }
        if col.identity.is_some() && !is_integer_type(col.ty.as_str()) {
            out.push(
                Problem::new(
                    "E0222",
                    col_ref(table, &col.name),
                    format!(
                        "identity column `{}.{}` has non-integer type `{}`",
                        table.name, col.name, col.ty
                    ),
                    "identity needs an integer type",
                )
                .help("use `smallint`, `integer` or `bigint`, or drop `identity`; for generated UUIDs use a default such as `gen_random_uuid()`"),
            );
        }
    }
}

// Hand-built IR on purpose: most of these inputs are ones the parser
// refuses before the validator sees them, and no pair of schema files
// reaches the validator with them.
#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::ir::{
        Check, Expr, Generated, Identity, Index, IndexPart, Name, Partitioning, Unique,
    };

    fn index(name: Option<&str>, cols: &[&str]) -> Index {
        Index::on_columns(name, cols)
    }

    fn unique(name: Option<&str>, cols: &[&str]) -> Unique {
        Unique {
            attached_to: None,
            comment: None,
            name: name.map(str::to_string),
            columns: cols.iter().map(|c| c.to_string()).collect(),
            nulls_not_distinct: false,
            deferral: Default::default(),
            renamed_from: None,
            options: Default::default(),
        }
    }

    fn check_expr(name: Option<&str>, expr: &str) -> Check {
        Check {
            comment: None,
            name: name.map(str::to_string),
            expr: Expr::new(expr),
            not_valid: false,
            renamed_from: None,
            no_inherit: false,
            column: None,
        }
    }

    fn problems(t: Table) -> Vec<Problem> {
        super::super::validate(&schema(vec![t]))
    }

    #[test]
    fn table_without_columns() {
        let p = problems(table("empty", &[]));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "E0201");
        assert_eq!(p[0].message, "table `empty` has no columns");
    }

    #[test]
    fn cluster_on_names_an_index_of_the_table() {
        let mut t = table("events", &[("id", "int"), ("at", "date")]);
        t.indexes.push(index(Some("events_at"), &["at"]));
        t.options.insert("cluster_on".into(), "events_at".into());
        assert_eq!(super::super::validate(&pg(schema(vec![t.clone()]))), vec![]);
        t.options.insert("cluster_on".into(), "events_a".into());
        let p = super::super::validate(&pg(schema(vec![t])));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "E0261");
        assert_eq!(p[0].help.as_deref(), Some("did you mean `events_at`?"));
    }

    #[test]
    fn postgres_tables_may_have_no_columns() {
        let s = pg(schema(vec![table("empty", &[])]));
        assert_eq!(super::super::validate(&s), vec![]);
    }

    #[test]
    fn partitions_may_have_no_columns() {
        let mut t = table("events_2026", &[]);
        t.partition = Some(Partitioning::Of {
            parent: Name::new("events"),
            bound: Expr::new("from ('2026-01-01') to ('2027-01-01')"),
            by: None,
        });
        assert_eq!(problems(t), vec![]);
    }

    #[test]
    fn duplicate_column_points_at_both() {
        let p = problems(table("t", &[("a", "int"), ("b", "int"), ("a", "text")]));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "E0202");
        assert_eq!(
            p[0].related.as_ref().map(|r| r.1.as_str()),
            Some("first declared here")
        );
    }

    #[test]
    fn primary_key_on_unknown_column_suggests() {
        let p = problems(with_pk(table("t", &[("id", "int")]), &["idd"]));
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "E0209");
        assert_eq!(p[0].help.as_deref(), Some("did you mean `id`?"));
    }

    #[test]
    fn nullable_primary_key_column() {
        let mut t = with_pk(table("t", &[("id", "int")]), &["id"]);
        t.columns[0].nullable = true;
        assert_eq!(codes(&schema(vec![t.clone()])), vec!["E0210"]);
        let mut lite = schema(vec![t]);
        lite.dialect = Some(DialectKind::Sqlite);
        assert_eq!(codes(&lite), Vec::<&str>::new());
    }

    #[test]
    fn empty_keys() {
        let mut t = with_pk(table("t", &[("id", "int")]), &[]);
        t.uniques.push(unique(None, &[]));
        assert_eq!(codes(&schema(vec![t])), vec!["E0225", "E0225"]);
    }

    #[test]
    fn unique_on_unknown_column() {
        let mut t = table("t", &[("email", "text")]);
        t.uniques.push(unique(None, &["emial"]));
        let p = problems(t);
        assert_eq!(p[0].code, "E0214");
        assert_eq!(p[0].help.as_deref(), Some("did you mean `email`?"));
    }

    #[test]
    fn index_on_unknown_column_and_include() {
        let mut t = table("t", &[("a", "int"), ("b", "int")]);
        let mut i = index(Some("t_idx"), &["a", "c"]);
        i.include = vec!["d".into()];
        t.indexes.push(i);
        let p = problems(t);
        assert_eq!(
            p.iter().map(|p| p.code).collect::<Vec<_>>(),
            vec!["E0212", "E0212"]
        );
        assert!(p[0].message.contains("index `t_idx`"), "{}", p[0].message);
    }

    #[test]
    fn expression_index_parts_are_not_columns() {
        let mut t = table("t", &[("a", "text")]);
        let mut i = index(None, &[]);
        i.parts
            .push(IndexPart::new(IndexKey::Expr(Expr::new("lower(a)"))));
        t.indexes.push(i);
        assert_eq!(problems(t), vec![]);
    }

    #[test]
    fn index_without_parts() {
        let mut t = table("t", &[("a", "int")]);
        t.indexes.push(index(None, &[]));
        assert_eq!(codes(&schema(vec![t])), vec!["E0213"]);
    }

    #[test]
    fn check_with_unknown_quoted_column() {
        let mut t = table("t", &[("total", "int")]);
        t.checks.push(check_expr(
            None,
            r#""totl" >= 0 and "t"."total" < 10 and note <> '"x"'"#,
        ));
        let p = problems(t);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "E0215");
        assert_eq!(p[0].help.as_deref(), Some("did you mean `total`?"));
    }

    #[test]
    fn quoted_identifier_scanner() {
        assert_eq!(
            quoted_identifiers(r#""a" + "b""c" + 'x"y'"#),
            vec!["a", "b\"c"]
        );
        // In `E'…'` a backslash escapes the quote; elsewhere it does not.
        assert_eq!(
            quoted_identifiers(r#"c <> E'\'"' or "d" = 'x\' or "f" = 1"#),
            vec!["d", "f"]
        );
        // A collation or a cast's type is no column.
        assert_eq!(
            quoted_identifiers(
                r#"("s" COLLATE "C") < 'z' and s < ('z' collate pg_catalog."de") and "k"::"Kind" = "j"::public."Kind""#
            ),
            vec!["s", "k", "j"]
        );
    }

    #[test]
    fn duplicate_constraint_and_index_names() {
        let mut t = table("t", &[("a", "int"), ("b", "int")]);
        t.uniques.push(unique(Some("k"), &["a"]));
        t.indexes.push(index(Some("k"), &["b"]));
        t.checks.push(check_expr(Some("c"), "a > 0"));
        t.checks.push(check_expr(Some("c"), "b > 0"));
        // A check and an index may share a name: they live apart.
        t.indexes.push(index(Some("c"), &["a"]));
        assert_eq!(codes(&schema(vec![t])), vec!["E0216", "E0216"]);
    }

    #[test]
    fn generated_column_with_default() {
        let mut t = table("t", &[("a", "int"), ("b", "int")]);
        t.columns[1].generated = Some(Generated {
            expr: Expr::new("a * 2"),
            stored: true,
        });
        t.columns[1].default = Some(Expr::new("0"));
        assert_eq!(codes(&schema(vec![t])), vec!["E0221"]);
    }

    #[test]
    fn identity_on_non_integer() {
        let mut t = table("t", &[("id", "uuid"), ("n", "bigint")]);
        t.columns[0].identity = Some(Identity::AutoIncrement);
        t.columns[1].identity = Some(Identity::Always {
            options: Default::default(),
        });
        let p = problems(t);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "E0222");
        assert!(p[0].message.contains("`uuid`"));
    }
}
