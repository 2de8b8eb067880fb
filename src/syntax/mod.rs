//! Schema source text: pest grammar (grammar/strata.pest) → AST with spans
//! → IR, the printer back to canonical text, and the diagnostics of both.
