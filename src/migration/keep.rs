//! `--keep-dropped`: each dropped table is moved aside (renamed, on
//! PostgreSQL into the schema `strata_dropped`) instead of destroyed, and
//! the rollback moves it back, rows, indexes and constraints included,
//! instead of creating it empty.
//!
//! The plans and scripts are emitted as usual first; this rewrites the
//! statements of the drop steps and of the rollback's matching create
//! steps, so that every emitter stays as it is. A kept table's step no
//! longer carries `data-loss` (nothing is lost) but `kept-aside`, which
//! names the cost.

use std::collections::BTreeMap;

use crate::dialect::{Dialect, Script, Statement};
use crate::diff::Change;
use crate::ir::Name;
use crate::plan::{Hazard, HazardKind, Plan};

/// Moves the tables `up` drops aside under names stamped `stamp`, and has
/// `down` move them back.
pub fn keep_dropped(
    dialect: &dyn Dialect,
    stamp: &str,
    (plan_up, up): (&mut Plan, &mut Script),
    (plan_down, down): (&Plan, &mut Script),
) {
    let mut kept: BTreeMap<Name, Name> = BTreeMap::new();
    for (i, step) in plan_up.steps.iter_mut().enumerate() {
        let Change::DropTable(t) = &step.change else {
            continue;
        };
        let aside = dialect.kept_name(&t.name, stamp);
        let hazard = Hazard {
            kind: HazardKind::KeptAside,
            message: format!(
                "table `{}` is kept as `{aside}` with its rows, indexes and constraints \
                 (disk stays in use until `strata gc`)",
                t.name
            ),
        };
        step.hazards.retain(|h| h.kind != HazardKind::DataLoss);
        step.hazards.push(hazard);
        replace_step(up, i, dialect.move_table(&t.name, &aside));
        kept.insert(t.name.clone(), aside);
    }
    for (i, step) in plan_down.steps.iter().enumerate() {
        if let Change::CreateTable(t) = &step.change {
            if let Some(aside) = kept.get(&t.name) {
                replace_step(down, i, dialect.move_table(aside, &t.name));
            }
        }
    }
}

/// Puts `sql` where the statements of step `step` were: at the place of
/// its first statement, in that statement's phase; its other statements
/// (indexes, comments, keys of the table made anew) go, since a moved
/// table keeps them.
fn replace_step(script: &mut Script, step: usize, sql: Vec<String>) {
    let mut first = None;
    for (p, phase) in script.phases.iter_mut().enumerate() {
        if first.is_none() {
            if let Some(s) = phase.statements.iter().position(|st| st.step == Some(step)) {
                first = Some((p, s));
            }
        }
        phase.statements.retain(|st| st.step != Some(step));
    }
    let Some((p, s)) = first else {
        return;
    };
    let statements = sql.into_iter().map(|sql| Statement {
        sql,
        step: Some(step),
        hazards: Vec::new(),
    });
    script.phases[p].statements.splice(s..s, statements);
}
