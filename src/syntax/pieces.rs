//! One large file parsed in pieces on several threads.
//!
//! The file is cut before lines that start with an item keyword (`table `,
//! `view `, `enum `, …) in their first column, and every piece
//! is parsed and lowered on its own as a whole file would be, its pest
//! positions offset by where it starts. Cuts need no lexical care: a cut
//! that is not between two items (inside a namespace, a string, a comment
//! or a raw SQL block) leaves a piece with something unclosed, which does
//! not parse. When every piece parses, the file's parse is the pieces'
//! parses one after another: every item ends on or before the line a cut
//! is made at, and nothing that follows an item in the grammar can start
//! with `table`.
//!
//! Anything else goes back to parsing the whole file once, so that what
//! is reported is always the whole file's report: a piece that does not
//! parse or has a diagnostic, and a name that two pieces define (lowering
//! reports a duplicate within a file with both places in one snippet).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::diag::FileText;
use super::lower::{object_keywords, Lowered};
use super::{lower_range, workers, ParsedFile};
use crate::ir::{ObjectRef, Schema};

/// No piece smaller than this: each costs a pass over the grammar's setup.
const MIN_PIECE_BYTES: usize = 64 * 1024;

/// The file parsed in pieces, or `None` when that is not worth it or the
/// whole file must be parsed instead (see the module comment).
pub fn parse(ft: &FileText, idx: usize) -> Option<ParsedFile> {
    let ranges = pieces(&ft.text, workers::cores_for(ft.text.len()), MIN_PIECE_BYTES);
    parse_pieces(ft, idx, &ranges)
}

fn parse_pieces(ft: &FileText, idx: usize, ranges: &[Range<usize>]) -> Option<ParsedFile> {
    if ranges.len() < 2 {
        return None;
    }
    let parsed = workers::map_in_order(ranges.len(), ft.text.len(), |i| {
        match lower_range(ft, idx, ranges[i].clone()) {
            Ok(Some(done)) if done.2.is_empty() => Some(done),
            _ => None,
        }
    });
    let mut parsed = parsed.into_iter();
    let (mut file, mut comments, _) = parsed.next()??;
    for piece in parsed {
        let (lowered, more, _) = piece?;
        if !absorb(&mut file, lowered) {
            return None;
        }
        comments.extend(more);
    }
    Some((file, comments, Vec::new()))
}

/// No piece larger than this, however few the cores: pest holds the
/// token queue of a whole piece at once (many times its bytes), so
/// large pieces of a many-megabyte file set the parse's peak memory.
const MAX_PIECE_BYTES: usize = 256 * 1024;

/// Two pieces per core (more when they would exceed [`MAX_PIECE_BYTES`]),
/// of about equal size, each starting at a line that starts an item (the
/// first starts at 0).
fn pieces(text: &str, cores: usize, min_bytes: usize) -> Vec<Range<usize>> {
    let n = (cores * 2)
        .max(text.len().div_ceil(MAX_PIECE_BYTES))
        .min(text.len() / min_bytes.max(1));
    if cores < 2 || n < 2 {
        return Vec::new();
    }
    let mut starts = vec![0];
    for k in 1..n {
        let mut target = (text.len() / n * k).max(starts[starts.len() - 1] + 1);
        if target >= text.len() {
            break;
        }
        while !text.is_char_boundary(target) {
            target += 1;
        }
        let Some(found) = next_item_line(text, target) else {
            break;
        };
        starts.push(found);
    }
    starts.dedup();
    let mut ranges: Vec<Range<usize>> = starts.windows(2).map(|w| w[0]..w[1]).collect();
    if let Some(&last) = starts.last() {
        ranges.push(last..text.len());
    }
    ranges
}

/// The first line at or after `from` that starts with an item keyword
/// (`table `, `view `, `enum `, …) in its first column.
fn next_item_line(text: &str, from: usize) -> Option<usize> {
    text.get(from..)?
        .match_indices('\n')
        .map(|(i, _)| from + i + 1)
        .find(|&line| {
            let rest = &text[line..];
            object_keywords().iter().any(|k| {
                rest.strip_prefix(k)
                    .is_some_and(|after| after.starts_with(' '))
            })
        })
}

/// Adds a later piece to the file so far; `false` when they share a name.
fn absorb(file: &mut Lowered, piece: Lowered) -> bool {
    let Lowered {
        file: _,
        schema,
        map,
        layout,
        dialects,
    } = piece;
    let clash = |at: &ObjectRef| {
        file.map.contains_key(at)
            || match at {
                ObjectRef::Table { name } => file
                    .map
                    .contains_key(&ObjectRef::View { name: name.clone() }),
                ObjectRef::View { name } => file
                    .map
                    .contains_key(&ObjectRef::Table { name: name.clone() }),
                _ => false,
            }
    };
    if map.keys().any(clash) {
        return false;
    }
    // Every field by name: a new kind of object must be added here.
    let Schema {
        dialect,
        extensions,
        namespaces,
        enums,
        sequences,
        tables,
        views,
        functions,
        triggers,
        policies,
        grants,
        revocations,
        domains,
        events,
        composites,
        ranges,
        collations,
        text_search_configs,
        statistics,
        acknowledgements,
        left_alone: _,
        depends: _,
    } = schema;
    // The layout numbers a file's acknowledgements from its first: a later
    // piece holding any is left to the whole file's parse.
    if !acknowledgements.is_empty() {
        return false;
    }
    let into = &mut file.schema;
    if dialect.is_some() && into.dialect.is_some() && dialect != into.dialect {
        return false;
    }
    into.dialect = into.dialect.or(dialect);
    let joined = join(&mut into.extensions, extensions)
        && join(&mut into.namespaces, namespaces)
        && join(&mut into.enums, enums)
        && join(&mut into.sequences, sequences)
        && join(&mut into.tables, tables)
        && join(&mut into.views, views)
        && join(&mut into.functions, functions)
        && join(&mut into.triggers, triggers)
        && join(&mut into.policies, policies)
        && join(&mut into.grants, grants)
        && join_set(&mut into.revocations, revocations)
        && join(&mut into.domains, domains)
        && join(&mut into.events, events)
        && join(&mut into.composites, composites)
        && join(&mut into.ranges, ranges)
        && join(&mut into.collations, collations)
        && join(&mut into.text_search_configs, text_search_configs)
        && join(&mut into.statistics, statistics);
    if !joined {
        return false;
    }
    file.map.extend(map);
    file.layout.items.extend(layout.items);
    file.dialects.extend(dialects);
    true
}

/// Moves `from` into `into`; `false` (and nothing moved) when a key is in both.
fn join_set<T: Ord>(into: &mut BTreeSet<T>, from: BTreeSet<T>) -> bool {
    if from.iter().any(|x| into.contains(x)) {
        return false;
    }
    into.extend(from);
    true
}

fn join<K: Ord, V>(into: &mut BTreeMap<K, V>, from: BTreeMap<K, V>) -> bool {
    if from.keys().any(|k| into.contains_key(k)) {
        return false;
    }
    into.extend(from);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_start_at_table_lines_and_cover_the_text() {
        let block = "table t {\n  id int\n}\n\n";
        let text = format!("dialect sqlite\n\n{}", block.repeat(40_000));
        let ranges = pieces(&text, 2, MIN_PIECE_BYTES);
        assert_eq!(ranges.len(), 4);
        assert_eq!(ranges[0].start, 0);
        assert_eq!(ranges[ranges.len() - 1].end, text.len());
        for w in ranges.windows(2) {
            assert_eq!(w[0].end, w[1].start);
            assert!(text[w[1].start..].starts_with("table "));
        }
        assert!(
            pieces(&text, 1, MIN_PIECE_BYTES).is_empty(),
            "one core: no pieces"
        );
        assert!(
            pieces(&text[..100_000], 2, MIN_PIECE_BYTES).is_empty(),
            "too small to cut"
        );
    }

    #[test]
    fn cuts_are_before_unindented_item_keywords() {
        let text = "enum e { a }\n\nview v as sql\"\"\"select 1\"\"\"\n  table x\ntables\ntable t {\n  id int\n}\n";
        let mut at = 0;
        let mut found = Vec::new();
        while let Some(next) = next_item_line(text, at) {
            found.push(&text[next..next + 4]);
            at = next;
        }
        assert_eq!(
            found,
            ["view", "tabl"],
            "not the first line, `  table`, `tables`"
        );
    }

    /// The text cut before every line that starts an item.
    fn every_cut(text: &str) -> Vec<Range<usize>> {
        let mut starts: Vec<usize> = vec![0];
        while let Some(next) = next_item_line(text, starts[starts.len() - 1]) {
            starts.push(next);
        }
        let mut ranges: Vec<Range<usize>> = starts.windows(2).map(|w| w[0]..w[1]).collect();
        ranges.push(starts[starts.len() - 1]..text.len());
        ranges
    }

    /// What a file parsed in pieces gives, next to the whole file's parse;
    /// `None` when the pieces sent it back to the whole file.
    fn both(text: &str) -> (Option<ParsedFile>, ParsedFile) {
        let ft = FileText::new("t.strata", text);
        let whole = match lower_range(&ft, 0, 0..text.len()) {
            Ok(Some(done)) => done,
            _ => panic!("the whole file does not parse:\n{text}"),
        };
        (parse_pieces(&ft, 0, &every_cut(text)), whole)
    }

    fn assert_same(a: &ParsedFile, b: &ParsedFile, text: &str) {
        assert_eq!(a.0.schema, b.0.schema, "{text}");
        assert_eq!(a.0.map, b.0.map, "{text}");
        assert_eq!(
            format!("{:?}", a.0.layout),
            format!("{:?}", b.0.layout),
            "{text}"
        );
        assert_eq!(a.0.dialects, b.0.dialects, "{text}");
        assert_eq!(a.1, b.1, "{text}");
        assert!(a.2.is_empty() && b.2.is_empty(), "{text}");
    }

    /// Every example schema, cut before each of its top-level items,
    /// parses to exactly what the whole file does.
    #[test]
    fn every_example_in_pieces_is_the_whole_file() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas");
        let mut seen = 0;
        for dialect in ["postgres", "mysql", "sqlite"] {
            for entry in std::fs::read_dir(format!("{dir}/{dialect}")).expect("schemas/") {
                let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
                let (pieces, whole) = both(&text);
                let pieces = pieces.unwrap_or_else(|| panic!("pieces gave up on\n{text}"));
                assert_same(&pieces, &whole, &text);
                seen += 1;
            }
        }
        assert!(seen >= 9);
    }

    /// Each example with one line deleted, or doubled: wherever the pieces
    /// do not give up, the whole file parses cleanly to the same thing.
    #[test]
    fn mutated_examples_in_pieces_are_the_whole_file_or_give_up() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas");
        let (mut same, mut gave_up) = (0, 0);
        for dialect in ["postgres", "mysql", "sqlite"] {
            for entry in std::fs::read_dir(format!("{dir}/{dialect}")).expect("schemas/") {
                let text = std::fs::read_to_string(entry.expect("entry").path()).expect("read");
                let lines: Vec<&str> = text.split_inclusive('\n').collect();
                for i in 0..lines.len() {
                    for doubled in [false, true] {
                        let mut m: Vec<&str> = lines.clone();
                        if doubled {
                            m.insert(i, lines[i]);
                        } else {
                            m.remove(i);
                        }
                        let m = m.concat();
                        let ft = FileText::new("m.strata", &m);
                        match parse_pieces(&ft, 0, &every_cut(&m)) {
                            None => gave_up += 1,
                            Some(p) => {
                                let Ok(Some(w)) = lower_range(&ft, 0, 0..m.len()) else {
                                    panic!("pieces parsed what the whole file does not:\n{m}");
                                };
                                assert_same(&p, &w, &m);
                                same += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(same > 100 && gave_up > 10, "{same} same, {gave_up} gave up");
    }

    /// A cut that is not between items, or a name two pieces share, sends
    /// the file back to the whole parse.
    #[test]
    fn pieces_give_up_where_the_whole_file_must_speak() {
        for text in [
            "table a {\n  id int\n}\n\ntable a {\n  id int\n}\n",
            "table a {\n  id int\n}\n\nview a as sql\"\"\"select 1\"\"\"\n\ntable b {\n  id int\n}\n",
            "namespace n {\ntable a {\n  id int\n}\n\ntable b {\n  id int\n}\n}\n",
            "view v as sql\"\"\"\ntable x\n\"\"\"\n\ntable b {\n  id int\n}\n",
            "extension citext\n\ntable a {\n  id int\n}\n\nextension citext\n\ntable b {\n  id int\n}\n",
        ] {
            let ft = FileText::new("t.strata", text);
            let ranges = every_cut(text);
            assert!(ranges.len() >= 2, "{text}");
            assert!(parse_pieces(&ft, 0, &ranges).is_none(), "{text}");
        }
    }
}
