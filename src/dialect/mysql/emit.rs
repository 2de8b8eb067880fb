//! Plan → MySQL/MariaDB SQL. Steps are lowered in plan order; inside one
//! table the clauses are merged into as few `ALTER TABLE` statements as
//! is safe:
//!
//! 1. `RENAME TABLE` when the table is renamed;
//! 2. `ALTER TABLE … DROP FOREIGN KEY …` for dropped foreign keys (the
//!    planner drops those over columns that change in steps of their own:
//!    `plan::pinned_keys`);
//! 3. one `ALTER TABLE` with every other clause (drops before adds, so a
//!    name can be reused);
//! 4. `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY …`.
//!
//! MySQL DDL commits implicitly, so every phase is non-transactional; the
//! apply stage records progress instead (see `apply.rs`).

use std::collections::BTreeSet;

use crate::diff::{Change, ColumnChanges, TableChange};
use crate::ir::{
    Column, DialectKind, FkAction, ForeignKey, Index, IndexKey, Partitioning, Table, Trigger, View,
};
use crate::plan::{Hazard, HazardKind, Plan};

use super::quote::{ident, idents, name, string};
use super::types;
use crate::dialect::{EmitError, EmitOptions, Phase, Script, Statement};

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
        if let Some(first) = lowered.first_mut() {
            first.1.extend(missing);
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
            message: "MySQL and MariaDB commit each DDL statement on its own: a failure part-way leaves the statements before it applied (`strata apply --resume` continues from there)".into(),
        });
    }
    if statements.is_empty() {
        return Ok(Script::default());
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
            vec![(create_table(t), Vec::new())]
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
            alter_table(from, to, changes, options)
        }
        Change::CreateView(v) => vec![(create_view(v, false), Vec::new())],
        Change::ReplaceView { to, .. } => vec![(create_view(to, true), Vec::new())],
        Change::DropView(v) => vec![(format!("DROP VIEW {}", name(&v.name)), Vec::new())],
        Change::RenameView { from, to } => vec![(
            format!("RENAME TABLE {} TO {}", name(from), name(to)),
            Vec::new(),
        )],
        Change::CreateTrigger(t) => vec![(create_trigger(t), Vec::new())],
        Change::DropTrigger(t) => vec![(format!("DROP TRIGGER {}", ident(&t.name)), Vec::new())],
        Change::CreateExtension(_) | Change::DropExtension(_) => {
            return Err(unsupported("create or drop extensions"))
        }
        Change::CreateNamespace(_) | Change::DropNamespace(_) => {
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
        Change::CreateSequence(_) | Change::DropSequence(_) | Change::AlterSequence { .. } => {
            return Err(unsupported("manage sequences"))
        }
        Change::CreateFunction(_) | Change::DropFunction(_) | Change::ReplaceFunction { .. } => {
            return Err(unsupported("manage functions (routines are not modeled yet)"))
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
    })
}

fn no_exclusions(table: &crate::ir::Name) -> EmitError {
    EmitError::Unsupported {
        dialect: DialectKind::Mysql,
        what: format!("add an exclusion constraint to {table} (exclusion constraints are PostgreSQL's)"),
        help: Some("a unique key covers the `=`-only case; overlaps must be checked by the application or a trigger".into()),
    }
}

/// The full definition of a column, as `ADD COLUMN` and `MODIFY COLUMN`
/// take it.
pub fn column_def(c: &Column) -> String {
    let mut s = format!("{} {}", ident(&c.name), c.ty);
    let textual = types::is_textual(c.ty.as_str()) && types::base(c.ty.as_str()) != "json";
    if textual {
        if let Some(cs) = &c.charset {
            s.push_str(&format!(" CHARACTER SET {cs}"));
        }
        if let Some(coll) = &c.collation {
            s.push_str(&format!(" COLLATE {coll}"));
        }
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            g.expr,
            if g.stored { "STORED" } else { "VIRTUAL" }
        ));
        if !c.nullable {
            s.push_str(" NOT NULL");
        }
    } else {
        s.push_str(if c.nullable { " NULL" } else { " NOT NULL" });
        if let Some(d) = &c.default {
            s.push_str(" DEFAULT ");
            s.push_str(&default_sql(d.as_str(), c.ty.as_str()));
        }
        if let Some(u) = &c.on_update {
            s.push_str(&format!(" ON UPDATE {u}"));
        }
        if c.identity.is_some() {
            s.push_str(" AUTO_INCREMENT");
        }
    }
    if c.invisible {
        s.push_str(" INVISIBLE");
    }
    if let Some(cm) = &c.comment {
        s.push_str(&format!(" COMMENT {}", string(cm)));
    }
    s
}

/// Literals as they are; `current_timestamp(…)` bare (every version takes
/// it); any other expression in parentheses, as MySQL 8 requires. Text,
/// blob and JSON columns take even literals as expressions on MySQL 8.
fn default_sql(d: &str, ty: &str) -> String {
    let lower = d.to_ascii_lowercase();
    let literal = d.starts_with('\'')
        || d.starts_with('-')
        || d.starts_with(|c: char| c.is_ascii_digit())
        || lower.starts_with("b'")
        || lower.starts_with("x'")
        || lower == "null";
    let base = types::base(ty);
    let blobby = base.ends_with("text") || base.ends_with("blob") || base == "json";
    if lower.starts_with("current_timestamp") || (literal && !blobby) {
        d.to_string()
    } else {
        format!("({d})")
    }
}

fn index_parts(ix: &Index) -> String {
    ix.parts
        .iter()
        .map(|p| {
            let mut s = match &p.key {
                IndexKey::Column(c) => ident(c),
                IndexKey::Expr(e) => format!("({e})"),
            };
            if let Some(l) = p.length {
                s.push_str(&format!("({l})"));
            }
            if p.desc {
                s.push_str(" DESC");
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `UNIQUE KEY `n` (…)`, `FULLTEXT KEY …`, `KEY …`, for CREATE and ADD.
fn index_def(ix: &Index) -> String {
    let kind = match ix.method.as_deref() {
        Some("fulltext") => "FULLTEXT KEY",
        Some("spatial") => "SPATIAL KEY",
        _ if ix.unique => "UNIQUE KEY",
        _ => "KEY",
    };
    let mut s = format!(
        "{kind} {} ({})",
        ident(ix.name.as_deref().unwrap_or("")),
        index_parts(ix)
    );
    if ix.method.as_deref() == Some("hash") {
        s.push_str(" USING HASH");
    }
    if let Some(c) = &ix.comment {
        s.push_str(&format!(" COMMENT {}", string(c)));
    }
    s
}

fn fk_def(fk: &ForeignKey) -> String {
    let mut s = format!(
        "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({})",
        ident(fk.name.as_deref().unwrap_or("")),
        idents(&fk.columns),
        name(&fk.ref_table),
        idents(&fk.ref_columns)
    );
    if fk.on_delete != FkAction::NoAction {
        s.push_str(&format!(" ON DELETE {}", fk.on_delete.sql()));
    }
    if fk.on_update != FkAction::NoAction {
        s.push_str(&format!(" ON UPDATE {}", fk.on_update.sql()));
    }
    s
}

fn table_options(t: &Table) -> String {
    let mut s = String::new();
    for (k, v) in &t.options {
        let clause = match k.as_str() {
            "engine" => format!("ENGINE={v}"),
            "charset" => format!("DEFAULT CHARSET={v}"),
            "collate" => format!("COLLATE={v}"),
            other => format!("{}={v}", other.to_ascii_uppercase()),
        };
        s.push(' ');
        s.push_str(&clause);
    }
    if let Some(c) = &t.comment {
        s.push_str(&format!(" COMMENT={}", string(c)));
    }
    s
}

fn create_table(t: &Table) -> String {
    let mut lines: Vec<String> = t.columns.iter().map(column_def).collect();
    if let Some(pk) = &t.primary_key {
        lines.push(format!("PRIMARY KEY ({})", idents(&pk.columns)));
    }
    for u in &t.uniques {
        lines.push(format!(
            "UNIQUE KEY {} ({})",
            ident(u.name.as_deref().unwrap_or("")),
            idents(&u.columns)
        ));
    }
    for ix in &t.indexes {
        lines.push(index_def(ix));
    }
    for c in &t.checks {
        lines.push(format!(
            "CONSTRAINT {} CHECK ({})",
            ident(c.name.as_deref().unwrap_or("")),
            c.expr
        ));
    }
    for fk in &t.foreign_keys {
        lines.push(fk_def(fk));
    }
    let partition = match &t.partition {
        Some(Partitioning::By { by }) => format!("\nPARTITION BY {by}"),
        _ => String::new(),
    };
    format!(
        "CREATE TABLE {} (\n  {}\n){}{partition}",
        name(&t.name),
        lines.join(",\n  "),
        table_options(t)
    )
}

fn create_view(v: &View, replace: bool) -> String {
    let cols = if v.columns.is_empty() {
        String::new()
    } else {
        format!(" ({})", idents(&v.columns))
    };
    format!(
        "CREATE {}VIEW {}{cols} AS {}",
        if replace { "OR REPLACE " } else { "" },
        name(&v.name),
        v.body.trim().trim_end_matches(';')
    )
}

fn create_trigger(t: &Trigger) -> String {
    format!(
        "CREATE TRIGGER {} {} {} ON {} FOR EACH ROW {}",
        ident(&t.name),
        t.timing.to_ascii_uppercase(),
        t.events.join(" OR ").to_ascii_uppercase(),
        name(&t.table),
        t.body.trim().trim_end_matches(';')
    )
}

/// How much of the table a clause makes the server touch: the least
/// `ALGORITHM` it allows, and whether writes may go on meanwhile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Algo {
    Instant,
    Inplace,
    /// In place, but writes wait (FULLTEXT and SPATIAL index builds).
    InplaceShared,
    Copy,
}

struct Clause {
    sql: String,
    algo: Algo,
    /// Why the clause is not instant, for the hazard message.
    why: Option<String>,
    hazards: Vec<Hazard>,
    /// The position in the new table of the column this clause places
    /// (`ADD COLUMN`, or a move): placed in that order, each `AFTER` names
    /// a column already where it belongs.
    at: Option<usize>,
}

impl Clause {
    fn new(sql: String, algo: Algo) -> Clause {
        Clause {
            sql,
            algo,
            why: None,
            hazards: Vec::new(),
            at: None,
        }
    }
    fn at(mut self, to: &Table, column: &str) -> Clause {
        self.at = to.columns.iter().position(|c| c.name == column);
        self
    }
    fn why(mut self, why: impl Into<String>) -> Clause {
        self.why = Some(why.into());
        self
    }
    fn hazard(mut self, kind: HazardKind, message: impl Into<String>) -> Clause {
        self.hazards.push(Hazard {
            kind,
            message: message.into(),
        });
        self
    }
}

fn alter_table(
    from: &Table,
    to: &Table,
    changes: &[TableChange],
    options: &EmitOptions,
) -> Lowered {
    let mut out: Lowered = Vec::new();
    let tname = name(&to.name);
    let t = &to.name.name;

    // Renamed columns that also change are one CHANGE COLUMN.
    let mut renamed: Vec<(String, String)> = Vec::new();
    for c in changes {
        if let TableChange::RenameTable { from, to } = c {
            out.push((
                format!("RENAME TABLE {} TO {}", name(from), name(to)),
                Vec::new(),
            ));
        }
        if let TableChange::RenameColumn { from, to } = c {
            renamed.push((from.clone(), to.clone()));
        }
    }
    let altered: BTreeSet<String> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::AlterColumn { to, .. } => Some(to.name.clone()),
            _ => None,
        })
        .collect();

    let dropped_fks: Vec<&ForeignKey> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::DropForeignKey(fk) => Some(fk),
            _ => None,
        })
        .collect();
    let mut added_fks: Vec<ForeignKey> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::AddForeignKey(fk) => Some(fk.clone()),
            _ => None,
        })
        .collect();
    let mut fk_drops: Vec<String> = dropped_fks.iter().filter_map(|f| f.name.clone()).collect();
    // Renamed foreign keys: MySQL cannot rename one, so drop and re-add.
    for c in changes {
        if let TableChange::RenameForeignKey { from: old, to: new } = c {
            fk_drops.push(old.clone());
            if let Some(fk) = to
                .foreign_keys
                .iter()
                .find(|f| f.name.as_deref() == Some(new))
            {
                added_fks.push(fk.clone());
            }
        }
    }
    if !fk_drops.is_empty() {
        let clauses: Vec<Clause> = fk_drops
            .iter()
            .map(|f| Clause::new(format!("DROP FOREIGN KEY {}", ident(f)), Algo::Inplace))
            .collect();
        out.push(statement(&tname, clauses, options));
    }

    // A new default character set converts the columns that inherit it,
    // as the desired schema says; columns with their own character set
    // are set back in the main statement.
    let mut reset_columns: Vec<Clause> = Vec::new();
    for c in changes {
        let TableChange::SetOptions { from: old, to: new } = c else {
            continue;
        };
        if old.get("charset") == new.get("charset") && old.get("collate") == new.get("collate") {
            continue;
        }
        let target = match (new.get("charset"), new.get("collate")) {
            (_, Some(coll)) => format!(
                "CHARACTER SET {} COLLATE {coll}",
                coll.split('_').next().unwrap_or("utf8mb4")
            ),
            (Some(cs), None) => format!("CHARACTER SET {cs}"),
            (None, None) => "CHARACTER SET DEFAULT".to_string(),
        };
        out.push(statement(
            &tname,
            vec![Clause::new(format!("CONVERT TO {target}"), Algo::Copy)
                .why(format!(
                    "converting {t} to another character set copies the table"
                ))
                .hazard(
                    HazardKind::TableRewrite,
                    format!("converting {t} to another character set copies the table"),
                )],
            options,
        ));
        for col in &to.columns {
            if (col.charset.is_some() || col.collation.is_some()) && !altered.contains(&col.name) {
                reset_columns.push(Clause::new(
                    format!("MODIFY COLUMN {}", column_def(col)),
                    Algo::Copy,
                ));
            }
        }
    }

    let mut recreated_cols: BTreeSet<String> = BTreeSet::new();
    let mut drops: Vec<Clause> = Vec::new();
    let mut mids: Vec<Clause> = Vec::new();
    let mut adds: Vec<Clause> = Vec::new();
    for c in changes {
        match c {
            TableChange::RenameTable { .. } | TableChange::RenameForeignKey { .. } => {}
            TableChange::AddForeignKey(_) | TableChange::DropForeignKey(_) => {}
            TableChange::RenameColumn { from: old, to: new } => {
                if !altered.contains(new) {
                    mids.push(Clause::new(
                        format!("RENAME COLUMN {} TO {}", ident(old), ident(new)),
                        Algo::Instant,
                    ));
                }
            }
            TableChange::AddColumn(col) => {
                let place = place(to, &col.name);
                let mut cl = Clause::new(
                    format!("ADD COLUMN {}{place}", column_def(col)),
                    Algo::Instant,
                )
                .at(to, &col.name);
                if col.generated.as_ref().is_some_and(|g| g.stored) {
                    cl.algo = Algo::Copy;
                    cl = cl.why(format!(
                        "adding the stored generated column {} rewrites the table",
                        col.name
                    ));
                } else if col.identity.is_some() {
                    cl.algo = Algo::Copy;
                    cl = cl.why(format!(
                        "adding the auto-increment column {} rewrites the table",
                        col.name
                    ));
                }
                if !col.nullable
                    && col.default.is_none()
                    && col.generated.is_none()
                    && col.identity.is_none()
                {
                    cl = cl.hazard(HazardKind::MayFail, format!("column {t}.{} is NOT NULL without a default: existing rows get the type's zero value, or the statement fails in strict mode for some types", col.name));
                }
                adds.push(cl);
            }
            TableChange::DropColumn(col) => {
                drops.push(Clause::new(
                    format!("DROP COLUMN {}", ident(&col.name)),
                    Algo::Instant,
                ));
            }
            TableChange::AlterColumn {
                from: old,
                to: new,
                what,
            } => {
                if recreated(old, new) {
                    // Neither server can MODIFY a column into or out of
                    // being generated, nor between VIRTUAL and STORED.
                    drops.push(Clause::new(
                        format!("DROP COLUMN {}", ident(&old.name)),
                        Algo::Copy,
                    ));
                    adds.push(
                        Clause::new(
                            format!("ADD COLUMN {}{}", column_def(new), place(to, &new.name)),
                            Algo::Copy,
                        )
                        .at(to, &new.name)
                        .why(format!("{t}.{} is dropped and added again", new.name))
                        .hazard(
                            HazardKind::DataLoss,
                            format!(
                                "{t}.{} is dropped and added again: its stored values are recomputed or lost",
                                new.name
                            ),
                        ),
                    );
                    recreated_cols.insert(new.name.clone());
                } else {
                    if what.position {
                        // Moves go with the added columns, in the new
                        // table's order: the column it follows may be new.
                        adds.push(
                            alter_column(t, old, new, what, &renamed, &place(to, &new.name))
                                .at(to, &new.name),
                        );
                    } else {
                        mids.push(alter_column(t, old, new, what, &renamed, ""));
                    }
                }
            }
            TableChange::AddPrimaryKey(pk) => adds.push(
                Clause::new(
                    format!("ADD PRIMARY KEY ({})", idents(&pk.columns)),
                    Algo::Inplace,
                )
                .why("a new primary key rebuilds the table")
                .hazard(
                    HazardKind::TableRewrite,
                    format!("adding the primary key of {t} rebuilds the table"),
                )
                .hazard(
                    HazardKind::MayFail,
                    format!(
                        "duplicate or NULL values in ({}) make adding the primary key of {t} fail",
                        pk.columns.join(", ")
                    ),
                ),
            ),
            TableChange::DropPrimaryKey(_) => drops.push(
                Clause::new("DROP PRIMARY KEY".into(), Algo::Copy)
                    .why("dropping the primary key copies the table")
                    .hazard(
                        HazardKind::TableRewrite,
                        format!("dropping the primary key of {t} copies the table"),
                    ),
            ),
            TableChange::AddUnique(u) => adds.push(
                Clause::new(
                    format!(
                        "ADD UNIQUE KEY {} ({})",
                        ident(u.name.as_deref().unwrap_or("")),
                        idents(&u.columns)
                    ),
                    Algo::Inplace,
                )
                .why("building an index")
                .hazard(
                    HazardKind::IndexBuild,
                    format!(
                        "builds the unique index {} on {t}",
                        u.name.as_deref().unwrap_or("")
                    ),
                )
                .hazard(
                    HazardKind::MayFail,
                    format!(
                        "duplicate values in ({}) make the unique index on {t} fail",
                        u.columns.join(", ")
                    ),
                ),
            ),
            TableChange::DropUnique(u) => drops.push(Clause::new(
                format!("DROP INDEX {}", ident(u.name.as_deref().unwrap_or(""))),
                Algo::Inplace,
            )),
            TableChange::RenameUnique { from: a, to: b }
            | TableChange::RenameIndex { from: a, to: b } => mids.push(Clause::new(
                format!("RENAME INDEX {} TO {}", ident(a), ident(b)),
                Algo::Instant,
            )),
            TableChange::AddIndex(ix) => {
                let algo = if matches!(ix.method.as_deref(), Some("fulltext") | Some("spatial")) {
                    Algo::InplaceShared
                } else {
                    Algo::Inplace
                };
                let mut cl = Clause::new(format!("ADD {}", index_def(ix)), algo)
                    .why("building an index")
                    .hazard(
                        HazardKind::IndexBuild,
                        format!(
                            "builds the index {} on {t}",
                            ix.name.as_deref().unwrap_or("")
                        ),
                    );
                if ix.unique {
                    cl = cl.hazard(
                        HazardKind::MayFail,
                        format!(
                            "duplicate values make the unique index {} on {t} fail",
                            ix.name.as_deref().unwrap_or("")
                        ),
                    );
                }
                adds.push(cl);
            }
            TableChange::DropIndex(ix) => drops.push(Clause::new(
                format!("DROP INDEX {}", ident(ix.name.as_deref().unwrap_or(""))),
                Algo::Inplace,
            )),
            TableChange::AddCheck(ck) => adds.push(
                Clause::new(
                    format!(
                        "ADD CONSTRAINT {} CHECK ({})",
                        ident(ck.name.as_deref().unwrap_or("")),
                        ck.expr
                    ),
                    Algo::Copy,
                )
                .why("adding a check constraint validates every row by copying the table")
                .hazard(
                    HazardKind::MayFail,
                    format!(
                        "rows of {t} that break ({}) make the statement fail",
                        ck.expr
                    ),
                ),
            ),
            TableChange::DropCheck(ck) => drops.push(Clause::new(
                format!(
                    "DROP CONSTRAINT {}",
                    ident(ck.name.as_deref().unwrap_or(""))
                ),
                Algo::Instant,
            )),
            TableChange::RenameCheck { from: old, to: new } => {
                drops.push(Clause::new(
                    format!("DROP CONSTRAINT {}", ident(old)),
                    Algo::Instant,
                ));
                if let Some(ck) = to.checks.iter().find(|c| c.name.as_deref() == Some(new)) {
                    adds.push(
                        Clause::new(
                            format!("ADD CONSTRAINT {} CHECK ({})", ident(new), ck.expr),
                            Algo::Copy,
                        )
                        .why("re-adding a renamed check constraint copies the table"),
                    );
                }
            }
            TableChange::SetComment { to: c, .. } => mids.push(Clause::new(
                format!("COMMENT = {}", string(c.as_deref().unwrap_or(""))),
                Algo::Instant,
            )),
            TableChange::SetOptions { from: old, to: new } => {
                mids.extend(set_options(t, old, new));
            }
            // Refused before: `change` never lets them reach here.
            TableChange::AddExclusion(_) | TableChange::DropExclusion(_) => {}
        }
    }
    // Indexes over a column that was dropped and added again lost it.
    let touched = |ix_cols: Vec<String>| ix_cols.iter().any(|c| recreated_cols.contains(c));
    for u in &to.uniques {
        let in_changes = changes
            .iter()
            .any(|c| matches!(c, TableChange::AddUnique(x) if x.name == u.name));
        if !in_changes && touched(u.columns.clone()) {
            let n = ident(u.name.as_deref().unwrap_or(""));
            drops.push(Clause::new(format!("DROP INDEX {n}"), Algo::Inplace));
            adds.push(Clause::new(
                format!("ADD UNIQUE KEY {n} ({})", idents(&u.columns)),
                Algo::Inplace,
            ));
        }
    }
    for ix in &to.indexes {
        let in_changes = changes
            .iter()
            .any(|c| matches!(c, TableChange::AddIndex(x) if x.name == ix.name));
        let cols: Vec<String> = ix
            .parts
            .iter()
            .filter_map(|p| match &p.key {
                IndexKey::Column(c) => Some(c.clone()),
                IndexKey::Expr(_) => None,
            })
            .collect();
        if !in_changes && touched(cols) {
            drops.push(Clause::new(
                format!("DROP INDEX {}", ident(ix.name.as_deref().unwrap_or(""))),
                Algo::Inplace,
            ));
            adds.push(Clause::new(format!("ADD {}", index_def(ix)), Algo::Inplace));
        }
    }

    // Added columns in table order, so that `AFTER x` names a column
    // that already exists when the clause runs.
    adds.sort_by_key(|c| c.at.map_or((1, 0), |p| (0, p)));
    let mut main: Vec<Clause> = Vec::new();
    main.extend(drops);
    main.extend(mids);
    main.extend(reset_columns);
    main.extend(adds);
    if !main.is_empty() {
        out.push(statement(&tname, main, options));
    }

    if !added_fks.is_empty() {
        // An index InnoDB created for an earlier foreign key (named after
        // its first column) is replaced by one named after the new
        // constraint when that constraint is added; defining the index
        // again in the same statement keeps it, under its name.
        let mut clauses: Vec<Clause> = Vec::new();
        for fk in &added_fks {
            let Some(first) = fk.columns.first() else {
                continue;
            };
            let implicit = to.indexes.iter().find(|ix| {
                ix.name.as_deref() == Some(first.as_str())
                    && ix.name != fk.name
                    && !ix.unique
                    && ix.method.is_none()
                    && ix.parts.len() == fk.columns.len()
                    && ix.parts.iter().zip(&fk.columns).all(|(p, c)| {
                        p.key == IndexKey::Column(c.clone()) && p.length.is_none() && !p.desc
                    })
                    && from.indexes.contains(ix)
            });
            if let Some(ix) = implicit {
                let n = ident(ix.name.as_deref().unwrap_or(""));
                clauses.push(Clause::new(format!("DROP INDEX {n}"), Algo::Inplace));
                clauses.push(
                    Clause::new(format!("ADD {}", index_def(ix)), Algo::Inplace).hazard(
                        HazardKind::IndexBuild,
                        format!(
                            "rebuilds the index {} on {t} so that it outlives the new foreign key",
                            ix.name.as_deref().unwrap_or("")
                        ),
                    ),
                );
            }
        }
        let fk_clauses: Vec<Clause> = added_fks
            .iter()
            .map(|fk| {
                Clause::new(format!("ADD {}", fk_def(fk)), Algo::Copy)
                    .why("adding a foreign key with foreign_key_checks on copies the table")
                    .hazard(
                        HazardKind::MayFail,
                        format!(
                            "rows of {t} without a match in {} make adding {} fail",
                            fk.ref_table,
                            fk.name.as_deref().unwrap_or("")
                        ),
                    )
            })
            .collect();
        clauses.extend(fk_clauses);
        out.push(statement(&tname, clauses, options));
    }
    out
}

/// ` FIRST` or ` AFTER prev`: where a column stands in the new table.
fn place(to: &Table, column: &str) -> String {
    match to.columns.iter().position(|c| c.name == column) {
        Some(0) => " FIRST".to_string(),
        Some(i) => format!(" AFTER {}", ident(&to.columns[i - 1].name)),
        None => String::new(),
    }
}

/// Whether a column change needs DROP and ADD rather than MODIFY.
fn recreated(old: &Column, new: &Column) -> bool {
    match (&old.generated, &new.generated) {
        (None, None) => false,
        (Some(a), Some(b)) => a.stored != b.stored,
        _ => true,
    }
}

fn alter_column(
    t: &str,
    old: &Column,
    new: &Column,
    what: &ColumnChanges,
    renamed: &[(String, String)],
    place: &str,
) -> Clause {
    let rename_from = renamed
        .iter()
        .find(|(_, n)| *n == new.name)
        .map(|(o, _)| o.clone());
    let only_default = !what.ty
        && !what.nullable
        && !what.identity
        && !what.generated
        && !what.collation
        && !what.charset
        && !what.on_update
        && !what.invisible
        && !what.comment
        && !what.position
        && what.default;
    if only_default && rename_from.is_none() {
        let sql = match &new.default {
            Some(d) => format!(
                "ALTER COLUMN {} SET DEFAULT {}",
                ident(&new.name),
                default_sql(d.as_str(), new.ty.as_str())
            ),
            None => format!("ALTER COLUMN {} DROP DEFAULT", ident(&new.name)),
        };
        return Clause::new(sql, Algo::Instant);
    }
    let sql = match &rename_from {
        Some(o) => format!("CHANGE COLUMN {} {}{place}", ident(o), column_def(new)),
        None => format!("MODIFY COLUMN {}{place}", column_def(new)),
    };
    let mut cl = Clause::new(sql, Algo::Instant);
    if what.position {
        // MariaDB 10.4+ moves a column instantly, MySQL 8 rebuilds the
        // table in place: INPLACE is what both accept.
        cl.algo = Algo::Inplace;
        cl = cl.why(format!("moving {t}.{} may rebuild the table", new.name));
    }
    if what.ty {
        if widening(old.ty.as_str(), new.ty.as_str()) {
            cl.algo = Algo::Inplace;
            cl = cl.why(format!("widening {t}.{} may rebuild the table", new.name));
        } else {
            cl.algo = Algo::Copy;
            cl = cl
                .why(format!(
                    "changing the type of {t}.{} copies the table",
                    new.name
                ))
                .hazard(
                    HazardKind::TableRewrite,
                    format!(
                        "changing {t}.{} from {} to {} copies the table",
                        new.name, old.ty, new.ty
                    ),
                );
            if !lossless(old.ty.as_str(), new.ty.as_str()) {
                cl = cl.hazard(
                    HazardKind::DataLoss,
                    format!(
                        "values of {t}.{} may be truncated or fail to convert from {} to {}",
                        new.name, old.ty, new.ty
                    ),
                );
            }
        }
    }
    if what.charset || what.collation {
        cl.algo = cl.algo.max(Algo::Copy);
        cl = cl
            .why(format!(
                "changing the character set or collation of {t}.{} copies the table",
                new.name
            ))
            .hazard(
                HazardKind::TableRewrite,
                format!(
                    "converting {t}.{} to another character set or collation copies the table",
                    new.name
                ),
            );
    }
    if what.nullable {
        cl.algo = cl.algo.max(Algo::Inplace);
        cl = cl.why(format!(
            "changing the nullability of {t}.{} rebuilds the table",
            new.name
        ));
        if !new.nullable {
            cl = cl.hazard(
                HazardKind::MayFail,
                format!("NULL values in {t}.{} make SET NOT NULL fail", new.name),
            );
        }
    }
    if what.generated || what.identity || what.on_update {
        cl.algo = cl.algo.max(Algo::Copy);
        cl = cl.why(format!(
            "changing how {t}.{} is computed copies the table",
            new.name
        ));
    }
    cl
}

/// Whether every value of the old type fits the new one.
fn lossless(from: &str, to: &str) -> bool {
    if widening(from, to) {
        return true;
    }
    let rank = |b: &str| -> Option<usize> {
        ["tinyint", "smallint", "mediumint", "int", "bigint"]
            .iter()
            .position(|x| *x == b)
            .or_else(|| {
                ["tinytext", "text", "mediumtext", "longtext"]
                    .iter()
                    .position(|x| *x == b)
                    .map(|p| p + 10)
            })
            .or_else(|| {
                ["tinyblob", "blob", "mediumblob", "longblob"]
                    .iter()
                    .position(|x| *x == b)
                    .map(|p| p + 20)
            })
    };
    let (fb, tb) = (types::base(from), types::base(to));
    let unsigned = |t: &str| t.contains("unsigned");
    if let (Some(a), Some(b)) = (rank(&fb), rank(&tb)) {
        return a / 10 == b / 10
            && b >= a
            && (a >= 10 || unsigned(from) == unsigned(to) || (!unsigned(to) && b > a));
    }
    let args = |t: &str| -> Vec<u64> {
        t.find('(')
            .and_then(|o| {
                t[o + 1..]
                    .split(')')
                    .next()
                    .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
            })
            .unwrap_or_default()
    };
    let (fa, ta) = (args(from), args(to));
    match (fb.as_str(), tb.as_str()) {
        ("varchar", "varchar")
        | ("char", "varchar")
        | ("char", "char")
        | ("varbinary", "varbinary") => fa.first() <= ta.first(),
        ("varchar" | "char", "text" | "mediumtext" | "longtext") => true,
        ("decimal", "decimal") => {
            fa.len() == 2 && ta.len() == 2 && ta[1] >= fa[1] && ta[0] - ta[1] >= fa[0] - fa[1]
        }
        ("float", "double") => true,
        _ => false,
    }
}

/// Whether a type change only widens (same family, larger size), which
/// InnoDB can do without copying rows.
fn widening(from: &str, to: &str) -> bool {
    let (fb, tb) = (types::base(from), types::base(to));
    let len = |t: &str| -> Option<u64> {
        let open = t.find('(')?;
        let close = t[open..].find(')')? + open;
        t[open + 1..close].split(',').next()?.trim().parse().ok()
    };
    if fb == tb && (fb == "varchar" || fb == "varbinary") {
        // The length prefix grows from one to two bytes at 256 bytes.
        return match (len(from), len(to)) {
            (Some(a), Some(b)) => b >= a && (b <= 63 || a > 255),
            _ => false,
        };
    }
    if fb == "enum" || fb == "set" {
        // Values appended at the end keep every stored number.
        let inner = |t: &str| {
            t[t.find('(').unwrap_or(0)..]
                .trim_end_matches(')')
                .to_string()
        };
        return to.starts_with(&inner(from)[..]) || inner(to).starts_with(&inner(from));
    }
    false
}

fn set_options(
    t: &str,
    old: &std::collections::BTreeMap<String, String>,
    new: &std::collections::BTreeMap<String, String>,
) -> Vec<Clause> {
    let mut out = Vec::new();
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for k in keys {
        if k == "charset" || k == "collate" || old.get(k) == new.get(k) {
            continue;
        }
        let clause = match (k.as_str(), new.get(k)) {
            ("engine", v) => Clause::new(
                format!("ENGINE = {}", v.map(String::as_str).unwrap_or("InnoDB")),
                Algo::Copy,
            )
            .why("changing the storage engine copies the table")
            .hazard(
                HazardKind::TableRewrite,
                format!("changing the engine of {t} copies the table"),
            ),
            (other, v) => Clause::new(
                format!(
                    "{} = {}",
                    other.to_ascii_uppercase(),
                    v.map(String::as_str).unwrap_or("DEFAULT")
                ),
                Algo::Inplace,
            )
            .why(format!("changing {other} rebuilds the table"))
            .hazard(
                HazardKind::TableRewrite,
                format!("changing {other} of {t} rebuilds the table"),
            ),
        };
        out.push(clause);
    }
    out
}

/// One `ALTER TABLE` of merged clauses. In online mode the least
/// algorithm every clause allows is requested, so that the server refuses
/// rather than silently locking; a clause that needs COPY is left to the
/// server with a hazard.
fn statement(table: &str, clauses: Vec<Clause>, options: &EmitOptions) -> (String, Vec<Hazard>) {
    let algo = clauses
        .iter()
        .map(|c| c.algo)
        .max()
        .unwrap_or(Algo::Instant);
    let mut hazards: Vec<Hazard> = Vec::new();
    for c in &clauses {
        for h in &c.hazards {
            if !hazards.contains(h) {
                hazards.push(h.clone());
            }
        }
    }
    let mut parts: Vec<String> = clauses.iter().map(|c| c.sql.clone()).collect();
    if options.online {
        match algo {
            Algo::Instant => parts.push("ALGORITHM=INSTANT".into()),
            Algo::Inplace => {
                parts.push("ALGORITHM=INPLACE".into());
                parts.push("LOCK=NONE".into());
            }
            Algo::InplaceShared => {
                parts.push("ALGORITHM=INPLACE".into());
                parts.push("LOCK=SHARED".into());
                hazards.push(Hazard {
                    kind: HazardKind::AccessExclusiveLock,
                    message: format!(
                        "a FULLTEXT or SPATIAL index build on {table} blocks writes while it runs"
                    ),
                });
            }
            Algo::Copy => {
                let why = clauses
                    .iter()
                    .filter(|c| c.algo == Algo::Copy)
                    .filter_map(|c| c.why.clone())
                    .collect::<Vec<_>>()
                    .join("; ");
                hazards.push(Hazard {
                    kind: HazardKind::AccessExclusiveLock,
                    message: format!(
                        "cannot run online: {why}; writes to {table} wait until it ends"
                    ),
                });
            }
        }
    } else if algo == Algo::Copy && !hazards.iter().any(|h| h.kind == HazardKind::TableRewrite) {
        let why = clauses
            .iter()
            .filter(|c| c.algo == Algo::Copy)
            .filter_map(|c| c.why.clone())
            .collect::<Vec<_>>()
            .join("; ");
        hazards.push(Hazard {
            kind: HazardKind::TableRewrite,
            message: why,
        });
    }
    (
        format!("ALTER TABLE {table}\n  {}", parts.join(",\n  ")),
        hazards,
    )
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

    #[test]
    fn widening_rules() {
        assert!(widening("varchar(10)", "varchar(20)"));
        assert!(!widening("varchar(10)", "varchar(300)"));
        assert!(!widening("varchar(20)", "varchar(10)"));
        assert!(widening("enum('a','b')", "enum('a','b','c')"));
        assert!(!widening("enum('a','b')", "enum('b','a')"));
        assert!(!widening("int", "bigint"));
        assert!(lossless("int", "bigint"));
        assert!(!lossless("bigint", "int"));
        assert!(!lossless("int unsigned", "int"));
        assert!(lossless("decimal(10,2)", "decimal(12,2)"));
        assert!(!lossless("varchar(10)", "int"));
    }

    #[test]
    fn defaults_are_parenthesized_where_needed() {
        assert_eq!(default_sql("'x'", "varchar(3)"), "'x'");
        assert_eq!(default_sql("'x'", "text"), "('x')");
        assert_eq!(default_sql("uuid()", "varchar(36)"), "(uuid())");
        assert_eq!(
            default_sql("current_timestamp()", "timestamp"),
            "current_timestamp()"
        );
    }
}
