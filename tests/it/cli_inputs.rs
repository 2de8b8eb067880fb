//! What the commands read and what they say they do: `fmt -` (standard
//! input to standard output), `fmt --check`'s diff, `check` and `export`
//! of `git:REV:PATH` and of a database URL, and every `--help`.

use crate::cli_errors::strata;
use crate::gitsrc::repo;
use crate::support::{ddl, exec, rt, SqliteDb};

const MESSY: &str = "table t {\n   id    int pk // key\n}\n";
const TIDY: &str = "table t {\n  id  int  pk // key\n}\n";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn fmt_dash_formats_standard_input_to_standard_output() {
    let out = strata()
        .args(["fmt", "-"])
        .write_stdin(MESSY)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), TIDY);

    // --check on standard input: the diff, exit 1; tidy input: exit 0.
    let out = strata()
        .args(["fmt", "--check", "-"])
        .write_stdin(MESSY)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(diff.contains("--- a/<stdin>\n+++ b/<stdin>\n"), "{diff}");
    assert!(
        diff.contains("\n-   id    int pk // key\n+  id  int  pk // key\n"),
        "{diff}"
    );
    let out = strata()
        .args(["fmt", "--check", "-"])
        .write_stdin(TIDY)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn fmt_dash_reports_errors_and_refuses_files_beside_it() {
    let out = strata()
        .args(["fmt", "-"])
        .write_stdin("table t {\n  id int pk\n")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "");
    assert!(
        text(&out.stderr).contains("<stdin>"),
        "{}",
        text(&out.stderr)
    );

    let out = strata()
        .args(["fmt", "-", "schemas"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("strata::fmt::stdin_with_files"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn fmt_check_prints_a_unified_diff_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let messy = dir.path().join("messy.strata");
    std::fs::write(&messy, MESSY).expect("write");
    let out = strata()
        .args(["fmt", "--check"])
        .arg(&messy)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    let name = messy.display();
    assert!(
        diff.starts_with(&format!(
            "--- a/{name}\n+++ b/{name}\n@@ -1,3 +1,3 @@\n table t {{\n"
        )),
        "{diff}"
    );
    assert!(text(&out.stderr).contains("1 file would be reformatted"));
    assert_eq!(std::fs::read_to_string(&messy).expect("read"), MESSY);
}

#[test]
fn check_and_export_read_a_git_revision() {
    let dir = repo();
    // The working copy of shop.strata is garbage; HEAD's is a schema.
    let out = strata()
        .current_dir(dir.path())
        .args(["check", "git:HEAD:schemas/"])
        .output()
        .expect("runs");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("ok: 2 files, 2 tables"), "{err}");
    let out = strata()
        .current_dir(dir.path())
        .args(["check", "schemas/"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));

    let out = strata()
        .current_dir(dir.path())
        .args(["export", "git:v1:schemas/shop.strata"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // v1's users has `id` only (HEAD's has `email` too).
    let users = &json["tables"][0];
    assert_eq!(users["name"]["name"], "users", "{json}");
    assert_eq!(users["columns"].as_array().map(Vec::len), Some(1), "{json}");
}

#[test]
fn check_and_export_read_a_database() {
    let db = SqliteDb::create_file();
    rt().block_on(exec(
        &db.url,
        &ddl(&["CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL)"]),
    ))
    .expect("set up");
    let out = strata().args(["check", &db.url]).output().expect("runs");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains(&format!("ok: {}, 1 table", db.url)), "{err}");

    let out = strata()
        .args(["export", &db.url, "--format", "yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("email"), "{}", text(&out.stdout));

    // A database is a schema of its own, never read beside files.
    let out = strata()
        .args(["check", &db.url, "schemas"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("strata::source::database_with_files"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn every_help_says_what_the_command_does() {
    let out = strata().arg("--help").output().expect("runs");
    let top = text(&out.stdout);
    for (command, says) in [
        ("fmt", "in place"),
        ("check", "git:REV:PATH"),
        ("lint", "rules"),
        ("inspect", "database"),
        ("plan", "SQL"),
        ("diff", "changes"),
        ("apply", "run"),
        ("drift", "differ"),
        ("export", "git:REV:PATH"),
        ("graph", "diagram"),
        ("import", "SQL files"),
        ("migrate", "migration files"),
        ("history", "applies"),
    ] {
        let out = strata().args([command, "--help"]).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{command}");
        let first = text(&out.stdout).lines().next().unwrap_or("").to_string();
        assert!(
            first.contains(says),
            "`strata {command} --help` begins: {first}"
        );
        assert!(
            top.lines()
                .any(|l| l.trim_start().starts_with(command) && l.contains(says)),
            "`strata --help` on {command}:\n{top}"
        );
    }
}
