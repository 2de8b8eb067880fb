//! All integration tests live in this one binary, so that they share one
//! build and one link of the library.

mod converge;
mod gen;
mod mysql;
mod mysql_apply;
mod properties;
mod support;
// The sqldef mysql cases; moves under `mod conformance` once the generic
// runner lands there.
#[path = "conformance/mysql.rs"]
mod conformance_mysql;
mod mysql_perf;
