//! The database commands' failure paths: missing or bad URLs, missing
//! files, usage errors — each with exit code 1, a diagnostic on stderr,
//! and never a password.

use assert_cmd::Command;
use predicates::prelude::*;

pub fn strata() -> Command {
    let mut cmd = Command::cargo_bin("strata").expect("the strata binary");
    cmd.env_remove("DATABASE_URL").env("NO_COLOR", "1");
    cmd
}

#[test]
fn plan_without_a_url_asks_for_one() {
    strata()
        .args(["plan", "--to", "schemas/"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("no database URL"))
        .stderr(predicate::str::contains("DATABASE_URL"));
}

#[test]
fn unknown_scheme_is_named_with_its_password_hidden() {
    for cmd in ["plan", "apply"] {
        strata()
            .args([
                cmd,
                "--url",
                "redis://app:hunter2@cache:6379/0",
                "--to",
                "x",
            ])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("not a database URL"))
            .stderr(predicate::str::contains("redis://app:***@cache:6379/0"))
            .stderr(predicate::str::contains("hunter2").not());
    }
}

#[test]
fn database_url_from_the_environment_is_used_and_hidden() {
    strata()
        .env("DATABASE_URL", "redis://app:hunter2@cache/0")
        .args(["inspect"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("app:***@cache"))
        .stderr(predicate::str::contains("hunter2").not());
}

#[test]
fn unreachable_database_never_shows_the_password() {
    // Port 1 on localhost: nothing listens there.
    for url in [
        "postgres://app:hunter2@127.0.0.1:1/db",
        "mysql://app:hunter2@127.0.0.1:1/db",
    ] {
        strata()
            .args(["inspect", "--url", url])
            .timeout(std::time::Duration::from_secs(60))
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains("hunter2").not());
    }
}

#[test]
fn missing_schema_files_are_a_diagnostic() {
    strata()
        .args(["diff", "/nonexistent/a.strata", "/nonexistent/b.strata"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no such file or directory"));
}

#[test]
fn usage_errors_exit_1_not_2() {
    strata()
        .args([
            "plan",
            "--url",
            "sqlite://x.db",
            "--to",
            "x",
            "--lock-timeout",
            "soon",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a duration"));
    strata()
        .args(["diff", "--no-such-flag", "a", "b"])
        .assert()
        .code(1);
    strata().args(["--help"]).assert().code(0);
}

#[test]
fn unknown_dialect_is_a_diagnostic() {
    strata()
        .args(["diff", "--dialect", "oracle", "a", "b"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("unknown dialect `oracle`"));
}
