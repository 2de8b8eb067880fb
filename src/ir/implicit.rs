//! Sequences a table makes without naming them: the one a `serial`
//! column owns and the one behind an identity column (PostgreSQL). The
//! schema does not list them as sequences, yet a grant may be on one
//! (`grant usage on sequence t_id_seq …`), so validation and ordering
//! need their names.

use super::{Column, Identity, Name, Table};

/// PostgreSQL's identifier length limit (NAMEDATALEN - 1), in bytes: the
/// names the server makes for sequences, keys and indexes are cut to it.
pub const MAX_IDENT: usize = 63;

/// True for a column whose type or identity makes a sequence.
pub fn makes_sequence(c: &Column) -> bool {
    let serial = matches!(
        c.ty.as_str().to_ascii_lowercase().as_str(),
        "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2"
    );
    serial
        || matches!(
            c.identity,
            Some(Identity::Always { .. } | Identity::ByDefault { .. })
        )
}

/// The sequences `t`'s columns make, named as the server names them
/// (`<table>_<column>_seq`, in the table's namespace). Names past 63
/// bytes are shortened as the server does; a name the server had to
/// make unique with a number (a sequence of that name existed already)
/// is not predicted.
pub fn implicit_sequences(t: &Table) -> Vec<Name> {
    t.columns
        .iter()
        .filter(|c| makes_sequence(c))
        .map(|c| Name {
            schema: t.name.schema.clone(),
            name: sequence_name(&t.name.name, &c.name),
        })
        .collect()
}

/// `makeObjectName(table, column, "seq")`: the longer of the two parts
/// loses a byte until the name fits, then each is cut back to a
/// character boundary (as `pg_mbcliplen` does).
pub fn sequence_name(table: &str, column: &str) -> String {
    let avail = MAX_IDENT - "_seq".len() - 1;
    let (mut n1, mut n2) = (table.len(), column.len());
    while n1 + n2 > avail {
        if n1 > n2 {
            n1 -= 1;
        } else {
            n2 -= 1;
        }
    }
    format!("{}_{}_seq", clip(table, n1), clip(column, n2))
}

fn clip(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_server() {
        assert_eq!(sequence_name("counters", "n"), "counters_n_seq");
        let long = "a".repeat(70);
        let n = sequence_name(&long, "id");
        assert_eq!(n.len(), 63);
        assert!(n.ends_with("_id_seq"), "{n}");
    }
}
