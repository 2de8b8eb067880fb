//! String literals are exact, on every dialect, against the real servers:
//! a generated string (backslashes, quotes, `%`, `_`, newlines, tabs,
//! non-ASCII) written as a column default, inside a check and as a
//! comment is stored byte for byte, plans again to nothing, comes back
//! through `inspect` as a file that plans to nothing, and gives the
//! server catalog a hand-written `CREATE TABLE` gives; the rollback
//! leaves the database empty. On MySQL the script also runs in a session
//! with `NO_BACKSLASH_ESCAPES` on; on PostgreSQL the file may spell the
//! string as an `E'…'` literal.

use proptest::prelude::*;
use sqlx::{Connection, Executor, Row};
use strata::dialect::{self, ApplyOptions, EmitOptions};
use strata::ir::{DialectKind, Schema};
use strata::migration::migration;
use strata::syntax::SourceFile;

use crate::oracle::{compare, Fingerprint};
use crate::support::{apply, MyDb, PgDb, SqliteDb};

/// The characters that have broken string handling somewhere.
const ALPHABET: &[char] = &[
    'a', 'Z', '0', ' ', '\\', '\'', '"', '`', '%', '_', '\n', '\t', '\r', 'é', '漢', '$', ';',
];

fn strings() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..12)
        .prop_map(|cs| cs.into_iter().collect())
}

fn settings() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok());
    ProptestConfig {
        cases: cases.unwrap_or(12),
        ..ProptestConfig::default()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// A SQL literal with quotes doubled: standard SQL, PostgreSQL, SQLite.
fn standard(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A MySQL literal under the default `sql_mode` (backslash escapes).
fn mysql(s: &str) -> String {
    standard(&s.replace('\\', "\\\\"))
}

/// A PostgreSQL escape string `E'…'`.
fn escape_string(s: &str) -> String {
    let body: String = s
        .chars()
        .map(|c| match c {
            '\\' => "\\\\".to_string(),
            '\'' => "\\'".to_string(),
            '\n' => "\\n".to_string(),
            '\t' => "\\t".to_string(),
            '\r' => "\\r".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!("E'{body}'")
}

/// A string of the schema language (comments).
fn schema_string(s: &str) -> String {
    let body: String = s
        .chars()
        .map(|c| match c {
            '\\' => "\\\\".to_string(),
            '"' => "\\\"".to_string(),
            '\n' => "\\n".to_string(),
            '\t' => "\\t".to_string(),
            '\r' => "\\r".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!("\"{body}\"")
}

/// The schema file: `lit` is the value as the file spells it.
fn file(kind: DialectKind, lit: &str, value: &str) -> String {
    let (name, ty, comment) = match kind {
        DialectKind::Mysql => ("mysql", "varchar(200)", true),
        DialectKind::Postgres => ("postgres", "text", true),
        DialectKind::Sqlite => ("sqlite", "text", false),
    };
    let comment = if comment {
        format!("  comment {}\n", schema_string(value))
    } else {
        String::new()
    };
    format!(
        "dialect {name}\n\ntable t {{\n  id  int  pk\n  c   {ty}?  = {lit}\n  check k (c <> {lit} or id = 1)\n{comment}}}\n"
    )
}

fn parse(text: &str) -> Result<Schema, String> {
    strata::syntax::parse(&[SourceFile::new("literals.strata", text)])
        .map_err(|e| format!("parse: {e:?}\n{text}"))
}

/// The server's catalog, without the table where a MySQL apply records
/// its progress (bookkeeping, not schema).
async fn fingerprint(url: &str) -> Result<Fingerprint, String> {
    let mut f = crate::oracle::fingerprint(url).await?;
    f.lines.retain(|l| !l.contains("strata_history"));
    f.column_order
        .retain(|rel, _| !rel.contains("strata_history"));
    Ok(f)
}

async fn inspect(url: &str) -> Result<Schema, String> {
    strata::source::introspect(url, &[])
        .await
        .map(|i| i.schema)
        .map_err(|e| format!("introspect: {e:?}"))
}

/// The plan from the database at `url` to `to` is empty.
async fn plans_nothing(url: &str, to: &Schema, what: &str) -> Result<(), String> {
    let kind = strata::url::dialect_of_url(url).ok_or("not a database URL")?;
    let d = dialect::for_kind(kind);
    let current = inspect(url).await?;
    let m = migration(&current, to, d, &EmitOptions::default()).map_err(|e| format!("{e:?}"))?;
    if m.up.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what}: plan again is not empty:\n{}",
            strata::report::sql::render(d, &m.up)
        ))
    }
}

/// What the server stores for the default, and for the table comment.
async fn stored(url: &str, kind: DialectKind) -> Result<(String, Option<String>), String> {
    let err = |e: sqlx::Error| e.to_string();
    let insert = "INSERT INTO t (id) VALUES (1)";
    let select = "SELECT c FROM t WHERE id = 1";
    match kind {
        DialectKind::Mysql => {
            let mut c = sqlx::MySqlConnection::connect(url).await.map_err(err)?;
            c.execute(insert).await.map_err(err)?;
            let v: String = sqlx::query(select)
                .fetch_one(&mut c)
                .await
                .map_err(err)?
                .get(0);
            let comment: String = sqlx::query(
                "SELECT table_comment FROM information_schema.tables \
                 WHERE table_schema = DATABASE() AND table_name = 't'",
            )
            .fetch_one(&mut c)
            .await
            .map_err(err)?
            .get(0);
            Ok((v, Some(comment)))
        }
        DialectKind::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.map_err(err)?;
            c.execute(insert).await.map_err(err)?;
            let v: String = sqlx::query(select)
                .fetch_one(&mut c)
                .await
                .map_err(err)?
                .get(0);
            let comment: Option<String> =
                sqlx::query("SELECT obj_description('t'::regclass, 'pg_class')")
                    .fetch_one(&mut c)
                    .await
                    .map_err(err)?
                    .get(0);
            Ok((v, comment))
        }
        DialectKind::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.map_err(err)?;
            c.execute(insert).await.map_err(err)?;
            let v: String = sqlx::query(select)
                .fetch_one(&mut c)
                .await
                .map_err(err)?
                .get(0);
            Ok((v, None))
        }
    }
}

/// The check compares with the exact value: that very string is refused
/// (the check lets the default's row through, whatever its value).
async fn check_refuses(url: &str, kind: DialectKind, value: &str) -> Result<(), String> {
    let sql = "INSERT INTO t (id, c) VALUES (2, ?)";
    let refused = match kind {
        DialectKind::Mysql => {
            let mut c = sqlx::MySqlConnection::connect(url)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::query(sql).bind(value).execute(&mut c).await.is_err()
        }
        DialectKind::Postgres => {
            let mut c = sqlx::PgConnection::connect(url)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::query(&sql.replace('?', "$1"))
                .bind(value)
                .execute(&mut c)
                .await
                .is_err()
        }
        DialectKind::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url)
                .await
                .map_err(|e| e.to_string())?;
            sqlx::query(sql).bind(value).execute(&mut c).await.is_err()
        }
    };
    if refused {
        Ok(())
    } else {
        Err(format!("the check let {value:?} through"))
    }
}

/// The whole round trip of one value spelled `lit` in the file, on the
/// empty database at `url`; `reference` is a database that the same
/// table was created in by hand (the catalog to equal), if any.
async fn round_trip(
    url: &str,
    kind: DialectKind,
    lit: &str,
    value: &str,
    reference: Option<&str>,
) -> Result<(), String> {
    let d = dialect::for_kind(kind);
    let want = parse(&file(kind, lit, value))?;
    let empty = fingerprint(url).await?;
    let m = migration(&Schema::default(), &want, d, &EmitOptions::default())
        .map_err(|e| format!("{e:?}"))?;
    let sql = strata::report::sql::render(d, &m.up);
    apply(url, &m.up, &ApplyOptions::default())
        .await
        .map_err(|e| format!("apply: {e:?}\n{sql}"))?;
    if let Some(reference) = reference {
        let cmp = compare(&fingerprint(url).await?, &fingerprint(reference).await?);
        if !cmp.equal {
            return Err(format!(
                "catalog differs from the hand-written table: {:?}\n{sql}",
                cmp.diff
            ));
        }
    }
    plans_nothing(url, &want, "file").await?;
    let printed = strata::syntax::print(&inspect(url).await?);
    plans_nothing(url, &parse(&printed)?, "inspected file").await?;
    let (v, comment) = stored(url, kind).await?;
    if v != value || comment.as_ref().is_some_and(|c| c != value) {
        return Err(format!(
            "stored {v:?} (comment {comment:?}), wrote {value:?}\n{sql}"
        ));
    }
    check_refuses(url, kind, value).await?;
    apply(url, &m.down, &ApplyOptions::default())
        .await
        .map_err(|e| format!("rollback: {e:?}"))?;
    let cmp = compare(&fingerprint(url).await?, &empty);
    if !cmp.equal {
        return Err(format!("rollback left {:?}", cmp.diff));
    }
    Ok(())
}

/// The hand-written MySQL table, in the session's default `sql_mode`.
fn mysql_table(value: &str) -> String {
    let lit = mysql(value);
    format!(
        "CREATE TABLE t (id int NOT NULL, c varchar(200) DEFAULT {lit}, PRIMARY KEY (id), \
         CONSTRAINT k CHECK (c <> {lit} or id = 1)) COMMENT={lit}"
    )
}

/// Runs the plan's statements in a session with `NO_BACKSLASH_ESCAPES`
/// on, as a `mysql` client of such a server would.
async fn mysql_without_escapes(url: &str, value: &str) -> Result<(), String> {
    let d = dialect::for_kind(DialectKind::Mysql);
    let want = parse(&file(DialectKind::Mysql, &mysql(value), value))?;
    let m = migration(&Schema::default(), &want, d, &EmitOptions::default())
        .map_err(|e| format!("{e:?}"))?;
    let mut c = sqlx::MySqlConnection::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    c.execute("SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')")
        .await
        .map_err(|e| e.to_string())?;
    for s in m.up.statements() {
        c.execute(s.sql.as_str())
            .await
            .map_err(|e| format!("{}: {e}", s.sql))?;
    }
    let (v, comment) = stored(url, DialectKind::Mysql).await?;
    if v != value || comment.as_deref() != Some(value) {
        return Err(format!(
            "without escapes: stored {v:?} (comment {comment:?}), wrote {value:?}"
        ));
    }
    Ok(())
}

async fn mysql_case(value: &str) -> Result<(), String> {
    let (Some(db), Some(reference), Some(plain)) = (
        MyDb::create("lit").await,
        MyDb::create("litref").await,
        MyDb::create("litnbe").await,
    ) else {
        return Ok(());
    };
    crate::support::exec(&reference.url, &[mysql_table(value)]).await?;
    round_trip(
        &db.url,
        DialectKind::Mysql,
        &mysql(value),
        value,
        Some(&reference.url),
    )
    .await?;
    mysql_without_escapes(&plain.url, value).await
}

async fn postgres_case(value: &str) -> Result<(), String> {
    let (Some(db), Some(reference)) = (PgDb::create("lit").await, PgDb::create("litref").await)
    else {
        return Ok(());
    };
    let lit = standard(value);
    crate::support::exec(
        &reference.url,
        &[
            format!(
                "CREATE TABLE t (id int NOT NULL PRIMARY KEY, c text DEFAULT {lit}, \
                 CONSTRAINT k CHECK (c <> {lit} or id = 1))"
            ),
            format!("COMMENT ON TABLE t IS {lit}"),
        ],
    )
    .await?;
    round_trip(
        &db.url,
        DialectKind::Postgres,
        &lit,
        value,
        Some(&reference.url),
    )
    .await?;
    // The same value spelled as an escape string means the same table.
    round_trip(
        &db.url,
        DialectKind::Postgres,
        &escape_string(value),
        value,
        Some(&reference.url),
    )
    .await
    .map_err(|e| format!("E'' spelling: {e}"))
}

async fn sqlite_case(value: &str) -> Result<(), String> {
    let db = SqliteDb::create();
    // An empty file is an empty database, for the oracle to read.
    std::fs::File::create(&db.path).map_err(|e| e.to_string())?;
    round_trip(&db.url, DialectKind::Sqlite, &standard(value), value, None).await
}

#[test]
fn mysql_literals_are_exact() {
    let rt = runtime();
    proptest!(settings(), |(value in strings())| {
        rt.block_on(mysql_case(&value)).map_err(TestCaseError::fail)?;
    });
}

#[test]
fn postgres_literals_are_exact() {
    let rt = runtime();
    proptest!(settings(), |(value in strings())| {
        rt.block_on(postgres_case(&value)).map_err(TestCaseError::fail)?;
    });
}

#[test]
fn sqlite_literals_are_exact() {
    let rt = runtime();
    proptest!(settings(), |(value in strings())| {
        rt.block_on(sqlite_case(&value)).map_err(TestCaseError::fail)?;
    });
}

/// The cases of issue #12: a Windows path and a LIKE pattern with an
/// escaped `%`, both as the `mysql` client would write them.
#[tokio::test]
async fn mysql_backslashes_from_the_issue() {
    for value in ["C:\\temp\\new", "%\\%", "it's \\'quoted\\'"] {
        if let Err(e) = mysql_case(value).await {
            panic!("{value:?}: {e}");
        }
    }
}
