//! Sequences: `CREATE`/`ALTER SEQUENCE`, and the option clauses that
//! identity columns share with them.

use super::{opt_literal, sequence_bounds, Ctx};
use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::ir::{Name, Sequence, SequenceOptions};

pub(super) fn sequence_clauses(ty: Option<&str>, o: &SequenceOptions) -> String {
    let mut parts = Vec::new();
    if let Some(t) = ty {
        parts.push(format!("AS {t}"));
    }
    if let Some(v) = o.increment {
        parts.push(format!("INCREMENT BY {v}"));
    }
    if let Some(v) = o.min_value {
        parts.push(format!("MINVALUE {v}"));
    }
    if let Some(v) = o.max_value {
        parts.push(format!("MAXVALUE {v}"));
    }
    if let Some(v) = o.start {
        parts.push(format!("START WITH {v}"));
    }
    if let Some(v) = o.cache {
        parts.push(format!("CACHE {v}"));
    }
    if o.cycle {
        parts.push("CYCLE".into());
    }
    parts.join(" ")
}

fn seq_options(s: &Sequence) -> SequenceOptions {
    SequenceOptions {
        start: s.start,
        increment: s.increment,
        min_value: s.min_value,
        max_value: s.max_value,
        cache: s.cache,
        cycle: s.cycle,
    }
}

pub(super) fn create_sequence(cx: &mut Ctx<'_>, s: &Sequence) {
    let clauses = sequence_clauses(s.data_type.as_ref().map(|t| t.as_str()), &seq_options(s));
    let sep = if clauses.is_empty() { "" } else { " " };
    cx.push(
        format!("CREATE SEQUENCE {}{sep}{clauses}", qname(&s.name)),
        vec![],
    );
    if let Some(owner) = &s.owned_by {
        owned_at_end(cx, &s.name, owner);
    }
    if let Some(c) = &s.comment {
        cx.push(
            format!("COMMENT ON SEQUENCE {} IS {}", qname(&s.name), literal(c)),
            vec![],
        );
    }
}

pub(super) fn alter_sequence(cx: &mut Ctx<'_>, from: &Sequence, to: &Sequence) {
    let ty = to
        .data_type
        .as_ref()
        .map(|t| t.as_str().to_string())
        .unwrap_or_else(|| "bigint".into());
    let mut parts = Vec::new();
    if from.data_type != to.data_type {
        parts.push(format!("AS {ty}"));
    }
    if from.increment != to.increment || from.data_type != to.data_type {
        parts.push(format!("INCREMENT BY {}", to.increment.unwrap_or(1)));
    }
    if from.min_value != to.min_value || from.data_type != to.data_type {
        parts.push(match to.min_value {
            Some(v) => format!("MINVALUE {v}"),
            None => "NO MINVALUE".into(),
        });
    }
    if from.max_value != to.max_value || from.data_type != to.data_type {
        parts.push(match to.max_value {
            Some(v) => format!("MAXVALUE {v}"),
            None => "NO MAXVALUE".into(),
        });
    }
    let (start_from, start_to) = (
        sequence_bounds::start(&seq_options(from)),
        sequence_bounds::start(&seq_options(to)),
    );
    if start_from != start_to {
        parts.push(format!("START WITH {start_to}"));
    }
    if from.cache != to.cache {
        parts.push(format!("CACHE {}", to.cache.unwrap_or(1)));
    }
    if from.cycle != to.cycle {
        parts.push(if to.cycle { "CYCLE" } else { "NO CYCLE" }.into());
    }
    // A new owner may be a table or column this plan makes, and the
    // sequence may be what that table's default reads (a table renamed
    // to `_legacy` keeping its sequence, a new one made under the old
    // name): the old owner lets go here, before it can be dropped and
    // take the sequence along, and the new one takes it at the end.
    if from.owned_by != to.owned_by {
        if from.owned_by.is_some() {
            parts.push("OWNED BY NONE".into());
        }
        if let Some(owner) = &to.owned_by {
            owned_at_end(cx, &to.name, owner);
        }
    }
    if !parts.is_empty() {
        // No type is bigint, as the server makes a sequence by default.
        let type_of = |s: &Sequence| {
            s.data_type
                .as_ref()
                .map_or("bigint".to_string(), |t| t.as_str().to_string())
        };
        sequence_bounds::keep_in_bounds(
            cx,
            &sequence_bounds::named_sequence(&qname(&to.name)),
            sequence_bounds::bounds(&type_of(from), &seq_options(from)),
            sequence_bounds::bounds(&type_of(to), &seq_options(to)),
            to.increment.unwrap_or(1) > 0,
        );
        cx.push(
            format!("ALTER SEQUENCE {} {}", qname(&to.name), parts.join(" ")),
            vec![],
        );
    }
    if from.comment != to.comment {
        cx.push(
            format!(
                "COMMENT ON SEQUENCE {} IS {}",
                qname(&to.name),
                opt_literal(&to.comment)
            ),
            vec![],
        );
    }
}

/// `OWNED BY` at the end of the main phase, once every table and column
/// the plan makes exists.
fn owned_at_end(cx: &mut Ctx<'_>, sequence: &Name, (table, column): &(Name, String)) {
    let st = cx.stmt(
        format!(
            "ALTER SEQUENCE {} OWNED BY {}.{}",
            qname(sequence),
            qname(table),
            ident(column)
        ),
        vec![],
    );
    cx.out.main_tail.push(st);
}
