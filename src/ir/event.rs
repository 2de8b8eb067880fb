//! MySQL / MariaDB events: a statement the server's scheduler runs once
//! (`AT`) or again and again (`EVERY … STARTS … ENDS`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Name;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub name: Name,
    pub schedule: Schedule,
    /// `ON COMPLETION PRESERVE`: the event outlives its last run. Without
    /// it the server drops the event once its schedule has run out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub preserve: bool,
    #[serde(default, skip_serializing_if = "EventStatus::is_enabled")]
    pub status: EventStatus,
    /// The statement after `DO`, byte for byte as the server keeps it.
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// `with (…)`: the definer and the session the event was created
    /// under (`sql_mode`, `time_zone`, `character_set_client`,
    /// `collation_connection`), each when not the default.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
}

/// When the event runs. Times are `YYYY-MM-DD HH:MM:SS` in the event's
/// time zone, as the server prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Schedule {
    At(String),
    Every {
        /// The interval's quantity as SQL writes it: `1`, `'1 4'`.
        value: String,
        /// `DAY`, `HOUR`, `DAY_HOUR`, …
        unit: String,
        /// `None` in a schema: whatever the server has (it sets the time
        /// of creation when none is given).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        starts: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ends: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventStatus {
    #[default]
    Enable,
    Disable,
    /// `DISABLE ON SLAVE`: created by replication, runs on the primary only.
    DisableOnSlave,
}

impl EventStatus {
    pub fn is_enabled(&self) -> bool {
        *self == EventStatus::Enable
    }

    /// The clause as SQL and `.strata` write it.
    pub fn as_sql(self) -> &'static str {
        match self {
            EventStatus::Enable => "enable",
            EventStatus::Disable => "disable",
            EventStatus::DisableOnSlave => "disable on slave",
        }
    }
}
