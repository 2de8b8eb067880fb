//! Plan → SQL for PostgreSQL. Steps are lowered in plan order; the only
//! moves are into phases the server forces on us:
//!
//! 1. `enums`: `ALTER TYPE … ADD VALUE`, committed before anything uses
//!    the new label;
//! 2. `main`: everything else, in one transaction (with `OWNED BY` of new
//!    sequences, and of kept ones changing owner, at its end, once their
//!    tables exist);
//! 3. `concurrent` (online mode): `CREATE/DROP INDEX CONCURRENTLY`, one by
//!    one outside any transaction;
//! 4. `validate` (online mode): `VALIDATE CONSTRAINT` of what the main
//!    phase added `NOT VALID`, and `SET NOT NULL` through such a check.
//!
//! This file holds the context and the phases, and the match over
//! `Change` that hands each change to the file of its object kind.

mod attached_fk;
mod attached_index;
mod attached_key;
mod collations;
mod column;
mod column_storage;
mod composites;
mod constraints;
mod distinct;
mod index;
mod partition;
mod routines;
mod security;
mod sequence_bounds;
mod sequences;
mod statistics;
mod table;
pub use table::keep_table;
mod triggers;
mod types;
mod views;

use super::hazards::hazard;
use super::quote::{ident, literal, name as qname};
use crate::dialect::{EmitError, EmitOptions, Phase, Script, Statement};
use crate::diff::{Change, TableChange};
use crate::ir::{Name, Partitioning};
use crate::plan::{Hazard, HazardKind, Plan};

#[derive(Default)]
struct Out {
    setup: Vec<Statement>,
    enums: Vec<Statement>,
    main: Vec<Statement>,
    main_tail: Vec<Statement>,
    /// After `main_tail`: a partition's own index attached by hand to a
    /// parent's index made `ON ONLY` there (once every partition the plan
    /// makes exists, or the server would make the index on them too).
    attach: Vec<Statement>,
    concurrent: Vec<Statement>,
    validate: Vec<Statement>,
}

struct Ctx<'a> {
    out: Out,
    step: usize,
    online: bool,
    options: &'a EmitOptions,
}

impl Ctx<'_> {
    fn push(&mut self, sql: String, hazards: Vec<Hazard>) {
        self.out.main.push(self.stmt(sql, hazards));
    }
    fn push_all(&mut self, s: Stmts) {
        for (sql, hz) in s.main {
            self.push(sql, hz);
        }
        for (sql, hz) in s.validate {
            let st = self.stmt(sql, hz);
            self.out.validate.push(st);
        }
    }
    fn stmt(&self, sql: String, hazards: Vec<Hazard>) -> Statement {
        Statement {
            sql,
            step: Some(self.step),
            hazards,
        }
    }
}

pub fn emit(plan: &Plan, options: &EmitOptions) -> Result<Script, EmitError> {
    let mut cx = Ctx {
        out: Out::default(),
        step: 0,
        online: options.online,
        options,
    };
    if let Some(t) = &options.lock_timeout {
        cx.out
            .setup
            .push(setup(format!("SET lock_timeout = {}", literal(t))));
    }
    if let Some(t) = &options.statement_timeout {
        cx.out
            .setup
            .push(setup(format!("SET statement_timeout = {}", literal(t))));
    }
    if plan.steps.iter().any(|s| creates_routine_body(&s.change)) {
        // As pg_dump does: a body is not checked when it is created, so
        // what it reads through its own `SET search_path`, or what the
        // plan creates after it, is no ordering constraint. A view that
        // calls the function still waits for it (`plan::edges`).
        cx.out
            .setup
            .push(setup("SET check_function_bodies = off".to_string()));
    }
    for (i, step) in plan.steps.iter().enumerate() {
        cx.step = i;
        change(&mut cx, &step.change)?;
    }
    let Out {
        setup,
        enums,
        mut main,
        main_tail,
        attach,
        concurrent,
        validate,
    } = cx.out;
    main.extend(main_tail);
    main.extend(attach);
    let mut phases = Vec::new();
    let mut first = true;
    for (transactional, statements) in [
        (true, enums),
        (true, main),
        (false, concurrent),
        (true, validate),
    ] {
        if statements.is_empty() {
            continue;
        }
        let mut statements = statements;
        if first && !setup.is_empty() {
            // Session settings: they hold for every later phase too.
            let mut s = setup.clone();
            s.extend(statements);
            statements = s;
        }
        first = false;
        phases.push(Phase {
            transactional,
            statements,
        });
    }
    Ok(Script { phases })
}

/// Whether a change creates a function or procedure whose body the
/// server would check against the catalog.
fn creates_routine_body(c: &Change) -> bool {
    match c {
        Change::CreateFunction(f) | Change::ReplaceFunction { to: f, .. } => {
            !f.aggregate && f.object_file.is_none() && !f.standard_body
        }
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

fn change(cx: &mut Ctx<'_>, c: &Change) -> Result<(), EmitError> {
    match c {
        Change::CreateExtension(e) => {
            let schema = e
                .schema
                .as_ref()
                .map(|s| format!(" SCHEMA {}", ident(s)))
                .unwrap_or_default();
            let version = e
                .version
                .as_ref()
                .map(|v| format!(" VERSION {}", literal(v)))
                .unwrap_or_default();
            cx.push(
                format!(
                    "CREATE EXTENSION IF NOT EXISTS {}{schema}{version}",
                    ident(&e.name)
                ),
                vec![],
            );
            if e.comment.is_some() {
                cx.push(extension_comment(e), vec![]);
            }
        }
        Change::DropExtension(e) => cx.push(format!("DROP EXTENSION {}", ident(&e.name)), vec![]),
        Change::AlterExtension { from, to } => {
            // No version (a hand-written `from` side turned around): the
            // server's default version, what `CREATE EXTENSION` gives.
            if to.version != from.version && (to.version.is_some() || from.comment == to.comment) {
                let version = to
                    .version
                    .as_ref()
                    .map(|v| format!(" TO {}", literal(v)))
                    .unwrap_or_default();
                cx.push(
                    format!("ALTER EXTENSION {} UPDATE{version}", ident(&to.name)),
                    super::hazards::update_extension(to),
                );
            }
            if from.comment != to.comment {
                cx.push(extension_comment(to), vec![]);
            }
        }
        Change::CreateNamespace(n) => {
            let owner = n
                .owner
                .as_ref()
                .map(|o| format!(" AUTHORIZATION {}", ident(o)));
            cx.push(
                format!(
                    "CREATE SCHEMA {}{}",
                    ident(&n.name),
                    owner.unwrap_or_default()
                ),
                vec![],
            );
            if let Some(c) = &n.comment {
                cx.push(
                    format!("COMMENT ON SCHEMA {} IS {}", ident(&n.name), literal(c)),
                    vec![],
                );
            }
        }
        Change::DropNamespace(n) => cx.push(format!("DROP SCHEMA {}", ident(&n.name)), vec![]),
        // `None` is the role that created it: the one applying the rollback.
        Change::AlterNamespace { to, .. } => cx.push(
            format!(
                "ALTER SCHEMA {} OWNER TO {}",
                ident(&to.name),
                to.owner.as_deref().map_or("CURRENT_USER".into(), ident)
            ),
            vec![],
        ),
        Change::CreateEnum(e) => types::create_enum(cx, e),
        Change::DropEnum(e) => cx.push(format!("DROP TYPE {}", qname(&e.name)), vec![]),
        Change::AlterEnum { from, to } => types::alter_enum(cx, from, to),
        Change::CreateSequence(s) => sequences::create_sequence(cx, s),
        Change::DropSequence(s) => cx.push(
            // A sequence owned by a dropped column is already gone.
            format!("DROP SEQUENCE IF EXISTS {}", qname(&s.name)),
            vec![],
        ),
        Change::AlterSequence { from, to } => sequences::alter_sequence(cx, from, to),
        Change::CreateTable(t) => table::create_table(cx, t),
        Change::DropTable(t) => {
            // The server refuses to drop a partition while a foreign key
            // references its parent (the key's clone onto the referencing
            // table depends on each partition), but detaches it, checking
            // that no referencing row points into it.
            if let Some(Partitioning::Of { parent, .. }) = &t.partition {
                partition::detach(cx, &t.name, parent);
            }
            cx.push(
                format!("DROP TABLE {}", qname(&t.name)),
                vec![hazard(
                    HazardKind::DataLoss,
                    format!("dropping table {} deletes all its rows", t.name),
                )],
            )
        }
        Change::AlterTable { from, to, changes } => {
            let mut current = from.name.clone();
            let mut partition = matches!(from.partition, Some(Partitioning::Of { .. }));
            let mut detached = false;
            for tc in changes {
                if detached && table::drop_after_detach(cx, &current, tc) {
                    continue;
                }
                table::table_change(cx, &mut current, tc, from)?;
                if let Some((name, comment)) = table::added_comment(tc) {
                    table::constraint_comment(cx, &current, name, Some(comment));
                }
                match tc {
                    TableChange::DetachPartition { .. } => {
                        partition = false;
                        detached = true;
                    }
                    TableChange::AttachPartition { .. } => partition = true,
                    // The schema lists no column of a partition, so no
                    // column change takes off the NOT NULL a dropped key
                    // leaves. A detached table lists its columns: its
                    // column changes say what it wants.
                    TableChange::DropPrimaryKey(pk) if partition => cx.push(
                        attached_key::release_not_null(&current, &pk.columns),
                        vec![],
                    ),
                    _ => {}
                }
            }
            table::recluster(cx, &current, (from, to), changes);
        }
        Change::CreateView(v) => views::create_view(cx, v),
        Change::DropView(v) => cx.push(views::drop_view(v), vec![]),
        Change::ReplaceView { from, to } => {
            cx.push(views::drop_view(from), vec![]);
            views::create_view(cx, to);
        }
        Change::SetViewComments { from, to } => views::set_comments(cx, from, to),
        Change::RenameView { from, to } => rename_relation(cx, "VIEW", from, to),
        Change::CreateFunction(f) => routines::create_function(cx, f, false),
        Change::DropFunction(f) => cx.push(
            format!(
                "DROP {} {}({})",
                routines::routine_kind(f),
                qname(&f.name),
                routines::args_without_defaults(&f.args)
            ),
            vec![],
        ),
        Change::ReplaceFunction { from, to } => {
            let same_signature = from.replaceable_by(to);
            if !same_signature {
                change(cx, &Change::DropFunction(from.clone()))?;
            }
            routines::create_function(cx, to, same_signature);
            if same_signature && from.comment != to.comment && to.comment.is_none() {
                cx.push(
                    format!(
                        "COMMENT ON {} {}({}) IS NULL",
                        routines::routine_kind(to),
                        qname(&to.name),
                        routines::args_without_defaults(&to.args)
                    ),
                    vec![],
                );
            }
        }
        Change::CreateTrigger(t) => triggers::create_trigger(cx, t),
        Change::SetTriggerComment { to, .. } => triggers::trigger_comment(cx, to),
        Change::DropTrigger(t) => cx.push(
            format!("DROP TRIGGER {} ON {}", ident(&t.name), qname(&t.table)),
            vec![],
        ),
        Change::SetRowSecurity { table, from, to } => {
            security::set_row_security(cx, table, from, to)
        }
        Change::CreatePolicy(p) => security::create_policy(cx, p),
        Change::DropPolicy(p) => security::drop_policy(cx, p),
        Change::AlterPolicy { from, to } => security::alter_policy(cx, from, to),
        Change::Grant(g) => security::grant(cx, g),
        Change::Revoke(g) => security::revoke(cx, g),
        Change::AlterGrant { to, .. } => security::alter_grant(cx, to),
        Change::CreateDomain(x) => cx.push_all(types::create_domain(x)),
        Change::DropDomain(x) => cx.push_all(types::drop_domain(x)),
        Change::AlterDomain { from, to } => {
            let s = types::alter_domain(from, to, cx.online)?;
            cx.push_all(s);
        }
        Change::CreateEvent(x) | Change::DropEvent(x) | Change::AlterEvent { to: x, .. } => {
            return Err(EmitError::Unsupported {
                dialect: crate::ir::DialectKind::Postgres,
                what: format!("create event {} (events are MySQL's)", x.name),
                help: Some("schedule the statement with pg_cron or an external scheduler".into()),
            })
        }
        Change::CreateComposite(x) => cx.push_all(composites::create_composite(x)),
        Change::DropComposite(x) => cx.push_all(composites::drop_composite(x)),
        Change::AlterComposite { from, to } => cx.push_all(composites::alter_composite(from, to)),
        Change::CreateRange(x) => cx.push_all(composites::create_range(x)),
        Change::DropRange(x) => cx.push_all(composites::drop_range(x)),
        Change::AlterRange { from, to } => cx.push_all(composites::alter_range(from, to)?),
        Change::CreateCollation(x) => cx.push_all(collations::create_collation(x)),
        Change::DropCollation(x) => cx.push_all(collations::drop_collation(x)),
        Change::AlterCollation { from, to, users } => {
            cx.push_all(collations::alter_collation(from, to, users)?)
        }
        Change::CreateTextSearchConfig(x) => cx.push_all(collations::create_text_search_config(x)),
        Change::DropTextSearchConfig(x) => cx.push_all(collations::drop_text_search_config(x)),
        Change::AlterTextSearchConfig { from, to } => {
            cx.push_all(collations::alter_text_search_config(from, to))
        }
        Change::CreateStatistics(x) => cx.push_all(statistics::create_statistics(x)),
        Change::DropStatistics(x) => cx.push_all(statistics::drop_statistics(x)),
        Change::AlterStatistics { from, to } => cx.push_all(statistics::alter_statistics(from, to)),
    }
    Ok(())
}

fn opt_literal(s: &Option<String>) -> String {
    s.as_deref().map(literal).unwrap_or_else(|| "NULL".into())
}

fn collation(c: &str) -> String {
    match c.split_once('.') {
        Some((s, n)) => format!("{}.{}", ident(s), ident(n)),
        None => ident(c),
    }
}

fn rename_relation(cx: &mut Ctx<'_>, kind: &str, from: &Name, to: &Name) {
    let mut cur = from.clone();
    if from.schema != to.schema {
        cx.push(
            format!(
                "ALTER {kind} {} SET SCHEMA {}",
                qname(from),
                ident(to.schema.as_deref().unwrap_or("public"))
            ),
            vec![],
        );
        cur.schema = to.schema.clone();
    }
    if from.name != to.name {
        cx.push(
            format!("ALTER {kind} {} RENAME TO {}", qname(&cur), ident(&to.name)),
            vec![],
        );
    }
}

/// Statements of one change: those of the main transaction, and the
/// `VALIDATE CONSTRAINT`s that online mode runs after it.
#[derive(Default)]
pub(super) struct Stmts {
    pub main: Vec<(String, Vec<Hazard>)>,
    pub validate: Vec<(String, Vec<Hazard>)>,
}

/// `COMMENT ON EXTENSION`: the file's comment (`""`: none), or, where
/// the file says nothing, the one the extension's control file gives,
/// which only the server knows.
fn extension_comment(e: &crate::ir::Extension) -> String {
    let name = ident(&e.name);
    match e.comment.as_deref() {
        Some("") => format!("COMMENT ON EXTENSION {name} IS NULL"),
        Some(c) => format!("COMMENT ON EXTENSION {name} IS {}", literal(c)),
        None => format!(
            "DO $strata$ BEGIN EXECUTE format('COMMENT ON EXTENSION %I IS %L', {}, \
             (SELECT comment FROM pg_available_extensions WHERE name = {})); END $strata$",
            literal(&e.name),
            literal(&e.name)
        ),
    }
}
