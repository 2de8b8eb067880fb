//! A partition's own index that is attached to its parent's index
//! ([`Index::attached_to`]). Whether the server has already made one for
//! the parent's index on the partition depends on what ran before (the
//! partition made after the parent's index, or the parent's index made
//! after the partition), so the statement asks the catalog as it runs:
//! the made index takes the partition's own name, or the index is made
//! and the parent's index attaches it when it comes (or is attached at
//! once to a parent's index made `ON ONLY`, which makes none). Dropping one the
//! parent's index still holds gives it back the name the server would
//! have chosen (it cannot be dropped alone).

use super::index::{create_index_sql, index_name};
use crate::dialect::postgres::normalize::made_index_name;
use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::ir::{Index, Name};

/// `DO` with `body`, dollar-quoted under a tag the body does not hold.
pub(super) fn do_block(body: &str) -> String {
    let mut tag = "strata".to_string();
    while body.contains(&format!("${tag}$")) {
        tag.push('_');
    }
    format!("DO ${tag}$\n{body}\n${tag}$")
}

/// Gives partition `table` its index `ix`, attached to the parent's
/// index `parent_index`.
pub(super) fn create(table: &Name, parent_index: &str, ix: &Index) -> String {
    let own = ix.name.as_deref().unwrap_or_default();
    do_block(&format!(
        "DECLARE made name; made_q text;\n\
         BEGIN\n  \
           SELECT c.relname, x.indexrelid::regclass::text INTO made, made_q FROM pg_index x\n    \
             JOIN pg_class c ON c.oid = x.indexrelid\n    \
             JOIN pg_inherits i ON i.inhrelid = x.indexrelid\n    \
             JOIN pg_class pc ON pc.oid = i.inhparent\n  \
           WHERE x.indrelid = {table}::regclass AND pc.relname = {parent};\n  \
           IF made IS NULL THEN\n    \
             EXECUTE {create};\n  \
           ELSIF made <> {own_lit} THEN\n    \
             EXECUTE format('ALTER INDEX %s RENAME TO %I', made_q, {own_lit});\n  \
           END IF;\n\
         END;",
        table = literal(&qname(table)),
        parent = literal(parent_index),
        create = literal(&create_index_sql(table, ix, false)),
        own_lit = literal(own),
    ))
}

/// Attaches partition `table`'s own index `ix` to the parent's index
/// `parent_index` when that was made `ON ONLY` (nothing attached it): run
/// after every other statement of the plan's main phase.
pub(super) fn attach(table: &Name, parent_index: &str, ix: &Index) -> String {
    let own = qname(&index_name(table, ix.name.as_deref().unwrap_or_default()));
    let parent = qname(&index_name(table, parent_index));
    do_block(&format!(
        "BEGIN\n  \
           IF to_regclass({parent_lit}) IS NOT NULL AND to_regclass({own_lit}) IS NOT NULL \
             AND NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass({own_lit})) THEN\n    \
             EXECUTE {attach};\n  \
           END IF;\n\
         END;",
        parent_lit = literal(&parent),
        own_lit = literal(&own),
        attach = literal(&format!("ALTER INDEX {parent} ATTACH PARTITION {own}")),
    ))
}

/// Takes partition `table`'s own index `ix` away: dropped when nothing
/// holds it, renamed to the server's name for it while the parent's index
/// holds it, left alone when it went with the parent's index already (or
/// the name is now on the index of a key the parent's key made).
pub(super) fn drop(table: &Name, ix: &Index) -> String {
    let own = literal(&qname(&index_name(
        table,
        ix.name.as_deref().unwrap_or_default(),
    )));
    let dropped = format!(
        "DROP INDEX {}",
        qname(&index_name(table, ix.name.as_deref().unwrap_or_default()))
    );
    let renamed = format!(
        "ALTER INDEX {} RENAME TO {}",
        qname(&index_name(table, ix.name.as_deref().unwrap_or_default())),
        ident(&made_index_name(&table.name, ix, ""))
    );
    do_block(&format!(
        "BEGIN\n  \
           IF to_regclass({own}) IS NULL OR EXISTS (SELECT 1 FROM pg_constraint \
             WHERE conindid = to_regclass({own})) THEN\n    RETURN;\n  END IF;\n  \
           IF EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass({own})) THEN\n    \
             EXECUTE {renamed};\n  \
           ELSE\n    \
             EXECUTE {dropped};\n  \
           END IF;\n\
         END;",
        renamed = literal(&renamed),
        dropped = literal(&dropped),
    ))
}
