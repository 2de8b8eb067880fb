//! E0236: two functions of one name that the database cannot tell apart.
//! A function is known by its name and the types of its input arguments;
//! argument names, defaults, `OUT` arguments and type modifiers are not
//! part of that, so `f(a int)` and `f(b integer)` are one function: the
//! second would replace the first, and one of them would be lost.

use std::collections::BTreeMap;

use super::types::fold_type;
use super::Problem;
use crate::ir::{Name, ObjectRef, Schema};

pub(super) fn check(schema: &Schema, out: &mut Vec<Problem>) {
    let mut seen: BTreeMap<(String, String), (&Name, &String)> = BTreeMap::new();
    for ((name, args), f) in &schema.functions {
        let types = input_types(&f.args);
        let lowered = name.to_string().to_lowercase();
        let Some((first_name, first_args)) = seen.get(&(lowered.clone(), types.clone())) else {
            seen.insert((lowered, types), (name, args));
            continue;
        };
        let at = |n: &Name, a: &String| ObjectRef::Function {
            name: n.clone(),
            args: a.clone(),
        };
        out.push(
            Problem::new(
                "E0236",
                at(name, args),
                format!(
                    "function `{name}({args})` has the same argument types as `{first_name}({first_args})`"
                ),
                format!("`{name}({})` again", types),
            )
            .related(at(first_name, first_args), "first declared here")
            .help(
                "the database tells functions of one name apart by their input argument \
                 types only, not by argument names or defaults: rename one, or change its types",
            ),
        );
    }
}

/// The input argument types of an argument list, folded
/// (`a int, OUT b text, c varchar(3) default 'x'` → `integer, varchar`).
fn input_types(args: &str) -> String {
    split_top_level(args)
        .iter()
        .filter_map(|a| input_type(a))
        .collect::<Vec<_>>()
        .join(", ")
}

fn input_type(arg: &str) -> Option<String> {
    let lower = arg.trim().to_lowercase();
    let decl = match lower.find(" default ").or_else(|| lower.find('=')) {
        Some(i) => lower[..i].trim_end_matches(':').trim(),
        None => lower.trim(),
    };
    let mut rest = decl;
    if let Some((mode, after)) = decl.split_once(char::is_whitespace) {
        match mode {
            "out" => return None,
            "in" | "inout" | "variadic" => rest = after.trim_start(),
            _ => {}
        }
    }
    let rest = without_name(rest);
    (!rest.is_empty()).then(|| fold_type(rest))
}

/// The declaration without its argument name, if it has one: a name is a
/// first word followed by more, unless that word starts a type spelled in
/// several words (`double precision`, `character varying`).
fn without_name(decl: &str) -> &str {
    if let Some(after) = decl.strip_prefix('"') {
        return match after.find('"') {
            Some(i) => after[i + 1..].trim_start(),
            None => decl,
        };
    }
    match decl.split_once(char::is_whitespace) {
        Some((first, after))
            if !matches!(
                first,
                "double" | "character" | "char" | "timestamp" | "time" | "bit" | "interval"
            ) && !first.contains('(') =>
        {
            after.trim_start()
        }
        _ => decl,
    }
}

/// Splits at commas outside parentheses and quotes.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None::<char>, 0);
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    if !s[start..].trim().is_empty() {
        out.push(&s[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Function;

    fn function(name: &str, args: &str) -> Function {
        Function {
            name: Name::new(name),
            args: args.into(),
            returns: Some("integer".into()),
            language: "sql".into(),
            body: "select 1".into(),
            object_file: None,
            standard_body: false,
            aggregate: false,
            comment: None,
            attributes: Default::default(),
            options: Default::default(),
        }
    }

    fn problems(fs: &[(&str, &str)]) -> Vec<Problem> {
        let mut s = Schema::default();
        for (n, a) in fs {
            let f = function(n, a);
            s.functions.insert(f.key(), f);
        }
        let mut out = Vec::new();
        check(&s, &mut out);
        out
    }

    #[test]
    fn input_types_leave_out_names_modes_defaults_and_modifiers() {
        assert_eq!(
            input_types("a int, OUT b text, c varchar(3) default 'x', variadic d text[]"),
            "integer, varchar, text[]"
        );
        assert_eq!(
            input_types("double precision, \"my arg\" numeric(10,2) = 1"),
            "double precision, numeric"
        );
        assert_eq!(input_types("character varying"), "varchar");
        assert_eq!(input_types(""), "");
    }

    #[test]
    fn argument_names_alone_do_not_tell_functions_apart() {
        let p = problems(&[("f", "a int"), ("f", "b integer")]);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "E0236");
        assert!(p[0].related.is_some());
    }

    #[test]
    fn overloads_by_type_and_other_names_are_fine() {
        assert!(problems(&[("f", "a int"), ("f", "a text"), ("g", "a int")]).is_empty());
        assert!(problems(&[("f", "a int"), ("f", "a int, b int")]).is_empty());
        assert!(problems(&[("f", ""), ("f", "OUT x int")]).len() == 1);
    }
}
