//! What a file says beyond its IR: the order of its items, its comments
//! and blank lines, and which constraints were written on a column's line.
//! The printer reads it next to the IR, so `strata fmt` and `inspect` share
//! one printer: with a layout it keeps the user's order and comments,
//! without one it prints the IR in canonical order.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::ir::ObjectRef;

/// A comment (`// …` or `/* … */`) as written, and whether a blank line
/// came before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trivia {
    pub text: String,
    pub blank_before: bool,
    pub span: Range<usize>,
}

/// An item with the comments around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed<T> {
    pub item: T,
    pub span: Range<usize>,
    pub blank_before: bool,
    pub leading: Vec<Trivia>,
    pub trailing: Vec<Trivia>,
}

impl<T> Placed<T> {
    pub fn new(item: T, span: Range<usize>) -> Placed<T> {
        Placed {
            item,
            span,
            blank_before: false,
            leading: Vec::new(),
            trailing: Vec::new(),
        }
    }
}

/// The inside of a `{ … }`: its items, and comments before the `}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block<T> {
    /// From `{` to `}` inclusive.
    pub body: Range<usize>,
    pub items: Vec<Placed<T>>,
    pub end: Vec<Trivia>,
}

impl<T> Block<T> {
    pub fn new(body: Range<usize>) -> Block<T> {
        Block {
            body,
            items: Vec::new(),
            end: Vec::new(),
        }
    }
}

/// A top-level item, or an item of a namespace block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Top {
    Dialect,
    /// `acknowledge …`: the index into `Schema::acknowledgements`.
    Acknowledgement(usize),
    /// `comment "…"` inside a namespace block.
    NamespaceComment,
    /// `owner role` inside a namespace block.
    NamespaceOwner,
    Namespace {
        name: String,
        block: Block<Top>,
    },
    Object {
        at: ObjectRef,
        /// The members of a table (or a view's `{ … }`), in source order.
        block: Option<Block<Member>>,
        /// Constraints written on a column's line, by column position.
        inline: BTreeMap<usize, Vec<Member>>,
    },
}

/// A member of a table or view block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Member {
    Column(usize),
    PrimaryKey,
    Unique(usize),
    Check(usize),
    ForeignKey(usize),
    Index(usize),
    Comment,
    RenamedFrom,
    RowSecurity,
    ForceRowSecurity,
    Exclusion(usize),
}

/// The layout of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout {
    pub items: Vec<Placed<Top>>,
    pub end: Vec<Trivia>,
}

/// Attaches comments to the items of a layout: a comment on the line an
/// item ends on trails it; any other comment leads the next item, or ends
/// its block. A comment inside an item that is not a block (say, between
/// the words of a trigger) moves in front of that item: kept, not dropped.
pub fn attach(text: &str, comments: &[Range<usize>], layout: &mut Layout) {
    let mut end = Vec::new();
    attach_items(text, 0..text.len(), comments, &mut layout.items, &mut end);
    layout.end = end;
}

trait HasBlock {
    fn visit_block(&mut self, text: &str, comments: &[Range<usize>]) -> Option<Range<usize>>;
}

impl HasBlock for Top {
    fn visit_block(&mut self, text: &str, comments: &[Range<usize>]) -> Option<Range<usize>> {
        match self {
            Top::Namespace { block, .. } => {
                let body = block.body.clone();
                let mut end = Vec::new();
                attach_items(text, inner(&body), comments, &mut block.items, &mut end);
                block.end = end;
                Some(body)
            }
            Top::Object {
                block: Some(block), ..
            } => {
                let body = block.body.clone();
                let mut end = Vec::new();
                attach_items(text, inner(&body), comments, &mut block.items, &mut end);
                block.end = end;
                Some(body)
            }
            _ => None,
        }
    }
}

impl HasBlock for Member {
    fn visit_block(&mut self, _: &str, _: &[Range<usize>]) -> Option<Range<usize>> {
        None
    }
}

fn inner(body: &Range<usize>) -> Range<usize> {
    (body.start + 1)..body.end.saturating_sub(1).max(body.start + 1)
}

enum Slot {
    Leading(usize),
    Trailing(usize),
    End,
}

fn attach_items<T: HasBlock>(
    text: &str,
    region: Range<usize>,
    comments: &[Range<usize>],
    items: &mut [Placed<T>],
    end: &mut Vec<Trivia>,
) {
    // Comments of this region, split into those inside an item's block
    // (handled by the item) and those placed here.
    let mine: Vec<&Range<usize>> = comments
        .iter()
        .filter(|c| c.start >= region.start && c.end <= region.end)
        .collect();
    let mut nested = vec![false; mine.len()];
    for it in items.iter_mut() {
        if let Some(body) = it.item.visit_block(text, comments) {
            for (k, c) in mine.iter().enumerate() {
                if c.start > body.start && c.end < body.end {
                    nested[k] = true;
                }
            }
        }
    }
    let mut slots: Vec<(Slot, Trivia)> = Vec::new();
    for (k, c) in mine.iter().enumerate() {
        if nested[k] {
            continue;
        }
        let trivia = Trivia {
            text: comment_text(text, c),
            blank_before: false,
            span: (*c).clone(),
        };
        let inside = items
            .iter()
            .position(|it| c.start >= it.span.start && c.start < it.span.end);
        if let Some(i) = inside {
            slots.push((Slot::Leading(i), trivia));
            continue;
        }
        let prev = items.iter().rposition(|it| it.span.end <= c.start);
        if let Some(p) = prev {
            let gap = &text[items[p].span.end..c.start];
            if !gap.contains('\n') {
                slots.push((Slot::Trailing(p), trivia));
                continue;
            }
        }
        match items.iter().position(|it| it.span.start >= c.end) {
            Some(n) => slots.push((Slot::Leading(n), trivia)),
            None => slots.push((Slot::End, trivia)),
        }
    }
    for (slot, t) in slots {
        match slot {
            Slot::Leading(i) => items[i].leading.push(t),
            Slot::Trailing(i) => items[i].trailing.push(t),
            Slot::End => end.push(t),
        }
    }
    // Blank lines: between the previous thing and this one.
    let mut prev_end = region.start;
    let mut first = true;
    let blank =
        |from: usize, to: usize| -> bool { from < to && text[from..to].matches('\n').count() >= 2 };
    for it in items.iter_mut() {
        for t in &mut it.leading {
            t.blank_before = !first && blank(prev_end, t.span.start);
            first = false;
            prev_end = prev_end.max(t.span.end);
        }
        it.blank_before = !first && blank(prev_end, it.span.start);
        first = false;
        prev_end = prev_end.max(it.span.end);
        for t in &it.trailing {
            prev_end = prev_end.max(t.span.end);
        }
    }
    for t in end.iter_mut() {
        t.blank_before = !first && blank(prev_end, t.span.start);
        first = false;
        prev_end = prev_end.max(t.span.end);
    }
}

fn comment_text(text: &str, c: &Range<usize>) -> String {
    text[c.clone()].trim_end().to_string()
}

/// Where each comment ends → where it starts, to trim trailing comments off
/// the spans pest gives (a rule followed by an optional part swallows the
/// comments before it). Sorted by end: comments do not overlap, and they
/// come in source order. Looked up for every span lowered, so a binary
/// search rather than a hash.
pub struct CommentEnds(Vec<(usize, usize)>);

impl CommentEnds {
    pub fn new(comments: &[Range<usize>]) -> CommentEnds {
        let mut ends: Vec<(usize, usize)> = comments.iter().map(|c| (c.end, c.start)).collect();
        ends.sort_unstable();
        CommentEnds(ends)
    }

    fn start_of_comment_ending_at(&self, end: usize) -> Option<usize> {
        self.0
            .binary_search_by_key(&end, |&(e, _)| e)
            .ok()
            .map(|i| self.0[i].1)
    }

    /// The end of `span` without trailing whitespace and comments.
    pub fn content_end(&self, text: &str, span: &Range<usize>) -> usize {
        let mut end = span.end;
        loop {
            let trimmed = text[span.start..end].trim_end().len() + span.start;
            match self.start_of_comment_ending_at(trimmed) {
                Some(s) if s >= span.start && s < trimmed => end = s,
                _ => return trimmed,
            }
        }
    }
}
