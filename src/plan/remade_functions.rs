//! A function whose signature's result changes is dropped and created
//! anew (PostgreSQL has no `ALTER` for a return type), and the server
//! refuses to drop a function that a column default, a check, an index or
//! a domain check calls (`pg_depend` records each). Those parts, kept
//! unchanged by the schema, come off before the drop and go back after
//! the create: two changes each, ordered by what they call
//! ([`super::edges`]). Views that call it are made anew by
//! [`super::recreate`], which counts such a function as invalidated.

use std::collections::BTreeSet;

use super::refs::{self, key};
use crate::diff::{Change, ColumnChanges, TableChange};
use crate::ir::{Column, Domain, Expr, Index, IndexKey, Name, Schema, Table};

/// The functions `changes` drop and create again under one signature
/// (or replace where `CREATE OR REPLACE` cannot), by name as an
/// expression may spell them (qualified and bare).
pub fn remade(changes: &[Change]) -> BTreeSet<Name> {
    let dropped: BTreeSet<(Name, &str)> = changes
        .iter()
        .filter_map(|c| match c {
            Change::DropFunction(f) => Some((key(&f.name), f.args.as_str())),
            _ => None,
        })
        .collect();
    let mut out = BTreeSet::new();
    for c in changes {
        let f = match c {
            Change::CreateFunction(f) if dropped.contains(&(key(&f.name), f.args.as_str())) => f,
            Change::ReplaceFunction { from, to } if !from.replaceable_by(to) => to,
            _ => continue,
        };
        let k = key(&f.name);
        out.insert(Name::new(k.name.clone()));
        out.insert(k);
    }
    out
}

/// Adds, for every table part and domain check of `from` that `to` keeps
/// and that calls a remade function, a change taking it off and one
/// putting it back.
pub fn around_remade_functions(changes: &mut Vec<Change>, from: &Schema, to: &Schema) {
    let remade = remade(changes);
    if remade.is_empty() {
        return;
    }
    let calls = |e: &Expr| !refs::names(e.as_str()).is_disjoint(&remade);
    let touched = Touched::of(changes);
    let mut added = Vec::new();
    for (name, before) in &from.tables {
        let Some(after) = to.tables.get(name) else {
            continue;
        };
        if touched.tables.contains(&key(name)) {
            continue;
        }
        let (off, on) = table_parts(before, after, &touched, &calls);
        if !off.is_empty() {
            added.push(Change::AlterTable {
                from: before.clone(),
                to: before.clone(),
                changes: off,
            });
            added.push(Change::AlterTable {
                from: after.clone(),
                to: after.clone(),
                changes: on,
            });
        }
    }
    for (name, before) in &from.domains {
        let Some(after) = to.domains.get(name) else {
            continue;
        };
        if touched.domains.contains(&key(name)) || !before.checks.iter().any(|c| calls(&c.expr)) {
            continue;
        }
        let bare = Domain {
            checks: before
                .checks
                .iter()
                .filter(|c| !calls(&c.expr))
                .cloned()
                .collect(),
            ..before.clone()
        };
        added.push(Change::AlterDomain {
            from: before.clone(),
            to: bare.clone(),
        });
        added.push(Change::AlterDomain {
            from: bare,
            to: after.clone(),
        });
    }
    changes.extend(added);
}

/// What the changes already drop, create or alter themselves.
#[derive(Default)]
struct Touched {
    /// Tables dropped or created (their parts go and come with them).
    tables: BTreeSet<Name>,
    domains: BTreeSet<Name>,
    /// `(table, part)`: columns, checks and indexes another change alters.
    parts: BTreeSet<(Name, String)>,
}

impl Touched {
    fn of(changes: &[Change]) -> Touched {
        let mut t = Touched::default();
        for c in changes {
            match c {
                Change::DropTable(x) | Change::CreateTable(x) => {
                    t.tables.insert(key(&x.name));
                }
                Change::DropDomain(x)
                | Change::CreateDomain(x)
                | Change::AlterDomain { to: x, .. } => {
                    t.domains.insert(key(&x.name));
                }
                Change::AlterTable { from, changes, .. } => {
                    for part in changes.iter().filter_map(part_name) {
                        t.parts.insert((key(&from.name), part));
                    }
                }
                _ => {}
            }
        }
        t
    }
}

/// The column, check or index a table change is about, lowercased.
fn part_name(c: &TableChange) -> Option<String> {
    let name = match c {
        TableChange::AddColumn(c) | TableChange::DropColumn(c) => c.name.clone(),
        TableChange::AlterColumn { from, .. } => from.name.clone(),
        TableChange::AddCheck(c) | TableChange::DropCheck(c) => c.name.clone()?,
        TableChange::AddIndex(i) | TableChange::DropIndex(i) => i.name.clone()?,
        _ => return None,
    };
    Some(name.to_lowercase())
}

fn index_calls(i: &Index, calls: &dyn Fn(&Expr) -> bool) -> bool {
    i.parts.iter().any(|p| match &p.key {
        IndexKey::Expr(e) => calls(e),
        _ => false,
    }) || i.predicate.as_ref().is_some_and(calls)
}

/// The parts of one table to take off and to put back.
fn table_parts(
    before: &Table,
    after: &Table,
    touched: &Touched,
    calls: &dyn Fn(&Expr) -> bool,
) -> (Vec<TableChange>, Vec<TableChange>) {
    let free = |part: &str| {
        !touched
            .parts
            .contains(&(key(&before.name), part.to_lowercase()))
    };
    let (mut off, mut on) = (Vec::new(), Vec::new());
    for col in &before.columns {
        let Some(kept) = after.columns.iter().find(|c| c.name == col.name) else {
            continue;
        };
        if col.default.as_ref().is_some_and(calls) && kept.default.is_some() && free(&col.name) {
            let bare = Column {
                default: None,
                ..col.clone()
            };
            off.push(TableChange::AlterColumn {
                what: ColumnChanges::between(col, &bare),
                from: col.clone(),
                to: bare.clone(),
            });
            on.push(TableChange::AlterColumn {
                what: ColumnChanges::between(&bare, kept),
                from: bare,
                to: kept.clone(),
            });
        }
    }
    for c in before.checks.iter().filter(|c| calls(&c.expr)) {
        let Some(name) = &c.name else { continue };
        if let Some(kept) = after.checks.iter().find(|k| k.name == c.name) {
            if free(name) {
                off.push(TableChange::DropCheck(c.clone()));
                on.push(TableChange::AddCheck(kept.clone()));
            }
        }
    }
    for i in before.indexes.iter().filter(|i| index_calls(i, calls)) {
        let Some(name) = &i.name else { continue };
        if let Some(kept) = after.indexes.iter().find(|k| k.name == i.name) {
            if free(name) {
                off.push(TableChange::DropIndex(i.clone()));
                on.push(TableChange::AddIndex(kept.clone()));
            }
        }
    }
    (off, on)
}
