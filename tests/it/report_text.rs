//! `report::text`: the terminal summary.

use strata::ir::DialectKind;
use strata::report::text::{render, render_plain};

use crate::report_fixtures::*;
use crate::report_snapshot;

#[test]
fn shop_summary_plain() {
    let text = render_plain(&shop_migration(), DialectKind::Postgres);
    assert!(!text.contains('\u{1b}'), "no escape codes in plain text");
    assert!(text.contains("2 destructive changes"));
    report_snapshot!("text_shop_postgres", text);
}

#[test]
fn coloured_summary_has_styles_that_strip_to_the_plain_text() {
    let m = shop_migration();
    let coloured = render(&m, DialectKind::Postgres);
    assert!(coloured.contains("\u{1b}["), "styles present");
    assert_eq!(
        anstream::adapter::strip_str(&coloured).to_string(),
        render_plain(&m, DialectKind::Postgres)
    );
}

#[test]
fn empty_plan() {
    assert_eq!(
        render_plain(&empty_migration(), DialectKind::Sqlite),
        "No changes (sqlite)\n"
    );
}
