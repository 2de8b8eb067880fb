//! A three-node MariaDB Galera cluster started by the test (galera-4,
//! `mariadb-install-db` into temporary directories, rsync state
//! transfer) on free local ports: the plan states the OSU method and
//! marks TOI blocking with the table's size; `--galera-osu rsu` runs
//! backward-compatible changes node by node and refuses the others; all
//! nodes are Synced before and after.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use predicates::prelude::*;

use crate::support::{
    dir_for, free_port, have, is_root, mariadb, run_as, strata, wait_until, write,
};

const PROVIDER: &str = "/usr/lib/galera/libgalera_smm.so";

struct Node {
    port: u16,
    child: Child,
}

/// Three nodes; killed and their directories removed on drop.
struct Cluster {
    _dir: tempfile::TempDir,
    nodes: Vec<Node>,
}

/// The user the servers run as: `mysql` when the tests run as root.
fn user() -> &'static str {
    if is_root() {
        "mysql"
    } else {
        "root"
    }
}

impl Cluster {
    fn start() -> Option<Cluster> {
        if !have(&[
            PROVIDER,
            "/usr/sbin/mariadbd",
            "/usr/bin/mariadb-install-db",
            "/usr/bin/rsync",
        ]) {
            return None;
        }
        let dir = dir_for(user());
        let root = dir.path().to_str().expect("a UTF-8 path").to_string();
        // Per node: client, group communication, IST and SST ports.
        let ports: Vec<[u16; 4]> = (0..3)
            .map(|_| [free_port(), free_port(), free_port(), free_port()])
            .collect();
        let peers = ports
            .iter()
            .map(|p| format!("127.0.0.1:{}", p[1]))
            .collect::<Vec<_>>()
            .join(",");
        let mut cluster = Cluster {
            _dir: dir,
            nodes: Vec::new(),
        };
        for (i, p) in ports.iter().enumerate() {
            let data = format!("{root}/n{i}");
            let mut install = vec![
                "--no-defaults".to_string(),
                format!("--datadir={data}"),
                "--auth-root-authentication-method=normal".into(),
                "--skip-test-db".into(),
            ];
            if is_root() {
                install.push("--user=mysql".into());
            }
            let install: Vec<&str> = install.iter().map(String::as_str).collect();
            run_as(user(), "mariadb-install-db", &install);
            let mut args = vec![
                "--no-defaults".to_string(),
                format!("--datadir={data}"),
                format!("--port={}", p[0]),
                "--bind-address=127.0.0.1".into(),
                format!("--socket={data}.sock"),
                format!("--pid-file={data}.pid"),
                format!("--log-error={data}.err"),
                "--binlog-format=ROW".into(),
                "--innodb-autoinc-lock-mode=2".into(),
                "--innodb-buffer-pool-size=16M".into(),
                "--innodb-flush-log-at-trx-commit=0".into(),
                "--wsrep-on=ON".into(),
                format!("--wsrep-provider={PROVIDER}"),
                format!("--wsrep-cluster-address=gcomm://{peers}"),
                "--wsrep-cluster-name=strata-test".into(),
                format!("--wsrep-node-name=n{i}"),
                format!("--wsrep-node-address=127.0.0.1:{}", p[1]),
                format!("--wsrep-node-incoming-address=127.0.0.1:{}", p[0]),
                format!(
                    "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:{};ist.recv_addr=127.0.0.1:{};gcache.size=16M",
                    p[1], p[2]
                ),
                format!("--wsrep-sst-receive-address=127.0.0.1:{}", p[3]),
                "--wsrep-sst-method=rsync".into(),
            ];
            if is_root() {
                args.push("--user=mysql".into());
            }
            if i == 0 {
                args.push("--wsrep-new-cluster".into());
            }
            let child = Command::new("/usr/sbin/mariadbd")
                .args(&args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("mariadbd");
            cluster.nodes.push(Node { port: p[0], child });
            // Nodes join one at a time, each by a state transfer.
            let port = p[0];
            wait_until(
                &format!("node {i} is Synced"),
                Duration::from_secs(90),
                || {
                    mariadb(port, "SHOW STATUS LIKE 'wsrep_local_state_comment'")
                        .is_ok_and(|s| s.ends_with("Synced"))
                },
            );
        }
        let port = cluster.nodes[0].port;
        wait_until("three nodes", Duration::from_secs(30), || {
            mariadb(port, "SHOW STATUS LIKE 'wsrep_cluster_size'").is_ok_and(|s| s.ends_with('3'))
        });
        Some(cluster)
    }

    fn url(&self, node: usize) -> String {
        format!("mysql://root@127.0.0.1:{}/app", self.nodes[node].port)
    }

    fn on(&self, node: usize, sql: &str) -> String {
        mariadb(self.nodes[node].port, sql).unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// `1` on every node when `app.items` has `column`.
    fn column_everywhere(&self, column: &str) -> Vec<String> {
        (0..3)
            .map(|n| {
                self.on(n, &format!(
                    "SELECT count(*) FROM information_schema.COLUMNS WHERE table_schema = 'app' AND table_name = 'items' AND column_name = '{column}'"
                ))
            })
            .collect()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for n in self.nodes.iter_mut().rev() {
            let _ = n.child.kill();
            let _ = n.child.wait();
        }
    }
}

const V1: &str = "table items {\n  id integer pk\n  name varchar(40)\n}\n";
const V2: &str = "table items {\n  id integer pk\n  name varchar(40)\n  note text?\n}\n";
const NOT_NULL: &str =
    "table items {\n  id integer pk\n  name varchar(40)\n  note text?\n  size integer\n}\n";
const V3: &str = "table items {\n  id integer pk\n  name varchar(40)\n  note text?\n  tag varchar(20)?\n  index items_name (name)\n}\n";

#[test]
fn galera_cluster_toi_and_rolling_upgrade() {
    let _one = crate::support::one_cluster_at_a_time();
    let Some(c) = Cluster::start() else { return };
    c.on(0, "CREATE DATABASE app");
    let files = tempfile::tempdir().expect("temporary directory");
    let apply = |node: usize, schema: &str, name: &str, extra: &[&str]| {
        let path = write(files.path(), name, schema);
        strata()
            .args(["apply", "--auto-approve", "--url", &c.url(node), "--to"])
            .arg(path)
            .args(extra)
            .assert()
    };
    apply(0, V1, "v1.strata", &[])
        .success()
        .stderr(predicate::str::contains("Galera cluster of 3 node(s)"))
        .stderr(predicate::str::contains("under TOI"))
        .stderr(predicate::str::contains("All 3 Galera nodes are Synced."));
    c.on(
        1,
        "INSERT INTO app.items SELECT seq, concat('n', seq) FROM app.seq_1_to_3000",
    );
    c.on(0, "ANALYZE TABLE app.items");

    // `strata plan` states the method and marks the blocking step.
    let v2 = write(files.path(), "v2.strata", V2);
    strata()
        .args(["plan", "--url", &c.url(2), "--to"])
        .arg(&v2)
        .assert()
        .success()
        .stderr(predicate::str::contains("schema changes run under TOI"))
        .stdout(predicate::str::contains("-- hazard: galera_toi:"));

    // Under TOI: the step that alters `items` blocks the cluster, with
    // the table's size and an expected duration.
    apply(0, V2, "v2.strata", &[])
        .success()
        .stderr(predicate::str::contains("hazard: galera_toi: under TOI every node of the 3-node cluster waits while `app`.`items` changes: ~3"))
        .stderr(predicate::str::contains("expect up to about"));
    assert_eq!(c.column_everywhere("note"), ["1", "1", "1"]);

    // Not backward compatible: refused under RSU, nothing runs.
    apply(1, NOT_NULL, "nn.strata", &["--galera-osu", "rsu"])
        .code(1)
        .stderr(predicate::str::contains("strata::cluster::rsu_refused"))
        .stderr(predicate::str::contains("NOT NULL"));
    assert_eq!(c.column_everywhere("size"), ["0", "0", "0"]);

    // A nullable column added last and an index: node by node.
    apply(1, V3, "v3.strata", &["--galera-osu", "rsu"])
        .success()
        .stderr(predicate::str::contains(
            "as a Rolling Schema Upgrade (RSU)",
        ))
        .stderr(predicate::str::contains("node 1/3"))
        .stderr(predicate::str::contains("node 3/3"))
        .stderr(predicate::str::contains("applied under RSU"))
        .stderr(predicate::str::contains("All 3 Galera nodes are Synced."));
    assert_eq!(c.column_everywhere("tag"), ["1", "1", "1"]);
    for n in 0..3 {
        assert_eq!(
            c.on(n, "SELECT count(*) FROM information_schema.STATISTICS WHERE table_schema = 'app' AND table_name = 'items' AND index_name = 'items_name'"),
            "1",
            "node {n}"
        );
    }
    // Rows written after the rolling upgrade still replicate.
    c.on(
        2,
        "INSERT INTO app.items (id, name, tag) VALUES (5000, 'x', 't')",
    );
    wait_until("the row on node 0", Duration::from_secs(10), || {
        mariadb(
            c.nodes[0].port,
            "SELECT count(*) FROM app.items WHERE id = 5000",
        )
        .is_ok_and(|n| n == "1")
    });
    apply(2, V3, "v3.strata", &["--galera-osu", "rsu"])
        .success()
        .stderr(predicate::str::contains("already matches"));
}
