//! A partition's own primary key or unique constraint that is attached to
//! its parent's ([`PrimaryKey::attached_to`], [`Unique::attached_to`]).
//! Whether the server has already made one for the parent's key on the
//! partition depends on what ran before (the partition made after the
//! parent's key, or the parent's key added after the partition), so the
//! statement asks the catalog as it runs: the made key (`conparentid` set,
//! same columns) takes the partition's own name, or the key is added and
//! the parent's key attaches it when it comes. A second primary key is
//! refused, and a second unique constraint would be made beside it.
//! Dropping one the parent's key still holds gives it back the name the
//! server would have chosen (it cannot be dropped alone).
//!
//! Also: dropping a partition's primary key leaves `NOT NULL` on its
//! columns, which the schema does not list on a partition (its columns are
//! its parent's); it is taken off where the parent's column is nullable.

use super::attached_index::do_block;
use super::constraints::{primary_key_def, unique_def};
use crate::dialect::postgres::normalize::generated_name;
use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::ir::{Name, PrimaryKey, Unique};

/// Which kind of key: `pg_constraint.contype` and the label of the
/// server's name for it.
#[derive(Clone, Copy)]
enum Kind {
    Primary,
    Unique,
}

impl Kind {
    fn contype(self) -> &'static str {
        match self {
            Kind::Primary => "p",
            Kind::Unique => "u",
        }
    }
    /// The name the server gives the key it makes on `table`.
    fn made_name(self, table: &Name, columns: &[String]) -> String {
        match self {
            Kind::Primary => generated_name(&table.name, &[], "pkey"),
            Kind::Unique => {
                let cols: Vec<&str> = columns.iter().map(String::as_str).collect();
                generated_name(&table.name, &cols, "key")
            }
        }
    }
}

/// Gives partition `table` its primary key `pk`, attached to the parent's.
pub(super) fn create_primary(table: &Name, pk: &PrimaryKey) -> String {
    create(
        table,
        Kind::Primary,
        pk.name.as_deref().unwrap_or_default(),
        &pk.columns,
        &primary_key_def(pk),
    )
}

/// Gives partition `table` its unique constraint `u`, attached to the
/// parent's.
pub(super) fn create_unique(table: &Name, u: &Unique) -> String {
    create(
        table,
        Kind::Unique,
        u.name.as_deref().unwrap_or_default(),
        &u.columns,
        &unique_def(u),
    )
}

/// The columns of constraint `c` in key order, as an SQL `text[]`.
const KEY_COLUMNS: &str = "ARRAY(SELECT a.attname::text FROM unnest(c.conkey) \
    WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid \
    AND a.attnum = k.n ORDER BY k.i)";

fn text_array(columns: &[String]) -> String {
    let items: Vec<String> = columns.iter().map(|c| literal(c)).collect();
    format!("ARRAY[{}]::text[]", items.join(", "))
}

fn create(table: &Name, kind: Kind, own: &str, columns: &[String], def: &str) -> String {
    let found = format!(
        "\n  WHERE c.conrelid = {table}::regclass AND c.contype = '{contype}' AND c.conparentid <> 0\n    \
         AND {KEY_COLUMNS} = {columns}",
        table = literal(&qname(table)),
        contype = kind.contype(),
        columns = text_array(columns),
    );
    adopt_or_add(table, own, &found, def)
}

/// A partition's own constraint `own`, attached to its parent's: the one
/// the server made for it (the row of `pg_constraint c` that `found`
/// selects) takes its name, or `def` is added when the server made none.
pub(super) fn adopt_or_add(table: &Name, own: &str, found: &str, def: &str) -> String {
    let t = qname(table);
    do_block(&format!(
        "DECLARE made name;\n\
         BEGIN\n  \
           SELECT c.conname INTO made FROM pg_constraint c{found};\n  \
           IF made IS NULL THEN\n    \
             EXECUTE {add};\n  \
           ELSIF made <> {own_lit} THEN\n    \
             EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', {table}, made, {own_lit});\n  \
           END IF;\n\
         END;",
        table = literal(&t),
        add = literal(&format!("ALTER TABLE {t} ADD {def}")),
        own_lit = literal(own),
    ))
}

/// Takes partition `table`'s own primary key away (see [`drop`]).
pub(super) fn drop_primary(table: &Name, pk: &PrimaryKey) -> String {
    drop(
        table,
        Kind::Primary,
        pk.name.as_deref().unwrap_or_default(),
        &pk.columns,
    )
}

/// Takes partition `table`'s own unique constraint away (see [`drop`]).
pub(super) fn drop_unique(table: &Name, u: &Unique) -> String {
    drop(
        table,
        Kind::Unique,
        u.name.as_deref().unwrap_or_default(),
        &u.columns,
    )
}

/// Dropped when nothing holds it, renamed to the server's name for it
/// while the parent's key holds it, left alone when it went with the
/// parent's key already.
fn drop(table: &Name, kind: Kind, own: &str, columns: &[String]) -> String {
    drop_or_hand_back(table, own, &kind.made_name(table, columns))
}

/// A partition's own constraint `own`, attached to its parent's: dropped
/// when nothing holds it; while the parent's constraint holds it (the
/// server refuses to drop it alone), renamed to `held_name`, the name the
/// server gives the clone, so the parent's drop takes it along.
pub(super) fn drop_or_hand_back(table: &Name, own: &str, held_name: &str) -> String {
    let t = qname(table);
    do_block(&format!(
        "DECLARE held boolean;\n\
         BEGIN\n  \
           SELECT c.conparentid <> 0 INTO held FROM pg_constraint c\n  \
           WHERE c.conrelid = to_regclass({table}) AND c.conname = {own_lit};\n  \
           IF held THEN\n    \
             EXECUTE {renamed};\n  \
           ELSIF NOT held THEN\n    \
             EXECUTE {dropped};\n  \
           END IF;\n\
         END;",
        table = literal(&t),
        own_lit = literal(own),
        renamed = literal(&format!(
            "ALTER TABLE {t} RENAME CONSTRAINT {} TO {}",
            ident(own),
            ident(held_name)
        )),
        dropped = literal(&format!("ALTER TABLE {t} DROP CONSTRAINT {}", ident(own))),
    ))
}

/// After partition `table`'s primary key over `columns` is dropped: `DROP
/// NOT NULL` on those of them whose column in the parent is nullable.
pub(super) fn release_not_null(table: &Name, columns: &[String]) -> String {
    do_block(&format!(
        "DECLARE col text;\n\
         BEGIN\n  \
           FOR col IN SELECT a.attname FROM pg_attribute a\n    \
             JOIN pg_inherits i ON i.inhrelid = a.attrelid\n    \
             JOIN pg_attribute pa ON pa.attrelid = i.inhparent AND pa.attname = a.attname\n  \
           WHERE a.attrelid = {table}::regclass AND a.attnotnull AND NOT pa.attnotnull\n    \
             AND a.attname::text = ANY ({columns})\n  \
           ORDER BY a.attnum\n  \
           LOOP\n    \
             EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP NOT NULL', {table}, col);\n  \
           END LOOP;\n\
         END;",
        table = literal(&qname(table)),
        columns = text_array(columns),
    ))
}
