//! The counting queries, one per statement of the plan that data can
//! make fail. Names go through the dialect's `quote_ident`; check
//! expressions are the schema's own SQL, pasted as the emitter pastes
//! them.

use crate::dialect::Driver;
use crate::diff::{Change, TableChange};
use crate::ir::{Column, ForeignKey, IndexKey, Name, Table};
use crate::plan::Plan;

/// One counting query and what its count means. A saved plan records
/// its probes (docs/saved-plans.md), so that `apply --plan` checks the
/// data as a live apply does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Probe {
    pub sql: String,
    /// What the rows are, `{have}` standing for the verb
    /// ("in users {have} the same email").
    pub rows_are: String,
    /// The statement that would fail ("the new unique index users_email").
    pub guards: String,
}

impl Probe {
    /// "3 rows in users have …", "1 row in users has …".
    pub fn message(&self, rows: i64) -> String {
        let (n, have) = if rows == 1 {
            ("1 row".to_string(), "has")
        } else {
            (format!("{rows} rows"), "have")
        };
        let what = self.rows_are.replace("{have}", have);
        format!("{n} {what}: {} would fail", self.guards)
    }
}

/// The probes of every change to an existing table (a new table has no
/// rows to fail on).
pub fn probes(d: &dyn Driver, plan: &Plan) -> Vec<Probe> {
    let created: Vec<&Name> = plan
        .steps
        .iter()
        .filter_map(|s| match &s.change {
            Change::CreateTable(t) => Some(&t.name),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for step in &plan.steps {
        if let Change::AlterTable { from, changes, .. } = &step.change {
            let q = Quoted { d, table: from };
            for c in changes {
                out.extend(probe(&q, c, &created));
            }
        }
    }
    out
}

struct Quoted<'a> {
    d: &'a dyn Driver,
    /// The table as it stands before the plan: the probes read it.
    table: &'a Table,
}

impl Quoted<'_> {
    fn name(&self, n: &Name) -> String {
        match &n.schema {
            Some(ns) => format!("{}.{}", self.d.quote_ident(ns), self.d.quote_ident(&n.name)),
            None => self.d.quote_ident(&n.name),
        }
    }
    fn table(&self) -> String {
        self.name(&self.table.name)
    }
    fn col(&self, c: &str) -> String {
        self.d.quote_ident(c)
    }
    fn has(&self, c: &str) -> bool {
        self.table.columns.iter().any(|col| col.name == c)
    }
}

fn probe(q: &Quoted, change: &TableChange, created: &[&Name]) -> Vec<Probe> {
    let t = q.table();
    let label = &q.table.name.name;
    match change {
        TableChange::AlterColumn { from, to, what } => {
            let mut found = Vec::new();
            if what.nullable && !to.nullable && q.has(&from.name) {
                found.push(Probe {
                    sql: format!(
                        "SELECT COUNT(*) FROM {t} WHERE {} IS NULL",
                        q.col(&from.name)
                    ),
                    rows_are: format!("in {label} {{have}} NULL in {}", from.name),
                    guards: format!("making {label}.{} NOT NULL", to.name),
                });
            }
            if what.ty {
                found.extend(narrowing(q, from, to));
            }
            found
        }
        TableChange::AddUnique(u) => {
            let cols: Vec<&str> = u.columns.iter().map(String::as_str).collect();
            let name = u.name.clone().unwrap_or_else(|| cols.join("_"));
            duplicates(q, &cols, &format!("the new unique key {name}"))
                .into_iter()
                .collect()
        }
        TableChange::AddIndex(ix) if ix.unique && ix.predicate.is_none() => {
            let cols: Option<Vec<&str>> = ix
                .parts
                .iter()
                .map(|p| match &p.key {
                    IndexKey::Column(c) if p.length.is_none() => Some(c.as_str()),
                    _ => None,
                })
                .collect();
            let name = ix.name.clone().unwrap_or_default();
            cols.and_then(|cols| duplicates(q, &cols, &format!("the new unique index {name}")))
                .into_iter()
                .collect()
        }
        TableChange::AddForeignKey(fk) if !fk.not_valid => {
            orphans(q, fk, created).into_iter().collect()
        }
        TableChange::AddCheck(c) if !c.not_valid => {
            let name = c.name.clone().unwrap_or_default();
            vec![Probe {
                sql: format!("SELECT COUNT(*) FROM {t} WHERE NOT ({})", c.expr.as_str()),
                rows_are: format!(
                    "in {label} {{have}} values the check ({}) rejects",
                    c.expr.as_str()
                ),
                guards: format!("the new check {name}"),
            }]
        }
        _ => Vec::new(),
    }
}

/// Rows whose key is set and matches no row of the referenced table
/// (unless that table is new in this plan: nothing to read yet).
fn orphans(q: &Quoted, fk: &ForeignKey, created: &[&Name]) -> Option<Probe> {
    if created.contains(&&fk.ref_table) || !fk.columns.iter().all(|c| q.has(c)) {
        return None;
    }
    let not_null = fk
        .columns
        .iter()
        .map(|c| format!("c.{} IS NOT NULL", q.col(c)))
        .collect::<Vec<_>>()
        .join(" AND ");
    let matches = fk
        .columns
        .iter()
        .zip(&fk.ref_columns)
        .map(|(c, r)| format!("p.{} = c.{}", q.col(r), q.col(c)))
        .collect::<Vec<_>>()
        .join(" AND ");
    let name = fk.name.clone().unwrap_or_default();
    Some(Probe {
        sql: format!(
            "SELECT COUNT(*) FROM {} c WHERE {not_null} AND NOT EXISTS (SELECT 1 FROM {} p WHERE {matches})",
            q.table(),
            q.name(&fk.ref_table)
        ),
        rows_are: format!(
            "in {} point at no row of {}",
            q.table.name.name, fk.ref_table.name
        ),
        guards: format!("the new foreign key {name}"),
    })
}

/// Rows that share a value of `cols` (NULLs never collide).
fn duplicates(q: &Quoted, cols: &[&str], guards: &str) -> Option<Probe> {
    if cols.is_empty() || !cols.iter().all(|c| q.has(c)) {
        return None;
    }
    let list = cols.iter().map(|c| q.col(c)).collect::<Vec<_>>().join(", ");
    let not_null = cols
        .iter()
        .map(|c| format!("{} IS NOT NULL", q.col(c)))
        .collect::<Vec<_>>()
        .join(" AND ");
    Some(Probe {
        // Rows whose key occurs more than once; COUNT(*) reads as a
        // 64-bit integer everywhere, where SUM would not.
        sql: format!(
            "SELECT COUNT(*) FROM {t} WHERE ({list}) IN (SELECT {list} FROM {t} WHERE {not_null} GROUP BY {list} HAVING COUNT(*) > 1)",
            t = q.table()
        ),
        rows_are: format!(
            "in {} {{have}} the same {}",
            q.table.name.name,
            cols.join(", ")
        ),
        guards: guards.to_string(),
    })
}

/// Values a narrower type cannot hold: a shorter character length, or a
/// smaller integer.
fn narrowing(q: &Quoted, from: &Column, to: &Column) -> Option<Probe> {
    if !q.has(&from.name) {
        return None;
    }
    let c = q.col(&from.name);
    let label = format!("{}.{}", q.table.name.name, from.name);
    let condition = match (length(from.ty.as_str()), length(to.ty.as_str())) {
        (Some(a), Some(b)) if b < a => format!("CHAR_LENGTH({c}) > {b}"),
        (None, Some(b)) if is_text(from.ty.as_str()) => format!("CHAR_LENGTH({c}) > {b}"),
        _ => {
            let (lo, hi) = int_range(to.ty.as_str())?;
            let (flo, fhi) = int_range(from.ty.as_str())?;
            if lo <= flo && fhi <= hi {
                return None;
            }
            format!("{c} < {lo} OR {c} > {hi}")
        }
    };
    Some(Probe {
        sql: format!("SELECT COUNT(*) FROM {} WHERE {condition}", q.table()),
        rows_are: format!(
            "in {} {{have}} a value in {label} that {} cannot hold",
            q.table.name.name, to.ty
        ),
        guards: format!("changing {label} to {}", to.ty),
    })
}

/// N of `varchar(N)`, `character varying(N)`, `char(N)`.
fn length(ty: &str) -> Option<u64> {
    let t = ty.to_ascii_lowercase();
    let (base, rest) = t.split_once('(')?;
    let base = base.trim();
    if !matches!(
        base,
        "varchar" | "character varying" | "char" | "character" | "nvarchar"
    ) {
        return None;
    }
    rest.trim_end_matches(')').trim().parse().ok()
}

fn is_text(ty: &str) -> bool {
    matches!(
        ty.to_ascii_lowercase().as_str(),
        "text" | "varchar" | "character varying" | "longtext" | "mediumtext"
    )
}

/// The range of an integer type, signed or MySQL unsigned.
fn int_range(ty: &str) -> Option<(i128, i128)> {
    let t = ty.to_ascii_lowercase();
    let unsigned = t.contains("unsigned");
    let base = t.split(['(', ' ']).next()?.trim();
    let bits: u32 = match base {
        "tinyint" => 8,
        "smallint" | "int2" => 16,
        "mediumint" => 24,
        "int" | "integer" | "int4" => 32,
        "bigint" | "int8" => 64,
        _ => return None,
    };
    Some(if unsigned {
        (0, (1i128 << bits) - 1)
    } else {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_ranges() {
        assert_eq!(length("varchar(20)"), Some(20));
        assert_eq!(length("character varying(5)"), Some(5));
        assert_eq!(length("text"), None);
        assert_eq!(int_range("smallint"), Some((-32768, 32767)));
        assert_eq!(int_range("int unsigned"), Some((0, 4_294_967_295)));
        assert_eq!(int_range("numeric(3)"), None);
    }
}
