//! A column's storage and compression: `SET STORAGE` and `SET
//! COMPRESSION` after the column is made or changed. `ALTER COLUMN …
//! TYPE` puts both back to the new type's own, so a retyped column gets
//! its own again. Neither rewrites a row: values already stored keep how
//! they were stored until they are written again.

use super::attached_index::do_block;
use super::Ctx;
use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::dialect::postgres::types;
use crate::diff::ColumnChanges;
use crate::ir::{Column, Compression, Name, Storage};

/// `COMPRESSION m` inside a column's definition (`CREATE TABLE`, `ADD
/// COLUMN`), right after its type, where the grammar wants it.
pub(super) fn inline_compression(c: &Column) -> String {
    c.compression
        .map(|m| format!(" COMPRESSION {}", m.keyword()))
        .unwrap_or_default()
}

/// What a column just made needs beyond its definition: its storage
/// (`CREATE TABLE` and `ADD COLUMN` say it only from PostgreSQL 16).
pub(super) fn after_make(cx: &mut Ctx<'_>, table: &Name, c: &Column) {
    if let Some(s) = c.storage {
        set_storage(cx, table, c, Some(s));
    }
}

/// After `ALTER COLUMN`: the storage and compression that changed, and,
/// when the column was `retyped`, the ones the type change put back.
pub(super) fn after_alter(
    cx: &mut Ctx<'_>,
    table: &Name,
    to: &Column,
    what: &ColumnChanges,
    retyped: bool,
) {
    let storage = if retyped {
        to.storage.is_some()
    } else {
        what.storage
    };
    if storage {
        set_storage(cx, table, to, to.storage);
    }
    let compression = if retyped {
        to.compression.is_some()
    } else {
        what.compression
    };
    if compression {
        set_compression(cx, table, &to.name, to.compression);
    }
}

/// `SET COMPRESSION m`, or `default` for the server's
/// `default_toast_compression`. Unlike `SET STORAGE` it does not reach
/// the table's partitions and inheriting tables, which took the column's
/// compression when they were made: the statement runs on each of them
/// too, found in `pg_inherits` as it runs.
fn set_compression(cx: &mut Ctx<'_>, table: &Name, column: &str, to: Option<Compression>) {
    let method = to.map_or("default", Compression::keyword);
    cx.push(
        do_block(&format!(
            "DECLARE r regclass;\nBEGIN\n  \
               FOR r IN WITH RECURSIVE tree(oid) AS (SELECT {t}::regclass::oid UNION \
               SELECT i.inhrelid FROM pg_inherits i JOIN tree ON i.inhparent = tree.oid)\n    \
               SELECT c.oid::regclass FROM tree JOIN pg_class c ON c.oid = tree.oid \
               WHERE c.relkind IN ('r', 'p') LOOP\n    \
                 EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET COMPRESSION {method}', r, {c});\n  \
               END LOOP;\nEND;",
            t = literal(&qname(table)),
            c = literal(column),
        )),
        vec![],
    );
}

/// `SET STORAGE s`; `None` is the type's own, which PostgreSQL before 16
/// cannot name (`SET STORAGE DEFAULT` is 16's): a built-in type's is
/// written out, any other type's the server reads from `pg_type` as the
/// statement runs.
fn set_storage(cx: &mut Ctx<'_>, table: &Name, c: &Column, to: Option<Storage>) {
    let t = qname(table);
    let col = ident(&c.name);
    let sql = match to.or_else(|| types::own_storage(c.ty.as_str())) {
        Some(s) => format!(
            "ALTER TABLE {t} ALTER COLUMN {col} SET STORAGE {}",
            s.keyword().to_uppercase()
        ),
        None => do_block(&format!(
            "BEGIN EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET STORAGE %s', {tl}, {cl},\n  \
               (SELECT CASE ty.typstorage WHEN 'p' THEN 'PLAIN' WHEN 'e' THEN 'EXTERNAL' \
                WHEN 'm' THEN 'MAIN' ELSE 'EXTENDED' END\n   \
                FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid\n   \
                WHERE a.attrelid = {tl}::regclass AND a.attname = {cl}));\nEND;",
            tl = literal(&t),
            cl = literal(&c.name),
        )),
    };
    cx.push(sql, vec![]);
}
