//! E0251: on PostgreSQL, a sequence the schema declares under the name a
//! serial or identity column's own sequence takes (`t_id_seq` beside
//! `t.id serial`). The server would name the column's sequence
//! `t_id_seq1`, so the schema applied is not the schema written, and
//! every later plan would try to trade the two.

use super::Problem;
use crate::ir::implicit::{makes_sequence, sequence_name};
use crate::ir::{DialectKind, Name, ObjectRef, Schema};

pub(super) fn taken_names(schema: &Schema, out: &mut Vec<Problem>) {
    if schema.dialect != Some(DialectKind::Postgres) {
        return;
    }
    for t in schema.tables.values() {
        for c in t.columns.iter().filter(|c| makes_sequence(c)) {
            let seq = Name {
                schema: t.name.schema.clone(),
                name: sequence_name(&t.name.name, &c.name),
            };
            if !schema.sequences.contains_key(&seq) {
                continue;
            }
            out.push(
                Problem::new(
                    "E0251",
                    ObjectRef::Sequence { name: seq.clone() },
                    format!(
                        "sequence `{seq}` takes the name of the sequence column `{}.{}` makes",
                        t.name, c.name
                    ),
                    "declared here",
                )
                .related(
                    ObjectRef::Column {
                        table: t.name.clone(),
                        column: c.name.clone(),
                    },
                    "this column makes a sequence of that name",
                )
                .help(format!(
                    "rename the sequence, or write the column as `{} = nextval('{seq}')` \
                     with the sequence `owned by {}.{}`",
                    c.name, t.name, c.name
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::ir::{DialectKind, Name, Sequence};

    fn sequence(name: &str) -> Sequence {
        Sequence::named(Name::new(name))
    }

    #[test]
    fn a_sequence_named_as_a_serials_own() {
        for (seq, want) in [("t_id_seq", vec!["E0251"]), ("t_id_seq2", vec![])] {
            let mut s = schema(vec![table("t", &[("id", "serial")])]);
            s.dialect = Some(DialectKind::Postgres);
            s.sequences.insert(Name::new(seq), sequence(seq));
            assert_eq!(codes(&s), want, "{seq}");
        }
    }
}
