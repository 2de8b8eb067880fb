//! Triggers: `CREATE TRIGGER … EXECUTE FUNCTION …`; a constraint trigger
//! (`with (constraint, deferrable, initially_deferred)`) is `CREATE
//! CONSTRAINT TRIGGER … DEFERRABLE INITIALLY DEFERRED`; `with (old_table =
//! o, new_table = n)` is `REFERENCING OLD TABLE AS o NEW TABLE AS n`.

use super::Ctx;
use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::ir::Trigger;

pub(super) fn create_trigger(cx: &mut Ctx<'_>, t: &Trigger) {
    let events: Vec<String> = t.events.iter().map(|e| e.to_uppercase_keywords()).collect();
    let flag = |k: &str| t.options.get(k).is_some_and(|v| v == "true");
    let mut sql = format!(
        "CREATE {}TRIGGER {} {} {} ON {}",
        if flag("constraint") {
            "CONSTRAINT "
        } else {
            ""
        },
        ident(&t.name),
        t.timing.to_uppercase(),
        events.join(" OR "),
        qname(&t.table)
    );
    if flag("deferrable") {
        sql.push_str(" DEFERRABLE");
    }
    if flag("initially_deferred") {
        sql.push_str(" INITIALLY DEFERRED");
    }
    let transition = [("old_table", "OLD"), ("new_table", "NEW")];
    let referencing: Vec<String> = transition
        .iter()
        .filter_map(|(k, word)| {
            let t = t.options.get(*k)?;
            Some(format!(" {word} TABLE AS {}", ident(t)))
        })
        .collect();
    if !referencing.is_empty() {
        sql.push_str(&format!(" REFERENCING{}", referencing.concat()));
    }
    sql.push_str(if t.for_each_row {
        " FOR EACH ROW"
    } else {
        " FOR EACH STATEMENT"
    });
    if let Some(w) = &t.when {
        sql.push_str(&format!(" WHEN ({w})"));
    }
    sql.push(' ');
    sql.push_str(&t.body);
    cx.push(sql, vec![]);
    if t.comment.is_some() {
        trigger_comment(cx, t);
    }
}

/// `COMMENT ON TRIGGER t ON tbl IS …`: the trigger's comment, or NULL to
/// remove it.
pub(super) fn trigger_comment(cx: &mut Ctx<'_>, t: &Trigger) {
    let text = t.comment.as_deref().map_or("NULL".to_string(), literal);
    cx.push(
        format!(
            "COMMENT ON TRIGGER {} ON {} IS {text}",
            ident(&t.name),
            qname(&t.table)
        ),
        vec![],
    );
}

trait UpperKeywords {
    fn to_uppercase_keywords(&self) -> String;
}

impl UpperKeywords for String {
    /// `update of a, b` → `UPDATE OF a, b`: the event words only.
    fn to_uppercase_keywords(&self) -> String {
        let lower = self.to_lowercase();
        if let Some(rest) = lower.strip_prefix("update of ") {
            let cols = &self[self.len() - rest.len()..];
            return format!("UPDATE OF {cols}");
        }
        self.to_uppercase()
    }
}
