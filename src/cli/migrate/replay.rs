//! The state a folder of migrations produces: its up files run in order
//! on a scratch database (the dialect's `scratch.rs`: a temporary file for
//! SQLite, a fresh database on the `--dev-url` server for PostgreSQL and
//! MySQL, dropped afterwards), which is then introspected.

use miette::miette;

use crate::dialect::{self, scratch_name, Driver, RunError};
use crate::ir::DialectKind;

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
