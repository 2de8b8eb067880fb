//! MySQL/MariaDB shapes met in other projects' test corpora (Atlas's
//! integration txtars, Skeema's testdata) and application schemas, each
//! judged by the server's catalog: apply, compare, plan again, roll back.

use sqlx::{Connection, Executor, Row};
use strata::dialect::{self, ApplyOptions, EmitOptions};
use strata::ir::DialectKind;
use strata::migration::migration;

use crate::support::{apply, catalog, MyDb};

/// The session a trigger was created under, as the server keeps it.
async fn trigger_session(url: &str) -> Vec<(String, String)> {
    let mut c = sqlx::MySqlConnection::connect(url).await.expect("connects");
    sqlx::query(
        "SELECT CHARACTER_SET_CLIENT, COLLATION_CONNECTION FROM information_schema.TRIGGERS \
         WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY TRIGGER_NAME",
    )
    .fetch_all(&mut c)
    .await
    .expect("reads the catalog")
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

/// `SET NAMES` (when given), then the table and its trigger, whose body
/// stores the collation its string literal has: the connection's when
/// the trigger was created.
async fn trigger_under(url: &str, names: Option<&str>, body_literal: &str) {
    let mut c = sqlx::MySqlConnection::connect(url).await.expect("connects");
    let mut script =
        vec!["CREATE TABLE t (id int PRIMARY KEY, c varchar(64), d varchar(64))".to_string()];
    if let Some(n) = names {
        script.push(format!("SET NAMES {n}"));
    }
    script.push(format!(
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW \
         SET NEW.c = COLLATION('{body_literal}'), NEW.d = '{body_literal}'"
    ));
    for sql in &script {
        c.execute(sql.as_str()).await.expect(sql);
    }
}

/// The collation a new row's literal gets from the trigger: the row shows
/// the session the trigger runs under.
async fn fired(url: &str, id: i64) -> String {
    let mut c = sqlx::MySqlConnection::connect(url).await.expect("connects");
    c.execute(format!("INSERT INTO t (id) VALUES ({id})").as_str())
        .await
        .expect("inserts");
    sqlx::query(&format!("SELECT c FROM t WHERE id = {id}"))
        .fetch_one(&mut c)
        .await
        .expect("reads")
        .get(0)
}

/// A trigger created under `SET NAMES latin1` (Atlas and Skeema create
/// theirs under the client's character set) keeps `character_set_client`
/// and `collation_connection`: `inspect` reads them, a change of them
/// alone recreates the trigger under them, the rollback puts the old
/// session back, and rows written before stay. Before, the trigger was
/// made under strata's own connection, its literals in another character
/// set, with nothing said.
#[tokio::test]
async fn a_trigger_keeps_its_client_character_set() {
    let (Some(start), Some(want)) = (
        MyDb::create("mycorptrg").await,
        MyDb::create("mycorptrg").await,
    ) else {
        return;
    };
    trigger_under(&start.url, None, "x").await;
    trigger_under(&want.url, Some("latin1"), "x").await;
    let before_rows = fired(&start.url, 1).await;
    assert!(!before_rows.starts_with("latin1"), "{before_rows}");
    let desired = strata::source::introspect(&want.url, &[])
        .await
        .expect("introspects")
        .schema;
    let tr = desired.triggers.values().next().expect("one trigger");
    assert_eq!(
        tr.options.get("collation_connection").map(String::as_str),
        Some("latin1_swedish_ci"),
        "{:?}",
        tr.options
    );
    let text = strata::syntax::print(&desired);
    assert!(text.contains("character_set_client = "), "{text}");
    let current = strata::source::introspect(&start.url, &[])
        .await
        .expect("introspects")
        .schema;
    let (start_catalog, start_session) =
        (catalog(&start.url).await, trigger_session(&start.url).await);
    let d = dialect::for_kind(DialectKind::Mysql);
    let m = migration(&current, &desired, d, &EmitOptions::default()).expect("plans");
    assert!(!m.up.is_empty(), "a changed session alone is a change");
    apply(&start.url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    crate::oracle::judge(
        "up",
        DialectKind::Mysql,
        &catalog(&start.url).await,
        &catalog(&want.url).await,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        trigger_session(&start.url).await,
        trigger_session(&want.url).await
    );
    assert_eq!(fired(&start.url, 2).await, "latin1_swedish_ci");
    let again = crate::support::plan_to(&start.url, &text).await;
    assert_eq!(again.up.statements().count(), 0, "plans nothing again");
    apply(&start.url, &m.down, &ApplyOptions::default())
        .await
        .expect("rolls back");
    crate::oracle::judge(
        "down",
        DialectKind::Mysql,
        &catalog(&start.url).await,
        &start_catalog,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(trigger_session(&start.url).await, start_session);
    assert_eq!(fired(&start.url, 3).await, before_rows);
    let kept = crate::support::count(&start.url, "SELECT COUNT(*) FROM t WHERE id IN (1, 2)")
        .await
        .expect("counts");
    assert_eq!(kept, 2, "the rows written before are kept");
}

/// A trigger whose body changes is created again under the session the
/// schema names, not strata's: its `latin1` survives the rebuild.
#[tokio::test]
async fn a_rebuilt_trigger_keeps_its_client_character_set() {
    let (Some(start), Some(want)) = (
        MyDb::create("mycorptrg").await,
        MyDb::create("mycorptrg").await,
    ) else {
        return;
    };
    trigger_under(&start.url, Some("latin1"), "x").await;
    trigger_under(&want.url, Some("latin1"), "y").await;
    let current = strata::source::introspect(&start.url, &[])
        .await
        .expect("introspects")
        .schema;
    let desired = strata::source::introspect(&want.url, &[])
        .await
        .expect("introspects")
        .schema;
    let start_catalog = catalog(&start.url).await;
    let d = dialect::for_kind(DialectKind::Mysql);
    let m = migration(&current, &desired, d, &EmitOptions::default()).expect("plans");
    apply(&start.url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    crate::oracle::judge(
        "up",
        DialectKind::Mysql,
        &catalog(&start.url).await,
        &catalog(&want.url).await,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        trigger_session(&start.url).await,
        vec![("latin1".to_string(), "latin1_swedish_ci".to_string())]
    );
    apply(&start.url, &m.down, &ApplyOptions::default())
        .await
        .expect("rolls back");
    crate::oracle::judge(
        "down",
        DialectKind::Mysql,
        &catalog(&start.url).await,
        &start_catalog,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        trigger_session(&start.url).await,
        vec![("latin1".to_string(), "latin1_swedish_ci".to_string())]
    );
}

/// From the database `start` builds to the one `want` builds, the way the
/// harness goes: both made by the server from SQL, `want` inspected into
/// a file, planned, applied; the catalogs compared, the file planned
/// again (empty), the rollback applied and compared with the start. The
/// rows `seed` writes must still answer `kept` with 1 after each step.
pub(crate) async fn converges(start_sql: &[&str], want_sql: &[&str], seed: &[&str], kept: &str) {
    let (Some(start), Some(want)) = (
        MyDb::create("mycorpcase").await,
        MyDb::create("mycorpcase").await,
    ) else {
        return;
    };
    let statements = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    crate::support::exec(&start.url, &statements(start_sql))
        .await
        .expect("start");
    crate::support::exec(&start.url, &statements(seed))
        .await
        .expect("rows");
    crate::support::exec(&want.url, &statements(want_sql))
        .await
        .expect("want");
    let desired = strata::source::introspect(&want.url, &[])
        .await
        .expect("introspects")
        .schema;
    let text = strata::syntax::print(&desired);
    let up = crate::support::plan_to(&start.url, &text).await;
    let start_catalog = catalog(&start.url).await;
    apply(&start.url, &up.up, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    crate::oracle::judge(
        "up",
        DialectKind::Mysql,
        &catalog(&start.url).await,
        &catalog(&want.url).await,
    )
    .unwrap_or_else(|e| panic!("{e}\n{text}"));
    let rows = |url: String| async move { crate::support::count(&url, kept).await };
    if !seed.is_empty() {
        assert_eq!(rows(start.url.clone()).await, Ok(1), "rows after the up");
    }
    let again = crate::support::plan_to(&start.url, &text).await;
    assert_eq!(
        again.up.statements().count(),
        0,
        "plans nothing again:\n{text}"
    );
    apply(&start.url, &up.down, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    crate::oracle::judge(
        "down",
        DialectKind::Mysql,
        &catalog(&start.url).await,
        &start_catalog,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    if !seed.is_empty() {
        assert_eq!(
            rows(start.url.clone()).await,
            Ok(1),
            "rows after the rollback"
        );
    }
}

/// MariaDB's compressed columns (Skeema's `colcompression-maria.sql`):
/// the server prints the type `text /*M!100301 COMPRESSED*/`, which a
/// schema file read as a comment, so the column was made uncompressed
/// with nothing said. Now `text compressed`, and its rows are kept when a
/// column becomes compressed and back.
#[tokio::test]
async fn a_compressed_column_stays_compressed() {
    converges(
        &["CREATE TABLE t (id int PRIMARY KEY, body text, v varchar(100) NOT NULL DEFAULT 'x')"],
        &[
            "CREATE TABLE t (id int PRIMARY KEY, body text COMPRESSED CHARACTER SET latin1, \
           v varchar(100) COMPRESSED NOT NULL DEFAULT 'x')",
        ],
        &["INSERT INTO t VALUES (1, 'a body', 'v')"],
        "SELECT COUNT(*) FROM t WHERE id = 1 AND body = 'a body' AND v = 'v'",
    )
    .await;
}

/// An index the optimizer ignores (MariaDB 10.6 `IGNORED`, Skeema's
/// `index-maria106.sql`) was made as an ordinary one with nothing said:
/// it is `with (ignored)` now, both ways.
#[tokio::test]
async fn an_ignored_index_stays_ignored() {
    converges(
        &["CREATE TABLE t (id int PRIMARY KEY, d int, b int, KEY idx (d, b), UNIQUE KEY u (b))"],
        &[
            "CREATE TABLE t (id int PRIMARY KEY, d int, b int, KEY idx (d, b) IGNORED, \
           UNIQUE KEY u (b) IGNORED)",
        ],
        &["INSERT INTO t VALUES (1, 2, 3)"],
        "SELECT COUNT(*) FROM t WHERE id = 1 AND d = 2 AND b = 3",
    )
    .await;
}

/// A routine's text parameter and return type with a collation of their
/// own (Skeema's `maria108.sql`: `name varchar(30) COLLATE utf8mb4_bin`)
/// lost it: the catalog's `DTD_IDENTIFIER` leaves it out. Under
/// `utf8mb4_bin`, `'a' = 'A'` is false; the function made again says so.
#[tokio::test]
async fn a_routine_parameter_keeps_its_collation() {
    let func = "CREATE FUNCTION f(a varchar(10) COLLATE utf8mb4_bin) \
                RETURNS varchar(10) CHARSET latin1 COLLATE latin1_bin DETERMINISTIC \
                RETURN IF(a = 'A', 'same', 'differs')";
    converges(
        &["CREATE TABLE t (id int PRIMARY KEY)"],
        &["CREATE TABLE t (id int PRIMARY KEY)", func],
        &["INSERT INTO t VALUES (1)"],
        "SELECT COUNT(*) FROM t WHERE id = 1",
    )
    .await;
    let Some(db) = MyDb::create("mycorpfn").await else {
        return;
    };
    crate::support::exec(&db.url, &[func.to_string()])
        .await
        .expect("creates");
    let schema = strata::source::introspect(&db.url, &[])
        .await
        .expect("introspects")
        .schema;
    let Some(copy) = MyDb::create("mycorpfn").await else {
        return;
    };
    let d = dialect::for_kind(DialectKind::Mysql);
    let m = migration(&Default::default(), &schema, d, &EmitOptions::default()).expect("plans");
    apply(&copy.url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    let mut c = sqlx::MySqlConnection::connect(&copy.url)
        .await
        .expect("connects");
    let got: String = sqlx::query("SELECT CAST(f('a') AS CHAR)")
        .fetch_one(&mut c)
        .await
        .expect("calls")
        .get(0);
    assert_eq!(got, "differs", "the parameter compares under utf8mb4_bin");
}
