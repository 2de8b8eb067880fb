//! `strata plan --prove`: run a plan on a scratch database before anyone
//! runs it for real. The scratch database is created on a dev server (a
//! temporary file for SQLite), given the current structure, and then the
//! very script `plan` printed is applied to it; the result is introspected
//! and compared with the desired schema, planning again must be empty, and
//! the rollback must restore the start. The scratch database is dropped
//! whatever happens.
//!
//! A proof works on structure only: the scratch copy holds no rows, so a
//! step that fails on real data (a new unique index over duplicates, a
//! narrowing cast) passes here. See docs/prove.md.

use miette::miette;

use crate::dialect::{self, scratch_name, ApplyOptions, Dialect, Driver, EmitOptions, Scratch};
use crate::ir::{DialectKind, Schema};
use crate::migration::{migration, Migration};
use crate::url::{redact, same_database};

/// Where to prove: the dev server, and the database the plan is for (which
/// the dev server must not be).
#[derive(Debug, Clone, Copy)]
pub struct Dev<'a> {
    /// `--dev-url`: a server where the user may `CREATE DATABASE`; may be
    /// `None` for SQLite, which proves in a temporary file.
    pub url: Option<&'a str>,
    /// `--url`: the database the plan was made for.
    pub target: &'a str,
    /// `--schema`: the namespaces the plan covers.
    pub namespaces: &'a [String],
}

impl<'a> Dev<'a> {
    pub fn new(url: Option<&'a str>, target: &'a str, namespaces: &'a [String]) -> Dev<'a> {
        Dev {
            url,
            target,
            namespaces,
        }
    }
}

/// One check of a proof and how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub name: &'static str,
    /// `None` when the check held; otherwise what went wrong (a server
    /// error, or a schema difference as a unified diff).
    pub failure: Option<String>,
}

/// The checks of a proof in the order they ran. A proof stops at the first
/// failed check, so only the last one can have failed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProveReport {
    /// The scratch database, for messages (a name or a file path).
    pub scratch: String,
    pub checks: Vec<Check>,
}

/// The checks, by the names the report prints.
pub const SETUP: &str = "scratch copy of the current structure";
pub const UP_APPLIES: &str = "up applies";
pub const UP_CONVERGES: &str = "up converges to the desired schema";
pub const PLAN_AGAIN_EMPTY: &str = "planning again is empty";
pub const DOWN_APPLIES: &str = "rollback applies";
pub const DOWN_RESTORES: &str = "rollback restores the current structure";

impl ProveReport {
    /// The check that failed, if one did.
    pub fn failed(&self) -> Option<&Check> {
        self.checks.iter().find(|c| c.failure.is_some())
    }

    /// One line per check, as `plan --prove` prints them on stderr.
    pub fn lines(&self) -> Vec<String> {
        self.checks
            .iter()
            .map(|c| match c.failure {
                None => format!("prove: {} … ok", c.name),
                Some(_) => format!("prove: {} … FAILED", c.name),
            })
            .collect()
    }

    /// Prints the report on stderr; an error naming the failed check, with
    /// its detail, when one failed.
    pub fn finish(&self) -> miette::Result<()> {
        for line in self.lines() {
            eprintln!("{line}");
        }
        match self.failed() {
            None => {
                eprintln!("prove: the plan is proven on {}", self.scratch);
                Ok(())
            }
            Some(c) => Err(miette!(
                code = "strata::prove::failed",
                help = "the plan is wrong for this database: do not apply it; \
                        the difference above shows what the scripts really do",
                "prove: check `{}` failed:\n{}",
                c.name,
                c.failure.as_deref().unwrap_or_default()
            )),
        }
    }

    fn pass(&mut self, name: &'static str) {
        self.checks.push(Check {
            name,
            failure: None,
        });
    }

    /// Records a failure and returns `Err` so that the proof stops.
    fn fail(&mut self, name: &'static str, why: String) -> Result<(), Stop> {
        self.checks.push(Check {
            name,
            failure: Some(why),
        });
        Err(Stop::Failed)
    }
}

/// Why a proof stopped early: a check failed (recorded in the report), or
/// something around it broke (no connection, no introspection).
enum Stop {
    Failed,
    Broken(miette::Report),
}

impl From<miette::Report> for Stop {
    fn from(r: miette::Report) -> Stop {
        Stop::Broken(r)
    }
}

/// Proves `migration` (planned from `current` to `desired`) on a scratch
/// database. `Err` only when the proof could not run (the dev server
/// refused, introspection failed); a check that fails is in the report.
pub async fn prove(
    dev: &Dev<'_>,
    current: &Schema,
    migration: &Migration,
    desired: &Schema,
    dialect: &dyn Dialect,
) -> miette::Result<ProveReport> {
    let driver = dialect::driver(dialect.kind());
    let scratch = create_scratch(dev, driver).await?;
    let mut report = ProveReport {
        scratch: scratch.label(),
        checks: Vec::new(),
    };
    let outcome = run(
        &scratch.url,
        dev.namespaces,
        current,
        migration,
        desired,
        driver,
        &mut report,
    )
    .await;
    let dropped = driver.drop_scratch(scratch).await;
    match outcome {
        Ok(()) | Err(Stop::Failed) => dropped.map(|()| report),
        Err(Stop::Broken(e)) => Err(e),
    }
}

async fn run(
    url: &str,
    namespaces: &[String],
    current: &Schema,
    m: &Migration,
    desired: &Schema,
    d: &dyn Driver,
    report: &mut ProveReport,
) -> Result<(), Stop> {
    let inspect = || async {
        d.introspect(url, namespaces)
            .await
            .map(|i| i.schema)
            .map_err(Stop::from)
    };
    let defaults = ApplyOptions::default();
    let apply = |script| d.apply(url, script, &defaults);
    let options = EmitOptions::default();

    let empty = inspect().await?;
    let setup = migration(&empty, current, d, &options).map_err(miette::Report::from)?;
    if let Err(e) = apply(&setup.up).await {
        return report.fail(SETUP, with_sql(e, d, &setup.up));
    }
    let start = inspect().await?;
    match schema_diff(d, current, &start.without_unmanaged(current)) {
        None => report.pass(SETUP),
        Some(diff) => {
            return report.fail(
                SETUP,
                format!(
                    "strata cannot reproduce the current structure, so it cannot prove \
                     a plan for it:\n{diff}"
                ),
            )
        }
    }

    if let Err(e) = apply(&m.up).await {
        return report.fail(UP_APPLIES, with_sql(e, d, &m.up));
    }
    report.pass(UP_APPLIES);
    let after = inspect().await?;
    // The scratch server prints the bodies it stores in its own spelling;
    // the desired ones are compared in that spelling too.
    let mut desired = desired.clone();
    d.align(url, &after, &mut desired).await?;
    let desired = &desired;
    match schema_diff(d, desired, &after.without_unmanaged(desired)) {
        None => report.pass(UP_CONVERGES),
        Some(diff) => return report.fail(UP_CONVERGES, diff),
    }

    let again = migration(&after, desired, d, &options).map_err(miette::Report::from)?;
    if !again.plan.is_empty() {
        return report.fail(
            PLAN_AGAIN_EMPTY,
            format!(
                "after the plan, strata would still change:\n{}",
                crate::report::sql::render(d, &again.up)
            ),
        );
    }
    report.pass(PLAN_AGAIN_EMPTY);

    if let Err(e) = apply(&m.down).await {
        return report.fail(DOWN_APPLIES, with_sql(e, d, &m.down));
    }
    report.pass(DOWN_APPLIES);
    let restored = inspect().await?;
    match schema_diff(d, &start, &restored) {
        None => report.pass(DOWN_RESTORES),
        Some(diff) => return report.fail(DOWN_RESTORES, diff),
    }
    Ok(())
}

fn with_sql(e: miette::Report, d: &dyn Dialect, script: &crate::dialect::Script) -> String {
    format!(
        "{e:?}\nthe script:\n{}",
        crate::report::sql::render(d, script)
    )
}

/// The two schemas as a proof compares them: normalized, without rename
/// hints, and on PostgreSQL without column order (`ADD COLUMN` appends, so
/// a rollback that re-adds a column puts it last).
fn comparable(d: &dyn Dialect, s: &Schema) -> Schema {
    let mut s = d.normalize(&s.without_hints());
    // How a view was written is what it is made with; `body` is what it is.
    s.views.values_mut().for_each(|v| v.written = None);
    if d.kind() == DialectKind::Postgres {
        for t in s.tables.values_mut() {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
    s
}

/// A unified diff between the YAML of the two schemas, or `None` when they
/// are equal.
pub fn schema_diff(d: &dyn Dialect, expected: &Schema, actual: &Schema) -> Option<String> {
    let (expected, actual) = (comparable(d, expected), comparable(d, actual));
    if expected == actual {
        return None;
    }
    let e = serde_yaml_ng::to_string(&expected).unwrap_or_default();
    let a = serde_yaml_ng::to_string(&actual).unwrap_or_default();
    let diff = similar::TextDiff::from_lines(&e, &a)
        .unified_diff()
        .header("expected", "actual")
        .to_string();
    Some(if diff.is_empty() {
        format!("{expected:#?}\n!=\n{actual:#?}")
    } else {
        diff
    })
}

/// Makes the scratch database of one proof on the dev server (a temporary
/// file for SQLite), after checking that the dev server is of the right
/// dialect and is not the database the plan is for.
async fn create_scratch(dev: &Dev<'_>, driver: &dyn Driver) -> miette::Result<Scratch> {
    let kind = driver.kind();
    if let Some(url) = dev.url {
        if crate::url::dialect_of_url(url) != Some(kind) {
            return Err(miette!(
                code = "strata::prove::dev_dialect",
                help = format!("give --dev-url (or STRATA_DEV_URL) a {kind} server"),
                "the dev URL {} is not a {kind} URL, but the database is {kind}",
                redact(url)
            ));
        }
        if same_database(url, dev.target) {
            return Err(miette!(
                code = "strata::prove::dev_is_target",
                help = "point --dev-url at a development server (or at least another \
                        database of it): a proof creates and drops databases there",
                "the dev URL is the database the plan is for ({})",
                redact(url)
            ));
        }
    }
    if driver.needs_dev_server() && dev.url.is_none() {
        return Err(miette!(
            code = "strata::prove::no_dev_url",
            help = format!(
                "pass --dev-url {kind}://… (or set STRATA_DEV_URL): a server where \
                 the user may CREATE DATABASE; the proof runs in a scratch database there"
            ),
            "--prove needs a dev server for {kind}"
        ));
    }
    driver
        .create_scratch(dev.url, &scratch_name("strata_prove"))
        .await
}
