//! A table attached as a partition (PostgreSQL `ATTACH PARTITION`, also
//! when a partition moves to another bound or parent) must hold only rows
//! of its bound, and a default partition of the parent none of them: the
//! server checks both and refuses the attach otherwise. Nothing is lost
//! then (the transaction rolls back); the rows must be moved first.

use crate::diff::TableChange;
use crate::ir::Name;
use crate::plan::{Hazard, HazardKind};

pub fn check(table: &Name, change: &TableChange) -> Option<Hazard> {
    let TableChange::AttachPartition { parent, bound, .. } = change else {
        return None;
    };
    // The parent first: the hazard belongs on the statement that names it.
    Some(Hazard {
        kind: HazardKind::MayFail,
        message: format!(
            "attaching to `{parent}` fails if rows of `{table}` fall outside its bound ({bound}), or a \
             default partition of `{parent}` holds rows of that bound (nothing is lost: \
             move them first)"
        ),
        acknowledged: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Expr;

    #[test]
    fn attaching_may_fail_and_detaching_may_not() {
        let t = Name::new("e_2026");
        let (parent, bound) = (Name::new("e"), Expr::new("DEFAULT"));
        let attach = TableChange::AttachPartition {
            parent: parent.clone(),
            bound: bound.clone(),
            key: None,
        };
        let h = check(&t, &attach).map(|h| (h.kind, h.message));
        assert!(
            matches!(&h, Some((HazardKind::MayFail, m)) if m.starts_with("attaching to `e` fails if rows of `e_2026`")),
            "{h:?}"
        );
        let detach = TableChange::DetachPartition {
            parent,
            bound,
            key: None,
        };
        assert!(check(&t, &detach).is_none());
    }
}
