//! Dropping a column deletes its values in every row.

use crate::diff::TableChange;
use crate::ir::Name;
use crate::plan::{Hazard, HazardKind};

pub fn check(table: &Name, change: &TableChange) -> Option<Hazard> {
    match change {
        TableChange::DropColumn(c) => Some(Hazard {
            kind: HazardKind::DataLoss,
            message: format!("column `{table}.{}` is dropped with its values", c.name),
            acknowledged: None,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Column;

    #[test]
    fn drop_column_names_table_and_column() {
        let h = check(
            &Name::new("orders"),
            &TableChange::DropColumn(Column::new("note", "text")),
        );
        let h = h.expect("a hazard");
        assert_eq!(h.kind, HazardKind::DataLoss);
        assert_eq!(h.message, "column `orders.note` is dropped with its values");
    }

    #[test]
    fn add_column_is_safe() {
        assert!(check(
            &Name::new("t"),
            &TableChange::AddColumn(Column::new("c", "text"))
        )
        .is_none());
    }
}
