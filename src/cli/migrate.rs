//! `strata migrate new|check`: versioned migration files for the tool a
//! team already runs (sqlx, Flyway, golang-migrate, dbmate, or plain SQL).
//!
//! The current state is what the folder's migrations produce, replayed on
//! a scratch database; the desired state is `--to`. `new` writes the next
//! up and down files and sums them into `strata.sum`; `check` fails when
//! the two disagree, when the files no longer match the sum, or when a
//! down file does not undo its up file. `hash` re-sums after an edit.

mod folder;
mod layout;
mod replay;
mod sum;

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
    /// Exit 1 when replaying the folder's migrations does not give --to,
    /// when they do not match strata.sum, or when a down file does not
    /// restore the state before its migration.
    Check(CommonArgs),
    /// Rewrite strata.sum from the files as they are (after an intended
    /// edit of a migration).
    Hash(HashArgs),
}

#[derive(Debug, clap::Args)]
struct HashArgs {
    /// The migrations folder.
    #[arg(long, default_value = "migrations")]
    dir: PathBuf,
    /// The layout; by default the one the files are written in.
    #[arg(long, value_enum)]
    layout: Option<Layout>,
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
    /// The layout (default: the environment's `layout`, then the one the
    /// files already there are written in, plain for an empty folder).
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
    /// `None`: detected from the files already in `dir`.
    layout: Option<Layout>,
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
            (Some(l), _) => Some(l),
            (None, Some(name)) => Some(
                <Layout as clap::ValueEnum>::from_str(name, false)
                    .map_err(|e| miette!(code = "strata::config", "layout `{name}`: {e}"))?,
            ),
            (None, None) => None,
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
    /// (Its id is not `name`, which `--env` takes.)
    #[arg(id = "migration_name", value_name = "NAME")]
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
        Command::Hash(a) => hash(a),
    }
}

/// The passwords of the URLs a migrate command was given.
fn secrets(c: &Common) -> super::common::Secrets {
    super::common::Secrets::of(&[&c.to, c.dev_url.as_deref().unwrap_or("")])
}

/// The migration from the folder's state to `--to`; with `downs`, every
/// down file is also run and must restore the state before its migration.
fn pending(
    c: &Common,
    f: &folder::Folder,
    downs: bool,
) -> miette::Result<(DialectKind, Migration)> {
    let flag = c.dialect.as_deref().map(parse_dialect).transpose()?;
    let rt = super::runtime()?;
    rt.block_on(async {
        let sql = source::SqlSetup {
            dialect: flag,
            dev_url: c.dev_url.as_deref(),
        };
        let desired = source::load_with(&c.to, &[], &sql).await?;
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
        let d = dialect::for_kind(kind);
        let options = c.emit.options(kind);
        let current = if f.existing.is_empty() {
            // Nothing to replay: the state is the empty database.
            crate::ir::Schema {
                dialect: Some(kind),
                ..Default::default()
            }
        } else {
            let scratch = replay::Scratch::create(kind, c.dev_url.as_deref()).await?;
            let check = downs.then_some((d, &options));
            let current = replay::replay_all(&scratch, f, check).await;
            scratch.drop().await;
            current?
        };
        let m = crate::migration::migration(&current, &desired.schema, d, &options)?;
        Ok((kind, m))
    })
}

fn hash(a: HashArgs) -> miette::Result<Outcome> {
    let layout = folder::resolve_layout(&a.dir, a.layout, None)?;
    sum::Sum::compute(&a.dir, layout)?.write(&a.dir)?;
    super::common::write_output(None, &format!("{}\n", a.dir.join(sum::FILE).display()))?;
    Ok(Outcome::Success)
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
    let f = folder::Folder::open(&c.dir, c.layout)?;
    let (kind, m) = pending(c, &f, false)?;
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
    super::server::note_offline(kind, &c.emit.options(kind), &m);
    let layout = f.layout;
    let version = layout.next_version(&f.existing, utc_stamp());
    let d = dialect::for_kind(kind);
    let wrapped =
        layout.wraps_in_transaction() && tool_can_wrap(kind, &m.up) && tool_can_wrap(kind, &m.down);
    let body = |script: &Script| {
        if wrapped {
            bare_statements(script)
        } else {
            crate::report::sql::render(d, script)
        }
    };
    let files = layout.files(
        &c.dir,
        version,
        &name,
        &body(&m.up),
        &body(&m.down),
        wrapped,
    );
    let mut written = Vec::new();
    for (path, text) in &files.files {
        write_new(path, text)?;
        super::common::write_output(None, &format!("{}\n", path.display()))?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        written.push((name.unwrap_or_default(), text.clone()));
    }
    let mut sum = f.sum.unwrap_or_else(|| sum::Sum::empty(layout));
    sum.add(&written, f.existing.last().map(|e| e.version));
    sum.write(&c.dir)?;
    Ok(Outcome::Success)
}

fn check(c: Common) -> miette::Result<Outcome> {
    let f = folder::Folder::open(&c.dir, c.layout)?;
    let (kind, m) = pending(&c, &f, true)?;
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
    let digits: String = crate::dialect::audit::utc_now()
        .chars()
        .filter(|c| c.is_ascii_digit())
        .collect();
    digits.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps() {
        assert!(utc_stamp() > 20_200_101_000_000);
    }
}
