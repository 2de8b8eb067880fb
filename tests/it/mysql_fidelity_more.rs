//! MariaDB table options, descending key parts and the dropped-table
//! rollback, judged by the server's catalog (`information_schema`,
//! `CREATE_OPTIONS` included).

use strata::dialect::ApplyOptions;
use strata::ir::DialectKind;

use crate::mysql_corpora::converges;
use crate::support::{apply, catalog, MyDb};

/// Tables with every table option strata models, as MariaDB 10.11 takes
/// them: InnoDB page compression, Aria's page checksum and transactional
/// flag, the row-count hints, InnoDB statistics, MyISAM's checksum.
const OPTIONED: &[&str] = &[
    "CREATE TABLE pc (id int PRIMARY KEY, v text) PAGE_COMPRESSED=1 PAGE_COMPRESSION_LEVEL=6",
    "CREATE TABLE ar (id int AUTO_INCREMENT PRIMARY KEY, v text) ENGINE=Aria \
     PAGE_CHECKSUM=1 TRANSACTIONAL=1 MIN_ROWS=5 MAX_ROWS=1000 AVG_ROW_LENGTH=40",
    "CREATE TABLE st (id int AUTO_INCREMENT PRIMARY KEY, v text) ROW_FORMAT=COMPRESSED \
     KEY_BLOCK_SIZE=8 STATS_PERSISTENT=1 STATS_AUTO_RECALC=0 STATS_SAMPLE_PAGES=10 \
     PACK_KEYS=1 COMMENT='kept'",
    "CREATE TABLE my (id int AUTO_INCREMENT PRIMARY KEY, v text) ENGINE=MyISAM \
     CHECKSUM=1 DELAY_KEY_WRITE=1 PACK_KEYS=0",
];

/// MariaDB's `PAGE_COMPRESSED` and `PAGE_COMPRESSION_LEVEL` (listed by
/// the server quoted, `` `page_compressed`='1' ``), Aria's
/// `PAGE_CHECKSUM` and `TRANSACTIONAL`, and `MIN_ROWS`, `MAX_ROWS`,
/// `AVG_ROW_LENGTH` were reported as not modeled, and a plan made the
/// tables without them. Now they are read, planned on and taken off
/// again by the rollback (`MIN_ROWS = 0`, `PAGE_COMPRESSED = DEFAULT`).
#[tokio::test]
async fn mariadb_table_options_are_modeled() {
    let Some(db) = MyDb::create("myfidopt").await else {
        return;
    };
    crate::support::exec(&db.url, &crate::support::ddl(OPTIONED))
        .await
        .expect("creates");
    let got = strata::source::introspect(&db.url, &[])
        .await
        .expect("introspects");
    assert!(
        !got.warnings.iter().any(|w| w.contains("not modeled")),
        "{:?}",
        got.warnings
    );
    let pc = &got.schema.tables.values().find(|t| t.name.name == "pc");
    let pc = pc.expect("pc is read");
    assert_eq!(
        pc.options.get("page_compression_level").map(String::as_str),
        Some("6")
    );
    converges(
        &[
            "CREATE TABLE pc (id int PRIMARY KEY, v text)",
            // No `ALTER TABLE` takes a listed `PAGE_CHECKSUM` off: the
            // rollback sets it back to 0 rather than to unlisted.
            "CREATE TABLE ar (id int AUTO_INCREMENT PRIMARY KEY, v text) ENGINE=Aria PAGE_CHECKSUM=0",
            "CREATE TABLE st (id int AUTO_INCREMENT PRIMARY KEY, v text)",
            "CREATE TABLE my (id int AUTO_INCREMENT PRIMARY KEY, v text) ENGINE=MyISAM",
        ],
        OPTIONED,
        &[
            "INSERT INTO pc VALUES (1, 'a')",
            "INSERT INTO ar VALUES (1, 'a')",
        ],
        "SELECT COUNT(*) FROM pc JOIN ar USING (id) WHERE pc.v = 'a'",
    )
    .await;
}

/// The next `AUTO_INCREMENT` value of table `t`.
async fn next_id(url: &str, t: &str) -> i64 {
    crate::support::count(
        url,
        &format!(
            "SELECT CAST(AUTO_INCREMENT AS SIGNED) FROM information_schema.TABLES \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{t}'"
        ),
    )
    .await
    .expect("reads the counter")
}

/// The rollback of a plan that drops tables made them again without
/// `PAGE_CHECKSUM`, `TRANSACTIONAL`, page compression and the row-count
/// hints (not modeled), and with their `AUTO_INCREMENT` counter back at
/// 1: a restored table handed out ids it had handed out before. Now the
/// catalog after the rollback is the one before, counters included.
#[tokio::test]
async fn a_dropped_tables_rollback_keeps_its_options_and_counter() {
    let Some(db) = MyDb::create("myfiddrop").await else {
        return;
    };
    let mut setup = crate::support::ddl(OPTIONED);
    setup.extend(crate::support::ddl(&[
        "INSERT INTO ar (v) VALUES ('a'), ('b'), ('c')",
        "INSERT INTO st (v) VALUES ('a')",
        "ALTER TABLE st AUTO_INCREMENT = 500",
        "INSERT INTO my (v) VALUES ('a'), ('b')",
    ]));
    crate::support::exec(&db.url, &setup)
        .await
        .expect("creates");
    let before = catalog(&db.url).await;
    let counters = [
        next_id(&db.url, "ar").await,
        next_id(&db.url, "st").await,
        next_id(&db.url, "my").await,
    ];
    assert_eq!(counters, [4, 500, 3]);
    let m = crate::support::plan_to(&db.url, "dialect mysql\n").await;
    apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .expect("drops");
    apply(&db.url, &m.down, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    crate::oracle::judge("down", DialectKind::Mysql, &catalog(&db.url).await, &before)
        .unwrap_or_else(|e| panic!("{e}"));
    let after = [
        next_id(&db.url, "ar").await,
        next_id(&db.url, "st").await,
        next_id(&db.url, "my").await,
    ];
    assert_eq!(after, counters, "the counters start where they were");
}

/// A primary key column in descending order (MariaDB 10.8+, Atlas's
/// `primary-key-parts.txtar`: `PRIMARY KEY (id(7) DESC)`) was reported
/// and made ascending. It is `primary key (a, b desc)` now: made, planned
/// on (ascending → descending rebuilds the key, rows kept) and rolled
/// back; a unique key's descending part stays too.
#[tokio::test]
async fn a_descending_primary_key_column_is_modeled() {
    let Some(db) = MyDb::create("myfiddesc").await else {
        return;
    };
    crate::support::exec(
        &db.url,
        &crate::support::ddl(&["CREATE TABLE t2 (id tinytext NOT NULL, PRIMARY KEY (id(7) DESC))"]),
    )
    .await
    .expect("creates");
    let got = strata::source::introspect(&db.url, &[])
        .await
        .expect("introspects");
    assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    let text = strata::syntax::print(&got.schema);
    assert!(text.contains("primary key (id(7) desc)"), "{text}");
    converges(
        &["CREATE TABLE t (a int NOT NULL, b int NOT NULL, c int, PRIMARY KEY (a, b), UNIQUE KEY u (c))"],
        &[
            "CREATE TABLE t (a int NOT NULL, b int NOT NULL, c int, PRIMARY KEY (a, b DESC), \
             UNIQUE KEY u (c DESC))",
        ],
        &["INSERT INTO t VALUES (1, 2, 3)"],
        "SELECT COUNT(*) FROM t WHERE a = 1 AND b = 2 AND c = 3",
    )
    .await;
}

/// A plain Aria table lists `transactional=1` unasked, and a listed
/// `PAGE_CHECKSUM` stays listed after `PAGE_CHECKSUM = DEFAULT`: a file
/// that names neither plans nothing against such a table, rather than
/// an `ALTER TABLE` the server ignores, planned again every time.
#[tokio::test]
async fn arias_sticky_options_plan_nothing() {
    let Some(db) = MyDb::create("myfidaria").await else {
        return;
    };
    crate::support::exec(
        &db.url,
        &crate::support::ddl(&["CREATE TABLE ar (id int PRIMARY KEY) ENGINE=Aria PAGE_CHECKSUM=1"]),
    )
    .await
    .expect("creates");
    let m = crate::support::plan_to(
        &db.url,
        "dialect mysql\ntable ar with (engine = Aria) {\n  id int pk\n}\n",
    )
    .await;
    let planned: Vec<&str> = m.up.statements().map(|s| s.sql.as_str()).collect();
    assert!(planned.is_empty(), "{planned:?}");
}
