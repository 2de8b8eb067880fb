//! PostgreSQL objects strata does not model (issue #11 item 5): `inspect`
//! names each once, and a plan for a schema that does not mention them
//! leaves them alone (a view column's comment, modeled since, is in the
//! file). A constraint trigger with a `FROM` table is one of
//! them: modeled without it, it would come back without its table.

use predicates::prelude::*;

use crate::cli_errors::strata;
use crate::support::{count, exec, PgDb};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

const SETUP: &[&str] = &[
    "CREATE TABLE t (a int)",
    "CREATE VIEW v AS SELECT a FROM t",
    "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$begin return new; end$$",
    "CREATE CONSTRAINT TRIGGER ct AFTER INSERT ON t FROM t DEFERRABLE INITIALLY DEFERRED \
     FOR EACH ROW EXECUTE FUNCTION f()",
    "CREATE RULE r AS ON UPDATE TO v DO INSTEAD NOTHING",
    "CREATE TEXT SEARCH DICTIONARY tsd (TEMPLATE = simple, STOPWORDS = english)",
    "COMMENT ON COLUMN v.a IS 'the a of t'",
    "GRANT CREATE ON SCHEMA public TO PUBLIC",
];

const SCHEMA: &str = r#"dialect postgres

function f() returns trigger language plpgsql as sql$$begin return new; end$$

table t {
  a  int?
}

view v as sql"""
  select a from t
""" {
  column a comment "the a of t"
}
"#;

const UNMODELED: &[&str] = &[
    "unmodeled: text search dictionary public.tsd",
    "unmodeled: constraint trigger with FROM ct on public.t",
    "unmodeled: rule r on public.v",
];

#[test]
fn unmodeled_objects_are_named_once_and_left_alone() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("pg_unmodeled")) else {
        return;
    };
    let setup: Vec<String> = SETUP.iter().map(|s| s.to_string()).collect();
    rt.block_on(exec(&db.url, &setup)).expect("setup");

    let out = strata()
        .args(["inspect", "--url", &db.url])
        .output()
        .expect("run inspect");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for w in UNMODELED {
        assert_eq!(stderr.matches(w).count(), 1, "{w} once in:\n{stderr}");
    }
    // Not half-modeled either: the constraint trigger is not printed
    // without its `FROM`.
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(!printed.contains("trigger ct"), "{printed}");

    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("schema.strata");
    std::fs::write(&file, SCHEMA).expect("write schema");
    let file = file.display().to_string();
    strata()
        .args(["plan", "--url", &db.url, "--to", &file, "--exit-code"])
        .assert()
        .code(0)
        .stdout("")
        .stderr(predicate::str::contains(UNMODELED[2]));

    // An apply of that schema keeps every one of them.
    strata()
        .args(["apply", "--url", &db.url, "--to", &file, "--auto-approve"])
        .assert()
        .success();
    for (what, sql) in [
        ("rule", "SELECT count(*) FROM pg_rules WHERE rulename = 'r'"),
        ("ts dictionary", "SELECT count(*) FROM pg_ts_dict WHERE dictname = 'tsd'"),
        (
            "deferred constraint trigger",
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'ct' AND tgdeferrable AND tginitdeferred",
        ),
        // The file never mentions `public`: its grant to everyone stays.
        (
            "public's CREATE",
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'public' \
             AND has_schema_privilege('public', oid, 'CREATE')",
        ),
    ] {
        assert_eq!(rt.block_on(count(&db.url, sql)), Ok(1), "{what} kept");
    }
}
