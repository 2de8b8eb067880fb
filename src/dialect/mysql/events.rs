//! The canonical form of an event: its schedule as the server prints it
//! (a date alone is midnight, units in lowercase), its default status and
//! comment left out, its options spelled as a routine's. The body is only
//! trimmed, as the server stores it.

use miette::IntoDiagnostic;
use sqlx::Row;

use super::routines::options;
use crate::ir::{Event, EventStatus, Schedule, Schema};

pub fn normalize(e: &mut Event) {
    e.schedule = match std::mem::replace(&mut e.schedule, Schedule::At(String::new())) {
        Schedule::At(at) => Schedule::At(time(&at)),
        Schedule::Every {
            value,
            unit,
            starts,
            ends,
        } => Schedule::Every {
            value: value.trim().to_string(),
            unit: unit.trim().to_ascii_lowercase(),
            starts: starts.as_deref().map(time),
            ends: ends.as_deref().map(time),
        },
    };
    e.body = quotes_doubled(e.body.trim().trim_end_matches(';').trim_end());
    e.comment = e.comment.take().filter(|c| !c.is_empty());
    e.options = options(&e.options);
}

/// `'it\'s'` → `'it''s'`: the server keeps an event's body with each
/// quote inside a string doubled, however it was escaped.
fn quotes_doubled(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    // The quote that opened the string or identifier the text is in.
    let mut open: Option<char> = None;
    while let Some(c) = chars.next() {
        match (open, c) {
            (None, '\'' | '"' | '`') => open = Some(c),
            (Some('\''), '\\') if chars.peek() == Some(&'\'') => {
                chars.next();
                out.push_str("''");
                continue;
            }
            (Some(q), '\\') if q != '`' => {
                out.push(c);
                if let Some(n) = chars.next() {
                    out.push(n);
                }
                continue;
            }
            (Some(q), _) if c == q && chars.peek() == Some(&q) => {
                chars.next();
                out.push(c);
            }
            (Some(q), _) if c == q => open = None,
            _ => {}
        }
        out.push(c);
    }
    out
}

/// `2035-01-01` → `2035-01-01 00:00:00`, as the server prints a time.
fn time(t: &str) -> String {
    let t = t.trim();
    if t.len() == 10 && !t.contains(' ') {
        format!("{t} 00:00:00")
    } else {
        t.to_string()
    }
}

/// What the schema leaves to the server, taken from the server, so that it
/// is never a difference: the definer (the session's user) and a recurring
/// event's `STARTS` (the time it was created). A one-time event whose time
/// has passed and that is not preserved is dropped by the server as soon as
/// it has run (or at once, when created): missing from the database, it is
/// left out of the plan rather than created again on every apply; one that
/// is preserved the server disables, and so does the schema.
pub async fn align(url: &str, db: &Schema, desired: &mut Schema) -> miette::Result<()> {
    for (n, e) in desired.events.iter_mut() {
        let Some(had) = db.events.get(n) else {
            continue;
        };
        let named = e.options.keys().any(|k| k.eq_ignore_ascii_case("definer"));
        if let (false, Some(d)) = (named, had.options.get("definer")) {
            e.options.insert("definer".to_string(), d.clone());
        }
        if let (
            Schedule::Every { starts, .. },
            Schedule::Every {
                starts: Some(s), ..
            },
        ) = (&mut e.schedule, &had.schedule)
        {
            if starts.is_none() {
                *starts = Some(s.clone());
            }
        }
    }
    let once: Vec<_> = desired
        .events
        .values()
        .filter(|e| e.preserve || !db.events.contains_key(&e.name))
        .filter_map(|e| match &e.schedule {
            Schedule::At(at) => Some((e.name.clone(), time(at), zone(e))),
            Schedule::Every { .. } => None,
        })
        .collect();
    if once.is_empty() {
        return Ok(());
    }
    let mut conn = super::apply::session(url).await.into_diagnostic()?;
    for (name, at, zone) in once {
        sqlx::query(&format!("SET SESSION time_zone = {zone}"))
            .execute(&mut conn)
            .await
            .into_diagnostic()?;
        let now: String = sqlx::query("SELECT CAST(NOW() AS CHAR)")
            .fetch_one(&mut conn)
            .await
            .and_then(|r| r.try_get(0))
            .into_diagnostic()?;
        match desired.events.get_mut(&name) {
            Some(e) if at <= now && e.preserve => e.status = EventStatus::Disable,
            Some(_) if at <= now => {
                eprintln!(
                    "warning: event {name} runs once at {at}, which has passed, and is not preserved: the server would drop it at once, so it is not created"
                );
                desired.events.remove(&name);
            }
            _ => {}
        }
    }
    Ok(())
}

/// The time zone an event's times are read in, as SQL.
fn zone(e: &Event) -> String {
    e.options
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("time_zone"))
        .map(|(_, v)| super::quote::string(v))
        .unwrap_or_else(|| "@@GLOBAL.time_zone".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Name;
    use std::collections::BTreeMap;

    #[test]
    fn a_written_event_takes_the_servers_spelling() {
        let mut e = Event {
            name: Name::new("e"),
            schedule: Schedule::Every {
                value: " 1 ".into(),
                unit: "DAY".into(),
                starts: Some("2030-01-01".into()),
                ends: None,
            },
            preserve: false,
            status: EventStatus::Enable,
            body: "  DELETE FROM t;\n".into(),
            comment: Some(String::new()),
            options: BTreeMap::from([("SQL_MODE".into(), "ansi_quotes".into())]),
        };
        normalize(&mut e);
        assert_eq!(
            e.schedule,
            Schedule::Every {
                value: "1".into(),
                unit: "day".into(),
                starts: Some("2030-01-01 00:00:00".into()),
                ends: None,
            }
        );
        assert_eq!(e.body, "DELETE FROM t");
        assert_eq!(
            quotes_doubled(r"select 'it\'s', 'a''b', 'c\\', `x'`"),
            r"select 'it''s', 'a''b', 'c\\', `x'`"
        );
        assert_eq!(e.comment, None);
        assert_eq!(e.options["sql_mode"], "ANSI_QUOTES");
    }
}
