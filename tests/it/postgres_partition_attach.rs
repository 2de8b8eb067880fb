//! PostgreSQL tables attached to and detached from a partitioned table in
//! place (`ATTACH PARTITION`, `DETACH PARTITION`), so that their rows
//! stay: a plain table that becomes a partition, a partition that becomes
//! a plain table, one whose bound changes, one moved to another parent.
//! Each case is judged by the server's catalog
//! ([`crate::conformance::judge`]): the up SQL gives the desired catalog,
//! a second plan is empty, the rollback restores; the row tests count and
//! read the rows on both ways.

use strata::dialect::{self, ApplyOptions, Dialect, EmitOptions};
use strata::ir::DialectKind;
use strata::migration::migration;
use strata::plan::HazardKind;

use crate::conformance::postgres::round_trip;
use crate::oracle::{compare, fingerprint};
use crate::postgres::{exec, inspect};
use crate::support::{apply, PgDb};

macro_rules! cases {
    ($($name:ident: $current:expr => $desired:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            round_trip(stringify!($name), $current, $desired).await;
            in_place(stringify!($name), $current, $desired).await;
        }
    )*};
}

/// A range-partitioned table with what the server makes on each
/// partition: a primary key, a unique key, a check, a foreign key, an
/// index, and a default.
const EVENTS: &str = "CREATE TABLE kinds (id int PRIMARY KEY); \
    CREATE TABLE events (id int NOT NULL, at date NOT NULL DEFAULT '2024-06-01', \
      kind int REFERENCES kinds (id), v text, \
      PRIMARY KEY (id, at), UNIQUE (v, at), CONSTRAINT events_v_check CHECK (v <> '')) \
      PARTITION BY RANGE (at); \
    CREATE INDEX events_kind ON events (kind); \
    CREATE TABLE events_2023 PARTITION OF events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');";

/// The same table as `events_2024`, plain, columns in the parent's order.
const PLAIN_2024: &str = "CREATE TABLE events_2024 (id int NOT NULL, at date NOT NULL, \
    kind int, v text);";

/// `events_2024`, plain, with what a detach leaves on it.
const DETACHED_2024: &str = "CREATE TABLE events_2024 (id int NOT NULL, \
    at date NOT NULL DEFAULT '2024-06-01', kind int REFERENCES kinds (id), v text, \
    PRIMARY KEY (id, at), UNIQUE (v, at), CONSTRAINT events_v_check CHECK (v <> '')); \
    CREATE INDEX events_2024_kind_idx ON events_2024 (kind);";

const PART_2024: &str =
    "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";

/// A second partitioned table of the same columns.
const ARCHIVE: &str = "CREATE TABLE archive (id int NOT NULL, at date NOT NULL, \
    kind int, v text) PARTITION BY RANGE (at);";

fn with(parts: &[&str]) -> String {
    parts.join(" ")
}

cases! {
    plain_table_is_attached: &with(&[EVENTS, PLAIN_2024]) => &with(&[EVENTS, PART_2024]);
    partition_is_detached: &with(&[EVENTS, PART_2024]) => &with(&[EVENTS, PLAIN_2024]);
    partition_is_detached_keeping_what_the_parent_made: &with(&[EVENTS, PART_2024]) =>
        &with(&[EVENTS, DETACHED_2024]);
    plain_table_with_the_parents_keys_is_attached: &with(&[EVENTS, DETACHED_2024]) =>
        &with(&[EVENTS, PART_2024]);
    plain_table_of_other_columns_is_attached: &with(&[EVENTS,
        "CREATE TABLE events_2024 (id int, at date NOT NULL, kind int, v varchar(10), gone int DEFAULT 3);"]) =>
        &with(&[EVENTS, PART_2024]);
    partition_bound_changes: &with(&[EVENTS, PART_2024]) => &with(&[EVENTS,
        "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2026-01-01');"]);
    partition_becomes_the_default: &with(&[EVENTS, PART_2024]) => &with(&[EVENTS,
        "CREATE TABLE events_2024 PARTITION OF events DEFAULT;"]);
    partition_moves_to_another_parent: &with(&[EVENTS, ARCHIVE, PART_2024]) => &with(&[EVENTS, ARCHIVE,
        "CREATE TABLE events_2024 PARTITION OF archive FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"]);
    plain_table_with_its_own_index_of_the_parents_definition_is_attached: &with(&[EVENTS, PLAIN_2024,
        "CREATE INDEX mine ON events_2024 (kind);"]) => &with(&[EVENTS, PART_2024,
        "CREATE INDEX mine ON events_2024 (kind);"]);
    plain_table_is_attached_to_a_new_parent: &with(&["CREATE TABLE kinds (id int PRIMARY KEY);", PLAIN_2024]) =>
        &with(&[EVENTS, PART_2024]);
    list_partition_is_attached: "CREATE TABLE r (site text, n int) PARTITION BY LIST (site); \
        CREATE TABLE r_north (site text, n int);" =>
        "CREATE TABLE r (site text, n int) PARTITION BY LIST (site); \
        CREATE TABLE r_north PARTITION OF r FOR VALUES IN ('north', 'n');";
}

/// The plan both ways keeps the table: it attaches or detaches it, and
/// never drops it.
async fn in_place(name: &str, current: &str, desired: &str) {
    let (Some(a), Some(b)) = (
        PgDb::create("pgattach_a").await,
        PgDb::create("pgattach_b").await,
    ) else {
        return;
    };
    exec(&a.url, current).await;
    exec(&b.url, desired).await;
    let d: &dyn Dialect = dialect::for_kind(DialectKind::Postgres);
    let m = migration(
        &inspect(&a.url).await.schema,
        &inspect(&b.url).await.schema,
        d,
        &EmitOptions::default(),
    )
    .expect("plan");
    for script in [&m.up, &m.down] {
        let sql = strata::report::sql::render(d, script);
        let lines: Vec<&str> = sql.lines().filter(|l| !l.starts_with("--")).collect();
        // A partition that goes is detached right before its drop.
        let moved: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter_map(|(i, l)| l.split_once("TACH PARTITION ").map(|(_, r)| (i, r)))
            .filter_map(|(i, r)| r.split([' ', ';']).next().map(|t| (i, t)))
            .filter(|(i, t)| lines.get(i + 1) != Some(&format!("DROP TABLE {t};").as_str()))
            .map(|(_, t)| t)
            .collect();
        assert!(!moved.is_empty(), "{name}:\n{sql}");
        for t in moved {
            assert!(!sql.contains(&format!("DROP TABLE {t};")), "{name}:\n{sql}");
        }
    }
}

/// The rows of `events_2024` as `id:at:v`, in order.
async fn rows(url: &str) -> Vec<String> {
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
    let r: Vec<String> = sqlx::query_scalar(
        "SELECT id || ':' || at || ':' || coalesce(v, '') FROM events_2024 ORDER BY id",
    )
    .fetch_all(&mut c)
    .await
    .expect("rows");
    let _ = c.close().await;
    r
}

const ROWS: &str = "INSERT INTO kinds VALUES (1); \
    INSERT INTO events_2024 VALUES (1, '2024-02-01', 1, 'a'), (2, '2024-03-01', NULL, 'b');";

/// Applies the plan from `current` (with [`ROWS`]) to `desired` and back
/// under `options`, each way judged by the catalog and the rows read
/// back; returns the up SQL.
async fn rows_both_ways(
    name: &str,
    current: &str,
    desired: &str,
    options: &EmitOptions,
) -> Option<String> {
    let (Some(db), Some(want_db)) = (
        PgDb::create(&format!("{name}_a")).await,
        PgDb::create(&format!("{name}_b")).await,
    ) else {
        return None;
    };
    exec(&db.url, &with(&[current, ROWS])).await;
    exec(&want_db.url, desired).await;
    let before = rows(&db.url).await;
    assert_eq!(before, ["1:2024-02-01:a", "2:2024-03-01:b"]);
    let d: &dyn Dialect = dialect::for_kind(DialectKind::Postgres);
    let start = fingerprint(&db.url).await.expect("oracle");
    let want = fingerprint(&want_db.url).await.expect("oracle");
    let m = migration(
        &inspect(&db.url).await.schema,
        &inspect(&want_db.url).await.schema,
        d,
        options,
    )
    .expect("plan");
    let up = strata::report::sql::render(d, &m.up);
    assert!(!up.contains("DROP TABLE"), "{up}");
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{up}"));
    let c = compare(&fingerprint(&db.url).await.expect("oracle"), &want);
    assert!(c.equal, "up diverged:\n{}\n{up}", c.diff.join("\n"));
    assert_eq!(rows(&db.url).await, before, "{up}");
    let again = migration(
        &inspect(&db.url).await.schema,
        &inspect(&want_db.url).await.schema,
        d,
        options,
    )
    .expect("plan");
    assert!(again.plan.steps.is_empty(), "{:?}", again.plan.steps);
    let down = strata::report::sql::render(d, &m.down);
    apply(&db.url, &m.down, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}\n{down}"));
    let c = compare(&fingerprint(&db.url).await.expect("oracle"), &start);
    assert!(c.equal, "down diverged:\n{}\n{down}", c.diff.join("\n"));
    assert_eq!(rows(&db.url).await, before, "{down}");
    Some(up)
}

#[tokio::test]
async fn attached_rows_are_kept_both_ways() {
    let Some(up) = rows_both_ways(
        "pgattach_rows",
        &with(&[EVENTS, PLAIN_2024]),
        &with(&[EVENTS, PART_2024]),
        &EmitOptions::default(),
    )
    .await
    else {
        return;
    };
    assert!(up.contains("ATTACH PARTITION"), "{up}");
}

/// Online, the bound is proved by a check validated outside the main
/// transaction, and the attach comes after it.
#[tokio::test]
async fn online_attach_validates_a_check_of_the_bound_first() {
    let online = EmitOptions {
        online: true,
        ..EmitOptions::default()
    };
    let Some(up) = rows_both_ways(
        "pgattach_online",
        &with(&[EVENTS, PLAIN_2024]),
        &with(&[EVENTS, PART_2024]),
        &online,
    )
    .await
    else {
        return;
    };
    let at = |s: &str| up.find(s).unwrap_or_else(|| panic!("no {s} in\n{up}"));
    assert!(at("NOT VALID") < at("VALIDATE CONSTRAINT \"strata_bound_events_2024\""));
    assert!(at("VALIDATE CONSTRAINT \"strata_bound_events_2024\"") < at("ATTACH PARTITION"));
    assert!(at("ATTACH PARTITION") < at("DROP CONSTRAINT \"strata_bound_events_2024\""));
}

#[tokio::test]
async fn moved_rows_are_kept_both_ways() {
    rows_both_ways(
        "pgattach_moved",
        &with(&[EVENTS, ARCHIVE, PART_2024]),
        &with(&[EVENTS, ARCHIVE,
            "CREATE TABLE events_2024 PARTITION OF archive FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"]),
        &EmitOptions::default(),
    )
    .await;
}

/// A narrower bound that leaves rows out: the plan says it may fail, and
/// the server refuses it with nothing lost.
#[tokio::test]
async fn a_bound_that_leaves_rows_out_is_refused_by_the_server() {
    let Some(db) = PgDb::create("pgattach_narrow").await else {
        return;
    };
    let Some(want_db) = PgDb::create("pgattach_narrow_b").await else {
        return;
    };
    exec(&db.url, &with(&[EVENTS, PART_2024, ROWS])).await;
    exec(
        &want_db.url,
        &with(&[EVENTS,
            "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2024-02-15');"]),
    )
    .await;
    let d: &dyn Dialect = dialect::for_kind(DialectKind::Postgres);
    let m = migration(
        &inspect(&db.url).await.schema,
        &inspect(&want_db.url).await.schema,
        d,
        &EmitOptions::default(),
    )
    .expect("plan");
    let up = strata::report::sql::render(d, &m.up);
    assert!(
        m.plan
            .steps
            .iter()
            .flat_map(|s| &s.hazards)
            .any(|h| h.kind == HazardKind::MayFail),
        "{up}"
    );
    assert!(
        m.plan
            .steps
            .iter()
            .flat_map(|s| &s.hazards)
            .all(|h| h.kind != HazardKind::DataLoss),
        "{up}"
    );
    let err = apply(&db.url, &m.up, &ApplyOptions::default()).await;
    assert!(err.is_err(), "{up}");
    assert_eq!(
        rows(&db.url).await,
        ["1:2024-02-01:a", "2:2024-03-01:b"],
        "{up}"
    );
}

/// A trigger and a materialized view over a table made anew as a
/// partitioned table go with the old table, and are made again after the
/// new one, on the way there and on the way back.
const OVER_T: &str = "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS \
    $$BEGIN RETURN NEW; END$$; \
    CREATE TRIGGER t_touch BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch(); \
    CREATE MATERIALIZED VIEW t_count AS SELECT count(*) AS n FROM t;";

#[tokio::test]
async fn trigger_and_materialized_view_over_a_table_made_partitioned() {
    round_trip(
        "trigger_and_materialized_view_over_a_table_made_partitioned",
        &with(&[
            "CREATE TABLE t (id int NOT NULL, at date NOT NULL);",
            OVER_T,
        ]),
        &with(&[
            "CREATE TABLE t (id int NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);",
            OVER_T,
        ]),
    )
    .await;
}
