//! Lowering of `enable/force row level security` lines, `policy`,
//! `grant` and `revoke`.

use std::ops::Range;

use super::{is_ident, object, text, Lowerer, Member, Placed, Top, P};
use crate::ir::{Expr, Grant, GrantOn, Name, ObjectRef, Policy, PolicyCommand, Revocation, Table};
use crate::syntax::grammar::Rule;

impl<'a> Lowerer<'a> {
    pub(super) fn t_row_security(&mut self, m: &P<'a>, t: &mut Table) -> Option<Member> {
        let force = m.clone().into_inner().any(|c| c.as_rule() == Rule::k_force);
        let (flag, member) = if force {
            (&mut t.row_security.forced, Member::ForceRowSecurity)
        } else {
            (&mut t.row_security.enabled, Member::RowSecurity)
        };
        if *flag {
            let sp = self.span(m);
            self.err(
                "E0308",
                sp,
                "row level security is given twice".into(),
                "second one",
                Some("keep one line".into()),
            );
            return None;
        }
        *flag = true;
        Some(member)
    }

    pub(super) fn policy(&mut self, p: P<'a>, span: Range<usize>) -> Option<Placed<Top>> {
        let mut pol = Policy {
            name: String::new(),
            table: Name::new(""),
            restrictive: false,
            command: PolicyCommand::All,
            roles: Vec::new(),
            using: None,
            check: None,
        };
        let mut name_span = span.clone();
        let (mut as_seen, mut for_seen, mut to_seen) = (None, None, None);
        for c in p.into_inner() {
            let sp = self.span(&c);
            match c.as_rule() {
                Rule::bare_ident | Rule::quoted_ident => {
                    pol.name = self.ident_checked(&c);
                    name_span = sp;
                }
                Rule::qname => pol.table = self.ref_name(&c),
                Rule::pol_as => {
                    self.once(&mut as_seen, (), sp, "`as`");
                    pol.restrictive = c
                        .clone()
                        .into_inner()
                        .any(|x| x.as_rule() == Rule::k_restrictive);
                }
                Rule::pol_for => {
                    self.once(&mut for_seen, (), sp, "`for`");
                    let word = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::pol_command)
                        .map(|x| x.as_str().to_string())
                        .unwrap_or_default();
                    pol.command = PolicyCommand::parse(&word).unwrap_or_default();
                }
                Rule::pol_to => {
                    self.once(&mut to_seen, (), sp, "`to`");
                    pol.roles = c
                        .clone()
                        .into_inner()
                        .filter(is_ident)
                        .map(|i| self.ident_checked(&i))
                        .collect();
                }
                Rule::pol_using | Rule::pol_check => {
                    let e = c
                        .clone()
                        .into_inner()
                        .find(|x| x.as_rule() == Rule::paren_group)
                        .map(|g| Expr::new(text::paren_inner(g.as_str())));
                    let (slot, what) = if c.as_rule() == Rule::pol_using {
                        (&mut pol.using, "`using`")
                    } else {
                        (&mut pol.check, "`with check`")
                    };
                    if let Some(e) = e {
                        self.once(slot, e, sp, what);
                    }
                }
                _ => {}
            }
        }
        let at = ObjectRef::Policy {
            table: pol.table.clone(),
            name: pol.name.clone(),
        };
        if self.duplicate(&at, &name_span, &format!("{} on {}", pol.name, pol.table)) {
            return None;
        }
        self.record(at.clone(), name_span);
        self.out
            .schema
            .policies
            .insert((pol.table.clone(), pol.name.clone()), pol);
        Some(object(at, span))
    }

    pub(super) fn grant(&mut self, p: P<'a>, span: Range<usize>) -> Option<Placed<Top>> {
        let mut words: Vec<(String, Vec<String>, Range<usize>)> = Vec::new();
        let mut on: Option<GrantOn> = None;
        let mut grantee = String::new();
        let mut grant_option = false;
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::grant_priv => {
                    let mut cols = Vec::new();
                    let mut w = Vec::new();
                    for x in c.clone().into_inner() {
                        if x.as_rule() == Rule::col_list {
                            cols = self.col_list(&x);
                        } else {
                            w.push(x.as_str().to_lowercase());
                        }
                    }
                    words.push((w.join(" "), cols, self.span(&c)));
                }
                Rule::grant_target => on = self.grant_target(&c).or(on),
                Rule::bare_ident | Rule::quoted_ident => grantee = self.ident_checked(&c),
                Rule::grant_option => grant_option = true,
                _ => {}
            }
        }
        let on = on?;
        let at = ObjectRef::Grant {
            on: on.clone(),
            grantee: grantee.clone(),
            grant_option,
        };
        let label = format!("grant on {on} to {grantee}");
        if self.duplicate(&at, &span, &label) {
            return None;
        }
        self.record(at.clone(), span.clone());
        for (w, cols, sp) in words {
            // `select (a, b)` grants on each column of the table.
            let targets: Vec<GrantOn> = match (&on, cols.is_empty()) {
                (_, true) => vec![on.clone()],
                (GrantOn::Table(t) | GrantOn::View(t), false) => cols
                    .iter()
                    .map(|c| GrantOn::Column(t.clone(), c.clone()))
                    .collect(),
                (_, false) => {
                    self.err(
                        "E0233",
                        sp.clone(),
                        format!("a {} has no columns to grant on", on.keyword()),
                        "column list",
                        Some("column privileges exist on tables and views".into()),
                    );
                    continue;
                }
            };
            for target in targets {
                let privileges: Vec<String> = if w == "all" || w == "all privileges" {
                    target.privileges().iter().map(|s| s.to_string()).collect()
                } else {
                    vec![w.clone()]
                };
                for privilege in privileges {
                    let g = Grant {
                        on: target.clone(),
                        privilege,
                        grantee: grantee.clone(),
                        grant_option,
                    };
                    if self.out.schema.grants.contains_key(&g.key()) {
                        self.err(
                            "E0303",
                            sp.clone(),
                            format!("`{}` on {on} to {grantee} is granted twice", g.privilege),
                            "granted again here",
                            Some("keep one".into()),
                        );
                        continue;
                    }
                    self.out.schema.grants.insert(g.key(), g);
                }
            }
        }
        Some(object(at, span))
    }

    /// `schema app`, `table t`, `view v`, `sequence s`, `future tables in
    /// schema app [for role owner]`.
    fn grant_target(&mut self, c: &P<'a>) -> Option<GrantOn> {
        let mut kind = Rule::k_table;
        let mut target = None;
        let mut args = String::new();
        for x in c.clone().into_inner() {
            match x.as_rule() {
                Rule::qname => target = Some(x),
                Rule::paren_group => args = text::paren_inner(x.as_str()),
                Rule::future_target => return Some(self.future_target(&x)),
                r => kind = r,
            }
        }
        let target = target?;
        Some(match kind {
            Rule::k_schema => GrantOn::Schema(self.qname_parts(&target).join(".")),
            Rule::k_view => GrantOn::View(self.ref_name(&target)),
            Rule::k_sequence => GrantOn::Sequence(self.ref_name(&target)),
            Rule::k_type => GrantOn::Type(self.ref_name(&target)),
            Rule::k_function => GrantOn::Function(
                self.ref_name(&target),
                args.split_whitespace().collect::<Vec<_>>().join(" "),
            ),
            _ => GrantOn::Table(self.ref_name(&target)),
        })
    }

    fn future_target(&mut self, c: &P<'a>) -> GrantOn {
        let mut objects = String::new();
        let mut names = Vec::new();
        for x in c.clone().into_inner() {
            match x.as_rule() {
                Rule::future_kind => objects = x.as_str().to_string(),
                Rule::bare_ident | Rule::quoted_ident => names.push(self.ident_checked(&x)),
                _ => {}
            }
        }
        let mut names = names.into_iter();
        GrantOn::Future {
            objects,
            schema: names.next().unwrap_or_default(),
            role: names.next(),
        }
    }

    /// `revoke all on schema public from public`.
    pub(super) fn revoke(&mut self, p: P<'a>, span: Range<usize>) -> Option<Placed<Top>> {
        let mut on = None;
        let mut grantee = String::new();
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::grant_target => on = self.grant_target(&c),
                Rule::bare_ident | Rule::quoted_ident => grantee = self.ident_checked(&c),
                _ => {}
            }
        }
        let on = on?;
        let at = ObjectRef::Revocation {
            on: on.clone(),
            grantee: grantee.clone(),
        };
        if self.duplicate(&at, &span, &format!("revoke on {on} from {grantee}")) {
            return None;
        }
        self.record(at.clone(), span.clone());
        self.out
            .schema
            .revocations
            .insert(Revocation { on, grantee });
        Some(object(at, span))
    }
}
