//! The MySQL corpora on the MariaDB server: sqldef's mysql cases, judged
//! by the oracle. Each worker owns two databases and drops and creates
//! them again between cases (cheap on MariaDB: a database is a directory).
//!
//! Loading a case: the test database names sqldef hard-codes
//! (`mysqldef_test`, the case's `db_name_placeholder`, `use test_db`)
//! become the scratch database's, and foreign keys are not checked while
//! the DDL loads, as a dump loads (one case creates a child table before
//! its parent).

use sqlx::Connection;

use super::{cases, report, run_cases, skip_reason, Case, Workspace};
use crate::support::{mysql_admin_url, MyDb};

/// The database a MySQL URL names.
fn database_of(url: &str) -> String {
    let path = url.rsplit('/').next().unwrap_or("");
    path.split('?').next().unwrap_or("").to_string()
}

/// A worker's two scratch databases.
pub struct Pair {
    pub a: String,
    pub d: String,
    dbs: [MyDb; 2],
}

impl Pair {
    pub async fn create() -> Option<Pair> {
        let a = MyDb::create("confa").await?;
        let d = MyDb::create("confd").await?;
        Some(Pair {
            a: a.url.clone(),
            d: d.url.clone(),
            dbs: [a, d],
        })
    }
}

impl Workspace for Pair {
    fn urls(&self) -> (&str, &str) {
        (&self.a, &self.d)
    }

    async fn fresh(&mut self) -> Result<(), String> {
        let mut c = sqlx::MySqlConnection::connect(&mysql_admin_url())
            .await
            .map_err(|e| e.to_string())?;
        for db in &self.dbs {
            let sql = format!(
                "DROP DATABASE IF EXISTS `{0}`; CREATE DATABASE `{0}`",
                db.name
            );
            sqlx::raw_sql(&sql)
                .execute(&mut c)
                .await
                .map_err(|e| e.to_string())?;
        }
        let _ = c.close().await;
        Ok(())
    }

    fn prepare(&self, sql: &str, url: &str, case: &Case) -> String {
        prepare(sql, &database_of(url), case)
    }
}

/// A case's DDL as it loads into database `db`.
fn prepare(sql: &str, db: &str, case: &Case) -> String {
    let mut sql = sql
        .replace("mysqldef_test", db)
        .replace("use test_db;", &format!("use `{db}`;"));
    if let Some(ph) = case
        .flags
        .get("db_name_placeholder")
        .and_then(|v| v.as_str())
    {
        sql = sql.replace(ph, db);
    }
    format!("SET foreign_key_checks = 0;\n{sql}")
}

/// The server's version, e.g. `10.11.6-MariaDB-0+deb12u1`.
pub async fn server_version(url: &str) -> String {
    let Ok(mut c) = sqlx::MySqlConnection::connect(url).await else {
        return String::new();
    };
    let v: String = sqlx::query_scalar("SELECT CAST(VERSION() AS CHAR)")
        .fetch_one(&mut c)
        .await
        .unwrap_or_default();
    let _ = c.close().await;
    v
}

/// `mariadb` or `mysql`, as sqldef's `flavor` flag names servers.
pub fn flavor(version: &str) -> &'static str {
    if version.to_ascii_lowercase().contains("mariadb") {
        "mariadb"
    } else {
        "mysql"
    }
}

pub async fn workers(n: usize) -> Option<Vec<Pair>> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(Pair::create().await?);
    }
    Some(out)
}

const WORKERS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mysql_conformance() {
    let all = cases("sqldef/mysql.jsonl");
    assert_eq!(all.len(), 313, "the corpus has 313 mysql cases");
    let Some(mut workers) = workers(WORKERS).await else {
        return;
    };
    let version = server_version(&workers[0].a).await;
    let started = std::time::Instant::now();
    let results = run_cases(&mut workers, all, |c| {
        skip_reason(c, &version, flavor(&version))
    })
    .await;
    report::conclude_run(
        "mysql",
        &format!("MySQL/MariaDB {version}, sqldef"),
        &results,
        started.elapsed(),
    );
}

#[test]
fn test_database_names_become_the_scratch_database() {
    let db = database_of("mysql://root@127.0.0.1:3306/strata_x_1?ssl-mode=disabled");
    assert_eq!(db, "strata_x_1");
    let case = Case {
        id: "t".into(),
        current: None,
        desired: None,
        flags: serde_json::json!({"db_name_placeholder": "other_db"})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    };
    assert_eq!(
        prepare("use test_db;\nCREATE TABLE mysqldef_test.a (x int, y int);\nCREATE TABLE other_db.b (x int);", &db, &case),
        "SET foreign_key_checks = 0;\nuse `strata_x_1`;\nCREATE TABLE strata_x_1.a (x int, y int);\nCREATE TABLE strata_x_1.b (x int);"
    );
}
