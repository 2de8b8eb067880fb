//! Lowering of PostgreSQL's composite types.

use std::ops::Range;

use super::{object, Lowerer, P};
use crate::ir::{Attribute, Composite, Name, ObjectRef, Type};
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
                Rule::attr_collate => a.collation = Some(self.first_ident(&c)),
                _ => {}
            }
        }
        a
    }
}
