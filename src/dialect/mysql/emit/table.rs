//! Tables: `CREATE TABLE`, and the statements that change one, written
//! from the layout [`crate::dialect::mysql::alter`] gives them: one
//! function per kind of clause.

use super::column::{column_def, default_sql};
use super::constraints::fk_def;
use super::index::index_def;
use super::Lowered;
use crate::dialect::keep::{kept_object_name, Moves};
use crate::dialect::mysql::alter::{self, check_column, Action, Algo, Clause, Place, Statement};
use crate::dialect::mysql::hazards;
use crate::dialect::mysql::quote::{ident, idents, name, string};
use crate::dialect::EmitOptions;
use crate::diff::TableChange;
use crate::ir::{Check, Column, ForeignKey, Partitioning, PrimaryKey, Table};
use crate::plan::Hazard;

fn table_options(t: &Table) -> String {
    let mut s = String::new();
    for (k, v) in t
        .options
        .iter()
        .filter(|(k, _)| *k != alter::SYSTEM_VERSIONING)
    {
        let clause = match k.as_str() {
            "engine" => format!("ENGINE={v}"),
            "charset" => format!("DEFAULT CHARSET={v}"),
            "collate" => format!("COLLATE={v}"),
            other => format!("{}={v}", other.to_ascii_uppercase()),
        };
        s.push(' ');
        s.push_str(&clause);
    }
    // Only an introspected table has it: the rollback that makes a
    // dropped table again must not hand out its ids a second time.
    if let Some(n) = t.next_auto_increment {
        s.push_str(&format!(" AUTO_INCREMENT={n}"));
    }
    if let Some(c) = &t.comment {
        s.push_str(&format!(" COMMENT={}", string(c)));
    }
    if alter::versioned(t) {
        s.push_str(" WITH SYSTEM VERSIONING");
    }
    s
}

/// `PRIMARY KEY (…) [COMMENT '…']`, in `CREATE TABLE` and `ADD`.
fn primary_key_def(pk: &PrimaryKey) -> String {
    let comment = pk
        .comment
        .as_ref()
        .map(|c| format!(" COMMENT {}", string(c)))
        .unwrap_or_default();
    let using = match pk.method.as_deref() {
        Some(m) => format!(" USING {}", m.to_ascii_uppercase()),
        None => String::new(),
    };
    let columns: Vec<String> = pk
        .columns
        .iter()
        .map(|c| {
            let col = match pk.lengths.get(c) {
                Some(n) => format!("{}({n})", ident(c)),
                None => ident(c),
            };
            match pk.descending.contains(c) {
                true => format!("{col} DESC"),
                false => col,
            }
        })
        .collect();
    format!("PRIMARY KEY ({}){using}{comment}", columns.join(", "))
}

pub(super) fn create_table(t: &Table) -> String {
    // A check written on a column (MariaDB keeps it apart) goes on its line.
    let on_column = |ck: &Check| check_column(t, ck).is_some();
    let mut lines: Vec<String> = t.columns.iter().map(|c| column_with_checks(c, t)).collect();
    if let Some(pk) = &t.primary_key {
        lines.push(primary_key_def(pk));
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
    for c in t.checks.iter().filter(|ck| !on_column(ck)) {
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

/// The statements that make `changes` to `from`, which becomes `to`.
pub(super) fn alter_table(
    from: &Table,
    to: &Table,
    changes: &[TableChange],
    options: &EmitOptions,
) -> Lowered {
    let tname = name(&to.name);
    let (changes, filled) = backfilled(changes);
    let mut out: Lowered = hazards::layout(from, to, &changes, options)
        .into_iter()
        .map(|s| match s {
            Statement::RenameTable { from, to } => (
                format!("RENAME TABLE {} TO {}", name(from), name(to)),
                Vec::new(),
            ),
            Statement::Alter(clauses) => statement(&tname, to, &clauses, options),
        })
        .collect();

    for (c, fill) in filled {
        let col = ident(&c.name);
        out.push((
            format!("UPDATE {tname} SET {col} = ({fill}) WHERE {col} IS NULL"),
            Vec::new(),
        ));
        if c.nullable {
            continue;
        }
        out.push((
            format!("ALTER TABLE {tname}\n  MODIFY COLUMN {}", column_def(c)),
            vec![crate::plan::Hazard {
                kind: crate::plan::HazardKind::TableRewrite,
                message: format!("{tname} is copied to make `{}` NOT NULL", c.name),
                acknowledged: None,
            }],
        ));
    }
    if alter::versioned(from) && alter::versioned(to) && !out.is_empty() {
        out.insert(0, (KEEP_HISTORY.into(), Vec::new()));
        out.push((RESTORE_HISTORY.into(), Vec::new()));
    }
    out
}

/// Around the statements that alter a system-versioned table (MariaDB
/// refuses them otherwise); apply runs these again on resume, and they
/// change nothing that lasts.
const KEEP_HISTORY: &str = "SET @strata_system_versioning_alter_history = @@SESSION.system_versioning_alter_history, SESSION system_versioning_alter_history = KEEP";
const RESTORE_HISTORY: &str =
    "SET SESSION system_versioning_alter_history = @strata_system_versioning_alter_history";

/// `changes` with each new column that carries a `backfill` added
/// nullable, and those columns with their fill: the caller fills them
/// and then makes the NOT NULL ones NOT NULL (`MODIFY COLUMN`).
fn backfilled(changes: &[TableChange]) -> (Vec<TableChange>, Vec<(&Column, &str)>) {
    let mut filled = Vec::new();
    let changes = changes
        .iter()
        .map(|ch| match ch {
            TableChange::AddColumn(c) => match &c.backfill {
                Some(fill) => {
                    filled.push((c, fill.0.as_str()));
                    let mut open = c.clone();
                    open.nullable = true;
                    TableChange::AddColumn(open)
                }
                None => ch.clone(),
            },
            _ => ch.clone(),
        })
        .collect();
    (changes, filled)
}

/// One `ALTER TABLE` of merged clauses, with the `ALGORITHM` and `LOCK`
/// every clause allows in online mode (none when one needs COPY: the
/// server is left to copy, and the hazard says so).
fn statement(
    table: &str,
    to: &Table,
    clauses: &[Clause<'_>],
    options: &EmitOptions,
) -> (String, Vec<Hazard>) {
    let hazards = hazards::statement(table, clauses, options.online);
    // A check on a column (MariaDB) is part of the column's definition: a
    // clause that writes the column again writes it too, and then stands
    // for adding or dropping it.
    let written: Vec<&str> = clauses
        .iter()
        .filter_map(|c| match &c.action {
            Action::ModifyColumn(col, _)
            | Action::ChangeColumn { column: col, .. }
            | Action::AddColumn(col, _) => Some(col.name.as_str()),
            _ => None,
        })
        .collect();
    let mut parts: Vec<String> = clauses
        .iter()
        .filter(|c| match &c.action {
            Action::AddCheck {
                column: Some(col), ..
            }
            | Action::DropColumnCheck(col) => !written.contains(&col.name.as_str()),
            _ => true,
        })
        .map(|c| clause(&c.action, to))
        .collect();
    if options.online {
        match alter::algorithm(clauses) {
            Algo::Instant => parts.push("ALGORITHM=INSTANT".into()),
            Algo::Inplace => {
                parts.push("ALGORITHM=INPLACE".into());
                parts.push("LOCK=NONE".into());
            }
            Algo::InplaceShared => {
                parts.push("ALGORITHM=INPLACE".into());
                parts.push("LOCK=SHARED".into());
            }
            Algo::Copy => {}
        }
    }
    (
        format!("ALTER TABLE {table}\n  {}", parts.join(",\n  ")),
        hazards,
    )
}

/// A column's definition with the checks written on it in `to`.
fn column_with_checks(c: &Column, to: &Table) -> String {
    let mut def = column_def(c);
    for ck in to
        .checks
        .iter()
        .filter(|ck| ck.column.as_deref() == Some(&c.name))
    {
        def.push_str(&format!(" CHECK ({})", ck.expr));
    }
    def
}

/// The SQL of one clause of an `ALTER TABLE` that makes the table `to`.
fn clause(a: &Action<'_>, to: &Table) -> String {
    match a {
        Action::DropForeignKey(n) => format!("DROP FOREIGN KEY {}", ident(n)),
        Action::ConvertTo { charset, collate } => convert_to(*charset, *collate),
        Action::ModifyColumn(c, p) => {
            format!("MODIFY COLUMN {}{}", column_with_checks(c, to), place(p))
        }
        Action::ChangeColumn {
            from,
            column,
            place: p,
        } => format!(
            "CHANGE COLUMN {} {}{}",
            ident(from),
            column_with_checks(column, to),
            place(p)
        ),
        Action::SetDefault(c) => set_default(c),
        Action::RenameColumn { from, to } => {
            format!("RENAME COLUMN {} TO {}", ident(from), ident(to))
        }
        Action::AddColumn(c, p) => format!("ADD COLUMN {}{}", column_with_checks(c, to), place(p)),
        Action::DropColumn(n) => format!("DROP COLUMN {}", ident(n)),
        Action::AddPrimaryKey(pk) => format!("ADD {}", primary_key_def(pk)),
        Action::DropPrimaryKey => "DROP PRIMARY KEY".into(),
        Action::AddUnique(u) => format!(
            "ADD UNIQUE KEY {} ({})",
            ident(u.name.as_deref().unwrap_or("")),
            idents(&u.columns)
        ),
        Action::AddIndex(ix) => format!("ADD {}", index_def(ix)),
        Action::DropIndex(n) => format!("DROP INDEX {}", ident(n)),
        Action::SetIgnored(n, true) => format!("ALTER INDEX {} IGNORED", ident(n)),
        Action::SetIgnored(n, false) => format!("ALTER INDEX {} NOT IGNORED", ident(n)),
        Action::RenameIndex { from, to } => {
            format!("RENAME INDEX {} TO {}", ident(from), ident(to))
        }
        Action::AddCheck {
            column: Some(c),
            expr,
            ..
        } => format!("MODIFY COLUMN {} CHECK ({expr})", column_def(c)),
        Action::AddCheck { name, expr, .. } => {
            format!("ADD CONSTRAINT {} CHECK ({expr})", ident(name))
        }
        Action::DropCheck(n) => format!("DROP CONSTRAINT {}", ident(n)),
        Action::DropColumnCheck(c) => format!("MODIFY COLUMN {}", column_def(c)),
        Action::SetComment(c) => format!("COMMENT = {}", string(c)),
        Action::SetOption(k, v) => set_option(k, *v),
        Action::SystemVersioning(true) => "ADD SYSTEM VERSIONING".into(),
        Action::SystemVersioning(false) => "DROP SYSTEM VERSIONING".into(),
        Action::AddForeignKey(fk) => format!("ADD {}", fk_def(fk)),
        Action::Partition(Some(by)) => format!("PARTITION BY {by}"),
        Action::Partition(None) => "REMOVE PARTITIONING".into(),
    }
}

/// `CONVERT TO CHARACTER SET cs [COLLATE c]`; a collation names its
/// character set in its first word.
fn convert_to(charset: Option<&str>, collate: Option<&str>) -> String {
    let target = match (charset, collate) {
        (_, Some(coll)) => format!(
            "CHARACTER SET {} COLLATE {coll}",
            coll.split('_').next().unwrap_or("utf8mb4")
        ),
        (Some(cs), None) => format!("CHARACTER SET {cs}"),
        (None, None) => "CHARACTER SET DEFAULT".to_string(),
    };
    format!("CONVERT TO {target}")
}

fn set_default(c: &Column) -> String {
    match &c.default {
        Some(d) => format!(
            "ALTER COLUMN {} SET DEFAULT {}",
            ident(&c.name),
            default_sql(d.as_str(), c.ty.as_str())
        ),
        None => format!("ALTER COLUMN {} DROP DEFAULT", ident(&c.name)),
    }
}

fn set_option(key: &str, value: Option<&str>) -> String {
    match key {
        "engine" => format!("ENGINE = {}", value.unwrap_or("InnoDB")),
        other => format!(
            "{} = {}",
            other.to_ascii_uppercase(),
            value.unwrap_or(crate::dialect::mysql::normalize::unset_value(other))
        ),
    }
}

/// ` FIRST` or ` AFTER prev`: where a column stands in the new table.
fn place(p: &Place<'_>) -> String {
    match p {
        Place::Stay => String::new(),
        Place::First => " FIRST".to_string(),
        Place::After(prev) => format!(" AFTER {}", ident(prev)),
    }
}

/// A table moved to another name (`--keep-dropped`); InnoDB keeps its rows,
/// indexes and the foreign keys that point at it. Its own foreign keys'
/// names are unique per database: they are added again under the kept
/// name's stamp, so that the table can be made again, and the rollback
/// gives them back.
pub fn keep_table(table: &Table, aside: &crate::ir::Name, stamp: &str) -> Moves {
    let rename = |from, to| format!("RENAME TABLE {} TO {}", name(from), name(to));
    let mut moves = Moves {
        aside: vec![rename(&table.name, aside)],
        back: vec![rename(aside, &table.name)],
    };
    for fk in table.foreign_keys.iter().filter(|f| f.name.is_some()) {
        let mut kept = fk.clone();
        let own = fk.name.as_deref().unwrap_or_default();
        kept.name = Some(kept_object_name(own, stamp, 64));
        let swap = |at: &crate::ir::Name, from: &ForeignKey, to: &ForeignKey| {
            format!(
                "ALTER TABLE {} DROP FOREIGN KEY {}, ADD {}",
                name(at),
                ident(from.name.as_deref().unwrap_or_default()),
                fk_def(to)
            )
        };
        moves.aside.push(swap(aside, fk, &kept));
        moves.back.push(swap(&table.name, &kept, fk));
    }
    moves
}
