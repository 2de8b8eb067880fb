//! A partition's own foreign key that is attached to its parent's
//! ([`ForeignKey::attached_to`]). As for keys (`attached_key`), whether
//! the server has already cloned the parent's foreign key onto the
//! partition depends on what ran before, so the statement asks the
//! catalog as it runs: the clone (`conparentid` pointing at the parent's
//! key) takes the partition's own name, or the key is added and the
//! parent's, added later, attaches it. A foreign key added beside a clone
//! would be a second one, never attached. Dropping one the parent's still
//! holds gives it back the parent's name, which a clone has (the server
//! refuses to drop it alone).

use super::attached_index::do_block;
use super::constraints::fk_def;
use crate::dialect::postgres::quote::{literal, name as qname};
use crate::ir::{ForeignKey, Name};

/// Gives partition `table` its foreign key `f`, attached to the parent's.
pub(super) fn create(table: &Name, f: &ForeignKey) -> String {
    let t = qname(table);
    let own = f.name.as_deref().unwrap_or_default();
    let parent = f.attached_to.as_deref().unwrap_or_default();
    do_block(&format!(
        "DECLARE made name;\n\
         BEGIN\n  \
           SELECT c.conname INTO made FROM pg_constraint c\n    \
             JOIN pg_constraint pc ON pc.oid = c.conparentid\n  \
           WHERE c.conrelid = {table}::regclass AND c.contype = 'f'\n    \
             AND pc.conrelid <> c.conrelid AND pc.conname = {parent};\n  \
           IF made IS NULL THEN\n    \
             EXECUTE {add};\n  \
           ELSIF made <> {own_lit} THEN\n    \
             EXECUTE format('ALTER TABLE %s RENAME CONSTRAINT %I TO %I', {table}, made, {own_lit});\n  \
           END IF;\n\
         END;",
        table = literal(&t),
        parent = literal(parent),
        add = literal(&format!("ALTER TABLE {t} ADD {}", fk_def(f, false))),
        own_lit = literal(own),
    ))
}

/// Dropped when nothing holds it, renamed to the parent's name while the
/// parent's key holds it, left alone when it went with the parent's key.
pub(super) fn drop(table: &Name, f: &ForeignKey) -> String {
    let own = f.name.as_deref().unwrap_or_default();
    let parent = f.attached_to.as_deref().unwrap_or_default();
    super::attached_key::drop_or_hand_back(table, own, parent)
}
