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

use super::constraints::fk_def;
use crate::dialect::postgres::quote::{literal, name as qname};
use crate::ir::{ForeignKey, Name};

/// Gives partition `table` its foreign key `f`, attached to the parent's.
pub(super) fn create(table: &Name, f: &ForeignKey) -> String {
    let own = f.name.as_deref().unwrap_or_default();
    let parent = f.attached_to.as_deref().unwrap_or_default();
    let found = format!(
        "\n    JOIN pg_constraint pc ON pc.oid = c.conparentid\n  \
         WHERE c.conrelid = {table}::regclass AND c.contype = 'f'\n    \
         AND pc.conrelid <> c.conrelid AND pc.conname = {parent}",
        table = literal(&qname(table)),
        parent = literal(parent),
    );
    super::attached_key::adopt_or_add(table, own, &found, &fk_def(f, false))
}

/// Dropped when nothing holds it, renamed to the parent's name while the
/// parent's key holds it, left alone when it went with the parent's key.
pub(super) fn drop(table: &Name, f: &ForeignKey) -> String {
    let own = f.name.as_deref().unwrap_or_default();
    let parent = f.attached_to.as_deref().unwrap_or_default();
    super::attached_key::drop_or_hand_back(table, own, parent)
}
