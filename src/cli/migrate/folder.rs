//! A migrations folder opened for `migrate new|check`: it must exist, its
//! layout is the one its files (or its `strata.sum`) are written in, and
//! its files must match the sum.

use std::path::Path;

use miette::miette;

use super::layout::Existing;
use super::sum::{self, Sum};
use super::Layout;

pub struct Folder {
    pub layout: Layout,
    pub existing: Vec<Existing>,
    /// None for a folder without migrations yet.
    pub sum: Option<Sum>,
}

impl Folder {
    pub fn open(dir: &Path, flag: Option<Layout>) -> miette::Result<Folder> {
        let sum = Sum::read(dir)?;
        let layout = resolve_layout(dir, flag, sum.as_ref().and_then(|s| s.layout))?;
        let existing = layout.scan(dir)?;
        match &sum {
            Some(s) => s.verify(dir)?,
            None if !existing.is_empty() => {
                return Err(miette!(
                code = "strata::migrate::no_sum",
                help = "review the migrations, then run `strata migrate hash --dir {}` to sum them",
                "{} has migrations but no {}: nothing tells whether they were edited",
                dir.display(),
                sum::FILE
            ))
            }
            None => {}
        }
        Ok(Folder {
            layout,
            existing,
            sum,
        })
    }
}

/// The folder's layout: the sum's, else the one its file names are
/// written in, else `--layout`, else plain. `--layout` naming another one
/// is an error, as are files of two layouts.
pub fn resolve_layout(
    dir: &Path,
    flag: Option<Layout>,
    from_sum: Option<Layout>,
) -> miette::Result<Layout> {
    if !dir.is_dir() {
        return Err(miette!(
            code = "strata::migrate::dir_not_found",
            help = "check --dir; for a first migration create the folder (mkdir -p {})",
            "migrations folder {} not found",
            dir.display()
        ));
    }
    let (detected, witness) = match from_sum {
        Some(l) => (Some(l), sum::FILE.to_string()),
        None => detect(dir)?.map_or((None, String::new()), |(l, w)| (Some(l), w)),
    };
    match (flag, detected) {
        (Some(f), Some(d)) if f != d => Err(miette!(
            code = "strata::migrate::layout_mismatch",
            help = "drop --layout (the folder's layout is used), or point --dir at another folder",
            "--layout {} does not match {}, which is written in the {} layout ({witness})",
            f.name(),
            dir.display(),
            d.name()
        )),
        (_, Some(d)) => Ok(d),
        (Some(f), None) => Ok(f),
        (None, None) => Ok(Layout::Plain),
    }
}

/// The layout of the migration files in `dir` with a file that shows it.
fn detect(dir: &Path) -> miette::Result<Option<(Layout, String)>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        miette!(
            code = "strata::migrate::io",
            "cannot read {}: {e}",
            dir.display()
        )
    })?;
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut found: Option<(Layout, String)> = None;
    for name in names {
        let Some(l) = Layout::of_file(&name) else {
            continue;
        };
        match &found {
            None => found = Some((l, name)),
            Some((first, witness)) if *first != l => {
                return Err(miette!(
                    code = "strata::migrate::mixed_layouts",
                    help = "keep one tool's migrations per folder",
                    "{} mixes layouts: {witness} is {}, {name} is {}",
                    dir.display(),
                    first.name(),
                    l.name()
                ))
            }
            Some(_) => {}
        }
    }
    Ok(found)
}
