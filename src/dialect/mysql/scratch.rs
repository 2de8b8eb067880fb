//! Scratch databases on a MySQL or MariaDB dev server: created empty for
//! one proof (`plan --prove`) or one replay (`migrate`), dropped after
//! it; and migration files run on them the way the `mysql` client reads
//! a file (`DELIMITER` lines).

use sqlx::{Connection, MySqlConnection};

use super::quote;
use crate::dialect::driver::{dev_server_error, drop_error, no_dev_server};
use crate::dialect::{Introspection, LoadError, RunError, Scratch, ScratchPlace};
use crate::url::{with_database, with_scheme};

/// Creates the empty database `name` on the server at `dev_url`.
pub async fn create(dev_url: Option<&str>, name: &str) -> miette::Result<Scratch> {
    let admin_url = dev_url.ok_or_else(|| no_dev_server("MySQL"))?;
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

/// Drops a scratch database.
pub async fn drop(scratch: Scratch) -> miette::Result<()> {
    let ScratchPlace::Server { admin_url, name } = scratch.place else {
        return Ok(());
    };
    let sql = format!("DROP DATABASE IF EXISTS {}", quote::ident(&name));
    exec(&admin_url, &sql)
        .await
        .map_err(|e| drop_error(&name, e))
}

/// Runs a migration file's text, split where the `mysql` client would
/// split it (see [`chunks`]).
pub async fn run_file(url: &str, sql: &str) -> Result<(), RunError> {
    let mut c = super::apply::session(url)
        .await
        .map_err(|e| RunError::Connect(e.to_string()))?;
    let mut result = Ok(());
    for chunk in chunks(sql) {
        if chunk.trim().is_empty() {
            continue;
        }
        if let Err(e) = sqlx::raw_sql(&chunk).execute(&mut c).await {
            result = Err(RunError::Statement(e.to_string()));
            break;
        }
    }
    let _ = c.close().await;
    result
}

/// Runs a SQL desired state's statements one by one on the scratch
/// database at `url`, then reads it back (see `Driver::load_statements`).
pub async fn load_statements(
    url: &str,
    statements: &[String],
    namespaces: &[String],
) -> Result<Introspection, LoadError> {
    let mut c = super::apply::session(url)
        .await
        .map_err(|e| LoadError::Other(dev_server_error("connecting", url, e)))?;
    for (index, sql) in statements.iter().enumerate() {
        if let Err(e) = sqlx::raw_sql(sql).execute(&mut c).await {
            let _ = c.close().await;
            return Err(LoadError::refused(index, sql, e, None));
        }
    }
    let found = super::introspect::introspect(url, namespaces).await;
    let _ = c.close().await;
    found.map_err(LoadError::Other)
}

/// Runs one statement on the dev server.
async fn exec(url: &str, sql: &str) -> miette::Result<()> {
    let broken = |e: sqlx::Error| dev_server_error(sql, url, e);
    let mut c = MySqlConnection::connect(&with_scheme(url, "mysql"))
        .await
        .map_err(broken)?;
    let r = sqlx::raw_sql(sql).execute(&mut c).await.map_err(broken);
    let _ = c.close().await;
    r.map(|_| ())
}

/// Splits a script the way the mysql client reads it: `DELIMITER x` lines
/// switch the statement terminator (for trigger bodies full of `;`).
/// Text under the default `;` stays in multi-statement batches; a
/// statement under another delimiter is one chunk without it.
fn chunks(sql: &str) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut delimiter = ";".to_string();
    let mut current = String::new();
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.len() > 10 && trimmed[..10].eq_ignore_ascii_case("delimiter ") {
            chunks.push(std::mem::take(&mut current));
            delimiter = trimmed[10..].trim().to_string();
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if delimiter != ";" && trimmed.ends_with(delimiter.as_str()) {
            let end = current.trim_end().len() - delimiter.len();
            current.truncate(end);
            chunks.push(std::mem::take(&mut current));
        }
    }
    chunks.push(current);
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiter_chunks() {
        let sql = "CREATE TABLE a (x int);\nDELIMITER //\nCREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 1; END//\nDELIMITER ;\nDROP TABLE b;\n";
        let chunks: Vec<String> = chunks(sql)
            .into_iter()
            .filter(|c| !c.trim().is_empty())
            .collect();
        assert_eq!(chunks.len(), 3);
        assert!(chunks[1].trim_end().ends_with("END"));
    }
}
