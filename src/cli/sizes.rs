//! Table sizes in hazard messages: when `plan` or `apply` is connected, a
//! hazard that reads or writes every row of a table (`table-rewrite`,
//! `table-rebuild`, `index-build`) says how big the table is, from the
//! server's own estimates (docs/hazards.md). The hazard is the same
//! without a connection; only its message grows.

use std::collections::BTreeMap;

use crate::dialect::Driver;
use crate::diff::Change;
use crate::ir::Name;
use crate::migration::Migration;
use crate::plan::{Hazard, HazardKind};

/// The server's estimates for one table; -1 where it has none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Size {
    rows: i64,
    bytes: i64,
}

/// Whether a hazard's cost grows with the table.
fn sized(h: &Hazard) -> bool {
    matches!(
        h.kind,
        HazardKind::TableRewrite | HazardKind::TableRebuild | HazardKind::IndexBuild
    )
}

/// Adds the size of its table to each sized hazard of the forward plan,
/// on the plan's steps and on the statements of the script that carry
/// them. A table the server cannot estimate is left as it was; a failed
/// query is a warning, not a reason to stop planning.
pub fn annotate(rt: &tokio::runtime::Runtime, d: &dyn Driver, url: &str, m: &mut Migration) {
    let mut sizes: BTreeMap<Name, Option<Size>> = BTreeMap::new();
    for (i, step) in m.plan.steps.iter_mut().enumerate() {
        let Change::AlterTable { from, .. } = &step.change else {
            continue;
        };
        if !step.hazards.iter().any(sized) {
            continue;
        }
        let size = *sizes
            .entry(from.name.clone())
            .or_insert_with(|| estimate(rt, d, url, &from.name));
        let Some(size) = size else { continue };
        let note = describe(&from.name, size);
        for h in step.hazards.iter_mut().filter(|h| sized(h)) {
            let before = std::mem::take(&mut h.message);
            h.message = format!("{before} ({note})");
            let statements = m.up.phases.iter_mut().flat_map(|p| &mut p.statements);
            for st in statements.filter(|st| st.step == Some(i)) {
                for sh in st.hazards.iter_mut() {
                    if sh.kind == h.kind && sh.message == before {
                        sh.message = h.message.clone();
                    }
                }
            }
        }
    }
}

fn estimate(rt: &tokio::runtime::Runtime, d: &dyn Driver, url: &str, table: &Name) -> Option<Size> {
    let [rows, bytes] = d.size_queries(table)?;
    let run = |sql: &str| match rt.block_on(d.count(url, sql)) {
        Ok(n) => Some(n),
        Err(e) => {
            eprintln!("warning: the size of {table} is not known: {e}");
            None
        }
    };
    let size = Size {
        rows: run(&rows)?,
        bytes: run(&bytes)?,
    };
    (size.rows >= 0 || size.bytes >= 0).then_some(size)
}

/// "users holds about 1200 rows, 2.1 MB", or what of it is known.
fn describe(table: &Name, size: Size) -> String {
    let rows = (size.rows >= 0).then(|| format!("about {} rows", size.rows));
    let bytes = (size.bytes >= 0).then(|| human_bytes(size.bytes));
    let known: Vec<String> = rows.into_iter().chain(bytes).collect();
    format!("{table} holds {}", known.join(", "))
}

fn human_bytes(n: i64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = UNITS[0];
    for u in &UNITS[1..] {
        if v < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    format!("{v:.1} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_bytes(512), "512 bytes");
        assert_eq!(human_bytes(8192), "8.0 kB");
        assert_eq!(human_bytes(3 * 1024 * 1024 + 200_000), "3.2 MB");
        let t = Name {
            schema: None,
            name: "users".into(),
        };
        assert_eq!(
            describe(
                &t,
                Size {
                    rows: 1200,
                    bytes: 8192
                }
            ),
            "users holds about 1200 rows, 8.0 kB"
        );
        assert_eq!(
            describe(
                &t,
                Size {
                    rows: -1,
                    bytes: 8192
                }
            ),
            "users holds 8.0 kB"
        );
    }
}
