//! Row-level security, policies and grants as PostgreSQL statements.

use super::Ctx;
use crate::dialect::postgres::quote::{ident, name as qname};
use crate::ir::{Grant, GrantOn, Name, Policy, RowSecurity};

pub(super) fn set_row_security(
    cx: &mut Ctx<'_>,
    table: &Name,
    from: &RowSecurity,
    to: &RowSecurity,
) {
    if from.enabled != to.enabled {
        let verb = if to.enabled { "ENABLE" } else { "DISABLE" };
        cx.push(
            format!("ALTER TABLE {} {verb} ROW LEVEL SECURITY", qname(table)),
            vec![],
        );
    }
    if from.forced != to.forced {
        let verb = if to.forced { "FORCE" } else { "NO FORCE" };
        cx.push(
            format!("ALTER TABLE {} {verb} ROW LEVEL SECURITY", qname(table)),
            vec![],
        );
    }
}

/// A role as `TO`/`FROM` take it: `PUBLIC` is a keyword, not a name.
fn role(r: &str) -> String {
    if r.eq_ignore_ascii_case("public") {
        "PUBLIC".into()
    } else {
        ident(r)
    }
}

fn roles(p: &Policy) -> String {
    if p.roles.is_empty() {
        return "PUBLIC".into();
    }
    p.roles
        .iter()
        .map(|r| role(r))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn create_policy(cx: &mut Ctx<'_>, p: &Policy) {
    let mut sql = format!(
        "CREATE POLICY {} ON {} AS {} FOR {} TO {}",
        ident(&p.name),
        qname(&p.table),
        if p.restrictive {
            "RESTRICTIVE"
        } else {
            "PERMISSIVE"
        },
        p.command.as_str().to_uppercase(),
        roles(p)
    );
    if let Some(u) = &p.using {
        sql.push_str(&format!(" USING ({u})"));
    }
    if let Some(c) = &p.check {
        sql.push_str(&format!(" WITH CHECK ({c})"));
    }
    cx.push(sql, vec![]);
}

pub(super) fn drop_policy(cx: &mut Ctx<'_>, p: &Policy) {
    cx.push(
        format!("DROP POLICY {} ON {}", ident(&p.name), qname(&p.table)),
        vec![],
    );
}

/// Only what differs. `ALTER POLICY` cannot take an expression away: a
/// rollback that must is a drop and a create.
pub(super) fn alter_policy(cx: &mut Ctx<'_>, from: &Policy, to: &Policy) {
    let loses =
        |a: &Option<crate::ir::Expr>, b: &Option<crate::ir::Expr>| a.is_some() && b.is_none();
    if loses(&from.using, &to.using)
        || loses(&from.check, &to.check)
        || from.restrictive != to.restrictive
        || from.command != to.command
    {
        drop_policy(cx, from);
        create_policy(cx, to);
        return;
    }
    let mut sql = format!("ALTER POLICY {} ON {}", ident(&to.name), qname(&to.table));
    if from.roles != to.roles {
        sql.push_str(&format!(" TO {}", roles(to)));
    }
    if let (true, Some(u)) = (from.using != to.using, &to.using) {
        sql.push_str(&format!(" USING ({u})"));
    }
    if let (true, Some(c)) = (from.check != to.check, &to.check) {
        sql.push_str(&format!(" WITH CHECK ({c})"));
    }
    cx.push(sql, vec![]);
}

fn target(on: &GrantOn) -> String {
    match on {
        GrantOn::Schema(n) => format!("SCHEMA {}", ident(n)),
        // GRANT names views with the TABLE keyword.
        GrantOn::Table(n) | GrantOn::View(n) | GrantOn::Column(n, _) => {
            format!("TABLE {}", qname(n))
        }
        GrantOn::Sequence(n) => format!("SEQUENCE {}", qname(n)),
        GrantOn::Type(n) => format!("TYPE {}", qname(n)),
        // `ROUTINE` names a function, a procedure and an aggregate alike.
        GrantOn::Function(n, args) => format!("ROUTINE {}({args})", qname(n)),
        GrantOn::Future { objects, .. } => objects.to_uppercase(),
    }
}

/// `ALTER DEFAULT PRIVILEGES [FOR ROLE r] IN SCHEMA s ` before the
/// `GRANT`/`REVOKE` of default privileges; nothing for an object's.
fn defaults(on: &GrantOn) -> String {
    match on {
        GrantOn::Future { schema, role, .. } => format!(
            "ALTER DEFAULT PRIVILEGES {}IN SCHEMA {} ",
            role.as_ref()
                .map(|r| format!("FOR ROLE {} ", ident(r)))
                .unwrap_or_default(),
            ident(schema)
        ),
        _ => String::new(),
    }
}

/// `SELECT`, or `SELECT ("col")` for a column's privilege.
fn privilege(g: &Grant) -> String {
    match &g.on {
        GrantOn::Column(_, c) => format!("{} ({})", g.privilege.to_uppercase(), ident(c)),
        _ => g.privilege.to_uppercase(),
    }
}

pub(super) fn grant(cx: &mut Ctx<'_>, g: &Grant) {
    cx.push(
        format!(
            "{}GRANT {} ON {} TO {}{}",
            defaults(&g.on),
            privilege(g),
            target(&g.on),
            role(&g.grantee),
            if g.grant_option {
                " WITH GRANT OPTION"
            } else {
                ""
            }
        ),
        vec![],
    );
}

pub(super) fn revoke(cx: &mut Ctx<'_>, g: &Grant) {
    cx.push(
        format!(
            "{}REVOKE {} ON {} FROM {}",
            defaults(&g.on),
            privilege(g),
            target(&g.on),
            role(&g.grantee)
        ),
        vec![],
    );
}

/// The grant option given or taken back; the privilege itself stays.
pub(super) fn alter_grant(cx: &mut Ctx<'_>, to: &Grant) {
    if to.grant_option {
        grant(cx, to);
    } else {
        cx.push(
            format!(
                "{}REVOKE GRANT OPTION FOR {} ON {} FROM {}",
                defaults(&to.on),
                privilege(to),
                target(&to.on),
                role(&to.grantee)
            ),
            vec![],
        );
    }
}
