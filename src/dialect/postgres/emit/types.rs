//! User-defined types: enums (labels added in place, or the type swapped
//! when labels go or move) and domains.

use super::{Ctx, Stmts};
use crate::dialect::postgres::hazards::{check_hazard, hazard, not_null_hazard};
use crate::dialect::postgres::quote::{ident, literal, name as qname, printed_name};
use crate::dialect::postgres::types::only_additions;
use crate::dialect::EmitError;
use crate::ir::{Check, DialectKind, Domain, Enum, Name};
use crate::plan::HazardKind;

pub(super) fn create_enum(cx: &mut Ctx<'_>, e: &Enum) {
    let labels: Vec<String> = e.values.iter().map(|v| literal(v)).collect();
    cx.push(
        format!(
            "CREATE TYPE {} AS ENUM ({})",
            qname(&e.name),
            labels.join(", ")
        ),
        vec![],
    );
    if let Some(c) = &e.comment {
        cx.push(
            format!("COMMENT ON TYPE {} IS {}", qname(&e.name), literal(c)),
            vec![],
        );
    }
}

pub(super) fn alter_enum(cx: &mut Ctx<'_>, from: &Enum, to: &Enum) {
    if from.values != to.values {
        if only_additions(&from.values, &to.values) {
            for (i, v) in to.values.iter().enumerate() {
                if from.values.contains(v) {
                    continue;
                }
                let place = if i > 0 {
                    format!(" AFTER {}", literal(&to.values[i - 1]))
                } else if let Some(next) = to.values.get(1) {
                    format!(" BEFORE {}", literal(next))
                } else {
                    String::new()
                };
                let s = cx.stmt(
                    format!(
                        "ALTER TYPE {} ADD VALUE {}{place}",
                        qname(&to.name),
                        literal(v)
                    ),
                    vec![hazard(
                        HazardKind::NotTransactional,
                        format!(
                            "the new label {v} of {} is committed on its own, before the main transaction",
                            to.name
                        ),
                    )],
                );
                cx.out.enums.push(s);
            }
        } else {
            swap_enum(cx, from, to);
        }
    }
    if from.comment != to.comment {
        cx.push(
            format!(
                "COMMENT ON TYPE {} IS {}",
                qname(&to.name),
                to.comment.as_deref().map(literal).unwrap_or("NULL".into())
            ),
            vec![],
        );
    }
}

/// Labels removed or reordered: a new type replaces the old one, and
/// every column of the old type, or of an array of it, is converted
/// through text (an array column left on the old type kept it from
/// being dropped: Atlas `column-enum-array`).
fn swap_enum(cx: &mut Ctx<'_>, from: &Enum, to: &Enum) {
    let old_name = Name {
        schema: from.name.schema.clone(),
        name: format!("{}__strata_old", to.name.name),
    };
    let removed: Vec<&String> = from
        .values
        .iter()
        .filter(|v| !to.values.contains(v))
        .collect();
    let mut hazards = vec![
        hazard(
            HazardKind::AccessExclusiveLock,
            format!(
                "every table with a column of type {} is locked and rewritten",
                to.name
            ),
        ),
        hazard(
            HazardKind::TableRewrite,
            format!("columns of type {} are converted to the new type", to.name),
        ),
    ];
    if !removed.is_empty() {
        hazards.push(hazard(
            HazardKind::MayFail,
            format!(
                "rows holding a removed label of {} ({}) make the conversion fail",
                to.name,
                removed
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    cx.push(
        format!(
            "ALTER TYPE {} RENAME TO {}",
            qname(&from.name),
            ident(&old_name.name)
        ),
        hazards.clone(),
    );
    let labels: Vec<String> = to.values.iter().map(|v| literal(v)).collect();
    cx.push(
        format!(
            "CREATE TYPE {} AS ENUM ({})",
            qname(&to.name),
            labels.join(", ")
        ),
        vec![],
    );
    // The columns are found by the server: the plan does not know every
    // table that uses the type, and this must hold for all of them, arrays
    // of the type too (Documenso's `"WebhookTriggerEvents"[]`: missed, the
    // old type could not be dropped). A default naming a label the new
    // type lacks cannot come back (22P02): the column is left without one,
    // and the plan's own change of that default (the schema cannot keep a
    // removed label) sets the new one.
    let new_q = qname(&to.name);
    let old_q = qname(&old_name);
    cx.push(
        swap_columns_block(
            &literal(&old_q),
            &new_q.replace('\'', "''"),
            &literal(&format!("::{}", printed_name(&old_name))),
            &literal(&format!("::{}", printed_name(&to.name))),
        ),
        vec![],
    );
    cx.push(format!("DROP TYPE {old_q}"), vec![]);
}

/// The `DO` block converting every column of the old enum, or of an
/// array of it, to the new type through text. `old` is a literal naming
/// the old type, `new_e` the new type's name escaped for a literal, and
/// `old_text`/`new_text` the casts a kept default is rewritten between.
fn swap_columns_block(old: &str, new_e: &str, old_text: &str, new_text: &str) -> String {
    format!(
        "DO $strata$\nDECLARE r record; ty text;\nBEGIN\n  FOR r IN\n    \
         SELECT n.nspname, c.relname, a.attname, a.atttypid <> {old}::regtype AS is_array, \
         pg_get_expr(d.adbin, d.adrelid) AS def\n    FROM pg_attribute a\n    \
         JOIN pg_class c ON c.oid = a.attrelid\n    \
         JOIN pg_namespace n ON n.oid = c.relnamespace\n    \
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum\n    \
         WHERE a.atttypid IN ({old}::regtype, (SELECT typarray FROM pg_type WHERE oid = {old}::regtype)) \
         AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')\n  LOOP\n    \
         ty := CASE WHEN r.is_array THEN '{new_e}[]' ELSE '{new_e}' END;\n    \
         IF r.def IS NOT NULL THEN\n      \
         EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I DROP DEFAULT', r.nspname, r.relname, r.attname);\n    \
         END IF;\n    \
         EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE %s USING %I::%s::%s', r.nspname, r.relname, \
         r.attname, ty, r.attname, CASE WHEN r.is_array THEN 'text[]' ELSE 'text' END, ty);\n    \
         IF r.def IS NOT NULL THEN\n      BEGIN\n        \
         EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I SET DEFAULT %s', r.nspname, r.relname, r.attname, \
         replace(r.def, {old_text}, {new_text}));\n      \
         EXCEPTION WHEN invalid_text_representation THEN NULL;\n      END;\n    END IF;\n  \
         END LOOP;\nEND\n$strata$"
    )
}

fn check_sql(c: &Check) -> String {
    format!(
        "CONSTRAINT {} CHECK ({})",
        ident(c.name.as_deref().unwrap_or_default()),
        c.expr
    )
}

pub(super) fn create_domain(x: &Domain) -> Stmts {
    let mut sql = format!("CREATE DOMAIN {} AS {}", qname(&x.name), x.ty);
    if let Some(c) = &x.collation {
        sql.push_str(&format!(" COLLATE {}", super::collation(c)));
    }
    if let Some(d) = &x.default {
        sql.push_str(&format!(" DEFAULT {d}"));
    }
    if x.not_null {
        sql.push_str(" NOT NULL");
    }
    // CREATE DOMAIN cannot say NOT VALID: such checks are added after.
    for c in x.checks.iter().filter(|c| !c.not_valid) {
        sql.push(' ');
        sql.push_str(&check_sql(c));
    }
    let mut out = Stmts::default();
    out.main.push((sql, vec![]));
    for c in x.checks.iter().filter(|c| c.not_valid) {
        out.main.push((
            format!(
                "ALTER DOMAIN {} ADD {} NOT VALID",
                qname(&x.name),
                check_sql(c)
            ),
            vec![],
        ));
    }
    if let Some(c) = &x.comment {
        out.main.push((
            format!("COMMENT ON DOMAIN {} IS {}", qname(&x.name), literal(c)),
            vec![],
        ));
    }
    for c in x.checks.iter().filter(|c| c.comment.is_some()) {
        out.main.push((check_comment(&x.name, c), vec![]));
    }
    out
}

/// `COMMENT ON CONSTRAINT c ON DOMAIN d IS …`, `IS NULL` when it goes.
fn check_comment(domain: &Name, c: &Check) -> String {
    format!(
        "COMMENT ON CONSTRAINT {} ON DOMAIN {} IS {}",
        ident(c.name.as_deref().unwrap_or_default()),
        qname(domain),
        c.comment.as_deref().map_or("NULL".to_string(), literal)
    )
}

/// The same check but for its comment: a comment alone changes in
/// place, the check stays (and is not validated again).
fn same_check(a: &Check, b: &Check) -> bool {
    let bare = |c: &Check| Check {
        comment: None,
        ..c.clone()
    };
    bare(a) == bare(b)
}

pub(super) fn drop_domain(x: &Domain) -> Stmts {
    let mut out = Stmts::default();
    out.main
        .push((format!("DROP DOMAIN {}", qname(&x.name)), vec![]));
    out
}

/// `ALTER DOMAIN` for each attribute that changed. The base type and the
/// collation cannot be altered: every column of the domain would have to
/// be converted, which strata does not do behind the user's back.
pub(super) fn alter_domain(from: &Domain, to: &Domain, online: bool) -> Result<Stmts, EmitError> {
    if from.ty != to.ty || from.collation != to.collation {
        return Err(EmitError::Unsupported {
            dialect: DialectKind::Postgres,
            what: format!(
                "change the base type or collation of domain {} ({} → {})",
                to.name, from.ty, to.ty
            ),
            help: Some(
                "declare a new domain beside it, move the columns to it (with `using` where a cast is needed), then drop the old one".into(),
            ),
        });
    }
    let n = qname(&to.name);
    let mut out = Stmts::default();
    let kept = |c: &Check, other: &[Check]| other.iter().any(|o| same_check(c, o));
    for c in from.checks.iter().filter(|c| !kept(c, &to.checks)) {
        out.main.push((
            format!(
                "ALTER DOMAIN {n} DROP CONSTRAINT {}",
                ident(c.name.as_deref().unwrap_or_default())
            ),
            vec![],
        ));
    }
    if from.default != to.default {
        let sql = match &to.default {
            Some(d) => format!("ALTER DOMAIN {n} SET DEFAULT {d}"),
            None => format!("ALTER DOMAIN {n} DROP DEFAULT"),
        };
        out.main.push((sql, vec![]));
    }
    if from.not_null != to.not_null {
        if to.not_null {
            out.main.push((
                format!("ALTER DOMAIN {n} SET NOT NULL"),
                vec![not_null_hazard(&to.name)],
            ));
        } else {
            out.main
                .push((format!("ALTER DOMAIN {n} DROP NOT NULL"), vec![]));
        }
    }
    for c in to.checks.iter().filter(|c| !kept(c, &from.checks)) {
        let split = online && !c.not_valid;
        let hz = if c.not_valid || split {
            vec![]
        } else {
            vec![check_hazard(&to.name, c)]
        };
        let tail = if c.not_valid || split {
            " NOT VALID"
        } else {
            ""
        };
        out.main
            .push((format!("ALTER DOMAIN {n} ADD {}{tail}", check_sql(c)), hz));
        if split {
            out.validate.push((
                format!(
                    "ALTER DOMAIN {n} VALIDATE CONSTRAINT {}",
                    ident(c.name.as_deref().unwrap_or_default())
                ),
                vec![check_hazard(&to.name, c)],
            ));
        }
    }
    if from.comment != to.comment {
        let c = to.comment.as_deref().map(literal).unwrap_or("NULL".into());
        out.main
            .push((format!("COMMENT ON DOMAIN {n} IS {c}"), vec![]));
    }
    // A check's comment: a new check's, or a kept check's that changed.
    for c in &to.checks {
        let before = from.checks.iter().find(|f| same_check(f, c));
        let was = before.map_or(&None, |f| &f.comment);
        if *was != c.comment {
            out.main.push((check_comment(&to.name, c), vec![]));
        }
    }
    Ok(out)
}
