//! The reverse of a change: what undoes it. Every change carries both of
//! its sides, so this needs no database; the rollback plan is the plan of
//! the reversed changes.

use std::collections::BTreeMap;

use super::{sort_table_changes, Change, TableChange};

impl Change {
    /// The change that undoes this one: create ↔ drop, `from` ↔ `to`,
    /// renames swapped.
    pub fn reverse(&self) -> Change {
        match self.clone() {
            Change::CreateExtension(x) => Change::DropExtension(x),
            Change::DropExtension(x) => Change::CreateExtension(x),
            Change::AlterExtension { from, to } => Change::AlterExtension { from: to, to: from },
            Change::CreateNamespace(x) => Change::DropNamespace(x),
            Change::DropNamespace(x) => Change::CreateNamespace(x),
            Change::AlterNamespace { from, to } => Change::AlterNamespace { from: to, to: from },
            Change::CreateEnum(x) => Change::DropEnum(x),
            Change::DropEnum(x) => Change::CreateEnum(x),
            Change::AlterEnum { from, to } => Change::AlterEnum { from: to, to: from },
            Change::CreateSequence(x) => Change::DropSequence(x),
            Change::DropSequence(x) => Change::CreateSequence(x),
            Change::AlterSequence { from, to } => Change::AlterSequence { from: to, to: from },
            Change::CreateTable(x) => Change::DropTable(x),
            Change::DropTable(x) => Change::CreateTable(x),
            Change::AlterTable { from, to, changes } => {
                // After the reverse renames run, a column is known by its
                // old name again.
                let back: BTreeMap<String, String> = changes
                    .iter()
                    .filter_map(|c| match c {
                        TableChange::RenameColumn { from, to } => Some((to.clone(), from.clone())),
                        _ => None,
                    })
                    .collect();
                let mut reversed: Vec<TableChange> = changes
                    .iter()
                    .rev()
                    .map(|c| c.reverse_with(&back))
                    .collect();
                sort_table_changes(&mut reversed);
                Change::AlterTable {
                    from: to,
                    to: from,
                    changes: reversed,
                }
            }
            Change::CreateView(x) => Change::DropView(x),
            Change::DropView(x) => Change::CreateView(x),
            Change::ReplaceView { from, to } => Change::ReplaceView { from: to, to: from },
            Change::SetViewComments { from, to } => Change::SetViewComments { from: to, to: from },
            Change::RenameView { from, to } => Change::RenameView { from: to, to: from },
            Change::CreateFunction(x) => Change::DropFunction(x),
            Change::DropFunction(x) => Change::CreateFunction(x),
            Change::ReplaceFunction { from, to } => Change::ReplaceFunction { from: to, to: from },
            Change::CreateTrigger(x) => Change::DropTrigger(x),
            Change::DropTrigger(x) => Change::CreateTrigger(x),
            Change::SetTriggerComment { from, to } => {
                Change::SetTriggerComment { from: to, to: from }
            }
            Change::SetRowSecurity { table, from, to } => Change::SetRowSecurity {
                table,
                from: to,
                to: from,
            },
            Change::CreatePolicy(x) => Change::DropPolicy(x),
            Change::DropPolicy(x) => Change::CreatePolicy(x),
            Change::AlterPolicy { from, to } => Change::AlterPolicy { from: to, to: from },
            Change::Grant(x) => Change::Revoke(x),
            Change::Revoke(x) => Change::Grant(x),
            Change::AlterGrant { from, to } => Change::AlterGrant { from: to, to: from },
            Change::CreateDomain(x) => Change::DropDomain(x),
            Change::DropDomain(x) => Change::CreateDomain(x),
            Change::AlterDomain { from, to } => Change::AlterDomain { from: to, to: from },
            Change::CreateEvent(x) => Change::DropEvent(x),
            Change::DropEvent(x) => Change::CreateEvent(x),
            Change::AlterEvent { from, to } => Change::AlterEvent { from: to, to: from },
            Change::CreateComposite(x) => Change::DropComposite(x),
            Change::DropComposite(x) => Change::CreateComposite(x),
            Change::AlterComposite { from, to } => Change::AlterComposite { from: to, to: from },
            Change::CreateRange(x) => Change::DropRange(x),
            Change::DropRange(x) => Change::CreateRange(x),
            Change::AlterRange { from, to } => Change::AlterRange { from: to, to: from },
            Change::CreateCollation(x) => Change::DropCollation(x),
            Change::DropCollation(x) => Change::CreateCollation(x),
            Change::AlterCollation { from, to, users } => Change::AlterCollation {
                from: to,
                to: from,
                users,
            },
            Change::CreateTextSearchConfig(x) => Change::DropTextSearchConfig(x),
            Change::DropTextSearchConfig(x) => Change::CreateTextSearchConfig(x),
            Change::AlterTextSearchConfig { from, to } => {
                Change::AlterTextSearchConfig { from: to, to: from }
            }
            Change::CreateStatistics(x) => Change::DropStatistics(x),
            Change::DropStatistics(x) => Change::CreateStatistics(x),
            Change::AlterStatistics { from, to } => Change::AlterStatistics { from: to, to: from },
        }
    }
}

impl TableChange {
    /// The change inside a table that undoes this one.
    pub fn reverse(&self) -> TableChange {
        self.reverse_with(&BTreeMap::new())
    }

    /// `back` maps a renamed column's new name to its old one, so that a
    /// reversed `AlterColumn` names the column as it is called once the
    /// reversed renames ran.
    fn reverse_with(&self, back: &BTreeMap<String, String>) -> TableChange {
        match self.clone() {
            TableChange::RenameTable { from, to } => {
                TableChange::RenameTable { from: to, to: from }
            }
            TableChange::AddColumn(c) => TableChange::DropColumn(c),
            TableChange::DropColumn(c) => TableChange::AddColumn(c),
            TableChange::RenameColumn { from, to } => {
                TableChange::RenameColumn { from: to, to: from }
            }
            TableChange::AlterColumn { from, to, what } => {
                let name = back.get(&to.name).cloned().unwrap_or(to.name.clone());
                let mut new_from = to;
                let mut new_to = from;
                new_from.name = name.clone();
                new_to.name = name;
                TableChange::AlterColumn {
                    from: new_from,
                    to: new_to,
                    what,
                }
            }
            TableChange::AddPrimaryKey(x) => TableChange::DropPrimaryKey(x),
            TableChange::DropPrimaryKey(x) => TableChange::AddPrimaryKey(x),
            TableChange::AddUnique(x) => TableChange::DropUnique(x),
            TableChange::DropUnique(x) => TableChange::AddUnique(x),
            TableChange::RenameUnique { from, to } => {
                TableChange::RenameUnique { from: to, to: from }
            }
            TableChange::AddCheck(x) => TableChange::DropCheck(x),
            TableChange::DropCheck(x) => TableChange::AddCheck(x),
            TableChange::RenameCheck { from, to } => {
                TableChange::RenameCheck { from: to, to: from }
            }
            TableChange::AddForeignKey(x) => TableChange::DropForeignKey(x),
            TableChange::DropForeignKey(x) => TableChange::AddForeignKey(x),
            TableChange::RenameForeignKey { from, to } => {
                TableChange::RenameForeignKey { from: to, to: from }
            }
            TableChange::AddIndex(x) => TableChange::DropIndex(x),
            TableChange::DropIndex(x) => TableChange::AddIndex(x),
            TableChange::RenameIndex { from, to } => {
                TableChange::RenameIndex { from: to, to: from }
            }
            TableChange::SetComment { from, to } => TableChange::SetComment { from: to, to: from },
            TableChange::SetConstraintComment {
                name,
                old_name,
                from,
                to,
            } => TableChange::SetConstraintComment {
                name: old_name,
                old_name: name,
                from: to,
                to: from,
            },
            TableChange::SetIndexComment { from, to } => {
                TableChange::SetIndexComment { from: to, to: from }
            }
            TableChange::SetOptions { from, to } => TableChange::SetOptions { from: to, to: from },
            TableChange::AddExclusion(x) => TableChange::DropExclusion(x),
            TableChange::DropExclusion(x) => TableChange::AddExclusion(x),
            TableChange::Inherit(p) => TableChange::NoInherit(p),
            TableChange::NoInherit(p) => TableChange::Inherit(p),
            TableChange::AttachPartition { parent, bound, key } => {
                TableChange::DetachPartition { parent, bound, key }
            }
            TableChange::DetachPartition { parent, bound, key } => {
                TableChange::AttachPartition { parent, bound, key }
            }
            TableChange::Repartition { from, to } => {
                TableChange::Repartition { from: to, to: from }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diff::{diff, Change};
    use crate::ir::{Column, Enum, Index, Name, Schema, Table, Type};

    fn shop(with_note: bool, renamed: bool) -> Schema {
        let mut s = Schema::default();
        let mut t = Table::new(Name::new(if renamed { "orders2" } else { "orders" }));
        if renamed {
            t.renamed_from = Some(Name::new("orders"));
        }
        let mut id = Column::new("id", "integer");
        if renamed {
            id.name = "order_id".into();
            id.renamed_from = Some("id".into());
            id.ty = Type::new("bigint");
        }
        t.columns.push(id);
        if with_note {
            t.columns.push(Column::new("note", "text"));
            t.indexes
                .push(Index::on_columns(Some("orders_note"), &["note"]));
        }
        s.tables.insert(t.name.clone(), t);
        s.enums.insert(
            Name::new("e"),
            Enum {
                name: Name::new("e"),
                values: vec!["a".into()],
                comment: None,
            },
        );
        s
    }

    #[test]
    fn reverse_twice_is_identity() {
        let changes = diff(&shop(false, false), &shop(true, true));
        assert!(!changes.is_empty());
        for c in &changes {
            assert_eq!(&c.reverse().reverse(), c);
        }
    }

    #[test]
    fn reversed_changes_equal_the_backward_diff_without_hints() {
        let a = shop(false, false);
        let b = shop(true, false);
        let back: Vec<Change> = diff(&a, &b).iter().map(Change::reverse).collect();
        assert_eq!(back, diff(&b, &a));
    }

    #[test]
    fn reversed_alter_column_uses_the_old_name() {
        let changes = diff(&shop(false, false), &shop(false, true));
        let Some(Change::AlterTable { changes: inner, .. }) = changes.first().map(Change::reverse)
        else {
            panic!("expected an alter table, got {changes:?}");
        };
        let names: Vec<String> = inner
            .iter()
            .map(|c| match c {
                crate::diff::TableChange::RenameTable { to, .. } => format!("table {to}"),
                crate::diff::TableChange::RenameColumn { from, to } => format!("{from}->{to}"),
                crate::diff::TableChange::AlterColumn { from, to, .. } => {
                    format!("alter {} {}->{}", from.name, from.ty, to.ty)
                }
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            names,
            vec!["table orders", "order_id->id", "alter id bigint->integer"]
        );
    }
}
