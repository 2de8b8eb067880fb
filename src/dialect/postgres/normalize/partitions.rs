//! A partition's indexes beside its parent's. PostgreSQL makes an index
//! on a partitioned table on each partition too, attached to it
//! (`pg_inherits`): an index of the same definition the partition already
//! has is attached as it is, under its own name; otherwise one is made,
//! named as `CREATE INDEX` without a name would (`part_col_idx`, a number
//! after `idx` when that is taken). Such a made index comes and goes with
//! the parent's, so it is not the partition's own: it is left out of the
//! schema, on both sides alike. One under another name is the partition's
//! own, attached: it is kept, marked with the parent index it is attached
//! to ([`Index::attached_to`]), so that the emitter puts the name on the
//! attached index instead of making a second one beside it.
//!
//! Run on the introspected schema (so that `inspect` does not write the
//! made indexes) and again in normalization (so that a file listing them
//! compares equal to a database, and both sides get `attached_to`).

use std::collections::BTreeMap;

use crate::ir::partition::made_index_name;
use crate::ir::{Index, Name, Partitioning, Schema};

/// A partitioned table's indexes and the table it is a partition of.
type Parents = BTreeMap<Name, (Vec<Index>, Option<Name>)>;

/// Drops the partitions' made indexes and marks the attached ones.
pub fn attach_indexes(schema: &mut Schema) {
    let parents: Parents = schema
        .tables
        .iter()
        .filter(|(_, t)| crate::ir::is_partitioned(t))
        .map(|(n, t)| {
            let above = match &t.partition {
                Some(Partitioning::Of { parent, .. }) => Some(parent.clone()),
                _ => None,
            };
            (n.clone(), (t.indexes.clone(), above))
        })
        .collect();
    for t in schema.tables.values_mut() {
        let Some(Partitioning::Of { parent, .. }) = &t.partition else {
            continue;
        };
        let Some((own, _)) = parents.get(parent) else {
            continue;
        };
        // A made index of the parent is not in the schema, but the index
        // of the parent's own parent it was made for is.
        let reaching = above(&parents, parent);
        let table = t.name.name.clone();
        t.indexes = settle(&table, std::mem::take(&mut t.indexes), own, &reaching);
    }
}

/// A partition's indexes against the parent's `own` and the `reaching`
/// ones above it. Per parent index, the partition's indexes of its
/// definition: one alone under the server's name was made for it and goes;
/// with others beside it, the one under the server's name is the attached
/// one (kept, so that a file says which); else the first by name is.
fn settle(table: &str, indexes: Vec<Index>, own: &[Index], reaching: &[&Index]) -> Vec<Index> {
    // Derived afresh each time: introspection settles once, normalization
    // again.
    let mut indexes: Vec<Option<Index>> = indexes
        .into_iter()
        .map(|ix| {
            Some(Index {
                attached_to: None,
                ..ix
            })
        })
        .collect();
    let parents = own
        .iter()
        .map(|p| (p, true))
        .chain(reaching.iter().map(|p| (*p, false)));
    for (p, direct) in parents {
        let alike: Vec<usize> = (0..indexes.len())
            .filter(|&i| {
                indexes[i]
                    .as_ref()
                    .is_some_and(|ix| ix.attached_to.is_none() && same_definition(p, ix))
            })
            .collect();
        let made = alike
            .iter()
            .copied()
            .find(|&i| indexes[i].as_ref().is_some_and(|ix| made_for(table, ix)));
        if alike.is_empty() {
            continue;
        }
        // A parent's index made `ON ONLY` (invalid) made none: each is
        // attached by hand.
        if let (Some(i), 1, false) = (made, alike.len(), p.invalid) {
            indexes[i] = None;
        } else if direct {
            let i = made.unwrap_or(alike[0]);
            if let Some(ix) = indexes[i].as_mut() {
                ix.attached_to = p.name.clone();
            }
        }
    }
    indexes.into_iter().flatten().collect()
}

/// The indexes of the partitioned tables above `parent` (not its own).
fn above<'a>(parents: &'a Parents, parent: &Name) -> Vec<&'a Index> {
    let mut out = Vec::new();
    let mut seen = vec![parent.clone()];
    let mut next = parents.get(parent).and_then(|(_, up)| up.clone());
    while let Some(n) = next.filter(|n| !seen.contains(n)) {
        let Some((indexes, up)) = parents.get(&n) else {
            break;
        };
        out.extend(indexes);
        seen.push(n);
        next = up.clone();
    }
    out
}

/// Whether PostgreSQL would attach one to the other: the same index but
/// for its name, comment and storage parameters.
fn same_definition(a: &Index, b: &Index) -> bool {
    let bare = |ix: &Index| Index {
        name: None,
        comment: None,
        renamed_from: None,
        options: BTreeMap::new(),
        attached_to: None,
        invalid: false,
        ..ix.clone()
    };
    bare(a) == bare(b)
}

/// Whether `ix` carries the name PostgreSQL gives the index it makes on
/// partition `table` for its parent's ([`made_index_name`]), with the
/// number it adds after `idx` when that name was taken.
fn made_for(table: &str, ix: &Index) -> bool {
    let Some(name) = &ix.name else {
        return true;
    };
    let digits = &name[name.trim_end_matches(|c: char| c.is_ascii_digit()).len()..];
    *name == made_index_name(table, ix, digits)
}
