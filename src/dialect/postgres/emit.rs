//! Plan → SQL for PostgreSQL. Steps are lowered in plan order; the only
//! moves are into phases the server forces on us:
//!
//! 1. `enums`: `ALTER TYPE … ADD VALUE`, committed before anything uses
//!    the new label;
//! 2. `main`: everything else, in one transaction (with `OWNED BY` of new
//!    sequences at its end, once their tables exist);
//! 3. `concurrent` (online mode): `CREATE/DROP INDEX CONCURRENTLY`, one by
//!    one outside any transaction;
//! 4. `validate` (online mode): `VALIDATE CONSTRAINT` of what the main
//!    phase added `NOT VALID`, and `SET NOT NULL` through such a check.

mod objects;
mod security;

use super::quote::{ident, idents, literal, name as qname};
use super::types;
use crate::dialect::{EmitError, EmitOptions, Phase, Script, Statement};
use crate::diff::{Change, ColumnChanges, TableChange};
use crate::ir::{
    Check, Column, Deferral, Enum, ForeignKey, Function, Identity, Index, IndexKey, MatchType,
    Name, Partitioning, Sequence, SequenceOptions, Table, Trigger, Unique, View,
};
use crate::plan::{Hazard, HazardKind, Plan};
use objects::Stmts;

#[derive(Default)]
struct Out {
    setup: Vec<Statement>,
    enums: Vec<Statement>,
    main: Vec<Statement>,
    main_tail: Vec<Statement>,
    concurrent: Vec<Statement>,
    validate: Vec<Statement>,
}

struct Ctx<'a> {
    out: Out,
    step: usize,
    online: bool,
    _options: &'a EmitOptions,
}

impl Ctx<'_> {
    fn push(&mut self, sql: String, hazards: Vec<Hazard>) {
        self.out.main.push(self.stmt(sql, hazards));
    }
    fn push_all(&mut self, s: Stmts) {
        for (sql, hz) in s.main {
            self.push(sql, hz);
        }
        for (sql, hz) in s.validate {
            let st = self.stmt(sql, hz);
            self.out.validate.push(st);
        }
    }
    fn stmt(&self, sql: String, hazards: Vec<Hazard>) -> Statement {
        Statement {
            sql,
            step: Some(self.step),
            hazards,
        }
    }
}

pub fn emit(plan: &Plan, options: &EmitOptions) -> Result<Script, EmitError> {
    let mut cx = Ctx {
        out: Out::default(),
        step: 0,
        online: options.online,
        _options: options,
    };
    if let Some(t) = &options.lock_timeout {
        cx.out
            .setup
            .push(setup(format!("SET lock_timeout = {}", literal(t))));
    }
    if let Some(t) = &options.statement_timeout {
        cx.out
            .setup
            .push(setup(format!("SET statement_timeout = {}", literal(t))));
    }
    for (i, step) in plan.steps.iter().enumerate() {
        cx.step = i;
        change(&mut cx, &step.change)?;
    }
    let Out {
        setup,
        enums,
        mut main,
        main_tail,
        concurrent,
        validate,
    } = cx.out;
    main.extend(main_tail);
    let mut phases = Vec::new();
    let mut first = true;
    for (transactional, statements) in [
        (true, enums),
        (true, main),
        (false, concurrent),
        (true, validate),
    ] {
        if statements.is_empty() {
            continue;
        }
        let mut statements = statements;
        if first && !setup.is_empty() {
            // Session settings: they hold for every later phase too.
            let mut s = setup.clone();
            s.extend(statements);
            statements = s;
        }
        first = false;
        phases.push(Phase {
            transactional,
            statements,
        });
    }
    Ok(Script { phases })
}

fn setup(sql: String) -> Statement {
    Statement {
        sql,
        step: None,
        hazards: Vec::new(),
    }
}

fn hazard(kind: HazardKind, message: impl Into<String>) -> Hazard {
    Hazard {
        kind,
        message: message.into(),
    }
}

fn change(cx: &mut Ctx<'_>, c: &Change) -> Result<(), EmitError> {
    match c {
        Change::CreateExtension(e) => {
            let schema = e
                .schema
                .as_ref()
                .map(|s| format!(" SCHEMA {}", ident(s)))
                .unwrap_or_default();
            let version = e
                .version
                .as_ref()
                .map(|v| format!(" VERSION {}", literal(v)))
                .unwrap_or_default();
            cx.push(
                format!(
                    "CREATE EXTENSION IF NOT EXISTS {}{schema}{version}",
                    ident(&e.name)
                ),
                vec![],
            );
        }
        Change::DropExtension(e) => cx.push(format!("DROP EXTENSION {}", ident(&e.name)), vec![]),
        Change::CreateNamespace(n) => {
            cx.push(format!("CREATE SCHEMA {}", ident(&n.name)), vec![]);
            if let Some(c) = &n.comment {
                cx.push(
                    format!("COMMENT ON SCHEMA {} IS {}", ident(&n.name), literal(c)),
                    vec![],
                );
            }
        }
        Change::DropNamespace(n) => cx.push(format!("DROP SCHEMA {}", ident(&n.name)), vec![]),
        Change::CreateEnum(e) => create_enum(cx, e),
        Change::DropEnum(e) => cx.push(format!("DROP TYPE {}", qname(&e.name)), vec![]),
        Change::AlterEnum { from, to } => alter_enum(cx, from, to),
        Change::CreateSequence(s) => create_sequence(cx, s),
        Change::DropSequence(s) => cx.push(
            // A sequence owned by a dropped column is already gone.
            format!("DROP SEQUENCE IF EXISTS {}", qname(&s.name)),
            vec![],
        ),
        Change::AlterSequence { from, to } => alter_sequence(cx, from, to),
        Change::CreateTable(t) => create_table(cx, t),
        Change::DropTable(t) => cx.push(
            format!("DROP TABLE {}", qname(&t.name)),
            vec![hazard(
                HazardKind::DataLoss,
                format!("dropping table {} deletes all its rows", t.name),
            )],
        ),
        Change::AlterTable { from, to, changes } => {
            let mut current = from.name.clone();
            for tc in changes {
                table_change(cx, &mut current, from, to, tc)?;
            }
        }
        Change::CreateView(v) => create_view(cx, v),
        Change::DropView(v) => cx.push(drop_view(v), vec![]),
        Change::ReplaceView { from, to } => {
            cx.push(drop_view(from), vec![]);
            create_view(cx, to);
        }
        Change::RenameView { from, to } => rename_relation(cx, "VIEW", from, to),
        Change::CreateFunction(f) => create_function(cx, f, false),
        Change::DropFunction(f) => cx.push(
            format!(
                "DROP {} {}({})",
                routine_kind(f),
                qname(&f.name),
                args_without_defaults(&f.args)
            ),
            vec![],
        ),
        Change::ReplaceFunction { from, to } => {
            let same_signature = from.args == to.args
                && from.returns == to.returns
                && from.returns.is_some() == to.returns.is_some();
            if !same_signature {
                change(cx, &Change::DropFunction(from.clone()))?;
            }
            create_function(cx, to, same_signature);
            if same_signature && from.comment != to.comment && to.comment.is_none() {
                cx.push(
                    format!(
                        "COMMENT ON {} {}({}) IS NULL",
                        routine_kind(to),
                        qname(&to.name),
                        args_without_defaults(&to.args)
                    ),
                    vec![],
                );
            }
        }
        Change::CreateTrigger(t) => create_trigger(cx, t),
        Change::DropTrigger(t) => cx.push(
            format!("DROP TRIGGER {} ON {}", ident(&t.name), qname(&t.table)),
            vec![],
        ),
        Change::SetRowSecurity { table, from, to } => {
            security::set_row_security(cx, table, from, to)
        }
        Change::CreatePolicy(p) => security::create_policy(cx, p),
        Change::DropPolicy(p) => security::drop_policy(cx, p),
        Change::AlterPolicy { from, to } => security::alter_policy(cx, from, to),
        Change::Grant(g) => security::grant(cx, g),
        Change::Revoke(g) => security::revoke(cx, g),
        Change::AlterGrant { to, .. } => security::alter_grant(cx, to),
        Change::CreateDomain(x) => cx.push_all(objects::create_domain(x)),
        Change::DropDomain(x) => cx.push_all(objects::drop_domain(x)),
        Change::AlterDomain { from, to } => {
            let s = objects::alter_domain(from, to, cx.online)?;
            cx.push_all(s);
        }
    }
    Ok(())
}

fn create_enum(cx: &mut Ctx<'_>, e: &Enum) {
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

/// Whether `from` keeps its order inside `to` (only additions).
fn only_additions(from: &[String], to: &[String]) -> bool {
    let mut it = to.iter();
    from.iter().all(|f| it.any(|t| t == f))
}

fn alter_enum(cx: &mut Ctx<'_>, from: &Enum, to: &Enum) {
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
/// every column of the old type is converted through text.
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
        hazard_push(
            &mut hazards,
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
        );
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
    // table that uses the type, and this must hold for all of them.
    let new_q = qname(&to.name);
    let old_q = qname(&old_name);
    cx.push(
        format!(
            "DO $strata$\nDECLARE r record;\nBEGIN\n  FOR r IN\n    SELECT n.nspname, c.relname, a.attname, pg_get_expr(d.adbin, d.adrelid) AS def\n    FROM pg_attribute a\n    JOIN pg_class c ON c.oid = a.attrelid\n    JOIN pg_namespace n ON n.oid = c.relnamespace\n    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum\n    WHERE a.atttypid = {old}::regtype AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p')\n  LOOP\n    IF r.def IS NOT NULL THEN\n      EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I DROP DEFAULT', r.nspname, r.relname, r.attname);\n    END IF;\n    EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I TYPE {new_e} USING %I::text::{new_e}', r.nspname, r.relname, r.attname, r.attname);\n    IF r.def IS NOT NULL THEN\n      EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN %I SET DEFAULT %s', r.nspname, r.relname, r.attname, replace(r.def, {old_text}, {new_text}));\n    END IF;\n  END LOOP;\nEND\n$strata$",
            old = literal(&old_q),
            new_e = new_q.replace('\'', "''"),
            old_text = literal(&format!("::{}", regtype_text(&old_name))),
            new_text = literal(&format!("::{}", regtype_text(&to.name))),
        ),
        vec![],
    );
    cx.push(format!("DROP TYPE {old_q}"), vec![]);
}

fn hazard_push(h: &mut Vec<Hazard>, kind: HazardKind, msg: String) {
    h.push(hazard(kind, msg));
}

/// How a type name appears in a `::type` cast that the server prints.
fn regtype_text(n: &Name) -> String {
    let part = |s: &str| {
        if types::is_plain_ident(s) && !super::normalize::is_reserved(s) {
            s.to_string()
        } else {
            ident(s)
        }
    };
    match &n.schema {
        Some(s) => format!("{}.{}", part(s), part(&n.name)),
        None => part(&n.name),
    }
}

fn sequence_clauses(ty: Option<&str>, o: &SequenceOptions) -> String {
    let mut parts = Vec::new();
    if let Some(t) = ty {
        parts.push(format!("AS {t}"));
    }
    if let Some(v) = o.increment {
        parts.push(format!("INCREMENT BY {v}"));
    }
    if let Some(v) = o.min_value {
        parts.push(format!("MINVALUE {v}"));
    }
    if let Some(v) = o.max_value {
        parts.push(format!("MAXVALUE {v}"));
    }
    if let Some(v) = o.start {
        parts.push(format!("START WITH {v}"));
    }
    if let Some(v) = o.cache {
        parts.push(format!("CACHE {v}"));
    }
    if o.cycle {
        parts.push("CYCLE".into());
    }
    parts.join(" ")
}

fn seq_options(s: &Sequence) -> SequenceOptions {
    SequenceOptions {
        start: s.start,
        increment: s.increment,
        min_value: s.min_value,
        max_value: s.max_value,
        cache: s.cache,
        cycle: s.cycle,
    }
}

fn create_sequence(cx: &mut Ctx<'_>, s: &Sequence) {
    let clauses = sequence_clauses(s.data_type.as_ref().map(|t| t.as_str()), &seq_options(s));
    let sep = if clauses.is_empty() { "" } else { " " };
    cx.push(
        format!("CREATE SEQUENCE {}{sep}{clauses}", qname(&s.name)),
        vec![],
    );
    if let Some((t, c)) = &s.owned_by {
        let st = cx.stmt(
            format!(
                "ALTER SEQUENCE {} OWNED BY {}.{}",
                qname(&s.name),
                qname(t),
                ident(c)
            ),
            vec![],
        );
        cx.out.main_tail.push(st);
    }
    if let Some(c) = &s.comment {
        cx.push(
            format!("COMMENT ON SEQUENCE {} IS {}", qname(&s.name), literal(c)),
            vec![],
        );
    }
}

fn alter_sequence(cx: &mut Ctx<'_>, from: &Sequence, to: &Sequence) {
    let ty = to
        .data_type
        .as_ref()
        .map(|t| t.as_str().to_string())
        .unwrap_or_else(|| "bigint".into());
    let mut parts = Vec::new();
    if from.data_type != to.data_type {
        parts.push(format!("AS {ty}"));
    }
    if from.increment != to.increment || from.data_type != to.data_type {
        parts.push(format!("INCREMENT BY {}", to.increment.unwrap_or(1)));
    }
    if from.min_value != to.min_value || from.data_type != to.data_type {
        parts.push(match to.min_value {
            Some(v) => format!("MINVALUE {v}"),
            None => "NO MINVALUE".into(),
        });
    }
    if from.max_value != to.max_value || from.data_type != to.data_type {
        parts.push(match to.max_value {
            Some(v) => format!("MAXVALUE {v}"),
            None => "NO MAXVALUE".into(),
        });
    }
    if from.start != to.start {
        let start = to.start.unwrap_or_else(|| {
            if to.increment.unwrap_or(1) > 0 {
                to.min_value.unwrap_or(1)
            } else {
                to.max_value.unwrap_or(-1)
            }
        });
        parts.push(format!("START WITH {start}"));
    }
    if from.cache != to.cache {
        parts.push(format!("CACHE {}", to.cache.unwrap_or(1)));
    }
    if from.cycle != to.cycle {
        parts.push(if to.cycle { "CYCLE" } else { "NO CYCLE" }.into());
    }
    if from.owned_by != to.owned_by {
        parts.push(match &to.owned_by {
            Some((t, c)) => format!("OWNED BY {}.{}", qname(t), ident(c)),
            None => "OWNED BY NONE".into(),
        });
    }
    if !parts.is_empty() {
        cx.push(
            format!("ALTER SEQUENCE {} {}", qname(&to.name), parts.join(" ")),
            vec![],
        );
    }
    if from.comment != to.comment {
        cx.push(
            format!(
                "COMMENT ON SEQUENCE {} IS {}",
                qname(&to.name),
                opt_literal(&to.comment)
            ),
            vec![],
        );
    }
}

fn opt_literal(s: &Option<String>) -> String {
    s.as_deref().map(literal).unwrap_or_else(|| "NULL".into())
}

fn identity_clause(id: &Identity) -> String {
    let (kind, o) = match id {
        Identity::Always { options } => ("ALWAYS", options),
        Identity::ByDefault { options } => ("BY DEFAULT", options),
        Identity::AutoIncrement => ("BY DEFAULT", &SequenceOptions::default()),
    };
    let opts = sequence_clauses(None, o);
    if opts.is_empty() {
        format!("GENERATED {kind} AS IDENTITY")
    } else {
        format!("GENERATED {kind} AS IDENTITY ({opts})")
    }
}

fn column_def(c: &Column) -> String {
    let mut s = format!("{} {}", ident(&c.name), c.ty);
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {}", collation(coll)));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED ALWAYS AS ({}) STORED", g.expr));
    }
    if let Some(id) = &c.identity {
        s.push(' ');
        s.push_str(&identity_clause(id));
    }
    if let Some(d) = &c.default {
        // In parentheses: DEFAULT takes a restricted expression grammar
        // (`now() AT TIME ZONE 'utc'` is an error without them).
        s.push_str(&format!(" DEFAULT ({d})"));
    }
    if !c.nullable {
        s.push_str(" NOT NULL");
    }
    s
}

fn collation(c: &str) -> String {
    match c.split_once('.') {
        Some((s, n)) => format!("{}.{}", ident(s), ident(n)),
        None => ident(c),
    }
}

fn deferral(d: Deferral) -> &'static str {
    match d {
        Deferral::NotDeferrable => "",
        Deferral::InitiallyImmediate => " DEFERRABLE INITIALLY IMMEDIATE",
        Deferral::InitiallyDeferred => " DEFERRABLE INITIALLY DEFERRED",
    }
}

fn constraint_name(n: &Option<String>) -> String {
    n.as_ref()
        .map(|n| format!("CONSTRAINT {} ", ident(n)))
        .unwrap_or_default()
}

fn unique_def(u: &Unique) -> String {
    format!(
        "{}UNIQUE{} ({}){}",
        constraint_name(&u.name),
        if u.nulls_not_distinct {
            " NULLS NOT DISTINCT"
        } else {
            ""
        },
        idents(&u.columns),
        deferral(u.deferral)
    )
}

fn check_def(c: &Check, not_valid: bool) -> String {
    format!(
        "{}CHECK ({}){}",
        constraint_name(&c.name),
        c.expr,
        if not_valid { " NOT VALID" } else { "" }
    )
}

fn fk_def(f: &ForeignKey, not_valid: bool) -> String {
    let mut s = format!(
        "{}FOREIGN KEY ({}) REFERENCES {}",
        constraint_name(&f.name),
        idents(&f.columns),
        qname(&f.ref_table)
    );
    if !f.ref_columns.is_empty() {
        s.push_str(&format!(" ({})", idents(&f.ref_columns)));
    }
    match f.match_type {
        MatchType::Simple => {}
        MatchType::Full => s.push_str(" MATCH FULL"),
        MatchType::Partial => s.push_str(" MATCH PARTIAL"),
    }
    if !f.on_delete.is_default() {
        s.push_str(&format!(" ON DELETE {}", f.on_delete.sql()));
    }
    if !f.on_update.is_default() {
        s.push_str(&format!(" ON UPDATE {}", f.on_update.sql()));
    }
    s.push_str(deferral(f.deferral));
    if not_valid {
        s.push_str(" NOT VALID");
    }
    s
}

fn create_table(cx: &mut Ctx<'_>, t: &Table) {
    let unlogged = t.options.get("unlogged").is_some_and(|v| v == "true");
    let kind = if unlogged { "UNLOGGED TABLE" } else { "TABLE" };
    let mut sql = format!("CREATE {kind} {}", qname(&t.name));
    let mut items: Vec<String> = Vec::new();
    let partition_of = match &t.partition {
        Some(Partitioning::Of { parent, bound }) => Some((parent, bound)),
        _ => None,
    };
    if partition_of.is_none() {
        items.extend(t.columns.iter().map(column_def));
    }
    if let Some(pk) = &t.primary_key {
        items.push(format!(
            "{}PRIMARY KEY ({})",
            constraint_name(&pk.name),
            idents(&pk.columns)
        ));
    }
    items.extend(t.uniques.iter().map(unique_def));
    // NOT VALID is ignored inside CREATE TABLE: such checks come after.
    items.extend(
        t.checks
            .iter()
            .filter(|c| !c.not_valid)
            .map(|c| check_def(c, false)),
    );
    // NOT VALID cannot be said in CREATE TABLE; a new table has no rows.
    items.extend(t.foreign_keys.iter().map(|f| fk_def(f, false)));
    items.extend(t.exclusions.iter().map(objects::exclusion_def));
    if let Some((parent, bound)) = partition_of {
        sql.push_str(&format!(" PARTITION OF {}", qname(parent)));
        if !items.is_empty() {
            sql.push_str(&format!(" (\n  {}\n)", items.join(",\n  ")));
        }
        if bound.as_str().eq_ignore_ascii_case("default") {
            sql.push_str(" DEFAULT");
        } else {
            sql.push_str(&format!(" FOR VALUES {bound}"));
        }
    } else {
        sql.push_str(&format!(" (\n  {}\n)", items.join(",\n  ")));
    }
    if let Some(Partitioning::By { by }) = &t.partition {
        sql.push_str(&format!(" PARTITION BY {by}"));
    }
    let params = storage_params(t);
    if !params.is_empty() {
        sql.push_str(&format!(" WITH ({})", params.join(", ")));
    }
    cx.push(sql, vec![]);
    for ix in &t.indexes {
        let s = create_index_sql(&t.name, ix, false);
        cx.push(s, vec![]);
    }
    if let Some(c) = &t.comment {
        cx.push(
            format!("COMMENT ON TABLE {} IS {}", qname(&t.name), literal(c)),
            vec![],
        );
    }
    for c in &t.columns {
        if let Some(comment) = &c.comment {
            cx.push(
                format!(
                    "COMMENT ON COLUMN {}.{} IS {}",
                    qname(&t.name),
                    ident(&c.name),
                    literal(comment)
                ),
                vec![],
            );
        }
    }
    for ix in &t.indexes {
        index_comment(cx, &t.name, ix);
    }
    for c in t.checks.iter().filter(|c| c.not_valid) {
        cx.push(
            format!("ALTER TABLE {} ADD {}", qname(&t.name), check_def(c, true)),
            vec![],
        );
    }
    security::set_row_security(cx, &t.name, &Default::default(), &t.row_security);
}

fn storage_params(t: &Table) -> Vec<String> {
    t.options
        .iter()
        .filter(|(k, _)| k.as_str() != "unlogged")
        .map(|(k, v)| format!("{} = {}", ident(k), param_value(v)))
        .collect()
}

fn param_value(v: &str) -> String {
    if v.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
    {
        v.to_string()
    } else {
        literal(v)
    }
}

fn index_comment(cx: &mut Ctx<'_>, table: &Name, ix: &Index) {
    if let (Some(c), Some(n)) = (&ix.comment, &ix.name) {
        cx.push(
            format!(
                "COMMENT ON INDEX {} IS {}",
                qname(&index_name(table, n)),
                literal(c)
            ),
            vec![],
        );
    }
}

/// Indexes live in their table's namespace.
fn index_name(table: &Name, index: &str) -> Name {
    Name {
        schema: table.schema.clone(),
        name: index.to_string(),
    }
}

fn create_index_sql(table: &Name, ix: &Index, concurrently: bool) -> String {
    let mut s = String::from("CREATE ");
    if ix.unique {
        s.push_str("UNIQUE ");
    }
    s.push_str("INDEX ");
    if concurrently {
        s.push_str("CONCURRENTLY ");
    }
    if let Some(n) = &ix.name {
        s.push_str(&format!("{} ", ident(n)));
    }
    s.push_str(&format!("ON {}", qname(table)));
    if let Some(m) = &ix.method {
        s.push_str(&format!(" USING {}", ident(m)));
    }
    let parts: Vec<String> = ix
        .parts
        .iter()
        .map(|p| {
            let mut k = match &p.key {
                IndexKey::Column(c) => ident(c),
                IndexKey::Expr(e) => format!("({e})"),
            };
            if let Some(c) = &p.collation {
                k.push_str(&format!(" COLLATE {}", collation(c)));
            }
            if let Some(o) = &p.opclass {
                k.push_str(&format!(" {}", collation(o)));
            }
            if p.desc {
                k.push_str(" DESC");
            }
            match p.nulls_first {
                Some(true) => k.push_str(" NULLS FIRST"),
                Some(false) => k.push_str(" NULLS LAST"),
                None => {}
            }
            k
        })
        .collect();
    s.push_str(&format!(" ({})", parts.join(", ")));
    if !ix.include.is_empty() {
        s.push_str(&format!(" INCLUDE ({})", idents(&ix.include)));
    }
    if ix.nulls_not_distinct {
        s.push_str(" NULLS NOT DISTINCT");
    }
    if let Some(p) = &ix.predicate {
        s.push_str(&format!(" WHERE {p}"));
    }
    s
}

fn rename_relation(cx: &mut Ctx<'_>, kind: &str, from: &Name, to: &Name) {
    let mut cur = from.clone();
    if from.schema != to.schema {
        cx.push(
            format!(
                "ALTER {kind} {} SET SCHEMA {}",
                qname(from),
                ident(to.schema.as_deref().unwrap_or("public"))
            ),
            vec![],
        );
        cur.schema = to.schema.clone();
    }
    if from.name != to.name {
        cx.push(
            format!("ALTER {kind} {} RENAME TO {}", qname(&cur), ident(&to.name)),
            vec![],
        );
    }
}

fn lock(t: &Name) -> Hazard {
    hazard(
        HazardKind::AccessExclusiveLock,
        format!("{t} is locked against reads and writes while this runs"),
    )
}

fn table_change(
    cx: &mut Ctx<'_>,
    current: &mut Name,
    _from: &Table,
    to: &Table,
    tc: &TableChange,
) -> Result<(), EmitError> {
    let t = qname(current);
    match tc {
        TableChange::RenameTable { from, to } => {
            rename_relation(cx, "TABLE", from, to);
            *current = to.clone();
        }
        TableChange::AddColumn(c) => {
            let hz = table_change_hazards(current, tc, cx.online);
            // A serial column brings its own sequence, named as PostgreSQL
            // names it.
            cx.push(format!("ALTER TABLE {t} ADD COLUMN {}", column_def(c)), hz);
            if let Some(comment) = &c.comment {
                cx.push(
                    format!(
                        "COMMENT ON COLUMN {t}.{} IS {}",
                        ident(&c.name),
                        literal(comment)
                    ),
                    vec![],
                );
            }
        }
        TableChange::DropColumn(c) => {
            let hz = table_change_hazards(current, tc, cx.online);
            cx.push(
                format!("ALTER TABLE {t} DROP COLUMN {}", ident(&c.name)),
                hz,
            );
        }
        TableChange::RenameColumn { from, to } => cx.push(
            format!(
                "ALTER TABLE {t} RENAME COLUMN {} TO {}",
                ident(from),
                ident(to)
            ),
            vec![lock(current)],
        ),
        TableChange::AlterColumn { from, to, what } => alter_column(cx, current, from, to, what)?,
        TableChange::AddPrimaryKey(pk) => cx.push(
            format!(
                "ALTER TABLE {t} ADD {}PRIMARY KEY ({})",
                constraint_name(&pk.name),
                idents(&pk.columns)
            ),
            table_change_hazards(current, tc, cx.online),
        ),
        TableChange::DropPrimaryKey(pk) => cx.push(
            format!(
                "ALTER TABLE {t} DROP CONSTRAINT {}",
                ident(
                    pk.name
                        .as_deref()
                        .unwrap_or(&format!("{}_pkey", current.name))
                )
            ),
            vec![lock(current)],
        ),
        TableChange::AddUnique(u) => {
            let hz = table_change_hazards(current, tc, cx.online);
            match (&u.name, cx.online) {
                (Some(n), true) => {
                    let ix = Index {
                        name: Some(n.clone()),
                        parts: u
                            .columns
                            .iter()
                            .map(|c| crate::ir::IndexPart {
                                key: IndexKey::Column(c.clone()),
                                desc: false,
                                nulls_first: None,
                                collation: None,
                                opclass: None,
                                length: None,
                            })
                            .collect(),
                        unique: true,
                        method: None,
                        include: vec![],
                        predicate: None,
                        nulls_not_distinct: u.nulls_not_distinct,
                        comment: None,
                        renamed_from: None,
                    };
                    let build = cx.stmt(create_index_sql(current, &ix, true), hz);
                    cx.out.concurrent.push(build);
                    let attach = cx.stmt(
                        format!(
                            "ALTER TABLE {t} ADD CONSTRAINT {} UNIQUE USING INDEX {}{}",
                            ident(n),
                            ident(n),
                            deferral(u.deferral)
                        ),
                        vec![],
                    );
                    cx.out.validate.push(attach);
                }
                _ => cx.push(format!("ALTER TABLE {t} ADD {}", unique_def(u)), hz),
            }
        }
        TableChange::DropUnique(u) => cx.push(
            format!(
                "ALTER TABLE {t} DROP CONSTRAINT {}",
                ident(u.name.as_deref().unwrap_or_default())
            ),
            vec![lock(current)],
        ),
        TableChange::RenameUnique { from, to }
        | TableChange::RenameCheck { from, to }
        | TableChange::RenameForeignKey { from, to } => cx.push(
            format!(
                "ALTER TABLE {t} RENAME CONSTRAINT {} TO {}",
                ident(from),
                ident(to)
            ),
            vec![],
        ),
        TableChange::AddCheck(c) => {
            let hz = table_change_hazards(current, tc, cx.online);
            let split = cx.online && !c.not_valid && c.name.is_some();
            cx.push(
                format!("ALTER TABLE {t} ADD {}", check_def(c, c.not_valid || split)),
                hz,
            );
            if split {
                validate(cx, current, c.name.as_deref().unwrap_or_default());
            }
        }
        TableChange::DropCheck(c) => cx.push(
            format!(
                "ALTER TABLE {t} DROP CONSTRAINT {}",
                ident(c.name.as_deref().unwrap_or_default())
            ),
            vec![],
        ),
        TableChange::AddForeignKey(f) => {
            let hz = table_change_hazards(current, tc, cx.online);
            let split = cx.online && !f.not_valid && f.name.is_some();
            cx.push(
                format!("ALTER TABLE {t} ADD {}", fk_def(f, f.not_valid || split)),
                hz,
            );
            if split {
                validate(cx, current, f.name.as_deref().unwrap_or_default());
            }
        }
        TableChange::DropForeignKey(f) => cx.push(
            format!(
                "ALTER TABLE {t} DROP CONSTRAINT {}",
                ident(f.name.as_deref().unwrap_or_default())
            ),
            vec![],
        ),
        TableChange::AddIndex(ix) => {
            let hz = table_change_hazards(current, tc, cx.online);
            if cx.online {
                let s = cx.stmt(create_index_sql(current, ix, true), hz);
                cx.out.concurrent.push(s);
                if let (Some(c), Some(n)) = (&ix.comment, &ix.name) {
                    let s = cx.stmt(
                        format!(
                            "COMMENT ON INDEX {} IS {}",
                            qname(&index_name(current, n)),
                            literal(c)
                        ),
                        vec![],
                    );
                    cx.out.validate.push(s);
                }
            } else {
                cx.push(create_index_sql(current, ix, false), hz);
                index_comment(cx, current, ix);
            }
        }
        TableChange::DropIndex(ix) => {
            let hz = table_change_hazards(current, tc, cx.online);
            let n = qname(&index_name(current, ix.name.as_deref().unwrap_or_default()));
            if cx.online {
                // The main phase may have dropped the table or column
                // under it already.
                let s = cx.stmt(format!("DROP INDEX CONCURRENTLY IF EXISTS {n}"), hz);
                cx.out.concurrent.push(s);
            } else {
                cx.push(format!("DROP INDEX {n}"), hz);
            }
        }
        TableChange::RenameIndex { from, to } => cx.push(
            format!(
                "ALTER INDEX {} RENAME TO {}",
                qname(&index_name(current, from)),
                ident(to)
            ),
            vec![],
        ),
        TableChange::SetComment { to: c, .. } => cx.push(
            format!("COMMENT ON TABLE {t} IS {}", opt_literal(c)),
            vec![],
        ),
        TableChange::SetOptions { from, to: opts } => {
            let was_unlogged = from.get("unlogged").is_some_and(|v| v == "true");
            let unlogged = opts.get("unlogged").is_some_and(|v| v == "true");
            if was_unlogged != unlogged {
                cx.push(
                    format!(
                        "ALTER TABLE {t} SET {}",
                        if unlogged { "UNLOGGED" } else { "LOGGED" }
                    ),
                    vec![
                        lock(current),
                        hazard(
                            HazardKind::TableRewrite,
                            format!("{} is rewritten to change its logging", current),
                        ),
                    ],
                );
            }
            let set: Vec<String> = opts
                .iter()
                .filter(|(k, v)| k.as_str() != "unlogged" && from.get(*k) != Some(*v))
                .map(|(k, v)| format!("{} = {}", ident(k), param_value(v)))
                .collect();
            let reset: Vec<String> = from
                .keys()
                .filter(|k| k.as_str() != "unlogged" && !opts.contains_key(*k))
                .map(|k| ident(k))
                .collect();
            if !set.is_empty() {
                cx.push(format!("ALTER TABLE {t} SET ({})", set.join(", ")), vec![]);
            }
            if !reset.is_empty() {
                cx.push(
                    format!("ALTER TABLE {t} RESET ({})", reset.join(", ")),
                    vec![],
                );
            }
        }
        TableChange::AddExclusion(x) => {
            let (sql, hz) = objects::add_exclusion(current, x);
            cx.push(sql, hz);
        }
        TableChange::DropExclusion(x) => {
            let (sql, hz) = objects::drop_exclusion(current, x);
            cx.push(sql, hz);
        }
    }
    let _ = to;
    Ok(())
}

fn validate(cx: &mut Ctx<'_>, table: &Name, constraint: &str) {
    let s = cx.stmt(
        format!(
            "ALTER TABLE {} VALIDATE CONSTRAINT {}",
            qname(table),
            ident(constraint)
        ),
        vec![hazard(
            HazardKind::MayFail,
            format!("existing rows of {table} that break {constraint} make validation fail"),
        )],
    );
    cx.out.validate.push(s);
}

fn alter_column(
    cx: &mut Ctx<'_>,
    table: &Name,
    from: &Column,
    to: &Column,
    what: &ColumnChanges,
) -> Result<(), EmitError> {
    let t = qname(table);
    let col = ident(&to.name);
    let alter = |rest: String| format!("ALTER TABLE {t} ALTER COLUMN {col} {rest}");
    let from_serial = types::serial_base(from.ty.as_str());
    let to_serial = types::serial_base(to.ty.as_str());
    let from_base = from_serial.unwrap_or(from.ty.as_str()).to_string();
    let to_base = to_serial.unwrap_or(to.ty.as_str()).to_string();
    let seq = Name {
        schema: table.schema.clone(),
        name: super::normalize::generated_name(&table.name, &[to.name.as_str()], "seq"),
    };

    if what.generated {
        match (&from.generated, &to.generated) {
            (Some(_), None) => cx.push(alter("DROP EXPRESSION".into()), vec![lock(table)]),
            _ => {
                // The expression of a generated column cannot be altered:
                // the column is computed again from scratch.
                cx.push(
                    format!("ALTER TABLE {t} DROP COLUMN {col}"),
                    vec![lock(table)],
                );
                cx.push(
                    format!("ALTER TABLE {t} ADD COLUMN {}", column_def(to)),
                    vec![
                        lock(table),
                        hazard(
                            HazardKind::TableRewrite,
                            format!("{table}.{} is recomputed for every row", to.name),
                        ),
                    ],
                );
                return Ok(());
            }
        }
    }
    // Defaults go first and come back last, so that a type change never
    // has to cast the old default.
    let type_changes = what.ty || what.collation;
    let default_dropped = from.default.is_some() && (what.default || type_changes)
        || (from_serial.is_some() && to_serial.is_none());
    if default_dropped {
        cx.push(alter("DROP DEFAULT".into()), vec![]);
    }
    if what.identity {
        if let (Some(_), None) = (&from.identity, &to.identity) {
            cx.push(alter("DROP IDENTITY".into()), vec![]);
        }
    }
    if type_changes && (from_base != to_base || what.collation) {
        let coll = to
            .collation
            .as_ref()
            .map(|c| format!(" COLLATE {}", collation(c)))
            .unwrap_or_default();
        let using = match &to.using {
            Some(u) => format!(" USING {u}"),
            // Enums and other types without a cast between them convert
            // through their text form.
            None if needs_using(&from_base, &to_base)
                && (family(&from_base) == Family::Other || family(&to_base) == Family::Other) =>
            {
                format!(" USING {col}::text::{to_base}")
            }
            None if needs_using(&from_base, &to_base) => format!(" USING {col}::{to_base}"),
            None => String::new(),
        };
        let hz = type_change_hazards(table, &to.name, &from_base, &to_base);
        cx.push(alter(format!("TYPE {to_base}{coll}{using}")), hz);
    }
    if from_serial.is_some() && to_serial.is_none() {
        cx.push(format!("DROP SEQUENCE IF EXISTS {}", qname(&seq)), vec![]);
    }
    if from_serial.is_some() && to_serial.is_some() && from_base != to_base {
        // The owned sequence follows the column's type, as `serial` made it.
        cx.push(
            format!("ALTER SEQUENCE {} AS {to_base}", qname(&seq)),
            vec![],
        );
    }
    if to_serial.is_some() && from_serial.is_none() {
        cx.push(
            format!(
                "CREATE SEQUENCE {} AS {to_base} OWNED BY {t}.{col}",
                qname(&seq)
            ),
            vec![],
        );
        cx.push(
            format!(
                "SELECT setval({}, GREATEST((SELECT max({col}) FROM {t}), 0) + 1, false)",
                literal(&qname(&seq))
            ),
            vec![],
        );
        cx.push(
            alter(format!("SET DEFAULT nextval({})", literal(&qname(&seq)))),
            vec![],
        );
    }
    if what.nullable || (to_serial.is_some() && from.nullable) {
        if to.nullable {
            cx.push(alter("DROP NOT NULL".into()), vec![]);
        } else if cx.online {
            // A validated check proves the column has no nulls, so that
            // SET NOT NULL does not scan the table under its lock.
            let check = super::normalize::generated_name(&table.name, &[&to.name], "not_null");
            cx.push(
                format!(
                    "ALTER TABLE {t} ADD CONSTRAINT {} CHECK ({col} IS NOT NULL) NOT VALID",
                    ident(&check)
                ),
                vec![],
            );
            validate(cx, table, &check);
            let set = cx.stmt(
                alter("SET NOT NULL".into()),
                vec![hazard(
                    HazardKind::MayFail,
                    format!("{table}.{} may hold nulls", to.name),
                )],
            );
            cx.out.validate.push(set);
            let drop = cx.stmt(
                format!("ALTER TABLE {t} DROP CONSTRAINT {}", ident(&check)),
                vec![],
            );
            cx.out.validate.push(drop);
        } else {
            cx.push(
                alter("SET NOT NULL".into()),
                vec![
                    lock(table),
                    hazard(
                        HazardKind::MayFail,
                        format!("{table}.{} may hold nulls", to.name),
                    ),
                ],
            );
        }
    }
    if what.identity {
        match (&from.identity, &to.identity) {
            (None, Some(id)) => cx.push(alter(format!("ADD {}", identity_clause(id))), vec![]),
            (Some(a), Some(b)) => {
                let mut parts = Vec::new();
                let kind = |i: &Identity| matches!(i, Identity::Always { .. });
                if kind(a) != kind(b) {
                    parts.push(format!(
                        "SET GENERATED {}",
                        if kind(b) { "ALWAYS" } else { "BY DEFAULT" }
                    ));
                }
                let (oa, ob) = (identity_options(a), identity_options(b));
                parts.extend(identity_option_changes(&oa, &ob, &to_base));
                if !parts.is_empty() {
                    cx.push(alter(parts.join(" ")), vec![]);
                }
            }
            _ => {}
        }
    }
    if let Some(d) = &to.default {
        if what.default || default_dropped {
            cx.push(alter(format!("SET DEFAULT ({d})")), vec![]);
        }
    }
    if what.comment {
        cx.push(
            format!(
                "COMMENT ON COLUMN {t}.{col} IS {}",
                opt_literal(&to.comment)
            ),
            vec![],
        );
    }
    Ok(())
}

fn identity_options(i: &Identity) -> SequenceOptions {
    match i {
        Identity::Always { options } | Identity::ByDefault { options } => options.clone(),
        Identity::AutoIncrement => SequenceOptions::default(),
    }
}

fn identity_option_changes(a: &SequenceOptions, b: &SequenceOptions, ty: &str) -> Vec<String> {
    let mut p = Vec::new();
    let inc = b.increment.unwrap_or(1);
    if a.increment != b.increment {
        p.push(format!("SET INCREMENT BY {inc}"));
    }
    if a.min_value != b.min_value {
        p.push(match b.min_value {
            Some(v) => format!("SET MINVALUE {v}"),
            None => "SET NO MINVALUE".into(),
        });
    }
    if a.max_value != b.max_value {
        p.push(match b.max_value {
            Some(v) => format!("SET MAXVALUE {v}"),
            None => "SET NO MAXVALUE".into(),
        });
    }
    if a.start != b.start {
        let start = b.start.unwrap_or_else(|| {
            if inc > 0 {
                b.min_value.unwrap_or(1)
            } else {
                b.max_value.unwrap_or(-1)
            }
        });
        p.push(format!("SET START WITH {start}"));
    }
    if a.cache != b.cache {
        p.push(format!("SET CACHE {}", b.cache.unwrap_or(1)));
    }
    if a.cycle != b.cycle {
        p.push(if b.cycle { "SET CYCLE" } else { "SET NO CYCLE" }.into());
    }
    let _ = ty;
    p
}

/// Whether PostgreSQL needs an explicit `USING` to convert: it does when
/// there is no implicit or assignment cast, which for strata's purposes
/// is any change between type families.
fn needs_using(from: &str, to: &str) -> bool {
    family(from) != family(to) || family(from) == Family::Other
}

#[derive(PartialEq, Eq, Clone, Copy, Debug)]
enum Family {
    Int,
    Numeric,
    Float,
    Text,
    Time,
    Other,
}

fn family(ty: &str) -> Family {
    let base = ty.split('(').next().unwrap_or(ty).trim();
    match base {
        "smallint" | "integer" | "bigint" => Family::Int,
        "numeric" => Family::Numeric,
        "real" | "double precision" => Family::Float,
        "text" | "character varying" | "character" => Family::Text,
        _ if base.starts_with("timestamp") => Family::Time,
        _ => Family::Other,
    }
}

fn type_modifier(ty: &str) -> Vec<i64> {
    ty.split_once('(')
        .and_then(|(_, rest)| rest.split(')').next())
        .map(|m| m.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_default()
}

fn int_rank(ty: &str) -> u8 {
    match ty {
        "smallint" => 1,
        "integer" => 2,
        _ => 3,
    }
}

/// Whether the conversion keeps every value (no rewrite needed beyond
/// what the server decides) — `varchar(10)` → `varchar(20)` or `text`,
/// `numeric(10,2)` → `numeric(12,2)`.
fn binary_compatible(from: &str, to: &str) -> bool {
    let (bf, bt) = (
        from.split('(').next().unwrap_or(from),
        to.split('(').next().unwrap_or(to),
    );
    match (bf, bt) {
        ("character varying", "text") => true,
        ("character varying", "character varying") => {
            let (mf, mt) = (type_modifier(from), type_modifier(to));
            mt.is_empty() || mf.first().zip(mt.first()).is_some_and(|(a, b)| b >= a)
        }
        ("numeric", "numeric") => {
            let (mf, mt) = (type_modifier(from), type_modifier(to));
            mt.is_empty() || (mf.len() == 2 && mt.len() == 2 && mt[1] == mf[1] && mt[0] >= mf[0])
        }
        _ => false,
    }
}

/// Whether values may not fit the new type (lost or refused).
fn narrows(from: &str, to: &str) -> bool {
    let (ff, ft) = (family(from), family(to));
    match (ff, ft) {
        (Family::Int, Family::Int) => int_rank(to) < int_rank(from),
        (Family::Text, Family::Text) => {
            let mt = type_modifier(to);
            let mf = type_modifier(from);
            match (mf.first(), mt.first()) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b < a,
            }
        }
        (Family::Numeric, Family::Numeric) => {
            let (mf, mt) = (type_modifier(from), type_modifier(to));
            match (mf.as_slice(), mt.as_slice()) {
                (_, []) => false,
                ([], _) => true,
                ([p1, s1], [p2, s2]) => p2 - s2 < p1 - s1 || s2 < s1,
                _ => true,
            }
        }
        (Family::Int, Family::Numeric | Family::Float | Family::Text) => false,
        (Family::Float, Family::Float) => to == "real" && from != "real",
        _ => true,
    }
}

fn type_change_hazards(table: &Name, col: &str, from: &str, to: &str) -> Vec<Hazard> {
    let mut h = vec![lock(table)];
    if !binary_compatible(from, to) {
        h.push(hazard(
            HazardKind::TableRewrite,
            format!("changing {table}.{col} from {from} to {to} rewrites the table"),
        ));
    }
    if narrows(from, to) {
        h.push(hazard(
            HazardKind::DataLoss,
            format!("{table}.{col} narrows from {from} to {to}: values that do not fit are lost or refused"),
        ));
        h.push(hazard(
            HazardKind::MayFail,
            format!("existing values of {table}.{col} may not convert to {to}"),
        ));
    }
    h
}

/// Hazards of one change inside a table (also what [`super::Postgres`]
/// reports to the planner).
pub fn table_change_hazards(table: &Name, tc: &TableChange, online: bool) -> Vec<Hazard> {
    match tc {
        TableChange::AddColumn(c) => {
            let mut h = vec![lock(table)];
            let volatile = c.default.as_ref().is_some_and(|d| {
                let d = d.as_str().to_lowercase();
                d.contains("random(")
                    || d.contains("gen_random_uuid(")
                    || d.contains("nextval(")
                    || d.contains("clock_timestamp(")
            }) || types::serial_base(c.ty.as_str()).is_some()
                || c.generated.is_some()
                || c.identity.is_some();
            if volatile {
                h.push(hazard(
                    HazardKind::TableRewrite,
                    format!(
                        "adding {table}.{} fills every row, rewriting the table",
                        c.name
                    ),
                ));
            }
            if !c.nullable
                && c.default.is_none()
                && c.identity.is_none()
                && c.generated.is_none()
                && types::serial_base(c.ty.as_str()).is_none()
            {
                h.push(hazard(
                    HazardKind::MayFail,
                    format!(
                        "{table}.{} is NOT NULL without a default: fails if the table has rows",
                        c.name
                    ),
                ));
            }
            h
        }
        TableChange::DropColumn(c) => vec![
            lock(table),
            hazard(
                HazardKind::DataLoss,
                format!("dropping {table}.{} deletes its values", c.name),
            ),
        ],
        TableChange::AlterColumn { from, to, what } => {
            let mut h = Vec::new();
            if what.ty {
                let f = types::serial_base(from.ty.as_str()).unwrap_or(from.ty.as_str());
                let t = types::serial_base(to.ty.as_str()).unwrap_or(to.ty.as_str());
                if f != t {
                    h.extend(type_change_hazards(table, &to.name, f, t));
                }
            }
            if what.nullable && !to.nullable {
                h.push(hazard(
                    HazardKind::MayFail,
                    format!("{table}.{} may hold nulls", to.name),
                ));
                if !online {
                    h.push(lock(table));
                }
            }
            if what.generated && to.generated.is_some() {
                h.push(hazard(
                    HazardKind::TableRewrite,
                    format!("{table}.{} is recomputed for every row", to.name),
                ));
            }
            h
        }
        TableChange::AddPrimaryKey(_) => vec![
            lock(table),
            hazard(
                HazardKind::IndexBuild,
                format!("the primary key of {table} builds an index"),
            ),
            hazard(
                HazardKind::MayFail,
                format!("duplicate or null keys in {table} make it fail"),
            ),
        ],
        TableChange::AddUnique(u) => {
            let mut h = vec![
                hazard(
                    HazardKind::IndexBuild,
                    format!(
                        "unique ({}) on {table} builds an index",
                        u.columns.join(", ")
                    ),
                ),
                hazard(
                    HazardKind::MayFail,
                    format!("duplicate values in {table} make it fail"),
                ),
            ];
            if online && u.name.is_some() {
                h.push(hazard(
                    HazardKind::NotTransactional,
                    "the index is built concurrently, outside the transaction",
                ));
            } else {
                h.push(lock(table));
            }
            h
        }
        TableChange::AddCheck(c) => {
            let mut h = vec![];
            if !c.not_valid {
                h.push(hazard(
                    HazardKind::MayFail,
                    format!("rows of {table} that break the check make it fail"),
                ));
            }
            if !online {
                h.push(lock(table));
            }
            h
        }
        TableChange::AddForeignKey(f) => {
            let mut h = vec![];
            if !f.not_valid {
                h.push(hazard(
                    HazardKind::MayFail,
                    format!(
                        "rows of {table} without a match in {} make it fail",
                        f.ref_table
                    ),
                ));
            }
            if !online {
                h.push(lock(table));
            }
            h
        }
        TableChange::AddIndex(ix) => {
            let mut h = vec![hazard(
                HazardKind::IndexBuild,
                format!(
                    "building index {} on {table}",
                    ix.name.as_deref().unwrap_or("")
                ),
            )];
            if online {
                h.push(hazard(
                    HazardKind::NotTransactional,
                    "CREATE INDEX CONCURRENTLY runs outside the transaction",
                ));
            }
            if ix.unique {
                h.push(hazard(
                    HazardKind::MayFail,
                    format!("duplicate values in {table} make the unique index fail"),
                ));
            }
            h
        }
        TableChange::DropIndex(_) => {
            if online {
                vec![hazard(
                    HazardKind::NotTransactional,
                    "DROP INDEX CONCURRENTLY runs outside the transaction",
                )]
            } else {
                vec![lock(table)]
            }
        }
        TableChange::RenameTable { .. }
        | TableChange::RenameColumn { .. }
        | TableChange::DropPrimaryKey(_)
        | TableChange::DropUnique(_)
        | TableChange::DropExclusion(_) => vec![lock(table)],
        TableChange::AddExclusion(x) => objects::exclusion_hazards(table, x),
        _ => vec![],
    }
}

/// Hazards of a whole change, for the planner.
pub fn hazards(change: &Change, options: &EmitOptions) -> Vec<Hazard> {
    let mut h = match change {
        Change::AlterTable { from, changes, .. } => changes
            .iter()
            .flat_map(|tc| table_change_hazards(&from.name, tc, options.online))
            .collect(),
        Change::AlterEnum { from, to } if from.values != to.values => {
            if only_additions(&from.values, &to.values) {
                vec![hazard(
                    HazardKind::NotTransactional,
                    format!(
                        "new labels of {} are committed before the main transaction",
                        to.name
                    ),
                )]
            } else {
                vec![
                    hazard(
                        HazardKind::AccessExclusiveLock,
                        format!("tables using {} are locked", to.name),
                    ),
                    hazard(
                        HazardKind::TableRewrite,
                        format!("columns of type {} are converted", to.name),
                    ),
                    hazard(
                        HazardKind::MayFail,
                        format!("rows holding a removed label of {} make it fail", to.name),
                    ),
                ]
            }
        }
        Change::DropTable(t) => vec![hazard(
            HazardKind::DataLoss,
            format!("dropping table {} deletes all its rows", t.name),
        )],
        Change::ReplaceView { to, .. } if to.materialized => vec![hazard(
            HazardKind::IndexBuild,
            format!("materialized view {} is computed again", to.name),
        )],
        Change::AlterDomain { from, to } => objects::domain_hazards(from, to, options),
        _ => vec![],
    };
    h.sort();
    h.dedup();
    h
}

fn create_view(cx: &mut Ctx<'_>, v: &View) {
    let kind = if v.materialized {
        "MATERIALIZED VIEW"
    } else {
        "VIEW"
    };
    let cols = if v.columns.is_empty() {
        String::new()
    } else {
        format!(" ({})", idents(&v.columns))
    };
    cx.push(
        format!(
            "CREATE {kind} {}{cols} AS\n{}",
            qname(&v.name),
            v.body.trim()
        ),
        vec![],
    );
    for ix in &v.indexes {
        let s = create_index_sql(&v.name, ix, false);
        cx.push(s, vec![]);
        index_comment(cx, &v.name, ix);
    }
    if let Some(c) = &v.comment {
        cx.push(
            format!("COMMENT ON {kind} {} IS {}", qname(&v.name), literal(c)),
            vec![],
        );
    }
}

fn drop_view(v: &View) -> String {
    format!(
        "DROP {}VIEW {}",
        if v.materialized { "MATERIALIZED " } else { "" },
        qname(&v.name)
    )
}

fn routine_kind(f: &Function) -> &'static str {
    if f.returns.is_some() {
        "FUNCTION"
    } else {
        "PROCEDURE"
    }
}

/// The argument list without `DEFAULT …`, as `DROP FUNCTION` wants it.
fn args_without_defaults(args: &str) -> String {
    super::normalize::split_top_level(args)
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

fn create_function(cx: &mut Ctx<'_>, f: &Function, or_replace: bool) {
    let tag = dollar_tag(&f.body);
    let returns = f
        .returns
        .as_ref()
        .map(|r| format!(" RETURNS {r}"))
        .unwrap_or_default();
    cx.push(
        format!(
            "CREATE {}{} {}({}){returns} LANGUAGE {}{} AS {tag}{}{tag}",
            if or_replace { "OR REPLACE " } else { "" },
            routine_kind(f),
            qname(&f.name),
            f.args,
            ident(&f.language),
            objects::function_attributes(&f.attributes),
            f.body
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

fn create_trigger(cx: &mut Ctx<'_>, t: &Trigger) {
    let events: Vec<String> = t.events.iter().map(|e| e.to_uppercase_keywords()).collect();
    let mut sql = format!(
        "CREATE TRIGGER {} {} {} ON {}",
        ident(&t.name),
        t.timing.to_uppercase(),
        events.join(" OR "),
        qname(&t.table)
    );
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
