//! Lowering of PostgreSQL's extended statistics.

use std::ops::Range;

use super::{is_ident, object, Lowerer, P};
use crate::ir::{Expr, Name, ObjectRef, Statistics, STATISTICS_KINDS};
use crate::syntax::grammar::Rule;
use crate::syntax::layout::{Placed, Top};
use crate::syntax::text;

impl<'a> Lowerer<'a> {
    /// `statistics t_ab (dependencies) on a, b, (lower(c)) from t target 500`.
    pub(super) fn statistics_def(
        &mut self,
        p: P<'a>,
        span: Range<usize>,
        ns: Option<&str>,
    ) -> Option<Placed<Top>> {
        let mut x = Statistics {
            name: Name::new(""),
            table: Name::new(""),
            kinds: Vec::new(),
            columns: Vec::new(),
            expressions: Vec::new(),
            target: None,
            comment: None,
        };
        let mut names = 0;
        for c in p.into_inner() {
            let sp = self.span(&c);
            match c.as_rule() {
                // The object's own name, then its table's.
                Rule::qname if names == 0 => {
                    x.name = self.decl_name(&c, ns);
                    names += 1;
                }
                Rule::qname => x.table = self.ref_name(&c),
                Rule::stat_kinds => self.statistics_kinds(&c, &mut x.kinds),
                Rule::stat_keys => {
                    for k in c.into_inner() {
                        if k.as_rule() == Rule::paren_group {
                            x.expressions
                                .push(Expr::new(text::paren_inner(k.as_str().trim())));
                        } else if is_ident(&k) {
                            x.columns.push(self.ident_checked(&k));
                        }
                    }
                }
                Rule::stat_target => x.target = self.statistics_target(&c, sp),
                Rule::comment_item => x.comment = self.string_child(&c),
                _ => {}
            }
        }
        x.kinds = Statistics::canonical_kinds(&x.kinds);
        let at = ObjectRef::Statistics {
            name: x.name.clone(),
        };
        if self.duplicate(&at, &span, &x.name.to_string()) {
            return None;
        }
        self.record(at.clone(), span.clone());
        self.out.schema.statistics.insert(x.name.clone(), x);
        Some(object(at, span))
    }

    /// E0267: a kind that is none of `ndistinct`, `dependencies`, `mcv`.
    fn statistics_kinds(&mut self, p: &P<'a>, into: &mut Vec<String>) {
        for k in p.clone().into_inner().filter(is_ident) {
            let v = self.ident_checked(&k).to_lowercase();
            if !STATISTICS_KINDS.contains(&v.as_str()) {
                let sp = self.span(&k);
                self.err(
                    "E0267",
                    sp,
                    format!("unknown kind of statistics `{v}`"),
                    "not a kind",
                    Some("use `ndistinct`, `dependencies` or `mcv`".into()),
                );
            }
            into.push(v);
        }
    }

    /// `target n`: -1 (the server's default) is no target.
    fn statistics_target(&mut self, p: &P<'a>, span: Range<usize>) -> Option<i32> {
        let t = p.as_str();
        let digits = t.trim_start_matches(|c: char| c.is_alphabetic() || c.is_whitespace());
        match digits.replace(' ', "").parse::<i32>() {
            Ok(-1) => None,
            Ok(v) if (0..=10000).contains(&v) => Some(v),
            _ => {
                self.err(
                    "E0268",
                    span,
                    format!("statistics target `{digits}` is out of range"),
                    "not a target",
                    Some("use 0 to 10000, or -1 for the server's default".into()),
                );
                None
            }
        }
    }
}
