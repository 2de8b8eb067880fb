//! The convergence triple on SQLite for every ordered pair of a set of
//! schemas, with rows: rows are inserted into A before the migration, and
//! every value in a column that A and B share must be there after the
//! migration and after the rollback.
//!
//! Two sets: realistic DDL written here (so that the rebuild meets checks,
//! generated columns, WITHOUT ROWID, views and triggers), and the example
//! schemas in `schemas/sqlite/*.strata`.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::apply;
use sqlx::{Connection, Row, SqliteConnection};
use strata::dialect::ApplyOptions;
use strata::dialect::{self, EmitOptions};
use strata::ir::{DialectKind, Schema, Table};
use strata::migration::migration;

use crate::converge::schema_diff;
use crate::support::SqliteDb;

fn sqlite() -> &'static dyn dialect::Dialect {
    dialect::for_kind(DialectKind::Sqlite)
}

async fn inspect(url: &str) -> Result<Schema, String> {
    strata::source::introspect(url, &[])
        .await
        .map(|i| i.schema)
        .map_err(|e| format!("introspect: {e:?}"))
}

async fn migrate(url: &str, from: &Schema, to: &Schema, what: &str) -> Result<String, String> {
    let m = migration(from, to, sqlite(), &EmitOptions::default())
        .map_err(|e| format!("{what}: plan: {e:?}"))?;
    let sql = strata::report::sql::render(sqlite(), &m.up);
    apply(url, &m.up, &ApplyOptions::default())
        .await
        .map_err(|e| format!("{what}: {e:?}\n{sql}"))?;
    Ok(sql)
}

/// A value a column of this declared type takes for row `n`.
fn value(ty: &str, n: usize) -> String {
    let t = ty.to_ascii_lowercase();
    if t.contains("int") {
        n.to_string()
    } else if t.contains("real")
        || t.contains("floa")
        || t.contains("doub")
        || t.contains("num")
        || t.contains("dec")
    {
        format!("{n}.5")
    } else if t.contains("blob") {
        format!("X'0{n}'")
    } else {
        format!("'v{n}@x'")
    }
}

/// Inserts up to three rows into every table, parents first; a row that
/// breaks a constraint of the table is left out. Returns how many went in.
async fn seed(url: &str, s: &Schema) -> usize {
    let Ok(mut c) = SqliteConnection::connect(url).await else {
        return 0;
    };
    let mut n = 0;
    for t in crate::gen::tables_in_fk_order(s) {
        for row in 1..=3 {
            let cols: Vec<_> = t.columns.iter().filter(|c| c.generated.is_none()).collect();
            let names: Vec<String> = cols.iter().map(|c| sqlite().quote_ident(&c.name)).collect();
            let vals: Vec<String> = cols.iter().map(|c| value(c.ty.as_str(), row)).collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES ({})",
                sqlite().quote_ident(&t.name.name),
                names.join(", "),
                vals.join(", ")
            );
            if sqlx::raw_sql(&sql).execute(&mut c).await.is_ok() {
                n += 1;
            }
        }
    }
    let _ = c.close().await;
    n
}

/// For every table of `a` that `b` keeps: the rows of the columns both
/// have, as text, in a fixed order. Keyed by table name.
async fn shared_rows(
    url: &str,
    a: &Table,
    b: &Table,
    use_b_names: bool,
) -> Result<Vec<String>, String> {
    let pairs: Vec<(String, String)> = a
        .columns
        .iter()
        .filter_map(|ac| {
            b.columns
                .iter()
                .find(|bc| bc.name == ac.name || bc.renamed_from.as_deref() == Some(&ac.name))
                .filter(|bc| bc.generated.is_none() && ac.generated.is_none())
                .map(|bc| (ac.name.clone(), bc.name.clone()))
        })
        .collect();
    if pairs.is_empty() {
        return Ok(Vec::new());
    }
    let cols: Vec<String> = pairs
        .iter()
        .map(|(x, y)| {
            let n = if use_b_names { y } else { x };
            format!("CAST({} AS TEXT)", sqlite().quote_ident(n))
        })
        .collect();
    let table = if use_b_names {
        &b.name.name
    } else {
        &a.name.name
    };
    let sql = format!(
        "SELECT {} FROM {} ORDER BY 1",
        cols.join(" || '|' || "),
        sqlite().quote_ident(table)
    );
    let mut c = SqliteConnection::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    let rows = sqlx::query(&sql)
        .fetch_all(&mut c)
        .await
        .map_err(|e| format!("{sql}: {e}"))?;
    let _ = c.close().await;
    Ok(rows
        .iter()
        .map(|r| {
            r.try_get::<Option<String>, _>(0)
                .ok()
                .flatten()
                .unwrap_or_default()
        })
        .collect())
}

async fn all_shared_rows(
    url: &str,
    a: &Schema,
    b: &Schema,
    use_b_names: bool,
) -> Result<BTreeMap<String, Vec<String>>, String> {
    let mut out = BTreeMap::new();
    for (name, at) in &a.tables {
        let bt = b
            .tables
            .values()
            .find(|t| &t.name == name || t.renamed_from.as_ref() == Some(name));
        if let Some(bt) = bt {
            out.insert(
                name.name.clone(),
                shared_rows(url, at, bt, use_b_names).await?,
            );
        }
    }
    Ok(out)
}

/// The triple for `a → b` with rows, on a new file.
pub async fn converge_with_rows(a: &Schema, b: &Schema) -> Result<usize, String> {
    let db = SqliteDb::create();
    let empty = inspect(&db.url).await?;
    migrate(&db.url, &empty, a, "set up A").await?;
    let start = inspect(&db.url).await?;
    if let Some(d) = schema_diff(
        &sqlite().normalize(&a.without_hints()),
        &sqlite().normalize(&start),
    ) {
        return Err(format!("setting up A did not converge:\n{d}"));
    }
    let seeded = seed(&db.url, &start).await;
    let before = all_shared_rows(&db.url, &start, b, false).await?;

    let m = migration(&start, b, sqlite(), &EmitOptions::default())
        .map_err(|e| format!("plan: {e:?}"))?;
    let up = strata::report::sql::render(sqlite(), &m.up);
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .map_err(|e| format!("apply A→B: {e:?}\n{up}"))?;
    let after = inspect(&db.url).await?;
    if let Some(d) = schema_diff(
        &sqlite().normalize(&b.without_hints()),
        &sqlite().normalize(&after),
    ) {
        return Err(format!("up did not converge:\n{d}\n{up}"));
    }
    let moved = all_shared_rows(&db.url, &start, b, true).await?;
    if moved != before {
        return Err(format!(
            "rows changed by the migration:\nbefore {before:?}\nafter  {moved:?}\n{up}"
        ));
    }
    let again = migration(&after, b, sqlite(), &EmitOptions::default())
        .map_err(|e| format!("plan again: {e:?}"))?;
    if !again.plan.is_empty() {
        return Err(format!(
            "planning again is not empty:\n{}\nafter:\n{up}",
            strata::report::sql::render(sqlite(), &again.up)
        ));
    }
    let down = strata::report::sql::render(sqlite(), &m.down);
    apply(&db.url, &m.down, &ApplyOptions::default())
        .await
        .map_err(|e| format!("rollback: {e:?}\n{down}"))?;
    let restored = inspect(&db.url).await?;
    if let Some(d) = schema_diff(&sqlite().normalize(&start), &sqlite().normalize(&restored)) {
        return Err(format!("rollback did not restore A:\n{d}\n{down}"));
    }
    let back = all_shared_rows(&db.url, &start, b, false).await?;
    if back != before {
        return Err(format!(
            "rows changed by the rollback:\nbefore {before:?}\nafter  {back:?}\n{down}"
        ));
    }
    Ok(seeded)
}

/// Schemas as DDL, read back through a scratch file.
const DDL: &[(&str, &str)] = &[
    (
        "shop_v1",
        "CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, name TEXT,
           CHECK (email LIKE '%@%'));
         CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
           total NUMERIC NOT NULL DEFAULT 0, note TEXT);
         CREATE INDEX orders_customer ON orders (customer_id);
         CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
         CREATE VIEW order_notes AS SELECT o.id, o.note, c.email FROM orders o JOIN customers c ON c.id = o.customer_id;
         CREATE TRIGGER customers_note AFTER UPDATE OF name ON customers
           BEGIN UPDATE orders SET note = new.name WHERE customer_id = new.id; END;",
    ),
    (
        "shop_v2",
        "CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL COLLATE NOCASE UNIQUE, name varchar(80),
           created_at TEXT DEFAULT CURRENT_TIMESTAMP, CONSTRAINT email_has_at CHECK (email LIKE '%@%'));
         CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
           total NUMERIC NOT NULL DEFAULT 0 CHECK (total >= 0), twice NUMERIC AS (total * 2));
         CREATE INDEX orders_customer ON orders (customer_id, total DESC) WHERE total > 0;
         CREATE VIEW big_orders AS SELECT id, total FROM orders WHERE total > 100;
         CREATE TABLE audit (at TEXT NOT NULL, what TEXT);
         CREATE TRIGGER orders_audit AFTER INSERT ON orders BEGIN INSERT INTO audit VALUES (datetime('now'), 'order'); END;",
    ),
    (
        "tags",
        "CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL UNIQUE, name TEXT,
           CHECK (email LIKE '%@%'));
         CREATE TABLE tags (name TEXT PRIMARY KEY, weight REAL NOT NULL DEFAULT 1.0) WITHOUT ROWID;
         CREATE TABLE customer_tags (customer_id INTEGER REFERENCES customers (id), tag TEXT REFERENCES tags (name) ON UPDATE CASCADE,
           PRIMARY KEY (customer_id, tag)) STRICT;",
    ),
];

async fn ddl_schema(sql: &str) -> Schema {
    let db = SqliteDb::create();
    crate::sqlite::exec(&db.url, sql).await;
    inspect(&db.url).await.expect("introspect")
}

#[tokio::test]
async fn ddl_pairs_converge_with_rows() {
    let mut schemas = Vec::new();
    for (name, sql) in DDL {
        schemas.push((*name, ddl_schema(sql).await));
    }
    let mut failures = Vec::new();
    let mut seeded = 0;
    for (an, a) in &schemas {
        for (bn, b) in &schemas {
            if an == bn {
                continue;
            }
            match converge_with_rows(a, b).await {
                Ok(n) => seeded += n,
                Err(e) => failures.push(format!("{an} → {bn}: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(
        seeded >= 30,
        "only {seeded} rows went in: the test would prove little"
    );
}

#[tokio::test]
async fn example_schema_pairs_converge_with_rows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/sqlite");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "strata"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    if files.is_empty() {
        eprintln!("SKIPPED: no example schemas in {} yet", dir.display());
        return;
    }
    let mut schemas = Vec::new();
    for f in &files {
        let s = strata::syntax::load_paths(std::slice::from_ref(f))
            .unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
        schemas.push((
            f.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            s,
        ));
    }
    assert!(
        schemas.iter().all(|(_, s)| !s.tables.is_empty()),
        "every example has tables"
    );
    let mut failures = Vec::new();
    let mut seeded = 0;
    let mut pairs = 0;
    for (an, a) in &schemas {
        for (bn, b) in &schemas {
            if an != bn {
                pairs += 1;
                match converge_with_rows(a, b).await {
                    Ok(n) => seeded += n,
                    Err(e) => failures.push(format!("{an} → {bn}: {e}")),
                }
            }
        }
    }
    eprintln!(
        "{pairs} ordered pairs of {} examples, {seeded} rows seeded",
        schemas.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(seeded > 0, "no row went in: the rows part proves nothing");
}
