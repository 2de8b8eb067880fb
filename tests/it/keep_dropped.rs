//! `--keep-dropped` on all three dialects, with rows: a dropped table is
//! moved aside with its rows, is no longer offered for drop, comes back
//! with its rows in the rollback (the catalog judged by the oracle), and
//! `strata gc` drops only what was kept longer ago than asked.

use assert_cmd::Command;
use strata::dialect::{for_url, keep, ApplyOptions, EmitOptions};
use strata::ir::Name;

use crate::oracle;
use crate::support::{self, MyDb, PgDb, SqliteDb};

/// A stamp long past, so that `gc --older-than 7d` finds it old.
const OLD: &str = "20200101000000";

fn strata(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("strata")
        .expect("binary")
        .env_remove("STRATA_HISTORY_TABLE")
        .env_remove("DATABASE_URL")
        .env_remove("STRATA_ENV")
        .args(args)
        .assert()
}

fn exec(url: &str, sql: &[&str]) {
    support::rt()
        .block_on(support::exec(url, &support::ddl(sql)))
        .unwrap_or_else(|e| panic!("set-up: {e}"));
}

fn count(url: &str, table: &str) -> Result<i64, String> {
    support::rt().block_on(support::count(
        url,
        &format!("SELECT COUNT(*) FROM {table}"),
    ))
}

fn fingerprint(url: &str) -> oracle::Fingerprint {
    let fp = support::rt()
        .block_on(oracle::fingerprint(url))
        .expect("oracle");
    // The schema kept tables move into stays once made (empty after a
    // rollback): it is strata's, not the application's.
    let mut fp = oracle::without_bookkeeping(fp);
    fp.lines
        .retain(|l| !l.contains(keep::NAMESPACE) && !l.contains("__dropped_"));
    fp.column_order
        .retain(|rel, _| !rel.contains(keep::NAMESPACE) && !rel.contains("__dropped_"));
    fp
}

/// `quote` quotes one identifier for the dialect; `kept` is where a
/// table dropped at a stamp is kept (qualified for SQL).
fn scenario(target: &str, want: &str, want_later: &str, quote: fn(&Name) -> String) {
    let start = [
        "CREATE TABLE users (id int PRIMARY KEY, name varchar(50), nick varchar(20) NOT NULL)",
        "CREATE TABLE notes (id int PRIMARY KEY, body varchar(50))",
        "CREATE INDEX notes_body ON notes (body)",
        "CREATE TABLE logs (id int PRIMARY KEY, line varchar(50))",
    ];
    exec(target, &start);
    exec(
        target,
        &[
            "INSERT INTO notes VALUES (1, 'a'), (2, 'b'), (3, 'c')",
            "INSERT INTO users VALUES (1, 'Ann', 'an'), (2, 'Bob', 'bo')",
            "INSERT INTO logs VALUES (1, 'x'), (2, 'y')",
        ],
    );
    let users = "CREATE TABLE users (id int PRIMARY KEY, name varchar(50))";
    exec(want, &[users]);
    exec(
        want,
        &["CREATE TABLE logs (id int PRIMARY KEY, line varchar(50))"],
    );
    exec(want_later, &[users]);
    let before = fingerprint(target);

    // notes is dropped, kept at OLD.
    let driver = for_url(target).expect("driver");
    let rt = support::rt();
    let current = rt
        .block_on(driver.introspect(target, &[]))
        .expect("inspect")
        .schema;
    let desired = rt
        .block_on(driver.introspect(want, &[]))
        .expect("inspect")
        .schema;
    let options = EmitOptions {
        keep_dropped: Some(OLD.to_string()),
        ..EmitOptions::default()
    };
    let m = strata::migration::migration(&current, &desired, driver, &options).expect("plan");
    assert!(m.destructive().is_empty(), "nothing is lost: {:?}", m.plan);
    let up = strata::report::sql::render(driver, &m.up);
    let drops_notes = |l: &str| l.starts_with("DROP TABLE") && l.contains("notes");
    assert!(!up.lines().any(drops_notes), "{up}");
    assert!(up.contains("kept_aside"), "{up}");
    rt.block_on(support::apply(target, &m.up, &ApplyOptions::default()))
        .unwrap_or_else(|e| panic!("{e:?}\n{up}"));
    let kept = quote(&driver.kept_name(&Name::new("notes"), OLD));
    assert_eq!(count(target, &kept), Ok(3), "rows kept aside in {kept}");
    assert!(count(target, "notes").is_err(), "notes is gone");
    let nicks = quote(&driver.kept_name(&Name::new("users_nick"), OLD));
    let kept_nicks = format!("{nicks} WHERE nick IN ('an', 'bo')");
    assert_eq!(count(target, &kept_nicks), Ok(2), "values kept aside\n{up}");
    assert!(
        count(target, "users WHERE nick = 'an'").is_err(),
        "nick is gone"
    );

    // The kept table is nobody's to drop: nothing left to do.
    strata(&["plan", "--url", target, "--to", want, "--exit-code"]).code(0);

    // The rollback fills nick back from its copy: no "NOT NULL without
    // a default" warning, only the rows inserted since the drop can fail.
    let down = strata::report::sql::render(driver, &m.down);
    let rollback_hazards: Vec<&str> = m
        .rollback
        .steps
        .iter()
        .flat_map(|s| &s.hazards)
        .map(|h| h.message.as_str())
        .collect();
    assert!(
        rollback_hazards
            .iter()
            .any(|h| h.contains("nick`") && h.contains("kept copy")),
        "{rollback_hazards:?}"
    );
    assert!(!down.contains("without a default"), "{down}");
    assert!(
        !rollback_hazards
            .iter()
            .any(|h| h.contains("without a default")),
        "{rollback_hazards:?}"
    );

    // The rollback brings notes back, rows and index included.
    rt.block_on(support::apply(target, &m.down, &ApplyOptions::default()))
        .unwrap_or_else(|e| panic!("{e:?}\n{down}"));
    assert_eq!(count(target, "notes"), Ok(3), "rows restored\n{down}");
    let restored = "users WHERE (id = 1 AND nick = 'an') OR (id = 2 AND nick = 'bo')";
    assert_eq!(count(target, restored), Ok(2), "values restored\n{down}");
    assert!(
        count(target, &nicks).is_err(),
        "the copy is dropped once read back"
    );
    let after = fingerprint(target);
    let kind = driver.kind();
    oracle::judge("rollback", kind, &after, &before).unwrap_or_else(|e| panic!("{e}\n{down}"));

    // Kept again at OLD, then logs dropped now through the CLI.
    rt.block_on(support::apply(target, &m.up, &ApplyOptions::default()))
        .expect("up again");
    let out = strata(&[
        "apply",
        "--url",
        target,
        "--to",
        want_later,
        "--keep-dropped",
        "--auto-approve",
        "--skip-preflight",
    ])
    .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(!stderr.contains("data_loss"), "{stderr}");
    strata(&["plan", "--url", target, "--to", want_later, "--exit-code"]).code(0);

    // gc removes the old one only.
    strata(&[
        "gc",
        "--url",
        target,
        "--older-than",
        "7d",
        "--auto-approve",
    ])
    .success();
    assert!(count(target, &kept).is_err(), "the old kept table is gone");
    assert!(
        count(target, &nicks).is_err(),
        "the old kept column is gone"
    );
    let kept_logs = rt
        .block_on(driver.introspect(target, &[]))
        .expect("inspect")
        .schema
        .tables
        .keys()
        .filter(|n| n.name.starts_with("logs__dropped_"))
        .map(quote)
        .collect::<Vec<_>>();
    assert_eq!(kept_logs.len(), 1, "logs is kept, and young");
    assert_eq!(count(target, &kept_logs[0]), Ok(2));
}

fn pg_name(n: &Name) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    match &n.schema {
        Some(s) => format!("{}.{}", q(s), q(&n.name)),
        None => q(&n.name),
    }
}

fn backquoted(n: &Name) -> String {
    format!("`{}`", n.name)
}

#[test]
fn keep_dropped_on_postgres() {
    let rt = support::rt();
    let Some(target) = rt.block_on(PgDb::create("keep")) else {
        return;
    };
    let Some(want) = rt.block_on(PgDb::create("keepw")) else {
        return;
    };
    let Some(later) = rt.block_on(PgDb::create("keepl")) else {
        return;
    };
    scenario(&target.url, &want.url, &later.url, pg_name);
}

#[test]
fn keep_dropped_on_mysql() {
    let rt = support::rt();
    let Some(target) = rt.block_on(MyDb::create("keep")) else {
        return;
    };
    let Some(want) = rt.block_on(MyDb::create("keepw")) else {
        return;
    };
    let Some(later) = rt.block_on(MyDb::create("keepl")) else {
        return;
    };
    scenario(&target.url, &want.url, &later.url, backquoted);
}

#[test]
fn keep_dropped_on_sqlite() {
    let (target, want, later) = (
        SqliteDb::create_file(),
        SqliteDb::create_file(),
        SqliteDb::create_file(),
    );
    scenario(&target.url, &want.url, &later.url, pg_name);
}

/// `keep_dropped = true` in an environment keeps what `apply --env`
/// drops (no `--allow-destructive` needed), `--no-keep-dropped` plans the
/// plain drop, and `gc --env` finds the environment's database.
#[test]
fn an_environment_keeps_dropped_tables() {
    let db = SqliteDb::create_file();
    exec(
        &db.url,
        &[
            "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL)",
            "CREATE TABLE old_stuff (id integer PRIMARY KEY)",
            "INSERT INTO old_stuff VALUES (1), (2)",
        ],
    );
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("app.strata"),
        "table users {\n  id integer pk\n  name text\n}\n",
    )
    .expect("schema");
    std::fs::write(
        dir.path().join("strata.toml"),
        "[env.dev]\nurl = \"${APP_URL}\"\nschema = \"app.strata\"\nkeep_dropped = true\n",
    )
    .expect("strata.toml");
    let run = |args: &[&str]| {
        Command::cargo_bin("strata")
            .expect("binary")
            .current_dir(dir.path())
            .env("APP_URL", &db.url)
            .env_remove("DATABASE_URL")
            .env_remove("STRATA_ENV")
            .args(args)
            .assert()
    };
    run(&["plan", "--env", "dev"])
        .success()
        .stdout(predicates::str::contains("RENAME TO \"old_stuff__dropped_"));
    // The plain drop is data loss, which the default policy refuses.
    run(&["plan", "--env", "dev", "--no-keep-dropped"])
        .code(1)
        .stdout(predicates::str::contains("DROP TABLE \"old_stuff\""));
    run(&["apply", "--env", "dev", "--auto-approve"]).success();
    let kept = "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'old_stuff__dropped_%'";
    let kept_tables = || support::rt().block_on(support::count(&db.url, kept));
    assert_eq!(kept_tables(), Ok(1));
    run(&["gc", "--env", "dev", "--older-than", "1d", "--auto-approve"]).success();
    assert_eq!(kept_tables(), Ok(1), "kept today: not older than a day");
    run(&["gc", "--env", "dev", "--older-than", "0", "--dry-run"])
        .success()
        .stdout(predicates::str::contains(
            "DROP TABLE \"old_stuff__dropped_",
        ));
    assert_eq!(kept_tables(), Ok(1), "a dry run drops nothing");
    run(&["gc", "--env", "dev", "--older-than", "0", "--auto-approve"]).success();
    assert_eq!(kept_tables(), Ok(0));
}

/// A table dropped with `--keep-dropped`, made again and dropped again
/// before `gc`: the second kept copy must not collide with the first on
/// the names of its indexes, constraints and sequences, and the rollback
/// of the second drop brings it back with its rows.
fn dropped_twice(target: &str, create: &[&str], quote: fn(&Name) -> String) {
    let driver = for_url(target).expect("driver");
    let rt = support::rt();
    exec(target, &["CREATE TABLE parent (id int PRIMARY KEY)"]);
    exec(target, &["INSERT INTO parent VALUES (1)"]);
    let mut last = None;
    for (round, stamp) in ["20200101000000", "20200102000000"].iter().enumerate() {
        exec(target, create);
        exec(
            target,
            &["INSERT INTO notes (parent_id, body) VALUES (1, 'a'), (1, 'b')"],
        );
        let current = rt
            .block_on(driver.introspect(target, &[]))
            .expect("inspect")
            .schema;
        let mut desired = current.clone();
        desired.tables.retain(|n, _| n.name != "notes");
        let options = EmitOptions {
            keep_dropped: Some(stamp.to_string()),
            ..EmitOptions::default()
        };
        let m = strata::migration::migration(&current, &desired, driver, &options).expect("plan");
        let up = strata::report::sql::render(driver, &m.up);
        rt.block_on(support::apply(target, &m.up, &ApplyOptions::default()))
            .unwrap_or_else(|e| panic!("drop {}: {e:?}\n{up}", round + 1));
        let kept = quote(&driver.kept_name(&Name::new("notes"), stamp));
        assert_eq!(count(target, &kept), Ok(2), "round {}\n{up}", round + 1);
        last = Some(m);
    }
    let before = fingerprint(target);
    let m = last.expect("two rounds");
    let down = strata::report::sql::render(driver, &m.down);
    rt.block_on(support::apply(target, &m.down, &ApplyOptions::default()))
        .unwrap_or_else(|e| panic!("rollback: {e:?}\n{down}"));
    assert_eq!(count(target, "notes"), Ok(2), "rows restored\n{down}");
    // The restored table is the one the second plan dropped, names and all.
    let restored = rt
        .block_on(driver.introspect(target, &[]))
        .expect("inspect")
        .schema;
    let notes = restored
        .tables
        .values()
        .find(|t| t.name.name == "notes")
        .expect("notes is back");
    let planned = m
        .rollback
        .steps
        .iter()
        .find_map(|s| match &s.change {
            strata::diff::Change::CreateTable(t) if t.name.name == "notes" => Some(t),
            _ => None,
        })
        .expect("the rollback creates notes");
    let names = |t: &strata::ir::Table| {
        let mut n: Vec<Option<String>> = t.indexes.iter().map(|i| i.name.clone()).collect();
        n.extend(t.uniques.iter().map(|u| u.name.clone()));
        n.extend(t.foreign_keys.iter().map(|f| f.name.clone()));
        n.extend(t.checks.iter().map(|c| c.name.clone()));
        n.sort();
        n
    };
    assert_eq!(names(notes), names(planned), "{down}");
    assert_ne!(fingerprint(target), before, "notes came back");
}

#[test]
fn dropped_twice_on_postgres() {
    let rt = support::rt();
    let Some(db) = rt.block_on(PgDb::create("keep2")) else {
        return;
    };
    dropped_twice(
        &db.url,
        &[
            "CREATE TABLE notes (id serial PRIMARY KEY, parent_id int REFERENCES parent (id), \
             body varchar(50) UNIQUE, CONSTRAINT notes_body_check CHECK (body <> ''))",
            "CREATE INDEX notes_parent ON notes (parent_id)",
        ],
        pg_name,
    );
}

#[test]
fn dropped_twice_on_mysql() {
    let rt = support::rt();
    let Some(db) = rt.block_on(MyDb::create("keep2")) else {
        return;
    };
    dropped_twice(
        &db.url,
        &[
            "CREATE TABLE notes (id int AUTO_INCREMENT PRIMARY KEY, parent_id int, \
             body varchar(50) UNIQUE, CONSTRAINT notes_parent_fk FOREIGN KEY (parent_id) REFERENCES parent (id), \
             CONSTRAINT notes_body_check CHECK (body <> ''))",
            "CREATE INDEX notes_parent ON notes (parent_id)",
        ],
        backquoted,
    );
}

#[test]
fn dropped_twice_on_sqlite() {
    let db = SqliteDb::create_file();
    dropped_twice(
        &db.url,
        &[
            "CREATE TABLE notes (id integer PRIMARY KEY, parent_id int REFERENCES parent (id), \
             body varchar(50) UNIQUE, CONSTRAINT notes_body_check CHECK (body <> ''))",
            "CREATE INDEX notes_parent ON notes (parent_id)",
        ],
        pg_name,
    );
}

/// `apply --plan` runs a saved plan as written: `--keep-dropped` cannot
/// make a plan made without it keep what it drops, so it is refused
/// (nothing applied); a plan made with it records so and applies.
#[test]
fn a_saved_plan_made_without_keep_dropped_is_refused_with_it() {
    let db = SqliteDb::create_file();
    exec(
        &db.url,
        &[
            "CREATE TABLE users (id integer PRIMARY KEY)",
            "CREATE TABLE old_stuff (id integer PRIMARY KEY)",
            "INSERT INTO old_stuff VALUES (1), (2)",
        ],
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let schema = dir.path().join("app.strata");
    std::fs::write(&schema, "table users {\n  id integer pk\n}\n").expect("schema");
    let schema = schema.display().to_string();
    let plain = dir.path().join("plain.json").display().to_string();
    let kept = dir.path().join("kept.json").display().to_string();
    strata(&[
        "plan",
        "--url",
        &db.url,
        "--to",
        &schema,
        "--allow-destructive",
        "-o",
        &plain,
    ])
    .success();
    let out = strata(&[
        "apply",
        "--url",
        &db.url,
        "--plan",
        &plain,
        "--keep-dropped",
        "--allow-destructive",
        "--auto-approve",
    ])
    .code(1);
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(err.contains("planned without --keep-dropped"), "{err}");
    assert!(err.contains("--no-keep-dropped"), "{err}");
    assert_eq!(count(&db.url, "old_stuff"), Ok(2), "nothing was applied");

    strata(&[
        "plan",
        "--url",
        &db.url,
        "--to",
        &schema,
        "--keep-dropped",
        "-o",
        &kept,
    ])
    .success();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&kept).expect("read")).expect("json");
    assert_eq!(json["keep_dropped"], serde_json::Value::Bool(true));
    strata(&[
        "apply",
        "--url",
        &db.url,
        "--plan",
        &kept,
        "--keep-dropped",
        "--auto-approve",
    ])
    .success();
    assert!(
        count(&db.url, "old_stuff").is_err(),
        "old_stuff moved aside"
    );
    let driver = for_url(&db.url).expect("driver");
    let aside = support::rt()
        .block_on(driver.introspect(&db.url, &[]))
        .expect("inspect")
        .schema
        .tables
        .into_keys()
        .find(|n| n.name.starts_with("old_stuff__dropped_"))
        .expect("kept");
    assert_eq!(count(&db.url, &pg_name(&aside)), Ok(2), "rows kept");
}
