//! SQL for domains, exclusion constraints and function attributes, and
//! their hazards. The emitter calls these and places the statements in
//! its phases.

use crate::dialect::postgres::quote::{ident, literal, name as qname};
use crate::dialect::{EmitError, EmitOptions};
use crate::ir::{
    Check, Deferral, DialectKind, Domain, Exclusion, FunctionAttributes, IndexKey, Name,
};
use crate::plan::{Hazard, HazardKind};

/// Statements of one change: those of the main transaction, and the
/// `VALIDATE CONSTRAINT`s that online mode runs after it.
#[derive(Default)]
pub(super) struct Stmts {
    pub main: Vec<(String, Vec<Hazard>)>,
    pub validate: Vec<(String, Vec<Hazard>)>,
}

fn hazard(kind: HazardKind, message: String) -> Hazard {
    Hazard { kind, message }
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
        sql.push_str(&format!(" COLLATE {}", ident(c)));
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
    out
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
    for c in from.checks.iter().filter(|c| !to.checks.contains(c)) {
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
    for c in to.checks.iter().filter(|c| !from.checks.contains(c)) {
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
    Ok(out)
}

fn not_null_hazard(domain: &Name) -> Hazard {
    hazard(
        HazardKind::MayFail,
        format!("every column of domain {domain} is scanned: a NULL in any of them makes SET NOT NULL fail"),
    )
}

fn check_hazard(domain: &Name, c: &Check) -> Hazard {
    hazard(
        HazardKind::MayFail,
        format!(
            "every column of domain {domain} is scanned: a value that breaks {} makes it fail",
            c.name.as_deref().unwrap_or("the check")
        ),
    )
}

/// The hazards of a domain change, for the planner (the same the
/// statements carry).
pub(super) fn domain_hazards(from: &Domain, to: &Domain, options: &EmitOptions) -> Vec<Hazard> {
    let mut h = Vec::new();
    if to.not_null && !from.not_null {
        h.push(not_null_hazard(&to.name));
    }
    for c in to.checks.iter().filter(|c| !from.checks.contains(c)) {
        if !c.not_valid || options.online {
            h.push(check_hazard(&to.name, c));
        }
    }
    h
}

/// `CONSTRAINT n EXCLUDE USING gist ("room" WITH =, …) WHERE (…) …`, as
/// a table element or after `ALTER TABLE … ADD`.
pub(super) fn exclusion_def(x: &Exclusion) -> String {
    let elements: Vec<String> = x
        .elements
        .iter()
        .map(|e| {
            let mut k = match &e.key {
                IndexKey::Column(c) => ident(c),
                IndexKey::Expr(ex) => format!("({ex})"),
            };
            if let Some(o) = &e.opclass {
                let o = match o.split_once('.') {
                    Some((s, n)) => format!("{}.{}", ident(s), ident(n)),
                    None => ident(o),
                };
                k.push_str(&format!(" {o}"));
            }
            if e.desc {
                k.push_str(" DESC");
            }
            match e.nulls_first {
                Some(true) => k.push_str(" NULLS FIRST"),
                Some(false) => k.push_str(" NULLS LAST"),
                None => {}
            }
            format!("{k} WITH {}", e.operator)
        })
        .collect();
    let mut s = format!(
        "CONSTRAINT {} EXCLUDE USING {} ({})",
        ident(x.name.as_deref().unwrap_or_default()),
        ident(&x.method),
        elements.join(", ")
    );
    if let Some(p) = &x.predicate {
        s.push_str(&format!(" WHERE ({p})"));
    }
    s.push_str(match x.deferral {
        Deferral::NotDeferrable => "",
        Deferral::InitiallyImmediate => " DEFERRABLE INITIALLY IMMEDIATE",
        Deferral::InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
    });
    s
}

pub(super) fn add_exclusion(table: &Name, x: &Exclusion) -> (String, Vec<Hazard>) {
    (
        format!("ALTER TABLE {} ADD {}", qname(table), exclusion_def(x)),
        exclusion_hazards(table, x),
    )
}

pub(super) fn drop_exclusion(table: &Name, x: &Exclusion) -> (String, Vec<Hazard>) {
    (
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}",
            qname(table),
            ident(x.name.as_deref().unwrap_or_default())
        ),
        vec![lock(table)],
    )
}

fn lock(table: &Name) -> Hazard {
    hazard(
        HazardKind::AccessExclusiveLock,
        format!("{table} is locked against reads and writes while this runs"),
    )
}

/// An exclusion constraint builds its index under an ACCESS EXCLUSIVE
/// lock, and PostgreSQL has no `NOT VALID` for it, not even online.
pub(super) fn exclusion_hazards(table: &Name, x: &Exclusion) -> Vec<Hazard> {
    vec![
        lock(table),
        hazard(
            HazardKind::IndexBuild,
            format!(
                "exclusion constraint {} on {table} builds a {} index, and cannot be added NOT VALID",
                x.name.as_deref().unwrap_or_default(),
                x.method
            ),
        ),
        hazard(
            HazardKind::MayFail,
            format!(
                "rows of {table} that conflict under {} make it fail",
                x.name.as_deref().unwrap_or("the exclusion constraint")
            ),
        ),
    ]
}

/// ` IMMUTABLE STRICT … SET "search_path" = 'public', 'pg_temp'`: every
/// attribute that is not the default (`CREATE OR REPLACE` resets the
/// others), with a leading space.
pub(super) fn function_attributes(a: &FunctionAttributes) -> String {
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
