//! Converting a MySQL/MariaDB column to a character set that cannot hold
//! all of its characters is data loss: refused without
//! `--allow-destructive` (with a lax `sql_mode` the server would turn
//! them into `?`; with a strict one the conversion fails part-way through
//! the plan). A conversion to a larger set is not. Judged by the server's
//! rows and catalog.

use crate::cli_errors::strata;
use crate::faults::{assert_same, flat, mysql_pair};
use crate::support::{count, rt};

fn apply(have: &str, want: &str) -> (bool, String) {
    let out = strata()
        .args(["apply", "--url", have, "--to", want, "--auto-approve"])
        .output()
        .expect("run strata");
    (
        out.status.success(),
        flat(&String::from_utf8_lossy(&out.stderr)),
    )
}

#[test]
fn a_conversion_to_a_smaller_character_set_is_data_loss() {
    let rt = rt();
    let Some((have, want)) = mysql_pair(
        &rt,
        "cs_narrow",
        &[
            "CREATE TABLE t (id int PRIMARY KEY, a varchar(50)) DEFAULT CHARSET=utf8mb4",
            "INSERT INTO t VALUES (1, 'caf\u{e9} \u{2603}')",
        ],
        &["CREATE TABLE t (id int PRIMARY KEY, a varchar(50) CHARACTER SET latin1) DEFAULT CHARSET=utf8mb4"],
    ) else {
        return;
    };
    let (ok, err) = apply(&have.url, &want.url);
    assert!(!ok, "{err}");
    assert!(
        err.contains("data_loss") && err.contains("changes character set from"),
        "{err}"
    );
    // The value and the column's character set are as they were.
    assert_eq!(
        rt.block_on(count(
            &have.url,
            "SELECT COUNT(*) FROM t JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = DATABASE() \
             AND c.TABLE_NAME = 't' AND c.COLUMN_NAME = 'a' \
             WHERE t.a = 'caf\u{e9} \u{2603}' AND c.CHARACTER_SET_NAME = 'utf8mb4'"
        )),
        Ok(1)
    );
}

#[test]
fn a_conversion_to_a_larger_character_set_is_not() {
    let rt = rt();
    let Some((have, want)) = mysql_pair(
        &rt,
        "cs_widen",
        &[
            "CREATE TABLE t (id int PRIMARY KEY, a varchar(50) CHARACTER SET latin1) DEFAULT CHARSET=utf8mb4",
            "INSERT INTO t VALUES (1, 'caf\u{e9}')",
        ],
        &["CREATE TABLE t (id int PRIMARY KEY, a varchar(50)) DEFAULT CHARSET=utf8mb4"],
    ) else {
        return;
    };
    let (ok, err) = apply(&have.url, &want.url);
    assert!(ok, "{err}");
    assert!(!err.contains("data_loss"), "{err}");
    rt.block_on(assert_same(&have.url, &want.url, "converted"));
    assert_eq!(
        rt.block_on(count(
            &have.url,
            "SELECT COUNT(*) FROM t WHERE a = 'caf\u{e9}'"
        )),
        Ok(1)
    );
}
