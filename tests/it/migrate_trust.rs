//! A migrations folder strata can trust, on every dialect: `strata.sum`
//! catches an edited or removed migration and two migrations written on
//! two branches from the same parent; `migrate check` runs every down
//! file and catches one that does not undo its migration; the layout is
//! the folder's own.

use std::path::Path;

use assert_cmd::Command;
use predicates::str::contains;

use crate::support::{self, SqliteDb};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn exec(rt: &tokio::runtime::Runtime, url: &str, sql: &str) {
    rt.block_on(support::exec(url, &[sql.to_string()]))
        .expect("set-up SQL runs");
}

/// `strata migrate <args…> --to want --dir dir [--dev-url]`.
fn migrate(args: &[&str], want: &str, dir: &Path, dev: Option<&str>) -> assert_cmd::assert::Assert {
    let mut cmd = Command::cargo_bin("strata").expect("binary");
    cmd.env_remove("STRATA_DEV_URL").arg("migrate").args(args);
    if args[0] != "hash" {
        cmd.args(["--to", want]);
    }
    cmd.arg("--dir").arg(dir);
    if let (Some(d), false) = (dev, args[0] == "hash") {
        cmd.args(["--dev-url", d]);
    }
    cmd.assert()
}

/// The file of `dir` whose name ends with `suffix` and contains `part`.
fn file(dir: &Path, part: &str, suffix: &str) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n.contains(part) && n.ends_with(suffix)
        })
        .unwrap_or_else(|| panic!("no *{part}*{suffix} in {}", dir.display()))
}

fn name(p: &Path) -> String {
    p.file_name()
        .and_then(|n| n.to_str())
        .expect("file name")
        .to_string()
}

/// The scenario on one dialect: `want` is a database the schema is taken
/// from, `ddl` its statements (users, orders, then two branches' tables).
fn trust(want: &str, dev: Option<&str>, ddl: [&str; 4]) {
    let rt = rt();
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("migrations");
    std::fs::create_dir(&dir).expect("mkdir");

    exec(&rt, want, ddl[0]);
    migrate(&["new", "init", "--layout", "sqlx"], want, &dir, dev).success();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    exec(&rt, want, ddl[1]);
    // No --layout: the folder's files say sqlx.
    migrate(&["new", "orders"], want, &dir, dev).success();
    assert!(dir.join("strata.sum").exists());
    migrate(&["check"], want, &dir, dev).success();
    migrate(&["check", "--layout", "flyway"], want, &dir, dev)
        .code(1)
        .stderr(contains("strata::migrate::layout_mismatch"));

    // Tampering: an edited migration is named; `hash` accepts the edit.
    let init_up = file(&dir, "_init", ".up.sql");
    let text = std::fs::read_to_string(&init_up).expect("read");
    std::fs::write(&init_up, format!("{text}-- edited\n")).expect("write");
    migrate(&["check"], want, &dir, dev)
        .code(1)
        .stderr(contains("strata::migrate::sum"))
        .stderr(contains(format!("{} was edited", name(&init_up))));
    migrate(&["hash"], want, &dir, dev).success();
    migrate(&["check"], want, &dir, dev).success();

    // A removed migration is named.
    let orders_down = file(&dir, "_orders", ".down.sql");
    let down_text = std::fs::read_to_string(&orders_down).expect("read");
    std::fs::remove_file(&orders_down).expect("rm");
    migrate(&["check"], want, &dir, dev)
        .code(1)
        .stderr(contains(format!("{} was removed", name(&orders_down))));

    // A down file that does not undo its migration, re-summed as if on
    // purpose: check runs it and names it.
    std::fs::write(&orders_down, "SELECT 1;\n").expect("write");
    migrate(&["hash"], want, &dir, dev).success();
    migrate(&["check"], want, &dir, dev)
        .code(1)
        .stderr(contains("strata::migrate::down"))
        .stderr(contains(name(&orders_down)));
    std::fs::write(&orders_down, &down_text).expect("write");
    migrate(&["hash"], want, &dir, dev).success();
    migrate(&["check"], want, &dir, dev).success();

    // Two branches from the same parent: each writes a migration, then
    // both are merged (the sum's conflict resolved by keeping both lines).
    let branch = root.path().join("branch");
    std::fs::create_dir(&branch).expect("mkdir");
    for e in std::fs::read_dir(&dir).expect("dir").flatten() {
        std::fs::copy(e.path(), branch.join(e.file_name())).expect("copy");
    }
    std::thread::sleep(std::time::Duration::from_millis(1100));
    exec(&rt, want, ddl[2]);
    migrate(&["new", "mine"], want, &dir, dev).success();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    exec(&rt, want, ddl[3]);
    migrate(&["new", "theirs"], want, &branch, dev).success();
    let theirs = file(&branch, "_theirs", ".up.sql");
    for suffix in [".up.sql", ".down.sql"] {
        let f = file(&branch, "_theirs", suffix);
        std::fs::copy(&f, dir.join(name(&f))).expect("copy");
    }
    let mine_sum = std::fs::read_to_string(dir.join("strata.sum")).expect("read");
    let theirs_sum = std::fs::read_to_string(branch.join("strata.sum")).expect("read");
    let extra: String = theirs_sum
        .lines()
        .filter(|l| l.contains("_theirs"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("strata.sum"), format!("{mine_sum}{extra}")).expect("write");
    migrate(&["check"], want, &dir, dev)
        .code(1)
        .stderr(contains("two branches"))
        .stderr(contains(name(&theirs)))
        .stderr(contains(name(&file(&dir, "_mine", ".up.sql"))));
}

#[test]
fn sqlite_tampering_conflict_and_broken_down() {
    let want = SqliteDb::create();
    std::fs::File::create(&want.path).expect("create database file");
    trust(
        &want.url,
        None,
        [
            "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL)",
            "CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id))",
            "CREATE TABLE mine (id integer PRIMARY KEY)",
            "CREATE TABLE theirs (id integer PRIMARY KEY)",
        ],
    );
}

#[test]
fn postgres_tampering_conflict_and_broken_down() {
    let Some(want) = rt().block_on(support::PgDb::create("migrate_trust")) else {
        return;
    };
    trust(
        &want.url,
        Some(&support::postgres_admin_url()),
        [
            "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL)",
            "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id))",
            "CREATE TABLE mine (id bigint PRIMARY KEY)",
            "CREATE TABLE theirs (id bigint PRIMARY KEY)",
        ],
    );
}

#[test]
fn mysql_tampering_conflict_and_broken_down() {
    let Some(want) = rt().block_on(support::MyDb::create("migrate_trust")) else {
        return;
    };
    trust(
        &want.url,
        Some(&support::mysql_admin_url()),
        [
            "CREATE TABLE users (id bigint PRIMARY KEY, email varchar(200) NOT NULL)",
            "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, FOREIGN KEY (user_id) REFERENCES users (id))",
            "CREATE TABLE mine (id bigint PRIMARY KEY)",
            "CREATE TABLE theirs (id bigint PRIMARY KEY)",
        ],
    );
}

#[test]
fn missing_folder_is_not_found_and_unsummed_folder_is_refused() {
    let want = SqliteDb::create();
    std::fs::File::create(&want.path).expect("create database file");
    let root = tempfile::tempdir().expect("temp dir");
    let missing = root.path().join("migrations");
    for cmd in ["new", "check"] {
        let args: &[&str] = if cmd == "new" {
            &["new", "x"]
        } else {
            &["check"]
        };
        migrate(args, &want.url, &missing, None)
            .code(1)
            .stderr(contains("strata::migrate::dir_not_found"));
    }
    assert!(!missing.exists(), "nothing was created");

    // Hand-written migrations without a sum: refused until hashed.
    std::fs::create_dir(&missing).expect("mkdir");
    std::fs::write(
        missing.join("V1__t.sql"),
        "CREATE TABLE t (id integer PRIMARY KEY);\n",
    )
    .expect("write");
    migrate(&["check"], &want.url, &missing, None)
        .code(1)
        .stderr(contains("strata::migrate::no_sum"));
    migrate(&["hash"], &want.url, &missing, None).success();
    let sum = std::fs::read_to_string(missing.join("strata.sum")).expect("sum");
    assert!(sum.contains("layout=flyway"), "{sum}");
    // The folder holds t; the schema is empty: drift, found via flyway.
    migrate(&["check"], &want.url, &missing, None)
        .code(1)
        .stderr(contains("strata::migrate::drift"));
}
