//! Scratch databases for SQLite: a temporary file, created empty for one
//! proof (`plan --prove`) or one replay (`migrate`) and removed after it
//! with its journal files. A file rather than `:memory:`, because
//! introspection opens its own connection and would see an empty
//! in-memory database. A SQL desired state loads into a named in-memory
//! database instead ([`memory`]): one connection holds it while another
//! reads it back.

use std::path::PathBuf;

use sqlx::{Connection, SqliteConnection};

use crate::dialect::{Introspection, LoadError, RunError, Scratch, ScratchPlace};

/// Creates the empty file `<temp>/<name>.db`.
pub fn create(name: &str) -> miette::Result<Scratch> {
    let path = std::env::temp_dir().join(format!("{name}.db"));
    std::fs::File::create(&path).map_err(|e| {
        miette::miette!(
            code = "strata::scratch::file",
            "cannot create a scratch SQLite file {}: {e}",
            path.display()
        )
    })?;
    Ok(Scratch {
        url: format!("sqlite://{}", path.display()),
        place: ScratchPlace::File(path),
    })
}

/// Removes the file and whatever journal SQLite left beside it.
pub fn drop(scratch: Scratch) -> miette::Result<()> {
    let ScratchPlace::File(path) = scratch.place else {
        return Ok(());
    };
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        // A journal that was never written is not there to remove.
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    Ok(())
}

/// Runs a migration file's text as `sqlite3` would: every statement in
/// order, on one connection.
pub async fn run_file(url: &str, sql: &str) -> Result<(), RunError> {
    let mut c = SqliteConnection::connect(url)
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

/// A named in-memory database with a shared cache: every connection of
/// this process that opens the URL sees it, until the last one closes.
pub fn memory(name: &str) -> Scratch {
    Scratch {
        url: format!("sqlite://file:{name}?mode=memory&cache=shared"),
        place: ScratchPlace::Memory,
    }
}

/// Runs a SQL desired state's statements one by one on the scratch
/// database at `url`, then reads it back while the connection that ran
/// them keeps an in-memory database alive.
pub async fn load_statements(
    url: &str,
    statements: &[String],
    namespaces: &[String],
) -> Result<Introspection, LoadError> {
    let options = super::connect_options(url, true)
        .map_err(LoadError::Other)?
        .ok_or_else(|| LoadError::Other(miette::miette!("cannot open {url}")))?;
    let mut c = SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| LoadError::Other(super::connect_error(url, e)))?;
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
