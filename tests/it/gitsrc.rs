//! `git:REV:PATH` sources, against real repositories made in temporary
//! directories.

use std::path::Path;
use std::process::Command;

use strata::source::git::read_in;

pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository with two commits: v1 has `schemas/shop.strata`, v2 edits it
/// and adds `schemas/billing/invoices.strata` and a README.
pub fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::create_dir_all(d.join("schemas/billing")).expect("mkdir");
    std::fs::write(
        d.join("schemas/shop.strata"),
        "table users {\n  id bigint pk\n}\n",
    )
    .expect("write");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "v1"]);
    git(d, &["tag", "v1"]);
    std::fs::write(
        d.join("schemas/shop.strata"),
        "table users {\n  id bigint pk\n  email text\n}\n",
    )
    .expect("write");
    std::fs::write(
        d.join("schemas/billing/invoices.strata"),
        "table invoices {\n  id bigint pk\n}\n",
    )
    .expect("write");
    std::fs::write(d.join("schemas/README.md"), "not a schema\n").expect("write");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "v2"]);
    // Uncommitted edits are not part of any revision.
    std::fs::write(d.join("schemas/shop.strata"), "garbage").expect("write");
    dir
}

fn names(files: &[strata::syntax::SourceFile]) -> Vec<&str> {
    files.iter().map(|f| f.name.as_str()).collect()
}

#[test]
fn reads_a_directory_at_two_revisions() {
    let r = repo();
    let old = read_in(r.path(), "git:v1:schemas/").expect("v1");
    assert_eq!(names(&old), vec!["git:v1:schemas/shop.strata"]);
    assert_eq!(old[0].text, "table users {\n  id bigint pk\n}\n");
    let new = read_in(r.path(), "git:HEAD:schemas").expect("HEAD");
    assert_eq!(
        names(&new),
        vec![
            "git:HEAD:schemas/billing/invoices.strata",
            "git:HEAD:schemas/shop.strata"
        ]
    );
    assert!(new[1].text.contains("email text"));
    let prev = read_in(r.path(), "git:HEAD~1:schemas/shop.strata").expect("HEAD~1");
    assert_eq!(prev[0].text, old[0].text);
}

#[test]
fn paths_are_relative_to_the_current_directory() {
    let r = repo();
    let files = read_in(&r.path().join("schemas"), "git:main:billing/").expect("subdir");
    assert_eq!(
        names(&files),
        vec!["git:main:schemas/billing/invoices.strata"]
    );
}

fn error_code(e: miette::Report) -> String {
    e.code().map(|c| c.to_string()).unwrap_or_default()
}

#[test]
fn unknown_revision() {
    let r = repo();
    let e = read_in(r.path(), "git:nope:schemas/").expect_err("no such revision");
    assert_eq!(error_code(e), "strata::source::git_revision");
}

#[test]
fn unknown_path() {
    let r = repo();
    let e = read_in(r.path(), "git:v1:schemas/billing/").expect_err("not at v1");
    assert_eq!(error_code(e), "strata::source::git_path");
}

#[test]
fn outside_a_repository() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A directory that is not inside any repository, even if /tmp were.
    let e = read_in(dir.path(), "git:HEAD:schemas/").expect_err("no repository");
    let code = error_code(e);
    assert!(code == "strata::source::not_a_repository", "{code}");
}

#[test]
fn malformed_spec() {
    let r = repo();
    let e = read_in(r.path(), "git:HEAD").expect_err("no path part");
    assert_eq!(error_code(e), "strata::source::git_spec");
}

#[test]
fn source_text_of_a_directory() {
    let r = repo();
    // `source_text` reads git sources relative to the current directory;
    // the repository is elsewhere, so the disk side is checked here.
    let disk =
        strata::source::git::source_text(r.path().join("schemas/billing").to_str().expect("utf-8"))
            .expect("directory text");
    assert_eq!(disk, "table invoices {\n  id bigint pk\n}\n");
    assert_eq!(strata::source::git::source_text("sqlite://x.db"), None);
}

/// Issue 6: `strata diff` between two commits of a repository, with no
/// database, reading both sides from git.
#[test]
fn diff_between_two_commits() {
    let r = repo();
    let out = assert_cmd::Command::cargo_bin("strata")
        .expect("binary")
        .current_dir(r.path())
        .args([
            "diff",
            "git:v1:schemas/",
            "git:HEAD:schemas/",
            "--dialect",
            "sqlite",
        ])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("CREATE TABLE \"invoices\""), "{stdout}");
    assert!(stdout.contains("\"email\""), "{stdout}");

    // The same revision on both sides: nothing to do, and --exit-code says so.
    assert_cmd::Command::cargo_bin("strata")
        .expect("binary")
        .current_dir(r.path())
        .args([
            "diff",
            "git:v1:schemas/",
            "git:v1:schemas/",
            "--dialect",
            "sqlite",
            "--exit-code",
        ])
        .assert()
        .code(0);
    assert_cmd::Command::cargo_bin("strata")
        .expect("binary")
        .current_dir(r.path())
        .args([
            "diff",
            "git:v1:schemas/",
            "git:HEAD:schemas/",
            "--dialect",
            "sqlite",
            "--exit-code",
        ])
        .assert()
        .code(2);
}

#[test]
fn graph_of_a_revision() {
    let r = repo();
    let out = assert_cmd::Command::cargo_bin("strata")
        .expect("binary")
        .current_dir(r.path())
        .args(["graph", "git:HEAD:schemas/"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("    invoices {"), "{text}");
    assert!(text.contains("text email"), "{text}");
}
