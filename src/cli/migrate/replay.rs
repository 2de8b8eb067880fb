//! The state a folder of migrations produces: its up files run in order
//! on a scratch database (the dialect's `scratch.rs`: a temporary file for
//! SQLite, a fresh database on the `--dev-url` server for PostgreSQL and
//! MySQL, dropped afterwards), which is then introspected.
//!
//! `migrate check` also runs each down file right after its up file and
//! introspects again: the down must give back the state before the up
//! (judged by planning between the two, like the rest of strata), after
//! which the up runs again and the replay goes on.

use miette::miette;

use super::folder::Folder;
use crate::dialect::{self, scratch_name, Dialect, Driver, EmitOptions, RunError};
use crate::ir::{DialectKind, Schema};
use crate::source;

/// The state the folder's migrations give; with `downs`, each down file
/// checked on the way.
pub async fn replay_all(
    scratch: &Scratch,
    f: &Folder,
    downs: Option<(&dyn Dialect, &EmitOptions)>,
) -> miette::Result<Schema> {
    for e in &f.existing {
        let up = f.layout.up_sql(e)?;
        let label = e.up.display().to_string();
        let down = match (downs, f.layout.down_path(e)) {
            (Some(check), Some(path)) => Some((check, path)),
            (Some(_), None) => {
                eprintln!("note: {label} has no down file to check");
                None
            }
            (None, _) => None,
        };
        let Some(((d, options), path)) = down else {
            scratch.run(&label, &up).await?;
            continue;
        };
        let before = scratch.introspect().await?;
        scratch.run(&label, &up).await?;
        let down_label = format!("{} (down)", path.display());
        scratch.run(&down_label, &f.layout.down_sql(&path)?).await?;
        let after = scratch.introspect().await?;
        let m = crate::migration::migration(&after, &before, d, options)?;
        if !m.plan.is_empty() {
            eprint!("{}", crate::report::text::render_plain(&m, d.kind()));
            return Err(miette!(
                code = "strata::migrate::down",
                help = "fix the down file so that it undoes exactly what {label} does",
                "{down_label} does not restore the state before {label}: {} change{} from it back",
                m.plan.steps.len(),
                if m.plan.steps.len() == 1 { "" } else { "s" }
            ));
        }
        scratch.run(&label, &up).await?;
    }
    scratch.introspect().await
}

/// A scratch database being replayed into.
pub struct Scratch {
    driver: &'static dyn Driver,
    scratch: dialect::Scratch,
}

fn db_error(what: &str, e: impl std::fmt::Display) -> miette::Report {
    miette!(code = "strata::migrate::dev_database", "{what}: {e}")
}

impl Scratch {
    pub async fn create(kind: DialectKind, dev_url: Option<&str>) -> miette::Result<Scratch> {
        let driver = dialect::driver(kind);
        if driver.needs_dev_server() && dev_url.is_none() {
            return Err(miette!(
                code = "strata::migrate::dev_url",
                help = "pass --dev-url with a server where strata may create and drop a scratch database, e.g. --dev-url postgres://postgres@localhost/postgres",
                "replaying {kind} migrations needs a scratch database server"
            ));
        }
        let scratch = driver
            .create_scratch(dev_url, &scratch_name("strata_replay"))
            .await?;
        Ok(Scratch { driver, scratch })
    }

    /// Where to connect to the scratch database.
    pub fn url(&self) -> &str {
        &self.scratch.url
    }

    pub async fn introspect(&self) -> miette::Result<Schema> {
        Ok(source::introspect(self.url(), &[]).await?.schema)
    }

    /// Runs one migration file's SQL as the tool would send it.
    pub async fn run(&self, label: &str, sql: &str) -> miette::Result<()> {
        self.driver
            .run_file(&self.scratch.url, sql)
            .await
            .map_err(|e| match e {
                RunError::Connect(e) => db_error("cannot open the scratch database", e),
                RunError::Statement(e) => miette!(
                    code = "strata::migrate::replay",
                    help = "fix or remove that migration; the folder must replay cleanly on an empty database",
                    "migration {label} failed on the scratch database: {e}"
                ),
            })
    }

    /// Removes the scratch database; a failure leaves it behind and says
    /// nothing (the replay's own outcome is what the command reports).
    pub async fn drop(self) {
        let _ = self.driver.drop_scratch(self.scratch).await;
    }
}
