//! `report::markdown`: the pull-request preview.

use strata::ir::DialectKind;
use strata::report::markdown::{render, Preview, COMMENT_LIMIT};

use crate::report_fixtures::*;
use crate::report_snapshot;

#[test]
fn shop_preview_on_postgres() {
    let (from, to, m) = (shop(), shop_v2(), shop_migration());
    let mut p = Preview::new(DialectKind::Postgres, &m, &from, &to);
    p.from_label = "git:origin/main:schemas/";
    p.to_label = "schemas/";
    p.source = Some((SHOP_V1_SOURCE, SHOP_V2_SOURCE));
    let text = render(&p);
    // Hazards come before anything else and cannot be missed.
    let caution = text.find("[!CAUTION]").expect("a caution box");
    let table = text.find("### Changes").expect("a summary table");
    let sql = text.find("### Migration SQL").expect("the up SQL");
    assert!(caution < table && table < sql);
    assert!(text.contains("**2 destructive changes**"));
    assert!(text.contains("<summary><b>Rollback SQL</b>"));
    assert!(text.contains("```mermaid\nerDiagram"));
    assert!(text.contains("```diff\n--- git:origin/main:schemas/\n+++ schemas/\n"));
    assert!(!text.contains("shortened"));
    report_snapshot!("markdown_shop_postgres", text);
}

#[test]
fn sqlite_rebuild_preview() {
    let m = sqlite_rebuild_migration();
    let from = strata::ir::Schema::default();
    let to = from.clone();
    let text = render(&Preview::new(DialectKind::Sqlite, &m, &from, &to));
    assert!(text.contains("[!WARNING]"));
    assert!(!text.contains("[!CAUTION]"));
    report_snapshot!("markdown_rebuild_sqlite", text);
}

#[test]
fn mysql_preview() {
    let m = mysql_migration();
    let from = strata::ir::Schema::default();
    let text = render(&Preview::new(DialectKind::Mysql, &m, &from, &from));
    assert!(text.contains("[!CAUTION]"));
    report_snapshot!("markdown_events_mysql", text);
}

#[test]
fn no_changes() {
    let m = empty_migration();
    let s = shop();
    let text = render(&Preview::new(DialectKind::Postgres, &m, &s, &s));
    assert!(text.starts_with("## strata: no schema changes"));
}

#[test]
fn large_preview_is_folded_under_the_comment_limit() {
    let (from, to, m) = many_tables(300, 12);
    let source_old = String::new();
    let source_new: String = (0..6000).map(|i| format!("// line {i}\n")).collect();
    let mut p = Preview::new(DialectKind::Postgres, &m, &from, &to);
    p.source = Some((&source_old, &source_new));
    let text = render(&p);
    let chars = text.chars().count();
    assert!(chars <= COMMENT_LIMIT, "{chars} characters");
    assert!(chars > COMMENT_LIMIT / 2, "folded too much: {chars}");
    assert!(text.contains("This preview was shortened"));
    assert!(text.contains("more lines of the diff folded"));
    // Fences stay balanced after folding.
    assert_eq!(text.matches("```").count() % 2, 0);
}

#[test]
fn folding_respects_a_smaller_limit_and_keeps_hazards() {
    let (from, to, m) = (shop(), shop_v2(), shop_migration());
    let mut p = Preview::new(DialectKind::Postgres, &m, &from, &to);
    p.source = Some((SHOP_V1_SOURCE, SHOP_V2_SOURCE));
    p.limit = 4000;
    let text = render(&p);
    assert!(text.chars().count() <= 4000, "{}", text.chars().count());
    assert!(text.contains("dropping table `products` deletes its rows"));
    assert!(text.contains("This preview was shortened"));
    assert_eq!(text.matches("```").count() % 2, 0);
    report_snapshot!("markdown_shop_folded", text);
}
