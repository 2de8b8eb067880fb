//! The database commands end to end against real SQLite files: exit
//! codes, `--exit-code`, destructive refusal, confirmation, dry runs,
//! rollback files, and SQL that the `sqlite3` client runs as-is.

use std::path::PathBuf;

use predicates::prelude::*;

use crate::cli_errors::strata;

const V1: &str = "dialect sqlite

table users {
  id    integer pk
  email text
  name  text?
}
";

/// v1 plus a table with a foreign key, an index and a view.
const V2: &str = "dialect sqlite

table users {
  id    integer pk
  email text
  name  text?

  index users_email (email) unique
}

table posts {
  id      integer pk
  user_id integer -> users.id on delete cascade
  title   text
}

view post_titles as sql\"\"\"
  select p.id, p.title, u.email from posts p join users u on u.id = p.user_id
\"\"\"
";

/// v2 without the `name` column: destructive.
const V3: &str = "dialect sqlite

table users {
  id    integer pk
  email text

  index users_email (email) unique
}

table posts {
  id      integer pk
  user_id integer -> users.id on delete cascade
  title   text
}

view post_titles as sql\"\"\"
  select p.id, p.title, u.email from posts p join users u on u.id = p.user_id
\"\"\"
";

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().expect("temporary directory");
        for (name, text) in [("v1.strata", V1), ("v2.strata", V2), ("v3.strata", V3)] {
            std::fs::write(dir.path().join(name), text).expect("write schema");
        }
        Project { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn file(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }

    fn url(&self) -> String {
        format!("sqlite://{}", self.path("app.db").display())
    }

    fn apply(&self, schema: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
        let mut args = vec![
            "apply".to_string(),
            "--url".into(),
            self.url(),
            "--to".into(),
            self.file(schema),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        strata().args(&args).assert()
    }

    fn plan(&self, schema: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
        let mut args = vec![
            "plan".to_string(),
            "--url".into(),
            self.url(),
            "--to".into(),
            self.file(schema),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        strata().args(&args).assert()
    }

    fn sqlite3(&self, sql: &str) -> Option<String> {
        let out = std::process::Command::new("sqlite3")
            .arg(self.path("app.db"))
            .arg(sql)
            .output()
            .ok()?;
        Some(String::from_utf8_lossy(&out.stdout).to_string())
    }
}

fn stdout_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).to_string()
}

fn sqlite3_available() -> bool {
    let found = std::process::Command::new("sqlite3")
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        eprintln!("SKIPPED: the sqlite3 client is not installed");
    }
    found
}

#[test]
fn apply_creates_the_file_then_nothing_is_left_to_do() {
    let p = Project::new();
    assert!(!p.path("app.db").exists());
    p.apply("v1.strata", &["--auto-approve"])
        .success()
        .stdout("")
        .stderr(predicate::str::contains("Applied 1 change"));
    assert!(p.path("app.db").exists());
    p.plan("v1.strata", &["--exit-code"])
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains("No changes"));
    p.apply("v1.strata", &["--auto-approve"])
        .success()
        .stderr(predicate::str::contains("already matches"));
}

#[test]
fn plan_exit_code_and_rollback_file() {
    let p = Project::new();
    p.apply("v1.strata", &["--auto-approve"]).success();
    let rollback = p.path("down.sql");
    let a = p
        .plan(
            "v2.strata",
            &["--exit-code", "--rollback", &rollback.display().to_string()],
        )
        .code(2);
    let up = stdout_of(&a);
    assert!(up.contains("BEGIN;") && up.contains("COMMIT;"), "{up}");
    assert!(up.contains("CREATE TABLE \"posts\""), "{up}");
    assert!(up.contains("CREATE VIEW \"post_titles\""), "{up}");
    // The referenced table's index and the view come in a valid order.
    let down = std::fs::read_to_string(&rollback).expect("rollback written");
    assert!(down.contains("DROP VIEW \"post_titles\""), "{down}");
    assert!(down.contains("DROP TABLE \"posts\""), "{down}");
    assert!(
        down.find("DROP VIEW").unwrap_or(usize::MAX) < down.find("DROP TABLE").unwrap_or(0),
        "the view goes before its tables:\n{down}"
    );
    // Without --exit-code, changes are success.
    p.plan("v2.strata", &[]).code(0);
}

#[test]
fn printed_sql_runs_in_the_sqlite3_client_like_apply() {
    if !sqlite3_available() {
        return;
    }
    let p = Project::new();
    p.apply("v1.strata", &["--auto-approve"]).success();
    p.sqlite3("insert into users (id, email, name) values (1, 'a@x', 'A')");
    let rollback = p.path("down.sql");
    let up = stdout_of(
        &p.plan(
            "v2.strata",
            &["--rollback", &rollback.display().to_string()],
        )
        .success(),
    );
    let run = |sql: &str| {
        let out = std::process::Command::new("sqlite3")
            .arg("-bail")
            .arg(p.path("app.db"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                if let Some(mut stdin) = child.stdin.take() {
                    stdin.write_all(sql.as_bytes())?;
                }
                child.wait_with_output()
            })
            .expect("run sqlite3");
        assert!(
            out.status.success(),
            "sqlite3 failed: {}\n{sql}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&up);
    p.plan("v2.strata", &["--exit-code"]).code(0);
    assert_eq!(
        p.sqlite3("select email from users").as_deref(),
        Some("a@x\n")
    );

    let down = std::fs::read_to_string(&rollback).expect("rollback written");
    run(&down);
    p.plan("v1.strata", &["--exit-code"]).code(0);
    assert_eq!(p.sqlite3("select name from users").as_deref(), Some("A\n"));
}

#[test]
fn destructive_changes_are_refused_and_name_each_loss() {
    let p = Project::new();
    p.apply("v2.strata", &["--auto-approve"]).success();
    p.sqlite3("insert into users (id, email, name) values (1, 'a@x', 'A')");
    p.apply("v3.strata", &["--auto-approve"])
        .code(1)
        .stderr(predicate::str::contains("column `users.name` is dropped"))
        .stderr(predicate::str::contains("--allow-destructive"));
    // Nothing ran.
    p.plan("v3.strata", &["--exit-code", "--allow-destructive"])
        .code(2);
    // plan prints the SQL, but refuses too.
    let a = p
        .plan("v3.strata", &[])
        .code(1)
        .stderr(predicate::str::contains("destructive"));
    assert!(stdout_of(&a).contains("-- hazard: data_loss: column `users.name`"));

    p.apply("v3.strata", &["--auto-approve", "--allow-destructive"])
        .success();
    p.plan("v3.strata", &["--exit-code"]).code(0);
    if sqlite3_available() {
        assert_eq!(
            p.sqlite3("select email from users").as_deref(),
            Some("a@x\n")
        );
    }
}

#[test]
fn apply_needs_a_terminal_or_auto_approve() {
    let p = Project::new();
    p.apply("v1.strata", &[])
        .code(1)
        .stderr(predicate::str::contains("stdin is not a terminal"))
        .stderr(predicate::str::contains("--auto-approve"));
    assert!(
        !p.path("app.db").exists()
            || strata()
                .args([
                    "plan",
                    "--url",
                    &p.url(),
                    "--to",
                    &p.file("v1.strata"),
                    "--exit-code"
                ])
                .assert()
                .get_output()
                .status
                .code()
                == Some(2),
        "nothing may have been applied"
    );
}

#[test]
fn dry_run_prints_and_changes_nothing() {
    let p = Project::new();
    p.apply("v1.strata", &["--auto-approve"]).success();
    let a = p.apply("v2.strata", &["--dry-run"]).success();
    assert!(stdout_of(&a).contains("CREATE TABLE \"posts\""));
    p.plan("v2.strata", &["--exit-code"]).code(2);
}

#[test]
fn inspect_prints_source_json_and_yaml() {
    let p = Project::new();
    p.apply("v2.strata", &["--auto-approve"]).success();
    let a = strata()
        .args(["inspect", "--url", &p.url(), "--strict"])
        .assert()
        .success();
    let text = stdout_of(&a);
    assert!(text.contains("table users"), "{text}");
    assert!(text.contains("view post_titles"), "{text}");

    let a = strata()
        .args(["inspect", "--url", &p.url(), "--format", "json"])
        .assert()
        .success();
    let schema: strata::ir::Schema =
        serde_json::from_str(&stdout_of(&a)).expect("inspect --format json is the IR");
    assert_eq!(schema.tables.len(), 2);

    let out = p.path("schema.yaml");
    strata()
        .args(["inspect", "--url", &p.url(), "--format", "yaml", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let yaml = std::fs::read_to_string(&out).expect("written");
    let again: strata::ir::Schema = serde_yaml_ng::from_str(&yaml).expect("yaml IR");
    assert_eq!(again, schema);

    // What inspect prints plans to nothing against the same database.
    let src = p.path("inspected.strata");
    std::fs::write(&src, &text).expect("write");
    strata()
        .args(["plan", "--url", &p.url(), "--to"])
        .arg(&src)
        .arg("--exit-code")
        .assert()
        .code(0);
}

#[test]
fn diff_between_files_and_databases() {
    let p = Project::new();
    strata()
        .args([
            "diff",
            &p.file("v1.strata"),
            &p.file("v2.strata"),
            "--exit-code",
        ])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("CREATE TABLE \"posts\""));
    strata()
        .args([
            "diff",
            &p.file("v2.strata"),
            &p.file("v2.strata"),
            "--exit-code",
        ])
        .assert()
        .code(0)
        .stdout("");
    strata()
        .args([
            "diff",
            &p.file("v2.strata"),
            &p.file("v3.strata"),
            "--format",
            "text",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("drop column `name`"))
        .stdout(predicate::str::contains("data_loss"));

    p.apply("v1.strata", &["--auto-approve"]).success();
    strata()
        .args(["diff", &p.url(), &p.file("v1.strata"), "--exit-code"])
        .assert()
        .code(0);
}

#[test]
fn diff_needs_a_dialect_from_somewhere() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = dir.path().join("a.strata");
    let b = dir.path().join("b.strata");
    std::fs::write(&a, "table t {\n  id integer pk\n}\n").expect("write");
    std::fs::write(&b, "table t {\n  id integer pk\n  x text?\n}\n").expect("write");
    strata()
        .arg("diff")
        .args([&a, &b])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot tell which dialect"));
    strata()
        .arg("diff")
        .args([&a, &b])
        .args(["--dialect", "sqlite"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\"x\""));
}

#[test]
fn files_for_another_dialect_are_refused() {
    let p = Project::new();
    let pg = p.path("pg.strata");
    std::fs::write(&pg, "dialect postgres\n\ntable t {\n  id bigint pk\n}\n").expect("write");
    strata()
        .args(["plan", "--url", &p.url(), "--to"])
        .arg(&pg)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("written for postgres"));
}

/// Runs `strata apply` under a pseudo-terminal (util-linux `script`),
/// answering the prompt with `answer`; `None` when `script` is missing.
fn apply_on_a_terminal(p: &Project, answer: &str) -> Option<(i32, String)> {
    let bin = assert_cmd::cargo::cargo_bin("strata");
    let command = format!(
        "{} apply --url {} --to {}",
        bin.display(),
        p.url(),
        p.file("v1.strata")
    );
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take()?;
        stdin.write_all(answer.as_bytes()).ok()?;
    }
    let out = child.wait_with_output().ok()?;
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
    ))
}

#[test]
fn apply_asks_on_a_terminal() {
    let p = Project::new();
    let Some((code, screen)) = apply_on_a_terminal(&p, "n\n") else {
        eprintln!("SKIPPED: util-linux `script` is not installed");
        return;
    };
    assert_eq!(code, 1, "{screen}");
    assert!(screen.contains("Apply to sqlite://"), "{screen}");
    assert!(screen.contains("apply cancelled"), "{screen}");
    p.plan("v1.strata", &["--exit-code"]).code(2);

    let Some((code, screen)) = apply_on_a_terminal(&p, "y\n") else {
        return;
    };
    assert_eq!(code, 0, "{screen}");
    assert!(screen.contains("Applied 1 change"), "{screen}");
    p.plan("v1.strata", &["--exit-code"]).code(0);
}
