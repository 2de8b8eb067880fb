//! Starting and stopping the servers the cluster tests need, and running
//! `strata` and the databases' own clients against them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// `strata` with no inherited database URL.
pub fn strata() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("strata").expect("the strata binary");
    cmd.env_remove("DATABASE_URL").env("NO_COLOR", "1");
    cmd
}

/// Whether the test must fail when its binaries are missing.
fn required() -> bool {
    std::env::var("STRATA_REQUIRE_DATABASES").is_ok_and(|v| v == "1")
}

/// `false` (after a loud message) when one of `paths` is missing and
/// the tests are not required to run.
pub fn have(paths: &[&str]) -> bool {
    let missing: Vec<&&str> = paths.iter().filter(|p| !Path::new(p).exists()).collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        !required(),
        "missing {missing:?} (STRATA_REQUIRE_DATABASES=1)"
    );
    eprintln!("SKIPPED: missing {missing:?}");
    false
}

/// A TCP port nobody listens on now and that this process never handed
/// out before: the kernel may offer a port again once its listener is
/// closed, and two servers told to use one port fail as a join that never
/// ends.
pub fn free_port() -> u16 {
    static GIVEN: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    let mut given = GIVEN.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = l.local_addr().expect("its address").port();
        if given.insert(port) {
            return port;
        }
    }
}

/// Held for the whole of a test that starts servers of its own: a Galera
/// state transfer beside a replica's base backup on two cores once took
/// a node past its 90 s to join, so clusters start one at a time.
pub fn one_cluster_at_a_time() -> MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(PoisonError::into_inner)
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs `program args` as `user` when strata's tests run as root (the
/// servers refuse root), as is otherwise; panics on failure.
pub fn run_as(user: &str, program: &str, args: &[&str]) -> Output {
    let out = if is_root() {
        Command::new("runuser")
            .args(["-u", user, "--", program])
            .args(args)
            .output()
    } else {
        Command::new(program).args(args).output()
    }
    .unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A temporary directory the server's OS user owns.
pub fn dir_for(user: &str) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("strata-cluster-")
        .tempdir()
        .expect("temporary directory");
    if is_root() {
        let ok = Command::new("chown")
            .args([&format!("{user}:"), dir.path().to_str().unwrap_or("")])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "chown {user} {}", dir.path().display());
    }
    dir
}

/// Polls `check` every 200 ms until it holds, for at most `limit`.
pub fn wait_until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `psql -At -c sql` on `url`: its output, or its error.
pub fn psql(url: &str, sql: &str) -> Result<String, String> {
    let out = Command::new("psql")
        .args([url, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

/// `mariadb -N -e sql` on 127.0.0.1:`port` as root.
pub fn mariadb(port: u16, sql: &str) -> Result<String, String> {
    let out = Command::new("mariadb")
        .args([
            "-h",
            "127.0.0.1",
            "-P",
            &port.to_string(),
            "-uroot",
            "-N",
            "-B",
            "-e",
            sql,
        ])
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).to_string())
    }
}

/// A file `name` holding `text` in `dir`.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write the schema");
    p
}
