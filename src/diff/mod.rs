//! Compare two schemas and list what differs, as data: no SQL, no dialect.
//! Both inputs are expected to be normalized by the same dialect first, so
//! that plain equality means "the same thing".

mod change;

pub use change::{Change, ColumnChanges, TableChange};

use crate::ir::Schema;

/// The changes that take `from` to `to`. Renames come only from
/// `renamed_from` on the `to` side.
pub fn diff(_from: &Schema, _to: &Schema) -> Vec<Change> {
    Vec::new()
}
