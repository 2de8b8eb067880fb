//! Row-level security, policies and grants. Policies and grants follow
//! their table through a rename, like triggers.

use std::collections::BTreeMap;

use super::table::Renames;
use super::Change;
use crate::ir::{Grant, GrantKey, GrantOn, Name, Policy, RowSecurity, Schema};

/// One change per table both sides have whose flags differ. A created
/// table carries its flags in `CreateTable` (so that the rollback of a
/// drop restores them), a dropped one takes them along.
pub(super) fn row_security(from: &Schema, to: &Schema, renames: &Renames, out: &mut Vec<Change>) {
    let before: BTreeMap<Name, RowSecurity> = from
        .tables
        .values()
        .filter(|f| {
            to.tables
                .get(&renames.table(&f.name))
                .is_some_and(|t| t.partition == f.partition)
        })
        .map(|f| (renames.table(&f.name), f.row_security))
        .collect();
    for (name, t) in &to.tables {
        let Some(&was) = before.get(name) else {
            continue;
        };
        if was != t.row_security {
            out.push(Change::SetRowSecurity {
                table: name.clone(),
                from: was,
                to: t.row_security,
            });
        }
    }
}

pub(super) fn policies(from: &Schema, to: &Schema, renames: &Renames, out: &mut Vec<Change>) {
    let moved: BTreeMap<(Name, String), &Policy> = from
        .policies
        .values()
        .map(|p| ((renames.table(&p.table), p.name.clone()), p))
        .collect();
    for (key, f) in &moved {
        let mut same_place = (*f).clone();
        same_place.table = key.0.clone();
        match to.policies.get(key) {
            Some(t) if *t == same_place => {}
            Some(t) if alterable(&same_place, t) => out.push(Change::AlterPolicy {
                from: (*f).clone(),
                to: t.clone(),
            }),
            _ => out.push(Change::DropPolicy((*f).clone())),
        }
    }
    for (key, t) in &to.policies {
        let kept = moved.get(key).is_some_and(|f| {
            let mut same_place = (*f).clone();
            same_place.table = key.0.clone();
            same_place == *t || alterable(&same_place, t)
        });
        if !kept {
            out.push(Change::CreatePolicy(t.clone()));
        }
    }
}

/// `ALTER POLICY` changes roles and expressions but neither the command
/// nor permissive/restrictive, and cannot take an expression away.
fn alterable(from: &Policy, to: &Policy) -> bool {
    from.restrictive == to.restrictive
        && from.command == to.command
        && (from.using.is_none() || to.using.is_some())
        && (from.check.is_none() || to.check.is_some())
}

/// A column's privileges are revoked with its table's: `revoke all on table
/// t` takes the column grants too, as in SQL.
fn revoked(to: &Schema, on: &GrantOn, grantee: &str) -> bool {
    match on {
        GrantOn::Column(t, _) => to.revokes(&GrantOn::Table(t.clone()), grantee),
        other => to.revokes(other, grantee),
    }
}

/// Grants are compared only for the grantees `to` names, and on the
/// objects where `to` revokes all from a role (`revoke all on schema
/// public from public`): a database's grants to roles the schema never
/// mentions are not strata's to revoke.
/// The default namespace's grants only where `from` knows that namespace
/// (see `namespaces`): an empty `from` has not lost `public`'s defaults.
pub(super) fn grants(from: &Schema, to: &Schema, renames: &Renames, out: &mut Vec<Change>) {
    let managed = to.grantees();
    let public_known = from.namespaces.contains_key("public");
    let compared = |g: &Grant| public_known || g.on != GrantOn::Schema("public".into());
    let moved: BTreeMap<GrantKey, &Grant> = from
        .grants
        .values()
        .filter(|g| compared(g))
        .map(|g| {
            let mut k = g.key();
            k.0 = match &k.0 {
                GrantOn::Table(n) => GrantOn::Table(renames.table(n)),
                GrantOn::Column(t, c) => {
                    let t = renames.table(t);
                    let c = renames.column(&t, c);
                    GrantOn::Column(t, c)
                }
                other => other.clone(),
            };
            (k, g)
        })
        .filter(|(k, g)| managed.contains(g.grantee.as_str()) || revoked(to, &k.0, &g.grantee))
        .collect();
    for (key, f) in &moved {
        match to.grants.get(key) {
            None => out.push(Change::Revoke((*f).clone())),
            Some(t) if t.grant_option != f.grant_option => out.push(Change::AlterGrant {
                from: (*f).clone(),
                to: t.clone(),
            }),
            Some(_) => {}
        }
    }
    for (key, t) in to.grants.iter().filter(|(_, g)| compared(g)) {
        if !moved.contains_key(key) {
            out.push(Change::Grant(t.clone()));
        }
    }
    public_defaults(from, to, out);
}

/// What the server gives `PUBLIC` on a new type (`USAGE`) is no grant of
/// either side: where one side revokes it (`revoke all on type t from
/// public`) and the other does not, it is revoked or given back. Only on
/// objects both sides have: one the plan makes is revoked once made
/// (`plan::regrant`), one it drops takes its privileges along.
fn public_defaults(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    let public = |s: &Schema| -> Vec<GrantOn> {
        s.revocations
            .iter()
            .filter(|r| r.grantee == "public" && r.on.public_default().is_some())
            .map(|r| r.on.clone())
            .collect()
    };
    let (was, now) = (public(from), public(to));
    let default = |on: &GrantOn| Grant {
        on: on.clone(),
        privilege: on.public_default().unwrap_or_default().to_string(),
        grantee: "public".into(),
        grant_option: false,
    };
    for on in now
        .iter()
        .filter(|on| !was.contains(on) && has_object(from, on))
    {
        out.push(Change::Revoke(default(on)));
    }
    for on in was
        .iter()
        .filter(|on| !now.contains(on) && has_object(to, on))
    {
        out.push(Change::Grant(default(on)));
    }
}

/// Whether `schema` has the object a grant is on (a type of any kind).
pub(crate) fn has_object(schema: &Schema, on: &GrantOn) -> bool {
    match on {
        GrantOn::Type(n) => {
            schema.enums.contains_key(n)
                || schema.domains.contains_key(n)
                || schema.composites.contains_key(n)
                || schema.ranges.contains_key(n)
        }
        GrantOn::Function(n, args) => schema.functions.contains_key(&(n.clone(), args.clone())),
        _ => true,
    }
}
