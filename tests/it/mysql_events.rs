//! MySQL/MariaDB events on a real server: created, altered and dropped as
//! the schema says, judged by the server's catalog (the oracle), each
//! rollback giving the catalog back, and nothing left to plan afterwards.

use sqlx::{Connection, Executor};
use strata::dialect::ApplyOptions;

use crate::support::{apply, catalog, plan_to, MyDb};

/// Plans to `text`, applies, checks nothing is left to plan, runs the
/// rollback and checks the catalog is what it was; then applies again.
async fn step(url: &str, text: &str) {
    let before = catalog(url).await;
    let m = plan_to(url, text).await;
    assert!(m.up.statements().count() > 0, "plans a change to:\n{text}");
    apply(url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    let after = catalog(url).await;
    let again = plan_to(url, text).await;
    let left: Vec<&str> = again.up.statements().map(|s| s.sql.as_str()).collect();
    assert!(left.is_empty(), "plans again: {left:?}");
    apply(url, &m.down, &ApplyOptions::default())
        .await
        .expect("rolls back");
    let back = catalog(url).await;
    assert_eq!(back, before, "the rollback restores the catalog");
    apply(url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies again");
    assert_eq!(catalog(url).await, after);
}

const TABLE: &str = "dialect mysql\n\ntable records {\n  id  int  pk\n}\n";

#[tokio::test]
async fn events_are_created_altered_and_dropped_with_their_rollbacks() {
    let Some(db) = MyDb::create("events").await else {
        return;
    };
    let created = format!(
        "{TABLE}\nevent purge every 1 day as sql\"\"\"\n  delete from records where id < 0\n\"\"\" comment \"purge old rows\"\n\n\
event once at \"2035-01-01 00:00:00\" on completion preserve as sql\"\"\"\n  begin delete from records; delete from records where id = 'it\\'s'; end\n\"\"\"\n"
    );
    step(&db.url, &created).await;
    let altered = format!(
        "{TABLE}\nevent purge every '1 4' day_hour ends \"2037-01-01 00:00:00\" on completion preserve disable as sql\"\"\"\n  delete from records where id < 10\n\"\"\"\n\n\
event once at \"2036-01-01\" on completion preserve disable on slave as sql\"\"\"\n  begin delete from records; delete from records where id = 'it\\'s'; end\n\"\"\" comment \"later\"\n"
    );
    step(&db.url, &altered).await;
    step(&db.url, TABLE).await;
}

/// An event the server holds, written in the schema without `STARTS` or a
/// definer, is no difference; one created under another `sql_mode` and
/// time zone keeps them.
#[tokio::test]
async fn what_the_schema_leaves_out_is_the_servers() {
    let Some(db) = MyDb::create("evkeep").await else {
        return;
    };
    let mut c = sqlx::MySqlConnection::connect(&db.url)
        .await
        .expect("connects");
    for sql in [
        "SET SESSION time_zone = '+05:00', SESSION sql_mode = 'ANSI_QUOTES'",
        "CREATE EVENT e ON SCHEDULE EVERY 2 HOUR DO SELECT \"a\" FROM DUAL",
    ] {
        c.execute(sql).await.expect(sql);
    }
    let got = strata::source::introspect(&db.url, &[])
        .await
        .expect("introspects")
        .schema;
    let e = got.events.values().next().expect("the event is read");
    assert_eq!(
        e.options.get("sql_mode").map(String::as_str),
        Some("ANSI_QUOTES")
    );
    assert_eq!(
        e.options.get("time_zone").map(String::as_str),
        Some("+05:00")
    );
    let text = "dialect mysql\n\nevent e with (sql_mode = \"ANSI_QUOTES\", time_zone = \"+05:00\") every 2 hour as sql\"\"\"\n  SELECT \"a\" FROM DUAL\n\"\"\"\n";
    let m = plan_to(&db.url, text).await;
    let left: Vec<&str> = m.up.statements().map(|s| s.sql.as_str()).collect();
    assert!(left.is_empty(), "{left:?}");
    let copy = MyDb::create("evkeep2").await.expect("second database");
    let printed = strata::syntax::print(&got);
    let m = plan_to(&copy.url, &printed).await;
    apply(&copy.url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    assert_eq!(
        catalog(&copy.url).await,
        catalog(&db.url).await,
        "the copy has the same event:\n{printed}"
    );
}

/// A one-time event whose time has passed and that is not preserved is
/// dropped by the server as soon as it is created: it is not planned, so
/// that no plan creates it again and again.
#[tokio::test]
async fn a_passed_one_time_event_is_not_planned_forever() {
    let Some(db) = MyDb::create("evpast").await else {
        return;
    };
    let text = "dialect mysql\n\nevent gone at \"2020-01-01 00:00:00\" as sql\"\"\"\n  select 1\n\"\"\"\n\n\
event kept at \"2020-01-01 00:00:00\" on completion preserve as sql\"\"\"\n  select 1\n\"\"\"\n";
    let m = plan_to(&db.url, text).await;
    let sql: Vec<&str> = m.up.statements().map(|s| s.sql.as_str()).collect();
    assert!(!sql.iter().any(|s| s.contains("`gone`")), "{sql:?}");
    assert!(sql.iter().any(|s| s.contains("`kept`")), "{sql:?}");
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .expect("applies");
    let again = plan_to(&db.url, text).await;
    let left: Vec<&str> = again.up.statements().map(|s| s.sql.as_str()).collect();
    assert!(left.is_empty(), "{left:?}");
}
