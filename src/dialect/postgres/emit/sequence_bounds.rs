//! A sequence whose bounds narrow keeps its place: the server refuses
//! `MINVALUE`/`MAXVALUE` that leave the sequence's current value outside
//! them (`RESTART value … cannot be less than MINVALUE`), and `RESTART`
//! would throw the value away. Before such a change a `DO` block moves
//! the value to the nearest new bound, and only when it lies outside:
//! a value inside the new bounds is never touched.

use super::Ctx;
use crate::dialect::postgres::quote::literal;
use crate::dialect::postgres::types;
use crate::ir::SequenceOptions;

/// The bounds a sequence of type `ty` has with options `o`, the server's
/// defaults filled in.
pub(super) fn bounds(ty: &str, o: &SequenceOptions) -> (i64, i64) {
    let (lo, hi) = (types::int_min(ty), types::int_max(ty));
    let up = o.increment.unwrap_or(1) > 0;
    (
        o.min_value.unwrap_or(if up { 1 } else { lo }),
        o.max_value.unwrap_or(if up { hi } else { -1 }),
    )
}

/// Where a sequence with options `o` starts: its `START`, or the bound
/// the server starts from by default. A start left to its default moves
/// with `MINVALUE` (`MAXVALUE` going down), so two option sets compare
/// by this, not by the field.
pub(super) fn start(o: &SequenceOptions) -> i64 {
    o.start.unwrap_or_else(|| {
        if o.increment.unwrap_or(1) > 0 {
            o.min_value.unwrap_or(1)
        } else {
            o.max_value.unwrap_or(-1)
        }
    })
}

/// Pushes the guard when `to` is narrower than `from` on either side.
/// `seq` is SQL that yields the sequence's `regclass`; `ascending` is
/// the new direction (a value past the end stays used, one before the
/// start is the next to hand out).
pub(super) fn keep_in_bounds(
    cx: &mut Ctx<'_>,
    seq: &str,
    from: (i64, i64),
    to: (i64, i64),
    ascending: bool,
) {
    if to.0 <= from.0 && to.1 >= from.1 {
        return;
    }
    let (min, max) = to;
    let past = if ascending {
        format!("v > {max}")
    } else {
        format!("v < {min}")
    };
    cx.push(
        format!(
            "DO $strata$\nDECLARE\n  s regclass := {seq};\n  v bigint;\n  called boolean;\n  \
             lo bigint;\n  hi bigint;\nBEGIN\n  \
             EXECUTE format('SELECT last_value, is_called FROM %s', s) INTO v, called;\n  \
             IF v < {min} OR v > {max} THEN\n    \
             SELECT seqmin, seqmax INTO lo, hi FROM pg_sequence WHERE seqrelid = s;\n    \
             EXECUTE format('ALTER SEQUENCE %s MINVALUE %s MAXVALUE %s', s, least(lo, {min}), greatest(hi, {max}));\n    \
             PERFORM setval(s, greatest(least(v, {max}), {min}), called AND {past});\n  \
             END IF;\nEND\n$strata$"
        ),
        vec![],
    );
}

/// The `regclass` of a column's own sequence (identity or serial).
pub(super) fn column_sequence(table: &str, column: &str) -> String {
    format!(
        "pg_get_serial_sequence({}, {})::regclass",
        literal(table),
        literal(column)
    )
}

/// The `regclass` of a named sequence.
pub(super) fn named_sequence(qualified: &str) -> String {
    format!("{}::regclass", literal(qualified))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_direction() {
        let up = SequenceOptions::default();
        assert_eq!(bounds("integer", &up), (1, i64::from(i32::MAX)));
        let down = SequenceOptions {
            increment: Some(-1),
            ..SequenceOptions::default()
        };
        assert_eq!(bounds("smallint", &down), (i64::from(i16::MIN), -1));
    }
}
