//! All integration tests live in this one binary, so that they share one
//! build and one link of the library.

mod converge;
mod report_fixtures;
mod report_graph;
mod report_json;
mod report_markdown;
mod report_text;
mod support;
