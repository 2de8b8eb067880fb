//! ORMs end to end, with the ORMs themselves (installed from PyPI by
//! `.ci/run`; fixtures in tests/orms/): the ORM prints its DDL
//! (SQLAlchemy `CreateTable`, Django `sqlmigrate`) → `strata apply --to
//! that.sql` on an empty database → `plan --exit-code` is 0; and on a
//! database the ORM built itself (`create_all`, `migrate`, with its
//! `django_migrations`), `plan --exit-code` against the same SQL is 0.
//! Judged by strata's own plan against the server and by the server's
//! catalog (the ORM's history table is still there).
//!
//! The Python with SQLAlchemy, Django and psycopg2 is `STRATA_TEST_PYTHON`;
//! without it the tests say why they skip, or fail under
//! `STRATA_REQUIRE_DATABASES=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cli_errors::strata;
use crate::support::{count, postgres_admin_url, PgDb, SqliteDb, REQUIRE_VAR};

const PYTHON_VAR: &str = "STRATA_TEST_PYTHON";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// The Python to run the ORMs with, or `None` after saying why not.
fn python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(PYTHON_VAR) {
        return Some(PathBuf::from(p));
    }
    let msg = format!(
        "{PYTHON_VAR} is not set: it names a Python with SQLAlchemy, Django and psycopg2-binary \
         (.ci/run makes one; see docs/orms.md)"
    );
    if std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1" || v == "true") {
        panic!("{msg} ({REQUIRE_VAR} is set, so this is a failure, not a skip)");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/orms")
}

/// Runs a fixture script; its stdout.
fn run_python(python: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(python)
        .args(args)
        .envs(env.iter().copied())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "python {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 DDL")
}

/// apply the ORM's SQL to `empty`, plan again empty; plan empty against
/// `built`, the database the ORM built.
fn converge(sql: &str, empty: &str, built: &str, dev_url: Option<&str>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("schema.sql");
    std::fs::write(&file, sql).expect("write DDL");
    let to = file.to_str().expect("utf-8 path");
    let cmd = || {
        let mut c = strata();
        match dev_url {
            Some(dev) => c.env("STRATA_DEV_URL", dev),
            None => c.env_remove("STRATA_DEV_URL"),
        };
        c
    };
    cmd()
        .args(["apply", "--url", empty, "--to", to, "--auto-approve"])
        .assert()
        .success();
    for url in [empty, built] {
        let out = cmd()
            .args(["plan", "--url", url, "--to", to, "--exit-code"])
            .output()
            .expect("run strata");
        assert_eq!(
            out.status.code(),
            Some(0),
            "plan against {url} is not empty:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn sqlalchemy_models() -> String {
    fixtures()
        .join("sqlalchemy_app/models.py")
        .display()
        .to_string()
}

fn manage_py() -> String {
    fixtures()
        .join("django_app/manage.py")
        .display()
        .to_string()
}

#[test]
fn sqlalchemy_on_sqlite() {
    let Some(py) = python() else { return };
    let (empty, built) = (SqliteDb::create(), SqliteDb::create());
    let models = sqlalchemy_models();
    let sql = run_python(&py, &[&models, "ddl", "sqlite"], &[]);
    let orm_url = format!("sqlite:///{}", built.path.display());
    run_python(&py, &[&models, "create_all", &orm_url], &[]);
    converge(&sql, &empty.url, &built.url, None);
}

#[test]
fn sqlalchemy_on_postgres() {
    let Some(py) = python() else { return };
    let rt = rt();
    let (Some(empty), Some(built)) = (
        rt.block_on(PgDb::create("orm_sa")),
        rt.block_on(PgDb::create("orm_sa")),
    ) else {
        return;
    };
    let models = sqlalchemy_models();
    let sql = run_python(&py, &[&models, "ddl", "postgresql"], &[]);
    let orm_url = built
        .url
        .replacen("postgres://", "postgresql+psycopg2://", 1);
    run_python(&py, &[&models, "create_all", &orm_url], &[]);
    converge(&sql, &empty.url, &built.url, Some(&postgres_admin_url()));
}

/// `sqlmigrate` and `migrate` on the database at `orm_url`; the DDL.
fn django(py: &Path, orm_url: &str) -> String {
    let manage = manage_py();
    let env = [("ORM_DATABASE_URL", orm_url)];
    let sql = run_python(py, &[&manage, "sqlmigrate", "shop", "0001"], &env);
    run_python(py, &[&manage, "migrate", "shop", "-v", "0"], &env);
    sql
}

#[test]
fn django_on_sqlite() {
    let Some(py) = python() else { return };
    let (empty, built) = (SqliteDb::create(), SqliteDb::create());
    let sql = django(&py, &format!("sqlite:///{}", built.path.display()));
    converge(&sql, &empty.url, &built.url, None);
    let history = rt().block_on(count(&built.url, "SELECT COUNT(*) FROM django_migrations"));
    assert_eq!(history, Ok(1), "migrate recorded its migration");
}

#[test]
fn django_on_postgres() {
    let Some(py) = python() else { return };
    let rt = rt();
    let (Some(empty), Some(built)) = (
        rt.block_on(PgDb::create("orm_dj")),
        rt.block_on(PgDb::create("orm_dj")),
    ) else {
        return;
    };
    let sql = django(&py, &built.url);
    assert!(sql.contains("varchar_pattern_ops"), "{sql}");
    converge(&sql, &empty.url, &built.url, Some(&postgres_admin_url()));
    let history = rt.block_on(count(&built.url, "SELECT COUNT(*) FROM django_migrations"));
    assert_eq!(history, Ok(1), "migrate recorded its migration");
}
