//! MariaDB's `IGNORED` index flag. The server takes an index dropped and
//! added again in one `ALTER TABLE` with the same definition for no
//! change at all, the flag included, so an index whose flag alone changes
//! is `ALTER INDEX … [NOT] IGNORED` instead of the drop and the add.

use super::{Action, Algo, Clause, Main};
use crate::ir::{Index, IndexKey, Table, Unique};

/// What makes two keys the same index to the server, the flag aside:
/// uniqueness, parts, type and comment.
type Definition = (bool, Vec<String>, Option<String>, Option<String>);

fn of_index(ix: &Index) -> Definition {
    let parts = ix
        .parts
        .iter()
        .map(|p| {
            let key = match &p.key {
                IndexKey::Column(c) => c.to_ascii_lowercase(),
                IndexKey::Expr(e) => format!("({e})"),
            };
            format!("{key}:{:?}:{}", p.length, p.desc)
        })
        .collect();
    (ix.unique, parts, ix.method.clone(), ix.comment.clone())
}

fn of_unique(u: &Unique) -> Definition {
    let parts = u
        .columns
        .iter()
        .map(|c| format!("{}:None:false", c.to_ascii_lowercase()))
        .collect();
    (true, parts, None, u.comment.clone())
}

fn ignored(ix: &Index) -> bool {
    ix.options.contains_key("ignored")
}

/// The key named `name` that `from` has, its definition and flag.
fn before(from: &Table, name: &str) -> Option<(Definition, bool)> {
    if let Some(ix) = from
        .indexes
        .iter()
        .find(|i| i.name.as_deref() == Some(name))
    {
        return Some((of_index(ix), ignored(ix)));
    }
    from.uniques
        .iter()
        .find(|u| u.name.as_deref() == Some(name))
        .map(|u| (of_unique(u), false))
}

/// Replaces each drop and add of one key whose `ignored` flag alone
/// changes by the clause that sets the flag.
pub(super) fn flag_alone<'a>(from: &'a Table, main: &mut Main<'a>) {
    let mut toggles: Vec<(&'a str, bool)> = Vec::new();
    let dropped = |n: &str, drops: &[Clause<'a>]| {
        drops
            .iter()
            .any(|c| matches!(c.action, Action::DropIndex(d) if d == n))
    };
    let drops = &main.drops;
    main.adds.retain(|c| {
        let (name, after) = match c.action {
            Action::AddIndex(ix) => (ix.name.as_deref(), (of_index(ix), ignored(ix))),
            Action::AddUnique(u) => (u.name.as_deref(), (of_unique(u), false)),
            _ => return true,
        };
        let Some(name) = name else { return true };
        match before(from, name) {
            Some((def, was)) if def == after.0 && was != after.1 && dropped(name, drops) => {
                toggles.push((name, after.1));
                false
            }
            _ => true,
        }
    });
    main.drops.retain(
        |c| !matches!(c.action, Action::DropIndex(d) if toggles.iter().any(|(n, _)| *n == d)),
    );
    main.mids.extend(
        toggles
            .into_iter()
            .map(|(name, on)| Clause::new(Action::SetIgnored(name, on), Algo::Instant)),
    );
}
