//! `strata.sum`, the checksum file that makes a migrations folder
//! trustworthy (after Atlas's `atlas.sum`).
//!
//! ```text
//! strata.sum v1 layout=sqlx h1:<sha256 of the lines below>
//! 20260101120000_init.down.sql h1:<sha256> parent=-
//! 20260101120000_init.up.sql h1:<sha256> parent=-
//! 20260102090000_orders.up.sql h1:<sha256> parent=20260101120000
//! ```
//!
//! One line per migration file (`*.sql`, `*.sql.conf`), ordered by
//! version then name, with the version of the migration it was written
//! after. An edited or removed file no longer matches its line; a file
//! that is not listed was not written here; and two migrations written
//! on two branches from the same parent both name that parent, which
//! after the merge only one of them can follow.

use std::collections::BTreeMap;
use std::path::Path;

use miette::miette;
use sha2::{Digest, Sha256};

use super::Layout;

pub const FILE: &str = "strata.sum";
const MAGIC: &str = "strata.sum v1";

/// One listed file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Line {
    file: String,
    hash: String,
    parent: Option<u64>,
}

/// A parsed (or freshly computed) sum file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sum {
    pub layout: Option<Layout>,
    lines: Vec<Line>,
    /// The header's hash of the lines does not match them: the file was
    /// edited by hand (or a merge conflict in it resolved by hand).
    hand_edited: bool,
}

/// The version a migration file carries: its leading digits, after
/// Flyway's `V`/`U` prefix.
pub fn version_of(file: &str) -> Option<u64> {
    let digits: String = file
        .strip_prefix(['V', 'U'])
        .unwrap_or(file)
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

fn is_migration_file(name: &str) -> bool {
    (name.ends_with(".sql") || name.ends_with(".sql.conf")) && version_of(name).is_some()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn io_error(path: &Path, e: std::io::Error) -> miette::Report {
    miette!(
        code = "strata::migrate::io",
        "cannot read {}: {e}",
        path.display()
    )
}

/// The migration files in `dir` with their hashes, ordered by version
/// then name.
fn files_in(dir: &Path) -> miette::Result<Vec<(String, String)>> {
    let entries = std::fs::read_dir(dir).map_err(|e| io_error(dir, e))?;
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_migration_file(&name) {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| io_error(&entry.path(), e))?;
        out.push((name, sha256(&bytes)));
    }
    out.sort_by(|a, b| (version_of(&a.0), &a.0).cmp(&(version_of(&b.0), &b.0)));
    Ok(out)
}

impl Sum {
    pub fn empty(layout: Layout) -> Sum {
        Sum {
            layout: Some(layout),
            lines: Vec::new(),
            hand_edited: false,
        }
    }

    /// The sum of the files in `dir` as they are now, each migration's
    /// parent the one before it.
    pub fn compute(dir: &Path, layout: Layout) -> miette::Result<Sum> {
        let files = files_in(dir)?;
        let mut versions: Vec<u64> = files.iter().filter_map(|f| version_of(&f.0)).collect();
        versions.dedup();
        let lines = files
            .into_iter()
            .map(|(file, hash)| {
                let v = version_of(&file);
                let parent = versions
                    .iter()
                    .take_while(|p| Some(**p) != v)
                    .last()
                    .copied();
                Line { file, hash, parent }
            })
            .collect();
        Ok(Sum {
            layout: Some(layout),
            lines,
            hand_edited: false,
        })
    }

    /// The sum in `dir`, or None when there is none.
    pub fn read(dir: &Path) -> miette::Result<Option<Sum>> {
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(&path, e)),
        };
        parse(&text).map(Some).map_err(|(line, what)| {
            miette!(
                code = "strata::migrate::sum_syntax",
                help = "a merge conflict in strata.sum? Keep the migrations you want, then run `strata migrate hash --dir …` to re-sum them",
                "{}:{line}: {what}",
                path.display()
            )
        })
    }

    pub fn write(&self, dir: &Path) -> miette::Result<()> {
        let path = dir.join(FILE);
        std::fs::write(&path, self.render()).map_err(|e| {
            miette!(
                code = "strata::migrate::io",
                "cannot write {}: {e}",
                path.display()
            )
        })
    }

    fn body(&self) -> String {
        let mut out = String::new();
        for l in &self.lines {
            let parent = l.parent.map_or("-".to_string(), |p| p.to_string());
            out.push_str(&format!("{} h1:{} parent={parent}\n", l.file, l.hash));
        }
        out
    }

    fn render(&self) -> String {
        let body = self.body();
        let layout = self
            .layout
            .map(|l| format!(" layout={}", l.name()))
            .unwrap_or_default();
        format!("{MAGIC}{layout} h1:{}\n{body}", sha256(body.as_bytes()))
    }

    /// Appends the files of a migration just written (`new`), after the
    /// ones already listed.
    pub fn add(&mut self, files: &[(String, String)], parent: Option<u64>) {
        for (file, text) in files {
            self.lines.push(Line {
                file: file.clone(),
                hash: sha256(text.as_bytes()),
                parent,
            });
        }
        self.lines
            .sort_by(|a, b| (version_of(&a.file), &a.file).cmp(&(version_of(&b.file), &b.file)));
    }

    /// Checks the files in `dir` against this sum: every error found,
    /// each naming its files.
    pub fn verify(&self, dir: &Path) -> miette::Result<()> {
        let on_disk: BTreeMap<String, String> = files_in(dir)?.into_iter().collect();
        let mut problems = Vec::new();
        for l in &self.lines {
            match on_disk.get(&l.file) {
                None => problems.push(format!("{} was removed", l.file)),
                Some(h) if *h != l.hash => problems.push(format!("{} was edited", l.file)),
                Some(_) => {}
            }
        }
        let listed: std::collections::BTreeSet<&str> =
            self.lines.iter().map(|l| l.file.as_str()).collect();
        for f in on_disk.keys() {
            if !listed.contains(f.as_str()) {
                problems.push(format!("{f} is not in {FILE}"));
            }
        }
        problems.extend(self.forks());
        if self.hand_edited {
            problems.push(format!(
                "{FILE} was edited by hand: its header's hash does not match its lines"
            ));
        }
        if problems.is_empty() {
            return Ok(());
        }
        Err(miette!(
            code = "strata::migrate::sum",
            help = "a migration already written may have been applied somewhere: add a new migration instead of changing it. \
                    After an intended edit, run `strata migrate hash --dir …` to re-sum the folder; \
                    for migrations written on two branches, remove yours, merge, and write it again with `strata migrate new`",
            "the migrations in {} do not match {FILE}:\n  {}",
            dir.display(),
            problems.join("\n  ")
        ))
    }

    /// Migrations that do not follow the one before them: two written
    /// from the same parent on two branches. Each migration is named by
    /// its up file.
    fn forks(&self) -> Vec<String> {
        let mut migrations: Vec<(u64, &Line)> = Vec::new();
        for l in &self.lines {
            let Some(v) = version_of(&l.file) else {
                continue;
            };
            match migrations.last_mut() {
                Some(last) if last.0 == v => {
                    if is_up(&l.file) && !is_up(&last.1.file) {
                        last.1 = l;
                    }
                }
                _ => migrations.push((v, l)),
            }
        }
        let named = |v: Option<u64>| match v {
            None => "the empty folder".to_string(),
            Some(v) => migrations
                .iter()
                .find(|m| m.0 == v)
                .map_or(format!("{v} (not in the folder)"), |m| m.1.file.clone()),
        };
        let mut out = Vec::new();
        for (i, (_, this)) in migrations.iter().enumerate() {
            let prev = i.checked_sub(1).map(|p| migrations[p]);
            if this.parent == prev.map(|p| p.0) {
                continue;
            }
            let twin = match prev {
                Some((_, p)) if p.parent == this.parent => {
                    format!("; so was {} (two branches?)", p.file)
                }
                _ => String::new(),
            };
            out.push(format!(
                "{} was written after {}{twin}",
                this.file,
                named(this.parent)
            ));
        }
        out
    }
}

/// Whether a migration file is the up direction (dbmate's single file
/// counts as up).
fn is_up(file: &str) -> bool {
    !file.ends_with(".down.sql") && !file.ends_with(".conf") && !file.starts_with('U')
}

/// `(line number, what is wrong)` on a malformed sum file.
fn parse(text: &str) -> Result<Sum, (usize, String)> {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("");
    let rest = header
        .strip_prefix(MAGIC)
        .ok_or((1, format!("expected `{MAGIC} … h1:…`")))?;
    let mut layout = None;
    let mut total = None;
    for word in rest.split_whitespace() {
        if let Some(l) = word.strip_prefix("layout=") {
            layout = Some(Layout::from_name(l).ok_or((1, format!("unknown layout `{l}`")))?);
        } else if let Some(h) = word.strip_prefix("h1:") {
            total = Some(h.to_string());
        } else {
            return Err((1, format!("unexpected `{word}`")));
        }
    }
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        let n = i + 2;
        let bad = || {
            (
                n,
                format!("expected `FILE h1:HASH parent=VERSION`, found `{line}`"),
            )
        };
        let mut words = line.split_whitespace();
        let (Some(file), Some(hash), Some(parent), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            return Err(bad());
        };
        let hash = hash.strip_prefix("h1:").ok_or_else(bad)?;
        let parent = match parent.strip_prefix("parent=").ok_or_else(bad)? {
            "-" => None,
            p => Some(p.parse().map_err(|_| bad())?),
        };
        out.push(Line {
            file: file.to_string(),
            hash: hash.to_string(),
            parent,
        });
    }
    let mut sum = Sum {
        layout,
        lines: out,
        hand_edited: false,
    };
    sum.hand_edited = total.as_deref() != Some(sha256(sum.body().as_bytes()).as_str());
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(version_of("V12__x.sql"), Some(12));
        assert_eq!(version_of("U3__x.sql.conf"), Some(3));
        assert_eq!(version_of("0001_x.up.sql"), Some(1));
        assert_eq!(version_of("README.md"), None);
        assert!(!is_migration_file("notes.txt"));
    }

    fn sum(lines: &[(&str, Option<u64>)]) -> Sum {
        Sum {
            layout: Some(Layout::Plain),
            lines: lines
                .iter()
                .map(|(f, p)| Line {
                    file: f.to_string(),
                    hash: "00".into(),
                    parent: *p,
                })
                .collect(),
            hand_edited: false,
        }
    }

    #[test]
    fn round_trip() {
        let s = sum(&[("0001_a.up.sql", None), ("0002_b.up.sql", Some(1))]);
        assert_eq!(parse(&s.render()), Ok(s));
    }

    #[test]
    fn hand_edit_is_caught() {
        let s = sum(&[("0001_a.up.sql", None)])
            .render()
            .replace("h1:00", "h1:01");
        assert!(parse(&s).is_ok_and(|s| s.hand_edited));
    }

    #[test]
    fn two_branches_from_one_parent() {
        let s = sum(&[
            ("1_a.up.sql", None),
            ("2_b.up.sql", Some(1)),
            ("3_c.up.sql", Some(1)),
        ]);
        let forks = s.forks();
        assert_eq!(forks.len(), 1, "{forks:?}");
        assert!(forks[0].contains("3_c.up.sql") && forks[0].contains("2_b.up.sql"));
        assert!(sum(&[("1_a.up.sql", None), ("2_b.up.sql", Some(1))])
            .forks()
            .is_empty());
    }
}
