//! squawk (the `squawk-cli` package on PyPI) as an independent judge of
//! strata's `--online` PostgreSQL output: for representative changes, no
//! rule of squawk's that concerns locks fires, except those docs/squawk.md
//! lists with the reason strata disagrees or cannot do better. The plain
//! (not online) output is judged too, to show the judge does catch what
//! `--online` avoids.
//!
//! The squawk binary is `STRATA_TEST_SQUAWK` (.ci/run installs a pinned
//! one under target/), else `squawk` on the PATH; without either the tests
//! say why they skip, or fail under `STRATA_REQUIRE_DATABASES=1`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cli_errors::strata;
use crate::support::REQUIRE_VAR;

const SQUAWK_VAR: &str = "STRATA_TEST_SQUAWK";

/// squawk's rules about locks and long-held locks (squawkhq.com/docs/rules);
/// the rest are about style, clients or re-running a script.
const LOCK_RULES: &[&str] = &[
    "adding-field-with-default",
    "adding-foreign-key-constraint",
    "adding-not-nullable-field",
    "adding-serial-primary-key-field",
    "ban-alter-domain-with-add-constraint",
    "ban-concurrent-index-creation-in-transaction",
    "changing-column-type",
    "constraint-missing-not-valid",
    "disallowed-unique-constraint",
    "require-concurrent-index-creation",
    "require-concurrent-index-deletion",
    "require-lock-timeout",
    "require-statement-timeout",
];

/// The oldest PostgreSQL strata supports (docs/postgres.md).
const PG_VERSION: &str = "12";

/// The squawk to judge with, or `None` after saying why not.
fn squawk() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(SQUAWK_VAR) {
        return Some(PathBuf::from(p));
    }
    let on_path = Command::new("squawk").arg("--version").output();
    if on_path.is_ok_and(|o| o.status.success()) {
        return Some(PathBuf::from("squawk"));
    }
    let msg = format!(
        "{SQUAWK_VAR} is not set and squawk is not on the PATH (.ci/run installs squawk-cli; \
         see docs/squawk.md)"
    );
    if std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1" || v == "true") {
        panic!("{msg} ({REQUIRE_VAR} is set, so this is a failure, not a skip)");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

/// The rules docs/squawk.md lists as firing on the online output: the
/// first column of its table rows.
fn documented() -> BTreeSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/squawk.md");
    let text = std::fs::read_to_string(path).expect("docs/squawk.md");
    text.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once('`'))
        .map(|(rule, _)| rule.to_string())
        .collect()
}

/// The PostgreSQL script `strata diff` writes from one schema to another.
fn script(from: &str, to: &str, online: bool) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (dir.path().join("a.strata"), dir.path().join("b.strata"));
    std::fs::write(&a, format!("dialect postgres\n{from}")).expect("write");
    std::fs::write(&b, format!("dialect postgres\n{to}")).expect("write");
    let mut cmd = strata();
    cmd.arg("diff")
        .arg(&a)
        .arg(&b)
        .args(["--lock-timeout", "5s"]);
    if online {
        cmd.arg("--online");
    }
    let out = cmd.output().expect("run strata");
    assert!(
        out.status.success(),
        "strata diff failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The rules squawk reports on a script, by id.
fn judge(squawk: &Path, sql: &str) -> BTreeSet<String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("plan.sql");
    std::fs::write(&file, sql).expect("write");
    let out = Command::new(squawk)
        .arg(format!("--pg-version={PG_VERSION}"))
        .args(["--reporter", "gcc"])
        .arg(&file)
        .output()
        .expect("run squawk");
    // `file:line:col: warning: RULE message`
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_once(": warning: ").or(l.split_once(": error: ")))
        .filter_map(|(_, rest)| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

const USERS: &str = "table users {
  id bigint pk
  email text
  name text
  age int
  bio text
  nick text
  legacy text?
}
";

/// Representative changes: (what, from, to).
const CHANGES: &[(&str, &str, &str)] = &[
    (
        "columns",
        USERS,
        "table users {
  id bigint pk
  email text
  name text = 'x'
  age int
  bio text?
  nick text
  note text?
  score bigint = 0
  label text = 'new'
}
",
    ),
    (
        "not null",
        "table users {\n  id bigint pk\n  nick text?\n}\n",
        "table users {\n  id bigint pk\n  nick text\n}\n",
    ),
    (
        "indexes and keys",
        "table users {\n  id bigint pk\n  email text\n  age bigint\n  old text?\n}\ntable orders {\n  id bigint pk\n  user_id bigint\n  index orders_old_idx (user_id)\n}\ndomain pos as int\n",
        "table users {\n  id bigint pk\n  email text unique\n  age bigint\n  index users_email_idx (email)\n  check age_positive (age > 0)\n}\ntable orders {\n  id bigint pk\n  user_id bigint -> users.id\n}\ndomain pos as int check (value > 0)\n",
    ),
    (
        "type change",
        "table users {\n  id bigint pk\n  age int\n}\n",
        "table users {\n  id bigint pk\n  age bigint\n}\n",
    ),
    (
        "new table",
        "table users {\n  id bigint pk\n}\n",
        "table users {\n  id bigint pk\n}\ntable orders {\n  id bigint pk\n  user_id bigint -> users.id\n  index orders_user_idx (user_id)\n}\n",
    ),
];

#[test]
fn online_output_passes_squawks_lock_rules_but_the_documented_ones() {
    let Some(squawk) = squawk() else { return };
    let documented = documented();
    for rule in &documented {
        assert!(
            !rule.is_empty() && rule.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "docs/squawk.md lists `{rule}`, not a squawk rule id"
        );
    }
    for (what, from, to) in CHANGES {
        let sql = script(from, to, true);
        let fired = judge(&squawk, &sql);
        let unexplained: Vec<&String> = fired
            .iter()
            .filter(|r| LOCK_RULES.contains(&r.as_str()) && !documented.contains(*r))
            .collect();
        assert!(
            unexplained.is_empty(),
            "{what}: squawk's lock rules {unexplained:?} fire on strata's online output \
             and docs/squawk.md does not say why:\n{sql}"
        );
    }
}

#[test]
fn the_judge_catches_the_plain_output_online_mode_avoids() {
    let Some(squawk) = squawk() else { return };
    let (_, from, to) = CHANGES[2];
    let plain = judge(&squawk, &script(from, to, false));
    for rule in [
        "require-concurrent-index-creation",
        "constraint-missing-not-valid",
    ] {
        assert!(plain.contains(rule), "{rule} not in {plain:?}");
    }
    let online = judge(&squawk, &script(from, to, true));
    assert!(
        !online.contains("require-concurrent-index-creation"),
        "{online:?}"
    );
}

#[test]
fn a_constant_default_is_written_bare_so_squawk_sees_no_rewrite() {
    let Some(squawk) = squawk() else { return };
    let (_, from, to) = CHANGES[0];
    let sql = script(from, to, true);
    assert!(
        sql.contains(r#"ADD COLUMN "score" bigint DEFAULT 0 NOT NULL"#),
        "{sql}"
    );
    assert!(
        sql.contains(r#"ADD COLUMN "label" text DEFAULT 'new' NOT NULL"#),
        "{sql}"
    );
    assert!(!judge(&squawk, &sql).contains("adding-field-with-default"));
    // A volatile default does rewrite the table: squawk and strata agree.
    let volatile = script(
        "table t {\n  id bigint pk\n}\n",
        "table t {\n  id bigint pk\n  r float8 = (random())\n}\n",
        true,
    );
    assert!(volatile.contains("-- hazard: table_rewrite"), "{volatile}");
    assert!(judge(&squawk, &volatile).contains("adding-field-with-default"));
}
