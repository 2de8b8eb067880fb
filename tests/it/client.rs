//! The servers' own command-line clients, run on SQL text: `psql -X -v
//! ON_ERROR_STOP=1`, `mariadb`, `sqlite3 -bail`. The conformance tests load
//! a case's DDL and apply strata's printed SQL through them, because that
//! is what a user does with `strata plan > up.sql`: a script that only
//! runs through strata's own executor has not been shown to run.
//!
//! The SQL goes through a file (stdin), so a script is applied byte for
//! byte as printed. A client that takes longer than its deadline is killed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Runs `sql` on the database at `url` (postgres://, mysql://, sqlite://)
/// with the server's own client; `Err` holds what the client printed.
pub async fn run_sql(url: &str, sql: &str, deadline: Duration) -> Result<(), String> {
    let (program, args) = command_for(url)?;
    let mut args = args;
    if url.starts_with("mysql") && !has_delimiter_line(sql) {
        // One multi-statement query, as the harness sends it: `BEGIN … END`
        // bodies need no DELIMITER lines, and the server still stops at the
        // first failing statement.
        args.push("--delimiter=#;#no-delimiter#;#".into());
    }
    let sql = sql.to_string();
    tokio::task::spawn_blocking(move || run_blocking(&program, &args, &sql, deadline))
        .await
        .map_err(|e| format!("client task: {e}"))?
}

/// The program and arguments that run a script on the database at `url`.
fn command_for(url: &str) -> Result<(PathBuf, Vec<String>), String> {
    if url.starts_with("postgres") {
        let args = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", "-"];
        return Ok((psql().to_path_buf(), args.map(String::from).to_vec()));
    }
    if url.starts_with("mysql") || url.starts_with("mariadb") {
        let u = MysqlUrl::parse(url)?;
        let mut args = vec![
            "-h".to_string(),
            u.host,
            "-P".into(),
            u.port,
            "-u".into(),
            u.user,
            "--default-character-set=utf8mb4".into(),
            "--comments".into(),
        ];
        if !u.password.is_empty() {
            args.push(format!("--password={}", u.password));
        }
        args.push(u.database);
        return Ok((PathBuf::from(mysql_client()), args));
    }
    if let Some(path) = url.strip_prefix("sqlite://") {
        let path = path.split('?').next().unwrap_or(path);
        return Ok((PathBuf::from("sqlite3"), vec!["-bail".into(), path.into()]));
    }
    Err(format!("no client for {url}"))
}

fn has_delimiter_line(sql: &str) -> bool {
    sql.lines().any(|l| {
        let l = l.trim_start();
        l.len() >= 9 && l[..9].eq_ignore_ascii_case("delimiter")
    })
}

/// Runs the client with the script on stdin, its output in files (no pipe
/// can fill up and stall it), polling until it exits or the deadline.
fn run_blocking(
    program: &Path,
    args: &[String],
    sql: &str,
    deadline: Duration,
) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    let script = dir.path().join("script.sql");
    std::fs::write(&script, sql).map_err(|e| format!("write script: {e}"))?;
    let open = |name: &str| {
        std::fs::File::create(dir.path().join(name)).map_err(|e| format!("{name}: {e}"))
    };
    let stdin = std::fs::File::open(&script).map_err(|e| format!("open script: {e}"))?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::from(stdin))
        .stdout(Stdio::from(open("out")?))
        .stderr(Stdio::from(open("err")?))
        .env("PGCONNECT_TIMEOUT", "10")
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} timed out after {}s",
                    program.display(),
                    deadline.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(3)),
            Err(e) => return Err(format!("waiting for {}: {e}", program.display())),
        }
    };
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
    // ON_ERROR_STOP and -bail make psql and sqlite3 exit non-zero at the
    // first failing statement, as mariadb does.
    if status.success() {
        return Ok(());
    }
    let err = read("err");
    let text = if err.trim().is_empty() {
        read("out")
    } else {
        err
    };
    Err(text
        .trim()
        .chars()
        .rev()
        .take(2000)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect())
}

/// The real psql binary: Debian's `/usr/bin/psql` is a Perl wrapper that
/// costs tens of milliseconds per call, and the corpus calls it thousands
/// of times. `$PSQL` overrides.
fn psql() -> &'static Path {
    static PSQL: OnceLock<PathBuf> = OnceLock::new();
    PSQL.get_or_init(|| {
        if let Ok(p) = std::env::var("PSQL") {
            return PathBuf::from(p);
        }
        let from_pg_config = Command::new("pg_config")
            .arg("--bindir")
            .output()
            .ok()
            .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()).join("psql"));
        let from_lib = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .and_then(|dirs| {
                let mut bins: Vec<PathBuf> = dirs
                    .flatten()
                    .map(|d| d.path().join("bin/psql"))
                    .filter(|p| p.exists())
                    .collect();
                bins.sort();
                bins.pop()
            });
        from_pg_config
            .filter(|p| p.exists())
            .or(from_lib)
            .unwrap_or_else(|| PathBuf::from("psql"))
    })
}

/// `mariadb` where it is installed, else `mysql`.
fn mysql_client() -> &'static str {
    static CLIENT: OnceLock<&'static str> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let found = Command::new("mariadb")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if found {
            "mariadb"
        } else {
            "mysql"
        }
    })
}

/// The parts of a `mysql://user:password@host:port/database?…` URL the
/// client takes as arguments.
struct MysqlUrl {
    user: String,
    password: String,
    host: String,
    port: String,
    database: String,
}

impl MysqlUrl {
    fn parse(url: &str) -> Result<MysqlUrl, String> {
        let rest = url
            .split_once("://")
            .map(|(_, r)| r)
            .ok_or_else(|| format!("not a URL: {url}"))?;
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("root", authority));
        let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        let (host, port) = hostport.split_once(':').unwrap_or((hostport, "3306"));
        Ok(MysqlUrl {
            user: user.into(),
            password: password.into(),
            host: host.into(),
            port: port.into(),
            database: path.split('?').next().unwrap_or("").into(),
        })
    }
}

#[test]
fn mysql_urls_become_client_arguments() {
    let u = MysqlUrl::parse("mysql://root:pw@127.0.0.1:3307/strata_x?ssl-mode=disabled")
        .expect("a URL");
    assert_eq!(
        (u.user, u.password, u.host, u.port, u.database),
        (
            "root".to_string(),
            "pw".to_string(),
            "127.0.0.1".to_string(),
            "3307".to_string(),
            "strata_x".to_string()
        )
    );
    assert!(has_delimiter_line("SELECT 1;\nDELIMITER //\n"));
    assert!(!has_delimiter_line("SELECT 'delimiter';"));
}
