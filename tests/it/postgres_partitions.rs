//! PostgreSQL partitions whose indexes are attached to their parent's:
//! an index on a partitioned table is made on every partition too, under
//! a name the server picks, or takes over a partition's own index of the
//! same definition under that index's name. Each case is judged by the
//! server's catalog ([`crate::conformance::judge`]): the up SQL gives the
//! desired catalog, a second plan is empty, the rollback restores.

use strata::dialect::{self, ApplyOptions, Dialect, EmitOptions};
use strata::ir::DialectKind;
use strata::migration::migration;

use crate::conformance::postgres::round_trip;
use crate::oracle::{compare, fingerprint};
use crate::postgres::{exec, inspect};
use crate::support::{apply, PgDb};

macro_rules! cases {
    ($($name:ident: $current:expr => $desired:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            round_trip(stringify!($name), $current, $desired).await;
        }
    )*};
}

/// A list-partitioned table with a primary key and a unique key, which
/// every partition gets too.
const READINGS: &str = "CREATE TABLE readings (site text, n int, v text, at date, \
    PRIMARY KEY (site, n), UNIQUE (site, at)) PARTITION BY LIST (site); \
    CREATE TABLE readings_north PARTITION OF readings FOR VALUES IN ('north'); \
    CREATE TABLE readings_south PARTITION OF readings FOR VALUES IN ('south');";

/// The parent's index on `v`, made on each partition under the server's name.
const BY_V: &str = "CREATE INDEX readings_v ON readings (v);";

/// The parent's index on `v`, where the north partition's own index
/// (named by its author) is the one attached.
const BY_V_OWN_NORTH: &str = "CREATE INDEX readings_v ON ONLY readings (v); \
    CREATE INDEX north_v ON readings_north (v); \
    ALTER INDEX readings_v ATTACH PARTITION north_v; \
    CREATE INDEX readings_south_v_idx ON readings_south (v); \
    ALTER INDEX readings_v ATTACH PARTITION readings_south_v_idx;";

/// Indexes of the partitions' own, attached to nothing.
const OWN: &str = "CREATE INDEX north_at ON readings_north (at DESC); \
    CREATE UNIQUE INDEX south_n_v ON readings_south (n, v) WHERE v IS NOT NULL;";

fn with(parts: &[&str]) -> String {
    parts.join(" ")
}

cases! {
    partitions_with_attached_and_own_indexes_made_from_nothing: "" =>
        &with(&[READINGS, BY_V_OWN_NORTH, OWN]);
    partition_index_the_parent_makes_replaces_its_own: &with(&[READINGS, "CREATE INDEX north_v ON readings_north (v);"]) =>
        &with(&[READINGS, BY_V]);
    partition_own_index_attached_to_the_parent_index: &with(&[READINGS, BY_V]) =>
        &with(&[READINGS, BY_V_OWN_NORTH]);
    partition_keeps_its_own_index_when_the_parent_index_goes: &with(&[READINGS, BY_V_OWN_NORTH]) =>
        &with(&[READINGS, "CREATE INDEX north_v ON readings_north (v);"]);
    partition_own_indexes_added_and_dropped: &with(&[READINGS, BY_V]) =>
        &with(&[READINGS, BY_V, OWN]);
    parent_index_added_over_partitions_with_own_indexes: &with(&[READINGS, OWN]) =>
        &with(&[READINGS, OWN, BY_V]);
}

/// `inspect` leaves out the indexes the parent's made (the file would
/// otherwise make them twice) and keeps a partition's own attached one.
#[tokio::test]
async fn inspect_writes_only_the_partitions_own_indexes() {
    let Some(db) = PgDb::create("pgparts_inspect").await else {
        return;
    };
    exec(&db.url, &with(&[READINGS, BY_V_OWN_NORTH, OWN])).await;
    let schema = inspect(&db.url).await.schema;
    let names = |t: &str| -> Vec<String> {
        let t = schema
            .tables
            .values()
            .find(|x| x.name.name == t)
            .unwrap_or_else(|| panic!("no table {t}"));
        t.indexes.iter().filter_map(|i| i.name.clone()).collect()
    };
    assert_eq!(names("readings"), ["readings_v"]);
    assert_eq!(names("readings_north"), ["north_at", "north_v"]);
    assert_eq!(names("readings_south"), ["south_n_v"]);
}

/// The rows stay where they are while indexes change on both levels.
#[tokio::test]
async fn partition_rows_are_kept_both_ways() {
    let (Some(db), Some(want_db)) = (
        PgDb::create("pgparts_rows").await,
        PgDb::create("pgparts_rows_b").await,
    ) else {
        return;
    };
    exec(
        &db.url,
        &with(&[
            READINGS,
            "CREATE INDEX north_v ON readings_north (v);",
            "INSERT INTO readings VALUES ('north', 1, 'a', '2026-01-01'), ('south', 2, 'b', '2026-01-02');",
        ]),
    )
    .await;
    exec(&want_db.url, &with(&[READINGS, BY_V_OWN_NORTH, OWN])).await;
    let d: &dyn Dialect = dialect::for_kind(DialectKind::Postgres);
    let start = fingerprint(&db.url).await.expect("oracle");
    let want = fingerprint(&want_db.url).await.expect("oracle");
    let current = inspect(&db.url).await.schema;
    let desired = inspect(&want_db.url).await.schema;
    let m = migration(&current, &desired, d, &EmitOptions::default()).expect("plan");
    let up = strata::report::sql::render(d, &m.up);
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{up}"));
    let c = compare(&fingerprint(&db.url).await.expect("oracle"), &want);
    assert!(c.equal, "up diverged:\n{}\n{up}", c.diff.join("\n"));
    assert_eq!(count(&db.url).await, 2, "{up}");
    let down = strata::report::sql::render(d, &m.down);
    apply(&db.url, &m.down, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{down}"));
    let c = compare(&fingerprint(&db.url).await.expect("oracle"), &start);
    assert!(c.equal, "down diverged:\n{}\n{down}", c.diff.join("\n"));
    assert_eq!(count(&db.url).await, 2, "{down}");
}

async fn count(url: &str) -> i64 {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM readings")
        .fetch_one(&mut c)
        .await
        .expect("count");
    let _ = c.close().await;
    n
}
