//! The dependency graph of a set of changes, foreign-key cycles broken,
//! and a stable topological order of it.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::Direction;

use super::edges::{deps, Obj};
use super::recorded::{self, Recorded};
use super::refs::key;
use super::Capabilities;
use crate::diff::{Change, TableChange};
use crate::ir::{DepObject, ForeignKey, Name, Table};

/// The changes, numbered; a detached part of a change gets a new number
/// and an explicit edge to (or from) the change it came from.
struct Work {
    changes: Vec<Option<Change>>,
    /// `(before, after)` pairs by number.
    extra: Vec<(usize, usize)>,
}

/// Orders `changes` so that each runs after what it needs and before what
/// removes what it needs. Ties (and, as a last resort, cycles that no
/// foreign key explains) are broken by [`rank`] and then by the original
/// position, so the order is the same on every run.
pub fn order(changes: Vec<Change>, caps: &Capabilities, recorded: Recorded) -> Vec<Change> {
    let mut work = Work {
        changes: changes.into_iter().map(Some).collect(),
        extra: Vec::new(),
    };
    split_partition_moves(&mut work);
    if !caps.lazy_foreign_keys {
        // Each round detaches the foreign keys of one layer of cycles; real
        // schemas settle in one, the bound only guards against surprises.
        for _ in 0..4 {
            let (graph, _) = build(&work, caps, recorded);
            let cycles: Vec<BTreeSet<usize>> = tarjan_scc(&graph)
                .into_iter()
                .filter(|scc| scc.len() > 1)
                .map(|scc| scc.into_iter().map(|n| graph[n]).collect())
                .collect();
            if cycles.is_empty() {
                break;
            }
            let mut detached = false;
            for cycle in &cycles {
                detached |= detach(&mut work, cycle, caps);
            }
            if !detached {
                break;
            }
        }
    }
    let (graph, _) = build(&work, caps, recorded);
    toposort(&graph, &work)
        .into_iter()
        .filter_map(|id| work.changes[id].take())
        .collect()
}

/// A coarse order used only to break ties: what must exist early first,
/// what is dropped late last, so that an unconstrained plan reads well.
fn rank(change: &Change) -> u8 {
    match change {
        // What leans on other objects goes first, before anything it leans
        // on can change under it (an enum swap retypes columns a view reads).
        Change::DropTrigger(_) | Change::DropPolicy(_) | Change::Revoke(_) => 0,
        Change::DropView(_) => 1,
        Change::CreateNamespace(_) | Change::AlterNamespace { .. } => 2,
        Change::CreateExtension(_) | Change::AlterExtension { .. } => 3,
        Change::CreateEnum(_) => 4,
        Change::AlterEnum { .. } => 5,
        Change::CreateSequence(_) => 6,
        Change::AlterSequence { .. } => 7,
        Change::CreateFunction(_) | Change::ReplaceFunction { .. } => 8,
        Change::AlterTable { changes, .. }
            if changes
                .iter()
                .all(|c| matches!(c, TableChange::DropForeignKey(_))) =>
        {
            9
        }
        Change::DropTable(_) => 10,
        Change::AlterTable { changes, .. }
            if changes
                .iter()
                .all(|c| matches!(c, TableChange::AddForeignKey(_))) =>
        {
            13
        }
        Change::AlterTable { .. } => 11,
        Change::CreateTable(_) => 12,
        Change::RenameView { .. } | Change::ReplaceView { .. } | Change::CreateView(_) => 14,
        Change::CreateTrigger(_)
        | Change::SetTriggerComment { .. }
        | Change::SetViewComments { .. }
        | Change::CreatePolicy(_)
        | Change::AlterPolicy { .. }
        | Change::SetRowSecurity { .. }
        | Change::Grant(_)
        | Change::AlterGrant { .. } => 15,
        Change::DropFunction(_) => 16,
        Change::DropSequence(_) => 17,
        Change::DropEnum(_) => 18,
        Change::DropExtension(_) => 19,
        Change::DropNamespace(_) => 20,
        // Domains sit with enums: named types that columns use.
        Change::CreateDomain(_) => 4,
        Change::AlterDomain { .. } => 5,
        Change::DropDomain(_) => 18,
        // An event's body is not checked when it is created: it needs no
        // table to exist, and goes first when dropped, last when created.
        Change::DropEvent(_) => 0,
        Change::CreateEvent(_) | Change::AlterEvent { .. } => 15,
        // Composite types likewise; one may use an enum or a domain.
        Change::CreateComposite(_) => 5,
        Change::AlterComposite { .. } => 5,
        Change::DropComposite(_) => 18,
        // A range's subtype_diff is a function: after the functions.
        Change::CreateRange(_) | Change::AlterRange { .. } => 8,
        Change::DropRange(_) => 18,
        // Collations before the types and columns that use them, after
        // them when dropped.
        Change::CreateCollation(_) | Change::AlterCollation { .. } => 3,
        Change::DropCollation(_) => 18,
        // A configuration's dictionaries may come from an extension;
        // expressions that name it (`to_tsvector('cfg', …)`) come later.
        Change::CreateTextSearchConfig(_) | Change::AlterTextSearchConfig { .. } => 4,
        Change::DropTextSearchConfig(_) => 18,
        // Statistics lean on their table's columns like a trigger: made
        // after the tables, dropped before a column they use goes.
        Change::DropStatistics(_) => 0,
        Change::CreateStatistics(_) | Change::AlterStatistics { .. } => 15,
    }
}

/// The graph: node weights are change numbers; an edge `a → b` means
/// `a` runs before `b`. The server's recorded dependencies add edges
/// where they close no cycle ([`recorded`]).
fn build(
    work: &Work,
    caps: &Capabilities,
    recorded: Recorded,
) -> (DiGraph<usize, ()>, BTreeMap<usize, NodeIndex>) {
    let mut graph = DiGraph::new();
    let mut nodes = BTreeMap::new();
    let mut all = Vec::new();
    for (id, c) in work.changes.iter().enumerate() {
        if let Some(c) = c {
            nodes.insert(id, graph.add_node(id));
            all.push((id, deps(c, caps)));
        }
    }
    let mut providers: BTreeMap<&Obj, Vec<usize>> = BTreeMap::new();
    let mut removers: BTreeMap<&Obj, Vec<usize>> = BTreeMap::new();
    for (id, d) in &all {
        for o in &d.provides {
            providers.entry(o).or_default().push(*id);
        }
        for o in &d.removes {
            removers.entry(o).or_default().push(*id);
        }
    }
    let mut edges: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (id, d) in &all {
        // What my new state needs is provided first.
        for o in &d.needs_new {
            for p in providers.get(o).into_iter().flatten() {
                edges.insert((*p, *id));
            }
        }
        // What my old state needs is removed after me.
        // What the server gives `PUBLIC` on what it makes (`EXECUTE` on a
        // function) is revoked from what the plan makes, even where it
        // makes it anew: the old one takes it along.
        let public_default = matches!(&work.changes[*id], Some(Change::Revoke(g))
            if g.grantee == "public" && g.on.public_default() == Some(g.privilege.as_str()));
        for o in &d.needs_old {
            let made = providers.contains_key(o);
            let removed = removers.get(o).filter(|_| !(public_default && made));
            for r in removed.into_iter().flatten() {
                edges.insert((*id, *r));
            }
            // A privilege revoked on what the plan only makes (one the
            // schema's default privileges gave it) goes once it is made.
            if removed.is_none() && matches!(work.changes[*id], Some(Change::Revoke(_))) {
                for p in providers.get(o).into_iter().flatten() {
                    edges.insert((*p, *id));
                }
            }
        }
        // An old shape goes before a new one of the same name arrives.
        for o in &d.removes {
            for p in providers.get(o).into_iter().flatten() {
                edges.insert((*id, *p));
            }
        }
    }
    edges.extend(work.extra.iter().copied());
    let server = recorded::edges(&all, &work.changes, recorded);
    let server = recorded::acyclic(&edges, server, work.changes.len());
    edges.extend(server);
    for (a, b) in edges {
        if a == b {
            continue;
        }
        if let (Some(&na), Some(&nb)) = (nodes.get(&a), nodes.get(&b)) {
            graph.add_edge(na, nb, ());
        }
    }
    (graph, nodes)
}

/// Kahn's algorithm, always taking the ready change of lowest
/// `(rank, number)`; when only cycles remain, the lowest of those.
fn toposort(graph: &DiGraph<usize, ()>, work: &Work) -> Vec<usize> {
    let key_of = |n: NodeIndex| {
        let id = graph[n];
        let r = work.changes[id].as_ref().map(rank).unwrap_or(u8::MAX);
        (r, id, n.index())
    };
    let mut indegree: Vec<usize> = graph
        .node_indices()
        .map(|n| graph.neighbors_directed(n, Direction::Incoming).count())
        .collect();
    let mut done = vec![false; graph.node_count()];
    let mut ready: BinaryHeap<Reverse<(u8, usize, usize)>> = graph
        .node_indices()
        .filter(|n| indegree[n.index()] == 0)
        .map(|n| Reverse(key_of(n)))
        .collect();
    let mut out = Vec::with_capacity(graph.node_count());
    while out.len() < graph.node_count() {
        let next = match ready.pop() {
            Some(Reverse((_, _, i))) => NodeIndex::new(i),
            None => {
                // A cycle nothing could detach: take its first change.
                let Some(n) = graph
                    .node_indices()
                    .filter(|n| !done[n.index()])
                    .min_by_key(|n| key_of(*n))
                else {
                    break;
                };
                n
            }
        };
        if done[next.index()] {
            continue;
        }
        done[next.index()] = true;
        out.push(graph[next]);
        for m in graph.neighbors_directed(next, Direction::Outgoing) {
            let d = &mut indegree[m.index()];
            *d = d.saturating_sub(1);
            if *d == 0 && !done[m.index()] {
                ready.push(Reverse(key_of(m)));
            }
        }
    }
    out
}

/// Breaks one cycle by taking out the foreign keys between its members:
/// created tables get theirs added afterwards, dropped tables lose theirs
/// beforehand, altered tables do both. Returns whether anything changed.
fn detach(work: &mut Work, cycle: &BTreeSet<usize>, caps: &Capabilities) -> bool {
    let mut tables: BTreeSet<Name> = BTreeSet::new();
    for &id in cycle {
        if let Some(c) = &work.changes[id] {
            let d = deps(c, caps);
            for o in d.provides.iter().chain(&d.removes) {
                if let Obj::Object(DepObject::Relation(n)) = o {
                    tables.insert(n.clone());
                }
            }
        }
    }
    let in_cycle = |own: &Name, fk: &ForeignKey| {
        let target = key(&fk.ref_table);
        target != key(own) && tables.contains(&target)
    };
    let without = |t: &Table, fks: &[ForeignKey]| {
        let mut t = t.clone();
        t.foreign_keys.retain(|f| !fks.contains(f));
        t
    };
    // A created or dropped table without its foreign keys into the cycle,
    // and those keys; `None` when it has none.
    let split = |t: &Table| {
        let fks: Vec<ForeignKey> = t
            .foreign_keys
            .iter()
            .filter(|f| in_cycle(&t.name, f))
            .cloned()
            .collect();
        (!fks.is_empty()).then(|| (without(t, &fks), fks))
    };

    let mut changed = false;
    for &id in cycle {
        let Some(change) = work.changes[id].clone() else {
            continue;
        };
        match change {
            Change::CreateTable(t) => {
                let Some((base, fks)) = split(&t) else {
                    continue;
                };
                work.changes[id] = Some(Change::CreateTable(base.clone()));
                move_keys(work, id, base, t, fks, Keys::Added);
                changed = true;
            }
            Change::DropTable(t) => {
                let Some((base, fks)) = split(&t) else {
                    continue;
                };
                work.changes[id] = Some(Change::DropTable(base.clone()));
                move_keys(work, id, t, base, fks, Keys::Dropped);
                changed = true;
            }
            Change::AlterTable { from, to, changes } => {
                let adds: Vec<ForeignKey> = changes
                    .iter()
                    .filter_map(|c| match c {
                        TableChange::AddForeignKey(f) if in_cycle(&to.name, f) => Some(f.clone()),
                        _ => None,
                    })
                    .collect();
                // A partition's keys dropped after its detach are what its
                // parent's made on it: they cannot go while it is attached.
                let detaches = changes
                    .iter()
                    .any(|c| matches!(c, TableChange::DetachPartition { .. }));
                let drops: Vec<ForeignKey> = changes
                    .iter()
                    .filter_map(|c| match c {
                        TableChange::DropForeignKey(f) if !detaches && in_cycle(&from.name, f) => {
                            Some(f.clone())
                        }
                        _ => None,
                    })
                    .collect();
                let rest: Vec<TableChange> = changes
                    .iter()
                    .filter(|c| match c {
                        TableChange::AddForeignKey(f) => !adds.contains(f),
                        TableChange::DropForeignKey(f) => !drops.contains(f),
                        _ => true,
                    })
                    .cloned()
                    .collect();
                if adds.is_empty() && drops.is_empty() {
                    continue;
                }
                if rest.is_empty() {
                    // Only keys change here: a key dropped and one added
                    // in one step would both lean on the other tables of
                    // the cycle, the old key on what they lose and the new
                    // one on what they gain. The drop keeps the number,
                    // the add follows it.
                    if adds.is_empty() || drops.is_empty() {
                        continue;
                    }
                    let mid = without(&from, &drops);
                    work.changes[id] = Some(Change::AlterTable {
                        from: from.clone(),
                        to: mid.clone(),
                        changes: drops.into_iter().map(TableChange::DropForeignKey).collect(),
                    });
                    move_keys(work, id, mid, to, adds, Keys::Added);
                    changed = true;
                    continue;
                }
                let mid_from = without(&from, &drops);
                let mid_to = without(&to, &adds);
                work.changes[id] = Some(Change::AlterTable {
                    from: mid_from.clone(),
                    to: mid_to.clone(),
                    changes: rest,
                });
                if !drops.is_empty() {
                    move_keys(work, id, from, mid_from, drops, Keys::Dropped);
                }
                if !adds.is_empty() {
                    move_keys(work, id, mid_to, to, adds, Keys::Added);
                }
                changed = true;
            }
            _ => {}
        }
    }
    changed
}

/// Whether the foreign keys [`move_keys`] takes out of a change are ones
/// it adds or ones it drops.
#[derive(Debug, Clone, Copy)]
enum Keys {
    Added,
    Dropped,
}

/// Gives foreign keys taken out of change `id` a change of their own
/// (`from` → `to`): added keys come after `id`, dropped keys before it.
fn move_keys(work: &mut Work, id: usize, from: Table, to: Table, fks: Vec<ForeignKey>, keys: Keys) {
    let wrap = match keys {
        Keys::Added => TableChange::AddForeignKey,
        Keys::Dropped => TableChange::DropForeignKey,
    };
    let changes = fks.into_iter().map(wrap).collect();
    let new = push(work, Change::AlterTable { from, to, changes });
    work.extra.push(match keys {
        Keys::Added => (id, new),
        Keys::Dropped => (new, id),
    });
}

/// A partition that moves to another parent is detached in one step and
/// attached in a second after it: the old parent may have to go before
/// the new one can come (an index name both use), and dropping the old
/// parent while the table is still its partition would drop the table.
fn split_partition_moves(work: &mut Work) {
    for id in 0..work.changes.len() {
        let Some(Change::AlterTable { from, to, changes }) = &work.changes[id] else {
            continue;
        };
        let parent_of = |c: &TableChange| match c {
            TableChange::DetachPartition { parent, .. } => Some((false, key(parent))),
            TableChange::AttachPartition { parent, .. } => Some((true, key(parent))),
            _ => None,
        };
        let parents: Vec<(bool, Name)> = changes.iter().filter_map(parent_of).collect();
        let [(false, old), (true, new)] = parents.as_slice() else {
            continue;
        };
        if old == new {
            continue;
        }
        let mid = Table {
            partition: None,
            ..to.clone()
        };
        let (attach, rest): (Vec<TableChange>, Vec<TableChange>) = changes
            .iter()
            .cloned()
            .partition(|c| matches!(c, TableChange::AttachPartition { .. }));
        let (from, to) = (from.clone(), to.clone());
        work.changes[id] = Some(Change::AlterTable {
            from,
            to: mid.clone(),
            changes: rest,
        });
        let second = push(
            work,
            Change::AlterTable {
                from: mid,
                to,
                changes: attach,
            },
        );
        work.extra.push((id, second));
    }
}

fn push(work: &mut Work, change: Change) -> usize {
    work.changes.push(Some(change));
    work.changes.len() - 1
}
