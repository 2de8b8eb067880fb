//! The MySQL / MariaDB dialect. One dialect serves both servers: the
//! introspector asks the server which it is and undoes its spellings, so
//! that everything after it sees one canonical form (docs/mysql.md).

mod alter;
pub mod apply;
mod charsets;
pub mod emit;
pub mod events;
pub mod expr;
pub mod hazards;
pub mod history;
pub mod introspect;
pub mod normalize;
pub mod quote;
pub mod resume;
pub mod routines;
pub mod scratch;
pub mod sequences;
pub mod types;

use futures::future::LocalBoxFuture;

use super::driver::{Fut, LoadError};
use super::statements::Lexicon;
use super::{
    ApplyOptions, ApplyReport, Dialect, Driver, EmitError, EmitOptions, Introspection, Pending,
    RunError, Scratch, Script,
};
use crate::diff::Change;
use crate::ir::{DialectKind, Name, Schema};
use crate::plan::{Capabilities, Hazard, Plan, Target};

/// The table where apply records its progress; never introspected.
pub const HISTORY_TABLE: &str = "strata_history";

pub struct Mysql;

impl Target for Mysql {
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            transactional_ddl: false,
            lazy_foreign_keys: false,
            alter_constraints: true,
            foreign_keys_pin_columns: true,
            move_columns: true,
            schema_wide_index_names: false,
        }
    }
}

/// `VERSION()` as one integer (`ServerVersion::from_number`):
/// `major·10000 + minor·100 + patch`, plus 1000000 on MariaDB.
const VERSION_NUMBER: &str = "SELECT CAST((VERSION() LIKE '%MariaDB%') * 1000000 \
    + SUBSTRING_INDEX(VERSION(), '.', 1) * 10000 \
    + SUBSTRING_INDEX(SUBSTRING_INDEX(VERSION(), '.', 2), '.', -1) * 100 \
    + SUBSTRING_INDEX(SUBSTRING_INDEX(SUBSTRING_INDEX(VERSION(), '-', 1), '.', 3), '.', -1) AS SIGNED)";

impl Dialect for Mysql {
    fn kind(&self) -> DialectKind {
        DialectKind::Mysql
    }

    fn normalize(&self, schema: &Schema) -> Schema {
        normalize::schema(schema)
    }

    fn normalize_owned(&self, schema: Schema) -> Schema {
        normalize::schema_owned(schema)
    }

    fn pair(&self, from: &mut Schema, to: &mut Schema) {
        normalize::sticky_options(from, to);
    }

    /// The hazards of the statements this dialect writes for the change,
    /// computed from the change (`hazards.rs`).
    fn hazards(&self, change: &Change, options: &EmitOptions) -> Vec<Hazard> {
        hazards::hazards(change, options)
    }

    fn emit(&self, plan: &Plan, options: &EmitOptions) -> Result<Script, EmitError> {
        emit::emit(plan, options)
    }

    fn quote_ident(&self, ident: &str) -> String {
        quote::ident(ident)
    }

    fn quote_name(&self, name: &Name) -> String {
        quote::name(name)
    }

    fn keep_table(
        &self,
        table: &crate::ir::Table,
        aside: &crate::ir::Name,
        stamp: &str,
    ) -> crate::dialect::keep::Moves {
        emit::keep_table(table, aside, stamp)
    }
}

/// Drops a desired table's `charset` and `collate` when they give the
/// database's default collation (a `charset` alone gives its own default
/// collation): the server then reports the table's collation as inherited,
/// and introspection writes neither. Asks the server only when a table
/// names one.
async fn inherit_database_collation(url: &str, desired: &mut Schema) -> miette::Result<()> {
    use miette::IntoDiagnostic;
    use sqlx::Row;
    let named = |t: &crate::ir::Table| {
        t.options.contains_key("charset") || t.options.contains_key("collate")
    };
    if !desired.tables.values().any(named) {
        return Ok(());
    }
    let mut conn = apply::session(url).await.into_diagnostic()?;
    let rows = sqlx::query(
        "SELECT CAST(@@collation_database AS CHAR), CHARACTER_SET_NAME, COLLATION_NAME \
         FROM information_schema.COLLATIONS WHERE IS_DEFAULT = 'Yes'",
    )
    .fetch_all(&mut conn)
    .await
    .into_diagnostic()?;
    let database: Option<String> = rows.first().and_then(|r| r.try_get(0).ok());
    let default_of: std::collections::BTreeMap<String, String> = rows
        .iter()
        .filter_map(|r| Some((r.try_get(1).ok()?, r.try_get(2).ok()?)))
        .collect();
    for t in desired.tables.values_mut().filter(|t| named(t)) {
        let charset = t.options.get("charset").map(|c| normalize::charset(c));
        let collation = match (t.options.get("collate"), &charset) {
            (Some(c), _) => Some(normalize::collation(c)),
            (None, Some(cs)) => default_of.get(cs).cloned(),
            (None, None) => None,
        };
        if collation.is_some() && collation == database {
            t.options.remove("charset");
            t.options.remove("collate");
        }
    }
    Ok(())
}

impl Driver for Mysql {
    fn introspect<'a>(&'a self, url: &'a str, namespaces: &'a [String]) -> Fut<'a, Introspection> {
        Box::pin(introspect::introspect(url, namespaces))
    }

    /// A view or routine whose definer the schema does not name keeps the one the
    /// server has: it is neither a difference nor changed when the view is
    /// replaced, whoever applies.
    ///
    /// A table whose `charset` / `collate` comes to the database's own
    /// collation is written without them, as the server reads it back.
    fn align<'a>(&'a self, url: &'a str, db: &'a Schema, desired: &'a mut Schema) -> Fut<'a, ()> {
        Box::pin(async move {
            inherit_database_collation(url, desired).await?;
            for (n, v) in desired.views.iter_mut() {
                let named = v.options.keys().any(|k| k.eq_ignore_ascii_case("definer"));
                let kept = db.views.get(n).and_then(|d| d.options.get("definer"));
                if let (false, Some(d)) = (named, kept) {
                    v.options.insert("definer".to_string(), d.clone());
                }
            }
            for (k, f) in desired.functions.iter_mut() {
                let named = f.options.keys().any(|k| k.eq_ignore_ascii_case("definer"));
                let kept = db.functions.get(k).and_then(|d| d.options.get("definer"));
                if let (false, Some(d)) = (named, kept) {
                    f.options.insert("definer".to_string(), d.clone());
                }
            }
            events::align(url, db, desired).await
        })
    }

    fn apply<'a>(
        &'a self,
        url: &'a str,
        script: &'a Script,
        options: &'a ApplyOptions,
    ) -> Fut<'a, ApplyReport> {
        Box::pin(apply::apply(url, script, options))
    }

    fn pending<'a>(
        &'a self,
        url: &'a str,
        history: &'a super::audit::Place,
    ) -> Option<Fut<'a, Option<Pending>>> {
        Some(Box::pin(apply::pending_script(url, history)))
    }

    fn count<'a>(&'a self, url: &'a str, sql: &'a str) -> Fut<'a, i64> {
        Box::pin(apply::count(url, sql))
    }

    fn size_queries(&self, table: &crate::ir::Name) -> Option<[String; 2]> {
        Some(apply::size_queries(table))
    }

    fn version_query(&self) -> Option<&'static str> {
        Some(VERSION_NUMBER)
    }

    fn create_scratch<'a>(&'a self, dev_url: Option<&'a str>, name: &'a str) -> Fut<'a, Scratch> {
        Box::pin(scratch::create(dev_url, name))
    }

    fn drop_scratch(&self, s: Scratch) -> Fut<'_, ()> {
        Box::pin(scratch::drop(s))
    }

    fn run_file<'a>(
        &'a self,
        url: &'a str,
        sql: &'a str,
    ) -> LocalBoxFuture<'a, Result<(), RunError>> {
        Box::pin(scratch::run_file(url, sql))
    }

    fn lexicon(&self) -> Lexicon {
        Lexicon {
            backslash_escapes: true,
            backticks: true,
            hash_comments: true,
            delimiter_lines: true,
            ..Lexicon::default()
        }
    }

    fn load_statements<'a>(
        &'a self,
        url: &'a str,
        statements: &'a [String],
        namespaces: &'a [String],
    ) -> LocalBoxFuture<'a, Result<Introspection, LoadError>> {
        Box::pin(scratch::load_statements(url, statements, namespaces))
    }
}
