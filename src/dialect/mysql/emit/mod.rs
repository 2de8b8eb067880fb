//! Plan → MySQL/MariaDB SQL. Steps are lowered in plan order; the changes
//! to one table become the few `ALTER TABLE` statements
//! [`super::alter`] lays out. This file holds the script and the match
//! over `Change`; the SQL of each kind of object is in the file named
//! after it.
//!
//! MySQL DDL commits implicitly, so every phase is non-transactional; the
//! apply stage records progress instead (see `apply.rs`).

mod column;
mod constraints;
mod events;
mod index;
mod routines;
mod sequences;
mod session;
mod table;
pub use table::keep_table;
mod triggers;
mod views;

use super::quote::{ident, name, ESCAPES_ON};
use crate::dialect::{EmitError, EmitOptions, Phase, Script, Statement};
use crate::diff::{Change, TableChange};
use crate::ir::{DialectKind, Partitioning};
use crate::plan::{Hazard, HazardKind, Plan};

pub fn emit(plan: &Plan, options: &EmitOptions) -> Result<Script, EmitError> {
    let mut statements = Vec::new();
    if let Some(secs) = options.lock_timeout.as_deref().and_then(seconds) {
        statements.push(Statement {
            sql: format!("SET SESSION lock_wait_timeout = {secs}"),
            step: None,
            hazards: Vec::new(),
        });
    }
    for (i, step) in plan.steps.iter().enumerate() {
        let mut lowered = change(&step.change, options)?;
        // The planner's hazards for the step include the ones
        // `Dialect::hazards` derived from these very statements.
        let missing: Vec<Hazard> = step
            .hazards
            .iter()
            .filter(|h| !lowered.iter().any(|(_, hs)| hs.contains(h)))
            .cloned()
            .collect();
        for h in missing {
            // On the first statement, unless it cannot carry the hazard
            // (what rows may make fail is never a drop: a key dropped and
            // added again) and a later one naming its object can.
            let fits = |sql: &str| crate::plan::hazard::fits(&h, sql);
            let place = match lowered.first() {
                Some((sql, _)) if !fits(sql) => lowered
                    .iter()
                    .position(|(sql, _)| fits(sql) && crate::plan::hazard::concerns(&h, sql))
                    .unwrap_or(0),
                _ => 0,
            };
            if let Some((_, hs)) = lowered.get_mut(place) {
                hs.push(h);
            }
        }
        for (sql, hazards) in lowered {
            statements.push(Statement {
                sql,
                step: Some(i),
                hazards,
            });
        }
    }
    if let Some(first) = statements.iter_mut().find(|s| s.step.is_some()) {
        first.hazards.push(Hazard {
            kind: HazardKind::NotTransactional,
            message: "MySQL and MariaDB commit each DDL statement on its own: a failure part-way leaves the statements before it applied (`strata apply --resume` continues from there)".into(), acknowledged: None,
        });
    }
    if statements.is_empty() {
        return Ok(Script::default());
    }
    // A backslash in a literal is an escape only without
    // `NO_BACKSLASH_ESCAPES`; the session setting runs first (and again on
    // resume).
    if statements.iter().any(|s| s.sql.contains('\\')) {
        statements.insert(
            0,
            Statement {
                sql: ESCAPES_ON.into(),
                step: None,
                hazards: Vec::new(),
            },
        );
    }
    Ok(Script {
        phases: vec![Phase {
            transactional: false,
            statements,
        }],
    })
}

/// `5s`, `500ms`, `2m`, `7` → whole seconds (at least 1).
fn seconds(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map(|i| s.split_at(i))
        .unwrap_or((s, "s"));
    let v: f64 = num.parse().ok()?;
    let secs = match unit.trim() {
        "ms" => v / 1000.0,
        "s" | "" => v,
        "m" | "min" => v * 60.0,
        "h" => v * 3600.0,
        _ => return None,
    };
    Some(secs.ceil().max(1.0) as u64)
}

type Lowered = Vec<(String, Vec<Hazard>)>;

fn no_hazards(statements: Vec<String>) -> Lowered {
    statements.into_iter().map(|s| (s, Vec::new())).collect()
}

fn unsupported(what: &str) -> EmitError {
    EmitError::Unsupported {
        dialect: DialectKind::Mysql,
        what: what.into(),
        help: Some(
            "MySQL and MariaDB have no such object; remove it from the schema for this dialect"
                .into(),
        ),
    }
}

fn change(c: &Change, options: &EmitOptions) -> Result<Lowered, EmitError> {
    Ok(match c {
        Change::CreateTable(t) if !t.row_security.is_default() => {
            return Err(unsupported("enforce row-level security or policies"))
        }
        Change::CreateTable(t) => {
            if matches!(t.partition, Some(Partitioning::Of { .. })) {
                return Err(EmitError::Unsupported {
                    dialect: DialectKind::Mysql,
                    what: format!("create {} as a partition of another table", t.name),
                    help: Some("MySQL declares partitions inside their table: `partition by range (…) (partition p0 values less than (…), …)`".into()),
                });
            }
            if !t.exclusions.is_empty() {
                return Err(no_exclusions(&t.name));
            }
            vec![(table::create_table(t), Vec::new())]
        }
        Change::DropTable(t) => vec![(format!("DROP TABLE {}", name(&t.name)), Vec::new())],
        Change::AlterTable { from, to, changes } => {
            if changes.iter().any(|c| {
                matches!(
                    c,
                    TableChange::AddExclusion(_) | TableChange::DropExclusion(_)
                )
            }) {
                return Err(no_exclusions(&to.name));
            }
            if changes
                .iter()
                .any(|c| matches!(c, TableChange::SetConstraintComment { .. }))
            {
                return Err(unsupported("comment on a constraint"));
            }
            table::alter_table(from, to, changes, options)
        }
        Change::CreateView(v) => no_hazards(views::create_view(v, false)),
        // MySQL keeps no comment on a view: the view is replaced, as
        // before comments were told apart.
        Change::ReplaceView { to, .. } | Change::SetViewComments { to, .. } => {
            no_hazards(views::create_view(to, true))
        }
        Change::DropView(v) => vec![(format!("DROP VIEW {}", name(&v.name)), Vec::new())],
        Change::RenameView { from, to } => vec![(
            format!("RENAME TABLE {} TO {}", name(from), name(to)),
            Vec::new(),
        )],
        Change::CreateTrigger(t) => no_hazards(triggers::create_trigger(t)),
        Change::DropTrigger(t) => vec![(format!("DROP TRIGGER {}", ident(&t.name)), Vec::new())],
        // Validation refuses a trigger's comment here (E0253).
        Change::SetTriggerComment { .. } => return Err(unsupported("comment on a trigger")),
        Change::CreateExtension(_) | Change::DropExtension(_) | Change::AlterExtension { .. } => {
            return Err(unsupported("create or drop extensions"))
        }
        Change::CreateNamespace(_) | Change::DropNamespace(_) | Change::AlterNamespace { .. } => {
            return Err(EmitError::Unsupported {
                dialect: DialectKind::Mysql,
                what: "create or drop namespaces".into(),
                help: Some("a MySQL URL names one database; put the tables of another database in a schema of its own".into()),
            })
        }
        Change::CreateEnum(_) | Change::DropEnum(_) | Change::AlterEnum { .. } => {
            return Err(EmitError::Unsupported {
                dialect: DialectKind::Mysql,
                what: "create named enum types".into(),
                help: Some("write the values on the column instead: `status enum('a','b')`".into()),
            })
        }
        // MariaDB's; MySQL refuses the statement itself.
        Change::CreateSequence(s) => vec![(sequences::create_sequence(s)?, Vec::new())],
        Change::DropSequence(s) => sequences::drop_sequence(s),
        Change::AlterSequence { from, to } => sequences::alter_sequence(from, to)?,
        Change::CreateFunction(f) => no_hazards(routines::create_routine(f)),
        Change::DropFunction(f) => vec![(routines::drop_routine(f), Vec::new())],
        // MySQL 8 has no `CREATE OR REPLACE` for routines.
        Change::ReplaceFunction { from, to } => {
            let mut out = vec![(routines::drop_routine(from), Vec::new())];
            out.extend(no_hazards(routines::create_routine(to)));
            out
        }
        Change::SetRowSecurity { .. }
        | Change::CreatePolicy(_)
        | Change::DropPolicy(_)
        | Change::AlterPolicy { .. } => {
            return Err(unsupported("enforce row-level security or policies"))
        }
        Change::Grant(_) | Change::Revoke(_) | Change::AlterGrant { .. } => {
            return Err(EmitError::Unsupported {
                dialect: DialectKind::Mysql,
                what: "manage grants".into(),
                help: Some("strata manages privileges on PostgreSQL only; remove the `grant` lines from the MySQL schema and grant with your usual tooling".into()),
            })
        }
        Change::CreateEvent(e) => no_hazards(events::create_event(e)),
        Change::DropEvent(e) => vec![(events::drop_event(e), Vec::new())],
        Change::AlterEvent { from, to } => no_hazards(events::alter_event(from, to)),
        Change::CreateDomain(x) | Change::DropDomain(x) | Change::AlterDomain { to: x, .. } => {
            return Err(EmitError::Unsupported {
                dialect: DialectKind::Mysql,
                what: format!("create domain {} (domains are PostgreSQL's)", x.name),
                help: Some(format!(
                    "write the base type `{}` on each column, and its checks as table checks",
                    x.ty
                )),
            })
        }
        Change::CreateComposite(x)
        | Change::DropComposite(x)
        | Change::AlterComposite { to: x, .. } => {
            return Err(EmitError::Unsupported {
                dialect: DialectKind::Mysql,
                what: format!("create type {} (composite types are PostgreSQL's)", x.name),
                help: Some("store its attributes as columns, or as one JSON column".into()),
            })
        }
        Change::CreateRange(x) | Change::DropRange(x) | Change::AlterRange { to: x, .. } => {
            return Err(EmitError::Unsupported {
                dialect: DialectKind::Mysql,
                what: format!("create range type {} (range types are PostgreSQL's)", x.name),
                help: Some("store the bounds in two columns with a check between them".into()),
            })
        }
        Change::CreateCollation(x)
        | Change::DropCollation(x)
        | Change::AlterCollation { to: x, .. } => {
            return Err(EmitError::Unsupported {
                dialect: DialectKind::Mysql,
                what: format!("create collation {} (CREATE COLLATION is PostgreSQL's)", x.name),
                help: Some("use one of the server's collations (`collate utf8mb4_0900_ai_ci`)".into()),
            })
        }
        Change::CreateTextSearchConfig(x)
        | Change::DropTextSearchConfig(x)
        | Change::AlterTextSearchConfig { to: x, .. } => {
            return Err(EmitError::Unsupported {
                dialect: DialectKind::Mysql,
                what: format!(
                    "create text search configuration {} (text-search configurations are PostgreSQL's)",
                    x.name
                ),
                help: Some("use a FULLTEXT index with the server's parser (`with parser ngram`)".into()),
            })
        }
        // Validation refuses statistics here (E0267).
        Change::CreateStatistics(x)
        | Change::DropStatistics(x)
        | Change::AlterStatistics { to: x, .. } => {
            return Err(EmitError::Unsupported {
                dialect: DialectKind::Mysql,
                what: format!("create statistics {} (extended statistics are PostgreSQL's)", x.name),
                help: Some("use `ANALYZE TABLE … UPDATE HISTOGRAM ON …` outside the schema".into()),
            })
        }
    })
}

fn no_exclusions(table: &crate::ir::Name) -> EmitError {
    EmitError::Unsupported {
        dialect: DialectKind::Mysql,
        what: format!("add an exclusion constraint to {table} (exclusion constraints are PostgreSQL's)"),
        help: Some("a unique key covers the `=`-only case; overlaps must be checked by the application or a trigger".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(seconds("5s"), Some(5));
        assert_eq!(seconds("500ms"), Some(1));
        assert_eq!(seconds("2m"), Some(120));
        assert_eq!(seconds("x"), None);
    }
}
