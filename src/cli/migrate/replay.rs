//! The state a folder of migrations produces: its up files run in order
//! on a scratch database, which is then introspected. SQLite uses a
//! temporary file (introspection opens its own connection, so an
//! in-memory database would be empty for it); PostgreSQL and MySQL create
//! a fresh database on the `--dev-url` server and drop it afterwards.

use std::path::PathBuf;

use miette::miette;
use sqlx::Connection;

use crate::ir::DialectKind;
use crate::url::with_database;

pub struct Scratch {
    pub url: String,
    kind: DialectKind,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{nanos}", std::process::id())
}

fn db_error(what: &str, e: impl std::fmt::Display) -> miette::Report {
    miette!(code = "strata::migrate::dev_database", "{what}: {e}")
}

impl Scratch {
    pub async fn create(kind: DialectKind, dev_url: Option<&str>) -> miette::Result<Scratch> {
        match kind {
            DialectKind::Sqlite => {
                let path = std::env::temp_dir().join(format!("{}.db", unique("strata_replay")));
                std::fs::File::create(&path)
                    .map_err(|e| db_error("cannot create a scratch SQLite file", e))?;
                Ok(Scratch {
                    url: format!("sqlite://{}", path.display()),
                    kind,
                    cleanup: Cleanup::File(path),
                })
            }
            DialectKind::Postgres | DialectKind::Mysql => {
                let Some(admin_url) = dev_url else {
                    return Err(miette!(
                        code = "strata::migrate::dev_url",
                        help = "pass --dev-url with a server where strata may create and drop a scratch database, e.g. --dev-url postgres://postgres@localhost/postgres",
                        "replaying {kind} migrations needs a scratch database server"
                    ));
                };
                let name = unique("strata_dev");
                if kind == DialectKind::Postgres {
                    let mut c = sqlx::PgConnection::connect(admin_url)
                        .await
                        .map_err(|e| db_error("cannot connect to --dev-url", e))?;
                    sqlx::raw_sql(&format!("CREATE DATABASE \"{name}\""))
                        .execute(&mut c)
                        .await
                        .map_err(|e| db_error("cannot create a scratch database", e))?;
                    let _ = c.close().await;
                } else {
                    let mut c = sqlx::MySqlConnection::connect(admin_url)
                        .await
                        .map_err(|e| db_error("cannot connect to --dev-url", e))?;
                    sqlx::raw_sql(&format!("CREATE DATABASE `{name}`"))
                        .execute(&mut c)
                        .await
                        .map_err(|e| db_error("cannot create a scratch database", e))?;
                    let _ = c.close().await;
                }
                Ok(Scratch {
                    url: with_database(admin_url, &name),
                    kind,
                    cleanup: Cleanup::Database {
                        admin_url: admin_url.to_string(),
                        name,
                    },
                })
            }
        }
    }

    /// Runs one migration file's SQL as the tool would send it.
    pub async fn run(&self, label: &str, sql: &str) -> miette::Result<()> {
        let fail = |e: sqlx::Error| {
            miette!(
                code = "strata::migrate::replay",
                help = "fix or remove that migration; the folder must replay cleanly on an empty database",
                "migration {label} failed on the scratch database: {e}"
            )
        };
        match self.kind {
            DialectKind::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .map_err(|e| db_error("cannot open the scratch database", e))?;
                sqlx::raw_sql(sql).execute(&mut c).await.map_err(fail)?;
                let _ = c.close().await;
            }
            DialectKind::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.url)
                    .await
                    .map_err(|e| db_error("cannot open the scratch database", e))?;
                sqlx::raw_sql(sql).execute(&mut c).await.map_err(fail)?;
                let _ = c.close().await;
            }
            DialectKind::Mysql => {
                let mut c = sqlx::MySqlConnection::connect(&self.url)
                    .await
                    .map_err(|e| db_error("cannot open the scratch database", e))?;
                for chunk in mysql_chunks(sql) {
                    if chunk.trim().is_empty() {
                        continue;
                    }
                    sqlx::raw_sql(&chunk).execute(&mut c).await.map_err(fail)?;
                }
                let _ = c.close().await;
            }
        }
        Ok(())
    }

    /// Removes the scratch database.
    pub async fn drop(self) {
        match self.cleanup {
            Cleanup::File(path) => {
                let _ = std::fs::remove_file(path);
            }
            Cleanup::Database { admin_url, name } => {
                if self.kind == DialectKind::Postgres {
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin_url).await {
                        let _ = sqlx::raw_sql(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .execute(&mut c)
                        .await;
                    }
                } else if let Ok(mut c) = sqlx::MySqlConnection::connect(&admin_url).await {
                    let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS `{name}`"))
                        .execute(&mut c)
                        .await;
                }
            }
        }
    }
}

/// Splits a script the way the mysql client reads it: `DELIMITER x` lines
/// switch the statement terminator (for trigger bodies full of `;`).
/// Text under the default `;` stays in multi-statement batches; a
/// statement under another delimiter is one chunk without it.
fn mysql_chunks(sql: &str) -> Vec<String> {
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
        let chunks: Vec<String> = mysql_chunks(sql)
            .into_iter()
            .filter(|c| !c.trim().is_empty())
            .collect();
        assert_eq!(chunks.len(), 3);
        assert!(chunks[1].trim_end().ends_with("END"));
    }
}
