//! Lowering of PostgreSQL's domains, exclusion constraints and function
//! attributes.

use std::ops::Range;

use super::{deferral, object, Lowerer, Part, P};
use crate::ir::{
    Check, Domain, Exclusion, ExclusionElement, Expr, FunctionAttributes, IndexKey, Name,
    ObjectRef, Parallel, Table, Volatility,
};
use crate::syntax::grammar::Rule;
use crate::syntax::layout::{Member, Placed, Top};
use crate::syntax::text;

impl<'a> Lowerer<'a> {
    pub(super) fn domain_def(
        &mut self,
        p: P<'a>,
        span: Range<usize>,
        ns: Option<&str>,
    ) -> Option<Placed<Top>> {
        let mut d = Domain::new(Name::new(""), "");
        for c in p.into_inner() {
            let sp = self.span(&c);
            match c.as_rule() {
                Rule::qname => d.name = self.decl_name(&c, ns),
                Rule::col_type => d.ty = super::col_type(&c),
                Rule::attr_collate => {
                    let v = self.dotted(&c);
                    self.once(&mut d.collation, v, sp, "a collation");
                }
                Rule::attr_default => {
                    if let Some(e) = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::default_expr)
                    {
                        self.once(
                            &mut d.default,
                            Expr::new(text::strip_sole_parens(e.as_str().trim())),
                            sp,
                            "a default",
                        );
                    }
                }
                Rule::domain_not_null => d.not_null = true,
                Rule::domain_check => {
                    let mut ch = Check {
                        comment: None,
                        name: None,
                        expr: Expr::new(""),
                        not_valid: false,
                        renamed_from: None,
                        no_inherit: false,
                        column: None,
                    };
                    for x in c.clone().into_inner() {
                        match x.as_rule() {
                            Rule::bare_ident | Rule::quoted_ident => {
                                ch.name = Some(self.ident_checked(&x))
                            }
                            Rule::paren_group => ch.expr = Expr::new(text::paren_inner(x.as_str())),
                            Rule::not_valid => ch.not_valid = true,
                            Rule::attr_comment => ch.comment = self.string_child(&x),
                            _ => {}
                        }
                    }
                    d.checks.push(ch);
                }
                Rule::comment_item => {
                    let v = self.string_child(&c).unwrap_or_default();
                    self.once(&mut d.comment, v, sp, "a comment");
                }
                _ => {}
            }
        }
        let at = ObjectRef::Domain {
            name: d.name.clone(),
        };
        if self.duplicate(&at, &span, &d.name.to_string()) {
            return None;
        }
        self.record(at.clone(), span.clone());
        self.out.schema.domains.insert(d.name.clone(), d);
        Some(object(at, span))
    }

    pub(super) fn t_exclude(&mut self, p: &P<'a>, t: &mut Table) -> Option<Member> {
        let sp = self.span(p);
        let mut x = Exclusion {
            comment: None,
            name: None,
            method: "gist".into(),
            elements: Vec::new(),
            predicate: None,
            deferral: Default::default(),
        };
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::bare_ident | Rule::quoted_ident => x.name = Some(self.ident_checked(&c)),
                Rule::attr_comment => self.constraint_comment(&c, &mut x.comment),
                Rule::excl_using => x.method = self.first_ident(&c).to_lowercase(),
                Rule::excl_elems => {
                    for e in c
                        .clone()
                        .into_inner()
                        .filter(|e| e.as_rule() == Rule::excl_elem)
                    {
                        x.elements.push(self.excl_elem(&e));
                    }
                }
                Rule::excl_where => {
                    if let Some(g) = c
                        .clone()
                        .into_inner()
                        .find(|g| g.as_rule() == Rule::paren_group)
                    {
                        x.predicate = Some(Expr::new(text::paren_inner(g.as_str())));
                    }
                }
                Rule::deferral => x.deferral = deferral(&c),
                _ => {}
            }
        }
        Some(self.push_part(&t.name, &mut t.exclusions, x, Part::Exclusion, sp))
    }

    fn excl_elem(&mut self, p: &P<'a>) -> ExclusionElement {
        let mut e = ExclusionElement {
            key: IndexKey::Column(String::new()),
            opclass: None,
            desc: false,
            nulls_first: None,
            operator: String::new(),
        };
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::part_expr => {
                    e.key = IndexKey::Expr(Expr::new(text::paren_inner(c.as_str().trim())))
                }
                Rule::part_call => e.key = IndexKey::Expr(Expr::new(c.as_str().trim())),
                Rule::part_column => e.key = IndexKey::Column(self.first_ident(&c)),
                Rule::k_desc => e.desc = true,
                Rule::k_asc => e.desc = false,
                Rule::nulls_first => e.nulls_first = Some(true),
                Rule::nulls_last => e.nulls_first = Some(false),
                Rule::excl_opclass => {
                    if let Some(q) = c.clone().into_inner().find(|x| x.as_rule() == Rule::qname) {
                        e.opclass = Some(self.qname_parts(&q).join("."));
                    }
                }
                Rule::excl_op => e.operator = c.as_str().to_string(),
                _ => {}
            }
        }
        e
    }

    /// One function attribute (`immutable`, `set search_path = …`, …);
    /// anything else of a function is not one and is left alone.
    pub(super) fn fn_attr(&mut self, c: &P<'a>, a: &mut FunctionAttributes) {
        let second = c.clone().into_inner().nth(1).map(|x| x.as_rule());
        let number = |c: &P<'a>| {
            c.clone()
                .into_inner()
                .find(|x| x.as_rule() == Rule::uint)
                .and_then(|x| x.as_str().parse().ok())
        };
        match c.as_rule() {
            Rule::fn_volatility => {
                a.volatility = match c.clone().into_inner().next().map(|x| x.as_rule()) {
                    Some(Rule::k_immutable) => Volatility::Immutable,
                    Some(Rule::k_stable) => Volatility::Stable,
                    _ => Volatility::Volatile,
                }
            }
            Rule::fn_strict => a.strict = true,
            Rule::fn_security => a.security_definer = second == Some(Rule::k_definer),
            Rule::fn_leakproof => a.leakproof = true,
            Rule::fn_parallel => {
                a.parallel = match second {
                    Some(Rule::k_safe) => Parallel::Safe,
                    Some(Rule::k_restricted) => Parallel::Restricted,
                    _ => Parallel::Unsafe,
                }
            }
            Rule::fn_cost => a.cost = number(c),
            Rule::fn_rows => a.rows = number(c),
            Rule::fn_set => {
                let mut key = String::new();
                let mut items = Vec::new();
                for x in c.clone().into_inner() {
                    match x.as_rule() {
                        Rule::bare_ident | Rule::quoted_ident => key = self.ident_checked(&x),
                        Rule::set_item if x.as_str().starts_with('\'') => {
                            items.push(text::unquote_sql(x.as_str()))
                        }
                        Rule::set_item => items.push(x.as_str().to_string()),
                        _ => {}
                    }
                }
                a.config.insert(key, items.join(", "));
            }
            _ => {}
        }
    }
}
