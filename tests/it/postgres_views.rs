//! PostgreSQL view bodies written the natural way (unqualified columns,
//! literals without casts, lower case, a trailing `;`) converge: the server
//! prints the desired body and strata compares in its spelling
//! (src/dialect/postgres/canonical.rs). A body that means something else
//! is still planned.

use predicates::prelude::*;

use crate::cli_errors::strata;
use crate::support::{count, PgDb};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn schema(threshold: u32) -> String {
    format!(
        r#"dialect postgres

table users {{
  id     bigint pk
  name   text
  status text = 'active'
  score  numeric(10,2)?
}}

view active_users as sql"""
  select u.id, upper(u.name) as name from users u
  where u.status = 'active' and score > {threshold};
"""

view user_names (user_id, user_name) as sql"""
  select id, name from users
"""

materialized view scores as sql"""
  select status, sum(score) total from users group by status
"""
"#
    )
}

fn write(dir: &tempfile::TempDir, text: &str) -> String {
    let path = dir.path().join("schema.strata");
    std::fs::write(&path, text).expect("write the schema file");
    path.display().to_string()
}

#[test]
fn naturally_written_view_bodies_converge_and_real_changes_are_planned() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("views_canon")) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(&dir, &schema(10));

    // From empty: the views are created as written; the check right after
    // the apply and the next plan find nothing left.
    strata()
        .args(["apply", "--url", &db.url, "--to", &file, "--auto-approve"])
        .assert()
        .success()
        .stderr(predicate::str::contains("Applied"))
        .stderr(predicate::str::contains("still differ").not());
    strata()
        .args(["plan", "--url", &db.url, "--to", &file, "--exit-code"])
        .assert()
        .code(0)
        .stdout("");

    // A body that means something else is a change.
    let changed = write(&dir, &schema(20));
    strata()
        .args(["plan", "--url", &db.url, "--to", &changed, "--exit-code"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("score > 20"));
    strata()
        .args([
            "apply",
            "--url",
            &db.url,
            "--to",
            &changed,
            "--auto-approve",
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("still differ").not());
    strata()
        .args(["plan", "--url", &db.url, "--to", &changed, "--exit-code"])
        .assert()
        .code(0);

    // The probes left nothing behind: the database holds the three views.
    let views = rt
        .block_on(count(
            &db.url,
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = 'public' AND c.relkind IN ('v', 'm')",
        ))
        .expect("count the views");
    assert_eq!(views, 3);
}

#[test]
fn prove_accepts_a_naturally_written_view_over_a_new_table() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("views_prove")) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let file = write(&dir, &schema(10));
    let dev = crate::support::postgres_admin_url();
    strata()
        .args([
            "plan",
            "--url",
            &db.url,
            "--to",
            &file,
            "--prove",
            "--dev-url",
            &dev,
        ])
        .assert()
        .success()
        .stderr(predicate::str::contains("planning again is empty … ok"))
        .stderr(predicate::str::contains("FAILED").not());
}
