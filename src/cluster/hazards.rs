//! The hazards a cluster adds to a plan: steps that conflict with
//! queries on PostgreSQL hot standbys, DDL that blocks a Galera cluster
//! under Total Order Isolation, and the reason a plan cannot be applied
//! as a Rolling Schema Upgrade.

use crate::diff::{Change, TableChange};
use crate::migration::Migration;
use crate::plan::{Hazard, HazardKind};

/// Adds `hazard` to step `step` and to the statements of that step.
fn attach(m: &mut Migration, step: usize, hazard: Hazard) {
    for phase in &mut m.up.phases {
        for st in &mut phase.statements {
            if st.step == Some(step) && !st.hazards.contains(&hazard) {
                st.hazards.push(hazard.clone());
            }
        }
    }
    if let Some(s) = m.plan.steps.get_mut(step) {
        if !s.hazards.contains(&hazard) {
            s.hazards.push(hazard);
        }
    }
}

/// `standby-conflict` on every step that takes an ACCESS EXCLUSIVE lock
/// or rewrites a table, when `standbys` hot standbys replay it.
pub fn standby_conflicts(m: &mut Migration, standbys: usize) {
    let mut found = Vec::new();
    for (i, step) in m.plan.steps.iter().enumerate() {
        let long = step.hazards.iter().find(|h| {
            matches!(
                h.kind,
                HazardKind::AccessExclusiveLock | HazardKind::TableRewrite
            )
        });
        if let Some(h) = long {
            let what = match h.kind {
                HazardKind::TableRewrite => "the rewrite (and its ACCESS EXCLUSIVE lock)",
                _ => "the ACCESS EXCLUSIVE lock",
            };
            found.push((i, format!(
                "{what} is replayed on {standbys} hot standby(s): queries there on the same table are cancelled, or replay waits for them (max_standby_streaming_delay) and the replicas fall behind — {}",
                h.message
            )));
        }
    }
    for (i, message) in found {
        let kind = HazardKind::StandbyConflict;
        attach(m, i, Hazard { kind, message });
    }
}

/// The existing tables the plan's steps alter, by step: (step, schema,
/// table).
pub fn altered_tables(m: &Migration) -> Vec<(usize, Option<String>, String)> {
    m.plan
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, s)| match &s.change {
            Change::AlterTable { from, .. } => {
                Some((i, from.name.schema.clone(), from.name.name.clone()))
            }
            _ => None,
        })
        .collect()
}

/// The rate strata assumes a DDL reads a table at, for the expected
/// duration under TOI: a rough figure for a copy or an index build on
/// ordinary hardware; `strata rehearse` measures the real one.
const BYTES_PER_SECOND: u64 = 50 * 1024 * 1024;

/// `galera-toi` on step `step`, which alters a table of `rows` rows and
/// `bytes` bytes, on a cluster of `nodes` nodes.
pub fn galera_toi(m: &mut Migration, step: usize, table: &str, size: (u64, u64), nodes: usize) {
    let (rows, bytes) = size;
    let secs = bytes.div_ceil(BYTES_PER_SECOND).max(1);
    let message = format!(
        "under TOI every node of the {nodes}-node cluster waits while {table} changes: ~{rows} rows, {} MB, expect up to about {secs}s",
        bytes.div_ceil(1024 * 1024)
    );
    let kind = HazardKind::GaleraToi;
    attach(m, step, Hazard { kind, message });
}

/// Why the plan cannot run as a Rolling Schema Upgrade, if it cannot:
/// while it rolls, upgraded and not-yet-upgraded nodes replicate rows to
/// each other, so each change must leave a row valid on both schemas —
/// a nullable column added last, an index added or dropped, a comment.
pub fn rsu_refusal(m: &Migration) -> Option<String> {
    for step in &m.plan.steps {
        let line = crate::report::summary::line(&step.change);
        let Change::AlterTable { to, changes, .. } = &step.change else {
            return Some(format!(
                "`{line}` is not an ALTER TABLE: nodes not yet upgraded could not apply the rows written to it"
            ));
        };
        for c in changes {
            if let Some(why) = incompatible(to, c) {
                return Some(format!("`{line}`: {why}"));
            }
        }
    }
    None
}

fn incompatible(to: &crate::ir::Table, c: &TableChange) -> Option<&'static str> {
    match c {
        TableChange::AddColumn(col) => {
            if !col.nullable {
                Some("a NOT NULL column: rows from nodes not yet upgraded have no value for it")
            } else if col.generated.is_some() {
                Some("a generated column")
            } else if to.columns.last().map(|l| &l.name) != Some(&col.name) {
                Some("a column added before others: row images would no longer line up")
            } else {
                None
            }
        }
        TableChange::AddIndex(i) | TableChange::DropIndex(i) if i.unique => {
            Some("a unique index: nodes would accept different rows")
        }
        TableChange::AddIndex(_)
        | TableChange::DropIndex(_)
        | TableChange::RenameIndex { .. }
        | TableChange::SetComment { .. } => None,
        _ => Some("not a backward-compatible change (only nullable columns added last, non-unique indexes and comments are)"),
    }
}
