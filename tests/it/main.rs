//! All integration tests live in this one binary, so that they share one
//! build and one link of the library.

mod cli_databases;
mod cli_errors;
mod cli_sqlite;
mod conformance;
mod converge;
mod gen;
mod gitsrc;
mod migrate;
mod mysql;
mod mysql_apply;
mod plan_render;
mod postgres;
mod properties;
mod prove;
mod report_cli;
mod report_fixtures;
mod report_graph;
mod report_json;
mod report_markdown;
mod report_pipeline;
mod report_text;
mod sqlite;
mod sqlite_emit;
mod sqlite_examples;
mod support;
// The sqldef mysql cases; moves under `mod conformance` once the generic
// runner lands there.
#[path = "conformance/mysql.rs"]
mod conformance_mysql;
#[path = "conformance/postgres.rs"]
mod conformance_postgres;
mod mysql_perf;
mod postgres_converge;
