//! The hazards a cluster adds to a plan: steps that conflict with
//! queries on PostgreSQL hot standbys, DDL that blocks a Galera cluster
//! under Total Order Isolation, and the reason a plan cannot be applied
//! as a Rolling Schema Upgrade.

use crate::diff::{Change, TableChange};
use crate::migration::Migration;
use crate::plan::{Hazard, HazardKind, Plan};

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
        attach(
            m,
            i,
            Hazard {
                kind,
                message,
                acknowledged: None,
            },
        );
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
    attach(
        m,
        step,
        Hazard {
            kind,
            message,
            acknowledged: None,
        },
    );
}

/// Why the plan cannot run as a Rolling Schema Upgrade, if it cannot:
/// while it rolls, upgraded and not-yet-upgraded nodes replicate rows to
/// each other, so each change must leave a row valid on both schemas —
/// a nullable column added last, an index added or dropped, a comment.
pub fn rsu_refusal(plan: &Plan) -> Option<String> {
    for step in &plan.steps {
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
        TableChange::AddIndex(i)
        | TableChange::DropIndex(i)
        | TableChange::SetIndexComment { to: i, .. }
            if i.unique =>
        {
            Some("a unique index: nodes would accept different rows")
        }
        TableChange::AddIndex(_)
        | TableChange::DropIndex(_)
        | TableChange::SetIndexComment { .. }
        | TableChange::RenameIndex { .. }
        | TableChange::SetComment { .. }
        | TableChange::SetConstraintComment { .. } => None,
        _ => Some("not a backward-compatible change (only nullable columns added last, non-unique indexes and comments are)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::{Phase, Script, Statement};
    use crate::ir::{Column, Index, Name, Table};
    use crate::plan::Step;

    fn alter(changes: Vec<TableChange>, columns: &[&str]) -> Plan {
        let mut to = Table::new(Name::new("items"));
        to.columns = columns.iter().map(|c| Column::new(*c, "text")).collect();
        let change = Change::AlterTable {
            from: Table::new(Name::new("items")),
            to,
            changes,
        };
        Plan {
            steps: vec![Step {
                change,
                hazards: Vec::new(),
            }],
        }
    }

    fn nullable(name: &str) -> Column {
        let mut c = Column::new(name, "text");
        c.nullable = true;
        c
    }

    #[test]
    fn rsu_takes_nullable_columns_added_last_and_plain_indexes() {
        let ok = alter(
            vec![
                TableChange::AddColumn(nullable("note")),
                TableChange::AddIndex(Index::on_columns(Some("i"), &["id"])),
            ],
            &["id", "note"],
        );
        assert_eq!(rsu_refusal(&ok), None);
    }

    #[test]
    fn rsu_refuses_what_old_nodes_cannot_take() {
        let not_null = alter(
            vec![TableChange::AddColumn(Column::new("n", "text"))],
            &["id", "n"],
        );
        assert!(rsu_refusal(&not_null).is_some_and(|w| w.contains("NOT NULL")));
        let before = alter(vec![TableChange::AddColumn(nullable("n"))], &["n", "id"]);
        assert!(rsu_refusal(&before).is_some_and(|w| w.contains("before others")));
        let mut unique = Index::on_columns(Some("u"), &["id"]);
        unique.unique = true;
        let unique = alter(vec![TableChange::AddIndex(unique)], &["id"]);
        assert!(rsu_refusal(&unique).is_some_and(|w| w.contains("unique")));
        let dropped = alter(
            vec![TableChange::DropColumn(Column::new("id", "text"))],
            &[],
        );
        assert!(rsu_refusal(&dropped).is_some_and(|w| w.contains("backward-compatible")));
    }

    #[test]
    fn standby_conflicts_follow_long_locks_onto_their_statements() {
        let mut plan = alter(vec![TableChange::AddColumn(nullable("n"))], &["id", "n"]);
        plan.steps[0].hazards.push(Hazard {
            kind: HazardKind::TableRewrite,
            message: "items is rewritten".into(),
            acknowledged: None,
        });
        plan.steps.push(plan.steps[0].clone());
        plan.steps[1].hazards.clear();
        let st = |step| Statement {
            sql: "ALTER TABLE items".into(),
            step: Some(step),
            hazards: Vec::new(),
        };
        let up = Script {
            phases: vec![Phase {
                transactional: true,
                statements: vec![st(0), st(1)],
            }],
        };
        let mut m = Migration {
            plan: plan.clone(),
            up,
            down: Script::default(),
            rollback: Plan::default(),
        };
        standby_conflicts(&mut m, 2);
        let kinds = |hs: &[Hazard]| {
            hs.iter()
                .filter(|h| h.kind == HazardKind::StandbyConflict)
                .count()
        };
        assert_eq!(kinds(&m.plan.steps[0].hazards), 1);
        assert_eq!(kinds(&m.plan.steps[1].hazards), 0);
        let statements = &m.up.phases[0].statements;
        assert_eq!(kinds(&statements[0].hazards), 1);
        assert_eq!(kinds(&statements[1].hazards), 0);
        assert!(m.plan.steps[0].hazards[1]
            .message
            .contains("2 hot standby(s)"));
    }

    #[test]
    fn galera_toi_goes_on_the_steps_that_alter_an_existing_table() {
        let mut plan = alter(vec![TableChange::AddColumn(nullable("n"))], &["id", "n"]);
        plan.steps.push(Step {
            change: Change::CreateTable(Table::new(Name::new("fresh"))),
            hazards: Vec::new(),
        });
        let st = |step| Statement {
            sql: "ALTER TABLE items".into(),
            step: Some(step),
            hazards: Vec::new(),
        };
        let mut m = Migration {
            plan,
            up: Script {
                phases: vec![Phase {
                    transactional: true,
                    statements: vec![st(0), st(1)],
                }],
            },
            down: Script::default(),
            rollback: Plan::default(),
        };
        // A new table is nobody's to wait for: only the altered one.
        let altered = altered_tables(&m);
        assert_eq!(altered, vec![(0, None, "items".to_string())]);
        for (step, _, table) in altered {
            galera_toi(&mut m, step, &table, (1000, 200 * 1024 * 1024), 3);
        }
        let toi = |hs: &[Hazard]| {
            hs.iter()
                .filter(|h| h.kind == HazardKind::GaleraToi)
                .count()
        };
        assert_eq!(toi(&m.plan.steps[0].hazards), 1);
        assert_eq!(toi(&m.plan.steps[1].hazards), 0);
        assert_eq!(toi(&m.up.phases[0].statements[0].hazards), 1);
        assert_eq!(toi(&m.up.phases[0].statements[1].hazards), 0);
        let message = &m.plan.steps[0].hazards[0].message;
        assert!(message.contains("3-node cluster"), "{message}");
        assert!(message.contains("about 4s"), "{message}");
    }
}
