//! The table rebuild SQLite documents for every change ALTER TABLE cannot
//! make (https://sqlite.org/lang_altertable.html#otheralter): create the
//! new table under a temporary name, copy the rows, drop the old table,
//! rename the new one, recreate its indexes.
//!
//! It runs inside the script's transaction with foreign key enforcement
//! already off (see [`super::emit`]), so dropping the old table neither
//! cascades into child tables nor fails on them. The rename runs with
//! `legacy_alter_table = ON`: the modern rename re-checks every view and
//! trigger of the database and fails on those that name the table just
//! dropped, although they are right again once the rename is done.

use std::collections::BTreeMap;

use super::emit::{create_index, create_table, default_value_sql, is_literal};
use super::expr::tokenize;
use super::quote::{ident, literal};
use crate::dialect::EmitError;
use crate::diff::TableChange;
use crate::ir::{Column, Table};

/// The prefix of the table a rebuild creates.
pub const NEW_PREFIX: &str = "_strata_new_";

/// Whether ALTER TABLE cannot make these changes.
pub fn needs_rebuild(from: &Table, to: &Table, changes: &[TableChange]) -> bool {
    let dropped_indexes: Vec<&str> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::DropIndex(i) => i.name.as_deref(),
            TableChange::RenameIndex { from, .. } => Some(from.as_str()),
            _ => None,
        })
        .collect();
    // Renames run one by one: a swap has no free name to go through.
    if crate::diff::renames_cycle(changes) {
        return true;
    }
    for c in changes {
        let in_place = match c {
            TableChange::RenameTable { .. }
            | TableChange::RenameColumn { .. }
            | TableChange::AddIndex(_)
            | TableChange::DropIndex(_)
            | TableChange::RenameIndex { .. }
            | TableChange::SetComment { .. } => true,
            TableChange::AddColumn(c) => to.column(&c.name).is_some_and(|c| addable(c, to)),
            TableChange::DropColumn(c) => droppable(c, from, &dropped_indexes),
            _ => false,
        };
        if !in_place {
            return true;
        }
    }
    // ADD COLUMN appends: the target's order must be what that gives.
    let mut names: Vec<String> = from.columns.iter().map(|c| c.name.clone()).collect();
    for c in changes {
        match c {
            TableChange::RenameColumn { from, to } => {
                for n in names.iter_mut().filter(|n| *n == from) {
                    *n = to.clone();
                }
            }
            TableChange::DropColumn(c) => names.retain(|n| *n != c.name),
            _ => {}
        }
    }
    for c in &to.columns {
        let added = changes
            .iter()
            .any(|ch| matches!(ch, TableChange::AddColumn(a) if a.name == c.name));
        if added {
            names.push(c.name.clone());
        }
    }
    let target: Vec<&String> = to.columns.iter().map(|c| &c.name).collect();
    names.iter().collect::<Vec<_>>() != target
}

/// What `ALTER TABLE … ADD COLUMN` accepts.
fn addable(c: &Column, to: &Table) -> bool {
    if c.backfill.is_some() {
        // Filled from the old rows as the rebuild copies them.
        return false;
    }
    let named = |cols: &[String]| cols.contains(&c.name);
    if to.primary_key.as_ref().is_some_and(|p| named(&p.columns))
        || to.uniques.iter().any(|u| named(&u.columns))
        || to.foreign_keys.iter().any(|f| named(&f.columns))
        || c.identity.is_some()
    {
        return false;
    }
    if let Some(g) = &c.generated {
        return !g.stored && c.nullable;
    }
    match &c.default {
        None => c.nullable,
        Some(d) => {
            is_literal(d.as_str()) && (c.nullable || !d.as_str().eq_ignore_ascii_case("null"))
        }
    }
}

/// What `ALTER TABLE … DROP COLUMN` accepts: a column no key, index,
/// constraint or generated column uses.
fn droppable(c: &Column, from: &Table, dropped_indexes: &[&str]) -> bool {
    let named = |cols: &[String]| cols.iter().any(|n| n.eq_ignore_ascii_case(&c.name));
    if from.primary_key.as_ref().is_some_and(|p| named(&p.columns))
        || from.uniques.iter().any(|u| named(&u.columns))
        || from.foreign_keys.iter().any(|f| named(&f.columns))
        || from
            .checks
            .iter()
            .any(|k| mentions(k.expr.as_str(), &c.name))
    {
        return false;
    }
    let generated_use = from.columns.iter().any(|o| {
        o.name != c.name
            && o.generated
                .as_ref()
                .is_some_and(|g| mentions(g.expr.as_str(), &c.name))
    });
    if generated_use {
        return false;
    }
    !from.indexes.iter().any(|i| {
        let kept = !i
            .name
            .as_deref()
            .is_some_and(|n| dropped_indexes.contains(&n));
        kept && (i.parts.iter().any(|p| match &p.key {
            crate::ir::IndexKey::Column(n) => n.eq_ignore_ascii_case(&c.name),
            crate::ir::IndexKey::Expr(e) => mentions(e.as_str(), &c.name),
        }) || i
            .predicate
            .as_ref()
            .is_some_and(|p| mentions(p.as_str(), &c.name)))
    })
}

/// Whether an expression names `name` (as a word or quoted identifier).
fn mentions(expr: &str, name: &str) -> bool {
    tokenize(expr).iter().any(|t| {
        matches!(t.kind, super::expr::Kind::Word | super::expr::Kind::Quoted)
            && t.name().eq_ignore_ascii_case(name)
    })
}

/// A column that is an alias of the rowid: `integer` alone as the primary
/// key of a rowid table.
fn rowid_alias(t: &Table) -> bool {
    t.primary_key.as_ref().is_some_and(|p| {
        p.columns.len() == 1
            && t.column(&p.columns[0])
                .is_some_and(|c| c.ty.as_str().eq_ignore_ascii_case("integer"))
    })
}

/// The statements of a rebuild of `from` into `to`.
pub fn rebuild(
    from: &Table,
    to: &Table,
    changes: &[TableChange],
) -> Result<Vec<String>, EmitError> {
    let new = format!("{NEW_PREFIX}{}", to.name.name);
    let mut out = vec![create_table(to, &new)?];

    let renamed: BTreeMap<&str, &str> = changes
        .iter()
        .filter_map(|c| match c {
            TableChange::RenameColumn { from, to } => Some((to.as_str(), from.as_str())),
            _ => None,
        })
        .collect();
    let mut targets = Vec::new();
    let mut sources = Vec::new();
    let rowid_table = |t: &Table| !t.options.contains_key("without_rowid");
    // Rows keep their rowid when neither side names it through a column.
    if rowid_table(from) && rowid_table(to) && !rowid_alias(from) && !rowid_alias(to) {
        targets.push("rowid".to_string());
        sources.push("rowid".to_string());
    }
    for c in to.columns.iter().filter(|c| c.generated.is_none()) {
        let source = renamed
            .get(c.name.as_str())
            .copied()
            .or(c.renamed_from.as_deref())
            .unwrap_or(c.name.as_str());
        let old = from.column(source).or_else(|| {
            from.columns
                .iter()
                .find(|o| o.name.eq_ignore_ascii_case(source))
        });
        let Some(old) = old else {
            // A new column's `backfill` is computed from the old row as
            // it is copied: the rebuild is the fill.
            if let Some(fill) = &c.backfill {
                targets.push(ident(&c.name));
                sources.push(format!("({})", fill.0));
            }
            continue;
        };
        let mut value = ident(&old.name);
        if old.nullable && !c.nullable {
            if let Some(d) = &c.default {
                value = format!("coalesce({value}, {})", default_value_sql(d.as_str()));
            }
        }
        targets.push(ident(&c.name));
        sources.push(value);
    }
    if targets.iter().any(|t| t != "rowid") {
        out.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            ident(&new),
            targets.join(", "),
            sources.join(", "),
            ident(&from.name.name)
        ));
    }
    let auto = |t: &Table| {
        t.columns
            .iter()
            .any(|c| c.identity == Some(crate::ir::Identity::AutoIncrement))
    };
    if auto(from) && auto(to) {
        // Keep AUTOINCREMENT's high-water mark: numbers of deleted rows
        // stay unused.
        out.push(format!(
            "DELETE FROM \"sqlite_sequence\" WHERE \"name\" = {}",
            literal(&new)
        ));
        out.push(format!(
            "INSERT INTO \"sqlite_sequence\" (\"name\", \"seq\") SELECT {}, \"seq\" FROM \"sqlite_sequence\" WHERE \"name\" = {}",
            literal(&new),
            literal(&from.name.name)
        ));
    }
    out.push(format!("DROP TABLE {}", ident(&from.name.name)));
    out.push("PRAGMA legacy_alter_table = ON".into());
    out.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        ident(&new),
        ident(&to.name.name)
    ));
    out.push("PRAGMA legacy_alter_table = OFF".into());
    for i in &to.indexes {
        out.push(create_index(i, &to.name.name)?);
    }
    Ok(out)
}
