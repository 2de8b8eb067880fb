//! A partition's columns are its parent's, and an inheriting table's
//! include its parents': the rules that look up a column by name (keys,
//! indexes, foreign keys, exclusions) must see them, or the file `inspect`
//! writes for a partition with its own index is rejected.

use std::borrow::Cow;
use std::collections::BTreeSet;

pub(super) use crate::ir::inheritance::lookup;
use crate::ir::{Name, Partitioning, Schema, Table};

/// `table` with the columns it takes from its parent chain (or the tables
/// it `inherits`) in front of its own; the table itself when it takes
/// none. A parent that is missing or a cycle of parents ends the chain
/// (both are reported elsewhere).
pub(super) fn effective<'a>(schema: &Schema, table: &'a Table) -> Cow<'a, Table> {
    let Some(Partitioning::Of { parent, .. }) = &table.partition else {
        return with_inherited(schema, table);
    };
    let mut columns = Vec::new();
    let mut seen: BTreeSet<&Name> = BTreeSet::from([&table.name]);
    let mut next = Some(parent);
    while let Some(name) = next.filter(|n| seen.insert(n)) {
        let Some(p) = lookup(schema, name) else {
            break;
        };
        let own = p
            .columns
            .iter()
            .filter(|c| !columns_have(&columns, &c.name));
        let mut merged: Vec<_> = own.cloned().collect();
        merged.append(&mut columns);
        columns = merged;
        next = match &p.partition {
            Some(Partitioning::Of { parent, .. }) => Some(parent),
            _ => None,
        };
    }
    if columns.is_empty() {
        return Cow::Borrowed(table);
    }
    let mut out = table.clone();
    columns.retain(|c| out.column(&c.name).is_none());
    // The partition's own primary key makes its columns NOT NULL there,
    // whatever the parent says (the server sets it when it adds the key).
    if let Some(pk) = &out.primary_key {
        for c in columns.iter_mut().filter(|c| pk.columns.contains(&c.name)) {
            c.nullable = false;
        }
    }
    columns.append(&mut out.columns);
    out.columns = columns;
    Cow::Owned(out)
}

/// `table` with the columns of the tables it inherits in front of its own
/// (a column it declares again is its own).
fn with_inherited<'a>(schema: &Schema, table: &'a Table) -> Cow<'a, Table> {
    let inherited = crate::ir::inheritance::inherited_columns(schema, table);
    if inherited.is_empty() {
        return Cow::Borrowed(table);
    }
    let mut out = table.clone();
    let mut columns: Vec<crate::ir::Column> = inherited
        .into_iter()
        .filter(|c| table.column(&c.name).is_none())
        .cloned()
        .collect();
    columns.append(&mut out.columns);
    out.columns = columns;
    Cow::Owned(out)
}

/// The tables `table` is a partition of, nearest first: a unique index or
/// key made on a partitioned table is made on each of its partitions too.
pub(super) fn ancestors<'a>(schema: &'a Schema, table: &'a Table) -> Vec<&'a Table> {
    let mut out: Vec<&Table> = Vec::new();
    let mut next = match &table.partition {
        Some(Partitioning::Of { parent, .. }) => Some(parent),
        _ => None,
    };
    while let Some(p) = next.and_then(|n| lookup(schema, n)) {
        if p.name == table.name || out.iter().any(|t| t.name == p.name) {
            break;
        }
        out.push(p);
        next = match &p.partition {
            Some(Partitioning::Of { parent, .. }) => Some(parent),
            _ => None,
        };
    }
    out
}

fn columns_have(columns: &[crate::ir::Column], name: &str) -> bool {
    columns.iter().any(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::ir::{Expr, Index, Name, Partitioning};

    fn partition(name: &str, parent: &str) -> crate::ir::Table {
        let mut t = table(name, &[]);
        t.partition = Some(Partitioning::Of {
            parent: Name::new(parent),
            bound: Expr::new("DEFAULT"),
            by: None,
        });
        t
    }

    #[test]
    fn a_partition_index_and_foreign_key_see_the_parent_columns() {
        let users = with_pk(table("users", &[("id", "bigint")]), &["id"]);
        let mut parent = table("e", &[("id", "bigint"), ("user_id", "bigint")]);
        parent.partition = Some(Partitioning::By {
            by: Expr::new("range (id)"),
        });
        let mut sub = partition("e_1", "e");
        sub.partition = Some(Partitioning::Of {
            parent: Name::new("e"),
            bound: Expr::new("FOR VALUES FROM (1) TO (10)"),
            by: None,
        });
        let mut leaf = partition("e_1_a", "e_1");
        leaf.indexes
            .push(Index::on_columns(Some("e_1_a_user"), &["user_id"]));
        leaf.foreign_keys.push(crate::ir::ForeignKey {
            comment: None,
            name: None,
            columns: vec!["user_id".into()],
            ref_table: Name::new("users"),
            ref_columns: vec!["id".into()],
            on_delete: Default::default(),
            on_update: Default::default(),
            deferral: Default::default(),
            match_type: Default::default(),
            not_valid: false,
            renamed_from: None,
            attached_to: None,
        });
        let s = pg(schema(vec![users, parent, sub, leaf]));
        assert_eq!(codes(&s), Vec::<&str>::new());
    }

    #[test]
    fn a_partition_still_reports_a_column_its_parent_lacks() {
        let parent = table("e", &[("id", "bigint")]);
        let mut p = partition("e_1", "e");
        p.indexes
            .push(Index::on_columns(Some("e_1_nope"), &["nope"]));
        assert_eq!(codes(&pg(schema(vec![parent, p]))), vec!["E0212"]);
    }
}
