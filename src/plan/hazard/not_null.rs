//! A column that becomes NOT NULL, or a new NOT NULL column without a
//! default, fails on a table whose rows hold (or would hold) NULL.

use crate::diff::TableChange;
use crate::ir::Name;
use crate::plan::{Hazard, HazardKind};

pub fn check(table: &Name, change: &TableChange) -> Option<Hazard> {
    match change {
        TableChange::AlterColumn { from, to, what } if what.nullable && from.nullable && !to.nullable => {
            Some(Hazard {
                kind: HazardKind::MayFail,
                message: format!(
                    "column `{table}.{}` becomes NOT NULL: the change fails if a row holds NULL there",
                    to.name
                ), acknowledged: None,
            })
        }
        TableChange::AddColumn(c)
            if !c.nullable && c.default.is_none() && c.identity.is_none() && c.generated.is_none() =>
        {
            if let Some(b) = &c.backfill {
                return Some(Hazard {
                    kind: HazardKind::MayFail,
                    message: format!(
                        "column `{table}.{}` is added NOT NULL and filled with `{}`: the change fails if that is NULL for a row",
                        c.name, b.0
                    ),
                    acknowledged: None,
                });
            }
            Some(Hazard {
                kind: HazardKind::MayFail,
                message: format!(
                    "column `{table}.{}` is added NOT NULL without a default: the change fails if the table has rows",
                    c.name
                ), acknowledged: None,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::ColumnChanges;
    use crate::ir::{Column, Expr};

    #[test]
    fn set_not_null_may_fail() {
        let mut a = Column::new("email", "text");
        a.nullable = true;
        let b = Column::new("email", "text");
        let what = ColumnChanges::between(&a, &b);
        let h = check(
            &Name::new("users"),
            &TableChange::AlterColumn {
                from: a,
                to: b,
                what,
            },
        );
        assert_eq!(h.map(|h| h.kind), Some(HazardKind::MayFail));
    }

    #[test]
    fn new_not_null_column_needs_a_default() {
        let t = Name::new("users");
        assert!(check(&t, &TableChange::AddColumn(Column::new("a", "int"))).is_some());
        let mut c = Column::new("a", "int");
        c.default = Some(Expr::new("0"));
        assert!(check(&t, &TableChange::AddColumn(c)).is_none());
        let mut c = Column::new("a", "int");
        c.nullable = true;
        assert!(check(&t, &TableChange::AddColumn(c)).is_none());
    }
}
