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
                (!instant).then(|| format!("adding {t}.{} rebuilds the table on {server}", col.name))
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
            Algo::Instant | Algo::Inplace => {}
            Algo::InplaceShared => hazards.push(Hazard {
                kind: HazardKind::AccessExclusiveLock,
                message: format!(
                    "a FULLTEXT or SPATIAL index build on {table} blocks writes while it runs"
                ),
                acknowledged: None,
            }),
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
