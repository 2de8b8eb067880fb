//! The judge of convergence, independent of strata: a fingerprint of a
//! database built only from the server's own catalog and printers
//! (PostgreSQL: `pg_catalog` and `pg_get_*def`, `format_type`;
//! MySQL/MariaDB: `information_schema` and `SHOW CREATE`; SQLite:
//! `sqlite_master` and pragmas). Strata's introspection cannot judge
//! strata: what it does not model, it cannot see, so a plan that drops an
//! index's `fillfactor` or a view's `security_barrier` would look
//! converged. Here every attribute the server keeps counts, whether or not
//! strata models it; the only normalizations are spellings the server
//! itself treats as the same (each is named where it is made).
//!
//! A fingerprint is a sorted list of `category<TAB>key<TAB>value` lines,
//! plus the column order of each relation, kept apart: PostgreSQL cannot
//! place a column, so a rollback that re-adds a dropped column puts it
//! last, and the harness this ports (`converge.py`, the project's own)
//! reports column order as a soft mismatch.

pub mod mysql;
pub mod postgres;
pub mod sqlite;

use std::collections::BTreeMap;

use strata::ir::DialectKind;

/// What the server reports about a database's schema.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fingerprint {
    /// `category\tkey\tvalue`, sorted.
    pub lines: Vec<String>,
    /// Relation → its column names in the server's order.
    pub column_order: BTreeMap<String, Vec<String>>,
}

impl Fingerprint {
    /// Builds a fingerprint from `(category, key, value)` rows.
    pub fn from_rows(rows: impl IntoIterator<Item = (String, String, String)>) -> Fingerprint {
        let mut lines: Vec<String> = rows
            .into_iter()
            .map(|(c, k, v)| format!("{c}\t{k}\t{v}"))
            .collect();
        lines.sort();
        Fingerprint {
            lines,
            column_order: BTreeMap::new(),
        }
    }
}

/// How a database compares with the one it should equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// Every line equal (column order aside).
    pub equal: bool,
    /// A relation on both sides has the same columns in another order.
    pub column_order_differs: bool,
    /// `-expected` / `+actual` lines, at most [`DIFF_LINES`].
    pub diff: Vec<String>,
}

pub const DIFF_LINES: usize = 30;

/// Compares `actual` with `expected`.
pub fn compare(actual: &Fingerprint, expected: &Fingerprint) -> Comparison {
    let column_order_differs = expected.column_order.iter().any(|(rel, want)| {
        actual.column_order.get(rel).is_some_and(|got| {
            got != want && {
                let (mut a, mut b) = (got.clone(), want.clone());
                a.sort();
                b.sort();
                a == b
            }
        })
    });
    let (old, new): (Vec<&str>, Vec<&str>) = (
        expected.lines.iter().map(String::as_str).collect(),
        actual.lines.iter().map(String::as_str).collect(),
    );
    let diff: Vec<String> = similar::TextDiff::from_slices(&old, &new)
        .iter_all_changes()
        .filter_map(|c| match c.tag() {
            similar::ChangeTag::Delete => Some(format!("-{}", c.value())),
            similar::ChangeTag::Insert => Some(format!("+{}", c.value())),
            similar::ChangeTag::Equal => None,
        })
        .take(DIFF_LINES)
        .collect();
    Comparison {
        equal: diff.is_empty(),
        column_order_differs,
        diff,
    }
}

/// The fingerprint of the database at `url`, from its own server.
pub async fn fingerprint(url: &str) -> Result<Fingerprint, String> {
    if url.starts_with("postgres") {
        postgres::fingerprint(url).await
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        mysql::fingerprint(url).await
    } else if url.starts_with("sqlite") {
        sqlite::fingerprint(url).await
    } else {
        Err(format!("no oracle for {url}"))
    }
}

/// Equal catalogs; column order counts except on PostgreSQL, which can
/// only append a column (a rollback that re-adds one puts it last).
pub fn judge(
    what: &str,
    kind: DialectKind,
    got: &Fingerprint,
    want: &Fingerprint,
) -> Result<(), String> {
    let c = compare(got, want);
    if !c.equal {
        return Err(format!("{what} did not converge:\n{}", c.diff.join("\n")));
    }
    if c.column_order_differs && kind != DialectKind::Postgres {
        return Err(format!(
            "{what}: column order differs: {:?} != {:?}",
            got.column_order, want.column_order
        ));
    }
    Ok(())
}

/// `fp` without the table in which strata's applies record what they ran
/// (`strata_history`; on PostgreSQL in `public`, with its key's index):
/// it appears with the first apply and is strata's, not the schema's.
pub fn without_bookkeeping(mut fp: Fingerprint) -> Fingerprint {
    let history = strata::dialect::audit::TABLE;
    let pg = format!("public.{history}");
    let ours = |key: &str| {
        key == history
            || key.starts_with(&format!("{history}/"))
            || key == pg
            || key.starts_with(&format!("{pg}."))
            || key == format!("{pg}_pkey")
    };
    fp.lines.retain(|l| !l.split('\t').nth(1).is_some_and(ours));
    fp.column_order.retain(|rel, _| !ours(rel));
    fp
}

/// What a difference is about, for grouping failures: the category and
/// whether the object is missing, extra, or present on both sides with
/// another value (then the first attribute that differs, when the value
/// is a list of `name=value` words).
pub fn difference_kind(diff: &[String]) -> String {
    let split = |l: &str| -> (String, String, String) {
        let mut it = l[1..].splitn(3, '\t');
        let c = it.next().unwrap_or("").to_string();
        let k = it.next().unwrap_or("").to_string();
        let v = it.next().unwrap_or("").to_string();
        (c, k, v)
    };
    let Some(first) = diff.first() else {
        return "no difference".into();
    };
    let (cat, key, value) = split(first);
    let other = diff.iter().find(|l| {
        l.as_bytes().first() != first.as_bytes().first() && {
            let (c, k, _) = split(l);
            c == cat && k == key
        }
    });
    match other {
        Some(o) => {
            let (_, _, other_value) = split(o);
            match first_differing_attribute(&value, &other_value) {
                Some(attr) => format!("{cat} {attr} differs"),
                None => format!("{cat} differs"),
            }
        }
        None if first.starts_with('-') => format!("{cat} missing"),
        None => format!("{cat} extra"),
    }
}

/// The attribute the first differing word of two values belongs to: the
/// nearest `name=value` word at or before it.
fn first_differing_attribute(a: &str, b: &str) -> Option<String> {
    let (wa, wb): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    let at = wa
        .iter()
        .zip(&wb)
        .position(|(x, y)| x != y)
        .unwrap_or(wa.len().min(wb.len()));
    let longer = if wa.len() >= wb.len() { &wa } else { &wb };
    longer[..=at.min(longer.len().saturating_sub(1))]
        .iter()
        .rev()
        .find_map(|w| {
            let (name, _) = w.split_once('=')?;
            (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                .then(|| name.to_ascii_lowercase())
        })
}

#[test]
fn differences_are_grouped_by_what_they_are_about() {
    let fp = |lines: &[&str]| Fingerprint {
        lines: lines.iter().map(|s| s.to_string()).collect(),
        column_order: BTreeMap::new(),
    };
    let want = fp(&[
        "column\tt.a\tint NULL default= collation=",
        "index\tt_i\tCREATE INDEX",
    ]);
    let got = fp(&["column\tt.a\tint NULL default=1 collation="]);
    let c = compare(&got, &want);
    assert!(!c.equal);
    assert_eq!(difference_kind(&c.diff), "column default differs");
    let c = compare(&fp(&["column\tt.a\tint NULL default= collation="]), &want);
    assert_eq!(difference_kind(&c.diff), "index missing");
    assert!(compare(&want, &want).equal);
}

#[test]
fn column_order_is_reported_apart() {
    let mut a = Fingerprint::default();
    let mut b = Fingerprint::default();
    a.column_order
        .insert("t".into(), vec!["x".into(), "y".into()]);
    b.column_order
        .insert("t".into(), vec!["y".into(), "x".into()]);
    let c = compare(&a, &b);
    assert!(c.equal && c.column_order_differs);
}

#[test]
fn column_order_counts_except_on_postgres() {
    let fp = |lines: &[&str], order: &[&str]| {
        let mut f = Fingerprint::from_rows(lines.iter().map(|l| {
            let mut it = l.splitn(3, '\t').map(str::to_string);
            let mut next = || it.next().unwrap_or_default();
            (next(), next(), next())
        }));
        f.column_order
            .insert("t".into(), order.iter().map(|s| s.to_string()).collect());
        f
    };
    let want = fp(&["column\tt.a\tint", "column\tt.b\tint"], &["a", "b"]);
    let moved = fp(&["column\tt.a\tint", "column\tt.b\tint"], &["b", "a"]);
    assert!(judge("up", DialectKind::Postgres, &moved, &want).is_ok());
    assert!(judge("up", DialectKind::Mysql, &moved, &want).is_err());
    assert!(judge("up", DialectKind::Sqlite, &want, &want).is_ok());
    let other = fp(&["column\tt.a\tbigint", "column\tt.b\tint"], &["a", "b"]);
    let e = judge("up", DialectKind::Sqlite, &other, &want).expect_err("differs");
    assert!(e.contains("+column\tt.a\tbigint"), "{e}");
}

#[test]
fn bookkeeping_is_not_the_schema() {
    let fp = Fingerprint::from_rows([
        ("TABLES".into(), "strata_history".into(), "x".into()),
        (
            "COLUMNS".into(),
            "strata_history/plan_hash".into(),
            "x".into(),
        ),
        ("TABLES".into(), "strata_history_of_mine".into(), "x".into()),
        (
            "relation".into(),
            "public.strata_history".into(),
            "x".into(),
        ),
        (
            "column".into(),
            "public.strata_history.run_id".into(),
            "x".into(),
        ),
        (
            "index".into(),
            "public.strata_history_pkey".into(),
            "x".into(),
        ),
    ]);
    assert_eq!(
        without_bookkeeping(fp).lines,
        ["TABLES\tstrata_history_of_mine\tx"]
    );
}
