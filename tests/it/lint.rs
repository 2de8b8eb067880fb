//! `strata lint` through the binary: the three formats (SARIF validated
//! against the SARIF 2.1.0 schema), exit codes, `strata.toml` and
//! `--rule`, and database sources on SQLite, PostgreSQL and MariaDB —
//! including the reserved-word lists checked against the servers.

use std::path::Path;

use predicates::prelude::*;
use serde_json::Value;

use crate::cli_errors::strata;
use crate::support::{exec, MyDb, PgDb, SqliteDb};

/// A PostgreSQL schema with one finding of each kind noted.
const SHOP: &str = "dialect postgres

table customers {
  id     bigint  pk identity
  email  text    unique
}

table orders {
  id           bigint     pk identity
  customer_id  bigint     -> customers.id
  placed_at    timestamp
}
";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// A directory with `shop.strata` (and `strata.toml` when given), where
/// the command runs, so that no configuration above it is found.
fn project(schema: &str, config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("shop.strata"), schema).expect("write schema");
    if let Some(c) = config {
        std::fs::write(dir.path().join("strata.toml"), c).expect("write config");
    }
    dir
}

fn lint_in(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    strata().current_dir(dir).arg("lint").args(args).assert()
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).expect("stdout is JSON")
}

fn rules_of(doc: &Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn text_shows_the_schema_line_the_hint_and_the_page() {
    let dir = project(SHOP, None);
    lint_in(dir.path(), &["shop.strata"])
        .code(0)
        .stdout(predicate::str::contains("fk-without-index"))
        .stdout(predicate::str::contains(
            "foreign key (customer_id) -> customers has no index on `orders`",
        ))
        .stdout(predicate::str::contains("shop.strata:10:27"))
        .stdout(predicate::str::contains(
            "customer_id  bigint     -> customers.id",
        ))
        .stdout(predicate::str::contains(
            "see docs/lint/fk-without-index.md",
        ))
        .stdout(predicate::str::contains("timestamp-without-time-zone"))
        .stderr(predicate::str::contains("0 errors, 2 warnings"));
}

#[test]
fn json_is_versioned_and_locates_each_finding() {
    let dir = project(SHOP, None);
    let out = lint_in(dir.path(), &["shop.strata", "--format", "json"])
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["dialect"], "postgres");
    assert_eq!(doc["summary"]["warnings"], 2);
    assert_eq!(doc["summary"]["errors"], 0);
    assert_eq!(
        rules_of(&doc),
        ["fk-without-index", "timestamp-without-time-zone"]
    );
    let f = &doc["findings"][1];
    assert_eq!(f["severity"], "warn");
    assert_eq!(f["object"]["type"], "column");
    assert_eq!(f["object"]["name"], "orders.placed_at");
    assert_eq!(f["location"]["file"], "shop.strata");
    assert_eq!(f["location"]["line"], 11);
    assert_eq!(f["location"]["column"], 3);
    assert_eq!(f["docs"], "docs/lint/timestamp-without-time-zone.md");
    // The same schema gives the same bytes.
    let again = lint_in(dir.path(), &["shop.strata", "--format", "json"])
        .get_output()
        .stdout
        .clone();
    assert_eq!(out, again);
}

fn sarif_validator() -> jsonschema::Validator {
    let text = include_str!("lint/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(text).expect("the SARIF schema is JSON");
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(doc: &Value) {
    let v = sarif_validator();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

#[test]
fn sarif_is_valid_and_places_results_on_schema_lines() {
    let config = "[lint]\ndocs-url = \"https://docs.example.test/strata/lint\"\n";
    let dir = project(SHOP, Some(config));
    let out = lint_in(dir.path(), &["shop.strata", "--format", "sarif"])
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    assert_valid_sarif(&doc);
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let fk = rules
        .iter()
        .find(|r| r["id"] == "fk-without-index")
        .expect("the rule is described");
    assert_eq!(
        fk["helpUri"],
        "https://docs.example.test/strata/lint/fk-without-index.md"
    );
    assert_eq!(fk["defaultConfiguration"]["level"], "warning");
    assert!(fk["help"]["markdown"]
        .as_str()
        .unwrap_or("")
        .contains("## Why"));
    let r = &run["results"][0];
    assert_eq!(r["ruleId"], "fk-without-index");
    assert_eq!(
        rules[r["ruleIndex"].as_u64().expect("index") as usize]["id"],
        "fk-without-index"
    );
    assert_eq!(r["level"], "warning");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "shop.strata");
    assert_eq!(loc["region"]["startLine"], 10);
}

#[test]
fn the_validator_catches_broken_sarif() {
    // The schema check above can fail: a result without a message is not SARIF.
    let bad: Value = serde_json::json!({
        "version": "2.1.0",
        "runs": [{ "tool": { "driver": { "name": "strata" } }, "results": [{ "ruleId": "x" }] }]
    });
    assert!(!sarif_validator().is_valid(&bad));
}

#[test]
fn an_error_level_finding_exits_1_after_printing_everything() {
    // A warning made an error by the command line fails the run; off silences it.
    let dir = project(SHOP, None);
    lint_in(
        dir.path(),
        &["shop.strata", "--rule", "fk-without-index=error"],
    )
    .code(1)
    .stdout(predicate::str::contains("fk-without-index"))
    .stderr(predicate::str::contains("at error level"));
    let out = lint_in(
        dir.path(),
        &[
            "shop.strata",
            "--format",
            "json",
            "--rule",
            "fk-without-index=off",
            "--rule",
            "timestamp-without-time-zone=off",
        ],
    )
    .code(0)
    .get_output()
    .stdout
    .clone();
    assert!(rules_of(&json(&out)).is_empty());
}

#[test]
fn bad_input_exits_1_with_a_diagnostic() {
    let dir = project(
        "dialect postgres\ntable t {\n  id bigint pk -> nowhere.id\n}\n",
        None,
    );
    lint_in(dir.path(), &["shop.strata"])
        .code(1)
        .stderr(predicate::str::contains("E0203"));
    let dir = project(SHOP, None);
    lint_in(
        dir.path(),
        &["shop.strata", "--rule", "fk-without-indx=off"],
    )
    .code(1)
    .stderr(predicate::str::contains("did you mean `fk-without-index`"));
    lint_in(dir.path(), &["missing.strata"]).code(1);
    lint_in(dir.path(), &["shop.strata", "--dialect", "mysql"])
        .code(1)
        .stderr(predicate::str::contains("dialect_mismatch"));
}

#[test]
fn strata_toml_sets_levels_from_a_directory_above() {
    let config =
        "[lint.rules]\nfk-without-index = \"error\"\ntimestamp-without-time-zone = \"off\"\n";
    let dir = project(SHOP, Some(config));
    let below = dir.path().join("sub");
    std::fs::create_dir(&below).expect("mkdir");
    let out = lint_in(&below, &["../shop.strata", "--format", "json"])
        .code(1)
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    assert_eq!(rules_of(&doc), ["fk-without-index"]);
    assert_eq!(doc["findings"][0]["severity"], "error");
    // The flag wins over the file.
    lint_in(
        &below,
        &["../shop.strata", "--rule", "fk-without-index=warn"],
    )
    .code(0);
}

#[test]
fn an_unknown_key_in_strata_toml_points_at_its_line() {
    let dir = project(
        SHOP,
        Some("[lint]\n\nrules.fk-without-index = \"off\"\nrulez.x = 1\n"),
    );
    lint_in(dir.path(), &["shop.strata"])
        .code(1)
        .stderr(predicate::str::contains("unknown key in [lint] `rulez`"))
        .stderr(predicate::str::contains("strata.toml:4:1"))
        .stderr(predicate::str::contains("did you mean `rules`?"));
}

#[test]
fn list_rules_and_explain_show_the_policy_and_the_pages() {
    let dir = project(
        SHOP,
        Some("[lint]\nrules.varchar-instead-of-text = \"warn\"\n"),
    );
    lint_in(dir.path(), &["--list-rules"])
        .code(0)
        .stdout(predicate::str::is_match(r"varchar-instead-of-text +warn").expect("regex"))
        .stdout(predicate::str::is_match(r"int-key-overflow +warn").expect("regex"));
    lint_in(dir.path(), &["--explain", "int-key-overflow"])
        .code(0)
        .stdout(predicate::str::starts_with("# `int-key-overflow`"));
    lint_in(dir.path(), &["--explain", "int-key-overflw"])
        .code(1)
        .stderr(predicate::str::contains("did you mean `int-key-overflow`"));
}

#[test]
fn without_a_dialect_only_the_rules_for_every_dialect_run() {
    let dir = project("table t {\n  a int\n  at timestamp\n}\n", None);
    let out = lint_in(dir.path(), &["shop.strata", "--format", "json"])
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    assert_eq!(rules_of(&doc), ["table-without-primary-key"]);
    assert!(doc["summary"]["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .any(|r| r == "timestamp-without-time-zone"));
    // --dialect names it.
    let out = lint_in(
        dir.path(),
        &["shop.strata", "--format", "json", "--dialect", "postgres"],
    )
    .get_output()
    .stdout
    .clone();
    assert!(rules_of(&json(&out)).contains(&"timestamp-without-time-zone".to_string()));
}

#[test]
fn a_sqlite_database_is_linted_by_object_name() {
    let db = SqliteDb::create();
    rt().block_on(exec(
        &format!("{}?mode=rwc", db.url),
        &[
            "create table parent (id integer primary key)".into(),
            "create table child (parent_id integer references parent(id), note text)".into(),
        ],
    ))
    .expect("set up");
    let out = strata()
        .args(["lint", &db.url, "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    assert_eq!(doc["dialect"], "sqlite");
    // Without lines, findings are in object order: tables before their parts.
    assert_eq!(
        rules_of(&doc),
        ["table-without-primary-key", "fk-without-index"]
    );
    for f in doc["findings"].as_array().expect("findings") {
        assert!(f["location"].is_null());
    }
    assert_eq!(doc["findings"][0]["object"]["name"], "child");
    // SARIF without lines: logical locations only, still valid.
    let out = strata()
        .args(["lint", &db.url, "--format", "sarif"])
        .assert()
        .get_output()
        .stdout
        .clone();
    let sarif = json(&out);
    assert_valid_sarif(&sarif);
    let loc = &sarif["runs"][0]["results"][1]["locations"][0];
    assert!(loc["physicalLocation"].is_null());
    assert_eq!(loc["logicalLocations"][0]["kind"], "foreign_key");
}

#[test]
fn a_postgres_database_is_linted_as_inspected() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("lint")) else {
        return;
    };
    rt.block_on(exec(
        &db.url,
        &[
            "create table users (id serial primary key, created timestamp not null)".into(),
            "create table posts (id bigint generated always as identity primary key, \
             user_id integer not null references users(id), body json)"
                .into(),
            "create index posts_user on posts (user_id)".into(),
            "create index posts_user_again on posts (user_id)".into(),
        ],
    ))
    .expect("set up");
    let out = strata()
        .args(["lint", &db.url, "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let mut rules = rules_of(&doc);
    rules.sort();
    assert_eq!(
        rules,
        [
            "duplicate-index",
            "int-key-overflow",
            "int-key-overflow",
            "json-instead-of-jsonb",
            "timestamp-without-time-zone",
        ]
    );
}

#[test]
fn postgres_reserved_words_are_the_servers() {
    let rt = rt();
    let Some(db) = rt.block_on(PgDb::create("lint_kw")) else {
        return;
    };
    let words = rt
        .block_on(words_on::<sqlx::PgConnection>(
            &db.url,
            "select word from pg_get_keywords() where catcode in ('R', 'T') order by word",
        ))
        .expect("keywords");
    assert_eq!(words, strata::lint::rules::POSTGRES_RESERVED);
}

#[test]
fn mariadb_reserved_words_are_the_servers() {
    let rt = rt();
    let Some(db) = rt.block_on(MyDb::create("lint_kw")) else {
        return;
    };
    let version = rt
        .block_on(words_on::<sqlx::MySqlConnection>(
            &db.url,
            "select version()",
        ))
        .expect("version");
    let keywords = rt
        .block_on(words_on::<sqlx::MySqlConnection>(
            &db.url,
            "select lower(word) from information_schema.keywords",
        ))
        .unwrap_or_default();
    let mariadb = version
        .first()
        .is_some_and(|v| v.to_lowercase().contains("mariadb"));
    // Each listed word is refused as a column name (MySQL and MariaDB);
    // on MariaDB, each other keyword is accepted.
    let mut refused = Vec::new();
    for w in keywords
        .iter()
        .filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    {
        let ddl = format!("create table probe ({w} int)");
        let ok = rt
            .block_on(exec(&db.url, &[ddl, "drop table probe".into()]))
            .is_ok();
        if !ok {
            refused.push(w.clone());
        }
    }
    refused.sort();
    for w in strata::lint::rules::MYSQL_RESERVED {
        let ddl = format!("create table probe ({w} int)");
        assert!(
            rt.block_on(exec(&db.url, &[ddl])).is_err(),
            "`{w}` is accepted as a column name"
        );
    }
    if mariadb {
        assert_eq!(refused, strata::lint::rules::MYSQL_RESERVED);
    }
}

#[test]
fn a_mariadb_database_is_linted_as_inspected() {
    let rt = rt();
    let Some(db) = rt.block_on(MyDb::create("lint")) else {
        return;
    };
    rt.block_on(exec(
        &db.url,
        &[
            "create table actor (actor_id smallint unsigned auto_increment primary key, \
             name nvarchar(40) not null) engine=InnoDB default charset=utf8mb4"
                .into(),
            "create table film_actor (actor_id smallint unsigned not null, film_id int not null, \
             primary key (actor_id, film_id), key idx_actor (actor_id), \
             foreign key (actor_id) references actor (actor_id)) engine=InnoDB"
                .into(),
        ],
    ))
    .expect("set up");
    let out = strata()
        .args(["lint", &db.url, "--format", "json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let doc = json(&out);
    let mut rules = rules_of(&doc);
    rules.sort();
    assert_eq!(
        rules,
        [
            "int-key-overflow",
            "int-key-overflow",
            "redundant-index",
            "utf8mb3-charset",
        ],
        "{doc:#}"
    );
}

/// One text column of a query's rows.
async fn words_on<C>(url: &str, sql: &str) -> Result<Vec<String>, String>
where
    C: sqlx::Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    for<'q> <C::Database as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, C::Database>,
    (String,): for<'r> sqlx::FromRow<'r, <C::Database as sqlx::Database>::Row>,
{
    let mut c = C::connect(url).await.map_err(|e| e.to_string())?;
    let rows: Vec<(String,)> = sqlx::query_as(sql)
        .fetch_all(&mut c)
        .await
        .map_err(|e| format!("{sql}: {e}"))?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}
