//! Privileges that go with a dropped object and must come back with it.
//!
//! `DROP` takes an object's privileges along, and the diff only speaks of
//! grants whose (object, grantee, privilege) changes. So a relation,
//! sequence or schema that a list of changes creates (new, made anew, or
//! made back by a rollback) would come without the grants the schema
//! keeps unchanged on it and without those it does not manage (grants to
//! roles it never names, which stay as they are): the rollback of a
//! dropped table would lose them silently.

use std::collections::{BTreeMap, BTreeSet};

use super::refs::key;
use crate::diff::Change;
use crate::ir::{implicit, Function, Grant, GrantKey, GrantOn, Name, Schema};

/// Adds a grant for every privilege `to` holds on an object the changes
/// create, and for every one `from` holds there to a role `to` does not
/// manage, unless a change of its own already grants, alters or revokes
/// it.
pub fn regrant_created(changes: &mut Vec<Change>, from: &Schema, to: &Schema) {
    let made = created(changes, &to.functions);
    if made.is_empty() {
        return;
    }
    let mut handled = handled(changes);
    let managed = to.grantees();
    let unmanaged = from
        .grants
        .values()
        .filter(|g| !managed.contains(g.grantee.as_str()) && !to.revokes(&g.on, &g.grantee));
    let again: Vec<Change> = to
        .grants
        .values()
        .chain(unmanaged)
        .filter(|g| made.contains(&object(&g.on)))
        .filter(|g| handled.insert(g.key()))
        .map(|g| Change::Grant(g.clone()))
        .collect();
    changes.extend(again);
    // A type made anew has what the server gives `PUBLIC`: revoked again
    // where the schema revokes it.
    let revoked: Vec<Change> = to
        .revocations
        .iter()
        .filter(|r| r.grantee == "public" && made.contains(&object(&r.on)))
        .filter_map(|r| {
            let g = Grant {
                on: r.on.clone(),
                privilege: r.on.public_default()?.to_string(),
                grantee: r.grantee.clone(),
                grant_option: false,
            };
            handled.insert(g.key()).then_some(Change::Revoke(g))
        })
        .collect();
    changes.extend(revoked);
}

/// The server gives what it makes the default privileges of its schema
/// (`ALTER DEFAULT PRIVILEGES … IN SCHEMA`): a table, view or sequence the
/// changes make would keep those `to` does not grant on it. Each is
/// revoked once it is made, for the grantees `to` manages; the defaults
/// of either side count, since the changes may alter them before or after.
pub fn revoke_defaults(changes: &mut Vec<Change>, from: &Schema, to: &Schema) {
    let managed = to.grantees();
    let mut made: Vec<(GrantOn, &str)> = Vec::new();
    for c in changes.iter() {
        match c {
            Change::CreateTable(t) => {
                made.push((GrantOn::Table(t.name.clone()), "tables"));
                for s in implicit::implicit_sequences(t) {
                    made.push((GrantOn::Sequence(s), "sequences"));
                }
            }
            Change::CreateView(v) => made.push((GrantOn::View(v.name.clone()), "tables")),
            Change::CreateSequence(s) => {
                made.push((GrantOn::Sequence(s.name.clone()), "sequences"))
            }
            _ => {}
        }
    }
    let handled = handled(changes);
    let mut revoked: BTreeMap<GrantKey, Grant> = BTreeMap::new();
    for (on, kind) in made {
        let Some(n) = on.relation() else { continue };
        let defaults = GrantOn::Future {
            objects: kind.to_string(),
            schema: n.schema.clone().unwrap_or_else(|| "public".into()),
            role: None,
        };
        for d in from.grants.values().chain(to.grants.values()) {
            if d.on != defaults || !managed.contains(d.grantee.as_str()) {
                continue;
            }
            let g = Grant {
                on: on.clone(),
                privilege: d.privilege.clone(),
                grantee: d.grantee.clone(),
                grant_option: false,
            };
            if !to.grants.contains_key(&g.key()) && !handled.contains(&g.key()) {
                revoked.insert(g.key(), g);
            }
        }
    }
    changes.extend(revoked.into_values().map(Change::Revoke));
}

/// The objects a grant can be on that the changes create, as [`object`]
/// names them; a table brings the sequences its serial and identity
/// columns make.
fn created(
    changes: &[Change],
    to_functions: &BTreeMap<(Name, String), Function>,
) -> BTreeSet<GrantOn> {
    let mut made = BTreeSet::new();
    for c in changes {
        match c {
            Change::CreateTable(t) => {
                made.insert(GrantOn::Table(key(&t.name)));
                for s in implicit::implicit_sequences(t) {
                    made.insert(GrantOn::Sequence(key(&s)));
                }
            }
            Change::CreateView(v) => {
                made.insert(GrantOn::Table(key(&v.name)));
            }
            Change::ReplaceView { from: f, to: t } if key(&f.name) == key(&t.name) => {
                made.insert(GrantOn::Table(key(&t.name)));
            }
            Change::CreateSequence(s) => {
                made.insert(GrantOn::Sequence(key(&s.name)));
            }
            Change::CreateNamespace(n) => {
                made.insert(GrantOn::Schema(n.name.to_lowercase()));
            }
            Change::CreateEnum(x) => {
                made.insert(GrantOn::Type(key(&x.name)));
            }
            Change::CreateDomain(x) => {
                made.insert(GrantOn::Type(key(&x.name)));
            }
            Change::CreateComposite(x) => {
                made.insert(GrantOn::Type(key(&x.name)));
            }
            Change::CreateRange(x) => {
                made.insert(GrantOn::Type(key(&x.name)));
            }
            // Made anew by a drop and a create unless `CREATE OR REPLACE`
            // can make it (which keeps its privileges: granting them again
            // changes nothing).
            Change::CreateFunction(f) | Change::ReplaceFunction { to: f, .. } => {
                if let Some(((n, args), _)) = to_functions
                    .iter()
                    .find(|(_, g)| g.name == f.name && g.args == f.args)
                {
                    made.insert(GrantOn::Function(key(n), args.clone()));
                }
            }
            _ => {}
        }
    }
    made
}

/// The object a grant is on, under the names the planner compares: a
/// column's is its relation's, and a view is a relation like a table
/// (a table's name may pass to a view).
fn object(on: &GrantOn) -> GrantOn {
    match on {
        GrantOn::Table(n) | GrantOn::View(n) | GrantOn::Column(n, _) => GrantOn::Table(key(n)),
        GrantOn::Sequence(n) => GrantOn::Sequence(key(n)),
        GrantOn::Type(n) => GrantOn::Type(key(n)),
        GrantOn::Function(n, args) => GrantOn::Function(key(n), args.clone()),
        GrantOn::Schema(n) => GrantOn::Schema(n.to_lowercase()),
        other @ GrantOn::Future { .. } => other.clone(),
    }
}

/// The grants `changes` already grant, revoke or alter.
fn handled(changes: &[Change]) -> BTreeSet<GrantKey> {
    changes
        .iter()
        .filter_map(|c| match c {
            Change::Grant(g) | Change::Revoke(g) | Change::AlterGrant { to: g, .. } => {
                Some(g.key())
            }
            _ => None,
        })
        .collect()
}
