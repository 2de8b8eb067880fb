//! `report::json`: the versioned JSON shape of a plan (docs/json.md).

use serde_json::Value;
use strata::ir::DialectKind;
use strata::report::json;

use crate::report_fixtures::*;
use crate::report_snapshot;

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).expect("the renderer writes valid JSON")
}

#[test]
fn shop_on_postgres() {
    let text = json::render(&shop_migration(), DialectKind::Postgres);
    let v = parsed(&text);
    assert_eq!(v["version"], 1);
    assert_eq!(v["dialect"], "postgres");
    assert_eq!(v["summary"]["changes"], 6);
    assert_eq!(v["summary"]["destructive"], true);
    assert_eq!(v["summary"]["hazards"]["data_loss"], 2);
    assert_eq!(v["setup"]["up"][0]["sql"], "SET lock_timeout = '5s'");
    let users = &v["changes"][1];
    assert_eq!(users["kind"], "alter_table");
    assert_eq!(users["object"]["name"], "users");
    assert_eq!(users["up"].as_array().map(Vec::len), Some(2));
    assert_eq!(users["rollback"].as_array().map(Vec::len), Some(2));
    let bills = &v["changes"][5];
    assert_eq!(bills["action"], "renamed");
    assert_eq!(bills["object"]["schema"], "billing");
    assert_eq!(bills["renamed_from"], "billing.invoices");
    report_snapshot!("json_shop_postgres", text);
}

#[test]
fn every_statement_lands_in_exactly_one_place() {
    let m = shop_migration();
    let v = parsed(&json::render(&m, DialectKind::Postgres));
    let count = |key: &str| {
        v["changes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| c[key].as_array().map_or(0, Vec::len))
            .sum::<usize>()
            + v["setup"][key].as_array().map_or(0, Vec::len)
    };
    assert_eq!(count("up"), m.up.statements().count());
    assert_eq!(count("rollback"), m.down.statements().count());
}

#[test]
fn sqlite_rebuild() {
    let text = json::render(&sqlite_rebuild_migration(), DialectKind::Sqlite);
    let v = parsed(&text);
    assert_eq!(v["changes"][0]["hazards"][0]["kind"], "table_rebuild");
    assert_eq!(v["changes"][0]["hazards"][0]["destructive"], false);
    assert_eq!(v["summary"]["destructive"], false);
    report_snapshot!("json_rebuild_sqlite", text);
}

#[test]
fn mysql_drop_column_and_index() {
    let text = json::render(&mysql_migration(), DialectKind::Mysql);
    let v = parsed(&text);
    assert_eq!(v["changes"][0]["up"][0]["transactional"], false);
    assert_eq!(v["changes"][0]["details"][0]["kind"], "drop_column");
    report_snapshot!("json_events_mysql", text);
}

#[test]
fn concurrent_index_is_not_transactional() {
    let text = json::render(
        &postgres_concurrent_index_migration(),
        DialectKind::Postgres,
    );
    let v = parsed(&text);
    assert_eq!(v["changes"][0]["up"][0]["transactional"], false);
    assert_eq!(v["summary"]["hazards"]["not_transactional"], 1);
    report_snapshot!("json_concurrent_index_postgres", text);
}

#[test]
fn empty_plan() {
    let text = json::render(&empty_migration(), DialectKind::Sqlite);
    let v = parsed(&text);
    assert_eq!(v["summary"]["changes"], 0);
    assert_eq!(v["changes"].as_array().map(Vec::len), Some(0));
    report_snapshot!("json_empty", text);
}
