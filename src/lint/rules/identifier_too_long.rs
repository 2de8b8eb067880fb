//! `identifier-too-long`: a name longer than the dialect keeps.
//! PostgreSQL silently cuts names to their first 63 bytes, so the
//! database never holds the name the schema says (and two long names can
//! become one); MySQL refuses names over 64 characters. SQLite has no
//! limit.

use crate::ir::{DialectKind, ObjectRef, Schema};
use crate::lint::{Context, Hit, Level, Rule};

pub static RULE: Rule = Rule {
    id: "identifier-too-long",
    default: Level::Error,
    dialects: &[DialectKind::Postgres, DialectKind::Mysql],
    summary: "a name longer than the dialect keeps (PostgreSQL 63 bytes, MySQL 64 characters)",
    docs: include_str!("../../../docs/lint/identifier-too-long.md"),
    check,
};

fn check(cx: &Context) -> Vec<Hit> {
    let mut out = Vec::new();
    for (at, name) in names(cx.schema) {
        let (len, max, unit, what) = match cx.dialect {
            Some(DialectKind::Postgres) => (
                name.len(),
                63,
                "bytes",
                "PostgreSQL cuts it to its first 63 bytes, so the database never holds this name",
            ),
            Some(DialectKind::Mysql) => (
                name.chars().count(),
                64,
                "characters",
                "MySQL refuses names over 64 characters",
            ),
            _ => continue,
        };
        if len > max {
            out.push(Hit::new(
                at,
                format!("`{name}` is {len} {unit} long: {what}"),
                format!("shorten it to at most {max} {unit}"),
            ));
        }
    }
    out
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
    for n in s.domains.keys() {
        out.push((ObjectRef::Domain { name: n.clone() }, &n.name));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::rules::testing::messages;

    #[test]
    fn fires_past_63_bytes_on_postgres() {
        let long = "x".repeat(64);
        let m = messages(
            &RULE,
            &format!("dialect postgres\ntable {long} {{\n  id bigint pk\n}}\n"),
        );
        assert_eq!(m.len(), 1);
        assert!(m[0].contains("64 bytes"), "{}", m[0]);
        // Bytes, not characters: 32 two-byte letters are 64 bytes.
        let m = messages(
            &RULE,
            &format!(
                "dialect postgres\ntable t {{\n  id bigint pk\n  {} int\n}}\n",
                crate::syntax::ident(&"é".repeat(32))
            ),
        );
        assert_eq!(m.len(), 1);
    }

    #[test]
    fn counts_characters_on_mysql_and_names_of_parts() {
        let ok = crate::syntax::ident(&"é".repeat(64));
        let src = format!(
            "dialect mysql\ntable t {{\n  id bigint pk\n  {ok} int\n  index {} (id)\n}}\n",
            "i".repeat(65)
        );
        let m = messages(&RULE, &src);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].contains("65 characters"), "{}", m[0]);
    }

    #[test]
    fn is_silent_at_the_limit() {
        let src = format!(
            "dialect postgres\ntable {} {{\n  id bigint pk\n}}\n",
            "x".repeat(63)
        );
        assert!(messages(&RULE, &src).is_empty());
    }
}
