//! Names longer than the dialect keeps are E0237 at `check` (checked
//! through the CLI, as a user meets them): PostgreSQL counts bytes past
//! 63, MySQL characters past 64, SQLite has no limit.

use crate::cli_errors::strata;

/// `strata check` of `src`: its exit code and whether E0237 was said.
fn check(src: &str) -> (Option<i32>, bool) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("s.strata");
    std::fs::write(&file, src).expect("schema file");
    let out = strata()
        .arg("check")
        .arg(&file)
        .output()
        .expect("run strata");
    let stderr = String::from_utf8_lossy(&out.stderr);
    (out.status.code(), stderr.contains("E0237"))
}

fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

#[test]
fn postgres_counts_bytes_past_63() {
    let long = "x".repeat(64);
    let src = format!("dialect postgres\ntable {long} {{\n  id bigint pk\n}}\n");
    assert_eq!(check(&src), (Some(1), true));
    // Bytes, not characters: 32 two-byte letters are 64 bytes.
    let src = format!(
        "dialect postgres\ntable t {{\n  id bigint pk\n  {} int\n}}\n",
        quoted(&"é".repeat(32))
    );
    assert_eq!(check(&src), (Some(1), true));
    let src = format!(
        "dialect postgres\ntable {} {{\n  id bigint pk\n}}\n",
        "x".repeat(63)
    );
    assert_eq!(check(&src), (Some(0), false));
}

#[test]
fn mysql_counts_characters_past_64_and_names_of_parts() {
    let ok = quoted(&"é".repeat(64));
    let src = format!(
        "dialect mysql\ntable t {{\n  id bigint pk\n  {ok} int\n  index {} (id)\n}}\n",
        "i".repeat(65)
    );
    assert_eq!(check(&src), (Some(1), true));
    let src = format!("dialect mysql\ntable t {{\n  id bigint pk\n  {ok} int\n}}\n");
    assert_eq!(check(&src), (Some(0), false));
}

#[test]
fn sqlite_has_no_limit() {
    let src = format!(
        "dialect sqlite\ntable {} {{\n  id integer pk\n}}\n",
        "x".repeat(200)
    );
    assert_eq!(check(&src), (Some(0), false));
}
