//! MariaDB sequences (`CREATE SEQUENCE`, MariaDB 10.3+): their canonical
//! form. MariaDB keeps every option, filled in with its defaults, so an
//! option a schema leaves out is compared as the server's default.

use crate::ir::Sequence;

/// MariaDB's bounds of an ascending sequence; a descending one's are
/// their negations shifted by one (`-9223372036854775807` to `-1`).
const MAX_ASCENDING: i64 = 9_223_372_036_854_775_806;
const DEFAULT_CACHE: i64 = 1000;

/// Every option the server would fill in, filled in; `bigint` (the only
/// type before MariaDB 11.5) is no type.
pub fn normalize(s: &mut Sequence) {
    let increment = *s.increment.get_or_insert(1);
    if increment > 0 {
        s.min_value.get_or_insert(1);
        s.max_value.get_or_insert(MAX_ASCENDING);
        s.start = s.start.or(s.min_value);
    } else {
        s.min_value.get_or_insert(-MAX_ASCENDING - 1);
        s.max_value.get_or_insert(-1);
        s.start = s.start.or(s.max_value);
    }
    s.cache.get_or_insert(DEFAULT_CACHE);
    if s.data_type
        .as_ref()
        .is_some_and(|t| t.as_str().eq_ignore_ascii_case("bigint"))
    {
        s.data_type = None;
    }
    s.comment = s.comment.take().filter(|c| !c.is_empty());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Name;

    fn seq() -> Sequence {
        Sequence::named(Name::new("s"))
    }

    #[test]
    fn defaults_are_the_servers() {
        let mut s = seq();
        normalize(&mut s);
        assert_eq!(
            (s.start, s.increment, s.min_value, s.max_value, s.cache),
            (Some(1), Some(1), Some(1), Some(MAX_ASCENDING), Some(1000))
        );
        let mut d = seq();
        d.increment = Some(-1);
        normalize(&mut d);
        assert_eq!(
            (d.start, d.min_value, d.max_value),
            (Some(-1), Some(-9_223_372_036_854_775_807), Some(-1))
        );
    }

    #[test]
    fn a_given_minimum_is_the_start() {
        let mut s = seq();
        s.min_value = Some(10);
        normalize(&mut s);
        assert_eq!(s.start, Some(10));
    }
}
