//! Views: `CREATE [OR REPLACE] [ALGORITHM = …] [DEFINER = …] [SQL SECURITY …]
//! VIEW … [WITH … CHECK OPTION]`.

use crate::dialect::mysql::quote::{idents, name, string};
use crate::ir::View;

/// The statements that create (or replace) `v`, under the client
/// character set and connection collation it names.
pub(super) fn create_view(v: &View, replace: bool) -> Vec<String> {
    super::session::under(&v.options, create_statement(v, replace))
}

fn create_statement(v: &View, replace: bool) -> String {
    let cols = if v.columns.is_empty() {
        String::new()
    } else {
        format!(" ({})", idents(&v.columns))
    };
    let mut head = String::new();
    if let Some(a) = v.options.get("algorithm") {
        head.push_str(&format!("ALGORITHM = {} ", a.to_ascii_uppercase()));
    }
    if let Some(d) = v.options.get("definer") {
        head.push_str(&format!("DEFINER = {} ", definer(d)));
    }
    if let Some(s) = v.options.get("sql_security") {
        head.push_str(&format!("SQL SECURITY {} ", s.to_ascii_uppercase()));
    }
    let check = match v.options.get("check_option") {
        Some(c) => format!(" WITH {} CHECK OPTION", c.to_ascii_uppercase()),
        None => String::new(),
    };
    format!(
        "CREATE {}{head}VIEW {}{cols} AS {}{check}",
        if replace { "OR REPLACE " } else { "" },
        name(&v.name),
        v.body.trim().trim_end_matches(';')
    )
}

/// `user@host` as the server takes it: `'user'@'host'` (the host after the
/// last `@`, since a user name may hold one).
pub(super) fn definer(d: &str) -> String {
    match d.rsplit_once('@') {
        Some((user, host)) => format!("{}@{}", string(user), string(host)),
        None => string(d),
    }
}
