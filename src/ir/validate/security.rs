//! Rules on row-level security, policies and grants: PostgreSQL only,
//! on objects the schema has, with privileges the object kind has.

use super::suggest::{help_for, TableNames};
use super::Problem;
use crate::ir::{DialectKind, GrantOn, Name, ObjectRef, Schema};

/// E0232: another dialect has none of these.
pub(super) fn dialect(schema: &Schema, out: &mut Vec<Problem>) {
    let Some(d) = schema.dialect.filter(|d| *d != DialectKind::Postgres) else {
        return;
    };
    let help =
        "row-level security, policies and grants are PostgreSQL's; remove them from this schema";
    for t in schema
        .tables
        .values()
        .filter(|t| !t.row_security.is_default())
    {
        out.push(
            Problem::new(
                "E0232",
                ObjectRef::Table {
                    name: t.name.clone(),
                },
                format!("{d} has no row-level security (table `{}`)", t.name),
                "row level security",
            )
            .help(help),
        );
    }
    for p in schema.policies.values() {
        out.push(
            Problem::new(
                "E0232",
                ObjectRef::Policy {
                    table: p.table.clone(),
                    name: p.name.clone(),
                },
                format!("{d} has no policies (policy `{}` on `{}`)", p.name, p.table),
                "policy",
            )
            .help(help),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for g in schema.grants.values() {
        let at = grant_ref(g);
        if seen.insert(at.clone()) {
            out.push(
                Problem::new(
                    "E0232",
                    at,
                    format!("strata manages grants on PostgreSQL only, not on {d}"),
                    "grant",
                )
                .help(help),
            );
        }
    }
    for r in &schema.revocations {
        out.push(
            Problem::new(
                "E0232",
                ObjectRef::Revocation {
                    on: r.on.clone(),
                    grantee: r.grantee.clone(),
                },
                format!("strata manages grants on PostgreSQL only, not on {d}"),
                "revoke",
            )
            .help(help),
        );
    }
}

/// The `grant` line a grant came from: a column's privileges are written
/// on their table's line.
fn grant_ref(g: &crate::ir::Grant) -> ObjectRef {
    let on = match &g.on {
        GrantOn::Column(t, _) => GrantOn::Table(t.clone()),
        other => other.clone(),
    };
    ObjectRef::Grant {
        on,
        grantee: g.grantee.clone(),
        grant_option: g.grant_option,
    }
}

/// E0230: a policy on a table that does not exist.
pub(super) fn policies(schema: &Schema, out: &mut Vec<Problem>) {
    let tables = TableNames::new(schema);
    for p in schema.policies.values() {
        if schema.tables.contains_key(&p.table) {
            continue;
        }
        out.push(
            Problem::new(
                "E0230",
                ObjectRef::Policy {
                    table: p.table.clone(),
                    name: p.name.clone(),
                },
                format!("policy `{}` is on unknown table `{}`", p.name, p.table),
                format!("no table `{}`", p.table),
            )
            .maybe_help(tables.help(&p.table)),
        );
    }
}

/// E0231: a grant on an object the schema does not have; E0233: a
/// privilege the object kind does not have.
pub(super) fn grants(schema: &Schema, out: &mut Vec<Problem>) {
    let implicit: Vec<Name> = schema
        .tables
        .values()
        .flat_map(crate::ir::implicit::implicit_sequences)
        .collect();
    for g in schema.grants.values() {
        let (exists, names): (bool, Vec<String>) = match &g.on {
            // The default namespace always exists.
            GrantOn::Schema(n) | GrantOn::Future { schema: n, .. } => (
                n == "public" || schema.namespaces.contains_key(n),
                schema.namespaces.keys().cloned().collect(),
            ),
            GrantOn::Table(n) => (
                schema.tables.contains_key(n),
                schema.tables.keys().map(Name::to_string).collect(),
            ),
            GrantOn::View(n) => (
                schema.views.contains_key(n),
                schema.views.keys().map(Name::to_string).collect(),
            ),
            // A serial or identity column's own sequence is one too.
            GrantOn::Sequence(n) => (
                schema.sequences.contains_key(n) || implicit.contains(n),
                schema
                    .sequences
                    .keys()
                    .chain(implicit.iter())
                    .map(Name::to_string)
                    .collect(),
            ),
            GrantOn::Type(n) => (
                schema.enums.contains_key(n)
                    || schema.domains.contains_key(n)
                    || schema.composites.contains_key(n)
                    || schema.ranges.contains_key(n),
                schema
                    .enums
                    .keys()
                    .chain(schema.domains.keys())
                    .chain(schema.composites.keys())
                    .chain(schema.ranges.keys())
                    .map(Name::to_string)
                    .collect(),
            ),
            // By name: the argument lists of a file are compared once the
            // dialect's normalization made them input types.
            GrantOn::Function(n, _) => (
                schema.functions.keys().any(|(f, _)| f == n),
                schema
                    .functions
                    .keys()
                    .map(|(f, _)| f.to_string())
                    .collect(),
            ),
            GrantOn::Column(t, c) => match schema.tables.get(t) {
                Some(table) => (
                    table.column(c).is_some(),
                    table.columns.iter().map(|x| x.name.clone()).collect(),
                ),
                None => (
                    schema.views.contains_key(t),
                    schema.tables.keys().map(Name::to_string).collect(),
                ),
            },
        };
        if !exists {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let shown = match &g.on {
                GrantOn::Schema(n) | GrantOn::Future { schema: n, .. } => n.clone(),
                GrantOn::Column(t, c) if schema.tables.contains_key(t) => c.clone(),
                GrantOn::Type(n) | GrantOn::Function(n, _) => n.to_string(),
                other => other.relation().map(Name::to_string).unwrap_or_default(),
            };
            out.push(
                Problem::new(
                    "E0231",
                    grant_ref(g),
                    format!("grant on unknown {}", g.on),
                    format!("no {} `{shown}`", g.on.keyword()),
                )
                .maybe_help(help_for(&shown, &names, "names")),
            );
        }
        if !g.on.privileges().contains(&g.privilege.as_str()) {
            out.push(
                Problem::new(
                    "E0233",
                    grant_ref(g),
                    format!("a {} has no privilege `{}`", g.on.keyword(), g.privilege),
                    "unknown privilege",
                )
                .help(format!(
                    "a {} has: {}, or `all`",
                    g.on.keyword(),
                    g.on.privileges().join(", ")
                )),
            );
        }
    }
}
