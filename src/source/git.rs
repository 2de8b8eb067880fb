//! `git:REV:PATH` sources: schema files as they were at a git revision,
//! read without touching the working tree, e.g.
//! `strata diff git:origin/main:schemas/ schemas/`.
//!
//! This runs the `git` binary rather than linking a git library: wherever a
//! revision means something (a checkout, a CI job) git is installed, and
//! the binary honours everything the user's repository relies on —
//! worktrees, shallow and partial clones, alternates, `safe.directory`,
//! replace refs — with no large dependency to build. Only plumbing
//! commands with stable output are used (`rev-parse`, `ls-tree`,
//! `cat-file`).

use std::path::{Path, PathBuf};
use std::process::Command;

use miette::miette;

use crate::ir::Schema;
use crate::syntax::SourceFile;

/// A parsed `git:REV:PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitSource {
    pub rev: String,
    /// Relative to the current directory, as for other sources; `.` or
    /// empty means the current directory.
    pub path: String,
}

impl GitSource {
    /// `git:REV:PATH`; the revision ends at the first `:` after `git:`.
    pub fn parse(spec: &str) -> miette::Result<GitSource> {
        let rest = spec.strip_prefix("git:").ok_or_else(|| malformed(spec))?;
        let (rev, path) = rest.split_once(':').ok_or_else(|| malformed(spec))?;
        if rev.is_empty() {
            return Err(malformed(spec));
        }
        Ok(GitSource {
            rev: rev.to_string(),
            path: path.to_string(),
        })
    }
}

fn malformed(spec: &str) -> miette::Report {
    miette!(
        code = "strata::source::git_spec",
        help = "write git:REV:PATH, e.g. git:origin/main:schemas/ or git:HEAD~1:schema.strata",
        "not a git source: {spec}"
    )
}

/// Whether a source names a git revision.
pub fn is_git(source: &str) -> bool {
    source.starts_with("git:")
}

/// The schema files of a git source, run from the current directory.
pub fn read(spec: &str) -> miette::Result<Vec<SourceFile>> {
    read_in(Path::new("."), spec)
}

/// The schema files of a git source, as seen from `dir`: a directory gives
/// every `*.strata` file below it (sorted, as for a directory on disk), a
/// file gives itself.
pub fn read_in(dir: &Path, spec: &str) -> miette::Result<Vec<SourceFile>> {
    let src = GitSource::parse(spec)?;
    let git = Git { dir: dir.into() };
    git.check_repository()?;
    let commit = git.resolve(&src.rev)?;
    let path = if src.path.is_empty() {
        "."
    } else {
        src.path.as_str()
    };
    let listed = git.run(&[
        "ls-tree",
        "-r",
        "-z",
        "--full-name",
        "--name-only",
        &commit,
        "--",
        path,
    ])?;
    let mut names: Vec<&str> = listed.split('\0').filter(|n| !n.is_empty()).collect();
    if names.is_empty() {
        return Err(miette!(
            code = "strata::source::git_path",
            help = format!(
                "check the path at that revision: git ls-tree -r --name-only {} -- {path}",
                src.rev
            ),
            "`{path}` does not exist at revision `{}`",
            src.rev
        ));
    }
    // A single file is taken whatever its name; a directory gives its
    // schema files only.
    let single = names.len() == 1
        && !src.path.ends_with('/')
        && names[0].ends_with(path.trim_start_matches("./"));
    if !single {
        names.retain(|n| n.ends_with(".strata"));
        if names.is_empty() {
            return Err(miette!(
                code = "strata::source::git_empty",
                help = "a directory source reads the *.strata files below it",
                "no *.strata files under `{path}` at revision `{}`",
                src.rev
            ));
        }
    }
    names.sort_unstable();
    names
        .into_iter()
        .map(|name| {
            let bytes = git.run_bytes(&["cat-file", "blob", &format!("{commit}:{name}")])?;
            let text = String::from_utf8(bytes).map_err(|_| {
                miette!(
                    code = "strata::source::utf8",
                    help = "schema files are UTF-8 text",
                    "`{name}` at revision `{}` is not valid UTF-8",
                    src.rev
                )
            })?;
            Ok(SourceFile {
                name: format!("git:{}:{name}", src.rev),
                text,
            })
        })
        .collect()
}

/// Reads and parses a git source as one schema.
pub fn load(spec: &str) -> miette::Result<Schema> {
    let files = read(spec)?;
    crate::syntax::parse(&files)
}

/// The schema source text behind a source, for the preview's unified
/// diff: a git source's files, or a schema file or directory on disk, each
/// file under a `// file: NAME` line, in sorted order. `None` for a
/// database URL (it has no source text) or an unreadable path.
pub fn source_text(source: &str) -> Option<String> {
    let files: Vec<SourceFile> = if is_git(source) {
        read(source).ok()?
    } else if crate::url::dialect_of_url(source).is_some() {
        return None;
    } else {
        files_on_disk(Path::new(source))?
    };
    if let [one] = files.as_slice() {
        return Some(one.text.clone());
    }
    let mut out = String::new();
    for f in files {
        // Names without the revision, so that both sides of a diff match.
        let name = match GitSource::parse(&f.name) {
            Ok(g) => g.path,
            Err(_) => f.name.clone(),
        };
        out.push_str(&format!("// file: {name}\n"));
        out.push_str(&f.text);
        if !f.text.ends_with('\n') {
            out.push('\n');
        }
    }
    Some(out)
}

fn files_on_disk(path: &Path) -> Option<Vec<SourceFile>> {
    if path.is_file() {
        let text = std::fs::read_to_string(path).ok()?;
        return Some(vec![SourceFile {
            name: path.display().to_string(),
            text,
        }]);
    }
    let mut found = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "strata") {
                found.push(p);
            }
        }
    }
    found.sort();
    found
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            // Relative to the repository root where git would name it.
            let name = p.display().to_string();
            Some(SourceFile { name, text })
        })
        .collect()
}

struct Git {
    dir: PathBuf,
}

impl Git {
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new("git");
        c.current_dir(&self.dir)
            .args(args)
            // Never prompt, never page, same output in every locale.
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_PAGER", "cat")
            .env("LC_ALL", "C");
        c
    }

    fn run_bytes(&self, args: &[&str]) -> miette::Result<Vec<u8>> {
        let out = self.command(args).output().map_err(|e| {
            miette!(
                code = "strata::source::git_missing",
                help = "install git, or check the files out and pass their path",
                "cannot run git: {e}"
            )
        })?;
        if !out.status.success() {
            return Err(miette!(
                code = "strata::source::git_failed",
                "git {} failed: {}",
                args.first().copied().unwrap_or(""),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(out.stdout)
    }

    fn run(&self, args: &[&str]) -> miette::Result<String> {
        Ok(String::from_utf8_lossy(&self.run_bytes(args)?).into_owned())
    }

    fn check_repository(&self) -> miette::Result<()> {
        let out = self
            .command(&["rev-parse", "--is-inside-work-tree"])
            .output()
            .map_err(|e| {
                miette!(
                    code = "strata::source::git_missing",
                    help = "install git, or check the files out and pass their path",
                    "cannot run git: {e}"
                )
            })?;
        if out.status.success() {
            return Ok(());
        }
        Err(miette!(
            code = "strata::source::not_a_repository",
            help = "run strata inside the repository, or check the files out and pass their path",
            "a git:REV:PATH source needs a git repository, and {} is not inside one",
            self.dir.display()
        ))
    }

    /// The commit a revision names.
    fn resolve(&self, rev: &str) -> miette::Result<String> {
        let out = self
            .command(&[
                "rev-parse",
                "--verify",
                "--quiet",
                "--end-of-options",
                &format!("{rev}^{{commit}}"),
            ])
            .output()
            .map_err(|e| miette!(code = "strata::source::git_missing", "cannot run git: {e}"))?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).trim().to_string());
        }
        Err(miette!(
            code = "strata::source::git_revision",
            help = "name a branch, tag or commit that exists here (in CI, fetch it first: git fetch origin main)",
            "unknown git revision `{rev}`"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        assert_eq!(
            GitSource::parse("git:origin/main:schemas/").ok(),
            Some(GitSource {
                rev: "origin/main".into(),
                path: "schemas/".into()
            })
        );
        assert_eq!(
            GitSource::parse("git:HEAD~1:").ok().map(|g| g.path),
            Some(String::new())
        );
        assert!(GitSource::parse("git:main").is_err());
        assert!(GitSource::parse("git::x").is_err());
        assert!(is_git("git:a:b") && !is_git("schemas/"));
    }
}
