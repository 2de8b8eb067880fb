//! Scratch databases on a PostgreSQL dev server: created empty for one
//! proof (`plan --prove`) or one replay (`migrate`), dropped after it.
//! The name goes through the dialect's quoting like any other.

use sqlx::Connection;

use super::quote;
use crate::dialect::driver::{dev_server_error, drop_error, no_dev_server};
use crate::dialect::{Introspection, LoadError, RunError, Scratch, ScratchPlace};
use crate::url::with_database;

/// Creates the empty database `name` on the server at `dev_url`.
pub async fn create(dev_url: Option<&str>, name: &str) -> miette::Result<Scratch> {
    let admin_url = dev_url.ok_or_else(|| no_dev_server("PostgreSQL"))?;
    exec(
        admin_url,
        &format!("CREATE DATABASE {}", quote::ident(name)),
    )
    .await?;
    Ok(Scratch {
        url: with_database(admin_url, name),
        place: ScratchPlace::Server {
            admin_url: admin_url.to_string(),
            name: name.to_string(),
        },
    })
}

/// Drops a scratch database. FORCE: a connection an apply or an
/// introspection left behind must not keep it alive.
pub async fn drop(scratch: Scratch) -> miette::Result<()> {
    let ScratchPlace::Server { admin_url, name } = scratch.place else {
        return Ok(());
    };
    let sql = format!(
        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
        quote::ident(&name)
    );
    exec(&admin_url, &sql)
        .await
        .map_err(|e| drop_error(&name, e))
}

/// Runs a migration file's text in one round trip: PostgreSQL's simple
/// query protocol takes several statements at once, as `psql -f` sends
/// them.
pub async fn run_file(url: &str, sql: &str) -> Result<(), RunError> {
    let mut c = super::connect::connect(url)
        .await
        .map_err(|e| RunError::Connect(e.to_string()))?;
    let r = sqlx::raw_sql(sql)
        .execute(&mut c)
        .await
        .map(|_| ())
        .map_err(|e| RunError::Statement(e.to_string()));
    let _ = c.close().await;
    r
}

/// Runs a SQL desired state's statements one by one on the scratch
/// database at `url`, then reads it back (see `Driver::load_statements`).
pub async fn load_statements(
    url: &str,
    statements: &[String],
    namespaces: &[String],
) -> Result<Introspection, LoadError> {
    let mut c = super::connect::connect(url)
        .await
        .map_err(|e| LoadError::Other(dev_server_error("connecting", url, e)))?;
    for (index, sql) in statements.iter().enumerate() {
        if let Err(e) = sqlx::raw_sql(sql).execute(&mut c).await {
            let position = e
                .as_database_error()
                .and_then(|db| db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>())
                .and_then(|db| match db.position() {
                    Some(sqlx::postgres::PgErrorPosition::Original(p)) => Some(p),
                    _ => None,
                });
            let _ = c.close().await;
            return Err(LoadError::refused(index, sql, e, position));
        }
    }
    let found = super::introspect::introspect(url, namespaces).await;
    let _ = c.close().await;
    found.map_err(LoadError::Other)
}

/// Runs one statement on the dev server's own database.
async fn exec(url: &str, sql: &str) -> miette::Result<()> {
    let broken = |e: sqlx::Error| dev_server_error(sql, url, e);
    let mut c = super::connect::connect(url).await.map_err(broken)?;
    let r = sqlx::raw_sql(sql).execute(&mut c).await.map_err(broken);
    let _ = c.close().await;
    r.map(|_| ())
}
