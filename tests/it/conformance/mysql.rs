//! The mysql cases of the sqldef corpus on the MariaDB server, through the
//! generic runner (`super::run`): each case on two fresh scratch databases.
//!
//! Loading: sqldef's test database names (`mysqldef_test`, the cases'
//! `db_name_placeholder`, and `use test_db`) become the scratch database,
//! and foreign keys are not checked while loading, as a dump loads (one
//! case creates a child table before its parent).
//!
//! Not run here: cases for another server (MySQL 8 or 5.7, TiDB, MariaDB
//! 11.7's VECTOR), and cases about objects strata does not model (events,
//! routines, subpartitions): introspection reports those as warnings, and
//! such a case would pass on an empty plan without proving anything.

use futures::FutureExt;
use sqlx::Connection;
use strata::ir::DialectKind;

use super::{Case, Hooks, Scratch};
use crate::support::MyDb;

/// The database a MySQL URL names.
fn database_of(url: &str) -> String {
    let path = url.rsplit('/').next().unwrap_or("");
    path.split('?').next().unwrap_or("").to_string()
}

async fn load(url: String, sql: String) -> Result<(), String> {
    if sql.trim().is_empty() {
        return Ok(());
    }
    let db = database_of(&url);
    let sql = sql
        .replace("mysqldef_test", &db)
        .replace("use test_db;", &format!("use `{db}`;"));
    let sql = format!("SET foreign_key_checks = 0;\n{sql}");
    let mut c = sqlx::MySqlConnection::connect(&url)
        .await
        .map_err(|e| e.to_string())?;
    let r = sqlx::raw_sql(&sql).execute(&mut c).await;
    let _ = c.close().await;
    r.map(|_| ()).map_err(|e| match e {
        sqlx::Error::Database(d) => d.message().to_string(),
        other => other.to_string(),
    })
}

fn words(sql: &str) -> Vec<String> {
    sql.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

/// Whether `a` is directly followed by `b` somewhere in the words.
fn has_pair(w: &[String], a: &str, b: &str) -> bool {
    w.windows(2).any(|p| p[0] == a && p[1] == b)
}

/// Why MariaDB 10.11 (or strata's model) cannot run a case, if it cannot.
fn skip(case: &Case) -> Option<String> {
    let f = &case.flags;
    let flavor = f.get("flavor").and_then(|v| v.as_str()).unwrap_or("");
    match flavor {
        "mysql" | "!mariadb" => return Some("needs MySQL 8".into()),
        "tidb" => return Some("needs TiDB".into()),
        _ => {}
    }
    if let Some(v) = f.get("min_version").and_then(|v| v.as_str()) {
        // MariaDB versions (10.x) are met; MySQL 8 ones are not, unless
        // the case is explicitly for MariaDB.
        if v.starts_with('8') && flavor != "mariadb" {
            return Some("needs MySQL 8".into());
        }
    }
    if let Some(v) = f.get("max_version").and_then(|v| v.as_str()) {
        if v.starts_with('5') {
            return Some("needs MySQL 5.7".into());
        }
    }
    let w: Vec<String> = words(&case.current)
        .into_iter()
        .chain(words(&case.desired))
        .collect();
    if w.iter().any(|x| x == "vector") {
        return Some("needs MariaDB 11.7 (VECTOR)".into());
    }
    let word = |x: &str| w.iter().any(|y| y == x);
    if has_pair(&w, "create", "event")
        || has_pair(&w, "alter", "event")
        || (word("event") && word("schedule"))
    {
        return Some("events are not modeled (reported by inspect)".into());
    }
    if has_pair(&w, "create", "procedure") || has_pair(&w, "create", "function") {
        return Some("routines are not modeled (reported by inspect)".into());
    }
    if w.iter().any(|x| x == "subpartition") {
        return Some("subpartitions are not modeled (reported by inspect)".into());
    }
    None
}

pub fn hooks() -> Hooks {
    Hooks {
        dialect: DialectKind::Mysql,
        scratch: || {
            async {
                let db = MyDb::create("conf").await?;
                Some(Scratch {
                    url: db.url.clone(),
                    _guard: Box::new(db),
                })
            }
            .boxed_local()
        },
        load: |url, sql| load(url, sql).boxed_local(),
        skip,
        concurrency: 8,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_conformance() {
    let all = super::cases("mysql");
    assert_eq!(all.len(), 313, "the corpus has 313 mysql cases");
    super::run("mysql", hooks()).await;
}

#[test]
fn names_and_skips() {
    assert_eq!(
        database_of("mysql://root@127.0.0.1:3306/strata_x_1?ssl-mode=disabled"),
        "strata_x_1"
    );
    let case = |desired: &str, flags: serde_json::Value| Case {
        id: "t".into(),
        current: String::new(),
        desired: desired.into(),
        flags: flags.as_object().cloned().unwrap_or_default(),
    };
    let none = serde_json::json!({});
    assert_eq!(skip(&case("CREATE TABLE t (id int)", none.clone())), None);
    assert!(skip(&case(
        "CREATE EVENT e ON SCHEDULE EVERY 1 DAY DO SELECT 1",
        none.clone()
    ))
    .is_some_and(|s| s.contains("events")));
    assert!(skip(&case("", serde_json::json!({"min_version": "8.0"})))
        .is_some_and(|s| s.contains("MySQL 8")));
    assert_eq!(
        skip(&case(
            "",
            serde_json::json!({"min_version": "10.2", "flavor": "mariadb"})
        )),
        None
    );
}
