//! Printing of MySQL events, as [`super::super::lower`] reads them back.

use super::{decl, sql_block, with_options};
use crate::ir::{Event, Schedule};
use crate::syntax::text;

pub(super) fn event(e: &Event, ind: &str, ns: Option<&str>) -> String {
    let mut s = format!(
        "{ind}event {}{}",
        decl(&e.name, ns),
        with_options(&e.options)
    );
    match &e.schedule {
        Schedule::At(at) => s.push_str(&format!(" at {}", text::string(at))),
        Schedule::Every {
            value,
            unit,
            starts,
            ends,
        } => {
            s.push_str(&format!(" every {value} {unit}"));
            if let Some(t) = starts {
                s.push_str(&format!(" starts {}", text::string(t)));
            }
            if let Some(t) = ends {
                s.push_str(&format!(" ends {}", text::string(t)));
            }
        }
    }
    if e.preserve {
        s.push_str(" on completion preserve");
    }
    if !e.status.is_enabled() {
        s.push_str(&format!(" {}", e.status.as_sql()));
    }
    s.push_str(&format!(" as {}", sql_block(&e.body, ind, false)));
    if let Some(c) = &e.comment {
        s.push_str(&format!(" comment {}", text::string(c)));
    }
    s
}
