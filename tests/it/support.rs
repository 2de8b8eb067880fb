//! Scratch databases for integration tests. Every test gets its own
//! database so that tests run in parallel.
//!
//! Environment:
//! - `STRATA_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`):
//!   a PostgreSQL server where the user may `CREATE DATABASE`.
//! - `STRATA_TEST_MYSQL_URL` (default `mysql://root@127.0.0.1:3306/mysql`):
//!   a MySQL or MariaDB server where the user may `CREATE DATABASE`.
//! - `STRATA_REQUIRE_DATABASES=1`: a test that cannot reach its server
//!   fails instead of skipping (CI sets this).

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, Executor};

pub const POSTGRES_VAR: &str = "STRATA_TEST_POSTGRES_URL";
pub const MYSQL_VAR: &str = "STRATA_TEST_MYSQL_URL";
pub const REQUIRE_VAR: &str = "STRATA_REQUIRE_DATABASES";

/// The PostgreSQL server's URL for creating and dropping scratch databases.
pub fn postgres_admin_url() -> String {
    std::env::var(POSTGRES_VAR)
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// The MySQL/MariaDB server's URL for creating and dropping scratch
/// databases.
pub fn mysql_admin_url() -> String {
    std::env::var(MYSQL_VAR).unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/mysql".into())
}

fn required() -> bool {
    std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1" || v == "true")
}

/// A unique name per process and call, safe as a database name.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("strata_{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// Reports an unreachable server: a loud skip on a laptop, a failure in CI.
/// Returns `None` so that callers can `let Some(db) = … else { return }`.
fn unreachable<T>(what: &str, var: &str, url: &str, err: impl std::fmt::Display) -> Option<T> {
    let msg = format!(
        "{what} is unreachable at {url} ({err}); set {var} to a server where the user may CREATE DATABASE"
    );
    if required() {
        panic!("{msg} ({REQUIRE_VAR} is set, so this is a failure, not a skip)");
    }
    eprintln!("\n========================================================");
    eprintln!("SKIPPED: {msg}");
    eprintln!("========================================================\n");
    None
}

fn with_database(url: &str, db: &str) -> String {
    match url.rfind('/') {
        Some(i) if i > "postgres://".len() => {
            let (base, rest) = url.split_at(i);
            let query = rest.find('?').map(|q| &rest[q..]).unwrap_or("");
            format!("{base}/{db}{query}")
        }
        _ => format!("{url}/{db}"),
    }
}

/// Creates a database named after `prefix` on the server at `admin_url`
/// with the statement `create` writes for the name, and returns the name.
/// `None` (after a loud message) when the server (`what`, its URL set by
/// `var`) is unreachable.
async fn create_database<C>(
    what: &str,
    var: &str,
    admin_url: &str,
    prefix: &str,
    create: impl FnOnce(&str) -> String,
) -> Option<String>
where
    C: Connection,
    for<'c> &'c mut C: Executor<'c, Database = C::Database>,
{
    let mut conn = match C::connect(admin_url).await {
        Ok(c) => c,
        Err(e) => return unreachable(what, var, admin_url, e),
    };
    let name = unique_name(prefix);
    sqlx::raw_sql(&create(&name))
        .execute(&mut conn)
        .await
        .expect("create scratch database");
    let _ = conn.close().await;
    Some(name)
}

/// A scratch PostgreSQL database, dropped when the value is dropped.
pub struct PgDb {
    pub url: String,
    pub name: String,
    admin_url: String,
}

impl PgDb {
    /// `None` (after a loud message) when the server is unreachable and
    /// `STRATA_REQUIRE_DATABASES` is not set.
    pub async fn create(prefix: &str) -> Option<PgDb> {
        let admin_url = postgres_admin_url();
        let name = create_database::<sqlx::PgConnection>(
            "PostgreSQL",
            POSTGRES_VAR,
            &admin_url,
            prefix,
            |name| format!("CREATE DATABASE \"{name}\""),
        )
        .await?;
        Some(PgDb {
            url: with_database(&admin_url, &name),
            name,
            admin_url,
        })
    }
}

impl Drop for PgDb {
    fn drop(&mut self) {
        clean_up(
            self.admin_url.clone(),
            vec![format!(
                "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                self.name
            )],
        );
    }
}

/// Runs each of `statements` on `admin`, ignoring failures (a leftover
/// scratch object must not fail the test that made it), from a thread
/// with a small runtime of its own: `Drop` runs outside any runtime's
/// async context, and this keeps clean-up independent of the caller's.
pub fn clean_up(admin: String, statements: Vec<String>) {
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        if let Ok(rt) = rt {
            for s in statements {
                let _ = rt.block_on(exec(&admin, std::slice::from_ref(&s)));
            }
        }
    })
    .join();
}

/// A scratch MySQL/MariaDB database, dropped when the value is dropped.
pub struct MyDb {
    pub url: String,
    pub name: String,
    admin_url: String,
}

impl MyDb {
    pub async fn create(prefix: &str) -> Option<MyDb> {
        let admin_url = mysql_admin_url();
        let name = create_database::<sqlx::MySqlConnection>(
            "MySQL/MariaDB",
            MYSQL_VAR,
            &admin_url,
            prefix,
            |name| format!("CREATE DATABASE `{name}`"),
        )
        .await?;
        Some(MyDb {
            url: with_database(&admin_url, &name),
            name,
            admin_url,
        })
    }
}

impl Drop for MyDb {
    fn drop(&mut self) {
        clean_up(
            self.admin_url.clone(),
            vec![format!("DROP DATABASE IF EXISTS `{}`", self.name)],
        );
    }
}

/// A scratch SQLite database file in its own temporary directory.
pub struct SqliteDb {
    pub url: String,
    pub path: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl SqliteDb {
    /// The database file exists (empty), so that set-up can open it.
    pub fn create_file() -> SqliteDb {
        let db = SqliteDb::create();
        std::fs::File::create(&db.path).expect("create the database file");
        db
    }

    pub fn create() -> SqliteDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("test.db");
        SqliteDb {
            url: format!("sqlite://{}", path.display()),
            path,
            _dir: dir,
        }
    }
}

/// A runtime for the tests that drive the CLI and the databases from
/// plain (not async) test functions.
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Set-up statements as [`exec`] takes them.
pub fn ddl(statements: &[&str]) -> Vec<String> {
    statements.iter().map(|s| s.to_string()).collect()
}

/// Runs statements one by one on the database at `url` (test set-up only).
pub async fn exec(url: &str, statements: &[String]) -> Result<(), String> {
    match server_of(url) {
        Server::Postgres => exec_on::<sqlx::PgConnection>(url, statements).await,
        Server::Mysql => exec_on::<sqlx::MySqlConnection>(url, statements).await,
        Server::Sqlite => exec_on::<sqlx::SqliteConnection>(url, statements).await,
    }
}

/// The single integer a `SELECT COUNT(*) …` returns.
pub async fn count(url: &str, sql: &str) -> Result<i64, String> {
    match server_of(url) {
        Server::Postgres => count_on::<sqlx::PgConnection>(url, sql).await,
        Server::Mysql => count_on::<sqlx::MySqlConnection>(url, sql).await,
        Server::Sqlite => count_on::<sqlx::SqliteConnection>(url, sql).await,
    }
}

/// Which kind of server a test URL names: its connection type.
enum Server {
    Postgres,
    Mysql,
    Sqlite,
}

fn server_of(url: &str) -> Server {
    if url.starts_with("postgres") {
        Server::Postgres
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        Server::Mysql
    } else {
        Server::Sqlite
    }
}

async fn exec_on<C>(url: &str, statements: &[String]) -> Result<(), String>
where
    C: Connection,
    for<'c> &'c mut C: Executor<'c, Database = C::Database>,
{
    let mut c = C::connect(url).await.map_err(|e| e.to_string())?;
    for s in statements {
        sqlx::raw_sql(s)
            .execute(&mut c)
            .await
            .map_err(|e| format!("{s}: {e}"))?;
    }
    Ok(())
}

async fn count_on<C>(url: &str, sql: &str) -> Result<i64, String>
where
    C: Connection,
    for<'c> &'c mut C: Executor<'c, Database = C::Database>,
    for<'q> <C::Database as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, C::Database>,
    (i64,): for<'r> sqlx::FromRow<'r, <C::Database as sqlx::Database>::Row>,
{
    let mut c = C::connect(url).await.map_err(|e| e.to_string())?;
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&mut c)
        .await
        .map_err(|e| format!("{sql}: {e}"))
}

/// Runs a script on the database at `url` with the driver its scheme
/// names: the one dispatch point the CLI uses too.
pub async fn apply(
    url: &str,
    script: &strata::dialect::Script,
    options: &strata::dialect::ApplyOptions,
) -> miette::Result<strata::dialect::ApplyReport> {
    strata::dialect::for_url(url)?
        .apply(url, script, options)
        .await
}

/// What `strata plan` plans from the database at `url` to the schema
/// `text`: introspect, align, plan (on the database's dialect).
pub async fn plan_to(url: &str, text: &str) -> strata::migration::Migration {
    let current = strata::source::introspect(url, &[])
        .await
        .expect("introspects")
        .schema;
    let mut desired = strata::syntax::parse(&[strata::syntax::SourceFile::new("t.strata", text)])
        .expect("parses");
    strata::source::align(url, &current, &mut desired)
        .await
        .expect("aligns");
    let kind = current.dialect.expect("an introspection names its dialect");
    strata::migration::migration(
        &current,
        &desired,
        strata::dialect::for_kind(kind),
        &strata::dialect::EmitOptions::default(),
    )
    .expect("plans")
}

/// The server's catalog as the oracle reads it, without strata's own
/// history table.
pub async fn catalog(url: &str) -> crate::oracle::Fingerprint {
    crate::oracle::without_bookkeeping(crate::oracle::fingerprint(url).await.expect("catalog"))
}

/// PostgreSQL, the dialect of the `pg_pairs!` modules.
pub fn pg() -> &'static dyn strata::dialect::Dialect {
    strata::dialect::for_kind(strata::ir::DialectKind::Postgres)
}

/// `text` parsed as a PostgreSQL schema file that starts with `preamble`
/// (the extensions a module's cases need).
pub fn pg_parse(preamble: &str, text: &str) -> strata::ir::Schema {
    let text = format!("dialect postgres\n{preamble}{text}");
    strata::syntax::parse(&[strata::syntax::SourceFile::new("t.strata", text)])
        .unwrap_or_else(|e| panic!("{e:?}"))
}

/// The convergence triple from nothing to A, A to B (with three rows in
/// every table of A when `rows`) and back, in a scratch database named
/// after `prefix`; `name` labels the failure.
pub async fn pg_pair(prefix: &str, preamble: &str, name: &str, a: &str, b: &str, rows: bool) {
    let Some(db) = PgDb::create(prefix).await else {
        return;
    };
    let (a, b) = (pg_parse(preamble, a), pg_parse(preamble, b));
    let judged = if rows {
        crate::converge::converge_with_rows(&db.url, &a, &b).await
    } else {
        crate::converge::converge(&db.url, &a, &b).await
    };
    if let Err(e) = judged {
        panic!("{name}: {e}");
    }
}

/// One `#[tokio::test]` a case, each judged by [`pg_pair`]:
/// `pg_pairs! { "prefix", PREAMBLE; name (rows): a => b; … }`.
macro_rules! pg_pairs {
    ($prefix:expr, $preamble:expr; $($name:ident ($rows:expr): $a:expr => $b:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            $crate::support::pg_pair($prefix, $preamble, stringify!($name), $a, $b, $rows).await;
        }
    )*};
}
pub(crate) use pg_pairs;
