//! All integration tests live in this one binary, so that they share one
//! build and one link of the library.

mod converge;
mod support;
mod syntax;
mod syntax_errors;
mod syntax_props;
