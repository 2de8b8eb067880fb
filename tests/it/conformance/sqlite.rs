//! The sqlite cases of the sqldef corpus, each on two fresh database files.

use std::str::FromStr;

use futures::FutureExt;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use strata::ir::DialectKind;

use super::{Case, Hooks, Scratch};
use crate::support::SqliteDb;

async fn load(url: String, sql: String) -> Result<(), String> {
    let opts = SqliteConnectOptions::from_str(&url)
        .map_err(|e| e.to_string())?
        .create_if_missing(true);
    let mut c = SqliteConnection::connect_with(&opts)
        .await
        .map_err(|e| e.to_string())?;
    let r = if sql.trim().is_empty() {
        Ok(())
    } else {
        sqlx::raw_sql(&sql).execute(&mut c).await.map(|_| ())
    };
    let _ = c.close().await;
    r.map_err(|e| match e {
        sqlx::Error::Database(d) => d.message().to_string(),
        other => other.to_string(),
    })
}

fn no_server_limits(_: &Case) -> Option<String> {
    None
}

pub fn hooks() -> Hooks {
    Hooks {
        dialect: DialectKind::Sqlite,
        scratch: || {
            async {
                let db = SqliteDb::create();
                Some(Scratch {
                    url: db.url.clone(),
                    _guard: Box::new(db),
                })
            }
            .boxed_local()
        },
        load: |url, sql| load(url, sql).boxed_local(),
        skip: no_server_limits,
        concurrency: 4,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_conformance() {
    super::run("sqlite", hooks()).await;
}
