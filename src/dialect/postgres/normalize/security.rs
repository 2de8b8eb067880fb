//! Policies and grants in PostgreSQL's canonical form: roles sorted with
//! `public` for "every role", expressions as the catalog prints them,
//! grants on views filed as views whatever keyword the file used.

use super::super::expr::{self, Context};
use super::{function_args, identity, name};
use crate::ir::{Expr, GrantOn, Revocation, Schema};

fn role(r: &str) -> String {
    if r.eq_ignore_ascii_case("public") {
        "public".into()
    } else {
        r.to_string()
    }
}

pub(super) fn normalize(out: &mut Schema, base: &Context<'_>) {
    let cx = *base;
    let norm = |e: Expr| e.canonical(expr::normalize(&e.0, &cx));
    out.policies = std::mem::take(&mut out.policies)
        .into_values()
        .map(|mut p| {
            p.table = name(&p.table);
            let mut roles: Vec<String> = p.roles.iter().map(|r| role(r)).collect();
            // PostgreSQL keeps only PUBLIC when the list names it.
            if roles.is_empty() || roles.iter().any(|r| r == "public") {
                roles = vec!["public".into()];
            }
            roles.sort();
            roles.dedup();
            p.roles = roles;
            p.using = p.using.map(norm);
            p.check = p.check.map(norm);
            ((p.table.clone(), p.name.clone()), p)
        })
        .collect();
    let views = &out.views;
    let tables = &out.tables;
    let filed = |on: GrantOn| match on {
        GrantOn::Table(n) | GrantOn::View(n) => {
            let n = name(&n);
            if views.contains_key(&n) && !tables.contains_key(&n) {
                GrantOn::View(n)
            } else {
                GrantOn::Table(n)
            }
        }
        GrantOn::Sequence(n) => GrantOn::Sequence(name(&n)),
        GrantOn::Type(n) => GrantOn::Type(name(&n)),
        // Keyed as the functions are: by their input types.
        GrantOn::Function(n, args) => GrantOn::Function(name(&n), identity(&function_args(&args))),
        GrantOn::Column(t, c) => GrantOn::Column(name(&t), c),
        other @ (GrantOn::Schema(_) | GrantOn::Future { .. }) => other,
    };
    out.revocations = std::mem::take(&mut out.revocations)
        .into_iter()
        .map(|r| Revocation {
            on: filed(r.on),
            grantee: role(&r.grantee),
        })
        .collect();
    out.grants = std::mem::take(&mut out.grants)
        .into_values()
        .map(|mut g| {
            g.on = filed(g.on);
            g.privilege = g.privilege.to_lowercase();
            g.grantee = role(&g.grantee);
            (g.key(), g)
        })
        .collect();
    public_defaults(out);
}

/// `grant usage on type t to public` is what the server gives every new
/// type (and `execute` every new function): no grant of the schema's (introspection never reads one), and
/// it undoes a `revoke all on type t from public` beside it.
fn public_defaults(out: &mut Schema) {
    let default = |g: &crate::ir::Grant| {
        g.grantee == "public" && g.on.public_default() == Some(g.privilege.as_str())
    };
    let given: Vec<GrantOn> = out
        .grants
        .values()
        .filter(|g| default(g))
        .map(|g| g.on.clone())
        .collect();
    out.grants.retain(|_, g| !default(g));
    out.revocations
        .retain(|r| !(r.grantee == "public" && given.contains(&r.on)));
}
