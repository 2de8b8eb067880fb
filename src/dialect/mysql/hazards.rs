//! MySQL's hazards of a change: table copies, index builds, values that
//! may not convert, and (online) what cannot run without blocking writes.
//! They come from the costs [`super::alter::layout`] gives each clause of
//! the statements it lays out, and from how those clauses share a
//! statement; no SQL is written here. The emitter puts the very same
//! hazards on its statements ([`statement`]), so what the planner is told
//! is what the script says.

use super::alter::{self, Algo, Clause, Statement};
use super::quote;
use crate::dialect::EmitOptions;
use crate::diff::{Change, TableChange};
use crate::plan::{Hazard, HazardKind};

/// Hazards of a whole change, for the planner. Only a change to a table
/// has any; one the emitter refuses (an exclusion constraint) has none.
pub fn hazards(change: &Change, options: &EmitOptions) -> Vec<Hazard> {
    let Change::AlterTable { from, to, changes } = change else {
        return Vec::new();
    };
    let refused = changes.iter().any(|c| {
        matches!(
            c,
            TableChange::AddExclusion(_) | TableChange::DropExclusion(_)
        )
    });
    if refused {
        return Vec::new();
    }
    let table = quote::name(&to.name);
    let mut out: Vec<Hazard> = Vec::new();
    for s in alter::layout(from, to, changes) {
        if let Statement::Alter(clauses) = s {
            for h in statement(&table, &clauses, options.online) {
                if !out.contains(&h) {
                    out.push(h);
                }
            }
        }
    }
    out
}

/// The hazards of one `ALTER TABLE` of merged clauses on `table` (its
/// quoted name): each clause's own, and what the statement as a whole
/// costs. In online mode the least algorithm every clause allows is
/// requested, so that the server refuses rather than silently locking; a
/// clause that needs COPY, or a FULLTEXT/SPATIAL build, blocks writes.
pub(super) fn statement(table: &str, clauses: &[Clause<'_>], online: bool) -> Vec<Hazard> {
    let mut hazards: Vec<Hazard> = Vec::new();
    for c in clauses {
        for h in &c.hazards {
            if !hazards.contains(h) {
                hazards.push(h.clone());
            }
        }
    }
    let algo = alter::algorithm(clauses);
    let why = || {
        clauses
            .iter()
            .filter(|c| c.algo == Algo::Copy)
            .filter_map(|c| c.why.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    if online {
        match algo {
            Algo::Instant | Algo::Inplace => {}
            Algo::InplaceShared => hazards.push(Hazard {
                kind: HazardKind::AccessExclusiveLock,
                message: format!(
                    "a FULLTEXT or SPATIAL index build on {table} blocks writes while it runs"
                ),
                acknowledged: None,
            }),
            Algo::Copy => hazards.push(Hazard {
                kind: HazardKind::AccessExclusiveLock,
                message: format!(
                    "cannot run online: {}; writes to {table} wait until it ends",
                    why()
                ),
                acknowledged: None,
            }),
        }
    } else if algo == Algo::Copy && !hazards.iter().any(|h| h.kind == HazardKind::TableRewrite) {
        hazards.push(Hazard {
            kind: HazardKind::TableRewrite,
            message: why(),
            acknowledged: None,
        });
    }
    hazards
}
