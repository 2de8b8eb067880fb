//! PostgreSQL collations and text-search configurations end to end
//! against a real server: the convergence triple (up equals built from
//! nothing by the catalog, planning again is empty, the rollback restores
//! the start) for each way one can change, what the server cannot alter,
//! and hand-written DDL read back, printed, and applied to an empty
//! database.

use strata::dialect::{self, EmitOptions};
use strata::ir::{DialectKind, Name, Schema};
use strata::migration::migration;
use strata::syntax::{self, SourceFile};

use crate::postgres::{exec, inspect};
use crate::support::{pg, pg_pairs, pg_parse, PgDb};

fn parse(text: &str) -> Schema {
    pg_parse("", text)
}

const NUMERIC: &str = "collation numeric provider icu locale \"en-u-kn-true\"";
const POSIX: &str = "collation posix locale \"POSIX\"";
const FR: &str = "text_search_configuration fr parser default {\n  map asciiword, word with french_stem\n  map int, uint with simple\n}";

pg_pairs! {
    "pgcoll", "";
    collation_created_with_its_column (false): "" =>
        &format!("{NUMERIC}\ntable t {{\n  id int pk\n  a text collate numeric\n}}");
    collation_in_another_namespace_used_by_a_column_and_an_index (false): "" =>
        "namespace s1 {\n  collation \"Ger man\" provider icu locale \"de-DE\" comment \"German\"\n}\ntable t {\n  id int pk\n  a text collate s1.\"Ger man\"\n  b text\n  index t_b (b collate s1.\"Ger man\")\n}";
    collation_every_option (false): "" =>
        "collation nd provider icu locale \"und-u-ks-level2\" nondeterministic\ncollation mixed lc_collate \"C\" lc_ctype \"POSIX\"\ndomain ci as text collate nd";
    // migra's `collations` fixture, as a scenario: a column moves from a
    // collation that goes to one that stays, a new column uses it too.
    column_moves_to_another_collation_and_the_old_one_goes (false):
        &format!("{POSIX}\n{NUMERIC}\ntable t {{\n  a text?\n  b text? collate posix\n}}") =>
        &format!("{NUMERIC}\ntable t {{\n  a text?\n  b text? collate numeric\n  c text? collate numeric\n}}");
    collation_changed_while_unused_is_made_anew (false):
        "collation c locale \"C\"" => "collation c locale \"POSIX\"";
    collation_comment_changed (false):
        NUMERIC => &format!("{NUMERIC} comment \"numbers as numbers\"");
    collation_dropped_with_its_column (false):
        &format!("{NUMERIC}\ntable t {{\n  id int pk\n  a text collate numeric\n}}") =>
        "table t {\n  id int pk\n}";
    text_search_configuration_created (false): "" =>
        &format!("{FR}\nnamespace s1 {{\n  text_search_configuration bare parser default {{}}\n}}");
    text_search_configuration_mappings_changed (false):
        FR =>
        "text_search_configuration fr parser default {\n  map asciiword with simple, french_stem\n  map int with simple\n  map email, url with simple\n  comment \"French\"\n}";
    text_search_configuration_used_by_an_index (false): "" =>
        &format!("{FR}\ntable doc {{\n  id int pk\n  body text\n  index doc_fts ((to_tsvector('fr'::regconfig, body))) using gin\n}}");
    text_search_configuration_dropped (false):
        FR => "";
}

/// A collation the server cannot alter and something uses: refused,
/// naming what uses it, instead of a drop the server would refuse.
#[test]
fn collation_in_use_cannot_change() {
    let a = pg().normalize(&parse(
        "collation c locale \"C\"\ntable t {\n  a text collate c\n}",
    ));
    let b = pg().normalize(&parse(
        "collation c locale \"POSIX\"\ntable t {\n  a text collate c\n}",
    ));
    let err = migration(&a, &b, pg(), &EmitOptions::default()).expect_err("refused");
    let msg = format!("{err:?}");
    assert!(
        msg.contains("in use") && msg.contains("column t.a"),
        "{msg}"
    );
    // Its comment alone can change in place.
    let c = pg().normalize(&parse(
        "collation c locale \"C\" comment \"x\"\ntable t {\n  a text collate c\n}",
    ));
    let m = migration(&a, &c, pg(), &EmitOptions::default()).expect("plan");
    let sql = strata::report::sql::render(pg(), &m.up);
    assert!(
        sql.contains("COMMENT ON COLLATION \"public\".\"c\" IS 'x'"),
        "{sql}"
    );
}

#[test]
fn mysql_and_sqlite_refuse_collations_and_configurations() {
    for kind in [DialectKind::Mysql, DialectKind::Sqlite] {
        for text in [POSIX, FR] {
            let s = syntax::parse(&[SourceFile::new("t.strata", text)]).expect("parse");
            let err = migration(
                &Schema::default(),
                &s,
                dialect::for_kind(kind),
                &EmitOptions::default(),
            )
            .expect_err("refused");
            assert!(
                format!("{err:?}").contains("PostgreSQL's"),
                "{kind}: {err:?}"
            );
        }
    }
}

#[test]
fn unknown_provider_and_a_token_mapped_twice_are_errors() {
    let err = syntax::parse(&[SourceFile::new("t.strata", "collation c provider glibc")])
        .expect_err("refused");
    assert!(format!("{err:?}").contains("E0318"), "{err:?}");
    let text =
        "text_search_configuration c {\n  map word with simple\n  map word with english_stem\n}";
    let err = syntax::parse(&[SourceFile::new("t.strata", text)]).expect_err("refused");
    assert!(format!("{err:?}").contains("E0308"), "{err:?}");
}

const DDL: &str = r#"
CREATE SCHEMA app;
CREATE COLLATION posix FROM "POSIX";
CREATE COLLATION numeric (provider = icu, locale = 'en-u-kn-true');
COMMENT ON COLLATION numeric IS 'numbers sort as numbers';
CREATE COLLATION app."Case Blind" (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION mixed (lc_collate = 'C', lc_ctype = 'POSIX');
CREATE TABLE t (a text, b text COLLATE posix, c text COLLATE "numeric", d text COLLATE app."Case Blind");
CREATE INDEX t_a ON t (a COLLATE app."Case Blind");
CREATE DOMAIN blind AS text COLLATE app."Case Blind";
CREATE TEXT SEARCH CONFIGURATION fr (COPY = french);
ALTER TEXT SEARCH CONFIGURATION fr ALTER MAPPING FOR asciiword WITH simple, french_stem;
ALTER TEXT SEARCH CONFIGURATION fr DROP MAPPING FOR url;
COMMENT ON TEXT SEARCH CONFIGURATION fr IS 'French';
CREATE TEXT SEARCH CONFIGURATION app.bare (PARSER = default);
CREATE TABLE doc (id int PRIMARY KEY, body text);
CREATE INDEX doc_fts ON doc USING gin (to_tsvector('fr'::regconfig, body));
"#;

/// Hand-written DDL is read without a warning about collations or
/// configurations, printed, parsed back, and applied to an empty
/// database gives the same catalog.
#[tokio::test]
async fn hand_written_collations_round_trip() {
    let Some(db) = PgDb::create("pgcoll_ddl").await else {
        return;
    };
    exec(&db.url, DDL).await;
    let i = inspect(&db.url).await;
    assert!(
        !i.warnings
            .iter()
            .any(|w| w.contains("collation") || w.contains("configuration")),
        "{:?}",
        i.warnings
    );
    let s = pg().normalize(&i.schema);
    let blind = &s.collations[&Name::qualified("app", "Case Blind")];
    assert_eq!(
        (
            blind.provider.as_str(),
            blind.locale.as_deref(),
            blind.deterministic
        ),
        ("icu", Some("und-u-ks-level2"), false)
    );
    assert_eq!(
        s.collations[&Name::new("posix")].locale.as_deref(),
        Some("POSIX")
    );
    let mixed = &s.collations[&Name::new("mixed")];
    assert_eq!(
        (mixed.lc_collate.as_deref(), mixed.lc_ctype.as_deref()),
        (Some("C"), Some("POSIX"))
    );
    let t = &s.tables[&Name::new("t")];
    assert_eq!(t.columns[2].collation.as_deref(), Some("numeric"));
    assert_eq!(t.columns[3].collation.as_deref(), Some("app.Case Blind"));
    let fr = &s.text_search_configs[&Name::new("fr")];
    assert_eq!(fr.mappings["asciiword"], ["simple", "french_stem"]);
    assert!(!fr.mappings.contains_key("url"));
    assert_eq!(fr.comment.as_deref(), Some("French"));

    let printed = syntax::print(&i.schema);
    assert!(printed.contains("collate app.\"Case Blind\""), "{printed}");
    crate::postgres::printed_file_adopts(&db.url, &i.schema, &s, &printed, "pgcoll_fresh").await;
}
