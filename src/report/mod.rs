//! Renderers of plans and schemas: sql, markdown, json, text, mermaid/dot.

pub mod graph;
pub mod sql;
