//! `--keep-dropped`: what a dropped table is called once it is moved aside
//! instead of destroyed, and how `strata gc` recognizes it again.
//!
//! A kept table is named `<table>__dropped_<YYYYMMDDHHMMSS>` (the UTC time
//! of the plan); on PostgreSQL it also moves into the schema
//! [`NAMESPACE`], so that its indexes and constraints, whose names are
//! unique per schema, free the names the application uses. The name is
//! the only record: `gc` reads the time back from it, and the exclude
//! patterns of [`patterns`] keep kept tables out of every plan.
//!
//! The names of a kept table's objects that must be unique beyond the
//! table (PostgreSQL: indexes and sequences, per schema; MySQL: foreign
//! keys, per database; SQLite: indexes, per database) get the same mark
//! and stamp ([`kept_object_name`]) and are given back by the rollback,
//! so that the table can be made again and dropped again before `gc`
//! (`Dialect::keep_table`).

use crate::ir::Name;

/// The PostgreSQL schema kept tables move into.
pub const NAMESPACE: &str = "strata_dropped";

/// What comes between a table's name and the time it was kept.
const MARK: &str = "__dropped_";

/// Digits of a stamp: `YYYYMMDDHHMMSS`.
const STAMP_LEN: usize = 14;

/// The longest identifier every dialect accepts (PostgreSQL: 63 bytes).
const MAX_IDENT: usize = 63;

/// The stamp of a time given in seconds since the epoch (UTC).
pub fn stamp_of(secs: u64) -> String {
    let (y, m, d) = super::audit::civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// The stamp of now.
pub fn stamp_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    stamp_of(secs)
}

/// `table` renamed for keeping at `stamp`, in `namespace`. The table's
/// own name is cut (at a character boundary) so that the whole fits in
/// [`MAX_IDENT`] bytes: the stamp is what must survive.
pub fn kept_name(table: &Name, namespace: Option<&str>, stamp: &str) -> Name {
    let room = MAX_IDENT - MARK.len() - stamp.len();
    let mut cut = table.name.len().min(room);
    while !table.name.is_char_boundary(cut) {
        cut -= 1;
    }
    Name {
        schema: namespace.map(str::to_string),
        name: format!("{}{MARK}{stamp}", &table.name[..cut]),
    }
}

/// The statements that move a dropped table aside, and those of the
/// rollback that bring it back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moves {
    pub aside: Vec<String>,
    pub back: Vec<String>,
}

/// What is appended to a kept object's name: the mark and the stamp.
pub fn suffix(stamp: &str) -> String {
    format!("{MARK}{stamp}")
}

/// `name` of an index, constraint or sequence of a table kept at
/// `stamp`, cut (at a character boundary) to fit `max` bytes with its
/// suffix. A name cut here comes back cut in the rollback.
pub fn kept_object_name(name: &str, stamp: &str, max: usize) -> String {
    let tail = suffix(stamp);
    let mut cut = name.len().min(max.saturating_sub(tail.len()));
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{tail}", &name[..cut])
}

/// When a kept table was kept, in seconds since the epoch, read from its
/// name; `None` for a name that is not a kept table's.
pub fn kept_at(name: &str) -> Option<u64> {
    let at = name.len().checked_sub(MARK.len() + STAMP_LEN)?;
    let tail = name.get(at..)?;
    let digits = tail.strip_prefix(MARK)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| digits[r].parse::<u64>().ok();
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, s) = (num(8..10)?, num(10..12)?, num(12..14)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let days = days_from_civil(y as i64, mo as i64, d as i64);
    u64::try_from(days)
        .ok()
        .map(|days| days * 86_400 + h * 3600 + mi * 60 + s)
}

/// The exclude patterns (`ir::filter`) that keep kept tables out of
/// plans, drift and inspect: the schema [`NAMESPACE`], and any table whose
/// name ends in the mark and a stamp.
pub fn patterns() -> [String; 2] {
    [
        format!("namespace:{NAMESPACE}"),
        format!("table:*{MARK}{}", "?".repeat(STAMP_LEN)),
    ]
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm, the inverse of `audit::civil_from_days`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_reads_back_as_its_time() {
        for secs in [0, 86_399, 1_700_000_000, 1_796_000_123] {
            let name = kept_name(&Name::new("orders"), None, &stamp_of(secs));
            assert_eq!(kept_at(&name.name), Some(secs), "{}", name.name);
        }
    }

    #[test]
    fn a_long_name_is_cut_and_keeps_its_stamp() {
        let long = "é".repeat(40);
        let kept = kept_name(&Name::new(long), Some(NAMESPACE), "20261206161300");
        assert!(kept.name.len() <= MAX_IDENT, "{}", kept.name);
        assert!(kept.name.ends_with("__dropped_20261206161300"));
        assert_eq!(kept.schema.as_deref(), Some(NAMESPACE));
    }

    #[test]
    fn object_names_get_the_stamp_and_fit() {
        assert_eq!(
            kept_object_name("notes_pkey", "20200101000000", 63),
            "notes_pkey__dropped_20200101000000"
        );
        let long = kept_object_name(&"x".repeat(80), "20200101000000", 64);
        assert_eq!(long.len(), 64);
        assert!(long.ends_with("__dropped_20200101000000"));
    }

    #[test]
    fn other_names_are_not_kept_tables() {
        for name in [
            "orders",
            "orders__dropped_2026",
            "x__dropped_2026120616130a",
        ] {
            assert_eq!(kept_at(name), None, "{name}");
        }
        assert_eq!(kept_at("x__dropped_20261399000000"), None);
    }
}
