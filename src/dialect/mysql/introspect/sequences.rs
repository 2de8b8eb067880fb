//! MariaDB sequences → [`Sequence`]s. `information_schema.TABLES` lists
//! them (`TABLE_TYPE = 'SEQUENCE'`, with their comment); their options are
//! the one row a sequence is, read with a `SELECT` each (no catalog view
//! holds them before MariaDB 11.5), run concurrently on the pool.

use sqlx::mysql::{MySqlPool, MySqlRow};

use super::{col, opt, text, Rows};
use crate::dialect::mysql::quote::ident;
use crate::ir::{Name, Schema, Sequence};

/// One row per sequence of `tables` (the `TABLES` query's rows): its name,
/// comment, minimum, maximum, start, increment, cache and cycle flag.
pub(super) async fn read(pool: &MySqlPool, db: &str, tables: &Rows) -> miette::Result<Rows> {
    let reads = tables.iter().filter(|r| col(r, 1) == "SEQUENCE").map(|r| {
        let name = col(r, 0);
        let comment = opt(r, 4);
        let sql = format!(
            "SELECT CAST(minimum_value AS CHAR), CAST(maximum_value AS CHAR), \
                 CAST(start_value AS CHAR), CAST(increment AS CHAR), \
                 CAST(cache_size AS CHAR), CAST(cycle_option AS CHAR) FROM {}.{}",
            ident(db),
            ident(&name)
        );
        async move {
            let row: MySqlRow = sqlx::query(&sql).fetch_one(pool).await.map_err(|e| {
                miette::miette!(code = "strata::mysql::introspect", "{sql} failed: {e}")
            })?;
            let mut out = vec![Some(name), comment];
            out.extend((0..6).map(|i| text(&row, i)));
            Ok::<_, miette::Report>(out)
        }
    });
    futures::future::try_join_all(reads).await
}

pub(super) fn sequences(rows: &Rows, schema: &mut Schema) {
    let number = |r: &[Option<String>], i: usize| opt(r, i).and_then(|v| v.parse::<i64>().ok());
    for r in rows {
        let s = Sequence {
            name: Name::new(col(r, 0)),
            data_type: None,
            min_value: number(r, 2),
            max_value: number(r, 3),
            start: number(r, 4),
            increment: number(r, 5),
            cache: number(r, 6),
            cycle: col(r, 7) == "1",
            unlogged: false,
            owned_by: None,
            comment: opt(r, 1).filter(|c| !c.is_empty()),
        };
        schema.sequences.insert(s.name.clone(), s);
    }
}
