//! Lowering of MySQL events.

use std::ops::Range;

use super::{object, sql_block_body, Lowerer, P};
use crate::ir::{Event, EventStatus, Name, ObjectRef, Schedule};
use crate::syntax::grammar::Rule;
use crate::syntax::layout::{Placed, Top};

impl<'a> Lowerer<'a> {
    pub(super) fn event(
        &mut self,
        p: P<'a>,
        span: Range<usize>,
        ns: Option<&str>,
    ) -> Option<Placed<Top>> {
        let mut e = Event {
            name: Name::new(""),
            schedule: Schedule::At(String::new()),
            preserve: false,
            status: EventStatus::Enable,
            body: String::new(),
            comment: None,
            options: Default::default(),
        };
        let mut name_span = span.clone();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::qname => {
                    e.name = self.decl_name(&c, ns);
                    name_span = self.span(&c);
                }
                Rule::table_with => self.options(&c, &mut e.options),
                Rule::ev_at => {
                    let at = self.string_child(&c).unwrap_or_default();
                    e.schedule = Schedule::At(at);
                }
                Rule::ev_every => e.schedule = self.every(&c),
                Rule::ev_completion => {
                    e.preserve = !c.clone().into_inner().any(|x| x.as_rule() == Rule::k_not)
                }
                Rule::ev_status => {
                    let inner: Vec<Rule> = c.clone().into_inner().map(|x| x.as_rule()).collect();
                    e.status = match inner.as_slice() {
                        [Rule::k_enable] => EventStatus::Enable,
                        [Rule::k_disable] => EventStatus::Disable,
                        _ => EventStatus::DisableOnSlave,
                    };
                }
                Rule::sql_block => e.body = sql_block_body(&c),
                Rule::comment_item => e.comment = self.string_child(&c),
                _ => {}
            }
        }
        let at = ObjectRef::Event {
            name: e.name.clone(),
        };
        if self.duplicate(&at, &name_span, &e.name.to_string()) {
            return None;
        }
        self.record(at.clone(), name_span);
        self.out.schema.events.insert(e.name.clone(), e);
        Some(object(at, span))
    }

    /// `every 1 day starts "…" ends "…"`.
    fn every(&mut self, p: &P<'a>) -> Schedule {
        let (mut value, mut unit, mut starts, mut ends) =
            (String::new(), String::new(), None, None);
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::ev_quantity => value = c.as_str().to_string(),
                Rule::bare_ident => unit = c.as_str().to_ascii_lowercase(),
                Rule::ev_starts => starts = self.string_child(&c),
                Rule::ev_ends => ends = self.string_child(&c),
                _ => {}
            }
        }
        Schedule::Every {
            value,
            unit,
            starts,
            ends,
        }
    }
}
