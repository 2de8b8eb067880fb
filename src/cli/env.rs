//! `--env NAME` (or `STRATA_ENV`): the `[env.NAME]` of `strata.toml`
//! (docs/config.md) fills in what a command was not told. A flag given
//! on the command line always wins; the environment's value comes next;
//! the process variables (`DATABASE_URL`, `STRATA_DEV_URL`) and the
//! built-in defaults last.

use miette::miette;

use crate::config::{self, Config, Env};
use crate::plan::hazard::policy::Policy;

/// The flag, shared by every command that reads a database or a schema.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct EnvArgs {
    /// The environment of strata.toml to use (`[env.NAME]`): its url,
    /// schema, dialect, exclude, online, lock_timeout, migration dir and
    /// layout, and hazard levels; flags given here win.
    // Its own id: `migrate new NAME` has a `name` already.
    #[arg(id = "env", long = "env", value_name = "NAME", env = "STRATA_ENV")]
    env_name: Option<String>,
}

/// The configuration a command runs with.
#[derive(Debug, Clone, Default)]
pub struct Selected {
    pub config: Config,
    /// The environment, when one was named.
    pub env: Option<Env>,
}

impl EnvArgs {
    /// Reads `strata.toml` from the working directory (or above) and
    /// picks the named environment.
    pub fn load(&self) -> miette::Result<Selected> {
        let cwd = std::env::current_dir().map_err(|e| {
            miette!(
                code = "strata::config",
                "cannot read the working directory: {e}"
            )
        })?;
        let ids: Vec<&str> = crate::lint::rules::ids().collect();
        let config = config::load(&cwd, &ids)?;
        let env = match self.env_name.as_deref() {
            Some(name) => Some(config.env(name)?.clone()),
            None => None,
        };
        Ok(Selected { config, env })
    }
}

impl Selected {
    /// `--url`, else the environment's `url`, else `$DATABASE_URL`; a
    /// diagnostic when there is none.
    pub fn url(&self, flag: Option<String>) -> miette::Result<String> {
        self.pick(flag, Env::url, "DATABASE_URL")?
            .filter(|u| !u.trim().is_empty())
            .ok_or_else(|| no_url(self))
    }

    /// `--dev-url`, else the environment's `dev_url`, else `$STRATA_DEV_URL`.
    pub fn dev_url(&self, flag: Option<String>) -> miette::Result<Option<String>> {
        self.pick(flag, Env::dev_url, "STRATA_DEV_URL")
    }

    fn pick(
        &self,
        flag: Option<String>,
        from_env: fn(&Env) -> miette::Result<Option<String>>,
        var: &str,
    ) -> miette::Result<Option<String>> {
        if flag.is_some() {
            return Ok(flag);
        }
        if let Some(u) = self.env.as_ref().map(from_env).transpose()?.flatten() {
            return Ok(Some(u));
        }
        Ok(std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
    }

    /// `--to`, else the environment's `schema`.
    pub fn to(&self, flag: Option<String>) -> miette::Result<Option<String>> {
        if flag.is_some() {
            return Ok(flag);
        }
        let Some(env) = &self.env else {
            return Ok(None);
        };
        match env.schema.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one.display().to_string())),
            _ => Err(miette!(
                code = "strata::config::schema",
                help = "put the files in one directory and name it: `schema = \"schemas/\"`",
                "[env.{}] schema names {} paths; strata reads one file or directory",
                env.name,
                env.schema.len()
            )),
        }
    }

    /// The hazard levels: `[hazards]`, then the environment's.
    pub fn policy(&self) -> Policy {
        Policy::new(self.config.hazard_levels(self.env.as_ref()))
    }

    /// `--dialect`, else the environment's `dialect`.
    pub fn dialect(&self, flag: Option<String>) -> Option<String> {
        flag.or_else(|| {
            let d = self.env.as_ref()?.dialect?;
            Some(d.as_str().to_string())
        })
    }
}

/// The diagnostic for a command that needs a database and has none.
fn no_url(selected: &Selected) -> miette::Report {
    let help = match &selected.env {
        Some(env) => format!(
            "pass --url, or set `url = \"postgres://…\"` in [env.{}]",
            env.name
        ),
        None => "pass --url postgres://…, mysql://… or sqlite://path, set DATABASE_URL, \
                 or pick an environment of strata.toml with --env NAME"
            .to_string(),
    };
    miette!(code = "strata::cli::no_url", help = help, "no database URL")
}

/// The diagnostic for a command that needs a desired schema and has none.
pub fn no_to(selected: &Selected) -> miette::Report {
    let help = match &selected.env {
        Some(env) => format!(
            "pass --to, or set `schema = \"schemas/\"` in [env.{}]",
            env.name
        ),
        None => "pass --to with schema files, a directory or a database URL, \
                 or pick an environment of strata.toml with --env NAME"
            .to_string(),
    };
    miette!(
        code = "strata::cli::no_to",
        help = help,
        "no desired schema"
    )
}
