//! Stored functions and procedures: `CREATE [DEFINER = …] FUNCTION f(…)
//! RETURNS t [characteristics] body`, under the session the schema names
//! ([`super::session`]). The body is sent byte for byte, as the server
//! keeps it; no `DELIMITER` is needed, each statement goes on its own.

use super::views::definer;
use crate::dialect::mysql::quote::{name, string};
use crate::ir::Function;

fn kind(f: &Function) -> &'static str {
    if f.returns.is_some() {
        "FUNCTION"
    } else {
        "PROCEDURE"
    }
}

/// The statements that create `f`.
pub(super) fn create_routine(f: &Function) -> Vec<String> {
    let mut head = String::from("CREATE ");
    if let Some(d) = f.options.get("definer") {
        head.push_str(&format!("DEFINER = {} ", definer(d)));
    }
    head.push_str(&format!("{} {}({})", kind(f), name(&f.name), f.args));
    if let Some(r) = &f.returns {
        head.push_str(&format!(" RETURNS {r}"));
    }
    if let Some(c) = &f.comment {
        head.push_str(&format!("\n  COMMENT {}", string(c)));
    }
    if f.options.get("deterministic").is_some_and(|v| v == "true") {
        head.push_str("\n  DETERMINISTIC");
    }
    if let Some(a) = f.options.get("data_access") {
        head.push_str(&format!("\n  {}", a.to_ascii_uppercase()));
    }
    if let Some(s) = f.options.get("sql_security") {
        head.push_str(&format!("\n  SQL SECURITY {}", s.to_ascii_uppercase()));
    }
    super::session::under(&f.options, format!("{head}\n{}", f.body))
}

pub(super) fn drop_routine(f: &Function) -> String {
    format!("DROP {} {}", kind(f), name(&f.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Name;
    use std::collections::BTreeMap;

    fn routine(returns: Option<&str>) -> Function {
        Function {
            name: Name::new("f"),
            args: "a int, out b int".into(),
            returns: returns.map(String::from),
            language: "sql".into(),
            body: "BEGIN\n  SET b = a;\nEND".into(),
            object_file: None,
            standard_body: false,
            aggregate: false,
            comment: Some("it's".into()),
            attributes: Default::default(),
            options: BTreeMap::from([
                ("deterministic".into(), "true".into()),
                ("data_access".into(), "reads sql data".into()),
                ("sql_security".into(), "invoker".into()),
                ("definer".into(), "app@%".into()),
            ]),
        }
    }

    #[test]
    fn a_routine_is_created_with_its_characteristics_and_its_body_as_written() {
        let sql = create_routine(&routine(None));
        assert_eq!(
            sql,
            vec!["CREATE DEFINER = 'app'@'%' PROCEDURE `f`(a int, out b int)\n  COMMENT 'it''s'\n  DETERMINISTIC\n  READS SQL DATA\n  SQL SECURITY INVOKER\nBEGIN\n  SET b = a;\nEND"]
        );
        assert_eq!(drop_routine(&routine(Some("int"))), "DROP FUNCTION `f`");
    }
}
