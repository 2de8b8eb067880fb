//! PostgreSQL partitions attached and detached in place. A plain table
//! that becomes a partition, a partition that becomes a plain table, and
//! a partition that changes its bound or its parent keep their rows:
//! `ATTACH PARTITION` and `DETACH PARTITION` rather than a drop and a
//! create.
//!
//! Both sides are compared in the form the table has while it is no
//! partition ([`detached`]): what `DETACH` leaves on it as its own is what
//! `ATTACH` asks it to have (the parent's columns, with their types, NOT
//! NULL and defaults, and its checks) or takes over (keys and indexes of
//! the parent's definitions, under the names the server gives them). So
//! the changes of an attach are the plain table's changes into that form,
//! then `ATTACH`; those of a detach are `DETACH`, then the changes out of
//! it; and the one is the other reversed.

use super::table::{table_changes, Renames};
use super::TableChange;
use crate::ir::inheritance::lookup;
use crate::ir::partition::detached;
use crate::ir::{DialectKind, Expr, Name, Partitioning, Schema, Table};

/// Whether a pair of tables of one name is a partition attached,
/// detached, or moved to another bound or parent (neither side
/// partitioned itself: a partitioned partition that moves is dropped and
/// made again, as a table partitioned anew is).
pub(super) fn moves(f: &Table, t: &Table) -> bool {
    let plain_or_partition =
        |x: &Table| matches!(x.partition, None | Some(Partitioning::Of { by: None, .. }));
    f.partition != t.partition && plain_or_partition(f) && plain_or_partition(t)
}

/// Whether a pair of tables of one name changes how it is partitioned
/// in a way MySQL/MariaDB alter in place (`PARTITION BY`, `REMOVE
/// PARTITIONING`), keeping the rows. PostgreSQL cannot: such a table is
/// dropped and made again.
pub(super) fn repartitions(to: &Schema, f: &Table, t: &Table) -> bool {
    let clause_or_none = |x: &Table| matches!(x.partition, None | Some(Partitioning::By { .. }));
    to.dialect == Some(DialectKind::Mysql)
        && f.partition != t.partition
        && clause_or_none(f)
        && clause_or_none(t)
}

/// The partitioning clause of a MySQL table, as [`TableChange::Repartition`] holds it.
pub(super) fn clause(t: &Table) -> Option<Expr> {
    match &t.partition {
        Some(Partitioning::By { by }) => Some(by.clone()),
        _ => None,
    }
}

/// The two sides as the differ compares them: each in its detached form.
pub(super) fn sides(from: &Schema, f: &Table, to: &Schema, t: &Table) -> (Table, Table) {
    (detached(from, f), detached(to, t))
}

/// `DETACH` from the old parent, the changes between the detached forms,
/// `ATTACH` to the new one.
pub(super) fn changes(
    from: &Schema,
    f: &Table,
    to: &Schema,
    t: &Table,
    renames: &Renames,
) -> Vec<TableChange> {
    let (df, dt) = sides(from, f, to, t);
    let mut out = Vec::new();
    if let Some(Partitioning::Of { parent, bound, .. }) = &f.partition {
        out.push(TableChange::DetachPartition {
            parent: parent.clone(),
            bound: bound.clone(),
            key: key_of(from, parent),
        });
    }
    out.extend(table_changes(&df, &dt, renames));
    if let Some(Partitioning::Of { parent, bound, .. }) = &t.partition {
        out.push(TableChange::AttachPartition {
            parent: parent.clone(),
            bound: bound.clone(),
            key: key_of(to, parent),
        });
    }
    super::table::sort_table_changes(&mut out);
    out
}

/// The `partition by` clause of `parent` in `schema`.
fn key_of(schema: &Schema, parent: &Name) -> Option<Expr> {
    lookup(schema, parent)
        .and_then(|p| p.partition.as_ref())
        .and_then(Partitioning::key)
        .cloned()
}
