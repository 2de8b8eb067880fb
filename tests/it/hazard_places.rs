//! Each hazard sits above the statement that carries it
//! (docs/hazards.md): a foreign key dropped and added again (its action
//! changed) names the key in both statements, and what existing rows may
//! make fail belongs to the `ADD`, never to the `DROP`, which runs
//! whatever the rows hold. Judged on `strata diff` of files, for the
//! dialects that drop and add a key in two statements.

use crate::cli_errors::strata;

fn schema(dialect: &str, action: &str) -> String {
    format!(
        "dialect {dialect}\ntable p {{\n  id integer pk\n}}\ntable c {{\n  id integer pk\n  pid integer\n  foreign key fk_p (pid) -> p(id){action}\n}}\n"
    )
}

/// Each `-- hazard: may_fail` line of `sql` with the statement under it
/// (its comment lines skipped, its lines joined).
fn may_fail_statements(sql: &str) -> Vec<String> {
    let lines: Vec<&str> = sql.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if !l.starts_with("-- hazard: may_fail") {
            continue;
        }
        let mut statement = String::new();
        for next in lines[i + 1..].iter().filter(|l| !l.starts_with("--")) {
            statement.push_str(next);
            statement.push(' ');
            if next.ends_with(';') {
                break;
            }
        }
        out.push(statement);
    }
    out
}

#[test]
fn a_readded_foreign_keys_may_fail_sits_on_its_add() {
    for dialect in ["postgres", "mysql"] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.strata"), schema(dialect, "")).expect("write");
        let cascade = schema(dialect, " on delete cascade");
        std::fs::write(dir.path().join("b.strata"), cascade).expect("write");
        let out = strata()
            .current_dir(dir.path())
            .args(["diff", "a.strata", "b.strata"])
            .output()
            .expect("run strata");
        let sql = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{sql}");
        let placed = may_fail_statements(&sql);
        assert!(!placed.is_empty(), "{dialect}: no may_fail\n{sql}");
        for statement in placed {
            assert!(
                statement.contains("ADD CONSTRAINT") && !statement.contains("DROP"),
                "{dialect}: may_fail above `{statement}`\n{sql}"
            );
        }
    }
}

/// A collation-only change on PostgreSQL rewrites no row — the server
/// keeps the table's `relfilenode` — but builds the column's indexes
/// again: the plan says that (`index_build`, under the lock), not
/// "rewrites the table", and nothing for a column without an index.
#[test]
fn a_collation_change_on_postgres_rebuilds_indexes_not_the_table() {
    use crate::support::{count, exec, rt, PgDb};
    let Some(db) = rt().block_on(PgDb::create("coll_place")) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let v1 =
        "dialect postgres\ntable t {\n  id integer pk\n  s text\n  v text\n  index t_s (s)\n}\n";
    let v2 = v1
        .replace("  s text\n", "  s text collate \"C\"\n")
        .replace("  v text\n", "  v text collate \"C\"\n");
    std::fs::write(dir.path().join("v1.strata"), v1).expect("write");
    std::fs::write(dir.path().join("v2.strata"), v2).expect("write");
    let run = |args: &[&str]| {
        let out = strata()
            .current_dir(dir.path())
            .args(args)
            .output()
            .expect("run strata");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        text
    };
    run(&[
        "apply",
        "--auto-approve",
        "--url",
        &db.url,
        "--to",
        "v1.strata",
    ]);
    let seed = vec![
        "INSERT INTO t SELECT g, 'x' || g, 'y' || g FROM generate_series(1, 500) g".to_string(),
    ];
    rt().block_on(exec(&db.url, &seed)).expect("rows");
    let sql = run(&["plan", "--url", &db.url, "--to", "v2.strata"]);
    assert!(!sql.contains("rewrites the table"), "{sql}");
    let above = |column: &str| -> Vec<String> {
        let lines: Vec<&str> = sql.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.contains(&format!("ALTER COLUMN \"{column}\" TYPE")))
            .unwrap_or_else(|| panic!("no collation change of {column}\n{sql}"));
        lines[..at]
            .iter()
            .rev()
            .take_while(|l| l.starts_with("--"))
            .map(|l| l.to_string())
            .collect()
    };
    let s = above("s");
    assert!(
        s.iter()
            .any(|l| l.contains("index_build") && l.contains("rewrites no rows")),
        "{sql}"
    );
    assert!(
        s.iter().any(|l| l.contains("access_exclusive_lock")),
        "{sql}"
    );
    assert!(
        above("v").is_empty(),
        "a column without an index is a catalog change\n{sql}"
    );

    let node = |rel: &str| {
        let q = format!("SELECT relfilenode::bigint FROM pg_class WHERE relname = '{rel}'");
        rt().block_on(count(&db.url, &q)).expect("relfilenode")
    };
    let (table, index) = (node("t"), node("t_s"));
    run(&[
        "apply",
        "--auto-approve",
        "--url",
        &db.url,
        "--to",
        "v2.strata",
    ]);
    assert_eq!(node("t"), table, "the server rewrote the table");
    assert_ne!(
        node("t_s"),
        index,
        "the server kept the index: the hazard would be wrong"
    );
}
