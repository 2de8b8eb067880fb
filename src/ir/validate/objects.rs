//! Rules on PostgreSQL's domains, composite types, exclusion constraints
//! and comments on constraints; columns' statistics targets, storage and
//! compression.

use std::collections::BTreeSet;

use super::suggest::help_for;
use super::Problem;
use crate::ir::{DialectKind, IndexKey, ObjectRef, Schema, Table};

/// E0235: a domain names two of its checks alike.
pub(super) fn domains(schema: &Schema, out: &mut Vec<Problem>) {
    for d in schema.domains.values() {
        let mut seen = BTreeSet::new();
        for n in d.checks.iter().filter_map(|c| c.name.as_deref()) {
            if !seen.insert(n) {
                out.push(
                    Problem::new(
                        "E0235",
                        ObjectRef::Domain {
                            name: d.name.clone(),
                        },
                        format!("domain `{}` names two checks `{n}`", d.name),
                        format!("`{n}` used twice"),
                    )
                    .help("give each check of a domain its own name"),
                );
            }
        }
    }
}

/// E0238: a composite type names two of its attributes alike (compared
/// as the server compares them, case and all).
pub(super) fn composites(schema: &Schema, out: &mut Vec<Problem>) {
    for x in schema.composites.values() {
        let mut seen = BTreeSet::new();
        for a in &x.attributes {
            if !seen.insert(a.name.as_str()) {
                out.push(
                    Problem::new(
                        "E0238",
                        ObjectRef::Composite {
                            name: x.name.clone(),
                        },
                        format!("type `{}` has two attributes `{}`", x.name, a.name),
                        format!("`{}` used twice", a.name),
                    )
                    .help("give each attribute of a type its own name"),
                );
            }
        }
    }
}

/// E0239: a comment on a constraint where the dialect keeps none: the
/// plan could never make it, and would plan it again forever. PostgreSQL
/// has `COMMENT ON CONSTRAINT` for every constraint; MySQL/MariaDB keep
/// a comment on the primary key's index only; SQLite none.
pub(super) fn constraint_comments(schema: &Schema, table: &Table, out: &mut Vec<Problem>) {
    let Some(d) = schema.dialect.filter(|d| *d != DialectKind::Postgres) else {
        return;
    };
    let t = || table.name.clone();
    let commented = table
        .primary_key
        .iter()
        .filter(|k| k.comment.is_some() && d != DialectKind::Mysql)
        .map(|_| ObjectRef::PrimaryKey { table: t() })
        .chain(
            table
                .uniques
                .iter()
                .enumerate()
                .filter(|(_, u)| u.comment.is_some())
                .map(|(index, _)| ObjectRef::Unique { table: t(), index }),
        )
        .chain(
            table
                .checks
                .iter()
                .enumerate()
                .filter(|(_, c)| c.comment.is_some())
                .map(|(index, _)| ObjectRef::Check { table: t(), index }),
        )
        .chain(
            table
                .foreign_keys
                .iter()
                .enumerate()
                .filter(|(_, f)| f.comment.is_some())
                .map(|(index, _)| ObjectRef::ForeignKey { table: t(), index }),
        );
    for at in commented {
        out.push(
            Problem::new(
                "E0239",
                at,
                format!(
                    "{d} keeps no comment on a constraint (table `{}`)",
                    table.name
                ),
                "comment on a constraint",
            )
            .help("remove the comment, or keep it as a `//` note in the file"),
        );
    }
}

/// E0295: a primary key's `using`, which only MySQL/MariaDB keep (a
/// MEMORY table's b-tree key): elsewhere, or another kind than `btree`
/// or `hash`, no statement makes it and every plan would try again.
pub(super) fn key_method(schema: &Schema, table: &Table, out: &mut Vec<Problem>) {
    let Some(m) = table.primary_key.as_ref().and_then(|k| k.method.as_deref()) else {
        return;
    };
    let why = match schema.dialect {
        Some(d) if d != DialectKind::Mysql => format!("{d} keeps no index type on a primary key"),
        _ if matches!(m, "btree" | "hash") => return,
        _ => format!("a primary key's index type is `btree` or `hash`, not `{m}`"),
    };
    out.push(
        Problem::new(
            "E0295",
            ObjectRef::PrimaryKey {
                table: table.name.clone(),
            },
            format!("{why} (table `{}`)", table.name),
            "`using`",
        )
        .help("remove `using`, or write `using btree` on a MySQL/MariaDB MEMORY table"),
    );
}

/// E0257: a primary key column in descending order, `primary key (a
/// desc)`, where only MySQL/MariaDB keep one (PostgreSQL's keys have no
/// order; strata does not model SQLite's).
pub(super) fn descending_keys(schema: &Schema, table: &Table, out: &mut Vec<Problem>) {
    let Some(pk) = &table.primary_key else {
        return;
    };
    let Some(d) = schema.dialect.filter(|d| *d != DialectKind::Mysql) else {
        return;
    };
    for c in &pk.descending {
        out.push(
            Problem::new(
                "E0257",
                ObjectRef::PrimaryKey {
                    table: table.name.clone(),
                },
                format!(
                    "{d} keeps no descending column in a primary key (`{c} desc`, table `{}`)",
                    table.name
                ),
                "`desc`",
            )
            .help("write the column alone, and add an index with `desc` if a descending order is what you need"),
        );
    }
}

/// E0296: a primary key column's prefix length, `primary key (a(10))`,
/// where only MySQL/MariaDB keep one, or of 0.
pub(super) fn key_prefixes(schema: &Schema, table: &Table, out: &mut Vec<Problem>) {
    let Some(pk) = &table.primary_key else {
        return;
    };
    let other = schema.dialect.filter(|d| *d != DialectKind::Mysql);
    for (c, n) in &pk.lengths {
        let why = match other {
            Some(d) => format!("{d} keeps no prefix length in a primary key (`{c}({n})`)"),
            None if *n == 0 => format!("a prefix length of 0 on `{c}`"),
            None => continue,
        };
        out.push(
            Problem::new(
                "E0296",
                ObjectRef::PrimaryKey {
                    table: table.name.clone(),
                },
                format!("{why} (table `{}`)", table.name),
                "prefix length",
            )
            .help("write the column alone; a prefix length is MySQL/MariaDB's, at least 1"),
        );
    }
}

/// E0276: a column's statistics target outside PostgreSQL, where no
/// statement could set it and every plan would try again.
pub(super) fn column_statistics(schema: &Schema, table: &Table, out: &mut Vec<Problem>) {
    let Some(d) = schema.dialect.filter(|d| *d != DialectKind::Postgres) else {
        return;
    };
    for c in table.columns.iter().filter(|c| c.statistics.is_some()) {
        out.push(
            Problem::new(
                "E0276",
                ObjectRef::Column {
                    table: table.name.clone(),
                    column: c.name.clone(),
                },
                format!(
                    "{d} keeps no statistics target on a column (`{}.{}`)",
                    table.name, c.name
                ),
                "statistics target",
            )
            .help("remove `statistics`: it is PostgreSQL's `ALTER COLUMN … SET STATISTICS`"),
        );
    }
}

/// E0290: a column's estimate of distinct values outside PostgreSQL,
/// where no statement could set it and every plan would try again.
pub(super) fn column_distinct(schema: &Schema, table: &Table, out: &mut Vec<Problem>) {
    let Some(d) = schema.dialect.filter(|d| *d != DialectKind::Postgres) else {
        return;
    };
    for c in table.columns.iter().filter(|c| !c.distinct.is_unset()) {
        out.push(
            Problem::new(
                "E0290",
                ObjectRef::Column {
                    table: table.name.clone(),
                    column: c.name.clone(),
                },
                format!(
                    "{d} keeps no estimate of distinct values on a column (`{}.{}`)",
                    table.name, c.name
                ),
                "distinct estimate",
            )
            .help(
                "remove `n_distinct`/`n_distinct_inherited`: they are PostgreSQL's \
                 `ALTER COLUMN … SET (n_distinct = …)`",
            ),
        );
    }
}

/// E0279: a column's storage or compression outside PostgreSQL, where no
/// statement could set it and every plan would try again.
pub(super) fn column_toast(schema: &Schema, table: &Table, out: &mut Vec<Problem>) {
    let Some(d) = schema.dialect.filter(|d| *d != DialectKind::Postgres) else {
        return;
    };
    for c in &table.columns {
        let said = [
            c.storage.map(|_| ("storage", "SET STORAGE")),
            c.compression.map(|_| ("compression", "SET COMPRESSION")),
        ];
        for (word, statement) in said.into_iter().flatten() {
            out.push(
                Problem::new(
                    "E0279",
                    ObjectRef::Column {
                        table: table.name.clone(),
                        column: c.name.clone(),
                    },
                    format!(
                        "{d} keeps no {word} on a column (`{}.{}`)",
                        table.name, c.name
                    ),
                    word,
                )
                .help(format!(
                    "remove `{word}`: it is PostgreSQL's `ALTER COLUMN … {statement}`"
                )),
            );
        }
    }
}

/// E0246: `only` on an index of a table that is not partitioned (or
/// outside PostgreSQL): nothing but a PostgreSQL partitioned table's
/// index can be made `ON ONLY` and stay so; any other would be made whole
/// and planned again forever.
pub(super) fn only_indexes(schema: &Schema, table: &Table, out: &mut Vec<Problem>) {
    let partitioned = crate::ir::is_partitioned(table);
    if partitioned && schema.dialect == Some(DialectKind::Postgres) {
        return;
    }
    for (index, ix) in table.indexes.iter().enumerate() {
        if !ix.invalid {
            continue;
        }
        out.push(
            Problem::new(
                "E0246",
                ObjectRef::Index {
                    table: table.name.clone(),
                    index,
                },
                format!(
                    "`only` on an index of `{}`, which is not a PostgreSQL partitioned table",
                    table.name
                ),
                "`only` here",
            )
            .help("remove `only`: it keeps a partitioned table's index off its partitions"),
        );
    }
}

/// E0234: an exclusion constraint element names an unknown column.
pub(super) fn exclusions(table: &Table, out: &mut Vec<Problem>) {
    let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
    for (i, x) in table.exclusions.iter().enumerate() {
        for e in &x.elements {
            let IndexKey::Column(c) = &e.key else {
                continue;
            };
            if table.column(c).is_some() {
                continue;
            }
            out.push(
                Problem::new(
                    "E0234",
                    ObjectRef::Exclusion {
                        table: table.name.clone(),
                        index: i,
                    },
                    format!(
                        "exclusion constraint of `{}` names unknown column `{c}`",
                        table.name
                    ),
                    format!("no column `{c}` in table `{}`", table.name),
                )
                .maybe_help(help_for(
                    c,
                    &names,
                    &format!("columns of `{}`", table.name),
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ir::validate::test_support::{codes, pg, schema, table, with_pk};
    use crate::ir::DialectKind;

    #[test]
    fn a_constraint_comment_is_postgres_only() {
        let mut t = with_pk(table("t", &[("a", "int")]), &["a"]);
        if let Some(pk) = &mut t.primary_key {
            pk.comment = Some("the key".into());
        }
        assert!(!codes(&pg(schema(vec![t.clone()]))).contains(&"E0239"));
        let mut only = t.clone();
        only.indexes.push(crate::ir::Index {
            invalid: true,
            ..crate::ir::Index::on_columns(Some("t_a"), &["a"])
        });
        assert!(codes(&pg(schema(vec![only.clone()]))).contains(&"E0246"));
        only.partition = Some(crate::ir::Partitioning::By {
            by: crate::ir::Expr::new("list (a)"),
        });
        assert!(!codes(&pg(schema(vec![only]))).contains(&"E0246"));
        let mut other = schema(vec![t.clone()]);
        other.dialect = Some(DialectKind::Sqlite);
        assert_eq!(codes(&other), ["E0239"]);
        // MySQL/MariaDB keep a primary key's comment on its index, and
        // no other constraint's.
        other.dialect = Some(DialectKind::Mysql);
        assert_eq!(codes(&other), Vec::<&str>::new());
        t.checks.push(crate::ir::Check {
            name: None,
            expr: crate::ir::Expr::new("a > 0"),
            not_valid: false,
            no_inherit: false,
            renamed_from: None,
            column: None,
            comment: Some("positive".into()),
        });
        other.tables.insert(t.name.clone(), t);
        assert_eq!(codes(&other), ["E0239"]);
    }

    #[test]
    fn a_primary_keys_index_type_is_mysqls_only() {
        let mut t = with_pk(table("t", &[("a", "int")]), &["a"]);
        if let Some(pk) = &mut t.primary_key {
            pk.method = Some("btree".into());
        }
        let mut s = schema(vec![t.clone()]);
        s.dialect = Some(DialectKind::Mysql);
        assert_eq!(codes(&s), Vec::<&str>::new());
        assert_eq!(codes(&pg(schema(vec![t.clone()]))), ["E0295"]);
        s.dialect = Some(DialectKind::Sqlite);
        assert_eq!(codes(&s), ["E0295"]);
        if let Some(pk) = &mut t.primary_key {
            pk.method = Some("gin".into());
        }
        let mut s = schema(vec![t]);
        s.dialect = Some(DialectKind::Mysql);
        assert_eq!(codes(&s), ["E0295"]);
    }

    #[test]
    fn a_primary_keys_prefix_length_is_mysqls_only() {
        let mut t = with_pk(table("t", &[("a", "text")]), &["a"]);
        if let Some(pk) = &mut t.primary_key {
            pk.lengths.insert("a".into(), 10);
        }
        let mut s = schema(vec![t.clone()]);
        s.dialect = Some(DialectKind::Mysql);
        assert_eq!(codes(&s), Vec::<&str>::new());
        assert_eq!(codes(&pg(schema(vec![t.clone()]))), ["E0296"]);
        if let Some(pk) = &mut t.primary_key {
            pk.lengths.insert("a".into(), 0);
        }
        let mut s = schema(vec![t]);
        s.dialect = Some(DialectKind::Mysql);
        assert_eq!(codes(&s), ["E0296"]);
    }

    #[test]
    fn a_descending_primary_key_column_is_mysqls_only() {
        let mut t = with_pk(table("t", &[("a", "int")]), &["a"]);
        if let Some(pk) = &mut t.primary_key {
            pk.descending.insert("a".into());
        }
        let mut s = schema(vec![t.clone()]);
        s.dialect = Some(DialectKind::Mysql);
        assert_eq!(codes(&s), Vec::<&str>::new());
        assert_eq!(codes(&pg(schema(vec![t.clone()]))), ["E0257"]);
        s.dialect = Some(DialectKind::Sqlite);
        assert_eq!(codes(&s), ["E0257"]);
    }
}
