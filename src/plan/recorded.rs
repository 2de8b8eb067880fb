//! Ordering edges from the dependencies the server records
//! ([`crate::ir::Depends`]), beside the planner's own ([`super::edges`]).
//!
//! The database a plan starts from orders what the plan drops or alters:
//! an object that leans on another there is dropped (or changed) before
//! that one is dropped. The desired side orders what the plan makes, when
//! it is a database; a desired schema read from files has no such record,
//! and the planner's own edges (names scanned from the schema) order its
//! creations. A recorded edge never overrides the planner's: one that
//! would close a cycle is left out ([`acyclic`]).

use std::collections::{BTreeMap, BTreeSet};

use petgraph::algo::tarjan_scc;
use petgraph::graph::DiGraph;

use super::edges::{Deps, Obj};
use crate::diff::Change;
use crate::ir::Depends;

/// The server's records a plan is ordered by: `old` those of the database
/// it starts from, `new` those of the desired database, if it is one.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recorded<'a> {
    pub old: Option<&'a Depends>,
    pub new: Option<&'a Depends>,
}

/// Whether a change brings a new object into being (its `provides` are
/// not an old object's new shape).
fn creates(change: &Change) -> bool {
    matches!(
        change,
        Change::CreateNamespace(_)
            | Change::CreateExtension(_)
            | Change::CreateEnum(_)
            | Change::CreateSequence(_)
            | Change::CreateTable(_)
            | Change::CreateView(_)
            | Change::CreateFunction(_)
            | Change::CreateTrigger(_)
            | Change::CreatePolicy(_)
            | Change::CreateDomain(_)
            | Change::CreateComposite(_)
            | Change::CreateRange(_)
            | Change::CreateCollation(_)
            | Change::CreateTextSearchConfig(_)
            | Change::CreateEvent(_)
            | Change::Grant(_)
    )
}

/// `(before, after)` pairs of change numbers the records ask for: a change
/// dropping or altering a dependent of the old database before the one
/// dropping what it leans on; one making what a dependent of the new
/// database leans on before the one making the dependent.
pub fn edges(
    all: &[(usize, Deps)],
    changes: &[Option<Change>],
    recorded: Recorded,
) -> BTreeSet<(usize, usize)> {
    let mut out = BTreeSet::new();
    if recorded.old.is_none() && recorded.new.is_none() {
        return out;
    }
    let mut providers: BTreeMap<&Obj, Vec<usize>> = BTreeMap::new();
    let mut removers: BTreeMap<&Obj, Vec<usize>> = BTreeMap::new();
    // What a change drops or alters: the old object it touches.
    let mut touchers: BTreeMap<&Obj, Vec<usize>> = BTreeMap::new();
    for (id, d) in all {
        let alters = !changes[*id].as_ref().is_some_and(creates);
        for o in &d.provides {
            providers.entry(o).or_default().push(*id);
            if alters {
                touchers.entry(o).or_default().push(*id);
            }
        }
        for o in &d.removes {
            removers.entry(o).or_default().push(*id);
            touchers.entry(o).or_default().push(*id);
        }
    }
    let mut pairs = |deps: &Depends,
                     first: &BTreeMap<&Obj, Vec<usize>>,
                     then: &BTreeMap<&Obj, Vec<usize>>,
                     dependent_first: bool| {
        for (dependent, referenced) in &deps.edges {
            let (a, b) = if dependent_first {
                (
                    Obj::Object(dependent.lowercased()),
                    Obj::Object(referenced.lowercased()),
                )
            } else {
                (
                    Obj::Object(referenced.lowercased()),
                    Obj::Object(dependent.lowercased()),
                )
            };
            for x in first.get(&a).into_iter().flatten() {
                for y in then.get(&b).into_iter().flatten() {
                    if x != y {
                        out.insert((*x, *y));
                    }
                }
            }
        }
    };
    if let Some(old) = recorded.old {
        pairs(old, &touchers, &removers, true);
    }
    if let Some(new) = recorded.new {
        pairs(new, &providers, &providers, false);
    }
    out
}

/// The recorded edges that close no cycle with the planner's own: the
/// server's record is of one database, and a plan may reverse what it
/// records (a function made anew that a check of an altered table calls),
/// which the planner's own edges already order.
pub fn acyclic(
    own: &BTreeSet<(usize, usize)>,
    recorded: BTreeSet<(usize, usize)>,
    nodes: usize,
) -> BTreeSet<(usize, usize)> {
    if recorded.is_empty() {
        return recorded;
    }
    let mut graph: DiGraph<(), ()> = DiGraph::new();
    let ix: Vec<_> = (0..nodes).map(|_| graph.add_node(())).collect();
    for &(a, b) in own.iter().chain(&recorded) {
        if a < nodes && b < nodes && a != b {
            graph.add_edge(ix[a], ix[b], ());
        }
    }
    let mut component = vec![usize::MAX; nodes];
    for (c, scc) in tarjan_scc(&graph).into_iter().enumerate() {
        for n in scc {
            component[n.index()] = c;
        }
    }
    recorded
        .into_iter()
        .filter(|&(a, b)| component[a] != component[b])
        .collect()
}
