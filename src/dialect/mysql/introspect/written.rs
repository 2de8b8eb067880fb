//! Trigger, routine and event bodies as they were written.
//!
//! MariaDB's `information_schema` (`ACTION_STATEMENT`, `ROUTINE_DEFINITION`,
//! `EVENT_DEFINITION`) gives a body with its string literals re-spelled,
//! and not faithfully: `'a\\b'` comes back as `'a\b'`, a backspace. The
//! `SHOW CREATE …` statement keeps the text as written, and the body is
//! its tail. Which tail is found by walking both texts back token by
//! token: everything but string literals must be the same. When anything
//! differs, or the statement cannot be read, the catalog's text stays.

use sqlx::mysql::{MySqlPool, MySqlRow};

use super::super::quote::ident;
use super::{col, text, Rows};

/// One kind of object whose body is restored: how to show its creation,
/// and where its name, body and (for routines) kind sit in the catalog row.
struct Kind {
    show: fn(&[Option<String>]) -> String,
    name: usize,
    body: usize,
    /// The column of `SHOW CREATE …` that holds the statement.
    statement: usize,
}

const TRIGGER: Kind = Kind {
    show: |_| "TRIGGER".into(),
    name: 0,
    body: 4,
    statement: 2,
};

const ROUTINE: Kind = Kind {
    show: |r| col(r, 0),
    name: 1,
    body: 3,
    statement: 2,
};

const EVENT: Kind = Kind {
    show: |_| "EVENT".into(),
    name: 0,
    body: 9,
    statement: 3,
};

pub(super) async fn triggers(pool: &MySqlPool, db: &str, rows: Rows) -> Rows {
    restore(pool, db, rows, &TRIGGER).await
}

pub(super) async fn routines(pool: &MySqlPool, db: &str, rows: Rows) -> Rows {
    restore(pool, db, rows, &ROUTINE).await
}

pub(super) async fn events(pool: &MySqlPool, db: &str, rows: Rows) -> Rows {
    restore(pool, db, rows, &EVENT).await
}

async fn restore(pool: &MySqlPool, db: &str, mut rows: Rows, kind: &Kind) -> Rows {
    let shows = rows.iter().map(|r| {
        let what = (kind.show)(r).to_ascii_uppercase();
        let sql = format!(
            "SHOW CREATE {what} {}.{}",
            ident(db),
            ident(&col(r, kind.name))
        );
        async move {
            let row: Option<MySqlRow> = sqlx::query(&sql).fetch_one(pool).await.ok();
            row.and_then(|row| text(&row, kind.statement))
        }
    });
    let statements = futures::future::join_all(shows).await;
    for (r, statement) in rows.iter_mut().zip(statements) {
        let written = statement.and_then(|s| body_as_written(&s, &col(r, kind.body)));
        if let (Some(body), Some(slot)) = (written, r.get_mut(kind.body)) {
            *slot = Some(body);
        }
    }
    rows
}

/// The tail of `statement` that is `body` but for the spelling of its
/// string literals.
pub(super) fn body_as_written(statement: &str, body: &str) -> Option<String> {
    let whole = scan(statement);
    let tail = scan(body);
    if tail.is_empty() || tail.len() > whole.len() {
        return None;
    }
    let start = whole.len() - tail.len();
    for (w, b) in whole[start..].iter().zip(&tail) {
        let same = match (w.string, b.string) {
            (true, true) => true,
            (false, false) => statement[w.span.clone()] == body[b.span.clone()],
            _ => false,
        };
        if !same {
            return None;
        }
    }
    // Around the tokens, the body keeps the catalog's own layout.
    let lead = &body[..tail[0].span.start];
    let trail = &body[tail[tail.len() - 1].span.end..];
    let written = &statement[whole[start].span.start..whole[whole.len() - 1].span.end];
    Some(format!("{lead}{written}{trail}"))
}

struct Token {
    span: std::ops::Range<usize>,
    string: bool,
}

/// Tokens with their byte ranges: quoted runs (strings, and backticked
/// names), comments, words, and single other characters.
fn scan(s: &str) -> Vec<Token> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        let c = b[i];
        let mut string = false;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        } else if c == b'\'' || c == b'"' || c == b'`' {
            i = quoted_end(b, i, c);
            string = c != b'`';
        } else if s[i..].starts_with("/*") {
            i = s[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
        } else if c == b'#' || s[i..].starts_with("-- ") {
            i = s[i..].find('\n').map_or(b.len(), |n| i + n);
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 {
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80)
            {
                i += 1;
            }
        } else {
            i += 1;
        }
        out.push(Token {
            span: start..i,
            string,
        });
    }
    out
}

/// The end of a quoted run opened at `start`: a doubled quote stays
/// inside, and so does a backslash's next byte in a string.
fn quoted_end(b: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        if b[i] == b'\\' && quote != b'`' {
            i += 2;
        } else if b[i] == quote {
            if b.get(i + 1) == Some(&quote) {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::body_as_written;

    #[test]
    fn the_tail_as_written() {
        let show = "CREATE DEFINER=`root`@`%` TRIGGER `t``1` BEFORE INSERT ON `u` FOR EACH ROW \
                    SET NEW.`n` = CONCAT('it''s \\\\ %', NEW.`n`)";
        let info = "SET NEW.`n` = CONCAT('it''s \\ %', NEW.`n`)";
        assert_eq!(
            body_as_written(show, info).as_deref(),
            Some("SET NEW.`n` = CONCAT('it''s \\\\ %', NEW.`n`)")
        );
        let show = "CREATE FUNCTION `f`() RETURNS int\n    DETERMINISTIC\nRETURN 'a\\\\b\\'c' -- x";
        assert_eq!(
            body_as_written(show, "RETURN 'a\\b''c' -- x").as_deref(),
            Some("RETURN 'a\\\\b\\'c' -- x")
        );
    }

    #[test]
    fn anything_else_differing_keeps_the_catalog_text() {
        assert_eq!(body_as_written("CREATE … DO SELECT 1", "SELECT 2"), None);
        assert_eq!(body_as_written("x", "SELECT 1"), None);
        assert_eq!(
            body_as_written("CREATE … DO SELECT 'a'", "SELECT `a`"),
            None
        );
    }
}
