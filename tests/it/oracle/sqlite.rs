//! The SQLite fingerprint: `sqlite_master` and the pragmas
//! (`table_list`, `table_xinfo`, `foreign_key_list`, `index_list`,
//! `index_xinfo`), plus what only the stored `CREATE TABLE` text keeps:
//! checks, `AUTOINCREMENT`, a column's collation and generated expression,
//! `ON CONFLICT` clauses and a foreign key's deferral. Views and triggers
//! are compared by their stored text.
//!
//! Normalizations, each one SQLite's own equality: names are
//! case-insensitive and quoting does not change them; keywords are
//! case-insensitive; whitespace and comments between tokens mean nothing;
//! `DEFAULT NULL` is no default; the rowid alias (the one `INTEGER PRIMARY
//! KEY` of a rowid table) and a `WITHOUT ROWID` key can never hold NULL, so
//! `NOT NULL` on them changes nothing; `FOR EACH ROW` is what every SQLite
//! trigger is. String literals keep their case and bytes.

use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, Row, SqliteConnection};

use super::Fingerprint;

/// One token of SQLite's SQL: a name (quotes removed, lowercased), a
/// string or blob literal (as written), or any other word or symbol.
fn tokens(sql: &str) -> Vec<String> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if sql[i..].starts_with("--") {
            i = sql[i..].find('\n').map_or(b.len(), |n| i + n);
        } else if sql[i..].starts_with("/*") {
            i = sql[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
        } else if matches!(c, b'"' | b'`' | b'[' | b'\'') {
            let close = if c == b'[' { b']' } else { c };
            let mut j = i + 1;
            let mut text = String::new();
            while j < b.len() {
                if b[j] == close {
                    if close != b']' && b.get(j + 1) == Some(&close) {
                        text.push(close as char);
                        j += 2;
                        continue;
                    }
                    break;
                }
                let ch = sql[j..].chars().next().unwrap_or(' ');
                text.push(ch);
                j += ch.len_utf8();
            }
            out.push(if c == b'\'' {
                format!("'{}'", text.replace('\'', "''"))
            } else {
                text.to_lowercase()
            });
            i = (j + 1).min(b.len());
        } else if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
            let mut j = i;
            while j < b.len()
                && (b[j].is_ascii_alphanumeric()
                    || b[j] == b'_'
                    || b[j] >= 0x80
                    || b[j] == b'.' && b[i].is_ascii_digit())
            {
                j += 1;
            }
            if (c == b'x' || c == b'X') && j == i + 1 && b.get(j) == Some(&b'\'') {
                let end = sql[j + 1..].find('\'').map_or(b.len(), |n| j + 1 + n + 1);
                out.push(format!("x{}", sql[j..end].to_lowercase()));
                i = end;
                continue;
            }
            out.push(sql[i..j].to_lowercase());
            i = j;
        } else {
            let two = sql.get(i..i + 2).unwrap_or("");
            let len = if ["<=", ">=", "<>", "!=", "==", "||", "<<", ">>", "->"].contains(&two) {
                if sql[i..].starts_with("->>") {
                    3
                } else {
                    2
                }
            } else {
                sql[i..].chars().next().map_or(1, char::len_utf8)
            };
            out.push(sql[i..i + len].to_string());
            i += len;
        }
    }
    while out.last().is_some_and(|t| t == ";") {
        out.pop();
    }
    out
}

/// SQL as SQLite compares it: its tokens, one space apart.
fn norm(sql: &str) -> String {
    tokens(sql).join(" ")
}

/// The top-level items of a `CREATE TABLE (…)` column list, as tokens.
fn table_items(sql: &str) -> Vec<Vec<String>> {
    let toks = tokens(sql);
    let Some(open) = toks.iter().position(|t| t == "(") else {
        return Vec::new(); // CREATE TABLE … AS SELECT
    };
    let mut items = vec![Vec::new()];
    let mut depth = 0;
    for t in &toks[open + 1..] {
        match t.as_str() {
            "(" => depth += 1,
            ")" if depth == 0 => break,
            ")" => depth -= 1,
            "," if depth == 0 => {
                items.push(Vec::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = items.last_mut() {
            last.push(t.clone());
        }
    }
    items.retain(|i| !i.is_empty());
    items
}

/// The tokens of the parenthesized group that starts at `toks[at]`.
fn group(toks: &[String], at: usize) -> String {
    let mut depth = 0;
    let mut out = Vec::new();
    for t in &toks[at..] {
        out.push(t.as_str());
        match t.as_str() {
            "(" => depth += 1,
            ")" => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    out.join(" ")
}

/// What a `CREATE TABLE` says that no pragma reports: per column its
/// collation, generated expression and conflict clauses; per table the
/// conflict clauses of its constraints and each foreign key's deferral
/// and referenced table; and every CHECK.
struct TableText {
    columns: std::collections::BTreeMap<String, String>,
    table: Vec<String>,
    checks: Vec<String>,
}

fn table_text(sql: &str) -> TableText {
    let mut t = TableText {
        columns: Default::default(),
        table: Vec::new(),
        checks: Vec::new(),
    };
    for item in table_items(sql) {
        let first = item[0].as_str();
        let is_constraint =
            ["constraint", "primary", "unique", "check", "foreign"].contains(&first);
        let mut extra = Vec::new();
        let mut i = 0;
        while i < item.len() {
            let w = item[i].as_str();
            let next = item.get(i + 1).map(String::as_str);
            if w == "check" && next == Some("(") {
                t.checks.push(group(&item, i + 1));
            } else if w == "collate" && next.is_some() {
                extra.push(format!("collate={}", item[i + 1]));
            } else if w == "as" && next == Some("(") && !is_constraint {
                extra.push(format!("generated={}", group(&item, i + 1)));
            } else if w == "on" && next == Some("conflict") {
                extra.push(format!(
                    "on_conflict={}",
                    item.get(i + 2).map(String::as_str).unwrap_or("")
                ));
            } else if w == "references" {
                let deferral: Vec<&str> = item[i..]
                    .iter()
                    .map(String::as_str)
                    .skip_while(|x| *x != "deferrable" && *x != "not")
                    .take_while(|x| {
                        ["not", "deferrable", "initially", "deferred", "immediate"].contains(x)
                    })
                    .collect();
                t.table
                    .push(format!("fk->{} {}", next.unwrap_or(""), deferral.join(" ")));
            }
            i += 1;
        }
        if is_constraint {
            t.table
                .extend(extra.into_iter().filter(|e| e.starts_with("on_conflict")));
        } else {
            t.columns.insert(first.to_string(), extra.join(" "));
        }
    }
    t.table.sort();
    t.checks.sort();
    t
}

/// The fingerprint of the SQLite database at `url` (`sqlite://path`),
/// opened read-only.
pub async fn fingerprint(url: &str) -> Result<Fingerprint, String> {
    let opts = SqliteConnectOptions::from_str(url)
        .map_err(|e| format!("oracle: {e}"))?
        .read_only(true);
    let mut c = SqliteConnection::connect_with(&opts)
        .await
        .map_err(|e| format!("oracle: open: {e}"))?;
    let result = collect(&mut c).await.map_err(|e| format!("oracle: {e}"));
    let _ = c.close().await;
    result
}

async fn collect(c: &mut SqliteConnection) -> Result<Fingerprint, sqlx::Error> {
    let objects = sqlx::query(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master \
         WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut *c)
    .await?;
    let mut rows = Vec::new();
    let mut order = std::collections::BTreeMap::new();
    for o in objects {
        let (kind, name, table, sql): (String, String, String, String) =
            (o.get(0), o.get(1), o.get(2), o.get(3));
        let lname = name.to_lowercase();
        match kind.as_str() {
            "table" | "view" => {
                let text = table_text(&sql);
                let without_rowid =
                    norm(&sql).ends_with("without rowid") || norm(&sql).contains(") without rowid");
                let cols = columns(c, &name, kind == "table", without_rowid, &text).await?;
                order.insert(lname.clone(), cols.iter().map(|(n, _)| n.clone()).collect());
                for (col, v) in cols {
                    rows.push(("column".into(), format!("{lname}.{col}"), v));
                }
                if kind == "view" {
                    rows.push(("view".into(), lname, norm(&sql)));
                } else {
                    rows.extend(table_rows(c, &name, &sql, &text).await?);
                }
            }
            "trigger" => {
                let n = norm(&sql).replace(" for each row", "");
                rows.push((
                    "trigger".into(),
                    format!("{}.{lname}", table.to_lowercase()),
                    n,
                ));
            }
            _ => {} // indexes: with their table
        }
    }
    let mut fp = Fingerprint::from_rows(rows);
    fp.column_order = order;
    Ok(fp)
}

/// `(column, description)` of a table's or view's columns, in order.
async fn columns(
    c: &mut SqliteConnection,
    name: &str,
    is_table: bool,
    without_rowid: bool,
    text: &TableText,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    let cols = sqlx::query(
        "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid",
    )
    .bind(name)
    .fetch_all(&mut *c)
    .await?;
    let pks: Vec<String> = cols
        .iter()
        .filter(|r| r.get::<i64, _>(4) > 0)
        .map(|r| r.get::<String, _>(1).to_lowercase())
        .collect();
    let rowid_alias = is_table && !without_rowid && pks.len() == 1 && pks[0] == "integer";
    let mut out = Vec::new();
    for r in cols {
        let (cname, ty, mut notnull, dflt, pk, hidden): (
            String,
            String,
            i64,
            Option<String>,
            i64,
            i64,
        ) = (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5));
        if pk > 0 && (rowid_alias || without_rowid) {
            notnull = 1;
        }
        let dflt = dflt
            .filter(|d| !d.trim().eq_ignore_ascii_case("null"))
            .map(|d| norm(&d));
        let cname = cname.to_lowercase();
        let extra = text.columns.get(&cname).cloned().unwrap_or_default();
        out.push((
            cname,
            format!(
                "{} notnull={notnull} default={} pk={pk} hidden={hidden} {extra}",
                ty.to_lowercase(),
                dflt.as_deref().unwrap_or("<none>")
            )
            .trim_end()
            .to_string(),
        ));
    }
    Ok(out)
}

/// The table line, its foreign keys and its indexes.
async fn table_rows(
    c: &mut SqliteConnection,
    name: &str,
    sql: &str,
    text: &TableText,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    let lname = name.to_lowercase();
    let options =
        sqlx::query("SELECT wr, strict FROM pragma_table_list WHERE schema = 'main' AND name = ?")
            .bind(name)
            .fetch_optional(&mut *c)
            .await?
            .map(|r| format!("wr={} strict={}", r.get::<i64, _>(0), r.get::<i64, _>(1)))
            .unwrap_or_default();
    let auto = tokens(sql).iter().any(|t| t == "autoincrement");
    let mut out = vec![(
        "table".to_string(),
        lname.clone(),
        format!(
            "{options} autoincrement={auto} checks={:?} clauses={:?}",
            text.checks, text.table
        ),
    )];
    let fks = sqlx::query(
        "SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete, \"match\" \
         FROM pragma_foreign_key_list(?) ORDER BY id, seq",
    )
    .bind(name)
    .fetch_all(&mut *c)
    .await?;
    let mut by_id: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
    for r in fks {
        let to: Option<String> = r.get(4);
        by_id.entry(r.get(0)).or_default().push(format!(
            "{}:{}->{}.{} update={} delete={} match={}",
            r.get::<i64, _>(1),
            r.get::<String, _>(3).to_lowercase(),
            r.get::<String, _>(2).to_lowercase(),
            to.unwrap_or_default().to_lowercase(),
            r.get::<String, _>(5),
            r.get::<String, _>(6),
            r.get::<String, _>(7),
        ));
    }
    let mut fk_lines: Vec<String> = by_id.into_values().map(|v| v.join(",")).collect();
    fk_lines.sort();
    out.extend(
        fk_lines
            .into_iter()
            .map(|f| ("foreign_key".into(), lname.clone(), f)),
    );
    let indexes = sqlx::query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)")
        .bind(name)
        .fetch_all(&mut *c)
        .await?;
    for ix in indexes {
        let (iname, unique, origin, partial): (String, i64, String, i64) =
            (ix.get(0), ix.get(1), ix.get(2), ix.get(3));
        let cols = sqlx::query(
            "SELECT cid, name, \"desc\", coll, key FROM pragma_index_xinfo(?) ORDER BY seqno",
        )
        .bind(&iname)
        .fetch_all(&mut *c)
        .await?;
        let expression = cols.iter().any(|r| r.get::<i64, _>(0) == -2);
        let keys: Vec<String> = cols
            .iter()
            .filter(|r| r.get::<i64, _>(4) == 1)
            .map(|r| {
                let n: Option<String> = r.get(1);
                format!(
                    "{}:{}:{}",
                    n.unwrap_or_default().to_lowercase(),
                    r.get::<i64, _>(2),
                    r.get::<Option<String>, _>(3)
                        .unwrap_or_default()
                        .to_uppercase()
                )
            })
            .collect();
        // An index SQLite made for a key has a generated name: it is
        // named by what it covers instead.
        let label = if origin == "c" {
            iname.to_lowercase()
        } else {
            format!("{origin}:{}", keys.join(","))
        };
        let mut value = format!("unique={unique} origin={origin} partial={partial} cols={keys:?}");
        if partial == 1 || expression {
            let isql: Option<String> =
                sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE name = ?")
                    .bind(&iname)
                    .fetch_optional(&mut *c)
                    .await?
                    .flatten();
            value.push_str(&format!(" sql={}", norm(&isql.unwrap_or_default())));
        }
        out.push(("index".into(), format!("{lname}.{label}"), value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{norm, table_text};
    use crate::oracle::{compare, difference_kind, fingerprint};
    use crate::support::SqliteDb;

    #[test]
    fn tokens_normalize_only_what_sqlite_treats_as_equal() {
        assert_eq!(
            norm("CREATE VIEW \"V\" AS SELECT [a] ,`B`  FROM t -- c\n WHERE x = 'Ab'"),
            norm("create view v as select a, b from T where X='Ab';")
        );
        assert_ne!(norm("SELECT 'Ab'"), norm("SELECT 'ab'"));
        assert_eq!(norm("a>=1"), "a >= 1");
        let t = table_text(
            "CREATE TABLE t (a text COLLATE NOCASE, b int AS (a || 'x') STORED, \
             c int REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED, CHECK (b > 0))",
        );
        assert_eq!(t.columns["a"], "collate=nocase");
        assert_eq!(t.columns["b"], "generated=( a || 'x' )");
        assert_eq!(
            t.table,
            vec!["fk->p deferrable initially deferred".to_string()]
        );
        assert_eq!(t.checks, vec!["( b > 0 )".to_string()]);
    }

    /// Pairs of databases that differ in one thing strata does not model
    /// (or did not, when this was written): the oracle must see it.
    const DIFFERENT: &[(&str, &str, &str, &str)] = &[
        (
            "a column without a type",
            "CREATE TABLE t (a);",
            "CREATE TABLE t (a text);",
            "column differs",
        ),
        (
            "a type name SQLite accepts",
            "CREATE TABLE t (a UNSIGNED BIG INT);",
            "CREATE TABLE t (a bigint);",
            "column differs",
        ),
        (
            "a nullable non-integer primary key",
            "CREATE TABLE t (a text PRIMARY KEY);",
            "CREATE TABLE t (a text NOT NULL PRIMARY KEY);",
            "column notnull differs",
        ),
        (
            "a column's collation",
            "CREATE TABLE t (a text);",
            "CREATE TABLE t (a text COLLATE NOCASE);",
            "column collate differs",
        ),
        (
            "a foreign key's deferral",
            "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (p int REFERENCES p (id));",
            "CREATE TABLE p (id INTEGER PRIMARY KEY); \
             CREATE TABLE c (p int REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED);",
            "table clauses differs",
        ),
    ];

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_oracle_sees_what_strata_does_not_model() {
        let same_a = "CREATE TABLE t (id INTEGER PRIMARY KEY, a int DEFAULT NULL); \
                      CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;";
        let same_b = "CREATE TABLE \"T\" (id INTEGER NOT NULL PRIMARY KEY, a int); \
                      CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW BEGIN SELECT 1; END;";
        let (x, y) = load_both(same_a, same_b).await;
        let c = compare(&x, &y);
        assert!(c.equal, "{:#?}", c.diff);
        for (what, a, b, kind) in DIFFERENT {
            let (x, y) = load_both(a, b).await;
            let c = compare(&y, &x);
            assert!(!c.equal, "{what}: the oracle did not see the difference");
            assert_eq!(difference_kind(&c.diff), *kind, "{what}: {:#?}", c.diff);
        }
    }

    async fn load_both(
        a: &str,
        b: &str,
    ) -> (crate::oracle::Fingerprint, crate::oracle::Fingerprint) {
        let (da, db) = (SqliteDb::create(), SqliteDb::create());
        for (d, sql) in [(&da, a), (&db, b)] {
            crate::client::run_sql(&d.url, sql, std::time::Duration::from_secs(30))
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        (
            fingerprint(&da.url).await.expect("fingerprint"),
            fingerprint(&db.url).await.expect("fingerprint"),
        )
    }
}
