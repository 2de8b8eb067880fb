//! `--keep-dropped`: each dropped table is moved aside (renamed, on
//! PostgreSQL into the schema `strata_dropped`) instead of destroyed, and
//! the rollback moves it back, rows, indexes and constraints included,
//! instead of creating it empty.
//!
//! A dropped column of a table with a primary key is copied with the key
//! into a kept table of its own (`<table>_<column>__dropped_<stamp>`)
//! before it is dropped, and the rollback's re-added column carries a
//! `backfill` that reads it back by key: the emitters' backfill (add
//! nullable, fill, then NOT NULL) restores the values. Copying was chosen
//! over renaming the whole table aside and re-creating it: the table
//! keeps its identity (foreign keys to it, grants, sequences, the rows
//! other columns hold stay where they are), and only the lost values move.
//!
//! The plans and scripts are emitted as usual first; this rewrites the
//! statements of the drop steps and of the rollback's matching create
//! steps, so that every emitter stays as it is. A kept table's step no
//! longer carries `data-loss` (nothing is lost) but `kept-aside`, which
//! names the cost.

use std::collections::BTreeMap;

use crate::dialect::{Dialect, Script, Statement};
use crate::diff::{Change, TableChange};
use crate::ir::{Expr, Name, Table};
use crate::plan::{Hazard, HazardKind, Plan};

/// Statements by step: to run before a step of the forward plan (the
/// copies), and after a step of the rollback (the copies dropped once
/// read back).
#[derive(Debug, Default)]
pub struct Copies {
    before_up: BTreeMap<usize, Vec<String>>,
    after_down: BTreeMap<usize, Vec<String>>,
}

/// Before the scripts are emitted: for each column the forward plan drops
/// from a table with a primary key (not part of it), the statements that
/// copy it aside with the key (returned by step), its `data-loss` turned
/// into `kept-aside`, and the rollback's re-added column filled back from
/// the copy.
pub fn keep_columns(
    dialect: &dyn Dialect,
    stamp: &str,
    plan_up: &mut Plan,
    plan_down: &mut Plan,
) -> Copies {
    let mut copies = Copies::default();
    let mut restore: BTreeMap<(Name, String), (Name, Vec<String>)> = BTreeMap::new();
    for (i, step) in plan_up.steps.iter_mut().enumerate() {
        let Change::AlterTable { from, changes, .. } = &step.change else {
            continue;
        };
        let Some(pk) = &from.primary_key else {
            continue;
        };
        for ch in changes {
            let TableChange::DropColumn(c) = ch else {
                continue;
            };
            if pk.columns.contains(&c.name) {
                continue;
            }
            let aside = dialect.kept_name(
                &Name {
                    schema: from.name.schema.clone(),
                    name: format!("{}_{}", from.name.name, c.name),
                },
                stamp,
            );
            let sql = copy_sql(dialect, from, &pk.columns, &c.name, &aside);
            copies.before_up.entry(i).or_default().extend(sql);
            step.hazards
                .retain(|h| !(h.kind == HazardKind::DataLoss && names(h, &c.name)));
            step.hazards.push(Hazard {
                kind: HazardKind::KeptAside,
                message: format!(
                    "column `{}.{}` is dropped, its values kept with the key in `{aside}` (disk stays in use until `strata gc`)",
                    from.name, c.name
                ),
                acknowledged: None,
            });
            restore.insert(
                (from.name.clone(), c.name.clone()),
                (aside, pk.columns.clone()),
            );
        }
    }
    for (i, step) in plan_down.steps.iter_mut().enumerate() {
        let mut refilled = Vec::new();
        if let Change::AlterTable { to, changes, .. } = &mut step.change {
            for ch in changes.iter_mut() {
                if let TableChange::AddColumn(c) = ch {
                    if let Some((aside, pk)) = restore.get(&(to.name.clone(), c.name.clone())) {
                        let fill = fill_back(dialect, &to.name, &c.name, aside, pk);
                        c.backfill = Some(fill.clone());
                        fill_in(to, &c.name, fill);
                        let drop = format!("DROP TABLE {}", dialect.quote_name(aside));
                        copies.after_down.entry(i).or_default().push(drop);
                        refilled.push((to.name.clone(), c.name.clone(), c.nullable, aside.clone()));
                    }
                }
            }
        }
        for (table, column, nullable, aside) in refilled {
            refilled_hazard(&mut step.hazards, &table, &column, nullable, &aside);
        }
    }
    copies
}

/// The rollback's column filled back from its kept copy: the hazards
/// planned for a bare NOT NULL column ("fails if the table has rows")
/// are wrong, as every row that was there gets its value back; only a
/// row inserted since the drop has none.
fn refilled_hazard(
    hazards: &mut Vec<Hazard>,
    table: &Name,
    column: &str,
    nullable: bool,
    aside: &Name,
) {
    hazards.retain(|h| !(h.kind == HazardKind::MayFail && names(h, column)));
    if nullable {
        return;
    }
    hazards.push(Hazard {
        kind: HazardKind::MayFail,
        message: format!(
            "column `{table}.{column}` is added back NOT NULL and filled from its kept copy `{aside}`: only a row inserted since the drop (it has no kept value) makes it fail"
        ),
        acknowledged: None,
    });
}

/// Whether a hazard's message names the column `column` (in backquotes).
fn names(h: &Hazard, column: &str) -> bool {
    h.message.contains(&format!(".{column}`"))
}

/// The column `column` of `table` gets `fill` as its backfill (a
/// rebuild reads the target table's columns).
fn fill_in(table: &mut Table, column: &str, fill: Expr) {
    if let Some(c) = table.columns.iter_mut().find(|c| c.name == column) {
        c.backfill = Some(fill);
    }
}

/// `CREATE TABLE <aside> AS SELECT <key…>, <column> FROM <table>`, after
/// the kept tables' namespace where it is another one.
fn copy_sql(
    dialect: &dyn Dialect,
    table: &Table,
    key: &[String],
    column: &str,
    aside: &Name,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(ns) = aside
        .schema
        .as_deref()
        .filter(|_| aside.schema != table.name.schema)
    {
        out.push(format!(
            "CREATE SCHEMA IF NOT EXISTS {}",
            dialect.quote_ident(ns)
        ));
    }
    let cols: Vec<String> = key
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(column))
        .map(|c| dialect.quote_ident(c))
        .collect();
    out.push(format!(
        "CREATE TABLE {} AS SELECT {} FROM {}",
        dialect.quote_name(aside),
        cols.join(", "),
        dialect.quote_name(&table.name)
    ));
    out
}

/// The value of `column` for a row of `table`, read back from the copy
/// by key: a correlated subquery every dialect's `UPDATE` and SQLite's
/// rebuild `SELECT` accept.
fn fill_back(
    dialect: &dyn Dialect,
    table: &Name,
    column: &str,
    aside: &Name,
    key: &[String],
) -> Expr {
    let k = dialect.quote_name(aside);
    let t = dialect.quote_ident(&table.name);
    let on: Vec<String> = key
        .iter()
        .map(|p| {
            let p = dialect.quote_ident(p);
            format!("{k}.{p} = {t}.{p}")
        })
        .collect();
    Expr::new(format!(
        "SELECT {k}.{} FROM {k} WHERE {}",
        dialect.quote_ident(column),
        on.join(" AND ")
    ))
}

/// Moves the tables `up` drops aside under names stamped `stamp`, and has
/// `down` move them back.
pub fn keep_dropped(
    dialect: &dyn Dialect,
    stamp: &str,
    (plan_up, up): (&mut Plan, &mut Script),
    (plan_down, down): (&mut Plan, &mut Script),
    copies: Copies,
) {
    for (step, sql) in copies.before_up {
        insert_before(up, step, sql);
    }
    for (step, sql) in copies.after_down {
        insert_after(down, step, sql);
    }
    let mut kept: BTreeMap<Name, Vec<String>> = BTreeMap::new();
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
            acknowledged: None,
        };
        step.hazards.retain(|h| h.kind != HazardKind::DataLoss);
        step.hazards.push(hazard);
        let moves = dialect.keep_table(t, &aside, stamp);
        replace_step(up, i, moves.aside);
        kept.insert(t.name.clone(), moves.back);
    }
    for (i, step) in plan_down.steps.iter_mut().enumerate() {
        if let Change::CreateTable(t) = &step.change {
            if let Some(back) = kept.remove(&t.name) {
                replace_step(down, i, back);
                // Moved back with its rows: the rollback loses nothing.
                step.hazards
                    .retain(|h| h.kind != HazardKind::RollbackLosesData);
            }
        }
    }
}

/// Puts `sql` before the first statement of step `step`, and takes the
/// `data-loss` the emitter put on its statements for the columns it kept.
fn insert_before(script: &mut Script, step: usize, sql: Vec<String>) {
    let Some((p, s)) = script.phases.iter().enumerate().find_map(|(p, phase)| {
        phase
            .statements
            .iter()
            .position(|st| st.step == Some(step))
            .map(|s| (p, s))
    }) else {
        return;
    };
    for phase in &mut script.phases {
        for st in phase
            .statements
            .iter_mut()
            .filter(|st| st.step == Some(step))
        {
            st.hazards.retain(|h| h.kind != HazardKind::DataLoss);
        }
    }
    let statements = sql.into_iter().map(|sql| Statement {
        sql,
        step: Some(step),
        hazards: Vec::new(),
    });
    script.phases[p].statements.splice(s..s, statements);
}

/// Puts `sql` after the last statement of step `step`, in its phase.
fn insert_after(script: &mut Script, step: usize, sql: Vec<String>) {
    let last = script
        .phases
        .iter()
        .enumerate()
        .rev()
        .find_map(|(p, phase)| {
            phase
                .statements
                .iter()
                .rposition(|st| st.step == Some(step))
                .map(|s| (p, s))
        });
    let Some((p, s)) = last else {
        return;
    };
    let statements = sql.into_iter().map(|sql| Statement {
        sql,
        step: Some(step),
        hazards: Vec::new(),
    });
    script.phases[p].statements.splice(s + 1..s + 1, statements);
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
