//! Order changes on a dependency graph and attach their hazards. The plan
//! says what happens in which order; it never writes SQL text.
//!
//! - [`deps`]: what each change provides, removes and leans on;
//! - [`order`]: the petgraph graph, foreign-key cycles detached, a stable
//!   topological sort;
//! - [`dependents`]: unchanged views and triggers dropped and recreated
//!   around changes that would break them;
//! - [`pinned_keys`]: foreign keys dropped and added back around changes
//!   to the columns they use, where the dialect requires it;
//! - [`refs`]: the identifier scanner that finds what a SQL body mentions;
//! - [`hazard`]: the dialect-free hazard rules, one per file.

mod dependents;
mod deps;
mod describe;
pub mod hazard;
mod order;
mod pinned_keys;
mod positions;
pub mod refs;

use serde::Serialize;

use crate::diff::Change;

pub(crate) use describe::attribute_words;
pub use describe::{describe, domain_details};

/// An ordered list of steps; executing them in order is the migration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub change: Change,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hazards: Vec<Hazard>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Hazard {
    pub kind: HazardKind,
    /// One sentence a reviewer can act on, naming the object.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardKind {
    /// Rows or values are lost: dropped table or column, narrowing type.
    /// Refused unless the user allows destructive changes.
    DataLoss,
    /// The table is copied into a new one (SQLite rebuild).
    TableRebuild,
    /// The server rewrites the whole table in place.
    TableRewrite,
    /// Readers and writers are blocked while the statement runs.
    AccessExclusiveLock,
    /// An index is built; long on big tables.
    IndexBuild,
    /// Cannot run inside a transaction; runs on its own after it.
    NotTransactional,
    /// Existing rows may violate the new rule and make the statement fail.
    MayFail,
    /// Roles lose access they had: row-level security enabled on a table
    /// without a policy lets no rows through for anyone but its owner.
    LocksOut,
}

impl HazardKind {
    pub fn as_str(self) -> &'static str {
        match self {
            HazardKind::DataLoss => "data_loss",
            HazardKind::TableRebuild => "table_rebuild",
            HazardKind::TableRewrite => "table_rewrite",
            HazardKind::AccessExclusiveLock => "access_exclusive_lock",
            HazardKind::IndexBuild => "index_build",
            HazardKind::NotTransactional => "not_transactional",
            HazardKind::MayFail => "may_fail",
            HazardKind::LocksOut => "locks_out",
        }
    }

    /// Whether the change is refused without `--allow-destructive`.
    pub fn is_destructive(self) -> bool {
        self == HazardKind::DataLoss
    }
}

use crate::dialect::{Dialect, EmitError, EmitOptions, Script};
use crate::diff::diff;
use crate::ir::Schema;

/// Orders changes for a dialect and attaches every hazard: the
/// dialect-free ones ([`hazard`]) and the dialect's own.
///
/// Ordering is a dependency graph (see [`order`]): namespaces, extensions,
/// types and sequences before what uses them; a referenced table before
/// the table that references it (foreign-key cycles detached into
/// `AlterTable` steps that add the keys afterwards, unless the dialect
/// resolves foreign keys lazily); drops in reverse; views and triggers
/// after what they read. Ties keep a fixed order, so the same changes
/// always give the same plan.
pub fn plan(changes: Vec<Change>, dialect: &dyn Dialect, options: &EmitOptions) -> Plan {
    let caps = dialect.capabilities();
    let changes = dependents::split_entangled_views(changes, &caps);
    let steps = order::order(changes, &caps)
        .into_iter()
        .map(|change| {
            let hazards = hazard::merge(hazard::check(&change), dialect.hazards(&change, options));
            Step { change, hazards }
        })
        .collect();
    Plan { steps }
}

/// Everything a migration between two schemas needs: the ordered plan, the
/// SQL that applies it, and the SQL that undoes it (the plan of the
/// reversed changes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub plan: Plan,
    pub up: Script,
    pub down: Script,
    /// The plan `down` was emitted from, with its own hazards (undoing an
    /// added column drops it).
    pub rollback: Plan,
}

impl Migration {
    /// Every hazard of the forward plan that is refused without
    /// `--allow-destructive`.
    pub fn destructive(&self) -> Vec<&Hazard> {
        self.plan
            .steps
            .iter()
            .flat_map(|s| &s.hazards)
            .filter(|h| h.kind.is_destructive())
            .collect()
    }
}

/// Normalizes both schemas with the dialect, diffs, plans and emits both
/// directions. The rollback is planned from the reversed changes, so it
/// needs no second look at the database.
pub fn migration(
    from: &Schema,
    to: &Schema,
    dialect: &dyn Dialect,
    options: &EmitOptions,
) -> Result<Migration, EmitError> {
    let from = dialect.normalize(from);
    let to = dialect.normalize(to);
    let mut changes = diff(&from, &to);
    if !dialect.capabilities().move_columns {
        positions::ignore_column_order(&mut changes);
    }
    let mut back: Vec<Change> = changes.iter().map(Change::reverse).collect();
    let mut forward = changes;
    let caps = dialect.capabilities();
    pinned_keys::unpin_foreign_keys(&mut forward, &from, &to, &caps);
    pinned_keys::unpin_foreign_keys(&mut back, &to, &from, &caps);
    dependents::recreate_dependents(&mut forward, &from, &to, dialect);
    dependents::recreate_dependents(&mut back, &to, &from, dialect);

    let mut plan_up = plan(forward, dialect, options);
    let mut plan_down = plan(back, dialect, options);
    hazard::row_security::check(&mut plan_up, &to);
    hazard::row_security::check(&mut plan_down, &from);
    let mut up = dialect.emit(&plan_up, options)?;
    let mut down = dialect.emit(&plan_down, options)?;
    attach_step_hazards(&plan_up, &mut up);
    attach_step_hazards(&plan_down, &mut down);
    Ok(Migration {
        plan: plan_up,
        up,
        down,
        rollback: plan_down,
    })
}

/// Makes sure every hazard of a step shows on one of its statements: an
/// emitter may put a hazard on the exact statement it concerns; any it did
/// not place goes on the first statement naming the hazard's object, or
/// else on the step's first statement.
pub fn attach_step_hazards(plan: &Plan, script: &mut Script) {
    use std::collections::BTreeMap;
    // Statement positions by step, so that large plans stay linear.
    let mut by_step: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    for (p, phase) in script.phases.iter().enumerate() {
        for (s, st) in phase.statements.iter().enumerate() {
            if let Some(i) = st.step {
                by_step.entry(i).or_default().push((p, s));
            }
        }
    }
    for (i, step) in plan.steps.iter().enumerate() {
        if step.hazards.is_empty() {
            continue;
        }
        let Some(places) = by_step.get(&i) else {
            continue;
        };
        // An emitter's own copy of a dialect-free hazard is said once.
        let free = hazard::check(&step.change);
        for &(p, s) in places {
            script.phases[p].statements[s]
                .hazards
                .retain(|h| !hazard::repeats(h, &free));
        }
        let missing: Vec<Hazard> = step
            .hazards
            .iter()
            .filter(|h| {
                !places
                    .iter()
                    .any(|&(p, s)| script.phases[p].statements[s].hazards.contains(h))
            })
            .cloned()
            .collect();
        for h in missing {
            let place = places
                .iter()
                .find(|&&(p, s)| hazard::concerns(&h, &script.phases[p].statements[s].sql))
                .or(places.first());
            if let Some(&(p, s)) = place {
                let st = &mut script.phases[p].statements[s];
                st.hazards.push(h);
                st.hazards.sort();
                st.hazards.dedup();
            }
        }
    }
}

#[cfg(test)]
mod tests;
