//! Rules on objects beside tables: enums, sequences, views, triggers, and
//! names that clash across a PostgreSQL namespace.

use std::collections::{BTreeMap, BTreeSet};

use super::suggest::{help_for, TableNames};
use super::view_refs::tables_read;
use super::Problem;
use crate::ir::{DialectKind, Name, ObjectRef, Schema};

/// E0223 duplicate label, E0224 no labels.
pub(super) fn enums(schema: &Schema, out: &mut Vec<Problem>) {
    for e in schema.enums.values() {
        let at = ObjectRef::Enum {
            name: e.name.clone(),
        };
        if e.values.is_empty() {
            out.push(
                Problem::new(
                    "E0224",
                    at.clone(),
                    format!("enum `{}` has no labels", e.name),
                    "declared without labels",
                )
                .help("list its labels: `enum status { active, archived }`"),
            );
        }
        let mut seen = BTreeSet::new();
        for v in &e.values {
            if !seen.insert(v.as_str()) {
                out.push(
                    Problem::new(
                        "E0223",
                        at.clone(),
                        format!("enum `{}` lists the label `{v}` twice", e.name),
                        format!("`{v}` repeated"),
                    )
                    .help("remove the second occurrence; the order of labels is part of the type"),
                );
            }
        }
    }
}

/// E0280: an unlogged sequence where the dialect has none (MariaDB's
/// sequences are always written to its log).
fn unlogged_elsewhere(schema: &Schema, seq: &crate::ir::Sequence, out: &mut Vec<Problem>) {
    let Some(d) = schema.dialect.filter(|d| *d != DialectKind::Postgres) else {
        return;
    };
    if seq.unlogged {
        out.push(
            Problem::new(
                "E0280",
                ObjectRef::Sequence {
                    name: seq.name.clone(),
                },
                format!("{d} keeps no unlogged sequence (`{}`)", seq.name),
                "unlogged",
            )
            .help("remove `unlogged`: it is PostgreSQL's `CREATE UNLOGGED SEQUENCE`"),
        );
    }
}

/// E0220: `owned by` names a table or column that does not exist.
/// E0280: `unlogged` outside PostgreSQL.
pub(super) fn sequences(schema: &Schema, out: &mut Vec<Problem>) {
    let tables = TableNames::new(schema);
    for seq in schema.sequences.values() {
        unlogged_elsewhere(schema, seq, out);
        let Some((table, column)) = &seq.owned_by else {
            continue;
        };
        let at = ObjectRef::Sequence {
            name: seq.name.clone(),
        };
        match schema.tables.get(table) {
            None => {
                out.push(
                    Problem::new(
                        "E0220",
                        at,
                        format!(
                            "sequence `{}` is owned by unknown table `{table}`",
                            seq.name
                        ),
                        format!("no table `{table}`"),
                    )
                    .maybe_help(tables.help(table)),
                );
            }
            Some(t) if t.column(column).is_none() => {
                let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
                out.push(
                    Problem::new(
                        "E0220",
                        at,
                        format!(
                            "sequence `{}` is owned by unknown column `{table}.{column}`",
                            seq.name
                        ),
                        format!("no column `{column}` in table `{table}`"),
                    )
                    .maybe_help(help_for(
                        column,
                        &names,
                        &format!("columns of `{table}`"),
                    )),
                );
            }
            Some(_) => {}
        }
    }
}

/// Every relation-like name of the schema, lower-cased (views may spell
/// names in any case) and by bare name: a view may reach a table of
/// another namespace through the search path.
fn readable_names(schema: &Schema) -> BTreeSet<String> {
    schema
        .tables
        .keys()
        .chain(schema.views.keys())
        .chain(schema.sequences.keys())
        .chain(schema.functions.keys().map(|(n, _)| n))
        .map(|n| n.name.to_lowercase())
        .collect()
}

/// E0218: a view reads a table that is neither in the schema nor a
/// system catalog. Names in a namespace the schema does not declare
/// (`information_schema.tables`, another database) are left alone.
pub(super) fn views(schema: &Schema, out: &mut Vec<Problem>) {
    let known = readable_names(schema);
    let namespaces: BTreeSet<String> = schema
        .namespaces
        .keys()
        .map(|n| n.to_lowercase())
        .chain(
            schema
                .tables
                .keys()
                .chain(schema.views.keys())
                .filter_map(|n| n.schema.as_ref().map(|s| s.to_lowercase())),
        )
        .chain(["public".to_string()])
        .collect();
    let candidates: Vec<String> = schema
        .tables
        .keys()
        .chain(schema.views.keys())
        .map(Name::to_string)
        .collect();
    let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
    for view in schema.views.values() {
        for (ns, name) in tables_read(&view.body) {
            if let Some(ns) = &ns {
                if !namespaces.contains(&ns.to_lowercase()) {
                    continue;
                }
            }
            let lower = name.to_lowercase();
            if known.contains(&lower)
                || lower.starts_with("pg_")
                || lower.starts_with("sqlite_")
                || lower == "dual"
                || lower == view.name.name.to_lowercase()
            {
                continue;
            }
            let shown = match &ns {
                Some(ns) => format!("{ns}.{name}"),
                None => name.clone(),
            };
            out.push(
                Problem::new(
                    "E0218",
                    ObjectRef::View {
                        name: view.name.clone(),
                    },
                    format!("view `{}` reads unknown table `{shown}`", view.name),
                    format!("no table or view `{shown}`"),
                )
                .maybe_help(help_for(&shown, &candidates, "tables and views")),
            );
        }
    }
}

/// E0219: a trigger on a table (or view) that does not exist. E0253: a
/// trigger's comment where the dialect keeps none (MySQL, SQLite): the
/// plan could never make it, and would plan it again forever.
pub(super) fn triggers(schema: &Schema, out: &mut Vec<Problem>) {
    let tables = TableNames::new(schema);
    for trig in schema.triggers.values() {
        let at = || ObjectRef::Trigger {
            table: trig.table.clone(),
            name: trig.name.clone(),
        };
        if let Some(d) = schema.dialect.filter(|d| *d != DialectKind::Postgres) {
            if trig.comment.is_some() {
                out.push(
                    Problem::new(
                        "E0253",
                        at(),
                        format!("{d} keeps no comment on a trigger (`{}`)", trig.name),
                        "comment on a trigger",
                    )
                    .help("remove the comment, or keep it as a `//` note in the file"),
                );
            }
        }
        if schema.tables.contains_key(&trig.table) || schema.views.contains_key(&trig.table) {
            continue;
        }
        out.push(
            Problem::new(
                "E0219",
                at(),
                format!(
                    "trigger `{}` is on unknown table `{}`",
                    trig.name, trig.table
                ),
                format!("no table `{}`", trig.table),
            )
            .maybe_help(tables.help(&trig.table)),
        );
    }
}

/// E0217: on PostgreSQL, tables, views, sequences, indexes and the indexes
/// behind primary keys and unique constraints share one set of names per
/// namespace; enums share theirs with tables and views (a table is also a
/// row type). Only names the schema spells out are compared: generated
/// names are the dialect's to make unique.
pub(super) fn namespace_clashes(schema: &Schema, out: &mut Vec<Problem>) {
    if schema.dialect != Some(DialectKind::Postgres) {
        return;
    }
    let mut relations: BTreeMap<(Option<String>, String), ObjectRef> = BTreeMap::new();
    let mut types: BTreeMap<(Option<String>, String), ObjectRef> = BTreeMap::new();
    let key = |n: &Name| (n.schema.clone(), n.name.clone());
    let claim = |map: &mut BTreeMap<_, ObjectRef>,
                 k: (Option<String>, String),
                 at: ObjectRef,
                 out: &mut Vec<Problem>| {
        if let Some(first) = map.get(&k) {
            let shown = match &k.0 {
                Some(ns) => format!("{ns}.{}", k.1),
                None => k.1.clone(),
            };
            out.push(
                Problem::new(
                    "E0217",
                    at,
                    format!("the name `{shown}` is used by two objects of one namespace"),
                    "used again here",
                )
                .related(first.clone(), "first used here")
                .help("PostgreSQL keeps tables, views, sequences and indexes in one set of names per schema: rename one"),
            );
        } else {
            map.insert(k, at);
        }
    };
    for e in schema.enums.values() {
        claim(
            &mut types,
            key(&e.name),
            ObjectRef::Enum {
                name: e.name.clone(),
            },
            out,
        );
    }
    for d in schema.domains.values() {
        claim(
            &mut types,
            key(&d.name),
            ObjectRef::Domain {
                name: d.name.clone(),
            },
            out,
        );
    }
    for r in schema.ranges.values() {
        let at = ObjectRef::Range {
            name: r.name.clone(),
        };
        claim(&mut types, key(&r.name), at, out);
    }
    for x in schema.composites.values() {
        // A composite type has a row in pg_class too.
        let at = ObjectRef::Composite {
            name: x.name.clone(),
        };
        claim(&mut relations, key(&x.name), at.clone(), out);
        claim(&mut types, key(&x.name), at, out);
    }
    for t in schema.tables.values() {
        let at = ObjectRef::Table {
            name: t.name.clone(),
        };
        claim(&mut relations, key(&t.name), at.clone(), out);
        claim(&mut types, key(&t.name), at, out);
    }
    for v in schema.views.values() {
        let at = ObjectRef::View {
            name: v.name.clone(),
        };
        claim(&mut relations, key(&v.name), at.clone(), out);
        claim(&mut types, key(&v.name), at, out);
    }
    for s in schema.sequences.values() {
        claim(
            &mut relations,
            key(&s.name),
            ObjectRef::Sequence {
                name: s.name.clone(),
            },
            out,
        );
    }
    for t in schema.tables.values() {
        let ns = t.name.schema.clone();
        let within = |name: &str| (ns.clone(), name.to_string());
        if let Some(n) = t.primary_key.as_ref().and_then(|p| p.name.as_deref()) {
            claim(
                &mut relations,
                within(n),
                ObjectRef::PrimaryKey {
                    table: t.name.clone(),
                },
                out,
            );
        }
        for (i, u) in t.uniques.iter().enumerate() {
            if let Some(n) = &u.name {
                claim(
                    &mut relations,
                    within(n),
                    ObjectRef::Unique {
                        table: t.name.clone(),
                        index: i,
                    },
                    out,
                );
            }
        }
        for (i, x) in t.indexes.iter().enumerate() {
            // Two indexes of one table with one name are E0216 already.
            if let Some(n) = &x.name {
                let dup_in_table = t.indexes[..i].iter().any(|y| y.name.as_deref() == Some(n))
                    || t.uniques.iter().any(|u| u.name.as_deref() == Some(n))
                    || t.primary_key.as_ref().and_then(|p| p.name.as_deref()) == Some(n);
                if dup_in_table {
                    continue;
                }
                claim(
                    &mut relations,
                    within(n),
                    ObjectRef::Index {
                        table: t.name.clone(),
                        index: i,
                    },
                    out,
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::ir::{DialectKind, Enum, Index, Name, Schema, Sequence, Trigger, View};

    fn enum_of(name: &str, values: &[&str]) -> Enum {
        Enum {
            name: Name::new(name),
            values: values.iter().map(|v| v.to_string()).collect(),
            comment: None,
        }
    }

    #[test]
    fn enum_labels() {
        let mut s = schema(vec![]);
        s.enums.insert(Name::new("e"), enum_of("e", &[]));
        s.enums
            .insert(Name::new("f"), enum_of("f", &["a", "b", "a"]));
        assert_eq!(codes(&s), vec!["E0224", "E0223"]);
    }

    fn sequence(owned_by: (&str, &str)) -> Sequence {
        Sequence {
            owned_by: Some((Name::new(owned_by.0), owned_by.1.to_string())),
            ..Sequence::named(Name::new("s"))
        }
    }

    #[test]
    fn sequence_owner() {
        for (owner, want) in [
            (("t", "id"), vec![]),
            (("t", "idx"), vec!["E0220"]),
            (("u", "id"), vec!["E0220"]),
        ] {
            let mut s = schema(vec![table("t", &[("id", "int")])]);
            s.sequences.insert(Name::new("s"), sequence(owner));
            assert_eq!(codes(&s), want, "{owner:?}");
        }
    }

    fn view(body: &str) -> View {
        View {
            name: Name::new("v"),
            body: body.into(),
            materialized: false,
            columns: vec![],
            indexes: vec![],
            comment: None,
            renamed_from: None,
            column_comments: Default::default(),
            unmodeled: Vec::new(),
            written: None,
            options: Default::default(),
        }
    }

    #[test]
    fn view_reading_unknown_table() {
        let mut s = schema(vec![table("orders", &[("id", "int")])]);
        s.views.insert(
            Name::new("v"),
            view("select * from ordres join information_schema.tables t on true join pg_class c on true"),
        );
        let p = super::super::validate(&s);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].code, "E0218");
        assert_eq!(p[0].help.as_deref(), Some("did you mean `orders`?"));
        s.views.insert(Name::new("v"), view("select * from ORDERS"));
        assert_eq!(codes(&s), Vec::<&str>::new());
    }

    /// A trigger `touch` before update on `table`.
    fn add_trigger(s: &mut Schema, table: &str, comment: Option<&str>) {
        let trig = Trigger {
            name: "touch".into(),
            table: Name::new(table),
            timing: "before".into(),
            events: vec!["update".into()],
            for_each_row: true,
            when: None,
            body: "execute function touch()".into(),
            options: Default::default(),
            comment: comment.map(Into::into),
        };
        s.triggers
            .insert((trig.table.clone(), trig.name.clone()), trig);
    }

    #[test]
    fn trigger_on_unknown_table() {
        let mut s = schema(vec![table("orders", &[("id", "int")])]);
        add_trigger(&mut s, "order", None);
        let p = super::super::validate(&s);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "E0219");
        assert_eq!(p[0].help.as_deref(), Some("did you mean `orders`?"));
    }

    #[test]
    fn trigger_comment_only_on_postgres() {
        let mut s = schema(vec![table("orders", &[("id", "int")])]);
        add_trigger(&mut s, "orders", Some("keeps updated_at"));
        s.dialect = Some(DialectKind::Postgres);
        assert_eq!(codes(&s), Vec::<&str>::new());
        for d in [DialectKind::Mysql, DialectKind::Sqlite] {
            s.dialect = Some(d);
            assert_eq!(codes(&s), ["E0253"]);
        }
    }

    fn named_index(name: &str, col: &str) -> Index {
        Index::on_columns(Some(name), &[col])
    }

    #[test]
    fn postgres_index_names_clash_per_namespace() {
        let mut a = table("a", &[("x", "int")]);
        a.indexes.push(named_index("by_x", "x"));
        let mut b = table("b", &[("x", "int")]);
        b.indexes.push(named_index("by_x", "x"));
        b.indexes.push(named_index("a", "x"));
        let mut c = table("c", &[("x", "int")]);
        c.name = Name::qualified("other", "c");
        c.indexes.push(named_index("by_x", "x"));
        let s = schema(vec![a, b, c]);
        // Only PostgreSQL shares index names across tables.
        assert_eq!(codes(&s), Vec::<&str>::new());
        assert_eq!(codes(&pg(s)), vec!["E0217", "E0217"]);
    }

    #[test]
    fn postgres_enum_and_table_share_type_names() {
        let mut s = pg(schema(vec![table("status", &[("x", "int")])]));
        s.enums
            .insert(Name::new("status"), enum_of("status", &["a"]));
        assert_eq!(codes(&s), vec!["E0217"]);
    }
}
