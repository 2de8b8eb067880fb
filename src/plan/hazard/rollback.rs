//! What a rollback cannot bring back. The rollback is the plan of the
//! reversed changes: a dropped column is added again, a dropped table
//! created again, a narrowed column widened again — but the values and
//! rows the forward plan destroyed are gone, and a reviewer who counts on
//! `--rollback` must read that on the statement that seems to undo it.
//!
//! Only the rollback plan is checked (an added column of the forward plan
//! is new, not restored), so this rule is not part of [`super::check`]:
//! `crate::migration` runs it on the rollback's steps.

use crate::diff::{Change, TableChange};
use crate::ir::{Column, Name};
use crate::plan::{Hazard, HazardKind};

/// The `rollback-loses-data` hazards of one step of the rollback plan.
/// `forward_losses` are the `data-loss` hazards of the change it undoes
/// (the planner's and the dialect's): each that no message below covers
/// is said again as a loss the rollback does not undo.
pub fn check(change: &Change, forward_losses: &[Hazard]) -> Vec<Hazard> {
    let mut out = Vec::new();
    // Columns the rollback gives their values back (`table.column`).
    let mut restored = Vec::new();
    match change {
        Change::CreateTable(t) => out.push(hazard(format!(
            "rolling back creates table `{}` again, empty: the rows this plan drops are not restored",
            t.name
        ))),
        Change::AlterTable { to, changes, .. } => {
            for part in changes {
                match part {
                    // Filled back from a kept copy (`--keep-dropped`), or
                    // computed again by the server: nothing is lost.
                    TableChange::AddColumn(c) if c.backfill.is_some() || c.generated.is_some() => {
                        restored.push(format!("{}.{}", to.name, c.name));
                    }
                    _ => out.extend(part_check(&to.name, part)),
                }
            }
        }
        _ => {}
    }
    for f in forward_losses {
        if f.kind != HazardKind::DataLoss || covered(f, &out, &restored) {
            continue;
        }
        out.push(hazard(format!(
            "rolling back does not restore what this plan loses: {}",
            f.message
        )));
    }
    out
}

/// One change inside a table of the rollback.
fn part_check(table: &Name, part: &TableChange) -> Option<Hazard> {
    match part {
        TableChange::AddColumn(c) => Some(hazard(format!(
            "rolling back adds column `{table}.{}` again with {} in every row: the values this plan drops are not restored",
            c.name,
            fill(c)
        ))),
        TableChange::AlterColumn { from, to, what }
            if what.ty && !super::keeps_values(to.ty.as_str(), from.ty.as_str()) =>
        {
            Some(hazard(format!(
                "rolling back changes column `{table}.{}` back from {} to {}: the values this plan cuts or rounds stay cut",
                to.name, from.ty, to.ty
            )))
        }
        _ => None,
    }
}

/// What a re-added column holds in the rows that were there.
fn fill(c: &Column) -> String {
    match (&c.default, &c.identity) {
        (_, Some(_)) => "new identity values".into(),
        (Some(d), None) => format!("its default ({d})"),
        (None, None) => "NULL".into(),
    }
}

/// Whether a rollback hazard already names the object the forward loss
/// names (its first backquoted name), or the rollback restores it.
fn covered(forward: &Hazard, said: &[Hazard], restored: &[String]) -> bool {
    let Some(object) = super::object(&forward.message) else {
        return false;
    };
    restored.iter().any(|r| r == object) || said.iter().any(|h| super::mentions(&h.message, object))
}

fn hazard(message: String) -> Hazard {
    Hazard {
        kind: HazardKind::RollbackLosesData,
        message,
        acknowledged: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Table;

    fn altered(parts: Vec<TableChange>) -> Change {
        let t = Table::new(Name::new("users"));
        Change::AlterTable {
            from: t.clone(),
            to: t,
            changes: parts,
        }
    }

    #[test]
    fn a_column_added_back_is_empty() {
        let hs = check(
            &altered(vec![TableChange::AddColumn(Column::new("email", "text"))]),
            &[],
        );
        assert_eq!(hs.len(), 1);
        assert_eq!(hs[0].kind, HazardKind::RollbackLosesData);
        assert!(hs[0].message.contains("`users.email`"), "{}", hs[0].message);
        assert!(
            hs[0].message.contains("NULL in every row"),
            "{}",
            hs[0].message
        );
    }

    #[test]
    fn a_column_filled_back_or_generated_loses_nothing() {
        let mut kept = Column::new("email", "text");
        kept.backfill = Some(crate::ir::Expr::new("SELECT 1"));
        let dropped = Hazard {
            kind: HazardKind::DataLoss,
            message: "column `users.email` is dropped with its values".into(),
            acknowledged: None,
        };
        let hs = check(&altered(vec![TableChange::AddColumn(kept)]), &[dropped]);
        assert!(hs.is_empty(), "{hs:?}");
    }

    #[test]
    fn a_table_created_again_has_no_rows() {
        let hs = check(&Change::CreateTable(Table::new(Name::new("notes"))), &[]);
        assert_eq!(hs.len(), 1);
        assert!(hs[0].message.contains("`notes` again, empty"));
    }

    #[test]
    fn widening_back_a_narrowed_column_does_not_restore_it() {
        let part = |from: &str, to: &str| TableChange::AlterColumn {
            from: Column::new("n", from),
            to: Column::new("n", to),
            what: crate::diff::ColumnChanges {
                ty: true,
                ..Default::default()
            },
        };
        // The forward plan narrowed bigint to integer; the rollback widens.
        let hs = check(&altered(vec![part("integer", "bigint")]), &[]);
        assert_eq!(hs.len(), 1, "{hs:?}");
        assert!(hs[0].message.contains("from integer to bigint"));
        // The forward plan widened: its rollback narrows, and loses
        // nothing the forward plan lost.
        assert!(check(&altered(vec![part("bigint", "integer")]), &[]).is_empty());
    }

    #[test]
    fn a_dialect_loss_not_covered_is_said_again() {
        let f = Hazard {
            kind: HazardKind::DataLoss,
            message: "labels of `mood` are removed".into(),
            acknowledged: None,
        };
        let hs = check(&Change::CreateTable(Table::new(Name::new("x"))), &[f]);
        assert_eq!(hs.len(), 2);
        assert!(hs[1].message.ends_with("labels of `mood` are removed"));
    }
}
