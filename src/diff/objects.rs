//! Domains, composite and range types and exclusion constraints
//! (PostgreSQL only) and events (MySQL only): compared whole, by name,
//! after normalization has filled in generated names.

use std::collections::BTreeMap;

use super::{Change, TableChange};
use crate::ir::{Exclusion, Name, Schema};

/// One kind compared whole: dropped when only `from` has it, altered when
/// both have it and it differs, created when only `to` has it.
pub(super) fn whole<T: Clone + PartialEq>(
    from: &BTreeMap<Name, T>,
    to: &BTreeMap<Name, T>,
    out: &mut Vec<Change>,
    drop: fn(T) -> Change,
    alter: fn(T, T) -> Change,
    create: fn(T) -> Change,
) {
    for (name, f) in from {
        match to.get(name) {
            None => out.push(drop(f.clone())),
            Some(t) if t != f => out.push(alter(f.clone(), t.clone())),
            Some(_) => {}
        }
    }
    for (name, t) in to {
        if !from.contains_key(name) {
            out.push(create(t.clone()));
        }
    }
}

pub(super) fn domains(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    whole(
        &from.domains,
        &to.domains,
        out,
        Change::DropDomain,
        |from, to| Change::AlterDomain { from, to },
        Change::CreateDomain,
    );
}

pub(super) fn composites(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    whole(
        &from.composites,
        &to.composites,
        out,
        Change::DropComposite,
        |from, to| Change::AlterComposite { from, to },
        Change::CreateComposite,
    );
}

pub(super) fn events(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    whole(
        &from.events,
        &to.events,
        out,
        Change::DropEvent,
        |from, to| Change::AlterEvent { from, to },
        Change::CreateEvent,
    );
}

pub(super) fn ranges(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    whole(
        &from.ranges,
        &to.ranges,
        out,
        Change::DropRange,
        |from, to| Change::AlterRange { from, to },
        Change::CreateRange,
    );
}

/// An exclusion constraint cannot be altered: a changed one is dropped
/// and added again.
pub(super) fn exclusion_changes(from: &[Exclusion], to: &[Exclusion], out: &mut Vec<TableChange>) {
    // The same constraint under the same name with another comment: the
    // comment changes in place.
    let recommented = |x: &Exclusion, others: &[Exclusion]| {
        let bare = |e: &Exclusion| Exclusion {
            comment: None,
            ..e.clone()
        };
        x.name.is_some() && others.iter().any(|o| o != x && bare(o) == bare(x))
    };
    for f in from {
        if !to.contains(f) && !recommented(f, to) {
            out.push(TableChange::DropExclusion(f.clone()));
        }
    }
    for t in to {
        if from.contains(t) {
            continue;
        }
        match (&t.name, recommented(t, from)) {
            (Some(name), true) => out.push(TableChange::SetConstraintComment {
                name: name.clone(),
                old_name: name.clone(),
                from: from
                    .iter()
                    .find(|f| f.name == t.name)
                    .and_then(|f| f.comment.clone()),
                to: t.comment.clone(),
            }),
            _ => out.push(TableChange::AddExclusion(t.clone())),
        }
    }
}
