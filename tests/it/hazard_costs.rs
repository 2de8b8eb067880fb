//! PostgreSQL hazards follow what the server does (docs/hazards.md,
//! "Metadata-only changes carry no lock hazard"): a change made in the
//! catalog alone carries no `access_exclusive_lock` or `table_rewrite`
//! hazard; what rewrites, scans or builds an index under the lock keeps
//! them. Judged on the script `strata diff` writes from one schema file to
//! another, plain and `--online`; the markdown preview names each
//! hazard's rule and links its page. Connected, `strata plan` names the
//! size of the table a rewrite reads (PostgreSQL and MySQL/MariaDB, on
//! scratch databases).

use crate::cli_errors::strata;

/// `strata diff` from one PostgreSQL schema to another, in `format`.
fn diff(from: &str, to: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a.strata"), dir.path().join("b.strata"));
    std::fs::write(&a, format!("dialect postgres\n{from}")).expect("write");
    std::fs::write(&b, format!("dialect postgres\n{to}")).expect("write");
    let out = strata()
        .arg("diff")
        .arg(&a)
        .arg(&b)
        .args(extra)
        .output()
        .expect("run strata");
    assert!(
        out.status.success(),
        "strata diff failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Runs `diff` plain and online, returning both scripts.
fn both(from: &str, to: &str) -> [String; 2] {
    [diff(from, to, &[]), diff(from, to, &["--online"])]
}

const BEFORE: &str = "table users {
  id bigint pk
  name text
  bio text
  gone text?
  age int
}
";

#[test]
fn catalog_only_changes_carry_no_lock_or_rewrite_hazard() {
    // A nullable column, a constant default, NOT NULL with a default,
    // DROP COLUMN, SET DEFAULT, DROP DEFAULT after it, DROP NOT NULL and a
    // comment: each holds its lock for an instant.
    let after = "table users {
  id bigint pk
  name text = 'anonymous'
  bio text?
  age int
  note text?
  score bigint = 0
  label text = 'new'
  comment \"People\"
}
";
    for sql in both(BEFORE, after) {
        assert!(sql.contains("ADD COLUMN \"note\" text;"), "{sql}");
        assert!(sql.contains("DROP COLUMN \"gone\""), "{sql}");
        assert!(sql.contains("DROP NOT NULL"), "{sql}");
        assert!(!sql.contains("access_exclusive_lock"), "{sql}");
        assert!(!sql.contains("table_rewrite"), "{sql}");
        // The drop still loses data.
        assert!(sql.contains("-- hazard: data_loss"), "{sql}");
    }
}

#[test]
fn rewrites_and_scans_keep_their_hazards() {
    // A type change that is not binary-compatible rewrites the table.
    for sql in both(BEFORE, &BEFORE.replace("age int", "age bigint")) {
        assert!(sql.contains("-- hazard: table_rewrite"), "{sql}");
        assert!(sql.contains("-- hazard: access_exclusive_lock"), "{sql}");
    }
    // A volatile default fills every row.
    let volatile = BEFORE.replace("age int", "age int\n  r float8 = (random())");
    for sql in both(BEFORE, &volatile) {
        assert!(sql.contains("-- hazard: table_rewrite"), "{sql}");
        assert!(sql.contains("-- hazard: access_exclusive_lock"), "{sql}");
    }
    // SET NOT NULL scans the table under the lock, unless online mode
    // proves it first with a validated check.
    let [plain, online] = both(BEFORE, &BEFORE.replace("gone text?", "gone text"));
    assert!(
        plain.contains("-- hazard: access_exclusive_lock"),
        "{plain}"
    );
    assert!(!online.contains("access_exclusive_lock"), "{online}");
    // An index is built by reading the table; online, concurrently.
    let [plain, online] = both(
        BEFORE,
        &BEFORE.replace("age int", "age int\n  index users_age (age)"),
    );
    assert!(plain.contains("-- hazard: index_build"), "{plain}");
    assert!(!plain.contains("CONCURRENTLY"), "{plain}");
    assert!(online.contains("CREATE INDEX CONCURRENTLY"), "{online}");
    // A foreign key validated in the same statement holds the lock while
    // it reads every row; online, it is added NOT VALID and validated
    // apart.
    let parent = "table teams {\n  id bigint pk\n}\n";
    let from = format!("{parent}{BEFORE}");
    let to = format!(
        "{parent}{}",
        BEFORE.replace("age int", "age int\n  team bigint? -> teams.id")
    );
    let [plain, online] = both(&from, &to);
    assert!(
        plain.contains("-- hazard: access_exclusive_lock"),
        "{plain}"
    );
    assert!(online.contains("NOT VALID"), "{online}");
    assert!(!online.contains("access_exclusive_lock"), "{online}");
}

#[test]
fn a_constant_default_is_added_bare_and_an_expression_in_parentheses() {
    let to = BEFORE.replace(
        "age int",
        "age int\n  n bigint = -1\n  f float8 = 1.5\n  t text = 'it''s'\n  b boolean = true\n  at timestamptz = now()",
    );
    let sql = diff(BEFORE, &to, &[]);
    for added in [
        "\"n\" bigint DEFAULT -1 NOT NULL",
        "\"f\" double precision DEFAULT 1.5 NOT NULL",
        "\"t\" text DEFAULT 'it''s' NOT NULL",
        "\"b\" boolean DEFAULT true NOT NULL",
        "\"at\" timestamp with time zone DEFAULT (now()) NOT NULL",
    ] {
        assert!(sql.contains(added), "{added} not in\n{sql}");
    }
}

#[test]
fn markdown_names_each_hazards_rule_and_links_its_page() {
    let md = diff(
        BEFORE,
        &BEFORE.replace("age int", "age bigint"),
        &["--format", "markdown"],
    );
    assert!(
        md.contains("([`table-rewrite`](docs/hazards/table-rewrite.md))"),
        "{md}"
    );
    assert!(
        md.contains("([`access-exclusive-lock`](docs/hazards/access-exclusive-lock.md))"),
        "{md}"
    );
    let none = diff(
        BEFORE,
        &BEFORE.replace("bio text", "bio text?"),
        &["--format", "markdown"],
    );
    assert!(!none.contains("docs/hazards/"), "{none}");
}

/// `strata plan` against the database at `url` to `schema`: its script.
fn plan(url: &str, schema: &str) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("app.strata");
    std::fs::write(&file, schema).expect("write");
    let out = strata()
        .args(["plan", "--url", url, "--to"])
        .arg(&file)
        .output()
        .expect("run strata");
    assert!(
        out.status.success(),
        "strata plan failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn connected_rewrites_name_the_size_of_their_table_postgres() {
    let rt = crate::support::rt();
    let Some(db) = rt.block_on(crate::support::PgDb::create("hzsize")) else {
        return;
    };
    let setup = crate::support::ddl(&[
        "CREATE TABLE big (id bigint PRIMARY KEY, n integer NOT NULL)",
        "INSERT INTO big SELECT g, g FROM generate_series(1, 2000) g",
        "ANALYZE big",
    ]);
    rt.block_on(crate::support::exec(&db.url, &setup))
        .expect("setup");
    let base = "dialect postgres\ntable big {\n  id bigint pk\n  n int\n";
    // A type change rewrites the table: its rows and size are named.
    let sql = plan(
        &db.url,
        &format!("{}}}\n", base.replace("n int", "n bigint")),
    );
    let line = sql
        .lines()
        .find(|l| l.starts_with("-- hazard: table_rewrite"))
        .unwrap_or_else(|| panic!("no rewrite hazard in\n{sql}"));
    assert!(line.contains("(big holds about 2000 rows, "), "{line}");
    assert!(line.contains(" kB)"), "{line}");
    // A catalog-only change reads no size.
    let sql = plan(&db.url, &format!("{base}  note text?\n}}\n"));
    assert!(sql.contains("ADD COLUMN \"note\" text"), "{sql}");
    assert!(!sql.contains("holds"), "{sql}");
}

#[test]
fn connected_rewrites_name_the_size_of_their_table_mysql() {
    let rt = crate::support::rt();
    let Some(db) = rt.block_on(crate::support::MyDb::create("hzsize")) else {
        return;
    };
    let setup = crate::support::ddl(&[
        "CREATE TABLE big (id bigint PRIMARY KEY, n int NOT NULL)",
        "INSERT INTO big SELECT seq, seq FROM seq_1_to_2000",
        "ANALYZE TABLE big",
    ]);
    rt.block_on(crate::support::exec(&db.url, &setup))
        .expect("setup");
    let base = "dialect mysql\ntable big {\n  id bigint pk\n  n int\n";
    let sql = plan(
        &db.url,
        &format!("{}}}\n", base.replace("n int", "n bigint")),
    );
    let line = sql
        .lines()
        .find(|l| l.starts_with("-- hazard: table_rewrite"))
        .unwrap_or_else(|| panic!("no rewrite hazard in\n{sql}"));
    assert!(line.contains("holds about "), "{line}");
    assert!(line.contains(" rows, "), "{line}");
    let sql = plan(&db.url, &format!("{base}  note text?\n}}\n"));
    assert!(!sql.contains("holds"), "{sql}");
}

/// `apply` shows the sizes `plan` shows: on its dry run and on the plan
/// it prints before running.
#[test]
fn apply_names_the_size_of_the_table_a_rewrite_reads() {
    let rt = crate::support::rt();
    let Some(db) = rt.block_on(crate::support::PgDb::create("hzapply")) else {
        return;
    };
    let setup = crate::support::ddl(&[
        "CREATE TABLE big (id bigint PRIMARY KEY, n integer NOT NULL)",
        "INSERT INTO big SELECT g, g FROM generate_series(1, 1500) g",
        "ANALYZE big",
    ]);
    rt.block_on(crate::support::exec(&db.url, &setup))
        .expect("setup");
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("app.strata");
    std::fs::write(
        &file,
        "dialect postgres\ntable big {\n  id bigint pk\n  n bigint\n}\n",
    )
    .expect("write");
    let run = |extra: &[&str]| {
        let out = strata()
            .args(["apply", "--url", &db.url, "--to"])
            .arg(&file)
            .args(extra)
            .output()
            .expect("run strata");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (sql, err) = run(&["--dry-run"]);
    assert!(sql.contains("(big holds about 1500 rows, "), "{sql}");
    assert!(err.contains("(big holds about 1500 rows, "), "{err}");
    let (_, err) = run(&["--auto-approve"]);
    assert!(err.contains("(big holds about 1500 rows, "), "{err}");
    assert!(err.contains("Applied"), "{err}");
}
