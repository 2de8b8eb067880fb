//! `strata migrate new|check` for every layout: two migrations written in
//! a row, applied in order with each tool's conventions to a real
//! database, which must then inspect equal to the schema; the down files
//! undo them; `check` passes, then fails on a drifted schema.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use strata::dialect::{self, EmitOptions};
use strata::ir::DialectKind;

use crate::support::{self, SqliteDb};

const LAYOUTS: &[&str] = &["sqlx", "flyway", "golang-migrate", "dbmate", "plain"];

/// A scratch SQLite file that exists (an empty file is an empty database).
fn sqlite_db() -> SqliteDb {
    let db = SqliteDb::create();
    std::fs::File::create(&db.path).expect("create database file");
    db
}

fn strata(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("strata")
        .expect("binary")
        .args(args)
        .assert()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn exec(rt: &tokio::runtime::Runtime, url: &str, sql: &[&str]) {
    let stmts: Vec<String> = sql.iter().map(|s| s.to_string()).collect();
    rt.block_on(support::exec(url, &stmts))
        .expect("set-up SQL runs");
}

/// Up (or down) files of a layout in the order the tool runs them, with
/// the SQL the tool sends: dbmate's section, and a transaction around it
/// where the tool adds one.
fn scripts(dir: &Path, layout: &str, up: bool) -> Vec<(PathBuf, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("migrations dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            match (layout, up) {
                ("flyway", true) => n.starts_with('V') && n.ends_with(".sql"),
                ("flyway", false) => n.starts_with('U') && n.ends_with(".sql"),
                ("dbmate", _) => n.ends_with(".sql"),
                (_, true) => n.ends_with(".up.sql"),
                (_, false) => n.ends_with(".down.sql"),
            }
        })
        .collect();
    files.sort_by_key(|p| {
        let n = p
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        let digits: String = n
            .trim_start_matches(['V', 'U'])
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse::<u64>().unwrap_or(0)
    });
    if !up {
        files.reverse();
    }
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("read migration");
            let (body, own_tx) = match layout {
                "dbmate" => {
                    let which = if up { "up" } else { "down" };
                    let mut out = String::new();
                    let mut inside = false;
                    let mut tx = true;
                    for line in text.lines() {
                        if let Some(rest) = line.strip_prefix("-- migrate:") {
                            inside = rest.starts_with(which);
                            if inside && rest.contains("transaction:false") {
                                tx = false;
                            }
                            continue;
                        }
                        if inside {
                            out.push_str(line);
                            out.push('\n');
                        }
                    }
                    (out, tx)
                }
                "sqlx" => (text.clone(), !text.starts_with("-- no-transaction")),
                "flyway" => {
                    let conf = PathBuf::from(format!("{}.conf", p.display()));
                    (text.clone(), !conf.exists())
                }
                _ => (text.clone(), false),
            };
            let sql = if own_tx {
                format!("BEGIN;\n{body}\nCOMMIT;")
            } else {
                body
            };
            (p, sql)
        })
        .collect()
}

/// Applies the files in order, then asks the planner whether the database
/// still differs from the schema at `want`.
fn differs(rt: &tokio::runtime::Runtime, db: &str, want: &str, kind: DialectKind) -> usize {
    let have = rt
        .block_on(strata::source::introspect(db, &[]))
        .expect("introspect applied db")
        .schema;
    let want = rt
        .block_on(strata::source::introspect(want, &[]))
        .expect("introspect desired db")
        .schema;
    let m = strata::migration::migration(
        &have,
        &want,
        dialect::for_kind(kind),
        &EmitOptions::default(),
    )
    .expect("plan");
    m.plan.steps.len()
}

fn sqlite_layout(layout: &str) {
    let rt = rt();
    let desired = sqlite_db();
    let dir = tempfile::tempdir().expect("temp dir");
    let mig = dir.path().join("migrations");
    std::fs::create_dir(&mig).expect("migrations dir");
    let m = mig.to_str().expect("utf-8 path");
    exec(
        &rt,
        &desired.url,
        &["CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL)"],
    );
    let to = desired.url.as_str();
    let common = [
        "--to",
        to,
        "--dir",
        m,
        "--layout",
        layout,
        "--dialect",
        "sqlite",
    ];
    let mut args = vec!["migrate", "new", "init"];
    args.extend(common);
    strata(&args).success();

    // A further change: a new table with a key to the first, a new column.
    exec(
        &rt,
        &desired.url,
        &[
            "CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id), total numeric NOT NULL)",
            "ALTER TABLE users ADD COLUMN name text",
        ],
    );
    let mut args = vec!["migrate", "new", "add orders"];
    args.extend(common);
    strata(&args).success();
    let ups = scripts(&mig, layout, true);
    assert_eq!(ups.len(), 2, "{layout}: two up migrations: {ups:?}");

    // Applied in order, as the tool would, they give the schema.
    let target = sqlite_db();
    for (p, sql) in &ups {
        exec(&rt, &target.url, &[sql.as_str()]);
        let _ = p;
    }
    assert_eq!(
        differs(&rt, &target.url, to, DialectKind::Sqlite),
        0,
        "{layout}: up converges"
    );

    // The down files, newest first, undo everything.
    let empty = sqlite_db();
    exec(
        &rt,
        &empty.url,
        &[
            "CREATE TABLE strata_probe (x int)",
            "DROP TABLE strata_probe",
        ],
    );
    for (_, sql) in scripts(&mig, layout, false) {
        exec(&rt, &target.url, &[sql.as_str()]);
    }
    assert_eq!(
        differs(&rt, &target.url, &empty.url, DialectKind::Sqlite),
        0,
        "{layout}: down restores"
    );

    // In sync: check passes and `new` writes nothing.
    let mut args = vec!["migrate", "check"];
    args.extend(common);
    strata(&args).success();
    let mut args = vec!["migrate", "new", "nothing"];
    args.extend(common);
    strata(&args).success();
    assert_eq!(
        scripts(&mig, layout, true).len(),
        2,
        "{layout}: no empty migration"
    );

    // Drift: the schema moves on without a migration.
    exec(
        &rt,
        &desired.url,
        &["CREATE TABLE audit (id integer PRIMARY KEY)"],
    );
    let mut args = vec!["migrate", "check"];
    args.extend(common);
    strata(&args)
        .code(1)
        .stderr(predicates::str::contains("strata::migrate::drift"));
}

#[test]
fn sqlite_every_layout() {
    for layout in LAYOUTS {
        sqlite_layout(layout);
    }
}

#[test]
fn dbmate_file_has_both_sections() {
    let rt = rt();
    let desired = sqlite_db();
    exec(
        &rt,
        &desired.url,
        &["CREATE TABLE t (id integer PRIMARY KEY)"],
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let m = dir.path().to_str().expect("utf-8");
    strata(&[
        "migrate",
        "new",
        "t",
        "--to",
        &desired.url,
        "--dir",
        m,
        "--layout",
        "dbmate",
    ])
    .success();
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name() != "strata.sum")
        .collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].path()).expect("read");
    let up = text.find("-- migrate:up").expect("up section");
    let down = text.find("-- migrate:down").expect("down section");
    assert!(up < down);
    assert!(text[up..down].contains("CREATE TABLE"));
    assert!(text[down..].contains("DROP TABLE"));
}

/// A first migration into an empty folder needs no scratch database; the
/// second replays the first, and that needs one.
#[test]
fn postgres_needs_a_dev_url_once_there_is_a_migration() {
    let rt = rt();
    let Some(db) = rt.block_on(support::PgDb::create("migrate_devurl")) else {
        return;
    };
    exec(&rt, &db.url, &["CREATE TABLE t (id bigint PRIMARY KEY)"]);
    let dir = tempfile::tempdir().expect("temp dir");
    let m = dir.path().to_str().expect("utf-8");
    let new = |name: &str| {
        Command::cargo_bin("strata")
            .expect("binary")
            .env_remove("STRATA_DEV_URL")
            .args(["migrate", "new", name, "--to", &db.url, "--dir", m])
            .assert()
    };
    new("first").success();
    exec(&rt, &db.url, &["CREATE TABLE u (id bigint PRIMARY KEY)"]);
    new("second")
        .code(1)
        .stderr(predicates::str::contains("strata::migrate::dev_url"));
    // STRATA_DEV_URL stands in for --dev-url.
    Command::cargo_bin("strata")
        .expect("binary")
        .env("STRATA_DEV_URL", support::postgres_admin_url())
        .args(["migrate", "new", "second", "--to", &db.url, "--dir", m])
        .assert()
        .success();
}

#[test]
fn postgres_sqlx_and_golang_migrate() {
    let rt = rt();
    for layout in ["sqlx", "golang-migrate"] {
        let Some(desired) = rt.block_on(support::PgDb::create("migrate_want")) else {
            return;
        };
        let Some(target) = rt.block_on(support::PgDb::create("migrate_apply")) else {
            return;
        };
        two_migrations_converge(
            &rt,
            layout,
            DialectKind::Postgres,
            [&desired.url, &target.url],
            &["CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL)"],
            &["CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id))"],
        );
    }
}

#[test]
fn mysql_dbmate_and_flyway() {
    let rt = rt();
    for layout in ["dbmate", "flyway"] {
        let Some(desired) = rt.block_on(support::MyDb::create("migrate_want")) else {
            return;
        };
        let Some(target) = rt.block_on(support::MyDb::create("migrate_apply")) else {
            return;
        };
        two_migrations_converge(
            &rt,
            layout,
            DialectKind::Mysql,
            [&desired.url, &target.url],
            &["CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200) NOT NULL)"],
            &[
                "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, FOREIGN KEY (user_id) REFERENCES users (id))",
                "ALTER TABLE users ADD COLUMN name varchar(100) NULL",
            ],
        );
    }
}

/// Writes two migrations in `layout` from the `desired` database (after
/// `first` and then after `second` ran there), applies them to `target`
/// as the tool would, and asserts that `target` then inspects equal to
/// `desired` and that `migrate check` passes.
fn two_migrations_converge(
    rt: &tokio::runtime::Runtime,
    layout: &str,
    kind: DialectKind,
    [desired, target]: [&str; 2],
    first: &[&str],
    second: &[&str],
) {
    let dev = match kind {
        DialectKind::Postgres => support::postgres_admin_url(),
        _ => support::mysql_admin_url(),
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let m = dir.path().to_str().expect("utf-8");
    let common = [
        "--to",
        desired,
        "--dir",
        m,
        "--layout",
        layout,
        "--dev-url",
        dev.as_str(),
    ];
    for (name, sql) in [("init", first), ("orders", second)] {
        exec(rt, desired, sql);
        let mut args = vec!["migrate", "new", name];
        args.extend(common);
        strata(&args).success();
    }
    let ups = scripts(dir.path(), layout, true);
    assert_eq!(ups.len(), 2, "{layout}");
    for (_, sql) in &ups {
        exec(rt, target, &[sql.as_str()]);
    }
    assert_eq!(differs(rt, target, desired, kind), 0, "{layout}");
    let mut args = vec!["migrate", "check"];
    args.extend(common);
    strata(&args).success();
}
