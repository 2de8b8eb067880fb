//! View column comments (one bulk query), attached to the views read
//! before them, and extended statistics (one bulk query).

use sqlx::postgres::PgRow;
use sqlx::Row;

use super::{name_of, os, s};
use crate::ir::{Expr, Schema, Statistics};

pub(super) fn view_column_comments(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        if let Some(v) = schema.views.get_mut(&name) {
            v.column_comments.insert(s(r, "column")?, s(r, "comment")?);
        }
    }
    Ok(())
}

pub(super) fn statistics(rows: &[PgRow], schema: &mut Schema) -> Result<(), sqlx::Error> {
    for r in rows {
        let name = name_of(s(r, "schema")?, s(r, "name")?);
        let kinds: Vec<Option<String>> = r.try_get("kinds")?;
        let kinds: Vec<String> = kinds.into_iter().flatten().collect();
        let expressions: Vec<String> = r.try_get("expressions")?;
        let x = Statistics {
            name: name.clone(),
            table: name_of(s(r, "table_schema")?, s(r, "table_name")?),
            kinds: Statistics::canonical_kinds(&kinds),
            columns: r.try_get("columns")?,
            expressions: expressions.into_iter().map(Expr::new).collect(),
            target: r.try_get("target")?,
            comment: os(r, "comment")?,
        };
        schema.statistics.insert(name, x);
    }
    Ok(())
}
