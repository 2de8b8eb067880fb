//! Parse tree → IR, with a source map (object → span) and the file's
//! layout. Constraints written on a column's line land in the table-level
//! lists of the IR (the IR keeps constraints in one place); the layout
//! remembers where they were written.

mod security;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use pest::iterators::Pair;

use super::diag::{did_you_mean, Diag, FileText};
use super::grammar::Rule;
use super::layout::{Block, CommentEnds, Member, Placed, Top};
use super::text;
use crate::ir::{
    Acknowledgement, Check, Column, Deferral, DialectKind, Enum, Expr, Extension, FkAction,
    ForeignKey, Function, Generated, Identity, Index, IndexKey, IndexPart, MatchType, Name,
    Namespace, ObjectRef, Partitioning, PrimaryKey, Schema, Sequence, SequenceOptions, Table,
    Trigger, Type, Unique, View,
};

mod collations;
mod events;
mod objects;
mod statistics;
mod storage;
mod types;

type P<'a> = Pair<'a, Rule>;

/// Where an object was defined: file index and byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loc {
    pub file: usize,
    pub span: Range<usize>,
}

pub type SourceMap = HashMap<ObjectRef, Loc>;

/// One file, lowered.
#[derive(Debug, Clone)]
pub struct Lowered {
    pub file: usize,
    pub schema: Schema,
    pub map: SourceMap,
    pub layout: super::layout::Layout,
    /// Every `dialect` declaration: the dialect and where it was written.
    pub dialects: Vec<(DialectKind, Range<usize>)>,
}

pub struct Lowerer<'a> {
    file: &'a FileText,
    file_idx: usize,
    /// Where the text the pairs were parsed from starts in the file: a
    /// large file is parsed in pieces (`syntax::pieces`).
    base: usize,
    ends: CommentEnds,
    pub out: Lowered,
    pub diags: Vec<Diag>,
}

const OBJECT_KINDS: &[&str] = &[
    "dialect",
    "extension",
    "namespace",
    "enum",
    "sequence",
    "table",
    "partition",
    "view",
    "materialized",
    "function",
    "procedure",
    "aggregate",
    "trigger",
    "policy",
    "grant",
    "revoke",
    "domain",
    "event",
    "type",
    "range",
    "collation",
    "text_search_configuration",
    "statistics",
];

pub fn known_dialects() -> &'static [&'static str] {
    &["postgres", "postgresql", "mysql", "mariadb", "sqlite"]
}

pub fn object_keywords() -> &'static [&'static str] {
    OBJECT_KINDS
}

impl<'a> Lowerer<'a> {
    /// A lowerer for the pairs parsed from `range` of `file` (all of it,
    /// or one piece of a large file).
    pub fn new(
        file: &'a FileText,
        file_idx: usize,
        comments: &[Range<usize>],
        range: Range<usize>,
    ) -> Lowerer<'a> {
        let lines = file.text.as_bytes()[range.clone()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        Lowerer {
            file,
            file_idx,
            base: range.start,
            ends: CommentEnds::new(comments),
            out: Lowered {
                file: file_idx,
                schema: Schema::default(),
                // About one entry per line; growing a map of a large
                // schema's every column step by step rehashes it many times.
                map: SourceMap::with_capacity(lines),
                layout: Default::default(),
                dialects: Vec::new(),
            },
            diags: Vec::new(),
        }
    }

    fn err(
        &mut self,
        code: &str,
        span: Range<usize>,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        let mut d = Diag::error(code, message).at(self.file, span, label);
        if let Some(h) = help {
            d = d.help(h);
        }
        self.diags.push(d);
    }

    /// Where a pair is in the file, trailing comments trimmed.
    fn span(&self, p: &P) -> Range<usize> {
        let r = self.whole_span(p);
        let end = self.ends.content_end(&self.file.text, &r);
        r.start..end
    }

    /// Where a pair is in the file, all of it.
    fn whole_span(&self, p: &P) -> Range<usize> {
        let s = p.as_span();
        self.base + s.start()..self.base + s.end()
    }

    fn record(&mut self, at: ObjectRef, span: Range<usize>) {
        self.out.map.insert(
            at,
            Loc {
                file: self.file_idx,
                span,
            },
        );
    }

    pub fn file(&mut self, file: P<'a>) {
        let mut items = Vec::new();
        for p in file.into_inner() {
            if let Some(top) = self.item(p, None) {
                items.push(top);
            }
        }
        self.out.layout.items = items;
    }

    fn item(&mut self, p: P<'a>, ns: Option<&str>) -> Option<Placed<Top>> {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::dialect_decl => {
                let id = p.into_inner().find(is_ident)?;
                let word = ident(&id);
                match DialectKind::parse(&word) {
                    Some(k) => self.out.dialects.push((k, span.clone())),
                    None => {
                        let help = match did_you_mean(&word, known_dialects().iter().copied()) {
                            Some(s) => format!("did you mean `{s}`?"),
                            None => "write `dialect postgres`, `dialect mysql` or `dialect sqlite`"
                                .into(),
                        };
                        let sp = self.span(&id);
                        self.err(
                            "E0301",
                            sp,
                            format!("unknown dialect `{word}`"),
                            "not a dialect strata knows",
                            Some(help),
                        );
                    }
                }
                Some(Placed::new(Top::Dialect, span))
            }
            Rule::extension => self.extension(p, span),
            Rule::namespace => self.namespace(p, span),
            Rule::acknowledge => self.acknowledge(p, span),
            Rule::comment_item => {
                let ns = ns?;
                let c = self.string_child(&p);
                let entry = self.namespace_entry(ns);
                if entry.comment.is_some() {
                    self.err(
                        "E0308",
                        span.clone(),
                        format!("namespace `{ns}` has two comments"),
                        "second comment",
                        Some("keep one `comment \"…\"` per namespace".into()),
                    );
                } else {
                    entry.comment = c;
                }
                Some(Placed::new(Top::NamespaceComment, span))
            }
            Rule::owner_item => self.namespace_owner(p, span, ns?),
            Rule::enum_def => self.enum_def(p, span, ns),
            Rule::sequence => self.sequence(p, span, ns),
            Rule::table => self.table(p, span, ns, false),
            Rule::partition => self.table(p, span, ns, true),
            Rule::view => self.view(p, span, ns),
            Rule::function | Rule::aggregate => self.function(p, span, ns),
            Rule::trigger => self.trigger(p, span),
            Rule::policy => self.policy(p, span),
            Rule::grant => self.grant(p, span),
            Rule::revoke => self.revoke(p, span),
            Rule::domain_def => self.domain_def(p, span, ns),
            Rule::event => self.event(p, span, ns),
            Rule::composite_def => self.composite_def(p, span, ns),
            Rule::range_def => self.range_def(p, span, ns),
            Rule::collation_def => self.collation_def(p, span, ns),
            Rule::ts_config_def => self.ts_config_def(p, span, ns),
            Rule::statistics_def => self.statistics_def(p, span, ns),
            _ => None,
        }
    }

    /// The namespace `ns` of the schema being lowered, declared by the
    /// first block or attribute that names it.
    fn namespace_entry(&mut self, ns: &str) -> &mut Namespace {
        self.out
            .schema
            .namespaces
            .entry(ns.to_string())
            .or_insert_with(|| Namespace {
                name: ns.to_string(),
                comment: None,
                owner: None,
            })
    }

    /// `owner role` in a namespace block: the one attribute `public`
    /// may be declared for.
    fn namespace_owner(&mut self, p: P<'a>, span: Range<usize>, ns: &str) -> Option<Placed<Top>> {
        let role = p.into_inner().find(is_ident)?;
        let role = self.ident_checked(&role);
        let entry = self.namespace_entry(ns);
        if entry.owner.is_some() {
            self.err(
                "E0308",
                span.clone(),
                format!("namespace `{ns}` has two owners"),
                "second owner",
                Some("keep one `owner role` per namespace".into()),
            );
        } else {
            entry.owner = Some(role);
        }
        Some(Placed::new(Top::NamespaceOwner, span))
    }

    /// `acknowledge RULE on OBJECT because "reason"`: kept with where it
    /// was written; whether the rule exists and the acknowledgement
    /// matches a hazard is for the plan to say (syntax knows no rules).
    fn acknowledge(&mut self, p: P<'a>, span: Range<usize>) -> Option<Placed<Top>> {
        let whole = self.whole_span(&p);
        let (line, _) = self.file.line_col(whole.start);
        let mut ack = Acknowledgement {
            rule: String::new(),
            object: String::new(),
            reason: String::new(),
            at: Some(format!("{}:{line}", self.file.name)),
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::rule_id => ack.rule = c.as_str().to_string(),
                Rule::ack_object => ack.object = self.qname_parts(&c).join("."),
                Rule::string => ack.reason = self.string(&c),
                _ => {}
            }
        }
        let i = self.out.schema.acknowledgements.len();
        self.out.schema.acknowledgements.push(ack);
        Some(Placed::new(Top::Acknowledgement(i), span))
    }

    // ------------------------------------------------------------ helpers

    fn string_child(&mut self, p: &P<'a>) -> Option<String> {
        let s = p
            .clone()
            .into_inner()
            .find(|c| c.as_rule() == Rule::string)?;
        Some(self.string(&s))
    }

    fn string(&mut self, p: &P<'a>) -> String {
        match text::unescape(p.as_str()) {
            Ok(s) => s,
            Err(off) => {
                let at = self.whole_span(p).start + off;
                self.err(
                    "E0309",
                    at..at + 2,
                    "unknown escape in a string".into(),
                    "here",
                    Some("use `\\\"`, `\\\\`, `\\n`, `\\r`, `\\t` or `\\u{…}`".into()),
                );
                String::new()
            }
        }
    }

    fn ident_checked(&mut self, p: &P<'a>) -> String {
        if p.as_rule() == Rule::quoted_ident {
            return self.string(p);
        }
        p.as_str().to_string()
    }

    fn qname_parts(&mut self, p: &P<'a>) -> Vec<String> {
        p.clone()
            .into_inner()
            .filter(is_ident)
            .map(|i| self.ident_checked(&i))
            .collect()
    }

    /// A declared object's name: unqualified names take the enclosing
    /// namespace.
    fn decl_name(&mut self, p: &P<'a>, ns: Option<&str>) -> Name {
        let parts = self.qname_parts(p);
        match parts.as_slice() {
            [n] => Name {
                schema: ns.map(str::to_string),
                name: n.clone(),
            },
            [s, n] => Name::qualified(s.clone(), n.clone()),
            _ => {
                let sp = self.span(p);
                self.err(
                    "E0316",
                    sp,
                    "a name has at most two parts, `namespace.name`".into(),
                    "too many parts",
                    None,
                );
                Name::new(parts.last().cloned().unwrap_or_default())
            }
        }
    }

    /// A referenced object's name: unqualified means the default namespace.
    fn ref_name(&mut self, p: &P<'a>) -> Name {
        self.decl_name(p, None)
    }

    fn int(&mut self, p: &P<'a>) -> Option<i64> {
        let t = p.as_str();
        match t.trim_start_matches('+').parse::<i64>() {
            Ok(v) => Some(v),
            Err(_) => {
                let sp = self.span(p);
                self.err(
                    "E0306",
                    sp,
                    format!("number `{t}` is out of range"),
                    "not a 64-bit integer",
                    Some("use a value between -9223372036854775808 and 9223372036854775807".into()),
                );
                None
            }
        }
    }

    fn col_list(&mut self, p: &P<'a>) -> Vec<String> {
        p.clone()
            .into_inner()
            .filter(is_ident)
            .map(|i| self.ident_checked(&i))
            .collect()
    }

    fn once<T>(&mut self, slot: &mut Option<T>, value: T, span: Range<usize>, what: &str) {
        if slot.is_some() {
            self.err(
                "E0308",
                span,
                format!("{what} is given twice"),
                "second one",
                Some(format!("keep one {what}")),
            );
        } else {
            *slot = Some(value);
        }
    }

    // ------------------------------------------------------------ objects

    fn extension(&mut self, p: P<'a>, span: Range<usize>) -> Option<Placed<Top>> {
        let mut ext = Extension {
            name: String::new(),
            schema: None,
            version: None,
            comment: None,
        };
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::bare_ident | Rule::quoted_ident => ext.name = self.ident_checked(&c),
                Rule::ext_schema => {
                    if let Some(i) = c.clone().into_inner().find(is_ident) {
                        let v = self.ident_checked(&i);
                        let sp = self.span(&c);
                        self.once(&mut ext.schema, v, sp, "`schema`");
                    }
                }
                Rule::ext_version => {
                    let v = self.string_child(&c).unwrap_or_default();
                    let sp = self.span(&c);
                    self.once(&mut ext.version, v, sp, "`version`");
                }
                Rule::ext_comment => {
                    let v = self.string_child(&c).unwrap_or_default();
                    let sp = self.span(&c);
                    self.once(&mut ext.comment, v, sp, "a comment");
                }
                _ => {}
            }
        }
        let at = ObjectRef::Extension {
            name: ext.name.clone(),
        };
        if self.duplicate(&at, &span, &ext.name) {
            return None;
        }
        self.record(at.clone(), span.clone());
        self.out.schema.extensions.insert(ext.name.clone(), ext);
        Some(object(at, span))
    }

    /// Reports a second definition in the same file; true when it is one.
    fn duplicate(&mut self, at: &ObjectRef, span: &Range<usize>, what: &str) -> bool {
        let Some(first) = self.out.map.get(at).cloned() else {
            return false;
        };
        let d = Diag::error("E0303", format!("`{what}` is defined twice"))
            .at(self.file, span.clone(), "defined again here")
            .label(first.span, "first defined here")
            .help("rename one of them, or delete the copy");
        self.diags.push(d);
        true
    }

    /// [`Lowerer::duplicate`] for a table or view (`at`) named `name`:
    /// tables and views share one namespace, so either kind clashes.
    fn duplicate_relation(&mut self, at: &ObjectRef, name: &Name, span: &Range<usize>) -> bool {
        let label = name.to_string();
        let other = match at {
            ObjectRef::Table { .. } => ObjectRef::View { name: name.clone() },
            _ => ObjectRef::Table { name: name.clone() },
        };
        self.duplicate(at, span, &label) || self.duplicate(&other, span, &label)
    }

    fn namespace(&mut self, p: P<'a>, span: Range<usize>) -> Option<Placed<Top>> {
        let mut name = String::new();
        let mut block = Block::new(span.clone());
        let mut header = span.clone();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::bare_ident | Rule::quoted_ident => {
                    name = self.ident_checked(&c);
                    header = span.start..self.whole_span(&c).end;
                    self.namespace_entry(&name);
                    let at = ObjectRef::Namespace { name: name.clone() };
                    if !self.out.map.contains_key(&at) {
                        self.record(at, header.clone());
                    }
                }
                _ => {
                    if let Some(it) = self.item(c, Some(&name)) {
                        block.items.push(it);
                    }
                }
            }
        }
        if let Some(open) = self.file.text[header.end..span.end].find('{') {
            block.body = (header.end + open)..span.end;
        }
        Some(Placed::new(Top::Namespace { name, block }, span))
    }

    fn enum_def(&mut self, p: P<'a>, span: Range<usize>, ns: Option<&str>) -> Option<Placed<Top>> {
        let mut e = Enum {
            name: Name::new(""),
            values: Vec::new(),
            comment: None,
        };
        let mut seen: HashMap<String, Range<usize>> = HashMap::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::qname => e.name = self.decl_name(&c, ns),
                Rule::enum_label => {
                    let sp = self.span(&c);
                    let raw = c.as_str();
                    let label = if raw.starts_with('\'') {
                        text::unquote_sql(raw)
                    } else {
                        match c.clone().into_inner().find(is_ident) {
                            Some(i) => self.ident_checked(&i),
                            None => raw.to_string(),
                        }
                    };
                    if let Some(first) = seen.get(&label) {
                        let d =
                            Diag::error("E0311", format!("enum label `{label}` is listed twice"))
                                .at(self.file, sp, "listed again here")
                                .label(first.clone(), "first listed here")
                                .help("an enum's labels must be distinct");
                        self.diags.push(d);
                        continue;
                    }
                    seen.insert(label.clone(), sp);
                    e.values.push(label);
                }
                Rule::comment_item => {
                    let v = self.string_child(&c).unwrap_or_default();
                    let sp = self.span(&c);
                    self.once(&mut e.comment, v, sp, "a comment");
                }
                _ => {}
            }
        }
        let at = ObjectRef::Enum {
            name: e.name.clone(),
        };
        if self.duplicate(&at, &span, &e.name.to_string()) {
            return None;
        }
        self.record(at.clone(), span.clone());
        self.out.schema.enums.insert(e.name.clone(), e);
        Some(object(at, span))
    }

    fn sequence(&mut self, p: P<'a>, span: Range<usize>, ns: Option<&str>) -> Option<Placed<Top>> {
        let mut s = Sequence::named(Name::new(""));
        let mut opts = SequenceOptions::default();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::qname => s.name = self.decl_name(&c, ns),
                Rule::seq_as => {
                    if let Some(t) = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::col_type)
                    {
                        s.data_type = Some(col_type(&t));
                    }
                }
                Rule::seq_unlogged => s.unlogged = true,
                Rule::seq_owned => {
                    if let Some(q) = c.clone().into_inner().find(|x| x.as_rule() == Rule::qname) {
                        let parts = self.qname_parts(&q);
                        match parts.as_slice() {
                            [t, col] => s.owned_by = Some((Name::new(t.clone()), col.clone())),
                            [ns, t, col] => {
                                s.owned_by =
                                    Some((Name::qualified(ns.clone(), t.clone()), col.clone()))
                            }
                            _ => {
                                let sp = self.span(&q);
                                self.err(
                                    "E0317",
                                    sp,
                                    "`owned by` needs `table.column`".into(),
                                    "not a column",
                                    None,
                                );
                            }
                        }
                    }
                }
                Rule::comment_item => {
                    let v = self.string_child(&c).unwrap_or_default();
                    let sp = self.span(&c);
                    self.once(&mut s.comment, v, sp, "a comment");
                }
                _ => self.seq_option(&c, &mut opts),
            }
        }
        s.start = opts.start;
        s.increment = opts.increment;
        s.min_value = opts.min_value;
        s.max_value = opts.max_value;
        s.cache = opts.cache;
        s.cycle = opts.cycle;
        let at = ObjectRef::Sequence {
            name: s.name.clone(),
        };
        if self.duplicate(&at, &span, &s.name.to_string()) {
            return None;
        }
        self.record(at.clone(), span.clone());
        self.out.schema.sequences.insert(s.name.clone(), s);
        Some(object(at, span))
    }

    fn seq_option(&mut self, c: &P<'a>, o: &mut SequenceOptions) {
        let rule = c.as_rule();
        if rule == Rule::seq_cycle {
            o.cycle = true;
            return;
        }
        let Some(n) = c
            .clone()
            .into_inner()
            .find(|x| x.as_rule() == Rule::int_lit)
        else {
            return;
        };
        let Some(v) = self.int(&n) else { return };
        let sp = self.span(c);
        let (slot, what) = match rule {
            Rule::seq_start => (&mut o.start, "`start`"),
            Rule::seq_increment => (&mut o.increment, "`increment`"),
            Rule::seq_min => (&mut o.min_value, "`min`"),
            Rule::seq_max => (&mut o.max_value, "`max`"),
            Rule::seq_cache => (&mut o.cache, "`cache`"),
            _ => return,
        };
        self.once(slot, v, sp, what);
    }

    // ------------------------------------------------------------ tables

    fn table(
        &mut self,
        p: P<'a>,
        span: Range<usize>,
        ns: Option<&str>,
        is_partition: bool,
    ) -> Option<Placed<Top>> {
        let mut t = Table::new(Name::new(""));
        let mut body: Option<P<'a>> = None;
        let mut name_span = span.clone();
        let mut seen_name = false;
        let mut parent: Option<Name> = None;
        let mut bound: Option<String> = None;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::qname if !seen_name => {
                    t.name = self.decl_name(&c, ns);
                    name_span = self.span(&c);
                    seen_name = true;
                }
                Rule::qname => parent = Some(self.ref_name(&c)),
                Rule::k_default => bound = Some("default".into()),
                Rule::bound_raw => bound = Some(c.as_str().trim().to_string()),
                Rule::table_with => self.options(&c, &mut t.options),
                Rule::inherits => {
                    for q in c.into_inner().filter(|x| x.as_rule() == Rule::qname) {
                        t.inherits.push(self.ref_name(&q));
                    }
                }
                Rule::partition_by => {
                    if let Some(cl) = c
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::partition_clause)
                    {
                        t.partition = Some(Partitioning::By {
                            by: Expr::new(cl.as_str().trim()),
                        });
                    }
                }
                Rule::table_body => body = Some(c),
                _ => {}
            }
        }
        if is_partition {
            if let (Some(parent), Some(bound)) = (parent, bound) {
                let by = match t.partition.take() {
                    Some(Partitioning::By { by }) => Some(by),
                    _ => None,
                };
                t.partition = Some(Partitioning::Of {
                    parent,
                    bound: Expr::new(bound),
                    by,
                });
            }
        }
        let at = ObjectRef::Table {
            name: t.name.clone(),
        };
        if self.duplicate_relation(&at, &t.name, &name_span) {
            return None;
        }
        self.record(at.clone(), name_span);
        let mut inline = BTreeMap::new();
        let block = body.map(|b| self.table_body(b, &mut t, &mut inline, ns));
        self.out.schema.tables.insert(t.name.clone(), t);
        Some(Placed::new(Top::Object { at, block, inline }, span))
    }

    fn options(&mut self, p: &P<'a>, into: &mut BTreeMap<String, String>) {
        for o in p
            .clone()
            .into_inner()
            .filter(|x| x.as_rule() == Rule::option)
        {
            let mut key = String::new();
            let mut value = "true".to_string();
            for c in o.clone().into_inner() {
                match c.as_rule() {
                    Rule::bare_ident | Rule::quoted_ident => key = self.ident_checked(&c),
                    Rule::option_value => {
                        let v = c.clone().into_inner().next();
                        value = match v {
                            Some(s) if s.as_rule() == Rule::string => self.string(&s),
                            Some(s) => s.as_str().to_string(),
                            None => c.as_str().to_string(),
                        };
                    }
                    _ => {}
                }
            }
            if into.contains_key(&key) {
                let sp = self.span(&o);
                self.err(
                    "E0307",
                    sp,
                    format!("table option `{key}` is given twice"),
                    "second one",
                    Some("keep one value per option".into()),
                );
                continue;
            }
            into.insert(key, value);
        }
    }

    fn table_body(
        &mut self,
        body: P<'a>,
        t: &mut Table,
        inline: &mut BTreeMap<usize, Vec<Member>>,
        ns: Option<&str>,
    ) -> Block<Member> {
        let mut block = Block::new(self.whole_span(&body));
        let members: Vec<P<'a>> = body.into_inner().collect();
        // Columns first, so that constraints written on a column's line
        // come before table-level ones in the IR, whatever the order of the
        // lines; the printer relies on this to round-trip.
        let mut placed: Vec<(usize, Placed<Member>)> = Vec::new();
        let mut pk_span: Option<Range<usize>> = None;
        for (pos, m) in members.iter().enumerate() {
            if m.as_rule() != Rule::column {
                continue;
            }
            let span = self.span(m);
            if let Some(idx) = self.column(m.clone(), t, inline, &mut pk_span) {
                placed.push((pos, Placed::new(Member::Column(idx), span)));
            }
        }
        for (pos, m) in members.iter().enumerate() {
            let span = self.span(m);
            let member = match m.as_rule() {
                Rule::t_primary => self.t_primary(m, t, &mut pk_span),
                Rule::t_unique => self.t_unique(m, t),
                Rule::t_check => self.t_check(m, t),
                Rule::t_foreign => self.t_foreign(m, t),
                Rule::t_index => self.t_index(m, &t.name, &mut t.indexes),
                Rule::t_row_security => self.t_row_security(m, t),
                Rule::t_exclude => self.t_exclude(m, t),
                Rule::comment_item => {
                    let v = self.string_child(m).unwrap_or_default();
                    self.once(&mut t.comment, v, span.clone(), "a table comment");
                    Some(Member::Comment)
                }
                Rule::t_renamed => {
                    let q = m.clone().into_inner().find(|x| x.as_rule() == Rule::qname);
                    match q {
                        Some(q) => {
                            let n = self.decl_name(&q, ns);
                            self.once(&mut t.renamed_from, n, span.clone(), "`renamed_from`");
                            Some(Member::RenamedFrom)
                        }
                        None => None,
                    }
                }
                _ => None,
            };
            if let Some(member) = member {
                placed.push((pos, Placed::new(member, span)));
            }
        }
        placed.sort_by_key(|(pos, _)| *pos);
        block.items = placed.into_iter().map(|(_, p)| p).collect();
        block
    }

    fn column(
        &mut self,
        p: P<'a>,
        t: &mut Table,
        inline: &mut BTreeMap<usize, Vec<Member>>,
        pk_span: &mut Option<Range<usize>>,
    ) -> Option<usize> {
        let line = self.span(&p);
        let a = self.column_attributes(p, pk_span);
        if self.defined_twice(t, &a.col.name, a.name_span.clone()) {
            return None;
        }
        if a.col.generated.is_some() && a.col.default.is_some() {
            self.err(
                "E0308",
                line.clone(),
                format!("column `{}` has both a default and `generated`", a.col.name),
                "a generated column has no default",
                Some("remove the `= …` default or the `generated (…)` clause".into()),
            );
        }
        let idx = t.columns.len();
        let cname = a.col.name.clone();
        let mine = self.inline_constraints(t, &cname, &line, a.inline);
        self.record(
            ObjectRef::Column {
                table: t.name.clone(),
                column: cname,
            },
            line,
        );
        t.columns.push(a.col);
        if !mine.is_empty() {
            inline.insert(idx, mine);
        }
        Some(idx)
    }

    /// Reads a column line: the column, and the constraints written on it
    /// (with their spans) for the table to take.
    fn column_attributes(
        &mut self,
        p: P<'a>,
        pk_span: &mut Option<Range<usize>>,
    ) -> ColumnAttributes {
        let mut a = ColumnAttributes {
            col: Column::new("", ""),
            name_span: self.span(&p),
            inline: Inline::default(),
        };
        let mut got_name = false;
        for c in p.into_inner() {
            let sp = self.span(&c);
            let col = &mut a.col;
            match c.as_rule() {
                Rule::bare_ident | Rule::quoted_ident if !got_name => {
                    col.name = self.ident_checked(&c);
                    a.name_span = sp;
                    got_name = true;
                }
                Rule::col_type => col.ty = col_type(&c),
                Rule::nullable => col.nullable = true,
                Rule::attr_pk => a.inline.pk = self.column_pk(a.inline.pk, sp, pk_span),
                Rule::attr_unique => a.inline.uniques.push(sp),
                Rule::attr_identity => {
                    let id = self.identity(&c);
                    self.once(&mut col.identity, id, sp, "an identity");
                }
                Rule::attr_autoinc => {
                    self.once(
                        &mut col.identity,
                        Identity::AutoIncrement,
                        sp,
                        "an identity",
                    );
                }
                Rule::attr_default => {
                    if let Some(e) = default_expr(&c) {
                        self.once(&mut col.default, e, sp, "a default");
                    }
                }
                Rule::attr_backfill => {
                    if let Some(e) = default_expr(&c) {
                        self.once(&mut col.backfill, e, sp, "`backfill`");
                    }
                }
                Rule::attr_on_update => {
                    if let Some(e) = default_expr(&c) {
                        self.once(&mut col.on_update, e, sp, "`on update`");
                    }
                }
                Rule::attr_check => {
                    let check = self.column_check(&c);
                    a.inline.checks.push((check, sp));
                }
                Rule::attr_fk => {
                    if let Some(fk) = self.inline_fk(&c) {
                        a.inline.fks.push((fk, sp));
                    }
                }
                Rule::attr_collate => {
                    let v = self.dotted(&c);
                    self.once(&mut col.collation, v, sp, "a collation");
                }
                Rule::attr_charset => {
                    let v = self.first_ident(&c);
                    self.once(&mut col.charset, v, sp, "a charset");
                }
                Rule::attr_generated => {
                    self.once(&mut col.generated, generated(&c), sp, "`generated`");
                }
                Rule::attr_invisible => col.invisible = true,
                Rule::attr_statistics => {
                    let n = self.column_statistics_target(&c, sp.clone());
                    if let Some(n) = n {
                        self.once(&mut col.statistics, n, sp, "`statistics`");
                    }
                }
                Rule::attr_n_distinct => self.column_distinct(&c, sp, &mut col.distinct),
                Rule::attr_storage => {
                    if let Some(v) = self.column_storage(&c, sp.clone()) {
                        self.once(&mut col.storage, v, sp, "`storage`");
                    }
                }
                Rule::attr_compression => {
                    if let Some(v) = self.column_compression(&c, sp.clone()) {
                        self.once(&mut col.compression, v, sp, "`compression`");
                    }
                }
                Rule::attr_comment => {
                    let v = self.string_child(&c).unwrap_or_default();
                    self.once(&mut col.comment, v, sp, "a column comment");
                }
                Rule::attr_using => {
                    if let Some(x) = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::paren_group)
                    {
                        let e = Expr::new(text::paren_inner(x.as_str()));
                        self.once(&mut col.using, e, sp, "`using`");
                    }
                }
                Rule::renamed => {
                    let v = self.first_ident(&c);
                    self.once(&mut col.renamed_from, v, sp, "`renamed_from`");
                }
                _ => {}
            }
        }
        a
    }

    /// `statistics n`: a whole number the server takes as a column's
    /// statistics target (0 to 10000).
    fn column_statistics_target(&mut self, p: &P<'a>, sp: Range<usize>) -> Option<i32> {
        let raw = p
            .clone()
            .into_inner()
            .find(|x| x.as_rule() == Rule::number)
            .map(|x| x.as_str().to_string())
            .unwrap_or_default();
        match raw.parse::<i32>() {
            Ok(n) if (0..=10000).contains(&n) => Some(n),
            _ => {
                self.err(
                    "E0275",
                    sp,
                    format!("`statistics {raw}` is not a statistics target"),
                    "not a whole number from 0 to 10000",
                    Some("write a whole number from 0 to 10000, or leave `statistics` out for the server's default".into()),
                );
                None
            }
        }
    }

    /// A `pk` on a column line: whether the column is the primary key
    /// after it (not when another line already is; `pk` twice is said).
    fn column_pk(
        &mut self,
        already: bool,
        sp: Range<usize>,
        pk_span: &mut Option<Range<usize>>,
    ) -> bool {
        if already {
            self.err(
                "E0308",
                sp.clone(),
                "`pk` is given twice".into(),
                "second one",
                None,
            );
        }
        if let Some(first) = pk_span.clone() {
            self.two_pks(sp, first);
            false
        } else {
            *pk_span = Some(sp);
            true
        }
    }

    /// `check name (expr)` on a column line.
    fn column_check(&mut self, c: &P<'a>) -> Check {
        let mut name = None;
        let mut expr = String::new();
        for x in c.clone().into_inner() {
            match x.as_rule() {
                Rule::bare_ident | Rule::quoted_ident => name = Some(self.ident_checked(&x)),
                Rule::paren_group => expr = text::paren_inner(x.as_str()),
                _ => {}
            }
        }
        Check {
            comment: None,
            name,
            expr: Expr::new(expr),
            not_valid: false,
            renamed_from: None,
            no_inherit: false,
            column: None,
        }
    }

    /// E0304: whether `name` is already a column of `t` (and then says so,
    /// pointing at both).
    fn defined_twice(&mut self, t: &Table, name: &str, name_span: Range<usize>) -> bool {
        let Some(first) = t.columns.iter().position(|x| x.name == name) else {
            return false;
        };
        let first_span = self
            .out
            .map
            .get(&ObjectRef::Column {
                table: t.name.clone(),
                column: t.columns[first].name.clone(),
            })
            .map(|l| l.span.clone());
        let mut d = Diag::error(
            "E0304",
            format!("column `{name}` is defined twice in table `{}`", t.name),
        )
        .at(self.file, name_span, "defined again here")
        .help("rename one of the columns, or delete the copy");
        if let Some(f) = first_span {
            d = d.label(f, "first defined here");
        }
        self.diags.push(d);
        true
    }

    /// The constraints written on the line of column `cname`, added to the
    /// table; returns them as the layout knows them.
    fn inline_constraints(
        &mut self,
        t: &mut Table,
        cname: &str,
        line: &Range<usize>,
        inline: Inline,
    ) -> Vec<Member> {
        let mut mine = Vec::new();
        if inline.pk {
            t.primary_key = Some(PrimaryKey::on(vec![cname.to_string()]));
            mine.push(Member::PrimaryKey);
            self.record(
                ObjectRef::PrimaryKey {
                    table: t.name.clone(),
                },
                line.clone(),
            );
        }
        for sp in inline.uniques {
            let u = Unique {
                attached_to: None,
                comment: None,
                name: None,
                columns: vec![cname.to_string()],
                nulls_not_distinct: false,
                deferral: Deferral::NotDeferrable,
                renamed_from: None,
                options: Default::default(),
            };
            mine.push(self.push_part(&t.name, &mut t.uniques, u, Part::Unique, sp));
        }
        // Where it was written: MariaDB keeps a check on a column apart
        // from a table's (`parse` forgets it for the other dialects).
        for (mut ch, sp) in inline.checks {
            ch.column = Some(cname.to_string());
            mine.push(self.push_part(&t.name, &mut t.checks, ch, Part::Check, sp));
        }
        for (mut fk, sp) in inline.fks {
            fk.columns = vec![cname.to_string()];
            mine.push(self.push_part(&t.name, &mut t.foreign_keys, fk, Part::ForeignKey, sp));
        }
        mine
    }

    /// Adds a part to its table's list and records where it was written;
    /// returns the part as the layout knows it.
    fn push_part<T>(
        &mut self,
        table: &Name,
        list: &mut Vec<T>,
        part: T,
        kind: Part,
        span: Range<usize>,
    ) -> Member {
        let index = list.len();
        list.push(part);
        self.record(kind.at(table, index), span);
        kind.member(index)
    }

    fn two_pks(&mut self, span: Range<usize>, first: Range<usize>) {
        let d = Diag::error("E0305", "a table has at most one primary key")
            .at(self.file, span, "second primary key")
            .label(first, "first primary key")
            .help("for a key over several columns, write `primary key (a, b)` once");
        self.diags.push(d);
    }

    /// The qualified name inside `p`, its parts unquoted and joined by dots.
    pub(super) fn dotted(&mut self, p: &P<'a>) -> String {
        match p.clone().into_inner().find(|q| q.as_rule() == Rule::qname) {
            Some(q) => self.qname_parts(&q).join("."),
            None => String::new(),
        }
    }

    fn first_ident(&mut self, p: &P<'a>) -> String {
        match p.clone().into_inner().find(is_ident) {
            Some(i) => self.ident_checked(&i),
            None => String::new(),
        }
    }

    fn identity(&mut self, p: &P<'a>) -> Identity {
        let mut by_default = false;
        let mut options = SequenceOptions::default();
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::k_by => by_default = true,
                Rule::seq_options => {
                    for o in c.clone().into_inner() {
                        self.seq_option(&o, &mut options);
                    }
                }
                _ => {}
            }
        }
        if by_default {
            Identity::ByDefault { options }
        } else {
            Identity::Always { options }
        }
    }

    fn fk_options(&mut self, p: &P<'a>, fk: &mut ForeignKey) {
        for c in p.clone().into_inner() {
            let sp = self.span(&c);
            match c.as_rule() {
                Rule::on_delete => {
                    if let Some(a) = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::fk_action)
                    {
                        fk.on_delete = fk_action(&a);
                    }
                }
                Rule::on_update_action => {
                    if let Some(a) = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::fk_action)
                    {
                        fk.on_update = fk_action(&a);
                    }
                }
                Rule::deferral => fk.deferral = deferral(&c),
                Rule::match_type => {
                    fk.match_type = if c.clone().into_inner().any(|x| x.as_rule() == Rule::k_full) {
                        MatchType::Full
                    } else if c
                        .clone()
                        .into_inner()
                        .any(|x| x.as_rule() == Rule::k_partial)
                    {
                        MatchType::Partial
                    } else {
                        MatchType::Simple
                    }
                }
                Rule::not_valid => fk.not_valid = true,
                Rule::renamed => {
                    let v = self.first_ident(&c);
                    self.once(&mut fk.renamed_from, v, sp, "`renamed_from`");
                }
                _ => {}
            }
        }
    }

    fn inline_fk(&mut self, p: &P<'a>) -> Option<ForeignKey> {
        let q = p
            .clone()
            .into_inner()
            .find(|x| x.as_rule() == Rule::qname)?;
        let parts = self.qname_parts(&q);
        let (table, col) = match parts.as_slice() {
            [t, c] => (Name::new(t.clone()), c.clone()),
            [s, t, c] => (Name::qualified(s.clone(), t.clone()), c.clone()),
            _ => {
                let sp = self.span(&q);
                self.err(
                    "E0317",
                    sp,
                    "a reference needs a table and a column: `-> table.column`".into(),
                    "no column named",
                    Some(format!(
                        "write `-> {}.id` (or the column it points at)",
                        parts.join(".")
                    )),
                );
                return None;
            }
        };
        let mut fk = ForeignKey {
            comment: None,
            name: None,
            columns: Vec::new(),
            ref_table: table,
            ref_columns: vec![col],
            on_delete: FkAction::Unspecified,
            on_update: FkAction::Unspecified,
            deferral: Deferral::NotDeferrable,
            match_type: MatchType::Simple,
            not_valid: false,
            renamed_from: None,
            attached_to: None,
        };
        self.fk_options(p, &mut fk);
        Some(fk)
    }

    fn constraint_name(&mut self, p: &P<'a>) -> Option<String> {
        // The optional name sits before the first parenthesised part.
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::bare_ident | Rule::quoted_ident => return Some(self.ident_checked(&c)),
                Rule::col_list | Rule::paren_group | Rule::index_parts => return None,
                _ => {}
            }
        }
        None
    }

    fn t_primary(
        &mut self,
        p: &P<'a>,
        t: &mut Table,
        pk_span: &mut Option<Range<usize>>,
    ) -> Option<Member> {
        let sp = self.span(p);
        if let Some(first) = pk_span.clone() {
            self.two_pks(sp, first);
            return None;
        }
        *pk_span = Some(sp.clone());
        let name = self.constraint_name(p);
        let mut cols: Vec<String> = Vec::new();
        let mut lengths = BTreeMap::new();
        let mut descending = std::collections::BTreeSet::new();
        let parts = p
            .clone()
            .into_inner()
            .filter(|x| x.as_rule() == Rule::pk_cols);
        for c in parts
            .flat_map(|l| l.into_inner())
            .flat_map(|c| c.into_inner())
        {
            // `desc` follows the column it orders (`asc` is the default).
            if c.as_rule() == Rule::k_desc {
                if let Some(col) = cols.last() {
                    descending.insert(col.clone());
                }
                continue;
            }
            let mut length = None;
            for x in std::iter::once(c.clone()).chain(c.clone().into_inner()) {
                match x.as_rule() {
                    Rule::bare_ident | Rule::quoted_ident => cols.push(self.ident_checked(&x)),
                    Rule::uint => length = x.as_str().parse().ok(),
                    _ => {}
                }
            }
            if let (Some(n), Some(col)) = (length, cols.last()) {
                lengths.insert(col.clone(), n);
            }
        }
        let mut pk = PrimaryKey {
            name,
            lengths,
            descending,
            ..PrimaryKey::on(cols)
        };
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::deferral => pk.deferral = deferral(&c),
                Rule::index_using => {
                    let m = self.first_ident(&c).to_lowercase();
                    self.once(&mut pk.method, m, self.span(&c), "`using`");
                }
                Rule::table_with => self.options(&c, &mut pk.options),
                Rule::attr_comment => self.constraint_comment(&c, &mut pk.comment),
                _ => {}
            }
        }
        t.primary_key = Some(pk);
        self.record(
            ObjectRef::PrimaryKey {
                table: t.name.clone(),
            },
            sp,
        );
        Some(Member::PrimaryKey)
    }

    /// `comment "…"` after a constraint, once.
    pub(super) fn constraint_comment(&mut self, c: &P<'a>, comment: &mut Option<String>) {
        let v = self.string_child(c).unwrap_or_default();
        let sp = self.span(c);
        self.once(comment, v, sp, "a constraint comment");
    }

    fn t_unique(&mut self, p: &P<'a>, t: &mut Table) -> Option<Member> {
        let sp = self.span(p);
        let mut u = Unique {
            attached_to: None,
            comment: None,
            name: self.constraint_name(p),
            columns: Vec::new(),
            nulls_not_distinct: false,
            deferral: Deferral::NotDeferrable,
            renamed_from: None,
            options: Default::default(),
        };
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::col_list => u.columns = self.col_list(&c),
                Rule::nulls_not_distinct => u.nulls_not_distinct = true,
                Rule::deferral => u.deferral = deferral(&c),
                Rule::table_with => self.options(&c, &mut u.options),
                Rule::attr_comment => self.constraint_comment(&c, &mut u.comment),
                Rule::renamed => u.renamed_from = Some(self.first_ident(&c)),
                _ => {}
            }
        }
        Some(self.push_part(&t.name, &mut t.uniques, u, Part::Unique, sp))
    }

    fn t_check(&mut self, p: &P<'a>, t: &mut Table) -> Option<Member> {
        let sp = self.span(p);
        let mut ch = Check {
            comment: None,
            name: self.constraint_name(p),
            expr: Expr::new(""),
            not_valid: false,
            renamed_from: None,
            no_inherit: false,
            column: None,
        };
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::paren_group => ch.expr = Expr::new(text::paren_inner(c.as_str())),
                Rule::not_valid => ch.not_valid = true,
                Rule::no_inherit => ch.no_inherit = true,
                Rule::attr_comment => self.constraint_comment(&c, &mut ch.comment),
                Rule::renamed => ch.renamed_from = Some(self.first_ident(&c)),
                _ => {}
            }
        }
        Some(self.push_part(&t.name, &mut t.checks, ch, Part::Check, sp))
    }

    fn t_foreign(&mut self, p: &P<'a>, t: &mut Table) -> Option<Member> {
        let sp = self.span(p);
        let mut fk = ForeignKey {
            comment: None,
            name: self.constraint_name(p),
            columns: Vec::new(),
            ref_table: Name::new(""),
            ref_columns: Vec::new(),
            on_delete: FkAction::Unspecified,
            on_update: FkAction::Unspecified,
            deferral: Deferral::NotDeferrable,
            match_type: MatchType::Simple,
            not_valid: false,
            renamed_from: None,
            attached_to: None,
        };
        let mut lists = 0;
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::col_list if lists == 0 => {
                    fk.columns = self.col_list(&c);
                    lists += 1;
                }
                Rule::col_list => fk.ref_columns = self.col_list(&c),
                Rule::qname => fk.ref_table = self.ref_name(&c),
                Rule::attr_comment => self.constraint_comment(&c, &mut fk.comment),
                _ => {}
            }
        }
        self.fk_options(p, &mut fk);
        Some(self.push_part(&t.name, &mut t.foreign_keys, fk, Part::ForeignKey, sp))
    }

    fn t_index(&mut self, p: &P<'a>, owner: &Name, indexes: &mut Vec<Index>) -> Option<Member> {
        let sp = self.span(p);
        let mut ix = Index {
            name: self.constraint_name(p),
            parts: Vec::new(),
            unique: false,
            method: None,
            include: Vec::new(),
            predicate: None,
            nulls_not_distinct: false,
            comment: None,
            renamed_from: None,
            options: Default::default(),
            invalid: false,
            attached_to: None,
        };
        let mut kind: Option<String> = None;
        let mut using_span = None;
        for c in p.clone().into_inner() {
            let csp = self.span(&c);
            match c.as_rule() {
                Rule::index_kind => kind = Some(c.as_str().trim().to_string()),
                Rule::index_parts => {
                    for part in c
                        .clone()
                        .into_inner()
                        .filter(|x| x.as_rule() == Rule::index_part)
                    {
                        ix.parts.push(self.index_part(&part));
                    }
                }
                Rule::unique_flag => ix.unique = true,
                Rule::index_using => {
                    let m = self.first_ident(&c).to_lowercase();
                    self.once(&mut ix.method, m, csp.clone(), "`using`");
                    using_span = Some(csp);
                }
                Rule::index_include => {
                    if let Some(l) = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::col_list)
                    {
                        ix.include = self.col_list(&l);
                    }
                }
                Rule::nulls_not_distinct => ix.nulls_not_distinct = true,
                Rule::index_only => ix.invalid = true,
                Rule::table_with => self.options(&c, &mut ix.options),
                Rule::attr_comment => {
                    let v = self.string_child(&c).unwrap_or_default();
                    self.once(&mut ix.comment, v, csp, "an index comment");
                }
                Rule::renamed => {
                    let v = self.first_ident(&c);
                    self.once(&mut ix.renamed_from, v, csp, "`renamed_from`");
                }
                Rule::index_where => {
                    if let Some(w) = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::where_raw)
                    {
                        ix.predicate = Some(Expr::new(text::strip_sole_parens(w.as_str().trim())));
                    }
                }
                _ => {}
            }
        }
        if let Some(k) = kind {
            if let Some(u) = using_span {
                self.err(
                    "E0310",
                    u,
                    format!("a {k} index takes no `using`"),
                    "remove this",
                    Some(format!("`{k} index` already names the kind of index")),
                );
            }
            ix.method = Some(k);
        }
        Some(self.push_part(owner, indexes, ix, Part::Index, sp))
    }

    fn index_part(&mut self, p: &P<'a>) -> IndexPart {
        let mut part = IndexPart {
            key: IndexKey::Column(String::new()),
            desc: false,
            nulls_first: None,
            collation: None,
            opclass: None,
            length: None,
        };
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::part_expr => {
                    part.key = IndexKey::Expr(Expr::new(text::paren_inner(c.as_str().trim())))
                }
                Rule::part_call => part.key = IndexKey::Expr(Expr::new(c.as_str().trim())),
                Rule::part_column => part.key = IndexKey::Column(self.first_ident(&c)),
                Rule::part_prefix => {
                    for x in c.clone().into_inner() {
                        match x.as_rule() {
                            Rule::bare_ident | Rule::quoted_ident => {
                                part.key = IndexKey::Column(self.ident_checked(&x))
                            }
                            Rule::uint => part.length = x.as_str().parse().ok(),
                            _ => {}
                        }
                    }
                }
                Rule::k_desc => part.desc = true,
                Rule::k_asc => part.desc = false,
                Rule::nulls_first => part.nulls_first = Some(true),
                Rule::nulls_last => part.nulls_first = Some(false),
                Rule::part_collate => part.collation = Some(self.dotted(&c)),
                Rule::opclass => {
                    if let Some(q) = c.clone().into_inner().find(|x| x.as_rule() == Rule::qname) {
                        part.opclass = Some(self.qname_parts(&q).join("."));
                    }
                }
                _ => {}
            }
        }
        part
    }

    // ------------------------------------------------------------ views, functions, triggers

    fn view(&mut self, p: P<'a>, span: Range<usize>, ns: Option<&str>) -> Option<Placed<Top>> {
        let mut v = View {
            name: Name::new(""),
            body: String::new(),
            materialized: false,
            columns: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            renamed_from: None,
            column_comments: Default::default(),
            unmodeled: Vec::new(),
            written: None,
            options: Default::default(),
        };
        let mut name_span = span.clone();
        let mut block_pair = None;
        let mut column_members = Vec::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::k_materialized => v.materialized = true,
                Rule::qname => {
                    v.name = self.decl_name(&c, ns);
                    name_span = self.span(&c);
                }
                Rule::col_list => v.columns = self.col_list(&c),
                Rule::table_with => self.options(&c, &mut v.options),
                Rule::sql_block => v.body = sql_block_body(&c),
                Rule::paren_group => v.body = text::paren_inner(c.as_str()),
                Rule::view_block => block_pair = Some(c),
                _ => {}
            }
        }
        let at = ObjectRef::View {
            name: v.name.clone(),
        };
        if self.duplicate_relation(&at, &v.name, &name_span) {
            return None;
        }
        self.record(at.clone(), name_span);
        let block = block_pair.map(|b| {
            let mut block = Block::new(self.whole_span(&b));
            for m in b.into_inner() {
                let sp = self.span(&m);
                let member = match m.as_rule() {
                    Rule::t_index => {
                        let owner = v.name.clone();
                        self.t_index(&m, &owner, &mut v.indexes)
                    }
                    Rule::comment_item => {
                        let c = self.string_child(&m).unwrap_or_default();
                        self.once(&mut v.comment, c, sp.clone(), "a view comment");
                        Some(Member::Comment)
                    }
                    Rule::t_renamed => {
                        match m.clone().into_inner().find(|x| x.as_rule() == Rule::qname) {
                            Some(q) => {
                                v.renamed_from = Some(self.decl_name(&q, ns));
                                Some(Member::RenamedFrom)
                            }
                            None => None,
                        }
                    }
                    Rule::view_column => {
                        let column = self.view_column(&m, &mut v.column_comments, sp.clone());
                        column_members.push((block.items.len(), column));
                        Some(Member::Column(0))
                    }
                    _ => None,
                };
                if let Some(member) = member {
                    block.items.push(Placed::new(member, sp));
                }
            }
            // A column's member points at its place among the view's
            // column comments, known once all are read.
            for (item, column) in column_members.drain(..) {
                let at = v.column_comments.keys().position(|c| *c == column);
                block.items[item].item = Member::Column(at.unwrap_or(usize::MAX));
            }
            block
        });
        self.out.schema.views.insert(v.name.clone(), v);
        Some(Placed::new(
            Top::Object {
                at,
                block,
                inline: BTreeMap::new(),
            },
            span,
        ))
    }

    /// `column c comment "…"` in a view's block; returns the column's name.
    fn view_column(
        &mut self,
        p: &P<'a>,
        comments: &mut BTreeMap<String, String>,
        span: Range<usize>,
    ) -> String {
        let column = self.first_ident(p);
        let text = p
            .clone()
            .into_inner()
            .find(|x| x.as_rule() == Rule::comment_item)
            .and_then(|c| self.string_child(&c))
            .unwrap_or_default();
        let mut slot = comments.get(&column).cloned();
        let what = format!("a comment on view column `{column}`");
        self.once(&mut slot, text, span, &what);
        if let Some(text) = slot {
            comments.insert(column.clone(), text);
        }
        column
    }

    fn function(&mut self, p: P<'a>, span: Range<usize>, ns: Option<&str>) -> Option<Placed<Top>> {
        let mut f = Function {
            name: Name::new(""),
            args: String::new(),
            returns: None,
            language: String::new(),
            body: String::new(),
            object_file: None,
            standard_body: false,
            aggregate: p.as_rule() == Rule::aggregate,
            comment: None,
            attributes: Default::default(),
            options: Default::default(),
        };
        let mut name_span = span.clone();
        let mut groups = 0;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::qname => {
                    f.name = self.decl_name(&c, ns);
                    name_span = self.span(&c);
                }
                // An aggregate's second group is its options.
                Rule::paren_group if groups > 0 => f.body = text::paren_inner(c.as_str()),
                Rule::paren_group => {
                    f.args = text::paren_inner(c.as_str());
                    groups += 1;
                }
                Rule::returns_raw => f.returns = Some(c.as_str().trim().to_string()),
                Rule::bare_ident | Rule::quoted_ident => f.language = self.ident_checked(&c),
                Rule::sql_block => f.body = sql_block_body(&c),
                Rule::fn_standard => {
                    f.standard_body = true;
                    if let Some(b) = c.into_inner().next() {
                        f.body = sql_block_body(&b);
                    }
                }
                Rule::fn_link => {
                    let parts: Vec<P> = c.into_inner().collect();
                    if let [file, symbol] = parts.as_slice() {
                        f.object_file = Some(self.string(file));
                        f.body = self.string(symbol);
                    }
                }
                Rule::comment_item => f.comment = self.string_child(&c),
                Rule::table_with => self.options(&c, &mut f.options),
                _ => self.fn_attr(&c, &mut f.attributes),
            }
        }
        let (_, args) = f.key();
        let at = ObjectRef::Function {
            name: f.name.clone(),
            args: args.clone(),
        };
        if self.duplicate(&at, &name_span, &format!("{}({args})", f.name)) {
            return None;
        }
        self.record(at.clone(), name_span);
        self.out.schema.functions.insert(f.key(), f);
        Some(object(at, span))
    }

    fn trigger(&mut self, p: P<'a>, span: Range<usize>) -> Option<Placed<Top>> {
        let mut tr = Trigger {
            name: String::new(),
            table: Name::new(""),
            timing: String::new(),
            events: Vec::new(),
            for_each_row: false,
            when: None,
            body: String::new(),
            options: Default::default(),
            comment: None,
        };
        let mut name_span = span.clone();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::bare_ident | Rule::quoted_ident => {
                    tr.name = self.ident_checked(&c);
                    name_span = self.span(&c);
                }
                Rule::qname => tr.table = self.ref_name(&c),
                Rule::table_with => self.options(&c, &mut tr.options),
                Rule::trig_timing => tr.timing = words(c.as_str()),
                Rule::trig_events => {
                    for e in c
                        .clone()
                        .into_inner()
                        .filter(|x| x.as_rule() == Rule::trig_event)
                    {
                        let ev = match e.clone().into_inner().next() {
                            Some(u) if u.as_rule() == Rule::trig_update => {
                                let cols: Vec<String> = u
                                    .clone()
                                    .into_inner()
                                    .filter(is_ident)
                                    .map(|i| self.ident_checked(&i))
                                    .collect();
                                if cols.is_empty() {
                                    "update".to_string()
                                } else {
                                    format!(
                                        "update of {}",
                                        cols.iter()
                                            .map(|c| text::ident(c))
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    )
                                }
                            }
                            _ => words(e.as_str()),
                        };
                        tr.events.push(ev);
                    }
                }
                Rule::trig_each => {
                    tr.for_each_row = c.clone().into_inner().any(|x| x.as_rule() == Rule::k_row)
                }
                Rule::trig_when => {
                    if let Some(g) = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::paren_group)
                    {
                        tr.when = Some(Expr::new(text::paren_inner(g.as_str())));
                    }
                }
                Rule::trig_execute => {
                    if let Some(call) = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::exec_call)
                    {
                        tr.body = format!("execute function {}", call.as_str().trim());
                    }
                }
                Rule::sql_block => tr.body = sql_block_body(&c),
                Rule::comment_item => tr.comment = self.string_child(&c),
                _ => {}
            }
        }
        let at = ObjectRef::Trigger {
            table: tr.table.clone(),
            name: tr.name.clone(),
        };
        if self.duplicate(&at, &name_span, &format!("{} on {}", tr.name, tr.table)) {
            return None;
        }
        self.record(at.clone(), name_span);
        self.out
            .schema
            .triggers
            .insert((tr.table.clone(), tr.name.clone()), tr);
        Some(object(at, span))
    }
}

/// A column line read: the column, where its name is, and the constraints
/// written on it.
struct ColumnAttributes {
    col: Column,
    name_span: Range<usize>,
    inline: Inline,
}

/// The constraints written on a column line, with their spans, for the
/// table to take: `pk`, `unique`, `check (…)`, `references …`.
#[derive(Default)]
struct Inline {
    pk: bool,
    uniques: Vec<Range<usize>>,
    checks: Vec<(Check, Range<usize>)>,
    fks: Vec<(ForeignKey, Range<usize>)>,
}

/// `= expr` / `on update expr`: the expression of a default-like
/// attribute, outer parentheses dropped.
fn default_expr(c: &P) -> Option<Expr> {
    let e = c
        .clone()
        .into_inner()
        .find(|x| x.as_rule() == Rule::default_expr)?;
    Some(Expr::new(text::strip_sole_parens(e.as_str().trim())))
}

/// `generated (expr) [stored | virtual]`.
fn generated(c: &P) -> Generated {
    let mut g = Generated {
        expr: Expr::new(""),
        stored: true,
    };
    for x in c.clone().into_inner() {
        match x.as_rule() {
            Rule::paren_group => g.expr = Expr::new(text::paren_inner(x.as_str())),
            Rule::k_virtual => g.stored = false,
            _ => {}
        }
    }
    g
}

/// The parts a table keeps in lists: the source map and the layout know
/// each by its place in its list.
#[derive(Debug, Clone, Copy)]
enum Part {
    Unique,
    Check,
    ForeignKey,
    Index,
    Exclusion,
}

impl Part {
    fn at(self, table: &Name, index: usize) -> ObjectRef {
        let table = table.clone();
        match self {
            Part::Unique => ObjectRef::Unique { table, index },
            Part::Check => ObjectRef::Check { table, index },
            Part::ForeignKey => ObjectRef::ForeignKey { table, index },
            Part::Index => ObjectRef::Index { table, index },
            Part::Exclusion => ObjectRef::Exclusion { table, index },
        }
    }

    fn member(self, index: usize) -> Member {
        match self {
            Part::Unique => Member::Unique(index),
            Part::Check => Member::Check(index),
            Part::ForeignKey => Member::ForeignKey(index),
            Part::Index => Member::Index(index),
            Part::Exclusion => Member::Exclusion(index),
        }
    }
}

fn object(at: ObjectRef, span: Range<usize>) -> Placed<Top> {
    Placed::new(
        Top::Object {
            at,
            block: None,
            inline: BTreeMap::new(),
        },
        span,
    )
}

fn is_ident(p: &P) -> bool {
    matches!(p.as_rule(), Rule::bare_ident | Rule::quoted_ident)
}

fn ident(p: &P) -> String {
    if p.as_rule() == Rule::quoted_ident {
        text::unescape(p.as_str()).unwrap_or_else(|_| p.as_str().to_string())
    } else {
        p.as_str().to_string()
    }
}

/// Lowercase words joined by single spaces: `instead   of` → `instead of`.
fn words(s: &str) -> String {
    s.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The canonical spelling of a column type: unquoted words lowercased,
/// single spaces, no spaces inside the argument list.
pub fn col_type(p: &P) -> Type {
    // Written straight into one string: this runs for every column.
    let mut out = String::new();
    for c in p.clone().into_inner() {
        match c.as_rule() {
            Rule::type_name => {
                for (n, i) in c.clone().into_inner().enumerate() {
                    if n > 0 {
                        out.push('.');
                    }
                    if i.as_rule() == Rule::quoted_ident {
                        out.push_str(i.as_str());
                    } else {
                        push_lowercase(&mut out, i.as_str());
                    }
                }
            }
            Rule::type_args => {
                out.push('(');
                for (n, a) in c.clone().into_inner().enumerate() {
                    if n > 0 {
                        out.push(',');
                    }
                    let s = a.as_str();
                    if s.starts_with('\'') {
                        out.push_str(s);
                    } else {
                        push_lowercase(&mut out, s);
                    }
                }
                out.push(')');
            }
            Rule::type_mod => {
                out.push(' ');
                out.push_str(&words(c.as_str()));
            }
            Rule::type_array => out.push_str(c.as_str()),
            _ => {}
        }
    }
    Type(out)
}

fn push_lowercase(out: &mut String, s: &str) {
    if s.is_ascii() {
        out.extend(s.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.push_str(&s.to_lowercase());
    }
}

fn fk_action(p: &P) -> FkAction {
    match p.clone().into_inner().next().map(|x| x.as_rule()) {
        Some(Rule::k_cascade) => FkAction::Cascade,
        Some(Rule::k_restrict) => FkAction::Restrict,
        Some(Rule::set_null) => FkAction::SetNull,
        Some(Rule::set_default) => FkAction::SetDefault,
        _ => FkAction::NoAction,
    }
}

fn deferral(p: &P) -> Deferral {
    let inner = p.clone().into_inner().next();
    match inner {
        Some(d) if d.as_rule() == Rule::deferrable => {
            if d.into_inner().any(|x| x.as_rule() == Rule::k_deferred) {
                Deferral::InitiallyDeferred
            } else {
                Deferral::InitiallyImmediate
            }
        }
        _ => Deferral::NotDeferrable,
    }
}

/// The text of a `sql…` block, dedented, or of a `verbatim…` block as
/// written.
fn sql_block_body(p: &P) -> String {
    let mut verbatim = false;
    for inner in p.clone().into_inner() {
        let raw = match inner.as_rule() {
            Rule::verbatim_mark => {
                verbatim = true;
                continue;
            }
            Rule::triple_body => {
                let s = inner.as_str();
                &s[3..s.len() - 3]
            }
            _ => text::dollar_inner(inner.as_str()),
        };
        return if verbatim {
            raw.to_string()
        } else {
            text::dedent(raw)
        };
    }
    String::new()
}
