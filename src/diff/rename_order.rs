//! The order of the column renames inside one table: a rename into a name
//! that another rename frees runs after that one (`b → c` before
//! `a → b`), so that every statement finds its target name free. Drops run
//! before renames (see `phase`), so a name a drop frees is free already.

use super::TableChange;

/// Reorders the `RenameColumn` changes among the slots they hold, each
/// after the rename that frees its target. A cycle (`a → b`, `b → a`) has
/// no such order; its renames keep their place, and an emitter that runs
/// renames one by one must break it (SQLite rebuilds the table).
pub(crate) fn order_column_renames(changes: &mut [TableChange]) {
    let slots: Vec<usize> = changes
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c, TableChange::RenameColumn { .. }))
        .map(|(i, _)| i)
        .collect();
    if slots.len() < 2 {
        return;
    }
    let pairs: Vec<(String, String)> = slots
        .iter()
        .filter_map(|&i| match &changes[i] {
            TableChange::RenameColumn { from, to } => Some((from.clone(), to.clone())),
            _ => None,
        })
        .collect();
    let order = sequence(&pairs);
    let renamed: Vec<TableChange> = order
        .into_iter()
        .map(|k| TableChange::RenameColumn {
            from: pairs[k].0.clone(),
            to: pairs[k].1.clone(),
        })
        .collect();
    for (slot, change) in slots.into_iter().zip(renamed) {
        changes[slot] = change;
    }
}

/// Positions of `pairs` in an order where no rename's target is still the
/// source of a rename yet to run; ties keep the given order, and what a
/// cycle leaves is appended in the given order.
fn sequence(pairs: &[(String, String)]) -> Vec<usize> {
    let mut done = vec![false; pairs.len()];
    let mut out = Vec::with_capacity(pairs.len());
    while out.len() < pairs.len() {
        let ready = (0..pairs.len()).find(|&k| {
            !done[k] && !(0..pairs.len()).any(|j| j != k && !done[j] && pairs[j].0 == pairs[k].1)
        });
        match ready {
            Some(k) => {
                done[k] = true;
                out.push(k);
            }
            None => {
                out.extend((0..pairs.len()).filter(|&k| !done[k]));
                break;
            }
        }
    }
    out
}

/// Whether the column renames form a cycle, which renames run one at a
/// time cannot make without a temporary name.
pub fn renames_cycle(changes: &[TableChange]) -> bool {
    let pairs: Vec<(String, String)> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::RenameColumn { from, to } => Some((from.clone(), to.clone())),
            _ => None,
        })
        .collect();
    let order = sequence(&pairs);
    order
        .iter()
        .enumerate()
        .any(|(at, &k)| order[at + 1..].iter().any(|&j| pairs[j].0 == pairs[k].1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rename(from: &str, to: &str) -> TableChange {
        TableChange::RenameColumn {
            from: from.into(),
            to: to.into(),
        }
    }

    #[test]
    fn a_chain_runs_from_its_free_end() {
        let mut c = vec![rename("a", "b"), rename("b", "c"), rename("c", "d")];
        order_column_renames(&mut c);
        assert_eq!(
            c,
            vec![rename("c", "d"), rename("b", "c"), rename("a", "b")]
        );
        assert!(!renames_cycle(&c));
    }

    #[test]
    fn independent_renames_keep_their_order() {
        let mut c = vec![rename("x", "y"), rename("a", "b")];
        order_column_renames(&mut c);
        assert_eq!(c, vec![rename("x", "y"), rename("a", "b")]);
    }

    #[test]
    fn a_swap_is_a_cycle() {
        let mut c = vec![rename("a", "b"), rename("b", "a")];
        order_column_renames(&mut c);
        assert_eq!(c.len(), 2);
        assert!(renames_cycle(&c));
    }
}
