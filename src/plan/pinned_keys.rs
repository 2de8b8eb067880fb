//! Foreign keys that pin the columns they use: where the dialect cannot
//! change a column's type, charset or collation while a foreign key uses
//! it (MySQL/MariaDB refuse with errno 150, 1832 or 1833), every foreign
//! key over such a column — the referencing side or the referenced one,
//! in any table — is dropped before the change and added back after it.
//!
//! The drop and the add are `AlterTable` changes of their own; what orders
//! them around the column change is the dependency graph ([`super::deps`]:
//! a foreign key leans on the columns it uses, a column change removes
//! and provides the column).

use std::collections::{BTreeMap, BTreeSet};

use super::refs::key;
use super::Capabilities;
use crate::diff::{Change, TableChange};
use crate::ir::{ForeignKey, Name, Schema, Table};

/// The columns of each table (by old name, lowercased) that change in a
/// way a foreign key over them forbids: `(as referencing, as referenced)`.
/// Nullability only matters on the referencing side (`SET NULL` needs a
/// nullable column); the referenced side must keep its exact type.
type Pinned = BTreeMap<Name, (BTreeSet<String>, BTreeSet<String>)>;

/// Adds a drop and an add around the changes for every foreign key of
/// `from` that uses a column the changes retype and that `to` keeps. A
/// drop or add of the same key that the differ already planned moves into
/// those steps, so that each key is dropped and added once.
pub fn unpin_foreign_keys(
    changes: &mut Vec<Change>,
    from: &Schema,
    to: &Schema,
    caps: &Capabilities,
) {
    if !caps.foreign_keys_pin_columns {
        return;
    }
    let mut pinned: Pinned = BTreeMap::new();
    let mut dropped: BTreeSet<Name> = BTreeSet::new();
    for c in changes.iter() {
        match c {
            Change::AlterTable {
                from: t,
                changes: inner,
                ..
            } => {
                for tc in inner {
                    if let TableChange::AlterColumn {
                        from: col, what, ..
                    } = tc
                    {
                        let strict = what.ty || what.charset || what.collation;
                        if strict || what.nullable {
                            let entry = pinned.entry(key(&t.name)).or_default();
                            entry.0.insert(col.name.to_lowercase());
                            if strict {
                                entry.1.insert(col.name.to_lowercase());
                            }
                        }
                    }
                }
            }
            Change::DropTable(t) => {
                dropped.insert(key(&t.name));
            }
            _ => {}
        }
    }
    if pinned.is_empty() {
        return;
    }
    let uses = |cols: &[String], set: Option<&BTreeSet<String>>| {
        set.is_some_and(|s| cols.iter().any(|c| s.contains(&c.to_lowercase())))
    };

    let mut added = Vec::new();
    for (tname, old) in &from.tables {
        let k = key(tname);
        if dropped.contains(&k) {
            continue;
        }
        let keys: Vec<&ForeignKey> = old
            .foreign_keys
            .iter()
            .filter(|fk| {
                uses(&fk.columns, pinned.get(&k).map(|p| &p.0))
                    || uses(
                        &fk.ref_columns,
                        pinned.get(&key(&fk.ref_table)).map(|p| &p.1),
                    )
            })
            .collect();
        if keys.is_empty() {
            continue;
        }
        let alter = changes
            .iter()
            .position(|c| matches!(c, Change::AlterTable { from: f, .. } if key(&f.name) == k));
        let new = match alter.map(|i| &changes[i]) {
            Some(Change::AlterTable { to: t, .. }) => t.clone(),
            _ => match to.tables.get(tname) {
                Some(t) => t.clone(),
                None => continue,
            },
        };
        let names: BTreeSet<&Option<String>> = keys.iter().map(|fk| &fk.name).collect();
        let kept: Vec<ForeignKey> = new
            .foreign_keys
            .iter()
            .filter(|fk| names.contains(&fk.name))
            .cloned()
            .collect();
        let gone: Vec<ForeignKey> = keys.into_iter().cloned().collect();
        let old_without = without(old, &gone);
        let new_without = without(&new, &kept);

        if let Some(i) = alter {
            if let Change::AlterTable {
                from: f,
                to: t,
                changes: inner,
            } = &mut changes[i]
            {
                inner.retain(|tc| match tc {
                    TableChange::DropForeignKey(fk) | TableChange::AddForeignKey(fk) => {
                        !names.contains(&fk.name)
                    }
                    _ => true,
                });
                *f = without(f, &gone);
                *t = without(t, &kept);
                if inner.is_empty() {
                    changes.remove(i);
                }
            }
        }
        added.push(Change::AlterTable {
            from: old.clone(),
            to: old_without,
            changes: gone.into_iter().map(TableChange::DropForeignKey).collect(),
        });
        if !kept.is_empty() {
            added.push(Change::AlterTable {
                from: new_without,
                to: new,
                changes: kept.into_iter().map(TableChange::AddForeignKey).collect(),
            });
        }
    }
    changes.extend(added);
}

fn without(t: &Table, fks: &[ForeignKey]) -> Table {
    let mut t = t.clone();
    t.foreign_keys
        .retain(|f| !fks.iter().any(|g| g.name == f.name));
    t
}
