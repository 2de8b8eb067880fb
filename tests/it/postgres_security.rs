//! Row-level security, policies and grants on a real PostgreSQL: the
//! convergence triple (with rows) for each kind and each alteration,
//! introspection of hand-written DDL, the rule that grants to roles a
//! schema does not name are left alone, and the emitted SQL.
//!
//! Roles are cluster-wide: each test creates its own, with unique names,
//! and drops them once its databases are gone.

use sqlx::Connection;
use strata::dialect::{self, EmitOptions};
use strata::ir::{DialectKind, GrantOn, Name, PolicyCommand};
use strata::migration::migration;

use crate::converge::converge_with_rows;
use crate::postgres::{exec, inspect};
use crate::support::{unique_name, PgDb};
use strata::syntax::{self, SourceFile};

fn parse(text: &str) -> strata::ir::Schema {
    syntax::parse_files(&[SourceFile::new("t.strata", text)])
        .unwrap_or_else(|d| panic!("{}\n{text}", d.render_plain()))
}

/// Roles made for one test; dropped when the value is (after the test's
/// databases, which must therefore be declared after it).
struct Roles {
    names: Vec<String>,
    admin: String,
}

impl Roles {
    async fn create(n: usize) -> Option<Roles> {
        let probe = PgDb::create("rolep").await?;
        let admin = probe.url.clone();
        drop(probe);
        let admin = admin
            .rsplit_once('/')
            .map(|(base, _)| format!("{base}/postgres"))
            .unwrap_or(admin);
        let names: Vec<String> = (0..n).map(|i| unique_name(&format!("r{i}"))).collect();
        let mut c = sqlx::PgConnection::connect(&admin).await.expect("connect");
        for r in &names {
            sqlx::raw_sql(&format!("CREATE ROLE \"{r}\""))
                .execute(&mut c)
                .await
                .expect("create role");
        }
        let _ = c.close().await;
        Some(Roles { names, admin })
    }

    /// `{r0}`, `{r1}`, … in `sql` replaced by the role names, quoted.
    fn fill(&self, sql: &str) -> String {
        let mut s = sql.to_string();
        for (i, r) in self.names.iter().enumerate() {
            s = s.replace(&format!("{{r{i}}}"), &format!("\"{r}\""));
        }
        s
    }
}

impl Drop for Roles {
    fn drop(&mut self) {
        crate::support::clean_up(
            self.admin.clone(),
            self.names
                .iter()
                .map(|r| format!("DROP ROLE IF EXISTS \"{r}\""))
                .collect(),
        );
    }
}

/// A (DDL) → B (DDL), both with `{rN}` role placeholders, through the
/// convergence triple with rows in A's tables.
async fn pair(name: &str, a: &str, b: &str) {
    let Some(roles) = Roles::create(2).await else {
        return;
    };
    let (Some(da), Some(db), Some(target)) = (
        PgDb::create("sca").await,
        PgDb::create("scb").await,
        PgDb::create("sct").await,
    ) else {
        return;
    };
    exec(&da.url, &roles.fill(a)).await;
    exec(&db.url, &roles.fill(b)).await;
    let sa = inspect(&da.url).await.schema;
    let sb = inspect(&db.url).await.schema;
    if let Err(e) = converge_with_rows(&target.url, &sa, &sb).await {
        panic!("{name}: {e}");
    }
    drop((da, db, target));
    drop(roles);
}

macro_rules! pairs {
    ($($name:ident: $a:expr => $b:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            pair(stringify!($name), $a, $b).await;
        }
    )*};
}

const DOCS: &str = "CREATE TABLE docs (id int PRIMARY KEY, owner text NOT NULL, n int);";

pairs! {
    rls_enabled_and_forced: DOCS =>
        "CREATE TABLE docs (id int PRIMARY KEY, owner text NOT NULL, n int); \
         ALTER TABLE docs ENABLE ROW LEVEL SECURITY; ALTER TABLE docs FORCE ROW LEVEL SECURITY; \
         CREATE POLICY mine ON docs TO {r0} USING (owner = current_user);";
    rls_table_dropped: "CREATE TABLE docs (id int PRIMARY KEY, owner text NOT NULL, n int); \
         ALTER TABLE docs ENABLE ROW LEVEL SECURITY; ALTER TABLE docs FORCE ROW LEVEL SECURITY; \
         CREATE POLICY p ON docs TO {r0} USING (n > 0); GRANT SELECT (n) ON docs TO {r0};" =>
        "CREATE TABLE other (id int); GRANT SELECT ON other TO {r0};";
    rls_forced_only: DOCS =>
        "CREATE TABLE docs (id int PRIMARY KEY, owner text NOT NULL, n int); \
         ALTER TABLE docs FORCE ROW LEVEL SECURITY;";
    policy_created_on_a_new_table: "" =>
        "CREATE TABLE docs (id int PRIMARY KEY, owner text NOT NULL, n int); \
         ALTER TABLE docs ENABLE ROW LEVEL SECURITY; \
         CREATE POLICY p ON docs AS RESTRICTIVE FOR UPDATE TO {r0}, {r1} \
           USING (owner = current_user) WITH CHECK (n > 0);";
    policy_altered: "CREATE TABLE docs (id int PRIMARY KEY, owner text NOT NULL, n int); \
         ALTER TABLE docs ENABLE ROW LEVEL SECURITY; \
         CREATE POLICY p ON docs TO {r0} USING (owner = current_user);" =>
        "CREATE TABLE docs (id int PRIMARY KEY, owner text NOT NULL, n int); \
         ALTER TABLE docs ENABLE ROW LEVEL SECURITY; \
         CREATE POLICY p ON docs TO {r0}, {r1} USING (owner = current_user OR n > 10) WITH CHECK (n >= 0);";
    policy_command_and_kind_changed: "CREATE TABLE docs (id int PRIMARY KEY, owner text NOT NULL, n int); \
         CREATE POLICY p ON docs FOR SELECT USING (n > 0); CREATE POLICY q ON docs FOR INSERT WITH CHECK (n > 0);" =>
        "CREATE TABLE docs (id int PRIMARY KEY, owner text NOT NULL, n int); \
         CREATE POLICY p ON docs AS RESTRICTIVE FOR DELETE USING (n > 0);";
    policy_over_a_retyped_column: "CREATE TABLE docs (id int PRIMARY KEY, owner text NOT NULL, n int); \
         ALTER TABLE docs ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON docs USING (n > 0);" =>
        "CREATE TABLE docs (id int PRIMARY KEY, owner text NOT NULL, n bigint); \
         ALTER TABLE docs ENABLE ROW LEVEL SECURITY; CREATE POLICY p ON docs USING (n > 0);";
    grants_on_every_kind: "CREATE SCHEMA app; CREATE TABLE docs (id int PRIMARY KEY, n int);" =>
        "CREATE SCHEMA app; CREATE TABLE docs (id int PRIMARY KEY, n int); \
         CREATE SEQUENCE app.s; CREATE VIEW app.v AS SELECT id FROM docs; \
         GRANT USAGE ON SCHEMA app TO {r0}; GRANT SELECT, INSERT ON docs TO {r0}; \
         GRANT SELECT ON app.v TO {r1} WITH GRANT OPTION; GRANT USAGE ON SEQUENCE app.s TO {r0}; \
         GRANT SELECT ON docs TO PUBLIC;";
    grants_revoked_and_grant_option_changed: "CREATE TABLE docs (id int PRIMARY KEY, n int); \
         GRANT SELECT, INSERT, DELETE ON docs TO {r0}; GRANT UPDATE ON docs TO {r1} WITH GRANT OPTION;" =>
        "CREATE TABLE docs (id int PRIMARY KEY, n int); \
         GRANT SELECT ON docs TO {r0} WITH GRANT OPTION; GRANT UPDATE, TRUNCATE ON docs TO {r1};";
    column_grants: "CREATE TABLE docs (id int PRIMARY KEY, n int, secret text); \
         GRANT SELECT (id, secret) ON docs TO {r0}; GRANT UPDATE (n) ON docs TO {r1};" =>
        "CREATE TABLE docs (id int PRIMARY KEY, n int, secret text); \
         GRANT SELECT (id) ON docs TO {r0}; GRANT INSERT ON docs TO {r0}; \
         GRANT UPDATE (n, secret) ON docs TO {r1} WITH GRANT OPTION;";
    grants_kept_through_a_column_change: "CREATE TABLE docs (id int PRIMARY KEY, n int); \
         GRANT SELECT ON docs TO {r0};" =>
        "CREATE TABLE docs (id int PRIMARY KEY, n bigint, m text); GRANT SELECT, UPDATE ON docs TO {r0};";
}

/// Hand-written DDL introspects with nothing of these kinds left as an
/// `unmodeled` warning, prints as the language, and reads back the same.
#[tokio::test]
async fn introspection_of_hand_written_ddl() {
    let Some(roles) = Roles::create(2).await else {
        return;
    };
    let Some(db) = PgDb::create("scin").await else {
        return;
    };
    exec(
        &db.url,
        &roles.fill(
            "CREATE SCHEMA app; CREATE TABLE app.docs (id int PRIMARY KEY, owner text, n int); \
             CREATE SEQUENCE app.s; CREATE MATERIALIZED VIEW app.m AS SELECT id FROM app.docs; \
             ALTER TABLE app.docs ENABLE ROW LEVEL SECURITY; ALTER TABLE app.docs FORCE ROW LEVEL SECURITY; \
             CREATE POLICY \"Own rows\" ON app.docs AS RESTRICTIVE FOR SELECT TO {r1}, {r0} \
               USING (owner = CURRENT_USER AND n IN (1, 2)); \
             CREATE POLICY ins ON app.docs FOR INSERT WITH CHECK ((n)::text <> 'x'::text); \
             GRANT USAGE, CREATE ON SCHEMA app TO {r0} WITH GRANT OPTION; \
             GRANT ALL ON app.docs TO {r1}; GRANT SELECT ON app.m TO {r0}; \
             GRANT USAGE, SELECT ON SEQUENCE app.s TO {r1}; GRANT UPDATE (n) ON app.docs TO {r0};",
        ),
    )
    .await;
    let i = inspect(&db.url).await;
    assert!(
        !i.warnings
            .iter()
            .any(|w| w.contains("policy") || w.contains("row-level") || w.contains("grants on")),
        "{:?}",
        i.warnings
    );
    let s = &i.schema;
    let docs = Name::qualified("app", "docs");
    assert!(s.tables[&docs].row_security.enabled && s.tables[&docs].row_security.forced);
    let own = &s.policies[&(docs.clone(), "Own rows".to_string())];
    assert!(own.restrictive);
    assert_eq!(own.command, PolicyCommand::Select);
    let mut expected = vec![roles.names[0].clone(), roles.names[1].clone()];
    expected.sort();
    assert_eq!(own.roles, expected);
    let ins = &s.policies[&(docs.clone(), "ins".to_string())];
    assert!(ins.using.is_none() && ins.check.is_some());
    let on_docs: Vec<&str> = s
        .grants
        .values()
        .filter(|g| g.on == GrantOn::Table(docs.clone()))
        .map(|g| g.privilege.as_str())
        .collect();
    assert_eq!(on_docs.len(), 7, "{on_docs:?}");
    assert!(s
        .grants
        .values()
        .any(|g| g.on == GrantOn::View(Name::qualified("app", "m"))));
    assert!(s
        .grants
        .values()
        .any(|g| g.on == GrantOn::Schema("app".into()) && g.grant_option));
    // The owner's implicit privileges are not modeled.
    assert!(s.grants.values().all(|g| g.grantee != "postgres"));

    // Printed as the language, read back: the same schema.
    let text = syntax::print(s);
    assert!(text.contains("force row level security"), "{text}");
    assert!(text.contains("grant all on table app.docs to"), "{text}");
    assert!(text.contains("update (n) on table app.docs"), "{text}");
    let back = parse(&text);
    let d = dialect::for_kind(DialectKind::Postgres);
    assert_eq!(d.normalize(&back), d.normalize(s), "{text}");
    let m = migration(s, &back, d, &EmitOptions::default()).expect("plan");
    assert!(m.plan.is_empty(), "{:?}", m.plan);
    drop(db);
    drop(roles);
}

/// A schema manages the grants of the roles it names, and no others: a
/// database's grants to another role survive a plan from a schema that
/// never mentions it.
#[tokio::test]
async fn grants_to_roles_the_schema_does_not_name_are_left_alone() {
    let Some(roles) = Roles::create(2).await else {
        return;
    };
    let Some(db) = PgDb::create("scun").await else {
        return;
    };
    exec(
        &db.url,
        &roles.fill(
            "CREATE TABLE docs (id int); GRANT SELECT ON docs TO {r0}; GRANT INSERT ON docs TO {r1};",
        ),
    )
    .await;
    let current = inspect(&db.url).await.schema;
    let d = dialect::for_kind(DialectKind::Postgres);

    let mut no_grants = current.clone();
    no_grants.grants.clear();
    let m = migration(&current, &no_grants, d, &EmitOptions::default()).expect("plan");
    assert!(m.plan.is_empty(), "{:?}", m.plan);

    let mut only_r0 = current.clone();
    only_r0.grants.retain(|_, g| g.grantee == roles.names[0]);
    only_r0
        .grants
        .values_mut()
        .for_each(|g| g.privilege = "update".into());
    let only_r0: strata::ir::Schema = {
        let mut s = only_r0.clone();
        s.grants = only_r0.grants.into_values().map(|g| (g.key(), g)).collect();
        s
    };
    let m = migration(&current, &only_r0, d, &EmitOptions::default()).expect("plan");
    let sql = strata::report::sql::render(d, &m.up);
    assert!(
        sql.contains("REVOKE SELECT ON TABLE \"public\".\"docs\""),
        "{sql}"
    );
    assert!(
        sql.contains("GRANT UPDATE ON TABLE \"public\".\"docs\""),
        "{sql}"
    );
    assert!(
        !sql.contains("INSERT"),
        "{roles_r1} untouched: {sql}",
        roles_r1 = roles.names[1]
    );
    drop(db);
    drop(roles);
}

/// The SQL of a plan that enables row-level security, creates and alters
/// policies and grants and revokes, pinned.
#[test]
fn security_emit_snapshot() {
    let from = parse(
        "dialect postgres
namespace app {}
table docs {
  id int pk
  owner text
}
policy p on docs for select to reader using (owner = current_user)
policy q on docs for insert with check (true)
grant select, insert on table docs to reader with grant option
grant select on table docs to auditor
",
    );
    let to = parse(
        "dialect postgres
table docs {
  id int pk
  owner text
  enable row level security
  force row level security
}
policy p on docs for select to reader, auditor using (owner = current_user or id < 0)
policy q on docs as restrictive for insert with check (true)
grant select on table docs to reader
grant select, delete on table docs to auditor
namespace app {}
grant usage on schema app to auditor
",
    );
    let d = dialect::for_kind(DialectKind::Postgres);
    let m = migration(&from, &to, d, &EmitOptions::default()).expect("plan");
    let mut text = strata::report::sql::render(d, &m.up);
    text.push_str("\n-- rollback\n");
    text.push_str(&strata::report::sql::render(d, &m.down));
    insta::with_settings!({
        snapshot_path => "../../snapshots/postgres",
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!("security", text);
    });
}

/// The first diagnostic code of a file, or `ok`.
fn first_code(text: &str) -> String {
    match syntax::parse_files(&[SourceFile::new("t.strata", text)]) {
        Ok(_) => "ok".into(),
        Err(d) => d.items[0].code.clone(),
    }
}

#[test]
fn language_rules_and_their_codes() {
    let cases = [
        ("policy p on nope using (true)", "E0230"),
        (
            "table t {\n  a int\n}\ngrant select on table tt to r",
            "E0231",
        ),
        (
            "table t {\n  a int\n}\ngrant select on view t to r",
            "E0231",
        ),
        ("grant usage on schema nowhere to r", "E0231"),
        ("grant usage on schema public to r", "ok"),
        ("namespace app {\n  owner a\n  owner b\n}", "E0308"),
        (
            "table t {\n  a int\n}\ngrant usage on table t to r",
            "E0233",
        ),
        (
            "dialect mysql\ntable t {\n  a int\n  enable row level security\n}",
            "E0232",
        ),
        (
            "dialect sqlite\ntable t {\n  a int\n}\npolicy p on t using (true)",
            "E0232",
        ),
        (
            "dialect mysql\ntable t {\n  a int\n}\ngrant select on table t to r",
            "E0232",
        ),
        (
            "table t {\n  a int\n}\npolicy p on t using (true)\npolicy p on t using (false)",
            "E0303",
        ),
        (
            "table t {\n  a int\n  enable row level security\n  enable row level security\n}",
            "E0308",
        ),
        (
            "table t {\n  a int\n}\npolicy p on t using (true) using (false)",
            "E0308",
        ),
        (
            "table t {\n  a int\n}\ngrant select, select on table t to r",
            "E0303",
        ),
    ];
    for (text, code) in cases {
        assert_eq!(first_code(text), code, "{text}");
    }
}

#[test]
fn policies_and_grants_print_back_as_written() {
    let text = "namespace app {
  owner \"Odd Role\"
}

namespace public {
  owner reader
}

table app.docs {
  id    int pk
  owner text

  enable row level security
  force row level security
}

policy \"Own rows\" on app.docs as restrictive for update to reader, \"Odd Role\"
  using (owner = current_user)
  with check (id > 0)
policy open on app.docs

grant all on table app.docs to reader
grant select, update (id, owner) on table app.docs to auditor with grant option
grant usage on schema app to reader
";
    let s = parse(text);
    let docs = Name::qualified("app", "docs");
    let p = &s.policies[&(docs.clone(), "Own rows".to_string())];
    assert!(p.restrictive);
    assert_eq!(p.command, PolicyCommand::Update);
    assert_eq!(p.roles, vec!["reader".to_string(), "Odd Role".to_string()]);
    assert_eq!(p.check.as_ref().map(|e| e.as_str()), Some("id > 0"));
    assert_eq!(
        s.grants
            .values()
            .filter(|g| g.grantee == "reader" && g.on == GrantOn::Table(docs.clone()))
            .count(),
        7
    );
    assert!(s.grants.values().any(|g| g.grantee == "auditor"
        && g.privilege == "update"
        && g.on == GrantOn::Column(docs.clone(), "owner".into())));
    assert_eq!(s.namespaces["app"].owner.as_deref(), Some("Odd Role"));
    let printed = syntax::print(&s);
    assert!(
        printed.contains("namespace public {\n  owner reader\n}"),
        "{printed}"
    );
    assert!(
        printed.contains(
            "grant select, update (id, owner) on table app.docs to auditor with grant option"
        ),
        "{printed}"
    );
    assert_eq!(parse(&printed), s, "{printed}");
    assert!(
        printed.contains("grant all on table app.docs to reader"),
        "{printed}"
    );
    let formatted = syntax::format_file(&SourceFile::new("t.strata", text))
        .unwrap_or_else(|d| panic!("{}", d.render_plain()));
    assert_eq!(parse(&formatted), s, "{formatted}");
}

#[test]
fn other_dialects_refuse_to_emit_security() {
    for kind in [DialectKind::Mysql, DialectKind::Sqlite] {
        let mut from = strata::ir::Schema {
            dialect: Some(kind),
            ..Default::default()
        };
        let mut t = strata::ir::Table::new(Name::new("t"));
        t.columns.push(strata::ir::Column::new("a", "int"));
        from.tables.insert(t.name.clone(), t);
        let mut to = from.clone();
        if let Some(t) = to.tables.get_mut(&Name::new("t")) {
            t.row_security.enabled = true;
        }
        let mut created = to.clone();
        created.tables.clear();
        let err = migration(
            &created,
            &to,
            dialect::for_kind(kind),
            &EmitOptions::default(),
        )
        .expect_err("a new table with row-level security refused");
        assert!(
            format!("{err}").contains("row-level security"),
            "{kind}: {err}"
        );
        let d = dialect::for_kind(kind);
        let err = migration(&from, &to, d, &EmitOptions::default())
            .expect_err("row-level security refused");
        assert!(
            format!("{err}").contains("row-level security"),
            "{kind}: {err}"
        );
    }
}

/// Row-level security switched on for a table without a policy is said
/// out loud, on the statement; with a policy in the target it is not.
#[test]
fn enabling_row_level_security_without_a_policy_is_a_hazard() {
    let from = parse("dialect postgres\ntable docs {\n  id int pk\n}\n");
    let bare =
        parse("dialect postgres\ntable docs {\n  id int pk\n  enable row level security\n}\n");
    let guarded = parse(
        "dialect postgres\ntable docs {\n  id int pk\n  enable row level security\n}\npolicy p on docs using (true)\n",
    );
    let d = dialect::for_kind(DialectKind::Postgres);
    let m = migration(&from, &bare, d, &EmitOptions::default()).expect("plan");
    let sql = strata::report::sql::render(d, &m.up);
    assert!(sql.contains("-- hazard: locks_out:"), "{sql}");
    let m = migration(&from, &guarded, d, &EmitOptions::default()).expect("plan");
    let sql = strata::report::sql::render(d, &m.up);
    assert!(!sql.contains("locks_out"), "{sql}");
}
