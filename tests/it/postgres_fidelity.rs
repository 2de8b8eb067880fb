//! PostgreSQL fidelity: what a database holds comes back from a round
//! trip through strata unchanged, judged by the server's catalog.
//!
//! Each case is a `current` and a `desired` database in plain DDL, run as
//! a conformance case is ([`crate::conformance::judge`]): strata inspects
//! the desired database, prints and re-reads the schema file, plans the
//! current database to it; the up SQL must give the desired catalog, a
//! second plan must be empty, and the rollback must give the current
//! catalog back.

use strata::dialect::{self, ApplyOptions, Dialect, EmitOptions};
use strata::ir::{DialectKind, Schema};
use strata::migration::{migration, Migration};
use strata::plan::HazardKind;
use strata::syntax::{self, SourceFile};

use crate::conformance::postgres::{judged, round_trip};
use crate::conformance::Down;
use crate::postgres::{exec, inspect};
use crate::support::{self, PgDb};

fn pg() -> &'static dyn Dialect {
    dialect::for_kind(DialectKind::Postgres)
}

macro_rules! cases {
    ($($name:ident: $current:expr => $desired:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            round_trip(stringify!($name), $current, $desired).await;
        }
    )*};
}

const T: &str = "CREATE TABLE t (id int PRIMARY KEY, a numeric[], b numeric);";

/// What Pagila's dump (pg_dump of PostgreSQL 12) does to schema `public`.
const PAGILA_PUBLIC: &str = "ALTER SCHEMA public OWNER TO postgres; \
    REVOKE USAGE ON SCHEMA public FROM PUBLIC; GRANT ALL ON SCHEMA public TO PUBLIC;";

/// The plan from the database at `url` to the schema file `text`, with
/// its up and down SQL.
async fn plan_from(url: &str, text: &str) -> (Migration, String, String) {
    let want =
        syntax::parse(&[SourceFile::new("t.strata", text)]).unwrap_or_else(|e| panic!("{e:?}"));
    let have = inspect(url).await.schema;
    let m =
        migration(&have, &want, pg(), &EmitOptions::default()).unwrap_or_else(|e| panic!("{e:?}"));
    let up = strata::report::sql::render(pg(), &m.up);
    let down = strata::report::sql::render(pg(), &m.down);
    (m, up, down)
}

async fn up_sql(url: &str, text: &str) -> String {
    plan_from(url, text).await.1
}

/// A file that never mentions `public` leaves its owner and privileges as
/// the database has them; one that states them gets them.
#[tokio::test]
async fn public_owner_and_privileges_are_left_alone_unless_stated() {
    let Some(db) = PgDb::create("pgfidpublic").await else {
        return;
    };
    exec(&db.url, PAGILA_PUBLIC).await;
    let silent = up_sql(&db.url, "dialect postgres\ntable t {\n  id int\n}\n").await;
    assert!(!silent.contains("SCHEMA \"public\""), "{silent}");
    let stated = up_sql(
        &db.url,
        "dialect postgres\nnamespace public {\n  owner pg_database_owner\n}\n\
         grant usage on schema public to public\n",
    )
    .await;
    assert!(
        stated.contains("ALTER SCHEMA \"public\" OWNER TO \"pg_database_owner\"")
            && stated.contains("REVOKE CREATE ON SCHEMA \"public\" FROM PUBLIC"),
        "{stated}"
    );
}

/// `PUBLIC` with no privilege on schema `public` is written `revoke all on
/// schema public from public` by `inspect`; a file that says so revokes
/// what `PUBLIC` has there, one that says nothing leaves it alone.
#[tokio::test]
async fn public_acl_with_nothing_to_public_is_stated_by_a_revoke() {
    let Some(db) = PgDb::create("pgfidpublicrevoked").await else {
        return;
    };
    let revoke = "revoke all on schema public from public";
    let printed = syntax::print(&inspect(&db.url).await.schema);
    assert!(!printed.contains(revoke), "{printed}");
    let silent = up_sql(&db.url, "dialect postgres\ntable t {\n  id int\n}\n").await;
    assert!(!silent.contains("SCHEMA \"public\""), "{silent}");
    let stated = up_sql(&db.url, &format!("dialect postgres\n{revoke}\n")).await;
    assert!(
        stated.contains("REVOKE USAGE ON SCHEMA \"public\" FROM PUBLIC"),
        "{stated}"
    );
    let kept = up_sql(
        &db.url,
        &format!("dialect postgres\n{revoke}\ngrant usage on schema public to public\n"),
    )
    .await;
    assert!(!kept.contains("SCHEMA \"public\""), "{kept}");
    exec(&db.url, "REVOKE ALL ON SCHEMA public FROM PUBLIC").await;
    let printed = syntax::print(&inspect(&db.url).await.schema);
    assert!(printed.contains(revoke), "{printed}");
}

/// A change of an index's comment alone comments it, without the drop and
/// rebuild (and their lock) a change of its definition costs.
#[tokio::test]
async fn index_comment_alone_is_not_a_rebuild() {
    let Some(db) = PgDb::create("pgfidixcomment").await else {
        return;
    };
    exec(
        &db.url,
        "CREATE TABLE t (id int PRIMARY KEY, b int); CREATE INDEX t_b ON t (b); \
         COMMENT ON INDEX t_b IS 'old';",
    )
    .await;
    let (m, sql, down) = plan_from(
        &db.url,
        "dialect postgres\ntable t {\n  id int pk\n  b int?\n  index t_b (b) comment \"new\"\n}\n",
    )
    .await;
    assert!(
        sql.contains("COMMENT ON INDEX \"public\".\"t_b\" IS 'new'")
            && !sql.contains("DROP INDEX")
            && !sql.contains("CREATE INDEX"),
        "{sql}"
    );
    assert!(
        down.contains("COMMENT ON INDEX \"public\".\"t_b\" IS 'old'")
            && !down.contains("INDEX \"public\".\"t_b\" ON"),
        "{down}"
    );
    let lines: Vec<String> = m
        .plan
        .steps
        .iter()
        .map(|s| strata::report::summary::line(&s.change))
        .collect();
    assert_eq!(
        lines,
        ["alter table `t`: comment on index `t_b`"],
        "{lines:?}"
    );
    assert!(
        m.plan.steps.iter().all(|s| s.hazards.is_empty()),
        "{:?}",
        m.plan
    );
}

/// `inspect` writes the version installed; a file that names no version
/// leaves it alone, one that names another updates to it and its rollback
/// updates back.
#[tokio::test]
async fn extension_version_is_updated_only_when_named() {
    let Some(db) = PgDb::create("pgfidextversion").await else {
        return;
    };
    exec(&db.url, "CREATE EXTENSION citext VERSION '1.4'").await;
    let printed = syntax::print(&inspect(&db.url).await.schema);
    assert!(
        printed.contains("extension citext version \"1.4\""),
        "{printed}"
    );
    let silent = up_sql(&db.url, "dialect postgres\nextension citext\n").await;
    assert!(!silent.contains("EXTENSION"), "{silent}");

    let (m, up, down) = plan_from(
        &db.url,
        "dialect postgres\nextension citext version \"1.5\"\n",
    )
    .await;
    assert!(
        up.contains("ALTER EXTENSION \"citext\" UPDATE TO '1.5'"),
        "{up}"
    );
    assert!(
        down.contains("ALTER EXTENSION \"citext\" UPDATE TO '1.4'"),
        "{down}"
    );
    assert!(
        m.plan
            .steps
            .iter()
            .flat_map(|s| &s.hazards)
            .any(|h| h.kind == HazardKind::MayFail),
        "{:?}",
        m.plan
    );
}

/// An update converges by the server's catalog and plans again empty. Its
/// rollback is planned (`UPDATE TO` the old version) but PostgreSQL ships
/// no script that goes back, so the server refuses it: the rollback fails
/// whole and leaves the database as the up left it.
#[tokio::test]
async fn extension_version_update_converges() {
    let Some(v) = judged(
        "extension_version_update",
        "CREATE EXTENSION citext VERSION '1.4'; CREATE TABLE t (a citext);",
        "CREATE EXTENSION citext VERSION '1.6'; CREATE TABLE t (a citext);",
    )
    .await
    else {
        return;
    };
    assert!(
        v.up() && v.replan_empty(),
        "{:?} {:?}\n{}",
        v.status,
        v.reason,
        v.detail
    );
    assert!(
        matches!(&v.down, Some(Down::ApplyError(e)) if e.contains("update path")),
        "{:?}",
        v.down
    );
}

cases! {
    typed_array_default_kept_as_written: T =>
        "CREATE TABLE t (id int PRIMARY KEY, a numeric[] DEFAULT ARRAY['1'::numeric], b numeric);";
    typed_literal_in_a_check_kept_as_written: T =>
        "CREATE TABLE t (id int PRIMARY KEY, a numeric[], b numeric CHECK (b = '1'::numeric));";
    typed_literal_in_an_index_predicate_kept_as_written: T =>
        &format!("{T} CREATE INDEX t_b ON t (b) WHERE b = '1'::numeric;");
    index_storage_parameters_added: T =>
        &format!("{T} CREATE INDEX t_b ON t (b) WITH (deduplicate_items = off, fillfactor = 70);");
    index_storage_parameters_changed:
        &format!("{T} CREATE INDEX t_b ON t (b) WITH (fillfactor = 70);") =>
        &format!("{T} CREATE INDEX t_b ON t (b) WITH (fillfactor = 80);");
    key_index_storage_parameters_added: "CREATE TABLE t (id int PRIMARY KEY, b int UNIQUE);" =>
        "CREATE TABLE t (id int PRIMARY KEY WITH (fillfactor = 80), b int UNIQUE WITH (fillfactor = 70) DEFERRABLE);";
    key_index_storage_parameters_changed:
        "CREATE TABLE t (id int PRIMARY KEY WITH (fillfactor = 80), b int UNIQUE WITH (fillfactor = 70));" =>
        "CREATE TABLE t (id int PRIMARY KEY WITH (fillfactor = 60), b int UNIQUE);";
    key_index_storage_parameters_in_a_new_table: "" =>
        "CREATE TABLE t (id int, b int, PRIMARY KEY (id) WITH (fillfactor = 50) DEFERRABLE, UNIQUE (b) WITH (fillfactor = 90));";
    index_comment_changed:
        &format!("{T} CREATE INDEX t_b ON t (b); CREATE INDEX t_a ON t (id); COMMENT ON INDEX t_b IS 'old';") =>
        &format!("{T} CREATE INDEX t_b ON t (b); CREATE INDEX t_a ON t (id); COMMENT ON INDEX t_a IS 'new';");
    deferrable_primary_key: "CREATE TABLE t (id int PRIMARY KEY);" =>
        "CREATE TABLE t (id int, CONSTRAINT t_pkey PRIMARY KEY (id) DEFERRABLE INITIALLY DEFERRED);";
    deferrable_primary_key_in_a_new_table: "" =>
        "CREATE TABLE t (id int, CONSTRAINT t_pkey PRIMARY KEY (id) DEFERRABLE);";
    check_no_inherit: T =>
        "CREATE TABLE t (id int PRIMARY KEY, a numeric[], b numeric, CONSTRAINT pos CHECK (b > 0) NO INHERIT);";
    view_options: &format!("{T} CREATE VIEW v AS SELECT id, b FROM t WHERE b > 0;") =>
        &format!("{T} CREATE VIEW v WITH (security_barrier, security_invoker = on) AS \
                  SELECT id, b FROM t WHERE b > 0 WITH LOCAL CHECK OPTION;");
    view_options_in_a_new_view: T =>
        &format!("{T} CREATE VIEW v WITH (security_barrier = true) AS SELECT id FROM t WITH CASCADED CHECK OPTION;");
    table_without_columns: T => &format!("{T} CREATE TABLE nothing ();");
    public_owner_and_privileges_from_a_dump: T => &format!("{T} {PAGILA_PUBLIC}");
    public_owner_and_privileges_back_to_a_new_databases: &format!("{T} {PAGILA_PUBLIC}") => T;
    public_acl_with_nothing_to_public: T => &format!("{T} REVOKE ALL ON SCHEMA public FROM PUBLIC;");
    public_acl_given_back_to_public: &format!("{T} REVOKE ALL ON SCHEMA public FROM PUBLIC;") => T;
    namespace_owner_changed: "CREATE SCHEMA app; CREATE TABLE app.t (id int);" =>
        "CREATE SCHEMA app AUTHORIZATION pg_database_owner; CREATE TABLE app.t (id int);";
    namespace_created_with_its_owner: "" =>
        "CREATE SCHEMA app AUTHORIZATION pg_database_owner; CREATE TABLE app.t (id int);";
    extension_created_at_a_version: "" => "CREATE EXTENSION citext VERSION '1.5';";
    extension_version_kept_when_dropped: "CREATE EXTENSION hstore VERSION '1.7';" => "";
    typed_literals_in_a_new_table: "" =>
        "CREATE TABLE t (id int PRIMARY KEY, a numeric[] DEFAULT ARRAY['1.50'::numeric, 2], \
         b numeric DEFAULT '007'::numeric CHECK (b <> '1'::numeric), c text DEFAULT 'x'::text);";
}

/// A failed `CREATE UNIQUE INDEX CONCURRENTLY` leaves an INVALID index.
/// Planning to the schema that wants that index must rebuild it (with a
/// hazard saying why it may fail again), never report no changes; once
/// the duplicates are gone the rebuilt index is valid and a second plan
/// is empty.
#[tokio::test]
async fn invalid_index_is_rebuilt() {
    let Some(db) = PgDb::create("pgfidinvalid").await else {
        return;
    };
    exec(
        &db.url,
        "CREATE TABLE t (id int PRIMARY KEY, a int); INSERT INTO t VALUES (1, 7), (2, 7);",
    )
    .await;
    let failed = support::exec(
        &db.url,
        &["CREATE UNIQUE INDEX CONCURRENTLY t_a ON t (a)".to_string()],
    )
    .await;
    assert!(failed.is_err(), "duplicates must fail the build");
    let valid = "SELECT count(*) FROM pg_index WHERE indexrelid = 't_a'::regclass AND indisvalid";
    assert_eq!(support::count(&db.url, valid).await, Ok(0));

    let want = syntax::parse(&[SourceFile::new(
        "t.strata",
        "dialect postgres\ntable t {\n  id int pk\n  a int?\n  index t_a (a) unique\n}\n",
    )])
    .unwrap_or_else(|e| panic!("{e:?}"));
    let plan = |have: Schema| {
        migration(&have, &want, pg(), &EmitOptions::default()).unwrap_or_else(|e| panic!("{e:?}"))
    };
    let m = plan(inspect(&db.url).await.schema);
    let sql = strata::report::sql::render(pg(), &m.up);
    assert!(
        sql.contains("DROP INDEX") && sql.contains("CREATE UNIQUE INDEX"),
        "{sql}"
    );
    assert!(
        m.plan
            .steps
            .iter()
            .flat_map(|s| &s.hazards)
            .any(|h| h.kind == HazardKind::MayFail && h.message.contains("INVALID")),
        "{:?}",
        m.plan
    );

    exec(&db.url, "DELETE FROM t WHERE id = 2").await;
    support::apply(&db.url, &m.up, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(support::count(&db.url, valid).await, Ok(1));
    let again = plan(inspect(&db.url).await.schema);
    assert!(again.plan.is_empty(), "{:?}", again.plan);
}
