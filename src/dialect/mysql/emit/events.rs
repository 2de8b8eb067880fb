//! Events: `CREATE EVENT … ON SCHEDULE … DO body`, under the session the
//! schema names ([`super::session`]): the server keeps the `sql_mode` and
//! `time_zone` of the statement that creates or alters an event, and reads
//! its schedule's times in that time zone.

use super::views::definer;
use crate::dialect::mysql::quote::{name, string};
use crate::ir::{Event, Schedule};

/// The statements that create `e`.
pub(super) fn create_event(e: &Event) -> Vec<String> {
    let mut head = String::from("CREATE ");
    if let Some(d) = e.options.get("definer") {
        head.push_str(&format!("DEFINER = {} ", definer(d)));
    }
    head.push_str(&format!("EVENT {}", name(&e.name)));
    under(e, format!("{head}{}", clauses(e, false)))
}

pub(super) fn drop_event(e: &Event) -> String {
    format!("DROP EVENT {}", name(&e.name))
}

/// `ALTER EVENT` where only what it can set differs; a new definer or
/// creation session drops the event and creates it again, since `ALTER`
/// would keep the old definer.
pub(super) fn alter_event(from: &Event, to: &Event) -> Vec<String> {
    if from.options != to.options {
        let mut out = vec![drop_event(from)];
        out.extend(create_event(to));
        return out;
    }
    let alter = format!("ALTER EVENT {}{}", name(&to.name), clauses(to, true));
    under(to, alter)
}

/// The statement under the event's session. An event that names no time
/// zone takes the server's, as a `mysql` client's session has it: strata's
/// own connection runs in UTC.
fn under(e: &Event, statement: String) -> Vec<String> {
    let mut out = super::session::under(&e.options, statement);
    if !e.options.contains_key("time_zone") {
        out.insert(
            0,
            "SET @strata_time_zone = @@SESSION.time_zone, SESSION time_zone = @@GLOBAL.time_zone"
                .into(),
        );
        out.push("SET SESSION time_zone = @strata_time_zone".into());
    }
    out
}

/// Everything after the event's name. `ALTER` writes the comment even
/// when there is none, to clear one.
fn clauses(e: &Event, alter: bool) -> String {
    let mut s = format!("\n  ON SCHEDULE {}", schedule(&e.schedule));
    s.push_str(if e.preserve {
        "\n  ON COMPLETION PRESERVE"
    } else {
        "\n  ON COMPLETION NOT PRESERVE"
    });
    s.push_str(&format!("\n  {}", e.status.as_sql().to_ascii_uppercase()));
    match &e.comment {
        Some(c) => s.push_str(&format!("\n  COMMENT {}", string(c))),
        None if alter => s.push_str("\n  COMMENT ''"),
        None => {}
    }
    s.push_str(&format!("\n  DO {}", e.body));
    s
}

fn schedule(s: &Schedule) -> String {
    match s {
        Schedule::At(at) => format!("AT {}", string(at)),
        Schedule::Every {
            value,
            unit,
            starts,
            ends,
        } => {
            let mut out = format!("EVERY {value} {}", unit.to_ascii_uppercase());
            if let Some(t) = starts {
                out.push_str(&format!(" STARTS {}", string(t)));
            }
            if let Some(t) = ends {
                out.push_str(&format!(" ENDS {}", string(t)));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{EventStatus, Name};
    use std::collections::BTreeMap;

    fn event() -> Event {
        Event {
            name: Name::new("purge"),
            schedule: Schedule::Every {
                value: "'1 4'".into(),
                unit: "day_hour".into(),
                starts: Some("2030-01-01 00:00:00".into()),
                ends: None,
            },
            preserve: true,
            status: EventStatus::DisableOnSlave,
            body: "DELETE FROM t WHERE a = 'it''s'".into(),
            comment: None,
            options: BTreeMap::from([("time_zone".into(), "+05:00".into())]),
        }
    }

    #[test]
    fn an_event_is_created_under_its_time_zone_with_every_clause() {
        assert_eq!(
            create_event(&event()),
            vec![
                "SET @strata_time_zone = @@SESSION.time_zone, SESSION time_zone = '+05:00'",
                "CREATE EVENT `purge`\n  ON SCHEDULE EVERY '1 4' DAY_HOUR STARTS '2030-01-01 00:00:00'\n  ON COMPLETION PRESERVE\n  DISABLE ON SLAVE\n  DO DELETE FROM t WHERE a = 'it''s'",
                "SET SESSION time_zone = @strata_time_zone",
            ]
        );
    }

    #[test]
    fn an_alter_clears_the_comment_and_a_new_definer_recreates() {
        let mut from = event();
        from.comment = Some("old".into());
        from.options.clear();
        let mut to = from.clone();
        to.comment = None;
        to.schedule = Schedule::At("2035-01-01 00:00:00".into());
        assert_eq!(
            alter_event(&from, &to)[1..2],
            vec!["ALTER EVENT `purge`\n  ON SCHEDULE AT '2035-01-01 00:00:00'\n  ON COMPLETION PRESERVE\n  DISABLE ON SLAVE\n  COMMENT ''\n  DO DELETE FROM t WHERE a = 'it''s'"]
        );
        to.options.insert("definer".into(), "app@%".into());
        let s = alter_event(&from, &to);
        assert_eq!(s[0], "DROP EVENT `purge`");
        assert!(s[2].starts_with("CREATE DEFINER = 'app'@'%' EVENT `purge`"));
    }
}
