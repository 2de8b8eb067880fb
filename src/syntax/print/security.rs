//! Printing of policies and grant lines.

use std::collections::BTreeMap;

use super::{qualified, text};
use crate::ir::{GrantOn, Name, Policy, PolicyCommand, Revocation, Schema};

pub(super) fn policy(p: &Policy, ind: &str) -> String {
    let mut s = format!(
        "{ind}policy {} on {}",
        text::ident(&p.name),
        qualified(&p.table)
    );
    if p.restrictive {
        s.push_str(" as restrictive");
    }
    if p.command != PolicyCommand::All {
        s.push_str(&format!(" for {}", p.command.as_str()));
    }
    if !p.roles.is_empty() {
        let roles: Vec<String> = p.roles.iter().map(|r| text::ident(r)).collect();
        s.push_str(&format!(" to {}", roles.join(", ")));
    }
    if let Some(u) = &p.using {
        s.push_str(&format!(" using ({u})"));
    }
    if let Some(c) = &p.check {
        s.push_str(&format!(" with check ({c})"));
    }
    s
}

/// The name a grant's chunk is filed under: its object's, or for a
/// schema, a top-level name (a namespace's grants are printed outside it).
pub(super) fn filed_under(on: &GrantOn) -> Name {
    match on {
        GrantOn::Schema(n) | GrantOn::Future { schema: n, .. } => Name::new(n.clone()),
        GrantOn::Table(n)
        | GrantOn::View(n)
        | GrantOn::Sequence(n)
        | GrantOn::Type(n)
        | GrantOn::Function(n, _)
        | GrantOn::Column(n, _) => n.clone(),
    }
}

/// The object a grant line names: a column's privileges go on its
/// table's line.
pub(crate) fn line_target(on: &GrantOn) -> GrantOn {
    match on {
        GrantOn::Column(t, _) => GrantOn::Table(t.clone()),
        other => other.clone(),
    }
}

/// `schema app`, `table orders`: the object as a grant line names it.
fn target(on: &GrantOn) -> String {
    match on {
        GrantOn::Schema(n) => format!("schema {}", text::ident(n)),
        GrantOn::Function(n, args) => format!("function {}({args})", qualified(n)),
        GrantOn::Table(n)
        | GrantOn::View(n)
        | GrantOn::Sequence(n)
        | GrantOn::Type(n)
        | GrantOn::Column(n, _) => {
            format!("{} {}", on.keyword(), qualified(n))
        }
        GrantOn::Future {
            objects,
            schema,
            role,
        } => {
            let mut s = format!("future {objects} in schema {}", text::ident(schema));
            if let Some(r) = role {
                s.push_str(&format!(" for role {}", text::ident(r)));
            }
            s
        }
    }
}

/// `revoke all on schema public from public`.
pub(super) fn revoke_line(r: &Revocation) -> String {
    format!(
        "revoke all on {} from {}",
        target(&r.on),
        text::ident(&r.grantee)
    )
}

/// One line per (object, grantee, grant option), as `grant` is written.
pub(super) fn grant_lines(schema: &Schema, keep: &dyn Fn(&Name) -> bool) -> Vec<String> {
    let mut groups: BTreeMap<(GrantOn, &str, bool), ()> = BTreeMap::new();
    for g in schema.grants.values().filter(|g| keep(&filed_under(&g.on))) {
        groups.insert((line_target(&g.on), g.grantee.as_str(), g.grant_option), ());
    }
    groups
        .keys()
        .filter_map(|(on, grantee, opt)| grant_line(schema, on, grantee, *opt))
        .collect()
}

/// `grant select, insert on table orders to reader [with grant option]`;
/// `all` when the object kind's every privilege is there.
pub(super) fn grant_line(
    schema: &Schema,
    on: &GrantOn,
    grantee: &str,
    grant_option: bool,
) -> Option<String> {
    let mine = |g: &&crate::ir::Grant| g.grantee == grantee && g.grant_option == grant_option;
    let mut privileges: Vec<&str> = schema
        .grants
        .values()
        .filter(mine)
        .filter(|g| &g.on == on)
        .map(|g| g.privilege.as_str())
        .collect();
    // Column privileges: privilege → columns, in column-privilege order.
    let mut columns: BTreeMap<(usize, &str), Vec<&str>> = BTreeMap::new();
    for g in schema.grants.values().filter(mine) {
        if let GrantOn::Column(t, c) = &g.on {
            if GrantOn::Table(t.clone()) == *on {
                let rank = g.on.privileges().iter().position(|x| *x == g.privilege);
                columns
                    .entry((rank.unwrap_or(usize::MAX), g.privilege.as_str()))
                    .or_default()
                    .push(c);
            }
        }
    }
    if privileges.is_empty() && columns.is_empty() {
        return None;
    }
    let order = |p: &str| on.privileges().iter().position(|x| *x == p);
    privileges.sort_by_key(|p| (order(p).unwrap_or(usize::MAX), p.to_string()));
    let mut parts: Vec<String> = if privileges.len() == on.privileges().len()
        && on.privileges().iter().all(|p| privileges.contains(p))
    {
        vec!["all".to_string()]
    } else {
        privileges.iter().map(|p| p.to_string()).collect()
    };
    for ((_, p), cols) in columns {
        let cols: Vec<String> = cols.iter().map(|c| text::ident(c)).collect();
        parts.push(format!("{p} ({})", cols.join(", ")));
    }
    let list = parts.join(", ");
    Some(format!(
        "grant {list} on {} to {}{}",
        target(on),
        text::ident(grantee),
        if grant_option {
            " with grant option"
        } else {
            ""
        }
    ))
}
