//! Which server version a plan's hazards judge by: read from the
//! database when the plan is made against one (it wins over
//! `server_version`, with a warning when they differ), else the
//! configured one, else the dialect's default, which an offline plan
//! names on stderr (docs/hazards.md, "Server versions").

use crate::dialect::version::ServerVersion;
use crate::dialect::{Driver, EmitOptions};
use crate::ir::DialectKind;
use crate::migration::Migration;

/// Replaces the version in `options` with the one the server at `url`
/// reports. A server that does not answer leaves it as it was, with a
/// warning: the plan is still made, by the configured or default version.
pub fn detect(rt: &tokio::runtime::Runtime, d: &dyn Driver, url: &str, options: &mut EmitOptions) {
    let Some(sql) = d.version_query() else { return };
    let read = match rt.block_on(d.count(url, sql)) {
        Ok(n) => ServerVersion::from_number(d.kind(), n),
        Err(e) => {
            eprintln!(
                "warning: the server's version is not known ({e}): hazards assume {}",
                options.server(d.kind())
            );
            return;
        }
    };
    let Some(read) = read else { return };
    if let Some(given) = options.server.filter(|g| *g != read) {
        eprintln!("warning: server_version says {given}, but the server is {read}: hazards judge by the server");
    }
    options.server = Some(read);
}

/// For a plan made without a server: one line naming the version its
/// hazards assume, and where to set it. Nothing for SQLite (no hazard
/// depends on its version) or an empty plan.
pub fn note_offline(kind: DialectKind, options: &EmitOptions, m: &Migration) {
    if kind == DialectKind::Sqlite || m.plan.is_empty() {
        return;
    }
    let server = options.server(kind);
    if options.server.is_some() {
        eprintln!("Hazards judged for {server} (server_version).");
    } else {
        eprintln!(
            "Hazards judged for {server}, the default without a server to ask: set `server_version` in strata.toml or pass --server-version."
        );
    }
}
