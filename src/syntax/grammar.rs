//! The pest parser generated from grammar/strata.pest.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/strata.pest"]
pub struct StrataParser;
