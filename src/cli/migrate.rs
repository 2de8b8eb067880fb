//! `strata migrate new|check`: versioned migration files for the tool a
//! team already runs (sqlx, Flyway, golang-migrate, dbmate, or plain SQL).
//!
//! The current state is what the folder's migrations produce, replayed on
//! a scratch database; the desired state is `--to`. `new` writes the next
//! up and down files; `check` fails when the two disagree.

mod layout;
mod replay;

use std::path::{Path, PathBuf};

use miette::miette;

use super::common::{parse_dialect, warn_all, EmitArgs};
use super::Outcome;
use crate::dialect::{self, Script};
use crate::ir::DialectKind;
use crate::migration::Migration;
use crate::source;

pub use layout::Layout;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Write the next migration (up and down) that takes the folder's
    /// state to --to.
    New(NewArgs),
    /// Exit 1 when replaying the folder's migrations does not give --to.
    Check(CommonArgs),
}

#[derive(Debug, clap::Args)]
struct CommonArgs {
    /// The desired schema: files, a directory, git:REV:PATH, or a database
    /// URL (default: the environment's `schema`).
    #[arg(long)]
    to: Option<String>,
    /// The migrations folder (default: the environment's `dir`, then
    /// `migrations`).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// The migration tool's layout (default: the environment's `layout`,
    /// then plain).
    #[arg(long, value_enum)]
    layout: Option<Layout>,
    /// The dialect, when --to does not say it.
    #[arg(long, value_name = "D")]
    dialect: Option<String>,
    /// A server where a scratch database may be created and dropped
    /// (PostgreSQL and MySQL; SQLite replays into a temporary file).
    /// Default: the environment's `dev_url`, then $STRATA_DEV_URL.
    #[arg(long, value_name = "URL")]
    dev_url: Option<String>,
    #[command(flatten)]
    emit: EmitArgs,
    #[command(flatten)]
    env: super::env::EnvArgs,
}

/// The flags with the environment's values filled in.
#[derive(Debug)]
struct Common {
    to: String,
    dir: PathBuf,
    layout: Layout,
    dialect: Option<String>,
    dev_url: Option<String>,
    emit: EmitArgs,
}

impl CommonArgs {
    fn resolve(self) -> miette::Result<Common> {
        let selected = self.env.load()?;
        let env = selected.env.as_ref();
        let to = selected
            .to(self.to)?
            .ok_or_else(|| super::env::no_to(&selected))?;
        let layout = match (self.layout, env.and_then(|e| e.layout.as_deref())) {
            (Some(l), _) => l,
            (None, Some(name)) => <Layout as clap::ValueEnum>::from_str(name, false)
                .map_err(|e| miette!(code = "strata::config", "layout `{name}`: {e}"))?,
            (None, None) => Layout::Plain,
        };
        let mut emit = self.emit;
        emit.with_env(env)?;
        Ok(Common {
            to,
            dir: self
                .dir
                .or_else(|| env.and_then(|e| e.dir.clone()))
                .unwrap_or_else(|| PathBuf::from("migrations")),
            layout,
            dialect: selected.dialect(self.dialect),
            dev_url: selected.dev_url(self.dev_url)?,
            emit,
        })
    }
}

#[derive(Debug, clap::Args)]
struct NewArgs {
    /// What the migration does, e.g. add_orders (used in the file names).
    name: String,
    #[command(flatten)]
    common: CommonArgs,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    match args.command {
        Command::New(a) => {
            let common = a.common.resolve()?;
            let secrets = secrets(&common);
            secrets.scrub(new(&a.name, &common))
        }
        Command::Check(a) => {
            let common = a.resolve()?;
            let secrets = secrets(&common);
            secrets.scrub(check(common))
        }
    }
}

/// The passwords of the URLs a migrate command was given.
fn secrets(c: &Common) -> super::common::Secrets {
    super::common::Secrets::of(&[&c.to, c.dev_url.as_deref().unwrap_or("")])
}

/// The migration from the folder's state to `--to`.
fn pending(c: &Common) -> miette::Result<(DialectKind, Migration)> {
    let flag = c.dialect.as_deref().map(parse_dialect).transpose()?;
    let existing = c.layout.scan(&c.dir)?;
    let rt = super::runtime()?;
    rt.block_on(async {
        let desired = source::load(&c.to, &[]).await?;
        warn_all(&desired.warnings);
        let kind = match (flag, desired.dialect) {
            (Some(f), _) => f,
            (None, Some(d)) => d,
            (None, None) => {
                return Err(miette!(
                    code = "strata::cli::no_dialect",
                    help = "pass --dialect postgres|mysql|sqlite, or declare `dialect …` in the schema files",
                    "cannot tell which dialect the migrations are for"
                ))
            }
        };
        let scratch = replay::Scratch::create(kind, c.dev_url.as_deref()).await?;
        let current = replay_all(&scratch, c.layout, &existing).await;
        scratch.drop().await;
        let current = current?;
        let d = dialect::for_kind(kind);
        let m = crate::migration::migration(&current, &desired.schema, d, &c.emit.options())?;
        Ok((kind, m))
    })
}

async fn replay_all(
    scratch: &replay::Scratch,
    layout: Layout,
    existing: &[layout::Existing],
) -> miette::Result<crate::ir::Schema> {
    for e in existing {
        let sql = layout.up_sql(e)?;
        scratch.run(&e.up.display().to_string(), &sql).await?;
    }
    let found = source::introspect(scratch.url(), &[]).await?;
    Ok(found.schema)
}

fn new(given_name: &str, c: &Common) -> miette::Result<Outcome> {
    let name = layout::slug(given_name);
    if name.is_empty() {
        return Err(miette!(
            code = "strata::migrate::name",
            help = "use letters and digits, e.g. add_orders",
            "`{given_name}` is not usable as a migration name"
        ));
    }
    let (kind, m) = pending(c)?;
    if m.plan.is_empty() {
        eprintln!(
            "No changes: the migrations in {} already give the schema.",
            c.dir.display()
        );
        return Ok(Outcome::Success);
    }
    for h in m.destructive() {
        eprintln!("warning: destructive: {}", h.message);
    }
    let existing = c.layout.scan(&c.dir)?;
    let version = c.layout.next_version(&existing, utc_stamp());
    let d = dialect::for_kind(kind);
    let wrapped = c.layout.wraps_in_transaction()
        && tool_can_wrap(kind, &m.up)
        && tool_can_wrap(kind, &m.down);
    let body = |script: &Script| {
        if wrapped {
            bare_statements(script)
        } else {
            crate::report::sql::render(d, script)
        }
    };
    let files = c.layout.files(
        &c.dir,
        version,
        &name,
        &body(&m.up),
        &body(&m.down),
        wrapped,
    );
    std::fs::create_dir_all(&c.dir).map_err(|e| {
        miette!(
            code = "strata::migrate::io",
            "cannot create {}: {e}",
            c.dir.display()
        )
    })?;
    for (path, text) in &files.files {
        write_new(path, text)?;
        println!("{}", path.display());
    }
    Ok(Outcome::Success)
}

fn check(c: Common) -> miette::Result<Outcome> {
    let (kind, m) = pending(&c)?;
    if m.plan.is_empty() {
        eprintln!(
            "The migrations in {} give the schema {}.",
            c.dir.display(),
            c.to
        );
        return Ok(Outcome::Success);
    }
    eprint!("{}", crate::report::text::render_plain(&m, kind));
    Err(miette!(
        code = "strata::migrate::drift",
        help = "write the missing migration with `strata migrate new NAME --to … --dir …`",
        "the migrations in {} do not give the schema {}: {} change{} missing",
        c.dir.display(),
        c.to,
        m.plan.steps.len(),
        if m.plan.steps.len() == 1 { "" } else { "s" }
    ))
}

/// Whether a migration tool may run the script inside one transaction of
/// its own: every phase is transactional, and on SQLite there is nothing
/// that must run outside a transaction (the pragmas around a rebuild).
fn tool_can_wrap(kind: DialectKind, script: &Script) -> bool {
    let all_tx = script.phases.iter().all(|p| p.transactional);
    let pragmas = kind == DialectKind::Sqlite
        && script.statements().any(|s| {
            s.sql
                .trim_start()
                .to_ascii_uppercase()
                .starts_with("PRAGMA")
        });
    all_tx && !pragmas && kind != DialectKind::Mysql
}

/// Statements with their hazard comments, without transaction control:
/// for tools that wrap each file in their own transaction.
fn bare_statements(script: &Script) -> String {
    let mut out = String::new();
    for s in script.statements() {
        for h in &s.hazards {
            out.push_str(&format!("-- hazard: {}: {}\n", h.kind.as_str(), h.message));
        }
        out.push_str(&s.sql);
        out.push_str(";\n");
    }
    out
}

fn write_new(path: &Path, text: &str) -> miette::Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            miette!(
                code = "strata::migrate::io",
                help = "a migration file is never overwritten",
                "cannot create {}: {e}",
                path.display()
            )
        })?;
    f.write_all(text.as_bytes()).map_err(|e| {
        miette!(
            code = "strata::migrate::io",
            "cannot write {}: {e}",
            path.display()
        )
    })
}

/// The current UTC time as `YYYYMMDDHHMMSS`.
fn utc_stamp() -> u64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    let stamp = format!(
        "{y:04}{m:02}{d:02}{:02}{:02}{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    );
    stamp.parse().unwrap_or(0)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
/// algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert!(utc_stamp() > 20_200_101_000_000);
    }
}
