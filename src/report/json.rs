//! The plan as JSON: a stable, versioned shape for other tools (CI bots,
//! dashboards). docs/json.md documents it; a change to the shape that can
//! break a reader bumps `version`.

use std::collections::BTreeMap;

use serde::Serialize;

use super::describe::{describe, Action, Detail, Object};
use crate::dialect::Script;
use crate::ir::DialectKind;
use crate::migration::Migration;
use crate::plan::HazardKind;

/// The version of the shape below.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    pub version: u32,
    pub dialect: DialectKind,
    pub summary: Summary,
    /// Statements that belong to no change (session settings, pragmas).
    pub setup: Statements,
    /// In plan order: applying them in this order is the migration.
    pub changes: Vec<ChangeEntry>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub changes: usize,
    /// Changes per action: `added`, `altered`, `dropped`, `renamed`.
    pub actions: BTreeMap<&'static str, usize>,
    /// Hazards per kind (`data_loss`, `table_rewrite`, …).
    pub hazards: BTreeMap<&'static str, usize>,
    /// Some change loses data: `apply` refuses it without `--allow-destructive`.
    pub destructive: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Statements {
    pub up: Vec<JsonStatement>,
    pub rollback: Vec<JsonStatement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonStatement {
    /// One statement, without its trailing `;`.
    pub sql: String,
    /// False for a statement that runs outside any transaction
    /// (e.g. `CREATE INDEX CONCURRENTLY`).
    pub transactional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeEntry {
    /// Position in the plan, from 0.
    pub step: usize,
    pub kind: &'static str,
    pub object: Object,
    pub action: Action,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Detail>,
    pub hazards: Vec<JsonHazard>,
    pub up: Vec<JsonStatement>,
    pub rollback: Vec<JsonStatement>,
    /// Hazards of undoing this change (undoing an added column drops it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rollback_hazards: Vec<JsonHazard>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JsonHazard {
    pub kind: HazardKind,
    /// The hazard rule's id (docs/hazards/<rule>.md, `[hazards]` in strata.toml).
    pub rule: &'static str,
    pub message: String,
    /// Refused unless destructive changes are allowed.
    pub destructive: bool,
    /// The reason of the schema's `acknowledge` that accepts it: shown,
    /// never refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<String>,
}

/// The document for a migration.
pub fn document(migration: &Migration, dialect: DialectKind) -> Document {
    let up = by_step(&migration.up);
    let down = by_step(&migration.down);
    let undoes = rollback_owners(migration);
    let mut rollback_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut rollback_setup: Vec<JsonStatement> = down.get(&None).cloned().unwrap_or_default();
    for (r, owner) in undoes.iter().enumerate() {
        match owner {
            Some(i) => rollback_of.entry(*i).or_default().push(r),
            None => rollback_setup.extend(down.get(&Some(r)).cloned().unwrap_or_default()),
        }
    }
    let mut summary = Summary::default();
    let mut changes = Vec::with_capacity(migration.plan.steps.len());
    for (i, step) in migration.plan.steps.iter().enumerate() {
        let d = describe(&step.change);
        *summary.actions.entry(d.action.as_str()).or_default() += 1;
        for h in &step.hazards {
            *summary.hazards.entry(h.kind.as_str()).or_default() += 1;
            summary.destructive |= h.kind.is_destructive();
        }
        changes.push(ChangeEntry {
            step: i,
            kind: d.kind,
            object: d.object,
            action: d.action,
            renamed_from: d.renamed_from,
            details: d.details,
            hazards: step.hazards.iter().map(json_hazard).collect(),
            up: up.get(&Some(i)).cloned().unwrap_or_default(),
            rollback: rollback_of
                .get(&i)
                .into_iter()
                .flatten()
                .flat_map(|r| down.get(&Some(*r)).cloned().unwrap_or_default())
                .collect(),
            rollback_hazards: rollback_of
                .get(&i)
                .into_iter()
                .flatten()
                .filter_map(|r| migration.rollback.steps.get(*r))
                .flat_map(|s| s.hazards.iter().map(json_hazard))
                .collect(),
        });
    }
    summary.changes = changes.len();
    Document {
        version: VERSION,
        dialect,
        summary,
        setup: Statements {
            up: up.get(&None).cloned().unwrap_or_default(),
            rollback: rollback_setup,
        },
        changes,
    }
}

/// The migration as pretty-printed JSON, ending with a newline.
pub fn render(migration: &Migration, dialect: DialectKind) -> String {
    // Serializing plain structs, string-keyed maps and strings cannot fail.
    let mut s = serde_json::to_string_pretty(&document(migration, dialect))
        .unwrap_or_else(|e| format!("{{\"version\": {VERSION}, \"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

fn json_hazard(h: &crate::plan::Hazard) -> JsonHazard {
    JsonHazard {
        kind: h.kind,
        rule: h.kind.id(),
        message: h.message.clone(),
        destructive: h.kind.is_destructive(),
        acknowledged: h.acknowledged.clone(),
    }
}

/// For each step of the rollback plan, the forward step it undoes: the one
/// whose reverse it is, else the one about the same object (a rename is
/// matched by either name). Steps that undo no single forward step (views
/// recreated around a change) have `None`.
pub fn rollback_owners(migration: &Migration) -> Vec<Option<usize>> {
    let forward: Vec<_> = migration
        .plan
        .steps
        .iter()
        .map(|s| (s.change.reverse(), describe(&s.change)))
        .collect();
    migration
        .rollback
        .steps
        .iter()
        .map(|r| {
            if let Some(i) = forward.iter().position(|(rev, _)| *rev == r.change) {
                return Some(i);
            }
            let d = describe(&r.change);
            let name = d.object.display();
            forward.iter().position(|(_, f)| {
                f.object.kind == d.object.kind
                    && (f.object == d.object
                        || f.renamed_from.as_deref() == Some(name.as_str())
                        || d.renamed_from.as_deref() == Some(f.object.display().as_str()))
            })
        })
        .collect()
}

/// Statements grouped by the plan step they belong to, in script order.
fn by_step(script: &Script) -> BTreeMap<Option<usize>, Vec<JsonStatement>> {
    let mut out: BTreeMap<Option<usize>, Vec<JsonStatement>> = BTreeMap::new();
    for phase in &script.phases {
        for s in &phase.statements {
            out.entry(s.step).or_default().push(JsonStatement {
                sql: s.sql.clone(),
                transactional: phase.transactional,
            });
        }
    }
    out
}
