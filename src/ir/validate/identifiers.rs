//! E0237: a name longer than the dialect keeps. PostgreSQL silently cuts
//! names to their first 63 bytes, so the database never holds the name the
//! schema says: every plan would find the object missing and make it again
//! (and two long names can become one). MySQL refuses names over 64
//! characters. SQLite has no limit.
//!
//! E0255: a name the server refuses to create, which only the apply would
//! find, half way through: an empty name on PostgreSQL and MySQL, on
//! MySQL a table, view or column name that ends in a space, and on SQLite
//! a table, view, index or trigger name that begins with `sqlite_`.

use super::Problem;
use crate::ir::{DialectKind, ObjectRef, Schema};

pub(super) fn check(schema: &Schema, out: &mut Vec<Problem>) {
    let (max, unit, what) = match schema.dialect {
        Some(DialectKind::Postgres) => (
            63,
            "bytes",
            "PostgreSQL cuts a name to its first 63 bytes, so the database would never hold this one",
        ),
        Some(DialectKind::Mysql) => (64, "characters", "MySQL refuses names over 64 characters"),
        _ => (usize::MAX, "", ""),
    };
    for (at, name) in names(schema) {
        refused(schema, &at, name, out);
        let len = match schema.dialect {
            Some(DialectKind::Mysql) => name.chars().count(),
            _ => name.len(),
        };
        if len > max {
            out.push(
                Problem::new(
                    "E0237",
                    at,
                    format!("`{name}` is {len} {unit} long: {what}"),
                    format!("longer than {max} {unit}"),
                )
                .help(format!("shorten the name to at most {max} {unit}")),
            );
        }
    }
}

/// E0255, for one name.
fn refused(schema: &Schema, at: &ObjectRef, name: &str, out: &mut Vec<Problem>) {
    let mysql = schema.dialect == Some(DialectKind::Mysql);
    let sqlite = schema.dialect == Some(DialectKind::Sqlite);
    let sqlite_object = matches!(
        at,
        ObjectRef::Table { .. }
            | ObjectRef::View { .. }
            | ObjectRef::Index { .. }
            | ObjectRef::Trigger { .. }
    );
    let internal = name
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("sqlite_"));
    let relation = matches!(
        at,
        ObjectRef::Table { .. } | ObjectRef::View { .. } | ObjectRef::Column { .. }
    );
    let message = if sqlite && sqlite_object && internal {
        format!("`{name}`: SQLite keeps names that begin with `sqlite_` for itself")
    } else if name.is_empty() && !sqlite && schema.dialect.is_some() {
        "an empty name: the server refuses it".to_string()
    } else if mysql && relation && name.ends_with(' ') {
        format!("`{name}` ends in a space: MySQL refuses such table, view and column names")
    } else {
        return;
    };
    out.push(
        Problem::new("E0255", at.clone(), message, "this name")
            .help("rename it: the server would refuse to create it under this name"),
    );
}

/// Every name the schema gives an object, with the object.
fn names(s: &Schema) -> Vec<(ObjectRef, &str)> {
    let mut out: Vec<(ObjectRef, &str)> = Vec::new();
    for ns in s.namespaces.values() {
        out.push((
            ObjectRef::Namespace {
                name: ns.name.clone(),
            },
            &ns.name,
        ));
    }
    for n in s.enums.keys() {
        out.push((ObjectRef::Enum { name: n.clone() }, &n.name));
    }
    for n in s.sequences.keys() {
        out.push((ObjectRef::Sequence { name: n.clone() }, &n.name));
    }
    for n in s.views.keys() {
        out.push((ObjectRef::View { name: n.clone() }, &n.name));
    }
    for (n, args) in s.functions.keys() {
        let at = ObjectRef::Function {
            name: n.clone(),
            args: args.clone(),
        };
        out.push((at, &n.name));
    }
    for n in s.events.keys() {
        out.push((ObjectRef::Event { name: n.clone() }, &n.name));
    }
    for n in s.domains.keys() {
        out.push((ObjectRef::Domain { name: n.clone() }, &n.name));
    }
    for n in s.ranges.keys() {
        out.push((ObjectRef::Range { name: n.clone() }, &n.name));
    }
    for n in s.statistics.keys() {
        out.push((ObjectRef::Statistics { name: n.clone() }, &n.name));
    }
    for n in s.collations.keys() {
        out.push((ObjectRef::Collation { name: n.clone() }, &n.name));
    }
    for n in s.text_search_configs.keys() {
        out.push((ObjectRef::TextSearchConfig { name: n.clone() }, &n.name));
    }
    for (n, x) in &s.composites {
        out.push((ObjectRef::Composite { name: n.clone() }, &n.name));
        for a in &x.attributes {
            out.push((ObjectRef::Composite { name: n.clone() }, &a.name));
        }
    }
    for (table, name) in s.triggers.keys() {
        let at = ObjectRef::Trigger {
            table: table.clone(),
            name: name.clone(),
        };
        out.push((at, name));
    }
    for (n, t) in &s.tables {
        let table = || n.clone();
        out.push((ObjectRef::Table { name: table() }, &n.name));
        for c in &t.columns {
            let at = ObjectRef::Column {
                table: table(),
                column: c.name.clone(),
            };
            out.push((at, &c.name));
        }
        if let Some(name) = t.primary_key.as_ref().and_then(|k| k.name.as_deref()) {
            out.push((ObjectRef::PrimaryKey { table: table() }, name));
        }
        let parts = [
            named(t.uniques.iter().map(|u| u.name.as_deref())),
            named(t.checks.iter().map(|c| c.name.as_deref())),
            named(t.foreign_keys.iter().map(|f| f.name.as_deref())),
            named(t.indexes.iter().map(|i| i.name.as_deref())),
        ];
        for (kind, list) in parts.into_iter().enumerate() {
            for (index, name) in list {
                let at = match kind {
                    0 => ObjectRef::Unique {
                        table: table(),
                        index,
                    },
                    1 => ObjectRef::Check {
                        table: table(),
                        index,
                    },
                    2 => ObjectRef::ForeignKey {
                        table: table(),
                        index,
                    },
                    _ => ObjectRef::Index {
                        table: table(),
                        index,
                    },
                };
                out.push((at, name));
            }
        }
    }
    out
}

/// The named members of a list, with their positions.
fn named<'a>(names: impl Iterator<Item = Option<&'a str>>) -> Vec<(usize, &'a str)> {
    names
        .enumerate()
        .filter_map(|(i, n)| n.map(|n| (i, n)))
        .collect()
}
