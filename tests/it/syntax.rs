//! The schema language end to end: every example is formatted, validated,
//! printed and exported; diagnostics are snapshotted as the user sees them.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use strata::syntax::{self, SourceFile};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every example schema, sorted.
pub fn examples() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dialect in ["postgres", "mysql", "sqlite"] {
        let dir = root().join("schemas").join(dialect);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "strata"));
        files.sort();
        out.extend(files);
    }
    out
}

fn snapshot_name(path: &Path) -> String {
    let dialect = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{dialect}_{stem}")
}

macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => "../../snapshots/syntax",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

fn read(path: &Path) -> SourceFile {
    let text = std::fs::read_to_string(path).expect("example is readable");
    SourceFile::new(path.display().to_string(), text)
}

#[test]
fn there_are_examples_for_each_dialect() {
    let names: Vec<String> = examples().iter().map(|p| snapshot_name(p)).collect();
    for want in [
        "postgres_shop",
        "postgres_saas",
        "postgres_blog",
        "sqlite_shop",
        "sqlite_blog",
        "sqlite_notes",
        "mysql_shop",
        "mysql_blog",
        "mysql_crm",
    ] {
        assert!(
            names.contains(&want.to_string()),
            "missing example {want}: {names:?}"
        );
    }
}

#[test]
fn examples_are_formatted() {
    for path in examples() {
        let file = read(&path);
        let out = syntax::format_file(&file).unwrap_or_else(|d| panic!("{}", d.render_plain()));
        assert_eq!(
            out,
            file.text,
            "{} is not in canonical form",
            path.display()
        );
    }
}

#[test]
fn examples_validate_and_round_trip() {
    for path in examples() {
        let file = read(&path);
        let schema = syntax::parse_files(std::slice::from_ref(&file))
            .unwrap_or_else(|d| panic!("{}", d.render_plain()));
        assert!(!schema.tables.is_empty(), "{}", path.display());
        let printed = syntax::print(&schema);
        let again = syntax::parse_files(&[SourceFile::new("printed.strata", printed.as_str())])
            .unwrap_or_else(|d| panic!("{printed}\n{}", d.render_plain()));
        assert_eq!(
            schema,
            again,
            "parse(print(ir)) != ir for {}",
            path.display()
        );
        assert_eq!(syntax::print(&again), printed, "print is not a fixpoint");
        snap!(format!("{}.print", snapshot_name(&path)), printed);
    }
}

#[test]
fn examples_export_json_and_yaml() {
    for path in examples() {
        let file = read(&path);
        let schema = syntax::parse_files(std::slice::from_ref(&file))
            .unwrap_or_else(|d| panic!("{}", d.render_plain()));
        let json = serde_json::to_string_pretty(&schema).expect("serializes");
        let back: strata::ir::Schema = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, schema);
        snap!(format!("{}.json", snapshot_name(&path)), json);
        let yaml = serde_yaml_ng::to_string(&schema).expect("serializes");
        let back: strata::ir::Schema = serde_yaml_ng::from_str(&yaml).expect("deserializes");
        assert_eq!(back, schema);
        snap!(format!("{}.yaml", snapshot_name(&path)), yaml);
    }
}

#[test]
fn a_directory_is_one_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("a.strata"),
        "table users {\n  id bigint pk\n}\n",
    )
    .expect("write");
    std::fs::create_dir(dir.path().join("more")).expect("mkdir");
    std::fs::write(
        dir.path().join("more/b.strata"),
        "table orders {\n  id bigint pk\n  user_id bigint -> users.id\n}\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("notes.txt"), "not a schema").expect("write");
    let schema = syntax::load_paths(&[dir.path().to_path_buf()]).expect("loads");
    assert_eq!(schema.tables.len(), 2);
}

fn cli() -> Command {
    Command::cargo_bin("strata").expect("binary")
}

#[test]
fn fmt_check_lists_files_and_exits_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    let messy = dir.path().join("messy.strata");
    let tidy = dir.path().join("tidy.strata");
    std::fs::write(&messy, "table t {\n   id    int pk // key\n}\n").expect("write");
    std::fs::write(&tidy, "table t2 {\n  id  int  pk\n}\n").expect("write");
    let out = cli()
        .args(["fmt", "--check"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("messy.strata"), "{stdout}");
    assert!(!stdout.contains("tidy.strata"), "{stdout}");
    let out = cli().arg("fmt").arg(dir.path()).output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&messy).expect("read");
    assert_eq!(text, "table t {\n  id  int  pk // key\n}\n");
    let out = cli()
        .args(["fmt", "--check"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn check_exits_1_on_errors_and_0_on_examples() {
    let out = cli()
        .arg("check")
        .arg(root().join("schemas"))
        .output()
        .expect("runs");
    // The three dialects' examples together declare three dialects.
    assert_eq!(out.status.code(), Some(1));
    for d in ["postgres", "mysql", "sqlite"] {
        let out = cli()
            .arg("check")
            .arg(root().join("schemas").join(d))
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{d}: {stderr}");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.strata");
    std::fs::write(&bad, "table t {\n  id bigint nullable\n}\n").expect("write");
    let out = cli()
        .env("NO_COLOR", "1")
        .arg("check")
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("E0109"), "{stderr}");
}

/// The `ok:` line counts every kind of object the schema has; files,
/// tables, views and enums always, the other kinds when there are any.
#[test]
fn check_counts_every_kind_of_object() {
    let dir = tempfile::tempdir().expect("tempdir");
    let schema = dir.path().join("all.strata");
    std::fs::write(
        &schema,
        r#"dialect postgres

extension pgcrypto
namespace app {}
enum mood { happy, sad }
domain positive as int check (value > 0)
sequence invoice_number as bigint start 1000
type money_pair { amount numeric; currency text }
range floatrange as float8

table orders {
  id      bigint pk
  qty     positive
  updated timestamptz?
}

table notes {
  id bigint pk
}

view big_orders as (select id from orders where qty > 10)

function touch() returns trigger language plpgsql as sql$$
  begin new.updated := now(); return new; end
$$

trigger t_touch on orders before update for each row execute touch()
policy mine on orders for select to reader using (true)
grant select, insert on table orders to reader
"#,
    )
    .expect("write");
    let out = cli().arg("check").arg(&schema).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr,
        "ok: 1 file, 2 tables, 1 view, 1 enum, 1 domain, 1 sequence, 1 function, \
         1 trigger, 1 policy, 2 grants, 1 extension, 1 namespace, 1 composite type, \
         1 range type\n"
    );

    // The kinds a schema does not have are left out, but for the first
    // four; the SQLite examples have a trigger and nothing else besides.
    let out = cli()
        .arg("check")
        .arg(root().join("schemas").join("sqlite"))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "ok: 3 files, 9 tables, 2 views, 0 enums, 1 trigger\n"
    );
}

#[test]
fn export_writes_json_and_yaml() {
    let src = root().join("schemas/sqlite/notes.strata");
    let out = cli()
        .args(["export", "--format", "json"])
        .arg(&src)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["dialect"], "sqlite");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("out.yaml");
    let out = cli()
        .args(["export", "--format", "yaml", "-o"])
        .arg(&file)
        .arg(&src)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.contains("dialect: sqlite"), "{text}");
}

fn rendered(files: &[(&str, &str)]) -> String {
    let files: Vec<SourceFile> = files.iter().map(|(n, t)| SourceFile::new(*n, *t)).collect();
    match syntax::parse_files(&files) {
        Ok(_) => "no diagnostics".into(),
        Err(d) => d.render_plain(),
    }
}

#[test]
fn diagnostics_as_the_user_sees_them() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        (
            "unknown_attribute",
            &[(
                "shop.strata",
                "table users {\n  id     bigint pk\n  email  text nullable\n}\n",
            )],
        ),
        (
            "not_null_habit",
            &[("shop.strata", "table users {\n  id  bigint not null\n}\n")],
        ),
        (
            "unknown_item",
            &[("shop.strata", "tabel users {\n  id bigint\n}\n")],
        ),
        (
            "unterminated_string",
            &[(
                "shop.strata",
                "table users {\n  id bigint comment \"the key\n}\n",
            )],
        ),
        ("unknown_dialect", &[("shop.strata", "dialect postgre\n")]),
        (
            "missing_type",
            &[("shop.strata", "table users {\n  id\n}\n")],
        ),
        (
            "duplicate_across_files",
            &[
                ("a.strata", "table users {\n  id bigint pk\n}\n"),
                ("b.strata", "\n\ntable users {\n  id bigint pk\n}\n"),
            ],
        ),
        (
            "two_primary_keys",
            &[(
                "shop.strata",
                "table users {\n  id     bigint pk\n  email  text pk\n}\n",
            )],
        ),
        (
            "too_deep",
            &[(
                "deep.strata",
                &*Box::leak(
                    format!(
                        "table t {{\n  a int check ({}1{})\n}}\n",
                        "(".repeat(200),
                        ")".repeat(200)
                    )
                    .into_boxed_str(),
                ),
            )],
        ),
        (
            "several_at_once",
            &[(
                "shop.strata",
                "table a {\n  x int\n  x int\n}\nenum e { p, q, p }\ntable b { y int = 1 = 2 }\n",
            )],
        ),
    ];
    for (name, files) in cases {
        snap!(format!("diag_{name}"), rendered(files));
    }
}

#[test]
fn fmt_output_of_a_messy_file() {
    let messy = "// Shop schema, hand written.\ndialect   postgres\n\n\n\ntable users {   // people\n  id bigint pk identity\n      email text unique // login\n  /* shown in the UI */\n  display text?\n\n  index (lower(email))\n  // end of users\n}\ntable orders { id uuid pk = gen_random_uuid(); user_id bigint -> users.id on delete cascade }\n";
    let out = syntax::format_file(&SourceFile::new("messy.strata", messy))
        .unwrap_or_else(|d| panic!("{}", d.render_plain()));
    for comment in [
        "// Shop schema",
        "// people",
        "// login",
        "/* shown in the UI */",
        "// end of users",
    ] {
        assert!(out.contains(comment), "lost {comment}:\n{out}");
    }
    snap!("fmt_messy", out);
}
