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

use super::quote::{ident, ident_list, literal};
use super::rebuild;
use crate::dialect::{EmitError, EmitOptions, Phase, Script, Statement};
use crate::diff::{Change, TableChange};
use crate::ir::{
    Column, DialectKind, ForeignKey, Identity, Index, IndexKey, MatchType, Table, Trigger, View,
};
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
        // `plan::attach_step_hazards`.
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
    vec![
        format!(
            "CREATE TEMP TABLE {t} (\"violations\" INTEGER CONSTRAINT {} CHECK (\"violations\" = 0))",
            ident(FK_GUARD_CONSTRAINT)
        ),
        format!("INSERT INTO {t} SELECT count(*) FROM pragma_foreign_key_check"),
        format!("DROP TABLE {t}"),
    ]
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
        Change::CreateTable(t) => {
            let mut out = vec![create_table(t, &t.name.name)?];
            for i in &t.indexes {
                out.push(create_index(i, &t.name.name)?);
            }
            out
        }
        Change::DropTable(t) => vec![format!("DROP TABLE {}", ident(&t.name.name))],
        Change::AlterTable { from, to, changes } => alter_table(from, to, changes)?,
        Change::CreateView(v) => vec![create_view(v)?],
        Change::DropView(v) => vec![format!("DROP VIEW {}", ident(&v.name.name))],
        Change::ReplaceView { from, to } => vec![
            format!("DROP VIEW {}", ident(&from.name.name)),
            create_view(to)?,
        ],
        Change::RenameView { from, .. } => {
            return Err(unsupported(
                format!("rename view {from} (SQLite has no ALTER VIEW, and the rename does not carry the view's body)"),
                Some("drop the `renamed_from` of the view: strata then drops and creates it"),
            ))
        }
        Change::CreateTrigger(t) => vec![create_trigger(t)?],
        Change::DropTrigger(t) => vec![format!("DROP TRIGGER {}", ident(&t.name))],
        Change::CreateExtension(e) | Change::DropExtension(e) => {
            return Err(unsupported(format!("manage extension {}", e.name), None))
        }
        Change::CreateNamespace(n) | Change::DropNamespace(n) => {
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
    })
}

/// The column of a single-column primary key declared AUTOINCREMENT.
fn autoincrement_column(t: &Table) -> Option<&Column> {
    let pk = t.primary_key.as_ref()?;
    if pk.columns.len() != 1 {
        return None;
    }
    t.column(&pk.columns[0])
        .filter(|c| c.identity == Some(Identity::AutoIncrement))
}

/// `CREATE TABLE "name" (…)` for the definition `t` (the name may differ
/// from `t.name` during a rebuild).
pub fn create_table(t: &Table, name: &str) -> Result<String, EmitError> {
    check_table(t)?;
    let auto = autoincrement_column(t).map(|c| c.name.clone());
    let mut items = Vec::new();
    for c in &t.columns {
        let mut s = column_def(c)?;
        if auto.as_deref() == Some(c.name.as_str()) {
            if let Some(n) = t.primary_key.as_ref().and_then(|p| p.name.as_ref()) {
                s.push_str(&format!(" CONSTRAINT {}", ident(n)));
            }
            s.push_str(" PRIMARY KEY AUTOINCREMENT");
        }
        items.push(s);
    }
    if let (Some(pk), None) = (&t.primary_key, &auto) {
        items.push(format!(
            "{}PRIMARY KEY ({})",
            constraint_name(&pk.name),
            ident_list(&pk.columns)
        ));
    }
    for u in &t.uniques {
        items.push(format!(
            "{}UNIQUE ({})",
            constraint_name(&u.name),
            ident_list(&u.columns)
        ));
    }
    for ch in &t.checks {
        items.push(format!("{}CHECK ({})", constraint_name(&ch.name), ch.expr));
    }
    for fk in &t.foreign_keys {
        items.push(foreign_key(fk));
    }
    let mut sql = format!(
        "CREATE TABLE {} (\n  {}\n)",
        ident(name),
        items.join(",\n  ")
    );
    let mut opts = Vec::new();
    if t.options.contains_key("without_rowid") {
        opts.push("WITHOUT ROWID");
    }
    if t.options.contains_key("strict") {
        opts.push("STRICT");
    }
    if !opts.is_empty() {
        sql.push(' ');
        sql.push_str(&opts.join(", "));
    }
    Ok(sql)
}

fn constraint_name(n: &Option<String>) -> String {
    n.as_ref()
        .map(|n| format!("CONSTRAINT {} ", ident(n)))
        .unwrap_or_default()
}

/// What SQLite cannot hold, refused with the reason.
fn check_table(t: &Table) -> Result<(), EmitError> {
    let name = &t.name;
    for k in t.options.keys() {
        if k != "without_rowid" && k != "strict" {
            return Err(unsupported(
                format!("set table option `{k}` on {name}"),
                Some("SQLite tables take only `without_rowid = true` and `strict = true`"),
            ));
        }
    }
    if t.partition.is_some() {
        return Err(unsupported(format!("partition table {name}"), None));
    }
    if t.options.contains_key("without_rowid") && t.primary_key.is_none() {
        return Err(unsupported(
            format!("create WITHOUT ROWID table {name} without a primary key"),
            Some("add a primary key"),
        ));
    }
    for c in &t.columns {
        match &c.identity {
            None => {}
            Some(Identity::AutoIncrement) => {
                let alone = t
                    .primary_key
                    .as_ref()
                    .is_some_and(|p| p.columns.len() == 1 && p.columns[0] == c.name);
                if !alone || !c.ty.as_str().eq_ignore_ascii_case("integer") {
                    return Err(unsupported(
                        format!("make {name}.{} AUTOINCREMENT", c.name),
                        Some("only an `integer` column that alone is the primary key can be AUTOINCREMENT"),
                    ));
                }
                if t.options.contains_key("without_rowid") {
                    return Err(unsupported(
                        format!("use AUTOINCREMENT in WITHOUT ROWID table {name}"),
                        None,
                    ));
                }
            }
            Some(_) => {
                return Err(unsupported(
                    format!("make {name}.{} an identity column", c.name),
                    Some("an `integer` primary key column is numbered by SQLite itself; add auto_increment to never reuse numbers"),
                ))
            }
        }
        if c.charset.is_some() || c.on_update.is_some() || c.invisible {
            return Err(unsupported(
                format!(
                    "give {name}.{} a charset, ON UPDATE or INVISIBLE (MySQL only)",
                    c.name
                ),
                None,
            ));
        }
    }
    for u in &t.uniques {
        if u.nulls_not_distinct || !u.deferral.is_default() {
            return Err(unsupported(
                format!("make a unique constraint of {name} NULLS NOT DISTINCT or DEFERRABLE"),
                None,
            ));
        }
    }
    if t.checks.iter().any(|c| c.not_valid) || t.foreign_keys.iter().any(|f| f.not_valid) {
        return Err(unsupported(
            format!("add a NOT VALID constraint to {name}"),
            None,
        ));
    }
    for i in &t.indexes {
        check_index(i, t)?;
    }
    Ok(())
}

fn check_index(i: &Index, t: &Table) -> Result<(), EmitError> {
    let what = format!(
        "index {} of {}",
        i.name.as_deref().unwrap_or("(unnamed)"),
        t.name
    );
    if i.method.is_some() || !i.include.is_empty() || i.nulls_not_distinct {
        return Err(unsupported(
            format!("give {what} a method, INCLUDE columns or NULLS NOT DISTINCT"),
            Some("SQLite indexes are B-trees over their key columns only"),
        ));
    }
    for p in &i.parts {
        if p.nulls_first.is_some() || p.opclass.is_some() || p.length.is_some() {
            return Err(unsupported(
                format!(
                    "give a part of {what} NULLS FIRST/LAST, an operator class or a prefix length"
                ),
                None,
            ));
        }
    }
    Ok(())
}

fn column_def(c: &Column) -> Result<String, EmitError> {
    let mut s = ident(&c.name);
    if !c.ty.as_str().is_empty() {
        s.push(' ');
        s.push_str(c.ty.as_str());
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", ident(coll)));
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {}", default_sql(d.as_str())));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            g.expr,
            if g.stored { "STORED" } else { "VIRTUAL" }
        ));
    }
    Ok(s)
}

/// A literal goes bare (`DEFAULT 0`); anything else in parentheses, as
/// SQLite requires for expressions.
pub fn default_sql(d: &str) -> String {
    if is_literal(d) || is_time_keyword(d) {
        d.to_string()
    } else {
        format!("({d})")
    }
}

/// A number (optionally signed), string, blob, NULL, TRUE or FALSE: what
/// ALTER TABLE ADD COLUMN accepts as a default.
pub fn is_literal(d: &str) -> bool {
    use super::lex::{tokenize, Kind};
    let toks = tokenize(d);
    let toks = match toks.first() {
        Some(t) if t.is_op("-") || t.is_op("+") => &toks[1..],
        _ => &toks[..],
    };
    match toks {
        [t] => match t.kind {
            Kind::Number => true,
            Kind::String | Kind::Blob => d.len() == t.text.len(),
            Kind::Word => ["null", "true", "false"]
                .iter()
                .any(|w| t.is_word(w) && d.len() == t.text.len()),
            _ => false,
        },
        _ => false,
    }
}

fn is_time_keyword(d: &str) -> bool {
    ["current_timestamp", "current_date", "current_time"]
        .iter()
        .any(|k| d.eq_ignore_ascii_case(k))
}

fn foreign_key(fk: &ForeignKey) -> String {
    let mut s = format!(
        "{}FOREIGN KEY ({}) REFERENCES {}",
        constraint_name(&fk.name),
        ident_list(&fk.columns),
        ident(&fk.ref_table.name)
    );
    if !fk.ref_columns.is_empty() {
        s.push_str(&format!(" ({})", ident_list(&fk.ref_columns)));
    }
    if !fk.on_delete.is_default() {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if !fk.on_update.is_default() {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    match fk.match_type {
        MatchType::Simple => {}
        MatchType::Full => s.push_str(" MATCH FULL"),
        MatchType::Partial => s.push_str(" MATCH PARTIAL"),
    }
    match fk.deferral {
        crate::ir::Deferral::NotDeferrable => {}
        crate::ir::Deferral::InitiallyImmediate => s.push_str(" DEFERRABLE INITIALLY IMMEDIATE"),
        crate::ir::Deferral::InitiallyDeferred => s.push_str(" DEFERRABLE INITIALLY DEFERRED"),
    }
    s
}

/// `CREATE [UNIQUE] INDEX "name" ON "table" (…) [WHERE …]`.
pub fn create_index(i: &Index, table: &str) -> Result<String, EmitError> {
    let Some(name) = &i.name else {
        return Err(unsupported(
            format!("create an unnamed index on {table}"),
            Some("normalize the schema first: it names every index"),
        ));
    };
    let parts: Vec<String> = i
        .parts
        .iter()
        .map(|p| {
            let mut s = match &p.key {
                IndexKey::Column(c) => ident(c),
                IndexKey::Expr(e) => e.to_string(),
            };
            if let Some(coll) = &p.collation {
                s.push_str(&format!(" COLLATE {}", ident(coll)));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect();
    let mut sql = format!(
        "CREATE {}INDEX {} ON {} ({})",
        if i.unique { "UNIQUE " } else { "" },
        ident(name),
        ident(table),
        parts.join(", ")
    );
    if let Some(p) = &i.predicate {
        sql.push_str(&format!(" WHERE {p}"));
    }
    Ok(sql)
}

fn create_view(v: &View) -> Result<String, EmitError> {
    if v.materialized {
        return Err(unsupported(
            format!("create materialized view {}", v.name),
            Some("use a plain view, or a table that the application refreshes"),
        ));
    }
    let cols = if v.columns.is_empty() {
        String::new()
    } else {
        format!(" ({})", ident_list(&v.columns))
    };
    Ok(format!(
        "CREATE VIEW {}{cols} AS {}",
        ident(&v.name.name),
        v.body
    ))
}

fn create_trigger(t: &Trigger) -> Result<String, EmitError> {
    let timing = match t.timing.to_ascii_lowercase().as_str() {
        "before" => "BEFORE",
        "after" => "AFTER",
        "instead of" => "INSTEAD OF",
        other => {
            return Err(unsupported(
                format!("create a trigger that fires `{other}`"),
                Some("SQLite triggers fire BEFORE, AFTER or INSTEAD OF"),
            ))
        }
    };
    let [event] = t.events.as_slice() else {
        return Err(unsupported(
            format!("create trigger {} on more than one event", t.name),
            Some("write one trigger per event"),
        ));
    };
    let mut sql = format!(
        "CREATE TRIGGER {} {timing} {} ON {} FOR EACH ROW",
        ident(&t.name),
        trigger_event(event)?,
        ident(&t.table.name)
    );
    if let Some(w) = &t.when {
        sql.push_str(&format!(" WHEN {w}"));
    }
    sql.push(' ');
    sql.push_str(&t.body);
    Ok(sql)
}

/// `update of a, "b c"` → `UPDATE OF "a", "b c"`.
fn trigger_event(e: &str) -> Result<String, EmitError> {
    let toks = super::lex::tokenize(e);
    let bad = || {
        unsupported(
            format!("create a trigger on event `{e}`"),
            Some("SQLite triggers fire on insert, delete, update or update of columns"),
        )
    };
    let first = toks.first().ok_or_else(bad)?;
    let word = ["insert", "delete", "update"]
        .into_iter()
        .find(|w| first.is_word(w))
        .ok_or_else(bad)?;
    if toks.len() == 1 {
        return Ok(word.to_uppercase());
    }
    if word != "update" || !toks[1].is_word("of") {
        return Err(bad());
    }
    let cols: Vec<String> = toks[2..]
        .iter()
        .filter(|t| !t.is_op(","))
        .map(|t| ident(&t.name()))
        .collect();
    Ok(format!("UPDATE OF {}", cols.join(", ")))
}

fn alter_table(
    from: &Table,
    to: &Table,
    changes: &[TableChange],
) -> Result<Vec<String>, EmitError> {
    check_table(to)?;
    if let Some(sqls) = in_place(from, to, changes)? {
        return Ok(sqls);
    }
    rebuild::rebuild(from, to, changes)
}

/// The ALTER TABLE statements for the changes, or `None` when one of them
/// needs a rebuild.
fn in_place(
    from: &Table,
    to: &Table,
    changes: &[TableChange],
) -> Result<Option<Vec<String>>, EmitError> {
    if rebuild::needs_rebuild(from, to, changes) {
        return Ok(None);
    }
    let mut drop_indexes = Vec::new();
    let mut create_indexes = Vec::new();
    let mut rename_table = None;
    let mut rename_columns = Vec::new();
    let mut drop_columns = Vec::new();
    let mut add_columns = Vec::new();
    for c in changes {
        match c {
            TableChange::RenameTable { from: a, to: b } => rename_table = Some((a, b)),
            TableChange::RenameColumn { from: a, to: b } => rename_columns.push((a, b)),
            TableChange::DropColumn(c) => drop_columns.push(c),
            TableChange::AddColumn(c) => add_columns.push(c),
            TableChange::AddIndex(i) => create_indexes.push(i.clone()),
            TableChange::DropIndex(i) => drop_indexes.push(i.name.clone()),
            TableChange::RenameIndex { from: a, to: b } => {
                drop_indexes.push(Some(a.clone()));
                let Some(i) = to
                    .indexes
                    .iter()
                    .find(|i| i.name.as_deref() == Some(b.as_str()))
                else {
                    return Err(unsupported(
                        format!("rename index {a} to {b}: no index {b} on {}", to.name),
                        None,
                    ));
                };
                create_indexes.push(i.clone());
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for n in drop_indexes.into_iter().flatten() {
        out.push(format!("DROP INDEX {}", ident(&n)));
    }
    if let Some((a, b)) = rename_table {
        out.push(format!(
            "ALTER TABLE {} RENAME TO {}",
            ident(&a.name),
            ident(&b.name)
        ));
    }
    let t = ident(&to.name.name);
    for (a, b) in rename_columns {
        out.push(format!(
            "ALTER TABLE {t} RENAME COLUMN {} TO {}",
            ident(a),
            ident(b)
        ));
    }
    for c in drop_columns {
        out.push(format!("ALTER TABLE {t} DROP COLUMN {}", ident(&c.name)));
    }
    // In the target's order: ADD COLUMN appends.
    for c in &to.columns {
        if add_columns.iter().any(|a| a.name == c.name) {
            out.push(format!("ALTER TABLE {t} ADD COLUMN {}", column_def(c)?));
        }
    }
    for i in &create_indexes {
        out.push(create_index(i, &to.name.name)?);
    }
    Ok(Some(out))
}

/// `'x'` as SQL: for the few places that need a string of a name.
pub fn string_literal(s: &str) -> String {
    literal(s)
}
