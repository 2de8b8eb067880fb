//! A partition's primary key, unique constraints and foreign keys beside
//! its parent's.
//! A key on a partitioned table is made on each partition too, attached
//! to it (`conparentid`, `conislocal` false): a partition's key of the
//! same definition is attached as it is, under its own name (also
//! `ALTER INDEX parent_pkey ATTACH PARTITION part_pkey`); otherwise the
//! server makes one, named as `ADD PRIMARY KEY` / `ADD UNIQUE` without a
//! name would (`part_pkey`, `part_a_b_key`, a number after the label when
//! that is taken). A made key comes and goes with the parent's, so it is
//! not the partition's own: it is left out of the schema, on both sides
//! alike. One under another name is the partition's own, attached: it is
//! kept, marked with the parent key it is attached to
//! ([`PrimaryKey::attached_to`], [`Unique::attached_to`]), so that the
//! emitter renames the made key rather than adding a second one (which
//! the server refuses for a primary key, and makes beside it for a
//! unique constraint).
//!
//! Foreign keys alike: the server clones a parent's foreign key onto each
//! partition under the parent key's name (or, when that is taken on the
//! partition, `part_a_fkey` with a number), or attaches a partition's own
//! of the same definition (`tryAttachPartitionForeignKey`: columns,
//! referenced table and columns, actions, match type, deferral). A clone
//! is left out; an own one is kept, marked ([`ForeignKey::attached_to`]).
//!
//! Run on the introspected schema (so that `inspect` does not write the
//! made keys) and again in normalization (so that a file listing them
//! compares equal to a database, and both sides get `attached_to`).

use std::collections::BTreeMap;

use super::generated_name;
use crate::ir::inheritance::lookup;
use crate::ir::{ForeignKey, Name, Partitioning, PrimaryKey, Schema, Table, Unique};

/// A partitioned table's keys, which each of its partitions gets too.
#[derive(Clone, Default)]
struct Keys {
    primary: Option<PrimaryKey>,
    uniques: Vec<Unique>,
    foreign: Vec<ForeignKey>,
}

/// Drops the partitions' made keys and marks the attached ones.
pub fn attach_keys(schema: &mut Schema) {
    let mut parents: BTreeMap<Name, Keys> = BTreeMap::new();
    let partitioned: Vec<Name> = schema
        .tables
        .iter()
        .filter(|(_, t)| crate::ir::is_partitioned(t))
        .map(|(n, _)| n.clone())
        .collect();
    for n in &partitioned {
        effective(schema, n, &mut parents, 0);
    }
    for t in schema.tables.values_mut() {
        let Some(Partitioning::Of { parent, .. }) = &t.partition else {
            continue;
        };
        if let Some(keys) = parents.get(parent) {
            settle(t, keys);
        }
    }
}

/// The keys partitioned table `name` passes on to its partitions: its
/// own and, for a partitioned partition (two levels), those the server
/// made on it for its parent's, which a file does not list and a
/// database does (under the server's names).
fn effective(schema: &Schema, name: &Name, memo: &mut BTreeMap<Name, Keys>, depth: u8) -> Keys {
    if let Some(k) = memo.get(name) {
        return k.clone();
    }
    let Some(t) = lookup(schema, name) else {
        return Keys::default();
    };
    let mut keys = Keys {
        primary: t.primary_key.clone(),
        uniques: t.uniques.clone(),
        foreign: t.foreign_keys.clone(),
    };
    let above = match &t.partition {
        Some(Partitioning::Of { parent, .. }) if depth < MAX_LEVELS => {
            lookup(schema, parent).filter(|p| crate::ir::is_partitioned(p))
        }
        _ => None,
    };
    if let Some(up) = above.map(|p| effective(schema, &p.name, memo, depth + 1)) {
        inherit(&mut keys, up, &t.name.name);
    }
    memo.insert(name.clone(), keys.clone());
    keys
}

/// A partition partitioned itself has levels below; past this many the
/// schema is a cycle, which validation reports.
const MAX_LEVELS: u8 = 32;

/// Adds to partitioned partition `table`'s `keys` the ones the server
/// makes on it for its parent's `up` where it has none of theirs.
fn inherit(keys: &mut Keys, up: Keys, table: &str) {
    if let (None, Some(p)) = (&keys.primary, up.primary) {
        keys.primary = Some(PrimaryKey {
            name: Some(generated_name(table, &[], "pkey")),
            comment: None,
            attached_to: None,
            ..p
        });
    }
    for u in up.uniques {
        if !keys.uniques.iter().any(|o| same_unique(o, &u)) {
            let cols: Vec<&str> = u.columns.iter().map(String::as_str).collect();
            let name = generated_name(table, &cols, "key");
            keys.uniques.push(Unique {
                name: Some(name),
                comment: None,
                attached_to: None,
                ..u
            });
        }
    }
    for f in up.foreign {
        if !keys.foreign.iter().any(|o| same_foreign(o, &f)) {
            keys.foreign.push(ForeignKey {
                comment: None,
                attached_to: None,
                ..f
            });
        }
    }
}

/// Partition `t`'s keys against the ones its parent passes on.
fn settle(t: &mut Table, parent: &Keys) {
    let table = t.name.name.clone();
    // Derived afresh each time: introspection settles once, normalization
    // again.
    if let Some(pk) = &mut t.primary_key {
        pk.attached_to = None;
    }
    for u in &mut t.uniques {
        u.attached_to = None;
    }
    if let (Some(own), Some(p)) = (&mut t.primary_key, &parent.primary) {
        if own.columns == p.columns {
            if made_for(own.name.as_deref(), &generated_name(&table, &[], "pkey")) {
                t.primary_key = None;
            } else {
                own.attached_to = p.name.clone();
            }
        }
    }
    let mut uniques: Vec<Option<Unique>> = std::mem::take(&mut t.uniques)
        .into_iter()
        .map(Some)
        .collect();
    for p in &parent.uniques {
        let cols: Vec<&str> = p.columns.iter().map(String::as_str).collect();
        let server = generated_name(&table, &cols, "key");
        let alike: Vec<usize> = (0..uniques.len())
            .filter(|&i| {
                uniques[i]
                    .as_ref()
                    .is_some_and(|u| u.attached_to.is_none() && same_unique(u, p))
            })
            .collect();
        let made = alike.iter().copied().find(|&i| {
            uniques[i]
                .as_ref()
                .is_some_and(|u| made_for(u.name.as_deref(), &server))
        });
        match (made, alike.first()) {
            (_, None) => {}
            (Some(i), _) if alike.len() == 1 => uniques[i] = None,
            (made, Some(&first)) => {
                if let Some(u) = uniques[made.unwrap_or(first)].as_mut() {
                    u.attached_to = p.name.clone();
                }
            }
        }
    }
    t.uniques = uniques.into_iter().flatten().collect();
    settle_foreign(t, &parent.foreign);
}

/// Partition `t`'s foreign keys against its parent's: per parent key, the
/// one of its definition under the server's name is a clone when it is
/// the only one; otherwise that one (else the first) is the attached own.
fn settle_foreign(t: &mut Table, parent: &[ForeignKey]) {
    let table = t.name.name.clone();
    for f in &mut t.foreign_keys {
        f.attached_to = None;
    }
    let mut fks: Vec<Option<ForeignKey>> = std::mem::take(&mut t.foreign_keys)
        .into_iter()
        .map(Some)
        .collect();
    for p in parent {
        let cols: Vec<&str> = p.columns.iter().map(String::as_str).collect();
        let server = generated_name(&table, &cols, "fkey");
        let cloned = |f: &ForeignKey| {
            f.name.is_none() || f.name == p.name || made_for(f.name.as_deref(), &server)
        };
        let alike: Vec<usize> = (0..fks.len())
            .filter(|&i| {
                fks[i]
                    .as_ref()
                    .is_some_and(|f| f.attached_to.is_none() && same_foreign(f, p))
            })
            .collect();
        let made = alike
            .iter()
            .copied()
            .find(|&i| fks[i].as_ref().is_some_and(cloned));
        match (made, alike.first()) {
            (_, None) => {}
            (Some(i), _) if alike.len() == 1 => fks[i] = None,
            (made, Some(&first)) => {
                if let Some(f) = fks[made.unwrap_or(first)].as_mut() {
                    f.attached_to = p.name.clone();
                }
            }
        }
    }
    t.foreign_keys = fks.into_iter().flatten().collect();
}

/// Whether the server would attach one foreign key to the other.
fn same_foreign(a: &ForeignKey, b: &ForeignKey) -> bool {
    a.columns == b.columns
        && a.ref_table == b.ref_table
        && a.ref_columns == b.ref_columns
        && a.on_delete == b.on_delete
        && a.on_update == b.on_update
        && a.match_type == b.match_type
        && a.deferral == b.deferral
}

/// Whether the server would attach one unique constraint to the other.
fn same_unique(a: &Unique, b: &Unique) -> bool {
    a.columns == b.columns && a.nulls_not_distinct == b.nulls_not_distinct
}

/// Whether `name` is the server's name `server` for a made key, with the
/// number it adds after the label when that name was taken.
fn made_for(name: Option<&str>, server: &str) -> bool {
    let Some(name) = name else {
        return true;
    };
    name == server || {
        let bare = name.trim_end_matches(|c: char| c.is_ascii_digit());
        bare.len() < name.len() && bare == server
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Expr;

    fn pk(name: &str, cols: &[&str]) -> PrimaryKey {
        PrimaryKey {
            name: Some(name.into()),
            columns: cols.iter().map(|c| c.to_string()).collect(),
            deferral: Default::default(),
            options: Default::default(),
            method: None,
            lengths: Default::default(),
            descending: Default::default(),
            comment: None,
            attached_to: None,
        }
    }

    fn partition(name: &str, primary: Option<PrimaryKey>) -> Table {
        let mut t = Table::new(Name::new(name));
        t.partition = Some(Partitioning::Of {
            parent: Name::new("p"),
            bound: Expr::new("default"),
            by: None,
        });
        t.primary_key = primary;
        t
    }

    #[test]
    fn a_made_key_goes_and_an_own_one_is_marked() {
        let mut s = Schema::default();
        let mut p = Table::new(Name::new("p"));
        p.partition = Some(Partitioning::By {
            by: Expr::new("list (a)"),
        });
        p.primary_key = Some(pk("p_pkey", &["a"]));
        for t in [
            p,
            partition("x", Some(pk("x_pkey1", &["a"]))),
            partition("y", Some(pk("own", &["a"]))),
            partition("z", None),
        ] {
            s.tables.insert(t.name.clone(), t);
        }
        attach_keys(&mut s);
        let key = |t: &str| s.tables[&Name::new(t)].primary_key.clone();
        assert_eq!(key("x"), None);
        assert_eq!(key("z"), None);
        let y = key("y").expect("own key kept");
        assert_eq!(y.attached_to.as_deref(), Some("p_pkey"));
        assert!(key("p").is_some_and(|k| k.attached_to.is_none()));
    }

    fn fk(name: &str) -> ForeignKey {
        ForeignKey {
            name: Some(name.into()),
            columns: vec!["a".into()],
            ref_table: Name::new("r"),
            ref_columns: vec!["id".into()],
            on_delete: Default::default(),
            on_update: Default::default(),
            deferral: Default::default(),
            match_type: Default::default(),
            not_valid: false,
            renamed_from: None,
            comment: None,
            attached_to: None,
        }
    }

    #[test]
    fn a_cloned_foreign_key_goes_and_an_own_one_is_marked() {
        let mut s = Schema::default();
        let mut p = Table::new(Name::new("p"));
        p.partition = Some(Partitioning::By {
            by: Expr::new("list (a)"),
        });
        p.foreign_keys = vec![fk("p_r")];
        let mut x = partition("x", None);
        x.foreign_keys = vec![fk("p_r")];
        let mut y = partition("y", None);
        y.foreign_keys = vec![fk("y_own")];
        let mut z = partition("z", None);
        let mut other = fk("z_other");
        other.on_delete = crate::ir::FkAction::Cascade;
        z.foreign_keys = vec![fk("z_a_fkey1"), other];
        for t in [p, x, y, z] {
            s.tables.insert(t.name.clone(), t);
        }
        attach_keys(&mut s);
        let fks = |t: &str| -> Vec<(Option<String>, Option<String>)> {
            s.tables[&Name::new(t)]
                .foreign_keys
                .iter()
                .map(|f| (f.name.clone(), f.attached_to.clone()))
                .collect()
        };
        assert!(fks("x").is_empty(), "{:?}", fks("x"));
        assert_eq!(fks("y"), [(Some("y_own".into()), Some("p_r".into()))]);
        assert_eq!(fks("z"), [(Some("z_other".into()), None)]);
    }
}
