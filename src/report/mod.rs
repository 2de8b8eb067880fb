//! Renderers of plans and schemas: sql, markdown, json, text, mermaid/dot.

pub mod describe;
pub mod graph;
pub mod json;
pub mod markdown;
pub mod sql;
pub mod summary;
pub mod text;
