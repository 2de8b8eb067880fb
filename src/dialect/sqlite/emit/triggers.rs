//! Triggers: one event each, `UPDATE OF` columns quoted.

use super::unsupported;
use crate::dialect::sqlite::expr::tokenize;
use crate::dialect::sqlite::quote::ident;
use crate::dialect::EmitError;
use crate::ir::Trigger;

pub(super) fn create_trigger(t: &Trigger) -> Result<String, EmitError> {
    let timing = match t.timing.to_ascii_lowercase().as_str() {
        "before" => "BEFORE",
        "after" => "AFTER",
        "instead of" => "INSTEAD OF",
        other => {
            return Err(unsupported(
                format!("create a trigger that fires `{other}`"),
                Some("SQLite triggers fire BEFORE, AFTER or INSTEAD OF"),
            ))
        }
    };
    let [event] = t.events.as_slice() else {
        return Err(unsupported(
            format!("create trigger {} on more than one event", t.name),
            Some("write one trigger per event"),
        ));
    };
    let mut sql = format!(
        "CREATE TRIGGER {} {timing} {} ON {} FOR EACH ROW",
        ident(&t.name),
        trigger_event(event)?,
        ident(&t.table.name)
    );
    if let Some(w) = &t.when {
        sql.push_str(&format!(" WHEN {w}"));
    }
    sql.push(' ');
    sql.push_str(&t.body);
    Ok(sql)
}

/// `update of a, "b c"` → `UPDATE OF "a", "b c"`.
fn trigger_event(e: &str) -> Result<String, EmitError> {
    let toks = tokenize(e);
    let bad = || {
        unsupported(
            format!("create a trigger on event `{e}`"),
            Some("SQLite triggers fire on insert, delete, update or update of columns"),
        )
    };
    let first = toks.first().ok_or_else(bad)?;
    let word = ["insert", "delete", "update"]
        .into_iter()
        .find(|w| first.is_word(w))
        .ok_or_else(bad)?;
    if toks.len() == 1 {
        return Ok(word.to_uppercase());
    }
    if word != "update" || !toks[1].is_word("of") {
        return Err(bad());
    }
    let cols: Vec<String> = toks[2..]
        .iter()
        .filter(|t| !t.is_op(","))
        .map(|t| ident(&t.name()))
        .collect();
    Ok(format!("UPDATE OF {}", cols.join(", ")))
}
