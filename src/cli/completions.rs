//! `strata completions SHELL` and `strata man`: generated at run time
//! from the command-line definition, so that an installed binary (`cargo
//! install` copies nothing else) can always produce the ones that match
//! it — no build step, no files that drift from the flags.

use std::path::PathBuf;

use clap::CommandFactory;
use miette::IntoDiagnostic;

use super::Outcome;

#[derive(Debug, clap::Args)]
pub struct CompletionArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write strata.1 and a page per command (strata-apply.1, …) into this
    /// directory instead of printing strata.1.
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn completions(args: CompletionArgs) -> miette::Result<Outcome> {
    let mut cmd = super::Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "strata", &mut std::io::stdout());
    Ok(Outcome::Success)
}

pub fn man(args: ManArgs) -> miette::Result<Outcome> {
    let cmd = super::Cli::command();
    match args.out {
        Some(dir) => {
            std::fs::create_dir_all(&dir)
                .into_diagnostic()
                .map_err(|e| e.context(format!("cannot create {}", dir.display())))?;
            clap_mangen::generate_to(cmd, &dir)
                .into_diagnostic()
                .map_err(|e| e.context(format!("cannot write man pages to {}", dir.display())))?;
            eprintln!("wrote man pages to {}", dir.display());
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut page)
                .into_diagnostic()?;
            super::common::write_output(None, &String::from_utf8_lossy(&page))?;
        }
    }
    Ok(Outcome::Success)
}
