//! How each migration tool names and shapes its files.
//!
//! | layout | files | version | transaction |
//! | --- | --- | --- | --- |
//! | sqlx | `V_name.up.sql`, `V_name.down.sql` | UTC `YYYYMMDDHHMMSS` | the tool wraps each file; `-- no-transaction` opts out |
//! | flyway | `V<n>__name.sql`, `U<n>__name.sql` | 1, 2, 3… | the tool wraps each file; `V<n>__name.sql.conf` with `executeInTransaction=false` opts out |
//! | golang-migrate | `V_name.up.sql`, `V_name.down.sql` | `000001`… | none: the file carries `BEGIN`/`COMMIT` |
//! | dbmate | `V_name.sql` with `-- migrate:up` / `-- migrate:down` | UTC `YYYYMMDDHHMMSS` | the tool wraps each section; `transaction:false` opts out |
//! | plain | `V_name.up.sql`, `V_name.down.sql` | `0001`… | none: the file is what `strata plan` prints |

use std::path::{Path, PathBuf};

use miette::miette;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    Sqlx,
    Flyway,
    GolangMigrate,
    Dbmate,
    Plain,
}

/// One migration found in the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub version: u64,
    pub name: String,
    pub up: PathBuf,
}

/// A new migration, ready to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFiles {
    pub files: Vec<(PathBuf, String)>,
}

impl Layout {
    /// The name `--layout` takes.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Sqlx => "sqlx",
            Layout::Flyway => "flyway",
            Layout::GolangMigrate => "golang-migrate",
            Layout::Dbmate => "dbmate",
            Layout::Plain => "plain",
        }
    }

    pub fn from_name(name: &str) -> Option<Layout> {
        use clap::ValueEnum;
        Layout::value_variants()
            .iter()
            .copied()
            .find(|l| l.name() == name)
    }

    /// The layout a migration file's name is written in, when it tells:
    /// Flyway's `V<n>__`, dbmate's single `.sql`, and for `.up.sql` the
    /// width of the version (14: a sqlx timestamp, 6: golang-migrate).
    pub fn of_file(file: &str) -> Option<Layout> {
        let digits = |s: &str| s.chars().take_while(|c| c.is_ascii_digit()).count();
        if let Some(rest) = file.strip_prefix('V') {
            if digits(rest) > 0 && rest[digits(rest)..].starts_with("__") && file.ends_with(".sql")
            {
                return Some(Layout::Flyway);
            }
        }
        let n = digits(file);
        if n == 0 || !file[n..].starts_with('_') {
            return None;
        }
        if file.ends_with(".up.sql") {
            return Some(match n {
                14 => Layout::Sqlx,
                6 => Layout::GolangMigrate,
                _ => Layout::Plain,
            });
        }
        (file.ends_with(".sql") && !file.ends_with(".down.sql")).then_some(Layout::Dbmate)
    }

    /// Whether the tool runs each file inside a transaction of its own.
    pub fn wraps_in_transaction(self) -> bool {
        matches!(self, Layout::Sqlx | Layout::Flyway | Layout::Dbmate)
    }

    fn timestamped(self) -> bool {
        matches!(self, Layout::Sqlx | Layout::Dbmate)
    }

    /// The migrations in `dir`, oldest first. A missing folder is empty.
    pub fn scan(self, dir: &Path) -> miette::Result<Vec<Existing>> {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(miette!(
                    code = "strata::migrate::io",
                    "cannot read {}: {e}",
                    dir.display()
                ))
            }
        };
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some((version, name)) = self.parse_up_name(&file) {
                found.push(Existing {
                    version,
                    name,
                    up: entry.path(),
                });
            }
        }
        found.sort_by_key(|e| e.version);
        for pair in found.windows(2) {
            if pair[0].version == pair[1].version {
                return Err(miette!(
                    code = "strata::migrate::duplicate_version",
                    help = "give each migration its own version",
                    "two migrations share version {}: {} and {}",
                    pair[0].version,
                    pair[0].up.display(),
                    pair[1].up.display()
                ));
            }
        }
        Ok(found)
    }

    /// `(version, name)` when `file` is an up migration of this layout.
    fn parse_up_name(self, file: &str) -> Option<(u64, String)> {
        let (version, rest) = match self {
            Layout::Flyway => {
                let rest = file.strip_prefix('V')?.strip_suffix(".sql")?;
                let (v, name) = rest.split_once("__")?;
                (v, name.to_string())
            }
            Layout::Dbmate => {
                let rest = file.strip_suffix(".sql")?;
                let (v, name) = rest.split_once('_')?;
                (v, name.to_string())
            }
            Layout::Sqlx | Layout::GolangMigrate | Layout::Plain => {
                let rest = file.strip_suffix(".up.sql")?;
                let (v, name) = rest.split_once('_')?;
                (v, name.to_string())
            }
        };
        if version.is_empty() || !version.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some((version.parse().ok()?, rest))
    }

    /// The next version: after the last one, and for timestamped layouts
    /// the current UTC time when that is later.
    pub fn next_version(self, existing: &[Existing], now_utc: u64) -> u64 {
        let last = existing.last().map_or(0, |e| e.version);
        if self.timestamped() {
            now_utc.max(last + 1)
        } else {
            last + 1
        }
    }

    /// The file holding an existing migration's down direction (dbmate:
    /// the up file itself), when there is one.
    pub fn down_path(self, existing: &Existing) -> Option<PathBuf> {
        let dir = existing.up.parent()?;
        let file = existing.up.file_name()?.to_str()?;
        let path = match self {
            Layout::Dbmate => return Some(existing.up.clone()),
            Layout::Flyway => dir.join(format!("U{}", file.strip_prefix('V')?)),
            _ => dir.join(format!("{}.down.sql", file.strip_suffix(".up.sql")?)),
        };
        path.exists().then_some(path)
    }

    /// The SQL to run for an existing migration's down direction.
    pub fn down_sql(self, path: &Path) -> miette::Result<String> {
        let text = read(path)?;
        Ok(match self {
            Layout::Dbmate => dbmate_section(&text, "down"),
            _ => text,
        })
    }

    /// The SQL to run for an existing migration's up direction.
    pub fn up_sql(self, existing: &Existing) -> miette::Result<String> {
        let text = read(&existing.up)?;
        Ok(match self {
            Layout::Dbmate => dbmate_section(&text, "up"),
            _ => text,
        })
    }

    /// The files of a new migration. `up` and `down` are the scripts'
    /// bodies; `wrapped` says they are bare statements for the tool to
    /// wrap in a transaction (false: self-contained, with their own
    /// `BEGIN`/`COMMIT` and pragmas, which the tool must not wrap).
    pub fn files(
        self,
        dir: &Path,
        version: u64,
        name: &str,
        up: &str,
        down: &str,
        wrapped: bool,
    ) -> NewFiles {
        let v = match self {
            Layout::Sqlx | Layout::Dbmate => format!("{version:014}"),
            Layout::Flyway => version.to_string(),
            Layout::GolangMigrate => format!("{version:06}"),
            Layout::Plain => format!("{version:04}"),
        };
        let header = "-- Generated by strata migrate new.\n";
        let files = match self {
            Layout::Sqlx => {
                let opt = if wrapped { "" } else { "-- no-transaction\n" };
                vec![
                    (
                        dir.join(format!("{v}_{name}.up.sql")),
                        format!("{opt}{header}{up}"),
                    ),
                    (
                        dir.join(format!("{v}_{name}.down.sql")),
                        format!("{opt}{header}{down}"),
                    ),
                ]
            }
            Layout::Flyway => {
                let mut f = vec![
                    (
                        dir.join(format!("V{v}__{name}.sql")),
                        format!("{header}{up}"),
                    ),
                    (
                        dir.join(format!("U{v}__{name}.sql")),
                        format!("{header}{down}"),
                    ),
                ];
                if !wrapped {
                    for prefix in ['V', 'U'] {
                        f.push((
                            dir.join(format!("{prefix}{v}__{name}.sql.conf")),
                            "executeInTransaction=false\n".to_string(),
                        ));
                    }
                }
                f
            }
            Layout::GolangMigrate | Layout::Plain => vec![
                (
                    dir.join(format!("{v}_{name}.up.sql")),
                    format!("{header}{up}"),
                ),
                (
                    dir.join(format!("{v}_{name}.down.sql")),
                    format!("{header}{down}"),
                ),
            ],
            Layout::Dbmate => {
                let opt = if wrapped { "" } else { " transaction:false" };
                vec![(
                    dir.join(format!("{v}_{name}.sql")),
                    format!("{header}-- migrate:up{opt}\n{up}\n-- migrate:down{opt}\n{down}"),
                )]
            }
        };
        NewFiles { files }
    }
}

fn read(path: &Path) -> miette::Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        miette!(
            code = "strata::migrate::io",
            "cannot read {}: {e}",
            path.display()
        )
    })
}

/// The text of a dbmate section (`-- migrate:up` or `-- migrate:down`).
pub fn dbmate_section(text: &str, which: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("-- migrate:") {
            inside = rest.split_whitespace().next() == Some(which);
            continue;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A migration name as file names can carry it: lower case, `_` for
/// anything but letters and digits.
pub fn slug(name: &str) -> String {
    let mut s: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while s.contains("__") {
        s = s.replace("__", "_");
    }
    s.trim_matches('_').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            Layout::Sqlx.parse_up_name("20260101120000_add_users.up.sql"),
            Some((20260101120000, "add_users".into()))
        );
        assert_eq!(
            Layout::Sqlx.parse_up_name("20260101120000_add_users.down.sql"),
            None
        );
        assert_eq!(
            Layout::Flyway.parse_up_name("V12__add_users.sql"),
            Some((12, "add_users".into()))
        );
        assert_eq!(Layout::Flyway.parse_up_name("U12__add_users.sql"), None);
        assert_eq!(
            Layout::Dbmate.parse_up_name("20260101120000_x.sql"),
            Some((20260101120000, "x".into()))
        );
        assert_eq!(Layout::Plain.parse_up_name("README.md"), None);
    }

    #[test]
    fn detected_from_names() {
        assert_eq!(Layout::of_file("V3__x.sql"), Some(Layout::Flyway));
        assert_eq!(Layout::of_file("U3__x.sql"), None);
        assert_eq!(
            Layout::of_file("20260101120000_x.up.sql"),
            Some(Layout::Sqlx)
        );
        assert_eq!(
            Layout::of_file("000001_x.up.sql"),
            Some(Layout::GolangMigrate)
        );
        assert_eq!(Layout::of_file("0001_x.up.sql"), Some(Layout::Plain));
        assert_eq!(Layout::of_file("0001_x.down.sql"), None);
        assert_eq!(
            Layout::of_file("20260101120000_x.sql"),
            Some(Layout::Dbmate)
        );
        assert_eq!(Layout::of_file("strata.sum"), None);
        for l in [
            Layout::Sqlx,
            Layout::Flyway,
            Layout::GolangMigrate,
            Layout::Dbmate,
            Layout::Plain,
        ] {
            assert_eq!(Layout::from_name(l.name()), Some(l));
        }
    }

    #[test]
    fn versions_move_forward() {
        let e = |v| Existing {
            version: v,
            name: "x".into(),
            up: PathBuf::new(),
        };
        assert_eq!(Layout::Flyway.next_version(&[], 5), 1);
        assert_eq!(Layout::Plain.next_version(&[e(1), e(2)], 5), 3);
        assert_eq!(
            Layout::Sqlx.next_version(&[e(20260101000000)], 20250101000000),
            20260101000001
        );
        assert_eq!(
            Layout::Dbmate.next_version(&[], 20260101000000),
            20260101000000
        );
    }

    #[test]
    fn dbmate_sections() {
        let t = "-- migrate:up\nCREATE TABLE a (x int);\n-- migrate:down transaction:false\nDROP TABLE a;\n";
        assert_eq!(dbmate_section(t, "up"), "CREATE TABLE a (x int);\n");
        assert_eq!(dbmate_section(t, "down"), "DROP TABLE a;\n");
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Add users & orders!"), "add_users_orders");
    }
}
