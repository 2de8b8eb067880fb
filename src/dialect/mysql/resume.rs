//! What resume checks on the server before it runs anything again.
//!
//! A statement strata started but never saw finish (strata killed, the
//! connection lost) may have taken effect: MySQL finishes a statement
//! whose client went away. Running it again would copy a table twice or
//! fail on "Duplicate key name". So before the first pending statement
//! runs again, resume asks the server:
//! - is the connection that started it still there? Then it is still
//!   running: refuse, naming it.
//! - is the catalog exactly as it was just before it started (the
//!   fingerprint recorded then)? Then it did not take effect: run it.
//! - otherwise the schema changed since: most likely the statement
//!   finished, but a change by someone else would look the same, so
//!   resume runs nothing and names the way out (`apply --to`).

use sqlx::mysql::MySqlConnection;

use super::history::{self, Row};
use crate::dialect::first_line;

/// FNV-1a, 64 bits, in hex.
pub fn fnv(bytes: impl IntoIterator<Item = u8>) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A fingerprint of everything strata reads of the database's schema
/// (its own introspection, serialized: deterministic, and blind to row
/// counts and AUTO_INCREMENT counters that an insert moves).
pub async fn catalog_fingerprint(url: &str) -> miette::Result<String> {
    let schema = super::introspect::introspect(url, &[]).await?.schema;
    let json = serde_json::to_string(&schema).map_err(|e| miette::miette!("{e}"))?;
    Ok(fnv(json.into_bytes()))
}

/// What another connection is doing, for messages: `Some((seconds, info))`
/// while connection `id` exists.
pub async fn connection_activity(
    conn: &mut MySqlConnection,
    id: u64,
) -> miette::Result<Option<(i64, String)>> {
    let row: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT CAST(TIME AS SIGNED), CAST(INFO AS CHAR) FROM information_schema.PROCESSLIST WHERE ID = ?",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(history::error("read"))?;
    Ok(row.map(|(t, info)| (t, info.map(|s| first_line(&s)).unwrap_or_default())))
}

/// Whether the interrupted statement `row` (number `number` of the
/// script) may run again: `Ok(note)` saying why it may, or the refusal.
pub async fn check_interrupted(
    url: &str,
    conn: &mut MySqlConnection,
    row: &Row,
    number: usize,
) -> miette::Result<String> {
    let statement = first_line(&row.sql);
    if let Some(id) = row.connection_id {
        if let Some((secs, info)) = connection_activity(conn, id).await? {
            return Err(miette::miette!(
                code = "strata::mysql::still_running",
                help = format!(
                    "wait for it to finish, then run `strata apply --resume` again; or stop it with `KILL {id}` (the server then undoes it)"
                ),
                "statement #{number} ({statement}) is still running on the server: connection {id}, busy for {secs} s{}; nothing was run",
                if info.is_empty() { String::new() } else { format!(" with `{info}`") }
            ));
        }
    }
    let now = catalog_fingerprint(url).await?;
    if row.catalog_before.as_deref() == Some(now.as_str()) {
        return Ok(format!(
            "statement #{number} ({statement}) was interrupted before it took effect: the schema is exactly as it was when it started; running it again"
        ));
    }
    Err(miette::miette!(
        code = "strata::mysql::resume_unverified",
        help = "`strata apply --to <schema>` plans from where the database stands and runs only what is still missing, marking this run superseded in strata_history (kept)",
        "statement #{number} ({statement}) was running when the apply stopped, and the schema has changed since it started: the server probably finished it, but strata cannot tell that apart from a change made by someone else, so it ran nothing"
    ))
}

/// Describes who holds the apply lock of this database, for the
/// lock-wait failure: often a statement of a killed strata that the
/// server is still finishing.
pub async fn lock_holder(conn: &mut MySqlConnection) -> String {
    let holder: Option<u64> =
        sqlx::query_scalar("SELECT IS_USED_LOCK(CONCAT('strata_apply:', DATABASE()))")
            .fetch_one(&mut *conn)
            .await
            .ok()
            .flatten();
    let Some(id) = holder else {
        return String::new();
    };
    match connection_activity(conn, id).await {
        Ok(Some((secs, info))) if !info.is_empty() => {
            format!(" (connection {id}, running `{info}` for {secs} s)")
        }
        _ => format!(" (connection {id})"),
    }
}
