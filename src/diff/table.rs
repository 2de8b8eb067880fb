//! What changes inside one table that both schemas have.

use std::collections::BTreeMap;

use super::matching::{pair, Matchable};
use super::{ColumnChanges, TableChange};
use crate::ir::{Check, ForeignKey, Index, IndexKey, Name, PrimaryKey, Table, Unique};

/// Renames found on the `to` side, so that a `from` definition can be
/// compared with a `to` definition in the new names (PostgreSQL and the
/// others carry constraints and foreign keys along with a rename).
#[derive(Debug, Default)]
pub(super) struct Renames {
    /// Old table name → new table name.
    pub tables: BTreeMap<Name, Name>,
    /// New table name → (old column name → new column name).
    pub columns: BTreeMap<Name, BTreeMap<String, String>>,
}

impl Renames {
    pub fn table(&self, old: &Name) -> Name {
        self.tables.get(old).cloned().unwrap_or_else(|| old.clone())
    }

    /// A column of the table now called `table` (the new name), by its old name.
    pub fn column(&self, table: &Name, old: &str) -> String {
        self.columns
            .get(table)
            .and_then(|m| m.get(old))
            .cloned()
            .unwrap_or_else(|| old.to_string())
    }

    fn columns_of(&self, table: &Name, cols: &[String]) -> Vec<String> {
        cols.iter().map(|c| self.column(table, c)).collect()
    }
}

/// The column renames that `to` asks of `from` (old → new).
pub(super) fn column_renames(from: &Table, to: &Table) -> BTreeMap<String, String> {
    let p = pair(&from.columns, &to.columns, |_, _| false);
    p.matched
        .iter()
        .filter(|(f, t)| from.columns[*f].name != to.columns[*t].name)
        .map(|(f, t)| (from.columns[*f].name.clone(), to.columns[*t].name.clone()))
        .collect()
}

impl Matchable for crate::ir::Column {
    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
    fn renamed_from(&self) -> Option<&str> {
        self.renamed_from.as_deref()
    }
}

macro_rules! matchable_constraint {
    ($($t:ty),*) => {$(
        impl Matchable for $t {
            fn name(&self) -> Option<&str> {
                self.name.as_deref()
            }
            fn renamed_from(&self) -> Option<&str> {
                self.renamed_from.as_deref()
            }
        }
    )*};
}

matchable_constraint!(Unique, Check, ForeignKey, Index);

/// A constraint's definition in `to`'s names, without its name, hints and
/// comment: two constraints with equal definitions are the same constraint.
trait Definition: Clone + PartialEq + Matchable {
    /// `from_side`: the item comes from the old schema, so its column and
    /// table names are translated to the new ones first.
    fn definition(&self, table: &Name, renames: &Renames, from_side: bool) -> Self;
    /// The comment `COMMENT ON CONSTRAINT` changes in place. An index's
    /// stays in its definition: the dialect sees the drop and add.
    fn comment(&self) -> Option<&String>;
}

impl Definition for Unique {
    fn definition(&self, table: &Name, renames: &Renames, from_side: bool) -> Unique {
        let mut d = self.clone();
        d.name = None;
        d.renamed_from = None;
        d.comment = None;
        if from_side {
            d.columns = renames.columns_of(table, &d.columns);
        }
        d
    }
    fn comment(&self) -> Option<&String> {
        self.comment.as_ref()
    }
}

impl Definition for Check {
    fn definition(&self, _table: &Name, _renames: &Renames, _from_side: bool) -> Check {
        let mut d = self.clone();
        d.name = None;
        d.renamed_from = None;
        d.comment = None;
        d
    }
    fn comment(&self) -> Option<&String> {
        self.comment.as_ref()
    }
}

impl Definition for ForeignKey {
    fn definition(&self, table: &Name, renames: &Renames, from_side: bool) -> ForeignKey {
        let mut d = self.clone();
        d.name = None;
        d.renamed_from = None;
        d.comment = None;
        if from_side {
            d.columns = renames.columns_of(table, &d.columns);
            d.ref_table = renames.table(&d.ref_table);
            d.ref_columns = renames.columns_of(&d.ref_table, &d.ref_columns);
        }
        d
    }
    fn comment(&self) -> Option<&String> {
        self.comment.as_ref()
    }
}

impl Definition for Index {
    fn definition(&self, table: &Name, renames: &Renames, from_side: bool) -> Index {
        let mut d = self.clone();
        d.name = None;
        d.renamed_from = None;
        if from_side {
            for part in &mut d.parts {
                if let IndexKey::Column(c) = &mut part.key {
                    *c = renames.column(table, c);
                }
            }
            d.include = renames.columns_of(table, &d.include);
        }
        d
    }
    fn comment(&self) -> Option<&String> {
        None
    }
}

/// Everything that differs between two versions of a table, in the order
/// a dialect applies them (see [`phase`]).
/// The columns both sides keep (as `(from, to)` positions, in `to` order)
/// that must move to give `to`'s order, by `to` position: all but a
/// longest run already in order, so that the fewest columns move.
fn moved_columns(matched: &[(usize, usize)]) -> std::collections::BTreeSet<usize> {
    let mut by_from = matched.to_vec();
    by_from.sort_unstable();
    let seq: Vec<usize> = by_from.iter().map(|&(_, t)| t).collect();
    if seq.windows(2).all(|w| w[0] < w[1]) {
        return Default::default();
    }
    // Longest increasing subsequence; quadratic, and tables have few columns.
    let n = seq.len();
    let mut len = vec![1usize; n];
    let mut prev: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        for j in 0..i {
            if seq[j] < seq[i] && len[j] + 1 > len[i] {
                len[i] = len[j] + 1;
                prev[i] = Some(j);
            }
        }
    }
    let mut keep = std::collections::BTreeSet::new();
    let mut at = (0..n).max_by_key(|&i| (len[i], std::cmp::Reverse(i)));
    while let Some(i) = at {
        keep.insert(seq[i]);
        at = prev[i];
    }
    seq.into_iter().filter(|t| !keep.contains(t)).collect()
}

pub(super) fn table_changes(from: &Table, to: &Table, renames: &Renames) -> Vec<TableChange> {
    let table = &to.name;
    let mut out = Vec::new();
    if from.name != to.name {
        out.push(TableChange::RenameTable {
            from: from.name.clone(),
            to: to.name.clone(),
        });
    }

    let cols = pair(&from.columns, &to.columns, |_, _| false);
    let moved = moved_columns(&cols.matched);
    for &(fi, ti) in &cols.matched {
        let (f, t) = (&from.columns[fi], &to.columns[ti]);
        if f.name != t.name {
            out.push(TableChange::RenameColumn {
                from: f.name.clone(),
                to: t.name.clone(),
            });
        }
        let mut what = ColumnChanges::between(f, t);
        what.position = moved.contains(&ti);
        if what.any() {
            // The column is renamed first, so both sides carry the new name.
            let mut before = f.clone();
            before.name = t.name.clone();
            before.renamed_from = None;
            out.push(TableChange::AlterColumn {
                from: before,
                to: t.clone(),
                what,
            });
        }
    }
    for &fi in &cols.dropped {
        out.push(TableChange::DropColumn(from.columns[fi].clone()));
    }
    for &ti in &cols.added {
        out.push(TableChange::AddColumn(to.columns[ti].clone()));
    }

    primary_key_changes(from, to, renames, &mut out);
    constraint_changes(
        &from.uniques,
        &to.uniques,
        table,
        renames,
        &mut out,
        TableChange::DropUnique,
        TableChange::AddUnique,
        |from, to| TableChange::RenameUnique { from, to },
    );
    constraint_changes(
        &from.checks,
        &to.checks,
        table,
        renames,
        &mut out,
        TableChange::DropCheck,
        TableChange::AddCheck,
        |from, to| TableChange::RenameCheck { from, to },
    );
    constraint_changes(
        &from.foreign_keys,
        &to.foreign_keys,
        table,
        renames,
        &mut out,
        TableChange::DropForeignKey,
        TableChange::AddForeignKey,
        |from, to| TableChange::RenameForeignKey { from, to },
    );
    let indexes_from = out.len();
    constraint_changes(
        &from.indexes,
        &to.indexes,
        table,
        renames,
        &mut out,
        TableChange::DropIndex,
        TableChange::AddIndex,
        |from, to| TableChange::RenameIndex { from, to },
    );
    recommented_indexes(&mut out, indexes_from, table, renames);

    super::objects::exclusion_changes(&from.exclusions, &to.exclusions, &mut out);

    if from.comment != to.comment {
        out.push(TableChange::SetComment {
            from: from.comment.clone(),
            to: to.comment.clone(),
        });
    }
    if from.options != to.options {
        out.push(TableChange::SetOptions {
            from: from.options.clone(),
            to: to.options.clone(),
        });
    }
    sort_table_changes(&mut out);
    out
}

/// The primary key dropped and added when its definition changed, its
/// comment set in place when only that did.
fn primary_key_changes(from: &Table, to: &Table, renames: &Renames, out: &mut Vec<TableChange>) {
    let definition = |pk: &PrimaryKey, columns: Vec<String>| PrimaryKey {
        columns,
        comment: None,
        ..pk.clone()
    };
    let pk_from = from
        .primary_key
        .as_ref()
        .map(|pk| definition(pk, renames.columns_of(&to.name, &pk.columns)));
    let pk_to = to
        .primary_key
        .as_ref()
        .map(|pk| definition(pk, pk.columns.clone()));
    match (&from.primary_key, &to.primary_key) {
        (Some(f), Some(t)) if pk_from == pk_to && f.comment != t.comment => {
            if let Some(name) = &t.name {
                out.push(TableChange::SetConstraintComment {
                    name: name.clone(),
                    old_name: name.clone(),
                    from: f.comment.clone(),
                    to: t.comment.clone(),
                });
                return;
            }
        }
        _ if pk_from == pk_to => return,
        _ => {}
    }
    if let Some(pk) = &from.primary_key {
        out.push(TableChange::DropPrimaryKey(pk.clone()));
    }
    if let Some(pk) = &to.primary_key {
        out.push(TableChange::AddPrimaryKey(pk.clone()));
    }
}

#[allow(clippy::too_many_arguments)] // one call per constraint kind, all alike
fn constraint_changes<T: Definition>(
    from: &[T],
    to: &[T],
    table: &Name,
    renames: &Renames,
    out: &mut Vec<TableChange>,
    drop: fn(T) -> TableChange,
    add: fn(T) -> TableChange,
    rename: fn(String, String) -> TableChange,
) {
    let same =
        |f: &T, t: &T| f.definition(table, renames, true) == t.definition(table, renames, false);
    let p = pair(from, to, same);
    for &(fi, ti) in &p.matched {
        let (f, t) = (&from[fi], &to[ti]);
        let renamed = match (f.name(), t.name()) {
            (Some(old), Some(new)) => Some((old, new)),
            _ => None,
        };
        if same(f, t) && (f.comment() == t.comment() || renamed.is_some()) {
            if let Some((old, new)) = renamed.filter(|(old, new)| old != new) {
                out.push(rename(old.to_string(), new.to_string()));
            }
            if let Some((old, new)) = renamed.filter(|_| f.comment() != t.comment()) {
                out.push(TableChange::SetConstraintComment {
                    name: new.to_string(),
                    old_name: old.to_string(),
                    from: f.comment().cloned(),
                    to: t.comment().cloned(),
                });
            }
        } else {
            out.push(drop(f.clone()));
            out.push(add(t.clone()));
        }
    }
    for &fi in &p.dropped {
        out.push(drop(from[fi].clone()));
    }
    for &ti in &p.added {
        out.push(add(to[ti].clone()));
    }
}

/// An index dropped and added again by the same name with nothing but its
/// comment changed is one [`TableChange::SetIndexComment`]: the dialect
/// comments it where it can, and a report says what changed.
fn recommented_indexes(out: &mut Vec<TableChange>, start: usize, table: &Name, renames: &Renames) {
    let bare = |ix: &Index, from_side: bool| Index {
        comment: None,
        ..ix.definition(table, renames, from_side)
    };
    let (mut dropped, mut added, mut rest) = (Vec::new(), Vec::new(), Vec::new());
    for c in out.split_off(start) {
        match c {
            TableChange::DropIndex(ix) => dropped.push(ix),
            TableChange::AddIndex(ix) => added.push(ix),
            other => rest.push(other),
        }
    }
    for from in dropped {
        let same = added.iter().position(|a: &Index| {
            a.name.is_some() && a.name == from.name && bare(a, false) == bare(&from, true)
        });
        match same {
            Some(j) => out.push(TableChange::SetIndexComment {
                from,
                to: added.remove(j),
            }),
            None => out.push(TableChange::DropIndex(from)),
        }
    }
    out.extend(added.into_iter().map(TableChange::AddIndex));
    out.extend(rest);
}

/// The order of the changes inside one `AlterTable`: the table is renamed
/// first, then what goes away goes (constraints before the columns they
/// use), then columns and constraints are renamed, then columns change,
/// then what is new arrives (columns before the constraints that use
/// them), then new parents. Both a forward and a reversed list are sorted this way.
pub(crate) fn phase(c: &TableChange) -> u8 {
    match c {
        // Leaving a parent comes before any drop: what the parent gave
        // (columns, checks) can be dropped only once it is the table's own.
        // So is leaving a partitioned table: what it gave becomes the
        // table's own only then.
        TableChange::RenameTable { .. }
        | TableChange::NoInherit(_)
        | TableChange::DetachPartition { .. } => 0,
        TableChange::DropForeignKey(_) => 1,
        TableChange::DropIndex(_) => 2,
        TableChange::DropCheck(_) | TableChange::DropUnique(_) | TableChange::DropExclusion(_) => 3,
        TableChange::DropPrimaryKey(_) => 4,
        TableChange::DropColumn(_) => 5,
        TableChange::RenameColumn { .. }
        | TableChange::RenameUnique { .. }
        | TableChange::RenameCheck { .. }
        | TableChange::RenameForeignKey { .. }
        | TableChange::RenameIndex { .. } => 6,
        TableChange::AlterColumn { .. } => 7,
        TableChange::AddColumn(_) => 8,
        TableChange::AddPrimaryKey(_) => 9,
        TableChange::AddUnique(_) | TableChange::AddCheck(_) => 10,
        TableChange::AddIndex(_) | TableChange::AddExclusion(_) => 11,
        // Every unique key of a partitioned table holds the partitioning
        // columns, and none of its foreign keys is left (InnoDB): the
        // keys it loses go and the ones it gains arrive around it.
        TableChange::Repartition { .. } => 12,
        TableChange::AddForeignKey(_) => 13,
        // A new parent's columns and checks must be on the table first.
        TableChange::Inherit(_) => 14,
        // `ATTACH PARTITION` asks for the parent's columns and checks, and
        // takes over the keys and indexes made for it.
        TableChange::AttachPartition { .. } => 15,
        TableChange::SetComment { .. }
        | TableChange::SetConstraintComment { .. }
        | TableChange::SetIndexComment { .. } => 16,
        TableChange::SetOptions { .. } => 17,
    }
}

pub(crate) fn sort_table_changes(changes: &mut [TableChange]) {
    changes.sort_by_key(phase);
    super::rename_order::order_column_renames(changes);
}

// Hand-built IR on purpose: these pin the change list the table differ
// makes (which columns move, what matches), which a case sees only through
// the SQL emitted from it.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Column;

    fn table(name: &str, cols: &[&str]) -> Table {
        let mut t = Table::new(Name::new(name));
        t.columns = cols.iter().map(|c| Column::new(*c, "integer")).collect();
        t
    }

    fn index(name: Option<&str>, col: &str) -> Index {
        Index::on_columns(name, &[col])
    }

    fn changes(from: &Table, to: &Table) -> Vec<TableChange> {
        let mut r = Renames::default();
        r.columns.insert(to.name.clone(), column_renames(from, to));
        table_changes(from, to, &r)
    }

    /// The moved columns of each order, by name.
    fn moved(from: &[&str], to: &[&str]) -> Vec<String> {
        changes(&table("t", from), &table("t", to))
            .into_iter()
            .map(|c| match c {
                TableChange::AlterColumn { to, what, .. } if what.position && !what.ty => to.name,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn the_fewest_columns_move() {
        assert!(moved(&["a", "b", "c"], &["a", "b", "c"]).is_empty());
        assert_eq!(
            moved(&["id", "name", "nick", "at"], &["id", "nick", "name", "at"]),
            ["nick"]
        );
        assert_eq!(moved(&["a", "b", "c", "d"], &["d", "a", "b", "c"]), ["d"]);
        assert_eq!(moved(&["a", "b", "c"], &["c", "b", "a"]), ["c", "b"]);
        // Added and dropped columns do not count as moves.
        let c = changes(&table("t", &["a", "x", "b"]), &table("t", &["y", "a", "b"]));
        assert!(
            c.iter()
                .all(|c| !matches!(c, TableChange::AlterColumn { .. })),
            "{c:?}"
        );
    }

    #[test]
    fn identical_tables_have_no_changes() {
        let t = table("t", &["a", "b"]);
        assert!(changes(&t, &t).is_empty());
    }

    #[test]
    fn renamed_column_keeps_its_index() {
        let mut from = table("t", &["a"]);
        from.indexes.push(index(Some("t_a"), "a"));
        let mut to = table("t", &["b"]);
        to.columns[0].renamed_from = Some("a".into());
        to.indexes.push(index(Some("t_a"), "b"));
        assert_eq!(
            changes(&from, &to),
            vec![TableChange::RenameColumn {
                from: "a".into(),
                to: "b".into()
            }]
        );
    }

    #[test]
    fn renamed_and_retyped_column_alters_under_the_new_name() {
        let from = table("t", &["a"]);
        let mut to = table("t", &["b"]);
        to.columns[0].renamed_from = Some("a".into());
        to.columns[0].ty = crate::ir::Type::new("bigint");
        let c = changes(&from, &to);
        assert_eq!(c.len(), 2);
        assert!(matches!(&c[0], TableChange::RenameColumn { .. }));
        match &c[1] {
            TableChange::AlterColumn { from, to, what } => {
                assert_eq!(from.name, "b");
                assert_eq!(from.ty.as_str(), "integer");
                assert_eq!(to.ty.as_str(), "bigint");
                assert!(what.ty && !what.nullable);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn an_index_changed_only_in_its_comment_is_recommented() {
        let mut from = table("t", &["a", "b"]);
        from.indexes.push(index(Some("i"), "a"));
        from.indexes.push(index(Some("j"), "b"));
        let mut to = from.clone();
        to.indexes[0].comment = Some("by a".into());
        to.indexes[1] = index(Some("j"), "a");
        to.indexes[1].comment = Some("now by a".into());
        let c = changes(&from, &to);
        assert_eq!(
            c,
            vec![
                TableChange::DropIndex(from.indexes[1].clone()),
                TableChange::AddIndex(to.indexes[1].clone()),
                TableChange::SetIndexComment {
                    from: from.indexes[0].clone(),
                    to: to.indexes[0].clone(),
                },
            ]
        );
        assert_eq!(
            changes(&to, &from)[2],
            TableChange::SetIndexComment {
                from: to.indexes[0].clone(),
                to: from.indexes[0].clone(),
            }
        );
    }

    #[test]
    fn changed_index_is_dropped_before_columns_and_added_after() {
        let mut from = table("t", &["a", "b"]);
        from.indexes.push(index(Some("i"), "a"));
        let mut to = table("t", &["a", "c"]);
        to.indexes.push(index(Some("i"), "c"));
        let kinds: Vec<u8> = changes(&from, &to).iter().map(phase).collect();
        assert_eq!(kinds, vec![2, 5, 8, 11]);
    }

    #[test]
    fn unnamed_constraints_match_by_definition() {
        let mut from = table("t", &["a", "b"]);
        from.indexes.push(index(None, "a"));
        from.indexes.push(index(None, "b"));
        let mut to = table("t", &["a", "b"]);
        to.indexes.push(index(None, "b"));
        assert_eq!(
            changes(&from, &to),
            vec![TableChange::DropIndex(index(None, "a"))]
        );
    }

    fn check(name: &str, comment: Option<&str>) -> Check {
        Check {
            comment: comment.map(str::to_string),
            name: Some(name.into()),
            expr: crate::ir::Expr::new("a > 0"),
            not_valid: false,
            renamed_from: None,
            no_inherit: false,
            column: None,
        }
    }

    #[test]
    fn a_constraint_whose_comment_alone_changes_stays() {
        let mut from = table("t", &["a"]);
        from.checks.push(check("c", Some("old")));
        let mut to = table("t", &["a"]);
        to.checks.push(check("c", None));
        assert_eq!(
            changes(&from, &to),
            vec![TableChange::SetConstraintComment {
                name: "c".into(),
                old_name: "c".into(),
                from: Some("old".into()),
                to: None,
            }]
        );
        // A renamed one is renamed, then commented under its new name.
        let mut renamed = check("d", Some("new"));
        renamed.renamed_from = Some("c".into());
        to.checks = vec![renamed];
        let c = changes(&from, &to);
        assert!(matches!(&c[0], TableChange::RenameCheck { .. }), "{c:?}");
        assert_eq!(
            c[1],
            TableChange::SetConstraintComment {
                name: "d".into(),
                old_name: "c".into(),
                from: Some("old".into()),
                to: Some("new".into()),
            }
        );
        // Another definition makes it anew, comment and all.
        let mut other = check("c", Some("x"));
        other.expr = crate::ir::Expr::new("a > 1");
        to.checks = vec![other];
        let kinds: Vec<u8> = changes(&from, &to).iter().map(phase).collect();
        assert_eq!(kinds, vec![3, 10]);
    }

    #[test]
    fn renamed_index_with_same_definition_is_a_rename() {
        let mut from = table("t", &["a"]);
        from.indexes.push(index(Some("old"), "a"));
        let mut to = table("t", &["a"]);
        let mut i = index(Some("new"), "a");
        i.renamed_from = Some("old".into());
        to.indexes.push(i);
        assert_eq!(
            changes(&from, &to),
            vec![TableChange::RenameIndex {
                from: "old".into(),
                to: "new".into()
            }]
        );
    }
}
