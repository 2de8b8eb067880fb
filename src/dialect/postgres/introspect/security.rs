//! Policies and grants, each in one bulk query. Row-level security flags
//! come with the tables.

use sqlx::postgres::PgRow;
use sqlx::Row;

use super::{name_of, os, s};
use crate::ir::{Expr, Grant, GrantOn, Policy, PolicyCommand, Schema};

pub(super) fn policies(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let table = name_of(s(r, "schema")?, s(r, "table_name")?);
        let p = Policy {
            name: s(r, "name")?,
            table: table.clone(),
            restrictive: !r.try_get::<bool, _>("permissive")?,
            command: PolicyCommand::parse(&s(r, "cmd")?).unwrap_or_default(),
            roles: r.try_get("roles")?,
            using: os(r, "using_expr")?.map(Expr),
            check: os(r, "check_expr")?.map(Expr),
        };
        schema.policies.insert((table, p.name.clone()), p);
    }
    Ok(())
}

pub(super) fn grants(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = s(r, "name")?;
        let on = match s(r, "kind")?.as_str() {
            "schema" => GrantOn::Schema(name),
            "sequence" => GrantOn::Sequence(name_of(s(r, "schema")?, name)),
            "view" => GrantOn::View(name_of(s(r, "schema")?, name)),
            "column" => GrantOn::Column(name_of(s(r, "schema")?, name), s(r, "col")?),
            _ => GrantOn::Table(name_of(s(r, "schema")?, name)),
        };
        let g = Grant {
            on,
            privilege: s(r, "privilege")?,
            grantee: s(r, "grantee")?,
            grant_option: r.try_get("grantable")?,
        };
        schema.grants.insert(g.key(), g);
    }
    Ok(())
}

/// Roles as names; 0 is PUBLIC.
macro_rules! role_name {
    ($oid:literal) => {
        concat!(
            "CASE WHEN ",
            $oid,
            " = 0 THEN 'public' ELSE pg_get_userbyid(",
            $oid,
            ")::text END"
        )
    };
}

pub(super) const POLICIES: &str = concat!(
    "SELECT n.nspname::text AS schema, c.relname::text AS table_name, pol.polname::text AS name, \
       pol.polpermissive AS permissive, pol.polcmd::text AS cmd, \
       ARRAY(SELECT ",
    role_name!("r"),
    " FROM unnest(pol.polroles) r ORDER BY 1) AS roles, \
       pg_get_expr(pol.polqual, pol.polrelid) AS using_expr, \
       pg_get_expr(pol.polwithcheck, pol.polrelid) AS check_expr \
     FROM pg_policy pol JOIN pg_class c ON c.oid = pol.polrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE",
    ns_filter!(),
    "ORDER BY 1, 2, 3"
);

/// Privileges from the ACLs, without the owner's own: those are implicit,
/// and an ACL that was never touched (NULL) holds only the defaults. The
/// `public` schema's ACL is the database's default, not the schema's.
pub(super) const GRANTS: &str = concat!(
    "SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' \
       ELSE 'table' END AS kind, n.nspname::text AS schema, c.relname::text AS name, \
       NULL::text AS col, ",
    role_name!("a.grantee"),
    " AS grantee, lower(a.privilege_type) AS privilege, a.is_grantable AS grantable \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(c.relacl) a \
     WHERE c.relacl IS NOT NULL AND c.relkind IN ('r', 'p', 'v', 'm', 'S') \
       AND a.grantee <> c.relowner AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "UNION ALL \
     SELECT 'column', n.nspname::text, c.relname::text, at.attname::text, ",
    role_name!("a.grantee"),
    ", lower(a.privilege_type), a.is_grantable \
     FROM pg_attribute at JOIN pg_class c ON c.oid = at.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace, aclexplode(at.attacl) a \
     WHERE at.attacl IS NOT NULL AND NOT at.attisdropped AND at.attnum > 0 \
       AND c.relkind IN ('r', 'p', 'v', 'm') AND a.grantee <> c.relowner AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_class", "c.oid"),
    "UNION ALL \
     SELECT 'schema', n.nspname::text, n.nspname::text, NULL::text, ",
    role_name!("a.grantee"),
    ", lower(a.privilege_type), a.is_grantable \
     FROM pg_namespace n, aclexplode(n.nspacl) a \
     WHERE n.nspacl IS NOT NULL AND n.nspname <> 'public' AND a.grantee <> n.nspowner AND",
    ns_filter!(),
    "AND",
    not_ext!("pg_namespace", "n.oid"),
    "ORDER BY 1, 2, 3, 4, 5, 6"
);
