//! A PostgreSQL primary with one streaming replica, both started by the
//! test (`initdb`, `pg_basebackup -R`) on free ports: `apply` waits for
//! the replica, stops when it stays behind, reports the lag each step
//! caused, marks hot-standby conflicts, and plans from the replica with
//! `--read-url`.

use std::process::Command;
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::support::{dir_for, free_port, have, psql, run_as, strata, wait_until, write};

const BIN: &str = "/usr/lib/postgresql/15/bin";

/// A primary and its replica; both stopped and their directories
/// removed on drop.
struct Pair {
    dir: tempfile::TempDir,
    primary: String,
    replica: String,
}

fn bin(name: &str) -> String {
    format!("{BIN}/{name}")
}

impl Pair {
    fn start() -> Option<Pair> {
        if !have(&[
            &bin("initdb"),
            &bin("pg_basebackup"),
            &bin("pg_ctl"),
            "/usr/bin/psql",
        ]) {
            return None;
        }
        let dir = dir_for("postgres");
        let root = dir.path().to_str().expect("a UTF-8 path").to_string();
        let (p1, p2) = (free_port(), free_port());
        let primary_dir = format!("{root}/primary");
        let replica_dir = format!("{root}/replica");
        run_as(
            "postgres",
            &bin("initdb"),
            &[
                "-D",
                &primary_dir,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        let conf = format!(
            "port = {p1}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{root}'\n\
             fsync = off\nwal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n\
             wal_receiver_status_interval = 1s\n"
        );
        append(&format!("{primary_dir}/postgresql.conf"), &conf);
        let pair = Pair {
            dir,
            primary: format!("postgres://postgres@127.0.0.1:{p1}/postgres"),
            replica: format!("postgres://postgres@127.0.0.1:{p2}/postgres"),
        };
        start(&primary_dir);
        run_as(
            "postgres",
            &bin("pg_basebackup"),
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &p1.to_string(),
                "-U",
                "postgres",
                "-D",
                &replica_dir,
                "-R",
                "-X",
                "stream",
                "--checkpoint=fast",
                "--no-sync",
            ],
        );
        append(
            &format!("{replica_dir}/postgresql.conf"),
            &format!("port = {p2}\n"),
        );
        start(&replica_dir);
        wait_until("the replica streams", Duration::from_secs(60), || {
            psql(
                &pair.primary,
                "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'",
            )
            .is_ok_and(|n| n == "1")
        });
        Some(pair)
    }

    fn on_replica(&self, sql: &str) -> String {
        psql(&self.replica, sql).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    fn on_primary(&self, sql: &str) -> String {
        psql(&self.primary, sql).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

fn append(path: &str, text: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect(path);
    f.write_all(text.as_bytes()).expect(path);
}

fn start(data: &str) {
    let log = format!("{data}.log");
    run_as(
        "postgres",
        &bin("pg_ctl"),
        &["-D", data, "-l", &log, "-w", "-t", "60", "start"],
    );
}

impl Drop for Pair {
    fn drop(&mut self) {
        for d in ["replica", "primary"] {
            let data = self.dir.path().join(d);
            let data = data.to_str().unwrap_or_default();
            let args = ["-D", data, "-m", "immediate", "-w", "stop"];
            let _ = if crate::support::is_root() {
                Command::new("runuser")
                    .args(["-u", "postgres", "--", &bin("pg_ctl")])
                    .args(args)
                    .output()
            } else {
                Command::new(bin("pg_ctl")).args(args).output()
            };
        }
    }
}

const V1: &str = "table items {\n  id integer pk\n  name text\n}\n";
const V2: &str = "table items {\n  id integer pk\n  name text\n  note text?\n}\n";
const V3: &str =
    "table items {\n  id integer pk\n  name text\n  note text?\n  price numeric(10,2)?\n}\n";
/// A type change: a rewrite under an ACCESS EXCLUSIVE lock.
const V4: &str =
    "table items {\n  id bigint pk\n  name text\n  note text?\n  price numeric(10,2)?\n}\n";

fn apply(pair: &Pair, schema: &std::path::Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    strata()
        .args(["apply", "--auto-approve", "--url", &pair.primary, "--to"])
        .arg(schema)
        .args(extra)
        .assert()
}

#[test]
fn apply_paces_itself_on_a_streaming_replica() {
    let _one = crate::support::one_cluster_at_a_time();
    let Some(pair) = Pair::start() else { return };
    let files = tempfile::tempdir().expect("temporary directory");
    let v1 = write(files.path(), "v1.strata", V1);

    // Given by URL: the replica is waited for, and the lag each step
    // caused is reported; the replica has the table.
    apply(&pair, &v1, &["--replica", &pair.replica])
        .success()
        .stderr(predicate::str::contains(
            "replicas: replayed `CREATE TABLE \"public\".\"items\" ( …` in ",
        ));
    pair.on_primary("INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 2000) g");
    wait_until("the replica has the rows", Duration::from_secs(30), || {
        psql(&pair.replica, "SELECT count(*) FROM items").is_ok_and(|n| n == "2000")
    });

    // Found in pg_stat_replication; a rewrite is a hot-standby conflict.
    let v4 = write(files.path(), "v4.strata", V4);
    apply(&pair, &v4, &["--dry-run"])
        .success()
        .stderr(predicate::str::contains(
            "Found 1 streaming replica(s) in pg_stat_replication",
        ))
        .stdout(predicate::str::contains("-- hazard: standby_conflict:"));

    // Replay paused: the replica stays behind, the apply stops before
    // its step and nothing of it runs.
    pair.on_replica("SELECT pg_wal_replay_pause()");
    pair.on_primary("UPDATE items SET name = name || '!'");
    let v2 = write(files.path(), "v2.strata", V2);
    let started = Instant::now();
    apply(
        &pair,
        &v2,
        &[
            "--replica",
            &pair.replica,
            "--max-replica-lag",
            "1s",
            "--replica-wait",
            "3s",
        ],
    )
    .code(1)
    .stderr(predicate::str::contains("strata::cluster::replica_lag"))
    .stderr(predicate::str::contains("bytes behind"));
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        pair.on_primary("SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'note'"),
        "0"
    );

    // Found in pg_stat_replication, the replica is followed there too.
    apply(
        &pair,
        &v2,
        &["--max-replica-lag", "1s", "--replica-wait", "2s"],
    )
    .code(1)
    .stderr(predicate::str::contains("Found 1 streaming replica(s)"))
    .stderr(predicate::str::contains("strata::cluster::replica_lag"))
    .stderr(predicate::str::contains("@127.0.0.1 "));

    // --read-url from a replica that is behind: refused, with how stale.
    apply(
        &pair,
        &v2,
        &["--read-url", &pair.replica, "--replica-wait", "1s"],
    )
    .code(1)
    .stderr(predicate::str::contains("strata::cluster::stale_replica"));

    // Replay resumed while the apply waits: it goes on.
    let replica = pair.replica.clone();
    let resume = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(2));
        psql(&replica, "SELECT pg_wal_replay_resume()")
    });
    apply(
        &pair,
        &v2,
        &[
            "--replica",
            &pair.replica,
            "--max-replica-lag",
            "1s",
            "--replica-wait",
            "60s",
        ],
    )
    .success()
    .stderr(predicate::str::contains("waiting up to 60s"))
    .stderr(predicate::str::contains("replicas: caught up after"));
    resume.join().expect("the resume thread").expect("resumed");
    wait_until(
        "the replica has the column",
        Duration::from_secs(30),
        || {
            psql(&pair.replica, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'note'")
            .is_ok_and(|n| n == "1")
        },
    );

    // Planned from the caught-up replica, applied on the primary.
    let v3 = write(files.path(), "v3.strata", V3);
    apply(&pair, &v3, &["--read-url", &pair.replica])
        .success()
        .stderr(predicate::str::contains("Reading the schema from replica"));
    assert_eq!(
        pair.on_primary("SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'price'"),
        "1"
    );
    apply(&pair, &v3, &["--read-url", &pair.replica])
        .success()
        .stderr(predicate::str::contains("already matches"));
}
