//! Dropping a table deletes every row in it.

use crate::diff::Change;
use crate::plan::{Hazard, HazardKind};

pub fn check(change: &Change) -> Option<Hazard> {
    match change {
        Change::DropTable(t) => Some(Hazard {
            kind: HazardKind::DataLoss,
            message: format!("table `{}` is dropped with all of its rows", t.name),
            acknowledged: None,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Name, Table};

    #[test]
    fn drop_table_is_data_loss_naming_the_table() {
        let h = check(&Change::DropTable(Table::new(Name::qualified(
            "billing", "invoices",
        ))));
        let h = h.expect("a hazard");
        assert_eq!(h.kind, HazardKind::DataLoss);
        assert!(h.message.contains("`billing.invoices`"), "{}", h.message);
    }

    #[test]
    fn create_table_is_safe() {
        assert!(check(&Change::CreateTable(Table::new(Name::new("t")))).is_none());
    }
}
