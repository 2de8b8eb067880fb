//! IR → source text. One printer for two uses: with a file's [`Layout`]
//! it keeps the user's order, comments and blank lines (`strata fmt`);
//! without, it prints the IR in canonical order (`strata inspect`).
//!
//! Everything printed parses back to the same IR: a fragment that the
//! grammar could read differently bare is wrapped in parentheses, and
//! constraints go on a column's line only where the lowering puts them
//! back in the same order.

mod security;

pub(crate) use security::line_target as grant_line_target;

use std::collections::{BTreeMap, BTreeSet};

use pest::Parser;

use super::grammar::{Rule, StrataParser};
use super::layout::{Block, Layout, Member, Placed, Top, Trivia};
use super::text;
use crate::ir::{
    Check, Column, Deferral, Enum, Expr, Extension, FkAction, ForeignKey, Function, Identity,
    Index, IndexKey, MatchType, Name, ObjectRef, Partitioning, Schema, Sequence, SequenceOptions,
    Table, Trigger, Unique, View,
};

mod collations;
mod events;
mod objects;

/// Column names and types longer than this do not widen the alignment.
const ALIGN_LIMIT: usize = 32;

/// The canonical text of a schema.
pub fn print_schema(schema: &Schema) -> String {
    let mut chunks: Vec<Chunk> = Vec::new();
    if let Some(d) = schema.dialect {
        chunks.push(Chunk::one("dialect", format!("dialect {d}")));
    }
    for e in schema.extensions.values() {
        chunks.push(Chunk::one("extension", extension(e)));
    }
    let declared: BTreeSet<&str> = schema.namespaces.keys().map(String::as_str).collect();
    let in_ns = |n: &Name| n.schema.as_deref().is_some_and(|s| declared.contains(s));
    objects(schema, None, &|n| !in_ns(n), "", &mut chunks);
    for ns in schema.namespaces.values() {
        let mut inner: Vec<Chunk> = Vec::new();
        if let Some(c) = &ns.comment {
            inner.push(Chunk::one(
                "comment",
                format!("  comment {}", text::string(c)),
            ));
        }
        if let Some(o) = &ns.owner {
            inner.push(Chunk::one("owner", format!("  owner {}", text::ident(o))));
        }
        let name = ns.name.as_str();
        objects(
            schema,
            Some(name),
            &|n| n.schema.as_deref() == Some(name),
            "  ",
            &mut inner,
        );
        let mut s = format!("namespace {} {{", text::ident(name));
        if !inner.is_empty() {
            s.push('\n');
            s.push_str(&join(&inner));
        }
        s.push_str("\n}");
        chunks.push(Chunk::many("namespace", s));
    }
    for a in &schema.acknowledgements {
        chunks.push(Chunk::one("acknowledge", acknowledgement(a)));
    }
    let mut out = join(&chunks);
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// A file printed with its layout: the user's order and comments, the
/// canonical form of everything else.
pub fn print_layout(schema: &Schema, layout: &Layout) -> String {
    let mut out = placed_items(
        schema,
        &layout.items,
        &layout.end,
        "",
        None,
        &|s, top, ind, ns| top_item(s, top, ind, ns),
    );
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

// ------------------------------------------------------------------ chunks

struct Chunk {
    kind: &'static str,
    text: String,
    multiline: bool,
}

impl Chunk {
    fn one(kind: &'static str, text: String) -> Chunk {
        let multiline = text.contains('\n');
        Chunk {
            kind,
            text,
            multiline,
        }
    }
    fn many(kind: &'static str, text: String) -> Chunk {
        Chunk {
            kind,
            text,
            multiline: true,
        }
    }
}

/// One-line items of a kind stay together; anything else gets a blank line.
fn join(chunks: &[Chunk]) -> String {
    let mut out = String::new();
    for (i, c) in chunks.iter().enumerate() {
        if i > 0 {
            let prev = &chunks[i - 1];
            out.push('\n');
            if prev.kind != c.kind || prev.multiline || c.multiline {
                out.push('\n');
            }
        }
        out.push_str(&c.text);
    }
    out
}

fn objects(
    schema: &Schema,
    ns: Option<&str>,
    keep: &dyn Fn(&Name) -> bool,
    ind: &str,
    chunks: &mut Vec<Chunk>,
) {
    for x in schema.collations.values().filter(|x| keep(&x.name)) {
        chunks.push(Chunk::one("collation", collations::collation(x, ind, ns)));
    }
    for x in schema
        .text_search_configs
        .values()
        .filter(|x| keep(&x.name))
    {
        let text = collations::text_search_config(x, ind, ns);
        chunks.push(if text.contains('\n') {
            Chunk::many("text_search_configuration", text)
        } else {
            Chunk::one("text_search_configuration", text)
        });
    }
    for e in schema.enums.values().filter(|e| keep(&e.name)) {
        chunks.push(Chunk::one("enum", enum_def(e, ind, ns)));
    }
    for d in schema.domains.values().filter(|d| keep(&d.name)) {
        chunks.push(Chunk::one("domain", objects::domain(d, ind, ns)));
    }
    for r in schema.ranges.values().filter(|r| keep(&r.name)) {
        chunks.push(Chunk::one("range", objects::range(r, ind, ns)));
    }
    for x in schema.composites.values().filter(|x| keep(&x.name)) {
        let text = objects::composite(x, ind, ns);
        chunks.push(if text.contains('\n') {
            Chunk::many("type", text)
        } else {
            Chunk::one("type", text)
        });
    }
    for s in schema.sequences.values().filter(|s| keep(&s.name)) {
        chunks.push(Chunk::one("sequence", sequence(s, ind, ns)));
    }
    for f in schema.functions.values().filter(|f| keep(&f.name)) {
        chunks.push(Chunk::many("function", function(f, ind, ns)));
    }
    let (parts, plain): (Vec<&Table>, Vec<&Table>) = schema
        .tables
        .values()
        .filter(|t| keep(&t.name))
        .partition(|t| matches!(t.partition, Some(Partitioning::Of { .. })));
    for t in plain {
        chunks.push(Chunk::many(
            "table",
            table(t, None, &BTreeMap::new(), ind, ns),
        ));
    }
    for t in parts {
        let c = table(t, None, &BTreeMap::new(), ind, ns);
        chunks.push(Chunk::one("partition", c));
    }
    for v in schema.views.values().filter(|v| keep(&v.name)) {
        chunks.push(Chunk::many("view", view(v, None, ind, ns)));
    }
    // Triggers belong with their table's namespace.
    for t in schema.triggers.values().filter(|t| keep(&t.table)) {
        chunks.push(Chunk::one("trigger", trigger(t, ind)));
    }
    for x in schema.statistics.values().filter(|x| keep(&x.name)) {
        let text = collations::statistics(x, ind, ns);
        chunks.push(Chunk::one("statistics", text));
    }
    for p in schema.policies.values().filter(|p| keep(&p.table)) {
        chunks.push(Chunk::one("policy", security::policy(p, ind)));
    }
    for r in schema
        .revocations
        .iter()
        .filter(|r| keep(&security::filed_under(&r.on)))
    {
        chunks.push(Chunk::one(
            "grant",
            format!("{ind}{}", security::revoke_line(r)),
        ));
    }
    for line in security::grant_lines(schema, keep) {
        chunks.push(Chunk::one("grant", format!("{ind}{line}")));
    }
    for e in schema.events.values().filter(|e| keep(&e.name)) {
        chunks.push(Chunk::many("event", events::event(e, ind, ns)));
    }
}

// ------------------------------------------------------------------ layout

type ItemFn<'a, T> = dyn Fn(&Schema, &T, &str, Option<&str>) -> String + 'a;

/// The items of a block (or of a file), each after the comments that lead
/// it, then the comments that end the block.
fn placed_items<T>(
    schema: &Schema,
    items: &[Placed<T>],
    end: &[Trivia],
    ind: &str,
    ns: Option<&str>,
    print: &ItemFn<'_, T>,
) -> String {
    let mut out = String::new();
    let mut first = true;
    for it in items {
        placed(schema, it, ind, ns, &mut out, &mut first, print);
    }
    trivia_lines(end, ind, &mut out, &mut first);
    out
}

/// A table's or view's block as laid out, each member printed by `member`.
fn member_lines(
    b: &Block<Member>,
    inner: &str,
    ns: Option<&str>,
    member: &dyn Fn(&Member) -> String,
) -> String {
    placed_items(
        &Schema::default(),
        &b.items,
        &b.end,
        inner,
        ns,
        &|_, m, _, _| member(m),
    )
}

fn placed<T>(
    schema: &Schema,
    it: &Placed<T>,
    ind: &str,
    ns: Option<&str>,
    out: &mut String,
    first: &mut bool,
    print: &ItemFn<'_, T>,
) {
    trivia_lines(&it.leading, ind, out, first);
    let body = print(schema, &it.item, ind, ns);
    if body.is_empty() {
        return;
    }
    if !*first {
        out.push('\n');
        if it.blank_before {
            out.push('\n');
        }
    }
    *first = false;
    out.push_str(&body);
    for t in &it.trailing {
        out.push(' ');
        out.push_str(&t.text);
    }
}

fn trivia_lines(ts: &[Trivia], ind: &str, out: &mut String, first: &mut bool) {
    for t in ts {
        if !*first {
            out.push('\n');
            if t.blank_before {
                out.push('\n');
            }
        }
        *first = false;
        out.push_str(ind);
        out.push_str(&t.text);
    }
}

/// `acknowledge RULE on OBJECT because "reason"`, each part of the object
/// quoted where it needs it.
fn acknowledgement(a: &crate::ir::Acknowledgement) -> String {
    let object: Vec<String> = a.object.split('.').map(text::ident).collect();
    format!(
        "acknowledge {} on {} because {}",
        a.rule,
        object.join("."),
        text::string(&a.reason)
    )
}

fn top_item(schema: &Schema, top: &Top, ind: &str, ns: Option<&str>) -> String {
    match top {
        Top::Acknowledgement(i) => schema
            .acknowledgements
            .get(*i)
            .map(|a| format!("{ind}{}", acknowledgement(a)))
            .unwrap_or_default(),
        Top::Dialect => match schema.dialect {
            Some(d) => format!("{ind}dialect {d}"),
            None => String::new(),
        },
        Top::NamespaceComment => {
            let c = ns
                .and_then(|n| schema.namespaces.get(n))
                .and_then(|n| n.comment.as_ref());
            match c {
                Some(c) => format!("{ind}comment {}", text::string(c)),
                None => String::new(),
            }
        }
        Top::NamespaceOwner => {
            let o = ns
                .and_then(|n| schema.namespaces.get(n))
                .and_then(|n| n.owner.as_ref());
            match o {
                Some(o) => format!("{ind}owner {}", text::ident(o)),
                None => String::new(),
            }
        }
        Top::Namespace { name, block } => {
            let mut s = format!("{ind}namespace {} {{", text::ident(name));
            let inner_ind = format!("{ind}  ");
            let body = placed_items(
                schema,
                &block.items,
                &block.end,
                &inner_ind,
                Some(name),
                &|s, t, i, n| top_item(s, t, i, n),
            );
            if !body.is_empty() {
                s.push('\n');
                s.push_str(&body);
            }
            s.push('\n');
            s.push_str(ind);
            s.push('}');
            s
        }
        Top::Object { at, block, inline } => match at {
            ObjectRef::Extension { name } => schema
                .extensions
                .get(name)
                .map(|e| format!("{ind}{}", extension(e)))
                .unwrap_or_default(),
            ObjectRef::Enum { name } => schema
                .enums
                .get(name)
                .map(|e| enum_def(e, ind, ns))
                .unwrap_or_default(),
            ObjectRef::Sequence { name } => schema
                .sequences
                .get(name)
                .map(|s| sequence(s, ind, ns))
                .unwrap_or_default(),
            ObjectRef::Domain { name } => schema
                .domains
                .get(name)
                .map(|d| objects::domain(d, ind, ns))
                .unwrap_or_default(),
            ObjectRef::Range { name } => schema
                .ranges
                .get(name)
                .map(|r| objects::range(r, ind, ns))
                .unwrap_or_default(),
            ObjectRef::Collation { name } => schema
                .collations
                .get(name)
                .map(|x| collations::collation(x, ind, ns))
                .unwrap_or_default(),
            ObjectRef::TextSearchConfig { name } => schema
                .text_search_configs
                .get(name)
                .map(|x| collations::text_search_config(x, ind, ns))
                .unwrap_or_default(),
            ObjectRef::Statistics { name } => schema
                .statistics
                .get(name)
                .map(|x| collations::statistics(x, ind, ns))
                .unwrap_or_default(),
            ObjectRef::Event { name } => schema
                .events
                .get(name)
                .map(|e| events::event(e, ind, ns))
                .unwrap_or_default(),
            ObjectRef::Composite { name } => schema
                .composites
                .get(name)
                .map(|x| objects::composite(x, ind, ns))
                .unwrap_or_default(),
            ObjectRef::Table { name } => schema
                .tables
                .get(name)
                .map(|t| table(t, block.as_ref(), inline, ind, ns))
                .unwrap_or_default(),
            ObjectRef::View { name } => schema
                .views
                .get(name)
                .map(|v| view(v, block.as_ref(), ind, ns))
                .unwrap_or_default(),
            ObjectRef::Function { name, args } => schema
                .functions
                .get(&(name.clone(), args.clone()))
                .map(|f| function(f, ind, ns))
                .unwrap_or_default(),
            ObjectRef::Trigger { table, name } => schema
                .triggers
                .get(&(table.clone(), name.clone()))
                .map(|t| trigger(t, ind))
                .unwrap_or_default(),
            ObjectRef::Policy { table, name } => schema
                .policies
                .get(&(table.clone(), name.clone()))
                .map(|p| security::policy(p, ind))
                .unwrap_or_default(),
            ObjectRef::Grant {
                on,
                grantee,
                grant_option,
            } => security::grant_line(schema, on, grantee, *grant_option)
                .map(|l| format!("{ind}{l}"))
                .unwrap_or_default(),
            ObjectRef::Revocation { on, grantee } => {
                let r = crate::ir::Revocation {
                    on: on.clone(),
                    grantee: grantee.clone(),
                };
                if schema.revocations.contains(&r) {
                    format!("{ind}{}", security::revoke_line(&r))
                } else {
                    String::new()
                }
            }
            _ => String::new(),
        },
    }
}

// ------------------------------------------------------------------ names

/// A declared name, relative to the namespace block it is printed in.
fn decl(n: &Name, ns: Option<&str>) -> String {
    match &n.schema {
        Some(s) if Some(s.as_str()) != ns => format!("{}.{}", text::ident(s), text::ident(&n.name)),
        _ => text::ident(&n.name),
    }
}

/// A referenced name: qualified exactly when the IR qualifies it.
fn qualified(n: &Name) -> String {
    match &n.schema {
        Some(s) => format!("{}.{}", text::ident(s), text::ident(&n.name)),
        None => text::ident(&n.name),
    }
}

fn idents(cols: &[String]) -> String {
    cols.iter()
        .map(|c| text::ident(c))
        .collect::<Vec<_>>()
        .join(", ")
}

fn dotted(s: &str) -> String {
    s.split('.').map(text::ident).collect::<Vec<_>>().join(".")
}

fn parses_whole(rule: Rule, s: &str) -> bool {
    StrataParser::parse(rule, s).is_ok()
}

/// `= x` or `= (x)`: bare only when the grammar reads it back unchanged.
fn default_expr(e: &Expr) -> String {
    let s = e.as_str();
    if parses_whole(Rule::default_only, s) && !text::is_sole_paren_group(s) {
        s.to_string()
    } else {
        format!("({s})")
    }
}

fn paren(e: &Expr) -> String {
    format!("({})", e.as_str())
}

// ------------------------------------------------------------------ objects

fn extension(e: &Extension) -> String {
    let mut s = format!("extension {}", text::ident(&e.name));
    if let Some(sc) = &e.schema {
        s.push_str(&format!(" schema {}", text::ident(sc)));
    }
    if let Some(v) = &e.version {
        s.push_str(&format!(" version {}", text::string(v)));
    }
    if let Some(c) = &e.comment {
        s.push_str(&format!(" comment {}", text::string(c)));
    }
    s
}

fn enum_def(e: &Enum, ind: &str, ns: Option<&str>) -> String {
    let labels = e
        .values
        .iter()
        .map(|v| text::label(v))
        .collect::<Vec<_>>()
        .join(", ");
    let name = decl(&e.name, ns);
    match &e.comment {
        None if labels.is_empty() => format!("{ind}enum {name} {{}}"),
        None => format!("{ind}enum {name} {{ {labels} }}"),
        Some(c) => {
            let mut s = format!("{ind}enum {name} {{\n");
            if !labels.is_empty() {
                s.push_str(&format!("{ind}  {labels}\n"));
            }
            s.push_str(&format!("{ind}  comment {}\n{ind}}}", text::string(c)));
            s
        }
    }
}

fn seq_options(o: &SequenceOptions) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(x) = o.start {
        v.push(format!("start {x}"));
    }
    if let Some(x) = o.increment {
        v.push(format!("increment {x}"));
    }
    if let Some(x) = o.min_value {
        v.push(format!("min {x}"));
    }
    if let Some(x) = o.max_value {
        v.push(format!("max {x}"));
    }
    if let Some(x) = o.cache {
        v.push(format!("cache {x}"));
    }
    if o.cycle {
        v.push("cycle".into());
    }
    v
}

fn sequence(s: &Sequence, ind: &str, ns: Option<&str>) -> String {
    let mut out = format!("{ind}sequence {}", decl(&s.name, ns));
    if let Some(t) = &s.data_type {
        out.push_str(&format!(" as {t}"));
    }
    let o = SequenceOptions {
        start: s.start,
        increment: s.increment,
        min_value: s.min_value,
        max_value: s.max_value,
        cache: s.cache,
        cycle: s.cycle,
    };
    for x in seq_options(&o) {
        out.push(' ');
        out.push_str(&x);
    }
    if s.unlogged {
        out.push_str(" unlogged");
    }
    if let Some((t, c)) = &s.owned_by {
        out.push_str(&format!(" owned by {}.{}", qualified(t), text::ident(c)));
    }
    if let Some(c) = &s.comment {
        out.push_str(&format!(" comment {}", text::string(c)));
    }
    out
}

/// A raw SQL body in a `sql"""…"""` (or dollar-quoted) block, one line per
/// line, indented one step past the object.
/// A raw body as a block the lowering reads back to the same text: the
/// body indented one step in `sql…`, or, when dedenting would change it
/// (leading blank lines, common indentation, trailing whitespace, as a
/// database keeps a function body), byte for byte in `verbatim$$…$$`.
fn sql_block(body: &str, ind: &str, prefer_dollar: bool) -> String {
    let triple_ok = !body.contains("\"\"\"") && parses_whole(Rule::closed_sql_only, body);
    let (open, close) = if triple_ok && !prefer_dollar {
        ("\"\"\"".to_string(), "\"\"\"".to_string())
    } else {
        let tag = dollar_tag(body, "");
        (tag.clone(), tag)
    };
    let mut inner = String::from("\n");
    for line in body.split('\n') {
        if !line.is_empty() {
            inner.push_str(ind);
            inner.push_str("  ");
            inner.push_str(line);
        }
        inner.push('\n');
    }
    inner.push_str(ind);
    if text::dedent(&inner) != body {
        let tag = dollar_tag(body, body);
        return format!("verbatim{tag}{body}{tag}");
    }
    format!("sql{open}{inner}{close}")
}

/// `$$`, `$sql$`, `$sql2$`, …: the first tag that `body` does not contain
/// and that, written after `before`, is not closed early by its last
/// characters (a body ending in `$`).
fn dollar_tag(body: &str, before: &str) -> String {
    let mut n = 0;
    loop {
        let tag = match n {
            0 => "$$".to_string(),
            1 => "$sql$".to_string(),
            _ => format!("$sql{n}$"),
        };
        let closed_at = format!("{before}{tag}").find(&tag);
        if !body.contains(&tag) && closed_at == Some(before.len()) {
            return tag;
        }
        n += 1;
    }
}

fn function(f: &Function, ind: &str, ns: Option<&str>) -> String {
    if f.aggregate {
        let mut s = format!(
            "{ind}aggregate {}({}) ({})",
            decl(&f.name, ns),
            f.args,
            f.body
        );
        if let Some(c) = &f.comment {
            s.push_str(&format!(" comment {}", text::string(c)));
        }
        return s;
    }
    let kw = if f.returns.is_some() {
        "function"
    } else {
        "procedure"
    };
    let mut s = format!("{ind}{kw} {}({})", decl(&f.name, ns), f.args);
    if let Some(r) = &f.returns {
        s.push_str(&format!(" returns {r}"));
    }
    s.push_str(&format!(" language {}", text::ident(&f.language)));
    s.push_str(&with_options(&f.options));
    s.push_str(&objects::function_attributes(&f.attributes));
    match &f.object_file {
        Some(file) => s.push_str(&format!(
            " as {}, {}",
            text::string(file),
            text::string(&f.body)
        )),
        None if f.standard_body => s.push_str(&format!(" {}", sql_block(&f.body, ind, true))),
        None => s.push_str(&format!(" as {}", sql_block(&f.body, ind, true))),
    }
    if let Some(c) = &f.comment {
        s.push_str(&format!(" comment {}", text::string(c)));
    }
    s
}

fn trigger(t: &Trigger, ind: &str) -> String {
    let mut s = format!(
        "{ind}trigger {} on {}{} {} {}",
        text::ident(&t.name),
        qualified(&t.table),
        with_options(&t.options),
        t.timing,
        t.events.join(" or ")
    );
    if t.for_each_row {
        s.push_str(" for each row");
    }
    if let Some(w) = &t.when {
        s.push_str(&format!(" when {}", paren(w)));
    }
    match t.body.strip_prefix("execute function ") {
        Some(call) if parses_whole(Rule::call_only, call) => {
            s.push_str(&format!(" execute {call}"));
        }
        _ => {
            s.push(' ');
            s.push_str(&sql_block(&t.body, ind, false));
        }
    }
    if let Some(c) = &t.comment {
        s.push_str(&format!(" comment {}", text::string(c)));
    }
    s
}

fn view(v: &View, block: Option<&Block<Member>>, ind: &str, ns: Option<&str>) -> String {
    let mut s = String::from(ind);
    if v.materialized {
        s.push_str("materialized ");
    }
    s.push_str(&format!("view {}", decl(&v.name, ns)));
    if !v.columns.is_empty() {
        s.push_str(&format!(" ({})", idents(&v.columns)));
    }
    s.push_str(&with_options(&v.options));
    s.push_str(" as ");
    s.push_str(&sql_block(&v.body, ind, false));
    let inner = format!("{ind}  ");
    let member = |m: &Member| -> String {
        match m {
            Member::Index(i) => v
                .indexes
                .get(*i)
                .map(|x| format!("{inner}{}", index(x, false)))
                .unwrap_or_default(),
            Member::Comment => v
                .comment
                .as_ref()
                .map(|c| format!("{inner}comment {}", text::string(c)))
                .unwrap_or_default(),
            Member::RenamedFrom => v
                .renamed_from
                .as_ref()
                .map(|r| format!("{inner}renamed_from {}", decl(r, ns)))
                .unwrap_or_default(),
            Member::Column(i) => v
                .column_comments
                .iter()
                .nth(*i)
                .map(|(c, text)| {
                    format!(
                        "{inner}column {} comment {}",
                        text::ident(c),
                        text::string(text)
                    )
                })
                .unwrap_or_default(),
            _ => String::new(),
        }
    };
    let body = match block {
        Some(b) => Some(member_lines(b, &inner, ns, &member)),
        None => {
            let mut lines: Vec<String> = (0..v.indexes.len())
                .map(|i| member(&Member::Index(i)))
                .collect();
            lines.push(member(&Member::Comment));
            lines.extend((0..v.column_comments.len()).map(|i| member(&Member::Column(i))));
            lines.push(member(&Member::RenamedFrom));
            lines.retain(|l| !l.is_empty());
            (!lines.is_empty()).then(|| lines.join("\n"))
        }
    };
    if let Some(body) = body {
        s.push_str(" {");
        if !body.is_empty() {
            s.push('\n');
            s.push_str(&body);
        }
        s.push('\n');
        s.push_str(ind);
        s.push('}');
    }
    s
}

// ------------------------------------------------------------------ tables

/// Which constraints go on a column's line when no layout says: the
/// leading run of single-column unnamed ones, in column order, so that the
/// lowering (columns first, then table-level lines) rebuilds the same
/// lists.
fn canonical_inline(t: &Table) -> BTreeMap<usize, Vec<Member>> {
    let mut inline: BTreeMap<usize, Vec<Member>> = BTreeMap::new();
    let pos = |c: &str| t.columns.iter().position(|x| x.name == c);
    if let Some(pk) = &t.primary_key {
        let plain = pk.deferral.is_default()
            && pk.options.is_empty()
            && pk.comment.is_none()
            && pk.method.is_none()
            && pk.lengths.is_empty()
            && pk.descending.is_empty();
        if let ([c], None, true) = (pk.columns.as_slice(), &pk.name, plain) {
            if let Some(i) = pos(c) {
                inline.entry(i).or_default().push(Member::PrimaryKey);
            }
        }
    }
    let mut last = None;
    for (k, u) in t.uniques.iter().enumerate() {
        let ok = unique_inlinable(u);
        let Some(i) = ok.then(|| pos(&u.columns[0])).flatten() else {
            break;
        };
        if last.is_some_and(|l| i <= l) {
            break;
        }
        last = Some(i);
        inline.entry(i).or_default().push(Member::Unique(k));
    }
    // A check written on a column (MariaDB) goes back on its line, wherever
    // it sits in the list: normalization orders checks by name.
    for (k, ch) in t.checks.iter().enumerate() {
        if let Some(i) = ch.column.as_deref().and_then(pos) {
            inline.entry(i).or_default().push(Member::Check(k));
        }
    }
    let mut last = None;
    for (k, f) in t.foreign_keys.iter().enumerate() {
        let ok = fk_inlinable(f);
        let Some(i) = ok.then(|| pos(&f.columns[0])).flatten() else {
            break;
        };
        if last.is_some_and(|l| i <= l) {
            break;
        }
        last = Some(i);
        inline.entry(i).or_default().push(Member::ForeignKey(k));
    }
    inline
}

fn unique_inlinable(u: &Unique) -> bool {
    u.columns.len() == 1
        && u.name.is_none()
        && !u.nulls_not_distinct
        && u.deferral == Deferral::NotDeferrable
        && u.renamed_from.is_none()
        && u.options.is_empty()
        && u.comment.is_none()
}

fn fk_inlinable(f: &ForeignKey) -> bool {
    f.columns.len() == 1
        && f.ref_columns.len() == 1
        && f.name.is_none()
        && f.renamed_from.is_none()
        && f.comment.is_none()
}

fn table(
    t: &Table,
    block: Option<&Block<Member>>,
    layout_inline: &BTreeMap<usize, Vec<Member>>,
    ind: &str,
    ns: Option<&str>,
) -> String {
    let inline = match block {
        Some(_) => layout_inline.clone(),
        None => canonical_inline(t),
    };
    let inner = format!("{ind}  ");
    let mut s = table_head(t, ind, ns);
    let widths = widths(t);
    let member_text = |m: &Member| member(t, m, &inline, widths, &inner, ns);
    let body = match block {
        Some(b) => Some(member_lines(b, &inner, ns, &member_text)),
        None => canonical_body(t, &inline, &member_text),
    };
    if let Some(body) = body {
        s.push_str(" {");
        if !body.is_empty() {
            s.push('\n');
            s.push_str(&body);
        }
        s.push('\n');
        s.push_str(ind);
        s.push('}');
    }
    s
}

/// `table name inherits parent with (…) partition by …` / `partition name
/// of parent for values …`: a table's line before its body.
fn table_head(t: &Table, ind: &str, ns: Option<&str>) -> String {
    let mut s = String::from(ind);
    match &t.partition {
        Some(Partitioning::Of { parent, .. }) => {
            s.push_str(&format!(
                "partition {} of {}",
                decl(&t.name, ns),
                qualified(parent)
            ));
        }
        _ => s.push_str(&format!("table {}", decl(&t.name, ns))),
    }
    if !t.inherits.is_empty() {
        let parents: Vec<String> = t.inherits.iter().map(qualified).collect();
        s.push_str(&format!(" inherits {}", parents.join(", ")));
    }
    s.push_str(&with_options(&t.options));
    match &t.partition {
        Some(Partitioning::By { by }) => s.push_str(&format!(" partition by {by}")),
        Some(Partitioning::Of { bound, .. }) if bound.as_str() == "default" => {
            s.push_str(" default")
        }
        Some(Partitioning::Of { bound, .. }) => s.push_str(&format!(" for values {bound}")),
        None => {}
    }
    if let Some(Partitioning::Of { by: Some(by), .. }) = &t.partition {
        s.push_str(&format!(" partition by {by}"));
    }
    s
}

/// One member of a table's body as its line (empty when the table has
/// no such member).
fn member(
    t: &Table,
    m: &Member,
    inline: &BTreeMap<usize, Vec<Member>>,
    widths: (usize, usize),
    inner: &str,
    ns: Option<&str>,
) -> String {
    match m {
        Member::Column(i) => t
            .columns
            .get(*i)
            .map(|c| {
                let empty = Vec::new();
                column(t, c, inline.get(i).unwrap_or(&empty), widths, inner)
            })
            .unwrap_or_default(),
        Member::PrimaryKey => t
            .primary_key
            .as_ref()
            .map(|pk| {
                let name = pk
                    .name
                    .as_ref()
                    .map(|n| format!(" {}", text::ident(n)))
                    .unwrap_or_default();
                let using = pk
                    .method
                    .as_ref()
                    .map(|m| format!(" using {}", text::ident(m)))
                    .unwrap_or_default();
                let columns: Vec<String> = pk
                    .columns
                    .iter()
                    .map(|c| {
                        let col = match pk.lengths.get(c) {
                            Some(n) => format!("{}({n})", text::ident(c)),
                            None => text::ident(c),
                        };
                        match pk.descending.contains(c) {
                            true => format!("{col} desc"),
                            false => col,
                        }
                    })
                    .collect();
                format!(
                    "{inner}primary key{name} ({}){}{using}{}{}",
                    columns.join(", "),
                    deferral(pk.deferral),
                    with_options(&pk.options),
                    constraint_comment(&pk.comment)
                )
            })
            .unwrap_or_default(),
        Member::Unique(i) => t
            .uniques
            .get(*i)
            .map(|u| format!("{inner}{}", unique(u)))
            .unwrap_or_default(),
        Member::Check(i) => t
            .checks
            .get(*i)
            .map(|c| format!("{inner}{}", check(c)))
            .unwrap_or_default(),
        Member::ForeignKey(i) => t
            .foreign_keys
            .get(*i)
            .map(|f| format!("{inner}{}", foreign_key(f)))
            .unwrap_or_default(),
        Member::Index(i) => t
            .indexes
            .get(*i)
            .map(|x| {
                // Only a partitioned table's index can be left incomplete
                // on purpose (`ON ONLY`); any other invalid one is a failed
                // build, which the file wants built again.
                let only = x.invalid && crate::ir::is_partitioned(t);
                format!("{inner}{}", index(x, only))
            })
            .unwrap_or_default(),
        Member::Comment => t
            .comment
            .as_ref()
            .map(|c| format!("{inner}comment {}", text::string(c)))
            .unwrap_or_default(),
        Member::RenamedFrom => t
            .renamed_from
            .as_ref()
            .map(|r| format!("{inner}renamed_from {}", decl(r, ns)))
            .unwrap_or_default(),
        Member::RowSecurity if t.row_security.enabled => {
            format!("{inner}enable row level security")
        }
        Member::ForceRowSecurity if t.row_security.forced => {
            format!("{inner}force row level security")
        }
        Member::RowSecurity | Member::ForceRowSecurity => String::new(),
        Member::Exclusion(i) => t
            .exclusions
            .get(*i)
            .map(|x| format!("{inner}{}", objects::exclusion(x)))
            .unwrap_or_default(),
    }
}

/// The body of a table without a layout: every member in the canonical
/// order, the ones written on a column line left out. `None` for a
/// partition with nothing of its own (it prints without braces).
fn canonical_body(
    t: &Table,
    inline: &BTreeMap<usize, Vec<Member>>,
    member_text: &dyn Fn(&Member) -> String,
) -> Option<String> {
    let inlined: BTreeSet<Member> = inline.values().flatten().copied().collect();
    let mut members: Vec<Member> = (0..t.columns.len()).map(Member::Column).collect();
    if t.primary_key.is_some() {
        members.push(Member::PrimaryKey);
    }
    members.extend((0..t.uniques.len()).map(Member::Unique));
    members.extend((0..t.checks.len()).map(Member::Check));
    members.extend((0..t.foreign_keys.len()).map(Member::ForeignKey));
    members.extend((0..t.indexes.len()).map(Member::Index));
    members.push(Member::RowSecurity);
    members.push(Member::ForceRowSecurity);
    members.extend((0..t.exclusions.len()).map(Member::Exclusion));
    members.push(Member::Comment);
    members.push(Member::RenamedFrom);
    let lines: Vec<String> = members
        .iter()
        .filter(|m| !inlined.contains(m))
        .map(member_text)
        .filter(|l| !l.is_empty())
        .collect();
    let is_partition = matches!(t.partition, Some(Partitioning::Of { .. }));
    if is_partition && lines.is_empty() {
        None
    } else {
        Some(lines.join("\n"))
    }
}

fn type_text(c: &Column) -> String {
    let ty = type_source(c.ty.as_str());
    if c.nullable {
        format!("{ty}?")
    } else {
        ty
    }
}

/// A column type as the language reads it back: as it is where the
/// grammar takes it, else quoted — SQLite keeps any declared type,
/// `unsigned big int`, `blob sub_type text`, or none at all (`""`).
fn type_source(ty: &str) -> String {
    if StrataParser::parse(Rule::type_only, ty).is_ok() {
        ty.to_string()
    } else {
        text::string(ty)
    }
}

fn widths(t: &Table) -> (usize, usize) {
    let name = t
        .columns
        .iter()
        .map(|c| text::ident(&c.name).chars().count())
        .filter(|&w| w <= ALIGN_LIMIT)
        .max()
        .unwrap_or(0);
    let ty = t
        .columns
        .iter()
        .map(|c| type_text(c).chars().count())
        .filter(|&w| w <= ALIGN_LIMIT)
        .max()
        .unwrap_or(0);
    (name, ty)
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

fn column(t: &Table, c: &Column, inline: &[Member], widths: (usize, usize), ind: &str) -> String {
    let mut attrs: Vec<String> = Vec::new();
    if inline.contains(&Member::PrimaryKey) {
        attrs.push("pk".into());
    }
    match &c.identity {
        Some(Identity::Always { options }) => attrs.push(identity("identity", options)),
        Some(Identity::ByDefault { options }) => {
            attrs.push(identity("identity by default", options))
        }
        Some(Identity::AutoIncrement) => attrs.push("auto_increment".into()),
        None => {}
    }
    for m in inline {
        if let Member::Unique(_) = m {
            attrs.push("unique".into());
        }
    }
    if let Some(g) = &c.generated {
        attrs.push(format!(
            "generated {} {}",
            paren(&g.expr),
            if g.stored { "stored" } else { "virtual" }
        ));
    }
    if let Some(d) = &c.default {
        attrs.push(format!("= {}", default_expr(d)));
    }
    if let Some(u) = &c.on_update {
        attrs.push(format!("on update {}", default_expr(u)));
    }
    if let Some(x) = &c.collation {
        attrs.push(format!("collate {}", dotted(x)));
    }
    if let Some(x) = &c.charset {
        attrs.push(format!("charset {}", text::ident(x)));
    }
    if c.invisible {
        attrs.push("invisible".into());
    }
    if let Some(n) = c.statistics {
        attrs.push(format!("statistics {n}"));
    }
    for (word, v) in c.distinct.options() {
        if let Some(v) = v {
            attrs.push(format!("{word} {v}"));
        }
    }
    if let Some(x) = c.storage {
        attrs.push(format!("storage {}", x.keyword()));
    }
    if let Some(x) = c.compression {
        attrs.push(format!("compression {}", x.keyword()));
    }
    for m in inline {
        if let Member::Check(i) = m {
            if let Some(ch) = t.checks.get(*i) {
                let name = ch
                    .name
                    .as_ref()
                    .map(|n| format!(" {}", text::ident(n)))
                    .unwrap_or_default();
                attrs.push(format!("check{name} {}", paren(&ch.expr)));
            }
        }
    }
    for m in inline {
        if let Member::ForeignKey(i) = m {
            if let Some(f) = t.foreign_keys.get(*i) {
                let col = f
                    .ref_columns
                    .first()
                    .map(|c| text::ident(c))
                    .unwrap_or_default();
                let mut s = format!("-> {}.{col}", qualified(&f.ref_table));
                s.push_str(&fk_tail(f));
                attrs.push(s);
            }
        }
    }
    if let Some(u) = &c.using {
        attrs.push(format!("using {}", paren(u)));
    }
    if let Some(b) = &c.backfill {
        attrs.push(format!("backfill {}", default_expr(b)));
    }
    if let Some(r) = &c.renamed_from {
        attrs.push(format!("renamed_from {}", text::ident(r)));
    }
    if let Some(x) = &c.comment {
        attrs.push(format!("comment {}", text::string(x)));
    }
    let name = text::ident(&c.name);
    let ty = type_text(c);
    if attrs.is_empty() {
        format!("{ind}{}  {ty}", pad(&name, widths.0))
    } else {
        format!(
            "{ind}{}  {}  {}",
            pad(&name, widths.0),
            pad(&ty, widths.1),
            attrs.join(" ")
        )
    }
}

fn identity(kw: &str, o: &SequenceOptions) -> String {
    let opts = seq_options(o);
    if opts.is_empty() {
        kw.to_string()
    } else {
        format!("{kw} ({})", opts.join(" "))
    }
}

fn action(a: FkAction) -> &'static str {
    match a {
        FkAction::Unspecified | FkAction::NoAction => "no action",
        FkAction::Restrict => "restrict",
        FkAction::Cascade => "cascade",
        FkAction::SetNull => "set null",
        FkAction::SetDefault => "set default",
    }
}

fn deferral(d: Deferral) -> &'static str {
    match d {
        Deferral::NotDeferrable => "",
        Deferral::InitiallyImmediate => " deferrable",
        Deferral::InitiallyDeferred => " deferrable initially deferred",
    }
}

fn fk_tail(f: &ForeignKey) -> String {
    let mut s = String::new();
    if !f.on_delete.is_default() {
        s.push_str(&format!(" on delete {}", action(f.on_delete)));
    }
    if !f.on_update.is_default() {
        s.push_str(&format!(" on update {}", action(f.on_update)));
    }
    s.push_str(deferral(f.deferral));
    match f.match_type {
        MatchType::Simple => {}
        MatchType::Full => s.push_str(" match full"),
        MatchType::Partial => s.push_str(" match partial"),
    }
    if f.not_valid {
        s.push_str(" not valid");
    }
    s
}

fn opt_name(n: &Option<String>) -> String {
    n.as_ref()
        .map(|n| format!(" {}", text::ident(n)))
        .unwrap_or_default()
}

/// ` comment "…"` after a constraint, or nothing.
fn constraint_comment(c: &Option<String>) -> String {
    c.as_ref()
        .map(|c| format!(" comment {}", text::string(c)))
        .unwrap_or_default()
}

fn renamed(r: &Option<String>) -> String {
    r.as_ref()
        .map(|r| format!(" renamed_from {}", text::ident(r)))
        .unwrap_or_default()
}

fn unique(u: &Unique) -> String {
    let mut s = format!("unique{} ({})", opt_name(&u.name), idents(&u.columns));
    if u.nulls_not_distinct {
        s.push_str(" nulls not distinct");
    }
    s.push_str(deferral(u.deferral));
    s.push_str(&with_options(&u.options));
    s.push_str(&constraint_comment(&u.comment));
    s.push_str(&renamed(&u.renamed_from));
    s
}

fn check(c: &Check) -> String {
    let mut s = format!("check{} {}", opt_name(&c.name), paren(&c.expr));
    if c.not_valid {
        s.push_str(" not valid");
    }
    if c.no_inherit {
        s.push_str(" no inherit");
    }
    s.push_str(&constraint_comment(&c.comment));
    s.push_str(&renamed(&c.renamed_from));
    s
}

fn foreign_key(f: &ForeignKey) -> String {
    let mut s = format!(
        "foreign key{} ({}) -> {}({})",
        opt_name(&f.name),
        idents(&f.columns),
        qualified(&f.ref_table),
        idents(&f.ref_columns)
    );
    s.push_str(&fk_tail(f));
    s.push_str(&constraint_comment(&f.comment));
    s.push_str(&renamed(&f.renamed_from));
    s
}

/// ` with (fillfactor = 70, …)`, or nothing when there are no options.
fn with_options(options: &BTreeMap<String, String>) -> String {
    if options.is_empty() {
        return String::new();
    }
    let opts: Vec<String> = options
        .iter()
        .map(|(k, v)| {
            if v == "true" {
                text::ident(k)
            } else if parses_whole(Rule::option_value_only, v) {
                format!("{} = {v}", text::ident(k))
            } else {
                format!("{} = {}", text::ident(k), text::string(v))
            }
        })
        .collect();
    format!(" with ({})", opts.join(", "))
}

/// `only`: the index is a partitioned table's made `ON ONLY`.
fn index(x: &Index, only: bool) -> String {
    let (kind, method) = match x.method.as_deref() {
        Some(m @ ("fulltext" | "spatial")) => (format!("{m} "), None),
        other => (String::new(), other),
    };
    let parts: Vec<String> = x
        .parts
        .iter()
        .map(|p| {
            let mut s = match &p.key {
                IndexKey::Column(c) => match p.length {
                    Some(n) => format!("{}({n})", text::ident(c)),
                    None => text::ident(c),
                },
                IndexKey::Expr(e) => index_expr(e),
            };
            if let Some(c) = &p.collation {
                s.push_str(&format!(" collate {}", dotted(c)));
            }
            if let Some(o) = &p.opclass {
                s.push_str(&format!(" {}", dotted(o)));
            }
            if p.desc {
                s.push_str(" desc");
            }
            match p.nulls_first {
                Some(true) => s.push_str(" nulls first"),
                Some(false) => s.push_str(" nulls last"),
                None => {}
            }
            s
        })
        .collect();
    let mut s = format!("{kind}index{} ({})", opt_name(&x.name), parts.join(", "));
    if x.unique {
        s.push_str(" unique");
    }
    if let Some(m) = method {
        s.push_str(&format!(" using {}", text::ident(m)));
    }
    if !x.include.is_empty() {
        s.push_str(&format!(" include ({})", idents(&x.include)));
    }
    if x.nulls_not_distinct {
        s.push_str(" nulls not distinct");
    }
    s.push_str(&with_options(&x.options));
    if let Some(c) = &x.comment {
        s.push_str(&format!(" comment {}", text::string(c)));
    }
    s.push_str(&renamed(&x.renamed_from));
    if only {
        s.push_str(" only");
    }
    if let Some(w) = &x.predicate {
        let e = w.as_str();
        if parses_whole(Rule::where_only, e) && !text::is_sole_paren_group(e) {
            s.push_str(&format!(" where {e}"));
        } else {
            s.push_str(&format!(" where ({e})"));
        }
    }
    s
}

/// An index expression: a call as written, anything else in parentheses
/// (a call with only a number inside would read as a prefix length).
fn index_expr(e: &Expr) -> String {
    let s = e.as_str();
    let prefix_like = s
        .find('(')
        .map(|i| {
            let inner = s[i + 1..].trim_end_matches(')').trim();
            !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit())
        })
        .unwrap_or(false);
    if !prefix_like && parses_whole(Rule::call_only, s) {
        s.to_string()
    } else {
        format!("({s})")
    }
}
