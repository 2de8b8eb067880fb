//! Plan → SQL. ALTER TABLE where SQLite allows it, the table rebuild
//! ([`super::rebuild`]) everywhere else.
//!
//! A script that drops a table (a rebuild does) has three phases, in this
//! order, so that `sqlite3 db < up.sql` does what `strata apply` does:
//!
//! 1. `PRAGMA foreign_keys = OFF`, outside any transaction: inside one the
//!    pragma is silently ignored, and a rebuild's `DROP TABLE` would then
//!    delete child rows through `ON DELETE CASCADE`.
//! 2. one transaction: the steps, then a foreign key check that fails the
//!    transaction when any row lost its parent.
//! 3. `PRAGMA foreign_keys = ON`: the setting strata's own connections use
//!    (sqlx turns it on); a plain `sqlite3` session ends right after.
//!
//! Any other script is one transaction: nothing in it cares whether
//! foreign keys are enforced, and the check would scan every child table.
//!
//! This file holds the phases and the match over `Change`; the SQL of each
//! kind of object is in the file named after it.

mod column;
mod constraints;
mod index;
mod table;
pub use table::keep_table;
mod triggers;
mod views;

pub use column::{default_sql, default_value_sql, is_literal};
pub use index::create_index;
pub use table::create_table;

use super::quote::ident;
use super::rebuild;
use crate::dialect::{EmitError, EmitOptions, Phase, Script, Statement};
use crate::diff::Change;
use crate::ir::DialectKind;
use crate::plan::Plan;

/// The table that the foreign key check inserts its count into; its CHECK
/// fails the statement (and so the transaction) when the count is not 0.
pub const FK_GUARD_TABLE: &str = "_strata_foreign_key_check";

pub const FK_GUARD_CONSTRAINT: &str = "no_foreign_key_violations";

pub fn emit(plan: &Plan, _options: &EmitOptions) -> Result<Script, EmitError> {
    let mut body = Vec::new();
    let mut drops_tables = false;
    for (i, step) in plan.steps.iter().enumerate() {
        drops_tables |= drops_a_table(&step.change);
        let sqls = change(&step.change)?;
        // The step's hazards are placed on the statement they concern by
        // `migration::attach_step_hazards`.
        body.extend(sqls.into_iter().map(|sql| Statement {
            sql,
            step: Some(i),
            hazards: Vec::new(),
        }));
    }
    if body.is_empty() {
        return Ok(Script::default());
    }
    if !drops_tables {
        // Nothing here needs foreign keys out of the way, and the check
        // would read every child table for nothing.
        return Ok(Script {
            phases: vec![Phase {
                transactional: true,
                statements: body,
            }],
        });
    }
    body.extend(fk_guard().into_iter().map(setup));
    Ok(Script {
        phases: vec![
            Phase {
                transactional: false,
                statements: vec![setup("PRAGMA foreign_keys = OFF".into())],
            },
            Phase {
                transactional: true,
                statements: body,
            },
            Phase {
                transactional: false,
                statements: vec![setup("PRAGMA foreign_keys = ON".into())],
            },
        ],
    })
}

/// Whether a change drops a table (a rebuild drops the old one): with
/// foreign keys enforced, that deletes child rows or fails.
fn drops_a_table(c: &Change) -> bool {
    match c {
        Change::DropTable(_) => true,
        Change::AlterTable { from, to, changes } => rebuild::needs_rebuild(from, to, changes),
        _ => false,
    }
}

fn setup(sql: String) -> Statement {
    Statement {
        sql,
        step: None,
        hazards: Vec::new(),
    }
}

/// `PRAGMA foreign_key_check` as statements that fail when it finds rows:
/// plain SQL has no IF, but a CHECK constraint does the job.
pub fn fk_guard() -> Vec<String> {
    let t = ident(FK_GUARD_TABLE);
    let v = ident("violations");
    vec![
        format!(
            "CREATE TEMP TABLE {t} ({v} INTEGER CONSTRAINT {} CHECK ({v} = 0))",
            ident(FK_GUARD_CONSTRAINT)
        ),
        format!("INSERT INTO {t} SELECT count(*) FROM pragma_foreign_key_check"),
        format!("DROP TABLE {t}"),
    ]
}

/// The foreign key check of a script for a database whose schema holds a
/// foreign key to columns that are not a key (which SQLite stores): the
/// whole-database `pragma_foreign_key_check` fails on it ("foreign key
/// mismatch"), so the count is taken table by table, leaving out the
/// tables that hold such a foreign key. Nothing changes for any other
/// schema.
pub fn narrow_fk_guard(script: &mut Script, schema: &crate::ir::Schema) {
    let mismatched = |t: &crate::ir::Table| {
        t.foreign_keys.iter().any(|fk| {
            schema.tables.get(&fk.ref_table).is_some_and(|p| {
                !fk.ref_columns.is_empty() && !crate::ir::validate::is_key(p, &fk.ref_columns)
            })
        })
    };
    if !schema.tables.values().any(mismatched) {
        return;
    }
    let whole = fk_guard()[1].clone();
    let counts: Vec<String> = schema
        .tables
        .values()
        .filter(|t| !t.foreign_keys.is_empty() && !mismatched(t))
        .map(|t| {
            format!(
                "(SELECT count(*) FROM pragma_foreign_key_check({}))",
                super::quote::literal(&t.name.name)
            )
        })
        .collect();
    let sum = if counts.is_empty() {
        "0".to_string()
    } else {
        counts.join(" + ")
    };
    let narrowed = format!("INSERT INTO {} SELECT {sum}", ident(FK_GUARD_TABLE));
    for st in script
        .phases
        .iter_mut()
        .flat_map(|p| p.statements.iter_mut())
    {
        if st.sql == whole {
            st.sql = narrowed.clone();
        }
    }
}

fn unsupported(what: impl Into<String>, help: Option<&str>) -> EmitError {
    EmitError::Unsupported {
        dialect: DialectKind::Sqlite,
        what: what.into(),
        help: help.map(str::to_string),
    }
}

fn change(c: &Change) -> Result<Vec<String>, EmitError> {
    Ok(match c {
        Change::CreateTable(t) if !t.row_security.is_default() => {
            return Err(unsupported(
                format!("enable row-level security on {}", t.name),
                Some("SQLite has no row-level security; remove the line from the schema"),
            ))
        }
        Change::CreateTable(t) => {
            let mut out = vec![table::create_table(t, &t.name.name)?];
            for i in &t.indexes {
                out.push(index::create_index(i, &t.name.name)?);
            }
            out
        }
        Change::DropTable(t) => vec![format!("DROP TABLE {}", ident(&t.name.name))],
        Change::AlterTable { from, to, changes } => table::alter_table(from, to, changes)?,
        Change::CreateView(v) => vec![views::create_view(v)?],
        Change::DropView(v) => vec![format!("DROP VIEW {}", ident(&v.name.name))],
        // SQLite keeps no comment on a view: it is made anew.
        Change::ReplaceView { from, to } | Change::SetViewComments { from, to } => vec![
            format!("DROP VIEW {}", ident(&from.name.name)),
            views::create_view(to)?,
        ],
        Change::RenameView { from, .. } => {
            return Err(unsupported(
                format!("rename view {from} (SQLite has no ALTER VIEW, and the rename does not carry the view's body)"),
                Some("drop the `renamed_from` of the view: strata then drops and creates it"),
            ))
        }
        Change::CreateTrigger(t) => vec![triggers::create_trigger(t)?],
        // Validation refuses a trigger's comment here (E0253).
        Change::SetTriggerComment { .. } => {
            return Err(unsupported("keep a comment on a trigger", None))
        }
        Change::DropTrigger(t) => vec![format!("DROP TRIGGER {}", ident(&t.name))],
        Change::CreateExtension(e)
        | Change::DropExtension(e)
        | Change::AlterExtension { to: e, .. } => {
            return Err(unsupported(format!("manage extension {}", e.name), None))
        }
        Change::CreateNamespace(n)
        | Change::DropNamespace(n)
        | Change::AlterNamespace { to: n, .. } => {
            return Err(unsupported(
                format!("manage namespace {}", n.name),
                Some("SQLite's namespaces are attached database files; strata manages `main` only"),
            ))
        }
        Change::CreateEnum(e) | Change::DropEnum(e) | Change::AlterEnum { to: e, .. } => {
            return Err(unsupported(
                format!("create enum {}", e.name),
                Some("use a text column with a CHECK (col IN ('a', 'b'))"),
            ))
        }
        Change::CreateSequence(s) | Change::DropSequence(s) | Change::AlterSequence { to: s, .. } => {
            return Err(unsupported(
                format!("manage sequence {}", s.name),
                Some("use an INTEGER PRIMARY KEY (optionally AUTOINCREMENT)"),
            ))
        }
        Change::CreateFunction(f) | Change::DropFunction(f) | Change::ReplaceFunction { to: f, .. } => {
            return Err(unsupported(
                format!("create function {}", f.name),
                Some("SQLite functions are registered by the application, not stored in the database"),
            ))
        }
        Change::SetRowSecurity { table, .. } => {
            return Err(unsupported(
                format!("enable row-level security on {table}"),
                Some("SQLite has no row-level security; remove the line from the schema"),
            ))
        }
        Change::CreatePolicy(p) | Change::DropPolicy(p) | Change::AlterPolicy { to: p, .. } => {
            return Err(unsupported(
                format!("create policy {} on {}", p.name, p.table),
                Some("SQLite has no row-level security; remove the policy from the schema"),
            ))
        }
        Change::Grant(g) | Change::Revoke(g) | Change::AlterGrant { to: g, .. } => {
            return Err(unsupported(
                format!("grant {} on {}", g.privilege, g.on),
                Some("SQLite has no users or privileges; remove the `grant` lines from the schema"),
            ))
        }
        Change::CreateDomain(x) | Change::DropDomain(x) | Change::AlterDomain { to: x, .. } => {
            return Err(unsupported(
                format!("create domain {} (domains are PostgreSQL's)", x.name),
                Some("write the base type on each column, and the domain's checks as column checks"),
            ))
        }
        Change::CreateEvent(x) | Change::DropEvent(x) | Change::AlterEvent { to: x, .. } => {
            return Err(unsupported(
                format!("create event {} (events are MySQL's)", x.name),
                Some("schedule the statement outside the database"),
            ))
        }
        Change::CreateComposite(x)
        | Change::DropComposite(x)
        | Change::AlterComposite { to: x, .. } => {
            return Err(unsupported(
                format!("create type {} (composite types are PostgreSQL's)", x.name),
                Some("store its attributes as columns, or as one JSON column"),
            ))
        }
        Change::CreateRange(x) | Change::DropRange(x) | Change::AlterRange { to: x, .. } => {
            return Err(unsupported(
                format!("create range type {} (range types are PostgreSQL's)", x.name),
                Some("store the bounds in two columns with a check between them"),
            ))
        }
        Change::CreateCollation(x)
        | Change::DropCollation(x)
        | Change::AlterCollation { to: x, .. } => {
            return Err(unsupported(
                format!("create collation {} (CREATE COLLATION is PostgreSQL's)", x.name),
                Some("use one of SQLite's collations (BINARY, NOCASE, RTRIM), or register one in the application"),
            ))
        }
        Change::CreateTextSearchConfig(x)
        | Change::DropTextSearchConfig(x)
        | Change::AlterTextSearchConfig { to: x, .. } => {
            return Err(unsupported(
                format!(
                    "create text search configuration {} (text-search configurations are PostgreSQL's)",
                    x.name
                ),
                Some("use an FTS5 virtual table with its tokenizer"),
            ))
        }
        // Validation refuses statistics here (E0267).
        Change::CreateStatistics(x)
        | Change::DropStatistics(x)
        | Change::AlterStatistics { to: x, .. } => {
            return Err(unsupported(
                format!("create statistics {} (extended statistics are PostgreSQL's)", x.name),
                Some("run ANALYZE; SQLite keeps no statistics objects"),
            ))
        }
    })
}
