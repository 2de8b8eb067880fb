//! MySQL's hazards of a change: table copies, index builds, values that
//! may not convert, and (online) what cannot run without blocking writes.
//! They come from the costs [`super::alter::layout`] gives each clause of
//! the statements it lays out, and from how those clauses share a
//! statement; no SQL is written here. The emitter puts the very same
//! hazards on its statements ([`statement`]), so what the planner is told
//! is what the script says. What is instant depends on the server
//! ([`layout`]): the one read when connected, else `server_version`,
//! else MySQL 8.0.29 (docs/hazards.md, "Server versions").

use std::collections::BTreeSet;

use super::alter::{self, Action, Algo, Clause, Statement};
use super::quote;
use crate::dialect::version::{Product, ServerVersion};
use crate::dialect::EmitOptions;
use crate::diff::{Change, TableChange};
use crate::ir::{DialectKind, Table};
use crate::plan::{Hazard, HazardKind};

/// Hazards of a whole change, for the planner. Only a change to a table
/// has any; one the emitter refuses (an exclusion constraint) has none.
pub fn hazards(change: &Change, options: &EmitOptions) -> Vec<Hazard> {
    let Change::AlterTable { from, to, changes } = change else {
        return Vec::new();
    };
    let refused = changes.iter().any(|c| {
        matches!(
            c,
            TableChange::AddExclusion(_) | TableChange::DropExclusion(_)
        )
    });
    if refused {
        return Vec::new();
    }
    let table = quote::name(&to.name);
    let mut out: Vec<Hazard> = Vec::new();
    for s in layout(from, to, changes, options) {
        if let Statement::Alter(clauses) = s {
            for h in statement(&table, &clauses, options.online) {
                if !out.contains(&h) {
                    out.push(h);
                }
            }
        }
    }
    out
}

/// The statements of [`alter::layout`], fitted to the server: a clause
/// that only later releases make instant is done in place instead, and
/// says so where that rebuilds the table. The emitter writes these.
pub(super) fn layout<'a>(
    from: &'a Table,
    to: &'a Table,
    changes: &'a [TableChange],
    options: &EmitOptions,
) -> Vec<Statement<'a>> {
    let server = options.server(DialectKind::Mysql);
    let mut out = alter::layout(from, to, changes);
    for s in &mut out {
        if let Statement::Alter(clauses) = s {
            fit(to, clauses, &server);
        }
    }
    out
}

/// What a server does with `ALGORITHM=INSTANT`.
struct Instant {
    /// Any instant change at all (the keyword exists).
    any: bool,
    /// `ADD COLUMN` as the last column.
    add_last: bool,
    /// `ADD COLUMN` anywhere, and `DROP COLUMN`.
    anywhere: bool,
    /// `RENAME COLUMN` (MySQL makes it instant later than the rest).
    rename: bool,
}

impl Instant {
    fn of(server: &ServerVersion) -> Instant {
        let mysql = |v| server.at_least(Product::Mysql, v);
        let mariadb = |v| server.at_least(Product::Mariadb, v);
        let any = mysql((8, 0, 12)) || mariadb((10, 3, 0));
        Instant {
            any,
            add_last: any,
            anywhere: mysql((8, 0, 29)) || mariadb((10, 4, 0)),
            rename: mysql((8, 0, 28)) || mariadb((10, 3, 0)),
        }
    }
}

/// Lowers each instant clause the server cannot make instant to
/// `INPLACE`: a metadata change stays cheap, an added or dropped column
/// rebuilds the table (writes go on) and carries `table-rewrite`.
fn fit(to: &Table, clauses: &mut [Clause<'_>], server: &ServerVersion) {
    let can = Instant::of(server);
    let added: BTreeSet<&str> = clauses
        .iter()
        .filter_map(|c| match &c.action {
            Action::AddColumn(col, _) => Some(col.name.as_str()),
            _ => None,
        })
        .collect();
    let t = quote::name(&to.name);
    for c in clauses.iter_mut().filter(|c| c.algo == Algo::Instant) {
        let rebuilt = match &c.action {
            Action::AddColumn(col, _) => {
                let at = to.columns.iter().position(|x| x.name == col.name);
                let last = at.is_some_and(|i| {
                    to.columns[i + 1..]
                        .iter()
                        .all(|x| added.contains(x.name.as_str()))
                });
                let instant = can.anywhere || (last && can.add_last);
                (!instant)
                    .then(|| format!("adding {t}.{} rebuilds the table on {server}", col.name))
            }
            Action::DropColumn(name) => (!can.anywhere)
                .then(|| format!("dropping {t}.{name} rebuilds the table on {server}")),
            Action::RenameColumn { .. } if !can.rename => {
                c.algo = Algo::Inplace;
                None
            }
            _ => {
                if !can.any {
                    c.algo = Algo::Inplace;
                }
                None
            }
        };
        if let Some(why) = rebuilt {
            c.algo = Algo::Inplace;
            c.why = Some(why.clone());
            c.hazards.push(Hazard {
                kind: HazardKind::TableRewrite,
                message: format!("{why}, in place: writes go on"),
                acknowledged: None,
            });
        }
    }
}

/// The hazards of one `ALTER TABLE` of merged clauses on `table` (its
/// quoted name): each clause's own, and what the statement as a whole
/// costs. In online mode the least algorithm every clause allows is
/// requested, so that the server refuses rather than silently locking; a
/// clause that needs COPY, or a FULLTEXT/SPATIAL build, blocks writes.
pub(super) fn statement(table: &str, clauses: &[Clause<'_>], online: bool) -> Vec<Hazard> {
    let mut hazards: Vec<Hazard> = Vec::new();
    for c in clauses {
        for h in &c.hazards {
            if !hazards.contains(h) {
                hazards.push(h.clone());
            }
        }
    }
    let algo = alter::algorithm(clauses);
    let why = || {
        clauses
            .iter()
            .filter(|c| c.algo == Algo::Copy)
            .filter_map(|c| c.why.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    if online {
        match algo {
            // A FULLTEXT or SPATIAL build's clause carries its own lock
            // hazard (`alter::add_index`), online or not.
            Algo::Instant | Algo::Inplace | Algo::InplaceShared => {}
            Algo::Copy => hazards.push(Hazard {
                kind: HazardKind::AccessExclusiveLock,
                message: format!(
                    "cannot run online: {}; writes to {table} wait until it ends",
                    why()
                ),
                acknowledged: None,
            }),
        }
    } else if algo == Algo::Copy && !hazards.iter().any(|h| h.kind == HazardKind::TableRewrite) {
        hazards.push(Hazard {
            kind: HazardKind::TableRewrite,
            message: why(),
            acknowledged: None,
        });
    }
    hazards
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Column, Name};

    fn table(cols: &[&str]) -> Table {
        let mut t = Table::new(Name::new("t"));
        for c in cols {
            let mut col = Column::new(*c, "int");
            col.nullable = true;
            t.columns.push(col);
        }
        t
    }

    /// The least algorithm of the main statement, and whether it carries
    /// `table-rewrite`, on `server`.
    fn cost(
        from: &Table,
        to: &Table,
        changes: &[TableChange],
        server: ServerVersion,
    ) -> (Algo, bool) {
        let options = EmitOptions {
            server: Some(server),
            ..EmitOptions::default()
        };
        let statements = layout(from, to, changes, &options);
        let Some(Statement::Alter(clauses)) = statements.last() else {
            panic!("no ALTER TABLE");
        };
        let rewrite = statement("`t`", clauses, false)
            .iter()
            .any(|h| h.kind == HazardKind::TableRewrite);
        (alter::algorithm(clauses), rewrite)
    }

    fn add(from: &[&str], to: &[&str], col: &str) -> (Table, Table, Vec<TableChange>) {
        let (a, b) = (table(from), table(to));
        let c = b.columns.iter().find(|c| c.name == col).cloned();
        (a, b, c.map(TableChange::AddColumn).into_iter().collect())
    }

    const MYSQL_8_0_11: ServerVersion = ServerVersion {
        product: Product::Mysql,
        version: (8, 0, 11),
    };
    const MYSQL_8_0_12: ServerVersion = ServerVersion {
        product: Product::Mysql,
        version: (8, 0, 12),
    };
    const MYSQL_8_0_29: ServerVersion = ServerVersion {
        product: Product::Mysql,
        version: (8, 0, 29),
    };
    const MARIADB_10_2: ServerVersion = ServerVersion {
        product: Product::Mariadb,
        version: (10, 2, 44),
    };
    const MARIADB_10_3: ServerVersion = ServerVersion {
        product: Product::Mariadb,
        version: (10, 3, 0),
    };
    const MARIADB_10_11: ServerVersion = ServerVersion {
        product: Product::Mariadb,
        version: (10, 11, 6),
    };

    #[test]
    fn a_column_added_last_is_instant_from_8_0_12_and_mariadb_10_3() {
        let (a, b, ch) = add(&["id"], &["id", "x"], "x");
        assert_eq!(cost(&a, &b, &ch, MYSQL_8_0_11), (Algo::Inplace, true));
        assert_eq!(cost(&a, &b, &ch, MYSQL_8_0_12), (Algo::Instant, false));
        assert_eq!(cost(&a, &b, &ch, MARIADB_10_2), (Algo::Inplace, true));
        assert_eq!(cost(&a, &b, &ch, MARIADB_10_3), (Algo::Instant, false));
    }

    #[test]
    fn a_column_added_in_the_middle_is_instant_from_8_0_29_and_mariadb_10_4() {
        let (a, b, ch) = add(&["id", "z"], &["id", "x", "z"], "x");
        assert_eq!(cost(&a, &b, &ch, MYSQL_8_0_12), (Algo::Inplace, true));
        assert_eq!(cost(&a, &b, &ch, MYSQL_8_0_29), (Algo::Instant, false));
        assert_eq!(cost(&a, &b, &ch, MARIADB_10_3), (Algo::Inplace, true));
        assert_eq!(cost(&a, &b, &ch, MARIADB_10_11), (Algo::Instant, false));
    }

    #[test]
    fn a_dropped_column_is_instant_from_8_0_29_and_mariadb_10_4() {
        let (a, b) = (table(&["id", "x"]), table(&["id"]));
        let ch = vec![TableChange::DropColumn(a.columns[1].clone())];
        assert_eq!(cost(&a, &b, &ch, MYSQL_8_0_12), (Algo::Inplace, true));
        assert_eq!(cost(&a, &b, &ch, MYSQL_8_0_29), (Algo::Instant, false));
        assert_eq!(cost(&a, &b, &ch, MARIADB_10_3), (Algo::Inplace, true));
        assert_eq!(cost(&a, &b, &ch, MARIADB_10_11), (Algo::Instant, false));
    }

    #[test]
    fn a_rename_stays_cheap_where_instant_is_missing() {
        let (a, mut b) = (table(&["id", "x"]), table(&["id", "x"]));
        b.columns[1].name = "y".into();
        let ch = vec![TableChange::RenameColumn {
            from: "x".into(),
            to: "y".into(),
        }];
        assert_eq!(cost(&a, &b, &ch, MYSQL_8_0_12), (Algo::Inplace, false));
        assert_eq!(cost(&a, &b, &ch, MYSQL_8_0_29), (Algo::Instant, false));
    }

    #[test]
    fn online_a_rebuild_asks_for_inplace_not_instant() {
        let (a, b, ch) = add(&["id", "z"], &["id", "x", "z"], "x");
        let change = Change::AlterTable {
            from: a,
            to: b,
            changes: ch,
        };
        let options = EmitOptions {
            online: true,
            server: Some(MYSQL_8_0_12),
            ..EmitOptions::default()
        };
        let h = hazards(&change, &options);
        assert!(
            h.iter().any(|h| h.kind == HazardKind::TableRewrite),
            "{h:?}"
        );
        assert!(!h.iter().any(|h| h.kind == HazardKind::AccessExclusiveLock));
        let script = crate::dialect::for_kind(DialectKind::Mysql)
            .emit(
                &crate::plan::Plan {
                    steps: vec![crate::plan::Step {
                        change,
                        hazards: vec![],
                    }],
                },
                &options,
            )
            .map(|s| s.statements().map(|s| s.sql.clone()).collect::<Vec<_>>());
        let sql = script.unwrap_or_default().join("\n");
        assert!(sql.contains("ALGORITHM=INPLACE"), "{sql}");
    }

    /// A FULLTEXT or SPATIAL build blocks writes: its lock hazard is there
    /// with `--online` and without, and the online statement asks for
    /// `LOCK=SHARED`, never `LOCK=NONE`. Before, a plain plan said only
    /// `index_build`.
    #[test]
    fn a_fulltext_build_says_it_blocks_writes() {
        let (mut from, mut to) = (table(&["id"]), table(&["id"]));
        for t in [&mut from, &mut to] {
            t.columns.push(Column::new("body", "text"));
        }
        for (method, name) in [("fulltext", "ft"), ("spatial", "sp")] {
            let mut ix = crate::ir::Index::on_columns(Some(name), &["body"]);
            ix.method = Some(method.into());
            let mut to = to.clone();
            to.indexes.push(ix.clone());
            let change = Change::AlterTable {
                from: from.clone(),
                to,
                changes: vec![TableChange::AddIndex(ix)],
            };
            for online in [false, true] {
                let options = EmitOptions {
                    online,
                    ..EmitOptions::default()
                };
                let h = hazards(&change, &options);
                let kinds: Vec<HazardKind> = h.iter().map(|h| h.kind).collect();
                assert!(kinds.contains(&HazardKind::IndexBuild), "{h:?}");
                assert_eq!(
                    kinds
                        .iter()
                        .filter(|k| **k == HazardKind::AccessExclusiveLock)
                        .count(),
                    1,
                    "{h:?}"
                );
                let plan = crate::plan::Plan {
                    steps: vec![crate::plan::Step {
                        change: change.clone(),
                        hazards: vec![],
                    }],
                };
                let sql = crate::dialect::for_kind(DialectKind::Mysql)
                    .emit(&plan, &options)
                    .map(|s| s.statements().map(|s| s.sql.clone()).collect::<Vec<_>>())
                    .unwrap_or_default()
                    .join("\n");
                assert!(!sql.contains("LOCK=NONE"), "{sql}");
                assert_eq!(sql.contains("LOCK=SHARED"), online, "{sql}");
            }
        }
    }
}
