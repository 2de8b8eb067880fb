//! Any bytes in, never a panic, a stack overflow or a hang out: decode,
//! parse, and when the text parses, print it and format it, checking that
//! printing round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use strata::syntax::{self, SourceFile};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = syntax::decode("fuzz.strata", data.to_vec()) else {
        return;
    };
    let _ = syntax::format_file(&file);
    if let Ok(schema) = syntax::parse_unvalidated(std::slice::from_ref(&file)) {
        let printed = syntax::print(&schema);
        let again = syntax::parse_unvalidated(&[SourceFile::new("printed.strata", printed.as_str())]);
        assert_eq!(again.ok().as_ref(), Some(&schema), "print does not round-trip:\n{printed}");
    }
});
