//! Functions and procedures: `CREATE [OR REPLACE]` with a dollar-quoted
//! body and every non-default attribute, `DROP` by signature.

use super::Ctx;
use crate::dialect::postgres::normalize::split_top_level;
use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::ir::{Function, FunctionAttributes};

pub(super) fn routine_kind(f: &Function) -> &'static str {
    if f.aggregate {
        "AGGREGATE"
    } else if f.returns.is_some() {
        "FUNCTION"
    } else {
        "PROCEDURE"
    }
}

/// The argument list without `DEFAULT …`, as `DROP FUNCTION` wants it.
pub(super) fn args_without_defaults(args: &str) -> String {
    split_top_level(args)
        .iter()
        .map(|a| {
            let lower = a.to_lowercase();
            let cut = lower
                .find(" default ")
                .or_else(|| lower.find(":="))
                .or_else(|| lower.find('='))
                .unwrap_or(a.len());
            a[..cut].trim().to_string()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn dollar_tag(body: &str) -> String {
    let mut tag = "$strata$".to_string();
    let mut n = 0;
    while body.contains(&tag) {
        n += 1;
        tag = format!("$strata{n}$");
    }
    tag
}

/// ` AS $tag$body$tag$`, ` AS 'obj_file', 'link_symbol'`, or a
/// SQL-standard body as it is.
fn definition(f: &Function) -> String {
    if f.aggregate {
        return format!(" ({})", f.body);
    }
    if let Some(file) = &f.object_file {
        return format!(" AS {}, {}", literal(file), literal(&f.body));
    }
    if f.standard_body {
        return format!(" {}", f.body);
    }
    let tag = dollar_tag(&f.body);
    format!(" AS {tag}{}{tag}", f.body)
}

pub(super) fn create_function(cx: &mut Ctx<'_>, f: &Function, or_replace: bool) {
    let returns = f
        .returns
        .as_ref()
        .map(|r| format!(" RETURNS {r}"))
        .unwrap_or_default();
    cx.push(
        format!(
            "CREATE {}{} {}({}){returns}{}{}",
            if or_replace { "OR REPLACE " } else { "" },
            routine_kind(f),
            qname(&f.name),
            f.args,
            language_and_attributes(f),
            definition(f)
        ),
        vec![],
    );
    if let Some(c) = &f.comment {
        cx.push(
            format!(
                "COMMENT ON {} {}({}) IS {}",
                routine_kind(f),
                qname(&f.name),
                args_without_defaults(&f.args),
                literal(c)
            ),
            vec![],
        );
    }
}

/// ` LANGUAGE x` and the attributes; nothing for an aggregate, whose
/// options say all.
fn language_and_attributes(f: &Function) -> String {
    if f.aggregate {
        return String::new();
    }
    format!(
        " LANGUAGE {}{}",
        ident(&f.language),
        function_attributes(&f.attributes)
    )
}

/// ` IMMUTABLE STRICT … SET "search_path" = 'public', 'pg_temp'`: every
/// attribute that is not the default (`CREATE OR REPLACE` resets the
/// others), with a leading space.
fn function_attributes(a: &FunctionAttributes) -> String {
    let mut s = String::new();
    if !a.volatility.is_default() {
        s.push_str(&format!(" {}", a.volatility.as_str().to_uppercase()));
    }
    if a.strict {
        s.push_str(" STRICT");
    }
    if a.security_definer {
        s.push_str(" SECURITY DEFINER");
    }
    if a.leakproof {
        s.push_str(" LEAKPROOF");
    }
    if !a.parallel.is_default() {
        s.push_str(&format!(" PARALLEL {}", a.parallel.as_str().to_uppercase()));
    }
    if let Some(c) = a.cost {
        s.push_str(&format!(" COST {c}"));
    }
    if let Some(r) = a.rows {
        s.push_str(&format!(" ROWS {r}"));
    }
    for (k, v) in &a.config {
        // A double-quoted item is already an identifier (`"$user"`).
        let items: Vec<String> = v
            .split(", ")
            .map(|i| {
                if i.starts_with('"') {
                    i.to_string()
                } else {
                    literal(i)
                }
            })
            .collect();
        s.push_str(&format!(" SET {} = {}", ident(k), items.join(", ")));
    }
    s
}
