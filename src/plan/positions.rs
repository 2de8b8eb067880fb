//! Column (and composite type attribute) order, for dialects that cannot move a column in place
//! (`Capabilities::move_columns` false): PostgreSQL has no way to, and
//! SQLite would rebuild the whole table for it. There a difference in
//! order alone is not planned — the columns are all there, and planning
//! it would never converge (PostgreSQL) or cost a rebuild for nothing.

use crate::diff::{Change, TableChange};
use crate::ir::{Attribute, Composite};

/// Clears the `position` flag of every column change, and drops the
/// changes (and table changes) that moved a column and did nothing else.
pub fn ignore_column_order(changes: &mut Vec<Change>) {
    for c in changes.iter_mut() {
        if let Change::AlterTable { changes: inner, .. } = c {
            for tc in inner.iter_mut() {
                if let TableChange::AlterColumn { what, .. } = tc {
                    what.position = false;
                }
            }
            inner.retain(|tc| !matches!(tc, TableChange::AlterColumn { what, .. } if !what.any()));
        }
    }
    changes.retain(|c| !matches!(c, Change::AlterTable { from, to, changes } if changes.is_empty() && from.name == to.name));
    // A composite type's attributes likewise: `ALTER TYPE` only appends.
    changes
        .retain(|c| !matches!(c, Change::AlterComposite { from, to } if same_but_order(from, to)));
}

fn same_but_order(from: &Composite, to: &Composite) -> bool {
    from.comment == to.comment && sorted(from) == sorted(to)
}

fn sorted(x: &Composite) -> Vec<&Attribute> {
    let mut v: Vec<&Attribute> = x.attributes.iter().collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}
