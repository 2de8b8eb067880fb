//! Pairing the items of two lists (columns, constraints, indexes) by name,
//! by `renamed_from`, and — for unnamed items — by definition.

/// An item that can be matched across two schemas.
pub(super) trait Matchable {
    fn name(&self) -> Option<&str>;
    fn renamed_from(&self) -> Option<&str>;
}

/// The result of pairing: indexes into the `from` and `to` lists.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Pairing {
    /// `(from, to)`, in `to` order.
    pub matched: Vec<(usize, usize)>,
    /// Unmatched `from` items, in `from` order.
    pub dropped: Vec<usize>,
    /// Unmatched `to` items, in `to` order.
    pub added: Vec<usize>,
}

/// Pairs `from` and `to` items. The rules, in order:
/// 1. a `to` item with `renamed_from = old` takes the `from` item `old`
///    when `old` exists on the `from` side and the new name does not (else
///    the rename already happened, or would collide, and is ignored);
/// 2. items with the same name pair up;
/// 3. unnamed items pair with an unnamed item of equal definition
///    (`same_definition` sees the `from` item first).
pub(super) fn pair<T: Matchable>(
    from: &[T],
    to: &[T],
    same_definition: impl Fn(&T, &T) -> bool,
) -> Pairing {
    let mut from_taken = vec![false; from.len()];
    let mut to_match: Vec<Option<usize>> = vec![None; to.len()];
    let from_index = |name: &str| from.iter().position(|f| f.name() == Some(name));

    for (ti, t) in to.iter().enumerate() {
        let (Some(old), Some(new)) = (t.renamed_from(), t.name()) else {
            continue;
        };
        if old == new || from_index(new).is_some() {
            continue;
        }
        if let Some(fi) = from_index(old) {
            if !from_taken[fi] {
                from_taken[fi] = true;
                to_match[ti] = Some(fi);
            }
        }
    }
    for (ti, t) in to.iter().enumerate() {
        if to_match[ti].is_some() {
            continue;
        }
        let Some(name) = t.name() else { continue };
        if let Some(fi) = from_index(name) {
            if !from_taken[fi] {
                from_taken[fi] = true;
                to_match[ti] = Some(fi);
            }
        }
    }
    for (ti, t) in to.iter().enumerate() {
        if to_match[ti].is_some() || t.name().is_some() {
            continue;
        }
        let found = from
            .iter()
            .enumerate()
            .position(|(fi, f)| !from_taken[fi] && f.name().is_none() && same_definition(f, t));
        if let Some(fi) = found {
            from_taken[fi] = true;
            to_match[ti] = Some(fi);
        }
    }

    let mut pairing = Pairing::default();
    for (ti, m) in to_match.iter().enumerate() {
        match m {
            Some(fi) => pairing.matched.push((*fi, ti)),
            None => pairing.added.push(ti),
        }
    }
    pairing.dropped = (0..from.len()).filter(|&fi| !from_taken[fi]).collect();
    pairing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq)]
    struct Item(Option<&'static str>, Option<&'static str>, u32);

    impl Matchable for Item {
        fn name(&self) -> Option<&str> {
            self.0
        }
        fn renamed_from(&self) -> Option<&str> {
            self.1
        }
    }

    fn run(from: &[Item], to: &[Item]) -> Pairing {
        pair(from, to, |a, b| a.2 == b.2)
    }

    #[test]
    fn names_pair_and_leftovers_are_added_or_dropped() {
        let p = run(
            &[Item(Some("a"), None, 1), Item(Some("b"), None, 2)],
            &[Item(Some("b"), None, 2), Item(Some("c"), None, 3)],
        );
        assert_eq!(p.matched, vec![(1, 0)]);
        assert_eq!(p.dropped, vec![0]);
        assert_eq!(p.added, vec![1]);
    }

    #[test]
    fn rename_takes_the_old_item_before_names_pair() {
        // b renamed from a, and a brand-new a: the old a becomes b.
        let p = run(
            &[Item(Some("a"), None, 1)],
            &[Item(Some("b"), Some("a"), 1), Item(Some("a"), None, 9)],
        );
        assert_eq!(p.matched, vec![(0, 0)]);
        assert_eq!(p.added, vec![1]);
        assert!(p.dropped.is_empty());
    }

    #[test]
    fn rename_already_done_is_ignored() {
        let p = run(
            &[Item(Some("b"), None, 1)],
            &[Item(Some("b"), Some("a"), 1)],
        );
        assert_eq!(p.matched, vec![(0, 0)]);
        assert!(p.added.is_empty() && p.dropped.is_empty());
    }

    #[test]
    fn unnamed_items_pair_by_definition_only() {
        let p = run(
            &[Item(None, None, 1), Item(None, None, 2)],
            &[Item(None, None, 2), Item(None, None, 3)],
        );
        assert_eq!(p.matched, vec![(1, 0)]);
        assert_eq!(p.dropped, vec![0]);
        assert_eq!(p.added, vec![1]);
    }
}
