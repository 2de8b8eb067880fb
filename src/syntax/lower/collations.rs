//! Lowering of PostgreSQL's collations and text-search configurations.

use std::ops::Range;

use super::{object, Lowerer, P};
use crate::ir::{Collation, Name, ObjectRef, TextSearchConfig};
use crate::syntax::grammar::Rule;
use crate::syntax::layout::{Placed, Top};

const PROVIDERS: &[&str] = &["libc", "icu", "builtin"];

impl<'a> Lowerer<'a> {
    /// `collation german provider icu locale "de-DE" nondeterministic`.
    pub(super) fn collation_def(
        &mut self,
        p: P<'a>,
        span: Range<usize>,
        ns: Option<&str>,
    ) -> Option<Placed<Top>> {
        let mut x = Collation::new(Name::new(""));
        let mut provider = None;
        for c in p.into_inner() {
            let sp = self.span(&c);
            match c.as_rule() {
                Rule::qname => x.name = self.decl_name(&c, ns),
                Rule::coll_provider => {
                    let v = self.first_ident(&c).to_lowercase();
                    if !PROVIDERS.contains(&v.as_str()) {
                        self.err(
                            "E0318",
                            sp.clone(),
                            format!("unknown collation provider `{v}`"),
                            "not a provider",
                            Some("use `libc`, `icu` or `builtin`".into()),
                        );
                    }
                    self.once(&mut provider, v, sp, "a provider");
                }
                Rule::coll_locale => {
                    let v = self.string_child(&c).unwrap_or_default();
                    self.once(&mut x.locale, v, sp, "a locale");
                }
                Rule::coll_lc_collate => {
                    let v = self.string_child(&c).unwrap_or_default();
                    self.once(&mut x.lc_collate, v, sp, "an lc_collate");
                }
                Rule::coll_lc_ctype => {
                    let v = self.string_child(&c).unwrap_or_default();
                    self.once(&mut x.lc_ctype, v, sp, "an lc_ctype");
                }
                Rule::coll_nondet => x.deterministic = false,
                Rule::comment_item => {
                    let v = self.string_child(&c).unwrap_or_default();
                    self.once(&mut x.comment, v, sp, "a comment");
                }
                _ => {}
            }
        }
        if let Some(p) = provider {
            x.provider = p;
        }
        let at = ObjectRef::Collation {
            name: x.name.clone(),
        };
        if self.duplicate(&at, &span, &x.name.to_string()) {
            return None;
        }
        self.record(at.clone(), span.clone());
        self.out.schema.collations.insert(x.name.clone(), x);
        Some(object(at, span))
    }

    /// `text_search_configuration fr parser default { map word with french_stem }`.
    pub(super) fn ts_config_def(
        &mut self,
        p: P<'a>,
        span: Range<usize>,
        ns: Option<&str>,
    ) -> Option<Placed<Top>> {
        let mut x = TextSearchConfig {
            name: Name::new(""),
            parser: "default".into(),
            mappings: Default::default(),
            comment: None,
        };
        for c in p.into_inner() {
            let sp = self.span(&c);
            match c.as_rule() {
                Rule::qname => x.name = self.decl_name(&c, ns),
                Rule::ts_parser => x.parser = self.dotted(&c),
                Rule::ts_map => self.ts_map(&c, sp, &mut x),
                Rule::comment_item => {
                    let v = self.string_child(&c).unwrap_or_default();
                    self.once(&mut x.comment, v, sp, "a comment");
                }
                _ => {}
            }
        }
        let at = ObjectRef::TextSearchConfig {
            name: x.name.clone(),
        };
        if self.duplicate(&at, &span, &x.name.to_string()) {
            return None;
        }
        self.record(at.clone(), span.clone());
        self.out
            .schema
            .text_search_configs
            .insert(x.name.clone(), x);
        Some(object(at, span))
    }

    /// `map asciiword, word with english_stem, simple`: each token type
    /// once per configuration.
    fn ts_map(&mut self, p: &P<'a>, span: Range<usize>, x: &mut TextSearchConfig) {
        let mut tokens = Vec::new();
        let mut dicts = Vec::new();
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::ts_tokens => {
                    for t in c.into_inner() {
                        tokens.push(self.ident_checked(&t).to_lowercase());
                    }
                }
                Rule::ts_dicts => {
                    for d in c.into_inner() {
                        dicts.push(self.qname_parts(&d).join("."));
                    }
                }
                _ => {}
            }
        }
        for t in tokens {
            let mut slot = x.mappings.get(&t).cloned();
            let what = format!("a mapping for `{t}`");
            self.once(&mut slot, dicts.clone(), span.clone(), &what);
            x.mappings.entry(t).or_insert_with(|| dicts.clone());
        }
    }
}
