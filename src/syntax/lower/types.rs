//! Lowering of PostgreSQL's composite and range types.

use std::ops::Range;

use super::{object, Lowerer, P};
use crate::ir::{Attribute, Composite, Name, ObjectRef, RangeType, Type};
use crate::syntax::grammar::Rule;
use crate::syntax::layout::{Placed, Top};

impl<'a> Lowerer<'a> {
    /// `type address { street text; city text collate "C" }`.
    pub(super) fn composite_def(
        &mut self,
        p: P<'a>,
        span: Range<usize>,
        ns: Option<&str>,
    ) -> Option<Placed<Top>> {
        let mut x = Composite {
            name: Name::new(""),
            attributes: Vec::new(),
            comment: None,
        };
        for c in p.into_inner() {
            let sp = self.span(&c);
            match c.as_rule() {
                Rule::qname => x.name = self.decl_name(&c, ns),
                Rule::attribute => x.attributes.push(self.attribute(&c)),
                Rule::comment_item => {
                    let v = self.string_child(&c).unwrap_or_default();
                    self.once(&mut x.comment, v, sp, "a comment");
                }
                _ => {}
            }
        }
        let at = ObjectRef::Composite {
            name: x.name.clone(),
        };
        if self.duplicate(&at, &span, &x.name.to_string()) {
            return None;
        }
        self.record(at.clone(), span.clone());
        self.out.schema.composites.insert(x.name.clone(), x);
        Some(object(at, span))
    }

    /// `range floatrange as float8 subtype_diff float8mi`.
    pub(super) fn range_def(
        &mut self,
        p: P<'a>,
        span: Range<usize>,
        ns: Option<&str>,
    ) -> Option<Placed<Top>> {
        let mut r = RangeType::new(Name::new(""), "");
        for c in p.into_inner() {
            let sp = self.span(&c);
            match c.as_rule() {
                Rule::qname => r.name = self.decl_name(&c, ns),
                Rule::col_type => r.subtype = super::col_type(&c),
                Rule::attr_collate => {
                    let v = self.dotted(&c);
                    self.once(&mut r.collation, v, sp, "a collation");
                }
                Rule::range_opclass => {
                    let v = self.dotted(&c);
                    self.once(&mut r.opclass, v, sp, "an operator class");
                }
                Rule::range_diff => {
                    let v = self.dotted(&c);
                    self.once(&mut r.subtype_diff, v, sp, "a subtype_diff");
                }
                Rule::range_multi => {
                    let v = self.dotted(&c);
                    self.once(&mut r.multirange, v, sp, "a multirange name");
                }
                Rule::comment_item => {
                    let v = self.string_child(&c).unwrap_or_default();
                    self.once(&mut r.comment, v, sp, "a comment");
                }
                _ => {}
            }
        }
        let at = ObjectRef::Range {
            name: r.name.clone(),
        };
        if self.duplicate(&at, &span, &r.name.to_string()) {
            return None;
        }
        self.record(at.clone(), span.clone());
        self.out.schema.ranges.insert(r.name.clone(), r);
        Some(object(at, span))
    }

    fn attribute(&mut self, p: &P<'a>) -> Attribute {
        let mut a = Attribute {
            name: String::new(),
            ty: Type::new(""),
            collation: None,
        };
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::bare_ident | Rule::quoted_ident => a.name = self.ident_checked(&c),
                Rule::col_type => a.ty = super::col_type(&c),
                Rule::attr_collate => a.collation = Some(self.dotted(&c)),
                _ => {}
            }
        }
        a
    }
}
