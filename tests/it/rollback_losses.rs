//! What a rollback cannot bring back (docs/hazards/rollback-loses-data.md):
//! a dropped column is added back empty, a dropped table created again
//! without its rows, a narrowed column widened with its cut values. The
//! plan says so on the rollback statement that seems to undo the loss —
//! in the `--rollback` file, the JSON's `rollback_hazards` and the
//! summary — on all three dialects, and the server is asked whether it
//! is true; the hazard policy and acknowledgements judge it in a live
//! apply and in `apply --plan` alike; `--keep-dropped`, whose rollback
//! restores, carries none.

use crate::cli_errors::strata;
use crate::support::{count, exec, rt, MyDb, PgDb, SqliteDb};

/// The schema before: `users.name` and `notes` hold rows the plan drops,
/// `users.n` is narrowed (not on SQLite, whose types keep any value).
fn before(dialect: &str, narrowed: bool) -> String {
    let n = if narrowed { "  n bigint\n" } else { "" };
    format!(
        "dialect {dialect}\ntable users {{\n  id integer pk\n  name text?\n{n}}}\ntable notes {{\n  id integer pk\n}}\n"
    )
}

fn after(dialect: &str, narrowed: bool) -> String {
    let n = if narrowed { "  n integer\n" } else { "" };
    format!("dialect {dialect}\ntable users {{\n  id integer pk\n{n}}}\n")
}

fn run(dir: &tempfile::TempDir, args: &[&str]) -> std::process::Output {
    strata()
        .current_dir(dir.path())
        .args(args)
        .output()
        .expect("run strata")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The rollback hazards of each change of a `--format json` plan, by the
/// change's object name.
fn rollback_hazards(json: &str) -> Vec<(String, String)> {
    let doc: serde_json::Value = serde_json::from_str(json).expect("a JSON plan");
    let mut out = Vec::new();
    for c in doc["changes"].as_array().expect("changes") {
        let name = c["object"]["name"].as_str().unwrap_or_default().to_string();
        for h in c["rollback_hazards"].as_array().into_iter().flatten() {
            if h["rule"] == "rollback-loses-data" {
                out.push((name.clone(), h["message"].as_str().unwrap_or("").into()));
            }
        }
    }
    out
}

/// The statements of a rollback file, comments left out (no bodies in
/// these schemas, so `;` at a line's end ends a statement).
fn statements(sql: &str) -> Vec<String> {
    let body: Vec<&str> = sql
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect();
    body.join("\n")
        .split(";\n")
        .map(|s| s.trim().trim_end_matches(';').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Plans `before` → `after` on `url` (rows in both tables), checks the
/// hazards where a reviewer reads them, applies the plan and its
/// rollback, and asks the server whether the rollback indeed restored
/// nothing.
fn losses_are_said_and_true(url: &str, dialect: &str, narrowed: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("v1.strata"), before(dialect, narrowed)).expect("write");
    std::fs::write(dir.path().join("v2.strata"), after(dialect, narrowed)).expect("write");
    let up = run(
        &dir,
        &["apply", "--auto-approve", "--url", url, "--to", "v1.strata"],
    );
    assert!(up.status.success(), "{}", text(&up.stderr));
    let rows = if narrowed {
        "INSERT INTO users (id, name, n) VALUES (1, 'a', 5), (2, 'b', 6)"
    } else {
        "INSERT INTO users (id, name) VALUES (1, 'a'), (2, 'b')"
    };
    let seed = vec![rows.to_string(), "INSERT INTO notes (id) VALUES (1)".into()];
    rt().block_on(exec(url, &seed)).expect("rows");

    let plan = run(
        &dir,
        &[
            "plan",
            "--url",
            url,
            "--to",
            "v2.strata",
            "--format",
            "json",
            "--rollback",
            "r.sql",
            "--allow-destructive",
        ],
    );
    assert!(plan.status.success(), "{}", text(&plan.stderr));
    let said = rollback_hazards(&text(&plan.stdout));
    let on = |object: &str, words: &str| said.iter().any(|(o, m)| o == object && m.contains(words));
    assert!(on("notes", "table `notes` again, empty"), "{said:?}");
    assert!(
        on("users", "column `users.name` again with NULL"),
        "{said:?}"
    );
    assert_eq!(on("users", "`users.n` back from int"), narrowed, "{said:?}");
    let summary = text(&plan.stderr);
    assert!(
        summary.contains("  rollback:\n    hazard: rollback_loses_data: rolling back"),
        "{summary}"
    );

    // In the rollback file, each hazard sits above the statement it is about.
    let rollback = std::fs::read_to_string(dir.path().join("r.sql")).expect("rollback file");
    let lines: Vec<&str> = rollback.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("rollback_loses_data") && l.contains("`users.name`"))
        .unwrap_or_else(|| panic!("no hazard on users.name:\n{rollback}"));
    // The statement the hazard sits above, whole (MySQL spreads one
    // ALTER over several lines).
    let next: Vec<&str> = lines[at + 1..]
        .iter()
        .filter(|l| !l.starts_with("--"))
        .scan(false, |done, l| {
            let take = !*done;
            *done |= l.ends_with(';');
            take.then_some(*l)
        })
        .collect();
    let next = next.join(" ");
    if dialect != "sqlite" {
        assert!(next.contains("ADD") && next.contains("name"), "{rollback}");
    }

    let apply = run(
        &dir,
        &[
            "apply",
            "--auto-approve",
            "--allow-destructive",
            "--url",
            url,
            "--to",
            "v2.strata",
        ],
    );
    assert!(apply.status.success(), "{}", text(&apply.stderr));
    rt().block_on(exec(url, &statements(&rollback)))
        .unwrap_or_else(|e| panic!("the rollback runs: {e}\n{rollback}"));
    let users = rt()
        .block_on(count(url, "SELECT COUNT(*) FROM users"))
        .expect("count");
    let named = rt()
        .block_on(count(
            url,
            "SELECT COUNT(*) FROM users WHERE name IS NOT NULL",
        ))
        .expect("count");
    let notes = rt()
        .block_on(count(url, "SELECT COUNT(*) FROM notes"))
        .expect("count");
    assert_eq!(
        (users, named, notes),
        (2, 0, 0),
        "what the hazards say is what the server holds"
    );
}

#[test]
fn rollback_losses_on_postgres() {
    let Some(db) = rt().block_on(PgDb::create("rb_loss")) else {
        return;
    };
    losses_are_said_and_true(&db.url, "postgres", true);
}

#[test]
fn rollback_losses_on_mysql() {
    let Some(db) = rt().block_on(MyDb::create("rb_loss")) else {
        return;
    };
    losses_are_said_and_true(&db.url, "mysql", true);
}

#[test]
fn rollback_losses_on_sqlite() {
    let db = SqliteDb::create();
    losses_are_said_and_true(&db.url, "sqlite", false);
}

/// A project at v1 whose `strata.toml` sets `rollback-loses-data` to
/// `error`, and `app.strata` the schema asked for.
fn strict_project(schema: &str) -> (tempfile::TempDir, SqliteDb) {
    let db = SqliteDb::create();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("v1.strata"), before("sqlite", false)).expect("write");
    std::fs::write(dir.path().join("app.strata"), schema).expect("write");
    let up = run(
        &dir,
        &[
            "apply",
            "--auto-approve",
            "--url",
            &db.url,
            "--to",
            "v1.strata",
        ],
    );
    assert!(up.status.success(), "{}", text(&up.stderr));
    std::fs::write(
        dir.path().join("strata.toml"),
        "[hazards]\nrollback-loses-data = \"error\"\n",
    )
    .expect("write");
    (dir, db)
}

#[test]
fn the_policy_refuses_an_irreversible_plan_live_and_saved() {
    let (dir, db) = strict_project(&after("sqlite", false));
    let url = db.url.as_str();
    let apply = [
        "apply",
        "--auto-approve",
        "--allow-destructive",
        "--url",
        url,
        "--to",
        "app.strata",
    ];
    let live = run(&dir, &apply);
    let err = text(&live.stderr);
    assert!(!live.status.success(), "{err}");
    assert!(
        err.contains("policy refuses (rollback-loses-data)"),
        "{err}"
    );
    assert!(
        err.contains("`users.name`") && err.contains("`notes`"),
        "{err}"
    );

    let saved = [
        "plan",
        "--allow-destructive",
        "--url",
        url,
        "--to",
        "app.strata",
        "-o",
        "p.json",
    ];
    assert!(run(&dir, &saved).status.success());
    let by_plan = [
        "apply",
        "--auto-approve",
        "--allow-destructive",
        "--url",
        url,
        "--plan",
        "p.json",
    ];
    let replay = run(&dir, &by_plan);
    let err = text(&replay.stderr);
    assert!(!replay.status.success(), "{err}");
    assert!(
        err.contains("policy refuses (rollback-loses-data)"),
        "{err}"
    );
    let still = rt()
        .block_on(count(url, "SELECT COUNT(*) FROM notes"))
        .expect("count");
    assert_eq!(still, 0, "notes still exists (no rows were seeded)");

    // Acknowledged on each object, the same plan runs, saved or live.
    let acked = format!(
        "{}acknowledge rollback-loses-data on users.name because \"a cache\"\nacknowledge rollback-loses-data on notes because \"empty\"\n",
        after("sqlite", false)
    );
    std::fs::write(dir.path().join("app.strata"), acked).expect("write");
    assert!(run(&dir, &saved).status.success());
    let replay = run(&dir, &by_plan);
    let err = text(&replay.stderr);
    assert!(replay.status.success(), "{err}");
    assert!(!err.contains("matches no hazard"), "{err}");
}

#[test]
fn a_kept_drop_restores_and_says_nothing() {
    let db = SqliteDb::create();
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("v1.strata"), before("sqlite", false)).expect("write");
    std::fs::write(dir.path().join("v2.strata"), after("sqlite", false)).expect("write");
    let up = run(
        &dir,
        &[
            "apply",
            "--auto-approve",
            "--url",
            &db.url,
            "--to",
            "v1.strata",
        ],
    );
    assert!(up.status.success(), "{}", text(&up.stderr));
    let plan = run(
        &dir,
        &[
            "plan",
            "--url",
            &db.url,
            "--to",
            "v2.strata",
            "--format",
            "json",
            "--keep-dropped",
            "--rollback",
            "r.sql",
        ],
    );
    assert!(plan.status.success(), "{}", text(&plan.stderr));
    assert_eq!(rollback_hazards(&text(&plan.stdout)), vec![]);
    let rollback = std::fs::read_to_string(dir.path().join("r.sql")).expect("rollback file");
    assert!(!rollback.contains("rollback_loses_data"), "{rollback}");
}
