//! The SQLite corpora: sqldef's sqlite cases, judged by the oracle, each
//! on two new database files.

use super::{cases, report, run_cases, skip_reason, Case, Workspace};

/// A worker's two database files, made anew for every case.
pub struct Pair {
    pub a: String,
    pub d: String,
    dir: tempfile::TempDir,
}

impl Pair {
    pub fn create() -> Pair {
        let dir = tempfile::tempdir().expect("temporary directory");
        Pair {
            a: String::new(),
            d: String::new(),
            dir,
        }
    }
}

impl Workspace for Pair {
    fn urls(&self) -> (&str, &str) {
        (&self.a, &self.d)
    }

    async fn fresh(&mut self) -> Result<(), String> {
        self.dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mut urls = Vec::new();
        for name in ["a.db", "d.db"] {
            // An empty file is an empty SQLite database.
            let path = self.dir.path().join(name);
            std::fs::File::create(&path).map_err(|e| e.to_string())?;
            urls.push(format!("sqlite://{}", path.display()));
        }
        self.d = urls.pop().unwrap_or_default();
        self.a = urls.pop().unwrap_or_default();
        Ok(())
    }

    fn prepare(&self, sql: &str, _url: &str, _case: &Case) -> String {
        sql.to_string()
    }
}

/// The version of the `sqlite3` shell that loads and applies the SQL.
pub fn shell_version() -> String {
    std::process::Command::new("sqlite3")
        .arg("--version")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split(' ')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default()
}

const WORKERS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_conformance() {
    let all = cases("sqldef/sqlite.jsonl");
    assert_eq!(all.len(), 65, "the corpus has 65 sqlite cases");
    let version = shell_version();
    let mut workers: Vec<Pair> = (0..WORKERS).map(|_| Pair::create()).collect();
    let started = std::time::Instant::now();
    let results = run_cases(&mut workers, all, |c| skip_reason(c, &version, "")).await;
    report::conclude_run(
        "sqlite",
        &format!("SQLite {version}, sqldef"),
        &results,
        started.elapsed(),
    );
}
