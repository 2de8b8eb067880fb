//! PostgreSQL table inheritance inside one table's changes. A child's
//! `columns` and `checks` are its own only, so the plain comparison of a
//! child misses what the server does along with `INHERIT`, `NO INHERIT`
//! and a parent's own changes; this corrects the list:
//!
//! - a parent newly inherited: `INHERIT` needs the child to have every
//!   column and check of it first, so those it lacks are added;
//! - a parent left: after `NO INHERIT` the columns it gave become the
//!   child's own, and those the file does not keep are dropped;
//! - a column the child declared and now inherits is not dropped (the
//!   server refuses to drop an inherited column), nor is a check that the
//!   parents give it; a column it inherits and keeps inheriting is not
//!   added;
//! - a type change of a column the child shares with a parent that
//!   changes it alike is left to the parent's: the server recurses it to
//!   the children and refuses the child's own (`cannot alter inherited
//!   column`).

use std::collections::BTreeSet;

use super::TableChange;
use crate::ir::inheritance::{ancestors, inherited_columns, lookup};
use crate::ir::{Check, Column, Name, Schema, Table};

pub(super) fn adjust(
    from: &Schema,
    f: &Table,
    to: &Schema,
    t: &Table,
    changes: &mut Vec<TableChange>,
) {
    if f.inherits.is_empty() && t.inherits.is_empty() {
        return;
    }
    let kept = |n: &Name| f.inherits.contains(n) && t.inherits.contains(n);
    let inh_from = names(&inherited_columns(from, f));
    let inh_to = names(&inherited_columns(to, t));
    let removed: Vec<&Name> = f.inherits.iter().filter(|n| !kept(n)).collect();
    let added: Vec<&Name> = t.inherits.iter().filter(|n| !kept(n)).collect();
    let from_removed = columns_of(from, &removed);
    let to_added = columns_of(to, &added);
    let new_by_parent = |c: &str| to_added.iter().any(|x| x.name == c);
    leave_type_changes_to_parents(from, f, to, t, changes);

    changes.retain(|c| match c {
        // Dropping it would fail; it stays as the parents make it.
        TableChange::DropColumn(c) => {
            !(inh_to.contains(c.name.as_str())
                && (inh_from.contains(c.name.as_str()) || new_by_parent(&c.name)))
        }
        // Inherited already, or made the child's own by `NO INHERIT`.
        TableChange::AddColumn(c) => {
            let via_removed = from_removed.iter().any(|x| x.name == c.name);
            !(inh_from.contains(c.name.as_str())
                && (inh_to.contains(c.name.as_str()) || via_removed))
        }
        TableChange::DropCheck(ch) => !inherited_check(to, t, ch),
        _ => true,
    });

    for p in &removed {
        changes.push(TableChange::NoInherit((*p).clone()));
    }
    // What a left parent gave and nothing else gives: the child's own now,
    // dropped unless the file keeps it.
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for c in &from_removed {
        let name = c.name.as_str();
        let elsewhere = inh_to.contains(name) || f.column(name).is_some();
        let by_kept = from_kept_columns(from, f, &kept).contains(name);
        if !elsewhere && !by_kept && t.column(name).is_none() && seen.insert(name) {
            changes.push(TableChange::DropColumn((*c).clone()));
        }
    }
    for p in &added {
        changes.push(TableChange::Inherit((*p).clone()));
    }
    // What `INHERIT` asks the child to have already.
    let adding: BTreeSet<String> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::AddColumn(c) => Some(c.name.clone()),
            _ => None,
        })
        .collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for c in &to_added {
        let name = c.name.as_str();
        let has = f.column(name).is_some() || inh_from.contains(name) || adding.contains(name);
        if !has && seen.insert(name) {
            changes.push(TableChange::AddColumn((*c).clone()));
        }
    }
    for ch in parents_checks(to, &added) {
        let named = |x: &Check| x.name.is_some() && x.name == ch.name;
        if !f.checks.iter().any(named) && !t.checks.iter().any(named) {
            changes.push(TableChange::AddCheck(ch.clone()));
        }
    }
}

/// Drops the type (and collation) part of a child's column change when
/// a kept parent makes the same change on the column it gives: the
/// parent's `ALTER COLUMN … TYPE` recurses, the child's would fail.
fn leave_type_changes_to_parents(
    from: &Schema,
    f: &Table,
    to: &Schema,
    t: &Table,
    changes: &mut Vec<TableChange>,
) {
    let inh_from = inherited_columns(from, f);
    let inh_to = inherited_columns(to, t);
    changes.retain_mut(|c| {
        let TableChange::AlterColumn {
            from: fc,
            to: tc,
            what,
        } = c
        else {
            return true;
        };
        if !(what.ty || what.collation) {
            return true;
        }
        let pf = inh_from.iter().find(|c| c.name == fc.name);
        let pt = inh_to.iter().find(|c| c.name == tc.name);
        let (Some(pf), Some(pt)) = (pf, pt) else {
            return true;
        };
        let parent_did_it = (&pf.ty, &pf.collation) == (&fc.ty, &fc.collation)
            && (&pt.ty, &pt.collation) == (&tc.ty, &tc.collation);
        if !parent_did_it {
            return true;
        }
        what.ty = false;
        what.collation = false;
        what.any()
    });
}

fn names<'a>(cols: &[&'a Column]) -> BTreeSet<&'a str> {
    cols.iter().map(|c| c.name.as_str()).collect()
}

/// The columns of `parents` and of their ancestors, first definition wins.
fn columns_of<'a>(schema: &'a Schema, parents: &[&Name]) -> Vec<&'a Column> {
    let mut out: Vec<&Column> = Vec::new();
    for p in parents.iter().filter_map(|n| lookup(schema, n)) {
        let chain = std::iter::once(p).chain(ancestors(schema, p));
        for c in chain.flat_map(|x| x.columns.iter()) {
            if !out.iter().any(|o| o.name == c.name) {
                out.push(c);
            }
        }
    }
    out
}

/// The columns `f` inherits through the parents it keeps.
fn from_kept_columns<'a>(
    from: &'a Schema,
    f: &Table,
    kept: &dyn Fn(&Name) -> bool,
) -> BTreeSet<&'a str> {
    let parents: Vec<&Name> = f.inherits.iter().filter(|n| kept(n)).collect();
    names(&columns_of(from, &parents))
}

/// The checks the `parents` pass on (`NO INHERIT` ones stay behind).
fn parents_checks<'a>(schema: &'a Schema, parents: &[&Name]) -> Vec<&'a Check> {
    let mut out: Vec<&Check> = Vec::new();
    for p in parents.iter().filter_map(|n| lookup(schema, n)) {
        let chain = std::iter::once(p).chain(ancestors(schema, p));
        for ch in chain
            .flat_map(|x| x.checks.iter())
            .filter(|c| !c.no_inherit)
        {
            if !out.iter().any(|o| o.name == ch.name) {
                out.push(ch);
            }
        }
    }
    out
}

/// Whether a check of the child's is one its parents give it in `to`.
fn inherited_check(to: &Schema, t: &Table, ch: &Check) -> bool {
    let parents: Vec<&Name> = t.inherits.iter().collect();
    ch.name.is_some()
        && parents_checks(to, &parents)
            .iter()
            .any(|p| p.name == ch.name && p.expr == ch.expr)
}
