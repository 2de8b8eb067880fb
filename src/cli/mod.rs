//! The command line: argument parsing and one file per command. Commands
//! return `miette::Result`; only this module turns results into exit codes
//! (0 success, 1 error, 2 "changes exist" under `--exit-code`).

mod apply;
mod apply_saved;
mod check;
mod cluster;
mod color;
mod common;
mod completions;
mod diff;
mod drift;
mod env;
mod exclude;
mod export;
mod fleet;
mod fmt;
mod gc;
mod graph;
mod history;
mod import;
mod inspect;
mod interrupt;
mod lint;
mod migrate;
mod plan;
mod planning;
mod preflight;
mod progress;
mod rehearse;
mod server;
mod sizes;
mod sources;
mod targets;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "strata",
    version,
    about = "Declarative schema-as-code: schema files in, migration SQL out"
)]
struct Cli {
    /// Colour in diagnostics and summaries: `auto` on a terminal when
    /// NO_COLOR is unset.
    #[arg(long, global = true, value_enum, default_value_t = color::Color::Auto)]
    color: color::Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Rewrite schema files in place in canonical form (`-`: stdin to stdout);
    /// --check changes nothing, prints a diff and exits 1 if a file would change.
    Fmt(fmt::Args),
    /// Parse and validate a schema (files, git:REV:PATH or a database); print
    /// diagnostics, change nothing (rules: `strata lint`).
    Check(check::Args),
    /// Check a schema against rules (docs/lint.md): findings as text, JSON or SARIF.
    Lint(lint::Args),
    /// Print a live database as schema source (or its IR as JSON/YAML).
    Inspect(inspect::Args),
    /// Print the SQL that takes the database at --url to the schema --to.
    Plan(plan::Args),
    /// Print the changes between any two sources (files, git:REV:PATH, databases);
    /// changes nothing.
    Diff(diff::Args),
    /// Change the database at --url to the schema --to: plan, show, ask, then run
    /// the SQL.
    Apply(apply::Args),
    /// Say which databases of a fleet differ from the schema (exit 2).
    Drift(drift::Args),
    /// Print the IR of a schema (files, git:REV:PATH or a database) as JSON or YAML,
    /// for other tools.
    Export(export::Args),
    /// Print the schema as an entity-relationship diagram.
    Graph(graph::Args),
    /// Run the plan on a scratch copy filled with generated rows: each statement's
    /// time, locks and rewrites, estimated at the live row counts (PostgreSQL).
    Rehearse(rehearse::Args),
    /// Convert SQL files once into schema source (via a scratch database).
    Import(import::Args),
    /// Write or check versioned migration files (sqlx, Flyway, golang-migrate, dbmate, plain).
    Migrate(migrate::Args),
    /// List the applies recorded in the database (who, when, plan, SQL, outcome).
    History(history::Args),
    /// Drop the tables `--keep-dropped` moved aside, older than an age.
    Gc(gc::Args),
    /// Print the shell completion script for bash, zsh, fish, powershell or elvish.
    Completions(completions::CompletionArgs),
    /// Print strata's man page (or write a page per command with -o DIR).
    Man(completions::ManArgs),
}

/// How a successful command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Only under `--exit-code`: there are changes (exit 2).
    Changes,
}

pub fn main() -> ExitCode {
    // clap's own exit code for a usage error is 2, which `--exit-code`
    // gives to "changes exist": a mistyped flag must not look like that.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    cli.color.install();
    let result = match cli.command {
        Command::Fmt(a) => fmt::run(a),
        Command::Check(a) => check::run(a),
        Command::Lint(a) => lint::run(a),
        Command::Inspect(a) => inspect::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Apply(a) => apply::run(a),
        Command::Drift(a) => drift::run(a),
        Command::Export(a) => export::run(a),
        Command::Graph(a) => graph::run(a),
        Command::Import(a) => import::run(a),
        Command::Rehearse(a) => rehearse::run(a),
        Command::Migrate(a) => migrate::run(a),
        Command::History(a) => history::run(a),
        Command::Gc(a) => gc::run(a),
        Command::Completions(a) => completions::completions(a),
        Command::Man(a) => completions::man(a),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Changes) => ExitCode::from(2),
        Err(report) => {
            eprintln!("{report:?}");
            ExitCode::from(1)
        }
    }
}

#[allow(dead_code)] // used by the database commands as they land
/// The one tokio runtime, for commands that talk to a database.
pub(crate) fn runtime() -> miette::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| miette::miette!("cannot start the async runtime: {e}"))
}

#[cfg(test)]
mod tests {
    /// clap's own consistency checks (unique argument ids, …), which
    /// otherwise fire only when the command is run.
    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
