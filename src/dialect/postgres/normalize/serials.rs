//! A `serial` column on one side and, on the other, a sequence of its
//! own under the name the serial's sequence has (`t_id_seq`): the two
//! are one sequence changing hands. The serial side is written out as
//! what `serial` means — the column's base type with `nextval` for its
//! default, and the sequence owned by the column — so that the differ
//! sees one sequence whose `OWNED BY` (and perhaps type) changes, not a
//! sequence dropped and one of the same name made (which the server
//! refuses while the other exists, and which would lose its value).

use super::{name, sequence};
use crate::dialect::postgres::expr::{self, Context};
use crate::dialect::postgres::quote::{literal, printed_name};
use crate::dialect::postgres::types;
use crate::ir::{Expr, Name, Schema, Sequence, Type};

/// Unfolds, on each side, the serial columns whose sequence the other
/// side has as a sequence of its own.
pub fn unfold_traded(from: &mut Schema, to: &mut Schema) {
    let to_names: Vec<Name> = to.sequences.keys().cloned().collect();
    let from_names: Vec<Name> = from.sequences.keys().cloned().collect();
    unfold(from, &to_names);
    unfold(to, &from_names);
}

fn unfold(side: &mut Schema, others: &[Name]) {
    let mut made = Vec::new();
    for t in side.tables.values_mut() {
        for c in t.columns.iter_mut() {
            let Some(base) = types::serial_base(c.ty.as_str()) else {
                continue;
            };
            let seq = name(&Name {
                schema: t.name.schema.clone(),
                name: crate::ir::implicit::sequence_name(&t.name.name, &c.name),
            });
            if !others.contains(&seq) || side.sequences.contains_key(&seq) {
                continue;
            }
            c.ty = Type::new(base);
            c.nullable = false;
            let call = format!("nextval({}::regclass)", literal(&printed_name(&seq)));
            let ctx = Context {
                column_type: Some(base),
                ..Context::default()
            };
            c.default = Some(Expr::new(expr::normalize(&call, &ctx)));
            // From PostgreSQL 15 a serial's sequence is as logged as its
            // table.
            let unlogged = t.options.get("unlogged").is_some_and(|v| v == "true");
            made.push(sequence(Sequence {
                data_type: Some(Type::new(base)),
                unlogged,
                owned_by: Some((t.name.clone(), c.name.clone())),
                ..Sequence::named(seq)
            }));
        }
    }
    for s in made {
        side.sequences.insert(s.name.clone(), s);
    }
}
