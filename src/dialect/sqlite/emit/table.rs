//! Tables: `CREATE TABLE` (after refusing what SQLite cannot hold), and
//! the changes inside a table, made with `ALTER TABLE` where SQLite has
//! it (one function per change it can make in place) and by the rebuild
//! ([`crate::dialect::sqlite::rebuild`]) everywhere else.

use super::column::column_def;
use super::constraints::{constraint_name, foreign_key};
use super::index::{check_index, create_index, drop_index};
use super::unsupported;
use crate::dialect::keep::{kept_object_name, Moves};
use crate::dialect::sqlite::quote::{ident, ident_list};
use crate::dialect::sqlite::rebuild;
use crate::dialect::EmitError;
use crate::diff::TableChange;
use crate::ir::{Column, Identity, Table};

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
    if !t.exclusions.is_empty() {
        return Err(unsupported(
            format!(
                "add an exclusion constraint to {name} (exclusion constraints are PostgreSQL's)"
            ),
            Some("a unique index covers the `=`-only case; overlaps must be checked by a trigger"),
        ));
    }
    if t.options.contains_key("without_rowid") && t.primary_key.is_none() {
        return Err(unsupported(
            format!("create WITHOUT ROWID table {name} without a primary key"),
            Some("add a primary key"),
        ));
    }
    let strict = t.options.contains_key("strict");
    for c in &t.columns {
        if strict && !strict_type(c.ty.as_str()) {
            return Err(unsupported(
                format!(
                    "give {name}.{} the type `{}` in a STRICT table",
                    c.name,
                    c.ty.as_str()
                ),
                Some("a STRICT table's columns take only int, integer, real, text, blob or any"),
            ));
        }
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

/// SQLite refuses any other declared type in a STRICT table, at `CREATE
/// TABLE` time: refusing it here keeps the failure in `check` and `plan`,
/// before a rebuild is half-way.
fn strict_type(ty: &str) -> bool {
    ["int", "integer", "real", "text", "blob", "any"]
        .iter()
        .any(|s| ty.eq_ignore_ascii_case(s))
}

pub(super) fn alter_table(
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
    // Indexes off first and back last; the table renamed before its
    // columns change, under its new name.
    let mut out = Vec::new();
    for n in drop_indexes.into_iter().flatten() {
        out.push(drop_index(&n));
    }
    if let Some((a, b)) = rename_table {
        out.push(rename(&a.name, &b.name));
    }
    // Drops before renames: a rename may take the name a drop frees.
    let t = &to.name.name;
    for c in drop_columns {
        out.push(drop_column(t, c));
    }
    for (a, b) in rename_columns {
        out.push(rename_column(t, a, b));
    }
    // In the target's order: ADD COLUMN appends.
    for c in &to.columns {
        if add_columns.iter().any(|a| a.name == c.name) {
            out.push(add_column(t, c)?);
        }
    }
    for i in &create_indexes {
        out.push(create_index(i, &to.name.name)?);
    }
    Ok(Some(out))
}

fn rename(from: &str, to: &str) -> String {
    format!("ALTER TABLE {} RENAME TO {}", ident(from), ident(to))
}

fn rename_column(table: &str, from: &str, to: &str) -> String {
    format!(
        "ALTER TABLE {} RENAME COLUMN {} TO {}",
        ident(table),
        ident(from),
        ident(to)
    )
}

fn drop_column(table: &str, c: &Column) -> String {
    format!(
        "ALTER TABLE {} DROP COLUMN {}",
        ident(table),
        ident(&c.name)
    )
}

fn add_column(table: &str, c: &Column) -> Result<String, EmitError> {
    Ok(format!(
        "ALTER TABLE {} ADD COLUMN {}",
        ident(table),
        column_def(c)?
    ))
}

/// A table moved to another name (`--keep-dropped`); SQLite (3.26 and
/// later) rewrites the foreign keys that point at it to the new name.
/// Index names are unique per database: each named index is made again
/// under the kept name's stamp, so that the table can be made again, and
/// the rollback gives them back.
pub fn keep_table(table: &Table, aside: &crate::ir::Name, stamp: &str) -> Moves {
    let rename =
        |from: &str, to: &str| format!("ALTER TABLE {} RENAME TO {}", ident(from), ident(to));
    let mut moves = Moves {
        aside: vec![rename(&table.name.name, &aside.name)],
        back: vec![rename(&aside.name, &table.name.name)],
    };
    for ix in &table.indexes {
        let Some(own) = &ix.name else { continue };
        let mut kept = ix.clone();
        kept.name = Some(kept_object_name(own, stamp, usize::MAX));
        let (Ok(make_kept), Ok(make_own)) = (
            create_index(&kept, &aside.name),
            create_index(ix, &table.name.name),
        ) else {
            continue;
        };
        moves.aside.push(format!("DROP INDEX {}", ident(own)));
        moves.aside.push(make_kept);
        let kept_name = kept.name.as_deref().unwrap_or_default();
        moves.back.push(format!("DROP INDEX {}", ident(kept_name)));
        moves.back.push(make_own);
    }
    moves
}
