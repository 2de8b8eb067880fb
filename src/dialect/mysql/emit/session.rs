//! The session an object is created under. A trigger or stored routine
//! keeps the `sql_mode` it was created under (under `PIPES_AS_CONCAT`,
//! `a || b` concatenates; otherwise it is OR), and a view or routine the
//! client character set and connection collation (a string literal in
//! the body takes the connection's character set). The schema names them
//! as options; the statement that creates the object runs between one that
//! saves and sets each and one that puts it back. An event also keeps the
//! `time_zone` its schedule is read in. Apply runs these
//! `SET` statements again on resume: they change nothing that lasts.

use std::collections::BTreeMap;

use crate::dialect::mysql::quote::string;

/// The session variables an object remembers, in the order they are set
/// (the collation after the client character set it may follow).
const REMEMBERED: &[&str] = &[
    "sql_mode",
    "time_zone",
    "character_set_client",
    "collation_connection",
];

/// `create` between the statements that set, then restore, the session
/// variables `options` names.
pub(super) fn under(options: &BTreeMap<String, String>, create: String) -> Vec<String> {
    let set: Vec<(&str, &String)> = REMEMBERED
        .iter()
        .filter_map(|k| options.get(*k).map(|v| (*k, v)))
        .collect();
    let mut out: Vec<String> = set
        .iter()
        .map(|(k, v)| {
            format!(
                "SET @strata_{k} = @@SESSION.{k}, SESSION {k} = {}",
                string(v)
            )
        })
        .collect();
    out.push(create);
    out.extend(
        set.iter()
            .rev()
            .map(|(k, _)| format!("SET SESSION {k} = @strata_{k}")),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_is_set_around_the_statement_and_restored_in_reverse() {
        let o = BTreeMap::from([
            (
                "collation_connection".to_string(),
                "utf8mb3_general_ci".to_string(),
            ),
            ("sql_mode".to_string(), "ANSI_QUOTES".to_string()),
            ("definer".to_string(), "a@b".to_string()),
        ]);
        let s = under(&o, "CREATE VIEW v AS select 1".into());
        assert_eq!(
            s,
            vec![
                "SET @strata_sql_mode = @@SESSION.sql_mode, SESSION sql_mode = 'ANSI_QUOTES'",
                "SET @strata_collation_connection = @@SESSION.collation_connection, SESSION collation_connection = 'utf8mb3_general_ci'",
                "CREATE VIEW v AS select 1",
                "SET SESSION collation_connection = @strata_collation_connection",
                "SET SESSION sql_mode = @strata_sql_mode",
            ]
        );
        assert_eq!(under(&BTreeMap::new(), "X".into()), vec!["X"]);
    }
}
