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
    let mut c = sqlx::MySqlConnection::connect(&start.url)
        .await
        .expect("connects");
    let kept: i64 = sqlx::query("SELECT COUNT(*) FROM t WHERE id IN (1, 2)")
        .fetch_one(&mut c)
        .await
        .expect("counts")
        .get(0);
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
