//! Events (`information_schema.EVENTS`) → [`Event`]s: the schedule as the
//! server prints it, the body byte for byte, and as options the definer
//! and the session the event was created under.

use std::collections::BTreeMap;

use super::{col, opt, Rows};
use crate::ir::{Event, EventStatus, Name, Schedule, Schema};

pub(super) fn events(rows: &Rows, schema: &mut Schema) {
    for r in rows {
        let schedule = match opt(r, 1) {
            Some(at) => Schedule::At(at),
            None => Schedule::Every {
                value: col(r, 2),
                unit: col(r, 3).to_ascii_lowercase(),
                starts: opt(r, 4),
                ends: opt(r, 5),
            },
        };
        let status = match col(r, 6).as_str() {
            "DISABLED" => EventStatus::Disable,
            "SLAVESIDE_DISABLED" => EventStatus::DisableOnSlave,
            _ => EventStatus::Enable,
        };
        let mut options = BTreeMap::new();
        for (key, i) in [
            ("definer", 10),
            ("sql_mode", 11),
            ("time_zone", 12),
            ("character_set_client", 13),
            ("collation_connection", 14),
        ] {
            if let Some(v) = opt(r, i) {
                options.insert(key.to_string(), v);
            }
        }
        let e = Event {
            name: Name::new(col(r, 0)),
            schedule,
            preserve: col(r, 7) == "PRESERVE",
            status,
            body: col(r, 9),
            comment: opt(r, 8).filter(|c| !c.is_empty()),
            options,
        };
        schema.events.insert(e.name.clone(), e);
    }
}
