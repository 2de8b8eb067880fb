//! The one place the stages meet: normalize both schemas with the
//! dialect, diff them, plan both directions, add the dialect's hazards,
//! emit both scripts. Every stage below knows only its own input; this
//! module (like `prove`, which runs it a second time on a scratch
//! database) is what composes them.

use crate::dialect::{Dialect, EmitError, EmitOptions, Script};
use crate::diff::{diff, Change};
use crate::ir::Schema;
use crate::plan::{self, hazard, Hazard, Plan};

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
    /// The migration without the hazards the policy turns off: in the
    /// plans and on the statements of both scripts.
    pub fn apply_policy(&mut self, policy: &plan::hazard::policy::Policy) {
        policy.filter(&mut self.plan);
        policy.filter(&mut self.rollback);
        for script in [&mut self.up, &mut self.down] {
            for phase in &mut script.phases {
                for st in &mut phase.statements {
                    st.hazards.retain(|h| policy.shows(h));
                }
            }
        }
    }

    /// Every hazard of the forward plan that is refused without
    /// `--allow-destructive`: the schema's acknowledgements aside.
    pub fn destructive(&self) -> Vec<&Hazard> {
        self.plan
            .steps
            .iter()
            .flat_map(|s| &s.hazards)
            .filter(|h| h.kind.is_destructive() && h.acknowledged.is_none())
            .collect()
    }

    /// Marks the forward plan's hazards the schema acknowledges, on its
    /// steps and on the statements that carry them; the acknowledgements
    /// that matched nothing. The rollback is not the schema's to accept.
    pub fn acknowledge<'a>(
        &mut self,
        acks: &'a [crate::ir::Acknowledgement],
    ) -> Vec<&'a crate::ir::Acknowledgement> {
        let mut unmatched = plan::hazard::ack::mark(&mut self.plan, acks);
        let rollback_matched = self.acknowledge_rollback_losses(acks);
        unmatched.retain(|a| !rollback_matched.iter().any(|m| std::ptr::eq(*m, *a)));
        for st in self.up.phases.iter_mut().flat_map(|p| &mut p.statements) {
            let Some(step) = st.step.and_then(|i| self.plan.steps.get(i)) else {
                continue;
            };
            for h in &mut st.hazards {
                h.acknowledged = step
                    .hazards
                    .iter()
                    .find(|s| s.kind == h.kind && s.message == h.message)
                    .and_then(|s| s.acknowledged.clone())
                    .or_else(|| {
                        acks.iter()
                            .find(|a| plan::hazard::ack::accepts(a, h))
                            .map(|a| a.reason.clone())
                    });
            }
        }
        unmatched
    }
}

impl Migration {
    /// The rollback's `rollback-loses-data` hazards: what undoing the
    /// plan cannot bring back is the forward plan's to answer for, so
    /// the policy and acknowledgements judge them with its hazards
    /// (docs/hazards/rollback-loses-data.md).
    pub fn rollback_losses(&self) -> impl Iterator<Item = &Hazard> {
        self.rollback
            .steps
            .iter()
            .flat_map(|s| &s.hazards)
            .filter(|h| h.kind == plan::HazardKind::RollbackLosesData)
    }

    /// Marks the rollback's `rollback-loses-data` hazards (only those: the
    /// rest of the rollback is not the schema's to accept) an
    /// acknowledgement accepts, on its steps and its statements; the
    /// acknowledgements that matched one.
    fn acknowledge_rollback_losses<'a>(
        &mut self,
        acks: &'a [crate::ir::Acknowledgement],
    ) -> Vec<&'a crate::ir::Acknowledgement> {
        let mut matched = Vec::new();
        let steps = self.rollback.steps.iter_mut().flat_map(|s| &mut s.hazards);
        let statements = self
            .down
            .phases
            .iter_mut()
            .flat_map(|p| &mut p.statements)
            .flat_map(|st| &mut st.hazards);
        for h in steps.chain(statements) {
            if h.kind != plan::HazardKind::RollbackLosesData {
                continue;
            }
            if let Some(a) = acks.iter().find(|a| plan::hazard::ack::accepts(a, h)) {
                h.acknowledged = Some(a.reason.clone());
                matched.push(a);
            }
        }
        matched
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
    let (from_n, to_n) = normalize_both(from, to, dialect);
    normalized(from_n, to_n, dialect, options)
}

/// Both schemas normalized, each on a thread of its own: normalizing is
/// pure and, at thousands of tables, the larger part of `diff`'s CPU work.
fn normalize_both(from: &Schema, to: &Schema, dialect: &dyn Dialect) -> (Schema, Schema) {
    std::thread::scope(|s| {
        let other = s.spawn(|| dialect.normalize(to));
        let from_n = dialect.normalize(from);
        let to_n = other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (from_n, to_n)
    })
}

/// [`migration`] of schemas the caller no longer needs: each is
/// normalized in place (no clone), both at once on two threads, so that
/// two whole schemas are alive at a time rather than four (at 5,000
/// tables, tens of MB of peak memory and the time of two deep copies:
/// docs/performance.md).
pub fn migration_of(
    from: Schema,
    to: Schema,
    dialect: &dyn Dialect,
    options: &EmitOptions,
) -> Result<Migration, EmitError> {
    let (from_n, to_n) = std::thread::scope(|s| {
        let other = s.spawn(|| dialect.normalize_owned(to));
        let from_n = dialect.normalize_owned(from);
        let to_n = other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (from_n, to_n)
    });
    normalized(from_n, to_n, dialect, options)
}

fn normalized(
    mut from: Schema,
    mut to: Schema,
    dialect: &dyn Dialect,
    options: &EmitOptions,
) -> Result<Migration, EmitError> {
    dialect.pair(&mut from, &mut to);
    keep_unmodeled(&from, &mut to);
    let (forward, back) = plan::directions(diff(&from, &to), &from, &to, dialect);
    let mut plan_up = plan_for(forward, dialect, options, recorded(&from, &to));
    let mut plan_down = plan_for(back, dialect, options, recorded(&to, &from));
    if let Some(d) = from.dialect {
        left_alone::check(&plan_up, &from, d)?;
        left_alone::check(&plan_down, &from, d)?;
    }
    unmodeled::check(&plan_up, &from)?;
    unmodeled::check(&plan_down, &to)?;
    // Only the forward plan runs on the database whose definitions hold
    // them; what the rollback rebuilds, the plan made from the model.
    rebuilt::check(&plan_up, &from, dialect)?;
    hazard::row_security::check(&mut plan_up, &to);
    hazard::row_security::check(&mut plan_down, &from);
    let copies = match &options.keep_dropped {
        Some(stamp) => keep::keep_columns(dialect, stamp, &mut plan_up, &mut plan_down),
        None => keep::Copies::default(),
    };
    rollback_losses(&mut plan_down, dialect, options);
    let mut up = dialect.emit(&plan_up, options)?;
    let mut down = dialect.emit(&plan_down, options)?;
    if let Some(stamp) = &options.keep_dropped {
        keep::keep_dropped(
            dialect,
            stamp,
            (&mut plan_up, &mut up),
            (&mut plan_down, &mut down),
            copies,
        );
    }
    if dialect.kind() == crate::ir::DialectKind::Sqlite {
        // Each script's check runs on the schema it leaves behind.
        crate::dialect::sqlite::emit::narrow_fk_guard(&mut up, &to);
        crate::dialect::sqlite::emit::narrow_fk_guard(&mut down, &from);
    }
    attach_step_hazards(&plan_up, &mut up);
    attach_step_hazards(&plan_down, &mut down);
    Ok(Migration {
        plan: plan_up,
        up,
        down,
        rollback: plan_down,
    })
}

/// A view that keeps its name keeps what the database holds on it and
/// strata does not model: both directions make it anew with it. (The
/// server prints a rule with its view's name, so a renamed view cannot.)
fn keep_unmodeled(from: &Schema, to: &mut Schema) {
    for v in to.views.values_mut() {
        if let Some(f) = from.views.get(&v.name) {
            if v.unmodeled.is_empty() {
                v.unmodeled = f.unmodeled.clone();
            }
        }
    }
}

/// The plan of `changes` for the dialect, each step with every hazard:
/// the dialect-free ones the planner found, then the dialect's own.
/// The server's records of two schemas, for a plan from `old` to `new`;
/// none for a schema read from files.
fn recorded<'a>(old: &'a Schema, new: &'a Schema) -> plan::Recorded<'a> {
    fn of(s: &Schema) -> Option<&crate::ir::Depends> {
        Some(&s.depends).filter(|d| !d.is_empty())
    }
    plan::Recorded {
        old: of(old),
        new: of(new),
    }
}

fn plan_for(
    changes: Vec<Change>,
    dialect: &dyn Dialect,
    options: &EmitOptions,
    recorded: plan::Recorded,
) -> Plan {
    let mut plan = plan::plan_recorded(changes, dialect, recorded);
    for step in &mut plan.steps {
        let free = std::mem::take(&mut step.hazards);
        step.hazards = hazard::merge(free, dialect.hazards(&step.change, options));
    }
    plan
}

/// Each step of the rollback gets the `rollback-loses-data` hazards of
/// what it cannot undo ([`hazard::rollback`]): judged against the
/// data-loss hazards of the forward change it reverses, the planner's
/// and the dialect's. Runs after `--keep-dropped` filled back the columns
/// it kept, so that those carry none.
fn rollback_losses(plan: &mut Plan, dialect: &dyn Dialect, options: &EmitOptions) {
    for step in &mut plan.steps {
        let forward = step.change.reverse();
        let losses: Vec<Hazard> =
            hazard::merge(hazard::check(&forward), dialect.hazards(&forward, options))
                .into_iter()
                .filter(|h| h.kind.is_destructive())
                .collect();
        let found = hazard::rollback::check(&step.change, &losses);
        if !found.is_empty() {
            step.hazards.extend(found);
            step.hazards.sort();
            step.hazards.dedup();
        }
    }
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
            let concerns = |&&(p, s): &&(usize, usize)| {
                hazard::concerns(&h, &script.phases[p].statements[s].sql)
            };
            let fits =
                |&&(p, s): &&(usize, usize)| hazard::fits(&h, &script.phases[p].statements[s].sql);
            // A key dropped and added again names the key twice: the
            // hazard goes on the statement that can carry it (a drop
            // cannot fail on the rows), else on the first naming it.
            let place = places
                .iter()
                .find(|at| concerns(at) && fits(at))
                .or_else(|| places.iter().find(concerns))
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

mod keep;
mod left_alone;
mod rebuilt;
pub mod saved;
#[cfg(test)]
mod tests;
mod unmodeled;
