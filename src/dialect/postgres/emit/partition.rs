//! A table attached to a partitioned table, or detached from it, in place
//! (`diff::attach`): its rows stay.
//!
//! `ATTACH PARTITION` checks that every row of the table fits the bound:
//! it scans the table under its lock, unless a valid check constraint
//! already implies the bound. Online, where the bound can be written as
//! such a check (a range or a list over one column), the check is added
//! `NOT VALID` in the main transaction and validated after it (`VALIDATE`
//! holds a lock that lets reads and writes through), then the table is
//! attached without a scan and the check dropped: pg-schema-diff's and
//! Atlas's practice. The attach then runs after the concurrent index
//! builds, so that the indexes made for the parent's are there to be
//! taken over rather than built under the lock.

use super::table::validate;
use super::Ctx;
use crate::dialect::postgres::hazards;
use crate::dialect::postgres::quote::{ident, name as qname};
use crate::ir::{Expr, Name};

/// `ALTER TABLE parent ATTACH PARTITION table FOR VALUES …`.
pub(super) fn attach(
    cx: &mut Ctx<'_>,
    table: &Name,
    parent: &Name,
    bound: &Expr,
    key: &Option<Expr>,
) {
    let sql = format!(
        "ALTER TABLE {} ATTACH PARTITION {} {}",
        qname(parent),
        qname(table),
        for_values(bound)
    );
    // The may-fail hazard is the planner's (`plan::hazard::partition_bound`).
    let hz = hazards::attach_partition(table, parent, cx.online);
    if !cx.online {
        cx.push(sql, hz);
        return;
    }
    let Some(check) = key
        .as_ref()
        .and_then(|k| bound_check(k.as_str(), bound.as_str()))
    else {
        let st = cx.stmt(sql, hz);
        cx.out.validate.push(st);
        return;
    };
    let name = check_name(&table.name);
    cx.push(
        format!(
            "ALTER TABLE {} ADD CONSTRAINT {} CHECK ({check}) NOT VALID",
            qname(table),
            ident(&name)
        ),
        vec![],
    );
    validate(cx, table, &name);
    let st = cx.stmt(sql, hz);
    cx.out.validate.push(st);
    let drop = cx.stmt(
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            qname(table),
            ident(&name)
        ),
        vec![],
    );
    cx.out.validate.push(drop);
}

/// `ALTER TABLE parent DETACH PARTITION table`. Not `CONCURRENTLY`: that
/// cannot run in a transaction block, refuses a parent with a default
/// partition, and leaves a check of the bound on the table under a name
/// the server picks.
pub(super) fn detach(cx: &mut Ctx<'_>, table: &Name, parent: &Name) {
    cx.push(
        format!(
            "ALTER TABLE {} DETACH PARTITION {}",
            qname(parent),
            qname(table)
        ),
        hazards::detach_partition(table, parent),
    );
}

/// `FOR VALUES …`, or `DEFAULT`.
fn for_values(bound: &Expr) -> String {
    if bound.as_str().eq_ignore_ascii_case("default") {
        "DEFAULT".to_string()
    } else {
        format!("FOR VALUES {bound}")
    }
}

/// The name of the online check of `table`'s bound, within 63 bytes.
fn check_name(table: &str) -> String {
    let mut name = format!("strata_bound_{table}");
    let mut cut = name.len().min(63);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    name.truncate(cut);
    name
}

/// The check equal to the partition constraint of `bound` under `key`
/// (`range (at)`, `list (site)`), where the key is one column and the
/// bound a range or a list: what `DETACH … CONCURRENTLY` leaves behind.
/// `None` for anything else (hash, default, several columns, an
/// expression): the attach then scans.
fn bound_check(key: &str, bound: &str) -> Option<String> {
    // `range (at)` as written, `range(at)` as normalized.
    let open = key.find('(')?;
    let (method, rest) = (key[..open].trim(), &key[open..]);
    let column = single_column(rest)?;
    let col = ident(&column);
    match method.to_ascii_lowercase().as_str() {
        "range" => {
            let rest = bound.trim().strip_prefix("FROM")?;
            let (low, rest) = parenthesized(rest)?;
            let (high, rest) = parenthesized(rest.trim_start().strip_prefix("TO")?)?;
            if !rest.trim().is_empty() || low.contains(',') || high.contains(',') {
                return None;
            }
            let mut parts = vec![format!("{col} IS NOT NULL")];
            if !low.eq_ignore_ascii_case("MINVALUE") {
                parts.push(format!("{col} >= {low}"));
            }
            if !high.eq_ignore_ascii_case("MAXVALUE") {
                parts.push(format!("{col} < {high}"));
            }
            Some(parts.join(" AND "))
        }
        "list" => {
            let (values, rest) = parenthesized(bound.trim().strip_prefix("IN")?)?;
            if !rest.trim().is_empty() {
                return None;
            }
            let items = split_values(values)?;
            let (nulls, rest): (Vec<&str>, Vec<&str>) =
                items.iter().partition(|v| v.eq_ignore_ascii_case("NULL"));
            let listed = format!("{col} IN ({})", rest.join(", "));
            Some(match (nulls.is_empty(), rest.is_empty()) {
                (true, _) => format!("{col} IS NOT NULL AND {listed}"),
                (false, true) => format!("{col} IS NULL"),
                (false, false) => format!("({col} IS NULL OR {listed})"),
            })
        }
        _ => None,
    }
}

/// `(at)` or `("At")` → the column's name; `None` for several columns or
/// an expression.
fn single_column(s: &str) -> Option<String> {
    let (inner, rest) = parenthesized(s)?;
    if !rest.trim().is_empty() {
        return None;
    }
    let inner = inner.trim();
    if let Some(q) = inner.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        return (!q.replace("\"\"", "").contains('"')).then(|| q.replace("\"\"", "\""));
    }
    let plain = !inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    plain.then(|| inner.to_string())
}

/// The text inside the parentheses `s` opens with (quotes respected), and
/// what follows them.
fn parenthesized(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    let body = s.strip_prefix('(')?;
    let (mut depth, mut quote) = (1usize, false);
    for (i, c) in body.char_indices() {
        match c {
            '\'' => quote = !quote,
            '(' if !quote => depth += 1,
            ')' if !quote => {
                depth -= 1;
                if depth == 0 {
                    return Some((body[..i].trim(), &body[i + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

/// A list's values, split at top-level commas; `None` when one is not a
/// plain literal (a nested list or call).
fn split_values(s: &str) -> Option<Vec<&str>> {
    let mut out = Vec::new();
    let (mut start, mut quote) = (0, false);
    for (i, c) in s.char_indices() {
        match c {
            '\'' => quote = !quote,
            '(' | ')' if !quote => return None,
            ',' if !quote => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    (!out.iter().any(|v| v.is_empty())).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::bound_check;

    #[test]
    fn range_and_list_bounds_become_checks() {
        assert_eq!(
            bound_check("range (at)", "FROM ('2024-01-01') TO ('2025-01-01')").as_deref(),
            Some("\"at\" IS NOT NULL AND \"at\" >= '2024-01-01' AND \"at\" < '2025-01-01'")
        );
        assert_eq!(
            bound_check("range(n)", "FROM (MINVALUE) TO (10)").as_deref(),
            Some("\"n\" IS NOT NULL AND \"n\" < 10")
        );
        assert_eq!(
            bound_check("list (site)", "IN ('a,b', 'c')").as_deref(),
            Some("\"site\" IS NOT NULL AND \"site\" IN ('a,b', 'c')")
        );
        assert_eq!(
            bound_check("list (\"Site\")", "IN (NULL, 'c')").as_deref(),
            Some("(\"Site\" IS NULL OR \"Site\" IN ('c'))")
        );
    }

    #[test]
    fn other_bounds_have_no_check() {
        assert_eq!(
            bound_check("hash (id)", "WITH (modulus 4, remainder 0)"),
            None
        );
        assert_eq!(bound_check("range (a, b)", "FROM (1, 2) TO (3, 4)"), None);
        assert_eq!(bound_check("range (lower(s))", "FROM ('a') TO ('b')"), None);
        assert_eq!(bound_check("list (site)", "DEFAULT"), None);
    }
}
