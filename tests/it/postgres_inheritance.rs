//! PostgreSQL table inheritance (`CREATE TABLE … INHERITS`), end to end
//! on a real server and judged by its catalog ([`crate::oracle`]): each
//! case inspects the desired database, prints and re-reads the file, plans
//! the current database to it, and the up must give the desired catalog
//! (inheritance, which columns are a child's own), a second plan must be
//! empty, and the rollback must give the current catalog back.

use strata::dialect::{self, ApplyOptions, Dialect, EmitOptions};
use strata::ir::DialectKind;
use strata::migration::migration;
use strata::syntax::{self, SourceFile};

use crate::conformance::postgres::{round_trip, up_and_replan};
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

cases! {
    inherit_create_hierarchy: "" =>
        "CREATE TABLE base (id bigserial, kind text NOT NULL, CONSTRAINT kind_set CHECK (kind <> '')); \
         CREATE TABLE base_a (CONSTRAINT only_a CHECK (kind = 'A'), UNIQUE (id, kind)) INHERITS (base); \
         CREATE TABLE base_b (note text, kind text NOT NULL DEFAULT 'B') INHERITS (base); \
         CREATE TABLE other (x int); \
         CREATE TABLE both_parents (y int) INHERITS (base, other);";
    inherit_grandchild: "" =>
        "CREATE TABLE g (a int); CREATE TABLE p (b int) INHERITS (g); CREATE TABLE c (d int) INHERITS (p);";
    inherit_drop_hierarchy:
        "CREATE TABLE g (a int); CREATE TABLE p (b int) INHERITS (g); CREATE TABLE c (d int) INHERITS (p);"
        => "";
    inherit_add_parent_column: concat!(
        "CREATE TABLE base (id bigint NOT NULL, kind text NOT NULL, \
         at timestamptz DEFAULT now(), CONSTRAINT kind_known CHECK (kind <> ''));",
        "CREATE TABLE child (extra int) INHERITS (base);") =>
        concat!(
        "CREATE TABLE base (id bigint NOT NULL, kind text NOT NULL, \
         at timestamptz DEFAULT now(), CONSTRAINT kind_known CHECK (kind <> ''), added int);",
        "CREATE TABLE child (extra int) INHERITS (base);");
    inherit_parent_drops_a_column_the_child_takes_over:
        "CREATE TABLE timestamp_base (created_at timestamp DEFAULT now(), e integer); \
         CREATE TABLE a (a1 integer, a2 integer) INHERITS (timestamp_base);" =>
        "CREATE TABLE timestamp_base (created_at timestamp DEFAULT now()); \
         CREATE TABLE a (a1 integer, a2 integer) INHERITS (timestamp_base); \
         ALTER TABLE a DROP COLUMN a2; ALTER TABLE a ADD COLUMN e integer;";
    inherit_an_existing_table:
        "CREATE TABLE p (id int NOT NULL, CONSTRAINT p_pos CHECK (id > 0)); \
         CREATE TABLE c (id int NOT NULL, own text);" =>
        "CREATE TABLE p (id int NOT NULL, CONSTRAINT p_pos CHECK (id > 0)); \
         CREATE TABLE c (id int NOT NULL, own text, CONSTRAINT p_pos CHECK (id > 0)); \
         ALTER TABLE c INHERIT p;";
}

// Leaving a parent: the up gives the desired catalog and re-plans empty;
// the rollback runs and brings the inheritance and every column back, but
// the columns the child took from the parent come back as its own too
// (`ADD COLUMN` then `INHERIT`: the server can make a column inherited
// only, `attislocal` false, only in `CREATE TABLE … INHERITS` or by a
// parent's `ADD COLUMN`, which the child's rows would not survive).
macro_rules! cases_up {
    ($($name:ident: $current:expr => $desired:expr;)*) => {$(
        #[tokio::test]
        async fn $name() {
            up_and_replan(stringify!($name), $current, $desired).await;
        }
    )*};
}

cases_up! {
    inherit_no_longer:
        "CREATE TABLE p (id int NOT NULL, shared text); CREATE TABLE c (id int NOT NULL, own text) INHERITS (p);" =>
        "CREATE TABLE p (id int NOT NULL, shared text); CREATE TABLE c (id int NOT NULL, own text);";
    inherit_parent_dropped_child_kept:
        "CREATE TABLE p (id int, shared text); CREATE TABLE c (own text) INHERITS (p);" =>
        "CREATE TABLE c (own text);";
}

/// A child's rows show in its parent's `SELECT` after the hierarchy is
/// made by `apply`, and survive a column added to the parent.
#[tokio::test]
async fn inherit_rows_in_a_child_show_in_the_parent() {
    let Some(db) = PgDb::create("pginhrows").await else {
        return;
    };
    let v1 = "dialect postgres\n\
        table base {\n  id bigint\n  kind text\n}\n\
        table child inherits base {\n  extra int?\n}\n";
    let v2 = "dialect postgres\n\
        table base {\n  id bigint\n  kind text\n  added int?\n}\n\
        table child inherits base {\n  extra int?\n}\n";
    apply_file(&db.url, v1).await;
    exec(
        &db.url,
        "INSERT INTO child (id, kind, extra) VALUES (1, 'a', 10), (2, 'b', 20)",
    )
    .await;
    let up = apply_file(&db.url, v2).await;
    assert!(up.contains("ADD COLUMN \"added\""), "{up}");
    assert!(
        !up.contains("\"child\""),
        "the child is left to the server:\n{up}"
    );
    let rows = support::count(&db.url, "SELECT count(*) FROM base WHERE added IS NULL")
        .await
        .expect("count");
    assert_eq!(rows, 2);
    let extra = support::count(&db.url, "SELECT sum(extra) FROM child")
        .await
        .expect("sum");
    assert_eq!(extra, 30);
}

/// A file that drops a parent but keeps a child inheriting it is refused
/// before anything runs, pointing at the child.
#[test]
fn inherit_a_dropped_parent_is_refused_at_check() {
    let text = "dialect postgres\ntable child inherits gone {\n  own int\n}\n";
    let err = syntax::parse(&[SourceFile::new("t.strata", text)]).expect_err("refused");
    let shown = format!("{err:?}");
    assert!(shown.contains("E0240"), "{shown}");
    assert!(shown.contains("inherits"), "{shown}");
}

/// Applies `text` to the database at `url` and returns the SQL it ran.
async fn apply_file(url: &str, text: &str) -> String {
    let want =
        syntax::parse(&[SourceFile::new("t.strata", text)]).unwrap_or_else(|e| panic!("{e:?}"));
    let have = inspect(url).await.schema;
    let m =
        migration(&have, &want, pg(), &EmitOptions::default()).unwrap_or_else(|e| panic!("{e:?}"));
    support::apply(url, &m.up, &ApplyOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    strata::report::sql::render(pg(), &m.up)
}
