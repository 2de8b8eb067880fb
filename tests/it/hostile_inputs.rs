//! Inputs nobody listed: schemas other tools wrote, shapes that are legal
//! but odd. Each test reproduces one bug a hostile user found, judged by
//! what the server does with the result.

use crate::cli_errors::strata;
use crate::support::{count, ddl, exec, rt, MyDb, SqliteDb};

/// `strata inspect` of `url` into `dir/name`, and the path written.
/// The stderr of `cmd`, which must exit 1.
fn failure(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.assert().code(1);
    String::from_utf8_lossy(&out.get_output().stderr).to_string()
}

fn inspect_to(url: &str, dir: &std::path::Path, name: &str) -> String {
    let out = dir.join(name).display().to_string();
    strata()
        .args(["inspect", "--url", url, "-o", &out])
        .assert()
        .code(0);
    out
}

fn apply(url: &str, to: &str) {
    strata()
        .args(["apply", "--url", url, "--to", to, "--auto-approve"])
        .assert()
        .code(0);
}

fn plans_nothing(url: &str, to: &str) {
    strata()
        .args(["plan", "--url", url, "--to", to, "--exit-code"])
        .assert()
        .code(0);
}

/// SQLite reads a double-quoted word that names no column as a string
/// (and a default that is a lone name as that string). Inspected, they
/// were folded into lowercase names: the rebuilt table refused to be
/// created, and a copied trigger inserted a column that does not exist.
#[test]
fn sqlite_double_quoted_strings_keep_their_value() {
    let old = SqliteDb::create_file();
    rt().block_on(exec(
        &old.url,
        &ddl(&[
            r#"CREATE TABLE t (id integer primary key, a text default "Hello", w text default World, b text check (b <> "Bad"))"#,
            "CREATE TABLE log (msg text)",
            r#"CREATE TRIGGER t_log AFTER INSERT ON t BEGIN INSERT INTO log VALUES ("Hi"); END"#,
        ]),
    ))
    .expect("set up");
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = inspect_to(&old.url, dir.path(), "old.strata");
    plans_nothing(&old.url, &file);

    // A new column in the middle of nothing: the table is rebuilt from
    // what was inspected.
    let text = std::fs::read_to_string(&file).expect("read inspected");
    let grown = text.replacen("  b ", "  c  integer?\n  b ", 1);
    assert_ne!(grown, text, "{text}");
    std::fs::write(&file, grown).expect("write");
    apply(&old.url, &file);
    let fresh = SqliteDb::create();
    apply(&fresh.url, &file);

    for url in [&old.url, &fresh.url] {
        let q = |sql: &str| rt().block_on(count(url, sql)).expect(sql);
        rt().block_on(exec(url, &ddl(&["INSERT INTO t (id, b) VALUES (1, 'ok')"])))
            .expect("insert");
        assert_eq!(
            q("SELECT count(*) FROM t WHERE a = 'Hello' AND w = 'World'"),
            1
        );
        assert_eq!(q("SELECT count(*) FROM log WHERE msg = 'Hi'"), 1);
        let bad = rt().block_on(exec(
            url,
            &ddl(&["INSERT INTO t (id, b) VALUES (2, 'Bad')"]),
        ));
        assert!(bad.is_err(), "the check still refuses 'Bad' on {url}");
    }
}

/// A word of 300,000 characters where a column attribute goes: the
/// diagnostic said where, then repeated the whole word in its message.
#[test]
fn a_huge_bad_word_is_not_repeated_whole() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("huge.strata");
    let word = "y".repeat(300_000);
    std::fs::write(
        &file,
        format!("dialect sqlite\ntable t {{ a text {word} }}\n"),
    )
    .expect("write");
    let err = failure(strata().args(["check", &file.display().to_string()]));
    assert!(
        err.contains("E0109") && err.contains("huge.strata:2:18"),
        "{err}"
    );
    assert!(err.contains("…(299880"), "{err}");
    assert!(err.len() < 4_000, "{} bytes of diagnostic", err.len());
}

/// `strata apply … 2>&1 | head`: the reader goes away while `ran:` lines
/// are still being written. That was a panic between two statements;
/// now the apply carries on to the end.
#[test]
fn apply_finishes_when_its_stderr_reader_goes_away() {
    let db = SqliteDb::create();
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("many.strata");
    let tables: String = (0..300)
        .map(|i| format!("table t{i} {{\n  id integer pk\n  a text?\n}}\n"))
        .collect();
    std::fs::write(&file, format!("dialect sqlite\n{tables}")).expect("write");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("strata"))
        .args([
            "apply",
            "--url",
            &db.url,
            "--to",
            &file.display().to_string(),
        ])
        .arg("--auto-approve")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn strata");
    drop(child.stderr.take());
    let status = child.wait().expect("wait for strata");
    assert_eq!(status.code(), Some(0), "{status}");
    let made = rt()
        .block_on(count(
            &db.url,
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 't%'",
        ))
        .expect("count");
    assert_eq!(made, 300);
}

/// MariaDB's `information_schema` spells a trigger's or routine's string
/// literals anew and drops a backslash (`'a\\b'` comes back `'a\b'`):
/// inspected and applied elsewhere, the trigger wrote other bytes.
#[test]
fn mysql_bodies_keep_their_backslashes() {
    let Some(old) = rt().block_on(MyDb::create("hostile_bs_old")) else {
        return;
    };
    let Some(new) = rt().block_on(MyDb::create("hostile_bs_new")) else {
        return;
    };
    rt().block_on(exec(
        &old.url,
        &ddl(&[
            "CREATE TABLE t (id int PRIMARY KEY, s varchar(40))",
            r"CREATE TRIGGER t_bs BEFORE INSERT ON t FOR EACH ROW SET NEW.s = CONCAT('it''s \\ %', NEW.s)",
            r"CREATE FUNCTION f_bs() RETURNS varchar(20) DETERMINISTIC RETURN 'a\\b\'c'",
        ]),
    ))
    .expect("set up");
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = inspect_to(&old.url, dir.path(), "old.strata");
    plans_nothing(&old.url, &file);
    apply(&new.url, &file);
    plans_nothing(&new.url, &file);
    for url in [&old.url, &new.url] {
        let q = |sql: &str| rt().block_on(count(url, sql)).expect(sql);
        rt().block_on(exec(url, &ddl(&["INSERT INTO t VALUES (1, 'x')"])))
            .expect("insert");
        let hex = |v: &str| v.bytes().map(|b| format!("{b:02X}")).collect::<String>();
        let trigger = format!(
            "SELECT count(*) FROM t WHERE HEX(s) = '{}'",
            hex(r"it's \ %x")
        );
        assert_eq!(q(&trigger), 1, "{url}");
        let function = format!(
            "SELECT count(*) FROM DUAL WHERE HEX(f_bs()) = '{}'",
            hex(r"a\b'c")
        );
        assert_eq!(q(&function), 1, "{url}");
    }
}

/// Names SQLite takes for one (it ignores ASCII case, and keeps tables,
/// views and indexes in one set of names) were two objects to `check`:
/// the plan created both and the apply failed at the second.
#[test]
fn sqlite_names_that_are_one_to_the_server_are_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (name, text) in [
        (
            "tables",
            "table Users { id integer pk }\ntable users { id integer pk }",
        ),
        (
            "columns",
            "table t {\n  id integer pk\n  Name text\n  name text\n}",
        ),
        ("indexes", "table t {\n  id integer pk\n  index t (id)\n}"),
    ] {
        let file = dir.path().join(format!("{name}.strata"));
        std::fs::write(&file, format!("dialect sqlite\n{text}\n")).expect("write");
        let db = SqliteDb::create();
        let err = failure(
            strata()
                .args([
                    "apply",
                    "--url",
                    &db.url,
                    "--to",
                    &file.display().to_string(),
                ])
                .arg("--auto-approve"),
        );
        assert!(err.contains("E0254"), "{name}: {err}");
        assert!(!db.path.exists(), "{name}: nothing is created");
    }
}

/// A `.sql` file that is not UTF-8 was "stream did not contain valid
/// UTF-8", with no file position and no hint.
#[test]
fn sql_files_that_are_not_utf8_say_where() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("bad.sql");
    std::fs::write(&file, b"CREATE TABLE t (a text);\n-- \xff\n").expect("write");
    let err =
        failure(strata().args(["import", &file.display().to_string(), "--dialect", "sqlite"]));
    assert!(
        err.contains("E0101") && err.contains("bad.sql:2:4"),
        "{err}"
    );
    assert!(err.contains("save the file as UTF-8"), "{err}");
}

/// Names the server refuses (PostgreSQL: `zero-length delimited
/// identifier`; SQLite: `object name reserved for internal use`) passed
/// `check`; the apply failed on them instead.
#[test]
fn names_the_server_refuses_are_refused_by_check() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (dialect, text, count) in [
        ("postgres", "table \"\" {\n  id int pk\n  \"\" text?\n}", 2),
        ("mysql", "table \"t \" {\n  id int pk\n  \"c \" int?\n}", 2),
        (
            "sqlite",
            "table \"\" {\n  id integer pk\n  \"c \" text?\n}",
            0,
        ),
        (
            "sqlite",
            "table SQLite_x {\n  id integer pk\n  index sqlite_i (id)\n}",
            2,
        ),
    ] {
        let file = dir.path().join("names.strata");
        std::fs::write(&file, format!("dialect {dialect}\n{text}\n")).expect("write");
        let out = strata()
            .args(["check", &file.display().to_string()])
            .assert()
            .code(if count == 0 { 0 } else { 1 });
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert_eq!(err.matches("E0255").count(), count, "{dialect}: {err}");
    }
}

/// An output file that cannot be written was a bare error chain, with no
/// code and no hint.
#[test]
fn an_output_that_cannot_be_written_says_what_to_check() {
    let db = SqliteDb::create_file();
    rt().block_on(exec(
        &db.url,
        &ddl(&["CREATE TABLE t (id integer primary key)"]),
    ))
    .expect("set up");
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = dir.path().join("missing").join("x.strata");
    let err = failure(strata().args([
        "inspect",
        "--url",
        &db.url,
        "-o",
        &out.display().to_string(),
    ]));
    assert!(err.contains("strata::io::write"), "{err}");
    assert!(err.contains("check that its folder exists"), "{err}");
}

/// SQLite keeps any bytes in a name: one that is not UTF-8 was an
/// "unexpected catalog row" with nothing to go on.
#[test]
fn a_sqlite_name_that_is_not_utf8_is_refused_with_a_hint() {
    use std::io::Write as _;
    let db = SqliteDb::create_file();
    // SQL that is not UTF-8 goes through the sqlite3 client alone.
    let Ok(mut client) = std::process::Command::new("sqlite3")
        .arg(&db.path)
        .stdin(std::process::Stdio::piped())
        .spawn()
    else {
        eprintln!("SKIPPED: the sqlite3 client is not installed");
        return;
    };
    let mut stdin = client.stdin.take().expect("stdin");
    stdin
        .write_all(b"CREATE TABLE \"a\xffb\" (x text);\n")
        .expect("write");
    drop(stdin);
    assert!(client.wait().expect("sqlite3").success(), "set up");
    let err = failure(strata().args(["inspect", "--url", &db.url]));
    assert!(err.contains("strata::sqlite::introspect"), "{err}");
    assert!(err.contains("not valid UTF-8"), "{err}");
}
