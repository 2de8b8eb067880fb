//! The reports on migrations the real pipeline makes (diff, plan, emit) in
//! each dialect. Structural assertions only: the SQL itself belongs to
//! the emitters' own snapshots.

use serde_json::Value;
use strata::dialect::{self, EmitOptions};
use strata::ir::{DialectKind, Name, Schema, Type};
use strata::report::{json, markdown, text};

use crate::report_fixtures::*;

/// The shop without PostgreSQL-only parts (enum type, namespace), for
/// every dialect.
fn portable(mut s: Schema, kind: DialectKind) -> Schema {
    s.dialect = Some(kind);
    s.enums.clear();
    let tables = std::mem::take(&mut s.tables);
    for (_, mut t) in tables {
        for c in &mut t.columns {
            if c.ty.as_str() == "order_status" {
                c.ty = Type::new("varchar(20)");
            }
            if c.ty.as_str() == "uuid" || c.ty.as_str() == "text" {
                c.ty = Type::new("varchar(64)");
            }
            if c.ty.as_str().starts_with("timestamp") {
                c.ty = Type::new("timestamp");
            }
        }
        if t.name.schema.is_some() {
            t.name = Name::new(format!("billing_{}", t.name.name));
        }
        s.tables.insert(t.name.clone(), t);
    }
    s
}

fn check(kind: DialectKind) {
    let from = portable(shop(), kind);
    let to = portable(shop_v2(), kind);
    assert!(strata::ir::validate::validate(&from).is_empty());
    let d = dialect::for_kind(kind);
    let m = strata::migration::migration(&from, &to, d, &EmitOptions::default())
        .unwrap_or_else(|e| panic!("{kind}: {e}"));
    assert!(!m.plan.is_empty(), "{kind}: the shop changes");

    let v: Value = serde_json::from_str(&json::render(&m, kind)).expect("valid JSON");
    assert_eq!(v["version"], 1);
    assert_eq!(v["summary"]["changes"], m.plan.steps.len());
    // Dropping `products` and `users.display` loses data in every dialect.
    assert_eq!(v["summary"]["destructive"], true, "{kind}");
    let total = |key: &str| {
        v["changes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| c[key].as_array().map_or(0, Vec::len))
            .sum::<usize>()
            + v["setup"][key].as_array().map_or(0, Vec::len)
    };
    assert_eq!(total("up"), m.up.statements().count(), "{kind}: up");
    assert_eq!(
        total("rollback"),
        m.down.statements().count(),
        "{kind}: rollback"
    );

    let mut p = markdown::Preview::new(kind, &m, &from, &to);
    p.source = Some((SHOP_V1_SOURCE, SHOP_V2_SOURCE));
    let md = markdown::render(&p);
    assert!(md.contains("[!CAUTION]"), "{kind}");
    assert!(md.contains("```mermaid\nerDiagram"), "{kind}");
    assert!(md.chars().count() <= markdown::COMMENT_LIMIT);
    let plain = text::render_plain(&m, kind);
    assert!(plain.contains("destructive"), "{kind}");
}

#[test]
fn postgres() {
    check(DialectKind::Postgres);
}

#[test]
fn mysql() {
    check(DialectKind::Mysql);
}

#[test]
fn sqlite() {
    check(DialectKind::Sqlite);
}
