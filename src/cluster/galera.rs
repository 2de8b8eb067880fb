//! MariaDB Galera clusters (docs/clusters.md): detection through the
//! `wsrep_*` variables, the nodes' `Synced` state, the size of the
//! tables a DDL blocks the cluster on under Total Order Isolation, and
//! Rolling Schema Upgrade: the script run node by node with
//! `wsrep_OSU_method='RSU'`, for backward-compatible changes only.

use std::time::{Duration, Instant};

use sqlx::{Connection, MySqlConnection, Row};

use crate::dialect::{self, ApplyReport, Expected, Script};
use crate::url::redact;

/// A Galera cluster as one of its nodes reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Galera {
    /// A URL per node: the given URL with each node's address
    /// (`wsrep_incoming_addresses`); the given node first.
    pub nodes: Vec<String>,
    /// `wsrep_OSU_method`: `TOI` unless the server says otherwise.
    pub osu: String,
}

fn db_error(what: &str, url: &str, e: impl std::fmt::Display) -> miette::Report {
    miette::miette!(
        code = "strata::cluster::galera",
        help = "check that every node of the cluster accepts connections with the same user",
        "{what} {}: {e}",
        redact(url)
    )
}

async fn connect(url: &str) -> miette::Result<MySqlConnection> {
    MySqlConnection::connect(url)
        .await
        .map_err(|e| db_error("cannot connect to", url, e))
}

/// The `wsrep_*` settings (`kind`: `VARIABLES` or `STATUS`) named in
/// `names`, as lowercase name → value.
async fn show(
    conn: &mut MySqlConnection,
    url: &str,
    kind: &str,
    names: &[&str],
) -> miette::Result<Vec<(String, String)>> {
    let rows = sqlx::raw_sql(&format!("SHOW GLOBAL {kind} LIKE 'wsrep%'"))
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| db_error("cannot read the wsrep settings of", url, e))?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let name: String = r.try_get::<String, _>(0).ok()?.to_ascii_lowercase();
            let value: String = r.try_get(1).unwrap_or_default();
            names.contains(&name.as_str()).then_some((name, value))
        })
        .collect())
}

fn value<'a>(vars: &'a [(String, String)], name: &str) -> Option<&'a str> {
    vars.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The Galera cluster the server at `url` belongs to, if any.
pub async fn detect(url: &str) -> miette::Result<Option<Galera>> {
    let mut conn = connect(url).await?;
    let vars = show(
        &mut conn,
        url,
        "VARIABLES",
        &["wsrep_on", "wsrep_osu_method"],
    )
    .await?;
    if !value(&vars, "wsrep_on").is_some_and(|v| v.eq_ignore_ascii_case("ON")) {
        let _ = conn.close().await;
        return Ok(None);
    }
    let status = show(&mut conn, url, "STATUS", &["wsrep_incoming_addresses"]).await?;
    let _ = conn.close().await;
    let addresses = value(&status, "wsrep_incoming_addresses").unwrap_or_default();
    let given = url::Url::parse(url)
        .ok()
        .map(|u| (u.host_str().unwrap_or("").to_string(), u.port()));
    let mut nodes = vec![url.to_string()];
    for address in addresses
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        let node = node_url(url, address)?;
        let here = url::Url::parse(&node)
            .ok()
            .map(|u| (u.host_str().unwrap_or("").to_string(), u.port()));
        if here != given && !nodes.contains(&node) {
            nodes.push(node);
        }
    }
    Ok(Some(Galera {
        nodes,
        osu: value(&vars, "wsrep_osu_method")
            .unwrap_or("TOI")
            .to_ascii_uppercase(),
    }))
}

/// `url` with the host and port of `address` (`host:port`).
fn node_url(url: &str, address: &str) -> miette::Result<String> {
    let unknown = || {
        miette::miette!(
            code = "strata::cluster::galera",
            help =
                "set wsrep_node_incoming_address on each node to the address clients reach it at",
            "the cluster reports a node address strata cannot reach: `{address}`"
        )
    };
    let (host, port) = address.rsplit_once(':').ok_or_else(unknown)?;
    let port: u16 = port.parse().map_err(|_| unknown())?;
    let mut u = url::Url::parse(url).map_err(|_| unknown())?;
    u.set_host(Some(host.trim_matches(['[', ']'])))
        .map_err(|_| unknown())?;
    u.set_port(Some(port)).map_err(|_| unknown())?;
    Ok(u.to_string())
}

/// Each node's `wsrep_local_state_comment`.
pub async fn states(g: &Galera) -> miette::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for node in &g.nodes {
        out.push((redact(node), state(node).await?));
    }
    Ok(out)
}

async fn state(node: &str) -> miette::Result<String> {
    let mut conn = connect(node).await?;
    let status = show(&mut conn, node, "STATUS", &["wsrep_local_state_comment"]).await?;
    let _ = conn.close().await;
    Ok(value(&status, "wsrep_local_state_comment")
        .unwrap_or("unknown")
        .to_string())
}

/// Every node `Synced`, else an error naming the others (`when`: before
/// or after the apply).
pub async fn require_synced(g: &Galera, when: &str) -> miette::Result<()> {
    let states = states(g).await?;
    let out: Vec<String> = states
        .iter()
        .filter(|(_, s)| s != "Synced")
        .map(|(n, s)| format!("{n} is {s}"))
        .collect();
    if out.is_empty() {
        return Ok(());
    }
    Err(miette::miette!(
        code = "strata::cluster::not_synced",
        help = "wait until every node shows wsrep_local_state_comment = Synced, then run the apply again",
        "not every node of the Galera cluster is Synced {when}: {}",
        out.join(", ")
    ))
}

/// Waits up to `wait` for `node` to be `Synced` again (after RSU it
/// desyncs, then catches up on what the others wrote meanwhile).
async fn wait_synced(node: &str, wait: Duration) -> miette::Result<()> {
    let started = Instant::now();
    loop {
        let s = state(node).await?;
        if s == "Synced" {
            return Ok(());
        }
        if started.elapsed() >= wait {
            return Err(miette::miette!(
                code = "strata::cluster::not_synced",
                help = "look at the node's error log; once it is Synced, run the apply again with --galera-osu rsu to change the nodes left",
                "node {} is {s}, not Synced, {}s after its rolling upgrade",
                redact(node),
                wait.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The database, rows and bytes (data and indexes) of `schema.table`,
/// per `information_schema` (InnoDB's estimate of the rows); `schema`
/// `None` is the connection's database.
pub async fn table_size(
    url: &str,
    schema: Option<&str>,
    table: &str,
) -> miette::Result<Option<(String, u64, u64)>> {
    let mut conn = connect(url).await?;
    let row: Option<(String, Option<u64>, Option<u64>)> = sqlx::query_as(
        "SELECT CAST(table_schema AS CHAR), CAST(table_rows AS UNSIGNED), \
         CAST(data_length + index_length AS UNSIGNED) \
         FROM information_schema.TABLES WHERE table_schema = coalesce(?, DATABASE()) AND table_name = ?",
    )
    .bind(schema)
    .bind(table)
    .fetch_optional(&mut conn)
    .await
    .map_err(|e| db_error("cannot read the table sizes of", url, e))?;
    let _ = conn.close().await;
    Ok(row.map(|(db, r, b)| (db, r.unwrap_or(0), b.unwrap_or(0))))
}

/// Rolling Schema Upgrade: on each node in turn, the state the plan was
/// made from checked, the script run in a session with
/// `wsrep_OSU_method='RSU'` (the node leaves the flow of writes while
/// it runs, and no other node sees the DDL), then the node waited on
/// until it is `Synced`. A node already in the state the first node
/// reached is skipped: a rerun after a failure changes only the rest.
pub async fn apply_rsu(
    g: &Galera,
    script: &Script,
    expected: &Expected,
    wait: Duration,
) -> miette::Result<ApplyReport> {
    require_synced(g, "before the rolling upgrade").await?;
    let driver = dialect::driver(crate::ir::DialectKind::Mysql);
    let mut changed: Option<String> = None;
    let total = g.nodes.len();
    for (i, node) in g.nodes.iter().enumerate() {
        let now = driver.introspect(node, &expected.namespaces).await?;
        let found = dialect::fingerprint(&now.schema);
        if changed.as_deref() == Some(found.as_str()) {
            eprintln!(
                "node {}/{total} {}: already changed, skipped",
                i + 1,
                redact(node)
            );
            continue;
        }
        dialect::driver::verify(expected, &now)?;
        let started = Instant::now();
        run_rsu(node, script).await?;
        wait_synced(node, wait).await?;
        eprintln!(
            "node {}/{total} {}: applied under RSU in {:.2}s; Synced",
            i + 1,
            redact(node),
            started.elapsed().as_secs_f64()
        );
        if changed.is_none() {
            let after = driver.introspect(node, &expected.namespaces).await?;
            changed = Some(dialect::fingerprint(&after.schema));
        }
    }
    require_synced(g, "after the rolling upgrade").await?;
    Ok(ApplyReport {
        executed: script.statements().map(|s| s.sql.clone()).collect(),
        ..ApplyReport::default()
    })
}

/// The script on one node, its DDL kept from the others.
async fn run_rsu(node: &str, script: &Script) -> miette::Result<()> {
    let mut conn = connect(node).await?;
    let failed = |sql: &str, e: sqlx::Error| {
        miette::miette!(
            code = "strata::cluster::rsu_failed",
            help = "the nodes before this one are changed, this one and the rest are not: fix the cause and run the apply again with --galera-osu rsu (changed nodes are skipped)",
            "on node {}, `{}` failed: {e}",
            redact(node),
            dialect::first_line(sql)
        )
    };
    let rsu = "SET SESSION wsrep_OSU_method = 'RSU'";
    sqlx::raw_sql(rsu)
        .execute(&mut conn)
        .await
        .map_err(|e| failed(rsu, e))?;
    for s in script.statements() {
        sqlx::raw_sql(&s.sql)
            .execute(&mut conn)
            .await
            .map_err(|e| failed(&s.sql, e))?;
    }
    let toi = "SET SESSION wsrep_OSU_method = 'TOI'";
    sqlx::raw_sql(toi)
        .execute(&mut conn)
        .await
        .map_err(|e| failed(toi, e))?;
    let _ = conn.close().await;
    Ok(())
}
