//! Whether converting text from one character set to another keeps every
//! character. A conversion into a smaller repertoire (`utf8mb4` to
//! `latin1`, `utf8mb4` to `utf8mb3`) fails on the first character the new
//! set cannot hold under a strict `sql_mode`, part-way through a plan on
//! a server that commits every statement, and silently turns it into `?`
//! under a lax one: data loss, as a narrowing type change is.

use crate::ir::{Column, Table};

/// How much of Unicode a character set holds, for the sets whose place
/// is known: 3 is all of it, 2 the Basic Multilingual Plane.
fn repertoire(charset: &str) -> Option<u8> {
    Some(match charset {
        "ascii" => 0,
        "latin1" => 1,
        "utf8mb3" | "utf8" | "ucs2" => 2,
        "utf8mb4" | "utf16" | "utf16le" | "utf32" => 3,
        _ => return None,
    })
}

/// Every character of `from` has a place in `to`. Any set holds ASCII;
/// of two sets of unknown place only the same set keeps everything.
pub fn keeps_characters(from: &str, to: &str) -> bool {
    if from == to || from == "ascii" {
        return true;
    }
    match (repertoire(from), repertoire(to)) {
        (_, Some(3)) => true,
        (Some(f), Some(t)) => t >= f,
        _ => false,
    }
}

/// The character set a collation belongs to (`latin1_swedish_ci`).
fn of_collation(collation: &str) -> &str {
    collation.split('_').next().unwrap_or(collation)
}

/// The character set `col` of `table` stores its text in, as far as the
/// schema says (`None`: the server's default, unknown here).
pub fn of_column(col: &Column, table: &Table) -> Option<String> {
    let opt = |k: &str| table.options.get(k).map(String::as_str);
    col.charset
        .as_deref()
        .or(col.collation.as_deref().map(of_collation))
        .or(opt("charset"))
        .or(opt("collate").map(of_collation))
        .map(str::to_ascii_lowercase)
}

/// How a column's change of character set may lose characters, as
/// `from X to Y`; `None` when every character has a place in the new set.
/// A set the schema leaves to the database's default is unknown here, so
/// only a change into a set holding all of Unicode is taken as safe then.
pub fn loss(old: (&Column, &Table), new: (&Column, &Table)) -> Option<String> {
    let to = of_column(new.0, new.1)?;
    match of_column(old.0, old.1) {
        Some(from) if keeps_characters(&from, &to) => None,
        Some(from) => Some(format!("from {from} to {to}")),
        None if repertoire(&to) == Some(3) => None,
        None => Some(format!("from the database's default to {to}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_smaller_repertoire_loses_characters() {
        assert!(!keeps_characters("utf8mb4", "latin1"));
        assert!(!keeps_characters("utf8mb4", "utf8mb3"));
        assert!(!keeps_characters("latin1", "ascii"));
        assert!(!keeps_characters("latin1", "latin2"));
    }

    #[test]
    fn a_larger_one_keeps_them() {
        assert!(keeps_characters("latin1", "utf8mb4"));
        assert!(keeps_characters("utf8mb3", "utf8mb4"));
        assert!(keeps_characters("ascii", "latin2"));
        assert!(keeps_characters("latin2", "utf16"));
        assert!(keeps_characters("latin1", "latin1"));
    }
}
