//! MariaDB sequences: `CREATE`/`ALTER`/`DROP SEQUENCE`. A sequence's
//! comment is a table option (MariaDB stores a sequence as a table), so a
//! changed comment is an `ALTER TABLE`.

use super::{unsupported, Lowered};
use crate::dialect::mysql::quote::{name, string};
use crate::dialect::EmitError;
use crate::ir::Sequence;
use crate::plan::{Hazard, HazardKind};

/// MariaDB has no `OWNED BY`: a sequence lives apart from the columns
/// that call it.
fn no_owner(s: &Sequence) -> Result<(), EmitError> {
    match s.owned_by {
        Some(_) => Err(unsupported(&format!(
            "make sequence {} owned by a column (`owned by` is PostgreSQL's)",
            s.name
        ))),
        None => Ok(()),
    }
}

pub(super) fn create_sequence(s: &Sequence) -> Result<String, EmitError> {
    no_owner(s)?;
    let mut sql = format!("CREATE SEQUENCE {}", name(&s.name));
    if let Some(t) = &s.data_type {
        sql.push_str(&format!(" AS {t}"));
    }
    for (word, v) in [
        ("START WITH", s.start),
        ("MINVALUE", s.min_value),
        ("MAXVALUE", s.max_value),
        ("INCREMENT BY", s.increment),
        ("CACHE", s.cache),
    ] {
        if let Some(v) = v {
            sql.push_str(&format!(" {word} {v}"));
        }
    }
    sql.push_str(if s.cycle { " CYCLE" } else { " NOCYCLE" });
    if let Some(c) = &s.comment {
        sql.push_str(&format!(" COMMENT={}", string(c)));
    }
    Ok(sql)
}

/// Dropping a sequence loses where it had got to: made again (a
/// rollback), it starts over from its start value.
pub(super) fn drop_sequence(s: &Sequence) -> Lowered {
    vec![(
        format!("DROP SEQUENCE {}", name(&s.name)),
        vec![Hazard {
            kind: HazardKind::DataLoss,
            message: format!(
                "dropping sequence {} loses its current value; created again it starts over",
                s.name
            ),
            acknowledged: None,
        }],
    )]
}

/// `ALTER SEQUENCE` with the options that differ (it keeps the current
/// value), and the comment through `ALTER TABLE`.
pub(super) fn alter_sequence(from: &Sequence, to: &Sequence) -> Result<Lowered, EmitError> {
    no_owner(to)?;
    let mut parts = Vec::new();
    if from.data_type != to.data_type {
        parts.push(format!(
            "AS {}",
            to.data_type.as_ref().map_or("bigint", |t| t.as_str())
        ));
    }
    for (word, a, b) in [
        ("START WITH", from.start, to.start),
        ("MINVALUE", from.min_value, to.min_value),
        ("MAXVALUE", from.max_value, to.max_value),
        ("INCREMENT BY", from.increment, to.increment),
        ("CACHE", from.cache, to.cache),
    ] {
        if let (true, Some(v)) = (a != b, b) {
            parts.push(format!("{word} {v}"));
        }
    }
    if from.cycle != to.cycle {
        parts.push(if to.cycle { "CYCLE" } else { "NOCYCLE" }.into());
    }
    let mut out = Vec::new();
    if !parts.is_empty() {
        let narrowed = to.min_value > from.min_value || to.max_value < from.max_value;
        let hazards = narrowed
            .then(|| Hazard {
                kind: HazardKind::MayFail,
                message: format!(
                    "new bounds of sequence {} fail if its next value lies outside them",
                    to.name
                ),
                acknowledged: None,
            })
            .into_iter()
            .collect();
        out.push((
            format!("ALTER SEQUENCE {} {}", name(&to.name), parts.join(" ")),
            hazards,
        ));
    }
    if from.comment != to.comment {
        let c = to.comment.as_deref().unwrap_or("");
        out.push((
            format!("ALTER TABLE {} COMMENT={}", name(&to.name), string(c)),
            Vec::new(),
        ));
    }
    Ok(out)
}
