//! Acknowledgements (docs/hazards.md): `acknowledge RULE on OBJECT because
//! "…"` in a schema file accepts one hazard rule on one object. Judged on
//! SQLite databases through the CLI: an acknowledged hazard no longer
//! makes `plan --exit-code` or `apply` refuse (policy `error`, data loss),
//! is shown with its reason in the SQL, JSON and markdown, and is kept by
//! `strata fmt`; an acknowledgement that matches nothing is a warning
//! naming its line, one of an unknown rule an error.

use crate::cli_errors::strata;
use crate::support::{count, rt, SqliteDb};

const V1: &str = "dialect sqlite\ntable users {\n  id integer pk\n  name text\n  old text?\n}\n";
/// Drops `old` (data loss) and adds a check (SQLite rebuilds the table).
const V2: &str =
    "dialect sqlite\ntable users {\n  id integer pk\n  name text\n  check named (name <> '')\n}\n";
const ACKS: &str = "\nacknowledge data-loss on users.old because \"moved to the archive\"\nacknowledge table-rebuild on users because \"a small table\"\n";

/// A project: `strata.toml` with `table-rebuild` at `error`, `app.strata`
/// holding `schema`, and a SQLite database already at V1.
fn project(schema: &str) -> (tempfile::TempDir, SqliteDb) {
    let db = SqliteDb::create();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("v1.strata"), V1).expect("write");
    std::fs::write(dir.path().join("app.strata"), schema).expect("write");
    std::fs::write(
        dir.path().join("strata.toml"),
        "[hazards]\ntable-rebuild = \"error\"\n",
    )
    .expect("write");
    strata()
        .current_dir(dir.path())
        .args([
            "apply",
            "--auto-approve",
            "--url",
            &db.url,
            "--to",
            "v1.strata",
        ])
        .assert()
        .success();
    (dir, db)
}

fn run(dir: &tempfile::TempDir, args: &[&str]) -> std::process::Output {
    strata()
        .current_dir(dir.path())
        .args(args)
        .output()
        .expect("run strata")
}

#[test]
fn unacknowledged_hazards_are_refused() {
    let (dir, db) = project(V2);
    let plan = run(
        &dir,
        &[
            "plan",
            "--url",
            &db.url,
            "--to",
            "app.strata",
            "--exit-code",
        ],
    );
    assert_eq!(plan.status.code(), Some(1));
    let err = String::from_utf8_lossy(&plan.stderr);
    assert!(err.contains("destructive"), "{err}");
    // One rule acknowledged leaves the other refused.
    let one = format!("{V2}\nacknowledge data-loss on users.old because \"archived\"\n");
    std::fs::write(dir.path().join("app.strata"), one).expect("write");
    let plan = run(
        &dir,
        &[
            "plan",
            "--url",
            &db.url,
            "--to",
            "app.strata",
            "--exit-code",
        ],
    );
    assert_eq!(plan.status.code(), Some(1));
    let err = String::from_utf8_lossy(&plan.stderr);
    assert!(err.contains("table-rebuild"), "{err}");
    assert!(!err.contains("destructive"), "{err}");
    let apply = run(
        &dir,
        &[
            "apply",
            "--auto-approve",
            "--url",
            &db.url,
            "--to",
            "app.strata",
        ],
    );
    assert_eq!(apply.status.code(), Some(1));
    let columns = "select count(*) from pragma_table_info('users') where name = 'old'";
    assert_eq!(rt().block_on(count(&db.url, columns)), Ok(1));
}

#[test]
fn acknowledged_hazards_are_shown_with_their_reason_and_not_refused() {
    let (dir, db) = project(&format!("{V2}{ACKS}"));
    let base = ["plan", "--url", &db.url, "--to", "app.strata"];
    let plan = run(&dir, &[&base[..], &["--exit-code"]].concat());
    let sql = String::from_utf8_lossy(&plan.stdout);
    assert_eq!(
        plan.status.code(),
        Some(2),
        "{sql}{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    assert!(
        sql.contains("(acknowledged: moved to the archive)"),
        "{sql}"
    );
    assert!(sql.contains("(acknowledged: a small table)"), "{sql}");

    let json = run(&dir, &[&base[..], &["--format", "json"]].concat());
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    let reasons: Vec<String> = doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .flat_map(|c| c["hazards"].as_array().cloned().unwrap_or_default())
        .filter_map(|h| h["acknowledged"].as_str().map(str::to_string))
        .collect();
    assert!(
        reasons.contains(&"moved to the archive".to_string()),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"a small table".to_string()),
        "{reasons:?}"
    );

    let md = run(&dir, &[&base[..], &["--format", "markdown"]].concat());
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("acknowledged hazards"), "{md}");
    assert!(md.contains("— acknowledged: moved to the archive"), "{md}");
    assert!(!md.contains("destructive change"), "{md}");

    // A proof compares the schema the plan reaches with the desired one:
    // acknowledgements are not part of it.
    let proof = run(&dir, &[&base[..], &["--prove"]].concat());
    assert!(
        proof.status.success(),
        "{}",
        String::from_utf8_lossy(&proof.stderr)
    );

    // Neither the policy nor the data-loss refusal stops the apply.
    let apply = run(
        &dir,
        &[
            "apply",
            "--auto-approve",
            "--url",
            &db.url,
            "--to",
            "app.strata",
        ],
    );
    assert!(
        apply.status.success(),
        "{}",
        String::from_utf8_lossy(&apply.stderr)
    );
    let columns = "select count(*) from pragma_table_info('users') where name = 'old'";
    assert_eq!(rt().block_on(count(&db.url, columns)), Ok(0));
}

#[test]
fn an_acknowledgement_that_matches_nothing_is_a_warning_at_its_line() {
    let stale = format!("{V2}\nacknowledge index-build on orders because \"gone\"\n");
    let (dir, db) = project(&stale);
    let plan = run(&dir, &["plan", "--url", &db.url, "--to", "app.strata"]);
    let err = String::from_utf8_lossy(&plan.stderr);
    assert!(
        err.contains(
            "warning: app.strata:8: `acknowledge index-build on orders` matches no hazard"
        ),
        "{err}"
    );
    let unknown = format!("{V2}\nacknowledge table-rebuilds on users because \"typo\"\n");
    std::fs::write(dir.path().join("app.strata"), unknown).expect("write");
    let plan = run(&dir, &["plan", "--url", &db.url, "--to", "app.strata"]);
    assert_eq!(plan.status.code(), Some(1));
    let err = String::from_utf8_lossy(&plan.stderr);
    assert!(err.contains("app.strata:8"), "{err}");
    assert!(err.contains("names no hazard rule"), "{err}");
}

#[test]
fn fmt_keeps_acknowledgements() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("app.strata");
    let messy = format!(
        "{V2}\nacknowledge   data-loss on \"users\".old because \"a \\\"quoted\\\" reason\"\n"
    );
    std::fs::write(&file, messy).expect("write");
    strata().arg("fmt").arg(&file).assert().success();
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(
        text.contains("acknowledge data-loss on users.old because \"a \\\"quoted\\\" reason\""),
        "{text}"
    );
}

/// A saved plan keeps the acknowledgements it was planned with:
/// `apply --plan` accepts the acknowledged data loss and rebuild as a live
/// apply does, without --allow-destructive.
#[test]
fn a_saved_plan_keeps_its_acknowledgements() {
    let (dir, db) = project(&format!("{V2}{ACKS}"));
    let saved = dir.path().join("plan.json");
    let plan = run(
        &dir,
        &[
            "plan",
            "--url",
            &db.url,
            "--to",
            "app.strata",
            "-o",
            saved.to_str().expect("utf-8 path"),
        ],
    );
    assert!(plan.status.success(), "{plan:?}");
    let json = std::fs::read_to_string(&saved).expect("read plan");
    assert!(json.contains("moved to the archive"), "{json}");
    let apply = run(
        &dir,
        &[
            "apply",
            "--auto-approve",
            "--url",
            &db.url,
            "--plan",
            saved.to_str().expect("utf-8 path"),
        ],
    );
    assert!(
        apply.status.success(),
        "{}",
        String::from_utf8_lossy(&apply.stderr)
    );
    let columns = "select count(*) from pragma_table_info('users') where name = 'old'";
    assert_eq!(rt().block_on(count(&db.url, columns)), Ok(0));
}
