//! `strata fmt`: rewrites schema files in canonical form, keeping their
//! comments and the order of their items; `-` formats standard input to
//! standard output, and `--check` prints what would change as a diff.

use std::io::Read;
use std::path::PathBuf;

use super::Outcome;
use crate::syntax::{self, Diagnostics, SourceFile};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Schema files, or directories (every `*.strata` file below them); `-` reads
    /// standard input and writes the formatted text to standard output.
    #[arg(required = true, value_name = "PATHS")]
    pub paths: Vec<PathBuf>,
    /// Change nothing; print a unified diff of what would change and exit 1 if
    /// anything would.
    #[arg(long)]
    pub check: bool,
}

pub fn run(args: Args) -> miette::Result<Outcome> {
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.paths.len() > 1 {
        return Err(miette::miette!(
            code = "strata::fmt::stdin_with_files",
            help = "run `strata fmt -` on its own, and `strata fmt <paths>` for files",
            "`-` (standard input) cannot be formatted together with files"
        ));
    }
    let files = if stdin {
        vec![read_stdin()?]
    } else {
        syntax::read_paths(&args.paths).map_err(Diagnostics::into_report)?
    };
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    for f in &files {
        match syntax::format_file(f) {
            Ok(out) => changed.push((f, out)),
            Err(d) => errors.extend(d.items),
        }
    }
    if !errors.is_empty() {
        return Err(Diagnostics { items: errors }.into_report());
    }
    if stdin && !args.check {
        super::common::write_output(None, &changed[0].1)?;
        return Ok(Outcome::Success);
    }
    changed.retain(|(f, out)| *out != f.text);
    if args.check {
        return check(&changed);
    }
    for (f, out) in &changed {
        std::fs::write(&f.name, out)
            .map_err(|e| miette::miette!(code = "E0001", "cannot write `{}`: {e}", f.name))?;
        eprintln!("formatted {}", f.name);
    }
    Ok(Outcome::Success)
}

/// Standard input as a schema file named `<stdin>`.
fn read_stdin() -> miette::Result<SourceFile> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| miette::miette!(code = "E0001", "cannot read standard input: {e}"))?;
    Ok(SourceFile::new("<stdin>", text))
}

/// `--check`: a unified diff per file that would change, then exit 1.
fn check(changed: &[(&SourceFile, String)]) -> miette::Result<Outcome> {
    for (f, out) in changed {
        let diff = similar::TextDiff::from_lines(f.text.as_str(), out.as_str());
        let diff = diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{}", f.name), &format!("b/{}", f.name))
            .to_string();
        super::common::write_output(None, &diff)?;
    }
    if changed.is_empty() {
        return Ok(Outcome::Success);
    }
    Err(miette::miette!(
        code = "strata::fmt::check",
        help = "run `strata fmt` on these paths to format them",
        "{} file{} would be reformatted",
        changed.len(),
        if changed.len() == 1 { "" } else { "s" }
    ))
}
