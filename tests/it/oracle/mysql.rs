//! The MySQL/MariaDB fingerprint: every row `information_schema` keeps
//! about the database (tables, columns, indexes, constraints, views,
//! triggers, routines and their parameters, events, partitions), every
//! column of each row, plus `SHOW CREATE SEQUENCE` for MariaDB sequences,
//! which `information_schema` does not describe.
//!
//! Left out, because they are not schema: sizes, row counts, timestamps,
//! the next `AUTO_INCREMENT` value, and the session a definition was
//! created from (`DEFINER`, client character set and collation). A
//! column's position is reported apart, as column order. The `sql_mode` a
//! trigger, routine or event was created under counts: it changes what
//! its body means (`||` is OR or concatenation).
//!
//! The database's own name is replaced by `<db>`, since two databases
//! compared never share it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use sqlx::{Connection, Row};

use super::Fingerprint;

/// `information_schema` table → (its schema column, columns that are not
/// schema, columns that name a row).
const TABLES: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "TABLES",
        "TABLE_SCHEMA",
        &[
            "TABLE_ROWS",
            "AVG_ROW_LENGTH",
            "DATA_LENGTH",
            "MAX_DATA_LENGTH",
            "INDEX_LENGTH",
            "DATA_FREE",
            "AUTO_INCREMENT",
            "CREATE_TIME",
            "UPDATE_TIME",
            "CHECK_TIME",
            "CHECKSUM",
            "VERSION",
            "MAX_INDEX_LENGTH",
            "TEMPORARY",
        ],
        &["TABLE_NAME"],
    ),
    (
        "COLUMNS",
        "TABLE_SCHEMA",
        &["ORDINAL_POSITION", "PRIVILEGES"],
        &["TABLE_NAME", "COLUMN_NAME"],
    ),
    (
        "STATISTICS",
        "TABLE_SCHEMA",
        &["CARDINALITY", "INDEX_SCHEMA"],
        &["TABLE_NAME", "INDEX_NAME", "SEQ_IN_INDEX"],
    ),
    (
        "TABLE_CONSTRAINTS",
        "TABLE_SCHEMA",
        &[],
        &["TABLE_NAME", "CONSTRAINT_NAME", "CONSTRAINT_TYPE"],
    ),
    (
        "KEY_COLUMN_USAGE",
        "TABLE_SCHEMA",
        &[],
        &["TABLE_NAME", "CONSTRAINT_NAME", "ORDINAL_POSITION"],
    ),
    (
        "REFERENTIAL_CONSTRAINTS",
        "CONSTRAINT_SCHEMA",
        &[],
        &["TABLE_NAME", "CONSTRAINT_NAME"],
    ),
    (
        "CHECK_CONSTRAINTS",
        "CONSTRAINT_SCHEMA",
        &[],
        &["TABLE_NAME", "CONSTRAINT_NAME"],
    ),
    (
        "VIEWS",
        "TABLE_SCHEMA",
        &["DEFINER", "CHARACTER_SET_CLIENT", "COLLATION_CONNECTION"],
        &["TABLE_NAME"],
    ),
    (
        "TRIGGERS",
        "TRIGGER_SCHEMA",
        &[
            "CREATED",
            "DEFINER",
            "CHARACTER_SET_CLIENT",
            "COLLATION_CONNECTION",
            "DATABASE_COLLATION",
        ],
        &["EVENT_OBJECT_TABLE", "TRIGGER_NAME"],
    ),
    (
        "ROUTINES",
        "ROUTINE_SCHEMA",
        &[
            "CREATED",
            "LAST_ALTERED",
            "DEFINER",
            "CHARACTER_SET_CLIENT",
            "COLLATION_CONNECTION",
            "DATABASE_COLLATION",
        ],
        &["ROUTINE_TYPE", "ROUTINE_NAME"],
    ),
    (
        "PARAMETERS",
        "SPECIFIC_SCHEMA",
        &[],
        &["ROUTINE_TYPE", "SPECIFIC_NAME", "ORDINAL_POSITION"],
    ),
    (
        "EVENTS",
        "EVENT_SCHEMA",
        &[
            "CREATED",
            "LAST_ALTERED",
            "LAST_EXECUTED",
            "DEFINER",
            "STARTS",
            "ENDS",
            "CHARACTER_SET_CLIENT",
            "COLLATION_CONNECTION",
            "DATABASE_COLLATION",
            "ORIGINATOR",
        ],
        &["EVENT_NAME"],
    ),
    (
        "PARTITIONS",
        "TABLE_SCHEMA",
        &[
            "TABLE_ROWS",
            "AVG_ROW_LENGTH",
            "DATA_LENGTH",
            "MAX_DATA_LENGTH",
            "INDEX_LENGTH",
            "DATA_FREE",
            "CREATE_TIME",
            "UPDATE_TIME",
            "CHECK_TIME",
            "CHECKSUM",
        ],
        &["TABLE_NAME", "PARTITION_NAME", "SUBPARTITION_NAME"],
    ),
];

/// The columns of each `information_schema` table this server has, in
/// their order (they differ between MySQL and MariaDB versions).
async fn catalog_columns(
    c: &mut sqlx::MySqlConnection,
) -> Result<&'static BTreeMap<String, Vec<String>>, String> {
    static COLUMNS: OnceLock<BTreeMap<String, Vec<String>>> = OnceLock::new();
    if let Some(cols) = COLUMNS.get() {
        return Ok(cols);
    }
    let rows = sqlx::query(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR) FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = 'information_schema' ORDER BY TABLE_NAME, ORDINAL_POSITION",
    )
    .fetch_all(&mut *c)
    .await
    .map_err(|e| format!("oracle: information_schema columns: {e}"))?;
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in rows {
        let (t, col): (String, String) = (r.get(0), r.get(1));
        map.entry(t.to_ascii_uppercase())
            .or_default()
            .push(col.to_ascii_uppercase());
    }
    Ok(COLUMNS.get_or_init(|| map))
}

/// A JSON value as the client prints it.
fn text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "NULL".into(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The fingerprint of the MySQL/MariaDB database at `url`.
pub async fn fingerprint(url: &str) -> Result<Fingerprint, String> {
    let db = url
        .rsplit('/')
        .next()
        .and_then(|p| p.split('?').next())
        .unwrap_or("")
        .to_string();
    let mut c = sqlx::MySqlConnection::connect(url)
        .await
        .map_err(|e| format!("oracle: connect: {e}"))?;
    let result = collect(&mut c, &db).await;
    let _ = c.close().await;
    result
}

async fn collect(c: &mut sqlx::MySqlConnection, db: &str) -> Result<Fingerprint, String> {
    let columns = catalog_columns(c).await?;
    let lit = db.replace('\'', "''");
    let mut rows = Vec::new();
    let mut order: BTreeMap<String, Vec<(i64, String)>> = BTreeMap::new();
    for (table, schema_col, ignore, keys) in TABLES {
        let Some(cols) = columns.get(*table) else {
            continue; // an older server without this table
        };
        let object = cols
            .iter()
            .map(|col| format!("'{col}', `{col}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT CAST(JSON_OBJECT({object}) AS CHAR) FROM information_schema.`{table}` \
             WHERE `{schema_col}` = '{lit}'"
        );
        let found: Vec<String> = sqlx::query_scalar(&sql)
            .fetch_all(&mut *c)
            .await
            .map_err(|e| format!("oracle: information_schema.{table}: {e}"))?;
        for json in found {
            let rec: BTreeMap<String, serde_json::Value> =
                serde_json::from_str(&json).map_err(|e| format!("oracle: {table} row: {e}"))?;
            let field = |name: &str| rec.get(name).map(text).unwrap_or_default();
            if *table == "COLUMNS" {
                let pos = field("ORDINAL_POSITION").parse().unwrap_or(0);
                order
                    .entry(field("TABLE_NAME"))
                    .or_default()
                    .push((pos, field("COLUMN_NAME")));
            }
            let key = keys.iter().map(|k| field(k)).collect::<Vec<_>>().join("/");
            let value = cols
                .iter()
                .filter(|h| {
                    !keys.contains(&h.as_str())
                        && !ignore.contains(&h.as_str())
                        && !h.ends_with("_SCHEMA")
                        && !h.ends_with("_CATALOG")
                })
                .map(|h| format!("{h}={}", field(h)))
                .collect::<Vec<_>>()
                .join(" ");
            let value = value.replace(&format!("`{db}`."), "").replace(db, "<db>");
            rows.push((table.to_string(), key, value));
        }
    }
    rows.extend(sequences(c, db).await?);
    let mut fp = Fingerprint::from_rows(rows);
    fp.column_order = order
        .into_iter()
        .map(|(t, mut cols)| {
            cols.sort();
            (t, cols.into_iter().map(|(_, n)| n).collect())
        })
        .collect();
    Ok(fp)
}

/// MariaDB sequences, as `SHOW CREATE SEQUENCE` prints them.
async fn sequences(
    c: &mut sqlx::MySqlConnection,
    db: &str,
) -> Result<Vec<(String, String, String)>, String> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT CAST(TABLE_NAME AS CHAR) FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'SEQUENCE' ORDER BY 1",
    )
    .bind(db)
    .fetch_all(&mut *c)
    .await
    .map_err(|e| format!("oracle: sequences: {e}"))?;
    let mut out = Vec::new();
    for name in names {
        let quoted = name.replace('`', "``");
        let row = sqlx::query(&format!("SHOW CREATE SEQUENCE `{quoted}`"))
            .fetch_one(&mut *c)
            .await
            .map_err(|e| format!("oracle: SHOW CREATE SEQUENCE {name}: {e}"))?;
        let text: String = row
            .try_get::<String, _>(1)
            .or_else(|_| {
                row.try_get::<Vec<u8>, _>(1)
                    .map(|b| String::from_utf8_lossy(&b).into())
            })
            .map_err(|e| format!("oracle: SHOW CREATE SEQUENCE {name}: {e}"))?;
        out.push(("SEQUENCE".into(), name, text.trim().to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::oracle::{compare, difference_kind, fingerprint};
    use crate::support::MyDb;

    /// Pairs of databases that differ in one thing strata does not model
    /// (or did not, when this was written): the oracle must see it.
    const DIFFERENT: &[(&str, &str, &str, &str)] = &[
        (
            "a trigger's sql_mode",
            "CREATE TABLE t (a int, b int, c int);\n\
             CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.c = NEW.a || NEW.b;",
            "CREATE TABLE t (a int, b int, c int);\n\
             SET SESSION sql_mode = CONCAT(@@sql_mode, ',PIPES_AS_CONCAT');\n\
             CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW SET NEW.c = NEW.a || NEW.b;",
            "TRIGGERS sql_mode differs",
        ),
        (
            "a view's SQL SECURITY",
            "CREATE TABLE t (a int); CREATE VIEW v AS SELECT a FROM t;",
            "CREATE TABLE t (a int); CREATE SQL SECURITY INVOKER VIEW v AS SELECT a FROM t;",
            "VIEWS security_type differs",
        ),
        (
            "NO ACTION as written",
            "CREATE TABLE p (id int PRIMARY KEY);\n\
             CREATE TABLE c (p int, CONSTRAINT fk FOREIGN KEY (p) REFERENCES p (id) ON DELETE RESTRICT);",
            "CREATE TABLE p (id int PRIMARY KEY);\n\
             CREATE TABLE c (p int, CONSTRAINT fk FOREIGN KEY (p) REFERENCES p (id) ON DELETE NO ACTION);",
            "REFERENTIAL_CONSTRAINTS delete_rule differs",
        ),
        (
            "an event",
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int); CREATE EVENT e ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM t;",
            "EVENTS extra",
        ),
        (
            "a procedure",
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int); CREATE PROCEDURE p() DELETE FROM t;",
            "ROUTINES extra",
        ),
        (
            "a primary key's index comment",
            "CREATE TABLE t (a int PRIMARY KEY);",
            "CREATE TABLE t (a int, PRIMARY KEY (a) COMMENT 'x');",
            "STATISTICS index_comment differs",
        ),
        (
            "a sequence's options",
            "CREATE SEQUENCE s;",
            "CREATE SEQUENCE s INCREMENT BY 2;",
            "SEQUENCE differs",
        ),
        (
            "system versioning",
            "CREATE TABLE t (a int);",
            "CREATE TABLE t (a int) WITH SYSTEM VERSIONING;",
            "TABLES table_type differs",
        ),
    ];

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_oracle_sees_what_strata_does_not_model() {
        let (Some(a), Some(b)) = (MyDb::create("orca").await, MyDb::create("orcb").await) else {
            return;
        };
        let same = "CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (p int, FOREIGN KEY (p) REFERENCES p (id));";
        let (x, y) = load_both(&a, &b, same, same).await;
        let c = compare(&x, &y);
        assert!(c.equal, "{:#?}", c.diff);
        assert!(!x.lines.is_empty() && x.column_order.len() == 2, "{x:#?}");
        for (what, sa, sb, kind) in DIFFERENT {
            let (x, y) = load_both(&a, &b, sa, sb).await;
            let c = compare(&y, &x);
            assert!(!c.equal, "{what}: the oracle did not see the difference");
            assert_eq!(difference_kind(&c.diff), *kind, "{what}: {:#?}", c.diff);
        }
    }

    async fn load_both(
        a: &MyDb,
        b: &MyDb,
        sa: &str,
        sb: &str,
    ) -> (crate::oracle::Fingerprint, crate::oracle::Fingerprint) {
        for (db, sql) in [(a, sa), (b, sb)] {
            let reset = format!(
                "DROP DATABASE IF EXISTS `{0}`; CREATE DATABASE `{0}`; USE `{0}`;\n{sql}",
                db.name
            );
            crate::client::run_sql(&db.url, &reset, std::time::Duration::from_secs(30))
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        (
            fingerprint(&a.url).await.expect("fingerprint"),
            fingerprint(&b.url).await.expect("fingerprint"),
        )
    }
}
