//! The user's path through strata, as `strata inspect` and `strata plan
//! --allow-destructive --rollback` take it: the desired database is
//! inspected and printed as schema source, the file is parsed back, and
//! the current database is planned to it. Going through the printed file,
//! not the introspected IR, is the point: a schema the printer cannot
//! write, or the parser cannot read back, fails here as it fails a user.

use std::path::{Path, PathBuf};

use strata::dialect::{self, EmitOptions};
use strata::plan::migration;

/// The SQL of one plan: up, its rollback, and how many steps.
pub struct Planned {
    pub up: String,
    pub down: String,
    pub steps: usize,
}

/// `strata inspect --url <desired> -o <dir>/desired.strata`: returns the
/// file's path. The error is strata's diagnostic.
pub async fn inspect_to_file(desired_url: &str, dir: &Path) -> Result<PathBuf, String> {
    let found = strata::source::introspect(desired_url, &[])
        .await
        .map_err(|e| format!("strata inspect: {e:?}"))?;
    let path = dir.join("desired.strata");
    std::fs::write(&path, strata::syntax::print(&found.schema))
        .map_err(|e| format!("write {}: {e}", path.display()))?;
    Ok(path)
}

/// `strata plan --url <url> --to <file> --allow-destructive --rollback`:
/// the up and down SQL as printed.
pub async fn plan(url: &str, file: &Path) -> Result<Planned, String> {
    let to = file.display().to_string();
    let (current, desired) = strata::source::load_pair(url, &to, &[])
        .await
        .map_err(|e| format!("strata plan: {e:?}"))?;
    let kind = strata::source::dialect_of_url(url).ok_or("not a database URL")?;
    let d = dialect::for_kind(kind);
    let m = migration(&current.schema, &desired.schema, d, &EmitOptions::default())
        .map_err(|e| format!("strata plan: {e:?}"))?;
    Ok(Planned {
        up: strata::report::sql::render(d, &m.up),
        down: strata::report::sql::render(d, &m.down),
        steps: m.plan.steps.len(),
    })
}

/// The statements of printed SQL: its lines that are neither blank nor
/// comments (what the harness counts to call a plan empty).
pub fn statements(sql: &str) -> Vec<&str> {
    sql.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("--"))
        .collect()
}

/// `strata check <file>`, run as the binary a user runs: `Err` holds its
/// diagnostics.
pub fn check(file: &Path) -> Result<(), String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_strata"))
        .arg("check")
        .arg(file)
        .env("NO_COLOR", "1")
        .output()
        .map_err(|e| format!("cannot run strata check: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
