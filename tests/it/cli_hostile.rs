//! Hostile input through the binary: no nesting depth overflows the stack
//! of any command (each refuses with E0103), and a schema source that is
//! not a regular file — a FIFO that would block the read forever, a
//! device such as `/dev/zero` that never ends — is refused with E0003
//! before it is opened.

use std::time::Duration;

use crate::cli_errors::strata;

/// Every command that reads a schema source, with `path` as the source.
fn commands(path: &str, db: &str) -> Vec<Vec<String>> {
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        v(&["check", path]),
        v(&["fmt", path]),
        v(&["lint", path]),
        v(&["export", path]),
        v(&["graph", path]),
        v(&["diff", path, path]),
        v(&["plan", "--url", db, "--to", path]),
        v(&["apply", "--url", db, "--to", path, "--auto-approve"]),
    ]
}

/// Runs each command (each must end within a minute) and expects exit 1
/// with `code` in its diagnostics.
fn refused(path: &str, code: &str) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let db = format!("sqlite://{}", dir.path().join("a.db").display());
    for args in commands(path, &db) {
        let out = strata()
            .args(&args)
            .timeout(Duration::from_secs(60))
            .output()
            .expect("run strata");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}\n{err}");
        assert!(err.contains(code), "{args:?}\n{err}");
    }
}

#[test]
fn sql_text_nested_20000_deep_is_refused_by_every_command() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (dialect, body) in [
        (
            "postgres",
            format!(
                "sql\"\"\"\n  select {}1{} as x from t\n\"\"\"",
                "(".repeat(20_000),
                ")".repeat(20_000)
            ),
        ),
        (
            "sqlite",
            format!(
                "sql\"\"\"\n  select {}1{} as x from t\n\"\"\"",
                "[".repeat(20_000),
                "]".repeat(20_000)
            ),
        ),
        (
            "mysql",
            format!(
                "{{\n  select {}1{} as x from t\n}}",
                "(".repeat(20_000),
                ")".repeat(20_000)
            ),
        ),
    ] {
        let path = dir.path().join(format!("{dialect}.strata"));
        let text = format!("dialect {dialect}\ntable t {{\n  id int pk\n}}\nview v as {body}\n");
        std::fs::write(&path, text).expect("write");
        refused(&path.display().to_string(), "E0103");
    }
}

#[test]
fn a_fifo_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let fifo = dir.path().join("schema.strata");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    refused(&fifo.display().to_string(), "E0003");
    // Found in a directory, too.
    refused(&dir.path().display().to_string(), "E0003");
}

#[test]
fn a_device_is_refused_not_read_until_memory_runs_out() {
    refused("/dev/zero", "E0003");
    let dir = tempfile::tempdir().expect("temporary directory");
    let link = dir.path().join("zero.strata");
    std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
    refused(&link.display().to_string(), "E0003");
}
