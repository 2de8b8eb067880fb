//! Policies and grants, each in one bulk query. Row-level security flags
//! come with the tables.

use sqlx::postgres::PgRow;
use sqlx::Row;

use super::{name_of, os, s};
use crate::ir::{Expr, Grant, GrantOn, Policy, PolicyCommand, Revocation, Schema};

pub(super) fn policies(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let table = name_of(s(r, "schema")?, s(r, "table_name")?);
        let p = Policy {
            name: s(r, "name")?,
            table: table.clone(),
            restrictive: !r.try_get::<bool, _>("permissive")?,
            command: PolicyCommand::parse(&s(r, "cmd")?).unwrap_or_default(),
            roles: r.try_get("roles")?,
            using: os(r, "using_expr")?.map(Expr::new),
            check: os(r, "check_expr")?.map(Expr::new),
        };
        schema.policies.insert((table, p.name.clone()), p);
    }
    Ok(())
}

/// Schema `public` where `PUBLIC` holds nothing on it: a new database
/// gives `PUBLIC` `USAGE` there, so "nothing" is a fact a file must be
/// able to state (`revoke all on schema public from public`). Only where
/// `public` was inspected (it is then always among the namespaces).
pub(super) fn public_revoked(schema: &mut Schema) {
    let on = GrantOn::Schema("public".into());
    let granted = schema
        .grants
        .values()
        .any(|g| g.on == on && g.grantee == "public");
    if schema.namespaces.contains_key("public") && !granted {
        schema.revocations.insert(Revocation {
            on,
            grantee: "public".into(),
        });
    }
}

pub(super) fn grants(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = s(r, "name")?;
        let kind = s(r, "kind")?;
        let on = match kind.as_str() {
            "schema" => GrantOn::Schema(name),
            "sequence" => GrantOn::Sequence(name_of(s(r, "schema")?, name)),
            "view" => GrantOn::View(name_of(s(r, "schema")?, name)),
            "type" | "revoked type" => GrantOn::Type(name_of(s(r, "schema")?, name)),
            "function" | "revoked function" => {
                GrantOn::Function(name_of(s(r, "schema")?, name), s(r, "col")?)
            }
            "column" => GrantOn::Column(name_of(s(r, "schema")?, name), s(r, "col")?),
            "future" => GrantOn::Future {
                objects: name,
                schema: s(r, "schema")?,
                role: os(r, "col")?,
            },
            _ => GrantOn::Table(name_of(s(r, "schema")?, name)),
        };
        let g = Grant {
            on,
            privilege: s(r, "privilege")?,
            grantee: s(r, "grantee")?,
            grant_option: r.try_get("grantable")?,
        };
        // What the server gives `PUBLIC` on every new object of the kind
        // is no grant; its absence is a revocation.
        if kind.starts_with("revoked ") {
            schema.revocations.insert(Revocation {
                on: g.on,
                grantee: g.grantee,
            });
        } else if !(g.grantee == "public" && g.on.public_default() == Some(g.privilege.as_str())) {
            schema.grants.insert(g.key(), g);
        }
    }
    Ok(())
}
