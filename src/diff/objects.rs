//! Domains, composite and range types and exclusion constraints (PostgreSQL only): compared whole,
//! by name, after normalization has filled in generated names.

use super::{Change, TableChange};
use crate::ir::{Exclusion, Schema};

pub(super) fn domains(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    for (name, f) in &from.domains {
        match to.domains.get(name) {
            None => out.push(Change::DropDomain(f.clone())),
            Some(t) if t != f => out.push(Change::AlterDomain {
                from: f.clone(),
                to: t.clone(),
            }),
            Some(_) => {}
        }
    }
    for (name, t) in &to.domains {
        if !from.domains.contains_key(name) {
            out.push(Change::CreateDomain(t.clone()));
        }
    }
}

pub(super) fn composites(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    for (name, f) in &from.composites {
        match to.composites.get(name) {
            None => out.push(Change::DropComposite(f.clone())),
            Some(t) if t != f => out.push(Change::AlterComposite {
                from: f.clone(),
                to: t.clone(),
            }),
            Some(_) => {}
        }
    }
    for (name, t) in &to.composites {
        if !from.composites.contains_key(name) {
            out.push(Change::CreateComposite(t.clone()));
        }
    }
}

pub(super) fn ranges(from: &Schema, to: &Schema, out: &mut Vec<Change>) {
    for (name, f) in &from.ranges {
        match to.ranges.get(name) {
            None => out.push(Change::DropRange(f.clone())),
            Some(t) if t != f => out.push(Change::AlterRange {
                from: f.clone(),
                to: t.clone(),
            }),
            Some(_) => {}
        }
    }
    for (name, t) in &to.ranges {
        if !from.ranges.contains_key(name) {
            out.push(Change::CreateRange(t.clone()));
        }
    }
}

/// An exclusion constraint cannot be altered: a changed one is dropped
/// and added again.
pub(super) fn exclusion_changes(from: &[Exclusion], to: &[Exclusion], out: &mut Vec<TableChange>) {
    for f in from {
        if !to.contains(f) {
            out.push(TableChange::DropExclusion(f.clone()));
        }
    }
    for t in to {
        if !from.contains(t) {
            out.push(TableChange::AddExclusion(t.clone()));
        }
    }
}
