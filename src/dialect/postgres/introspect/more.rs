//! View column comments (one bulk query), attached to the views read
//! before them.

use sqlx::postgres::PgRow;

use super::{name_of, s};
use crate::ir::Schema;

pub(super) fn view_column_comments(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        if let Some(v) = schema.views.get_mut(&name) {
            v.column_comments.insert(s(r, "column")?, s(r, "comment")?);
        }
    }
    Ok(())
}
