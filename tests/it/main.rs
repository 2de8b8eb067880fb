//! All integration tests live in this one binary, so that they share one
//! build and one link of the library.

mod cli_databases;
mod cli_errors;
mod cli_sqlite;
mod conformance;
#[path = "conformance/postgres.rs"]
mod conformance_postgres;
mod converge;
mod gen;
mod gitsrc;
mod lint;
mod migrate;
mod mysql;
mod mysql_apply;
mod mysql_keys;
mod mysql_moves;
mod plan_render;
mod postgres;
mod postgres_converge;
mod postgres_security;
mod postgres_types;
mod postgres_views;
mod properties;
mod prove;
mod readme;
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
mod syntax;
mod syntax_errors;
mod syntax_props;
