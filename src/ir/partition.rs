//! PostgreSQL partitions: what a partition is made of besides what it
//! declares. A partition's columns are its parent's (normalization clears
//! its own), and the server makes the parent's primary key, unique keys,
//! checks, foreign keys and indexes on it, under names of its choosing;
//! these are not the partition's own, so neither side of a comparison
//! lists them. `DETACH PARTITION` leaves every one of them on the table as
//! its own, and `ATTACH PARTITION` asks for the columns and checks (and
//! takes over keys and indexes of the same definition): [`detached`] is
//! that table, which the differ compares a plain table with.

use super::{Name, Partitioning, Schema, Table};
use crate::ir::implicit::MAX_IDENT;
use crate::ir::inheritance::lookup;
use crate::ir::{Index, IndexKey, PrimaryKey, Unique};

/// The parent of a partition.
pub fn parent_of(t: &Table) -> Option<&Name> {
    match &t.partition {
        Some(Partitioning::Of { parent, .. }) => Some(parent),
        _ => None,
    }
}

/// Partition `t` of `schema` as a plain table, as `DETACH PARTITION`
/// leaves it: the parent's columns, its primary key and unique keys under
/// the names the server gives them on the partition, its checks and
/// foreign keys under their own names, its indexes under the server's
/// names (but where an index or foreign key of the partition's own is
/// attached to one),
/// beside what the partition declares. A table that is no partition (or
/// whose parent is missing) is returned as it is.
pub fn detached(schema: &Schema, t: &Table) -> Table {
    let mut d = t.clone();
    let ancestors = ancestors(schema, t);
    let Some(root) = ancestors.last() else {
        return d;
    };
    d.partition = None;
    let own_attached: Vec<Option<String>> =
        t.indexes.iter().map(|i| i.attached_to.clone()).collect();
    for ix in &mut d.indexes {
        ix.attached_to = None;
    }
    let own_attached_fks: Vec<Option<String>> = t
        .foreign_keys
        .iter()
        .map(|f| f.attached_to.clone())
        .collect();
    for f in &mut d.foreign_keys {
        f.attached_to = None;
    }
    // A partition's columns are its root's; a partitioned partition lists
    // none either.
    d.columns = root.columns.clone();
    for c in &mut d.columns {
        // Nothing of the parent's comments or rename hints is copied.
        c.comment = None;
        c.renamed_from = None;
    }
    let table = t.name.name.as_str();
    // Two levels: the server makes each level's keys and indexes on it.
    for parent in &ancestors {
        if d.primary_key.is_none() {
            d.primary_key = parent.primary_key.as_ref().map(|pk| PrimaryKey {
                name: Some(generated_name(table, &[], "pkey")),
                comment: None,
                ..pk.clone()
            });
        }
        for u in &parent.uniques {
            if d.uniques.iter().any(|o| o.columns == u.columns) {
                continue;
            }
            let cols: Vec<&str> = u.columns.iter().map(String::as_str).collect();
            d.uniques.push(Unique {
                name: Some(generated_name(table, &cols, "key")),
                comment: None,
                renamed_from: None,
                ..u.clone()
            });
        }
        for c in parent.checks.iter().filter(|c| !c.no_inherit) {
            if !d.checks.iter().any(|o| o.name == c.name) {
                d.checks.push(crate::ir::Check {
                    comment: None,
                    renamed_from: None,
                    ..c.clone()
                });
            }
        }
        for f in &parent.foreign_keys {
            let taken_over = f.name.is_some() && own_attached_fks.contains(&f.name);
            if !taken_over && !d.foreign_keys.iter().any(|o| o.name == f.name) {
                d.foreign_keys.push(crate::ir::ForeignKey {
                    comment: None,
                    renamed_from: None,
                    ..f.clone()
                });
            }
        }
        for ix in &parent.indexes {
            let made = made_index_name(table, ix, "");
            if ix.name.is_some() && own_attached.contains(&ix.name)
                || d.indexes.iter().any(|o| o.name.as_deref() == Some(&made))
            {
                continue;
            }
            d.indexes.push(Index {
                name: Some(made_index_name(table, ix, "")),
                comment: None,
                renamed_from: None,
                attached_to: None,
                ..ix.clone()
            });
        }
    }
    d
}

/// The tables `t` is a partition of: its parent, its parent's parent if
/// that one is a partition too, up to the root.
fn ancestors<'a>(schema: &'a Schema, t: &Table) -> Vec<&'a Table> {
    let mut out: Vec<&Table> = Vec::new();
    let mut next = parent_of(t);
    while let Some(p) = next.and_then(|n| lookup(schema, n)) {
        if out.iter().any(|o| o.name == p.name) || p.name == t.name {
            break;
        }
        out.push(p);
        next = parent_of(p);
    }
    out
}

/// PostgreSQL's `makeObjectName(table, cols joined by _, label)`: the
/// longer of the two parts is shortened until the result fits 63 bytes.
pub fn generated_name(table: &str, cols: &[&str], label: &str) -> String {
    // ChooseIndexNameAddition stops adding names past NAMEDATALEN.
    let mut addition = String::new();
    for c in cols {
        if !addition.is_empty() {
            addition.push('_');
        }
        addition.push_str(c);
        if addition.len() > MAX_IDENT {
            break;
        }
    }
    let overhead = label.len() + 1 + usize::from(!addition.is_empty());
    let avail = MAX_IDENT.saturating_sub(overhead);
    let mut n1 = table.len();
    let mut n2 = addition.len();
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    let p1 = clip(table, n1);
    let p2 = clip(&addition, n2);
    if addition.is_empty() {
        format!("{p1}_{label}")
    } else {
        format!("{p1}_{p2}_{label}")
    }
}

/// The longest prefix of at most `n` bytes that ends on a character
/// boundary (pg_mbcliplen).
fn clip(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
/// The name PostgreSQL gives the index it makes on partition `table` for
/// its parent's: the key and included columns (an expression is `expr`),
/// then `idx` and `number`.
pub fn made_index_name(table: &str, ix: &Index, number: &str) -> String {
    let mut cols: Vec<String> = ix
        .parts
        .iter()
        .map(|p| match &p.key {
            IndexKey::Column(c) => c.clone(),
            IndexKey::Expr(_) => "expr".to_string(),
        })
        .collect();
    cols.extend(ix.include.iter().cloned());
    let refs: Vec<&str> = cols.iter().map(String::as_str).collect();
    generated_name(table, &refs, &format!("idx{number}"))
}
