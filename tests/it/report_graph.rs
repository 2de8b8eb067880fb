//! `report::graph`: the ER diagram, as Mermaid and DOT, of whole schemas
//! and of change sets.

use strata::diff::Change;
use strata::ir::{Name, Schema};
use strata::report::graph::{Diagram, Mark};

use crate::report_fixtures::*;
use crate::report_snapshot;

#[test]
fn shop_as_mermaid() {
    let d = Diagram::from_schema(&shop());
    assert_eq!(d.graph.node_count(), 5);
    assert_eq!(d.graph.edge_count(), 4);
    report_snapshot!("graph_shop_mermaid", d.mermaid());
}

#[test]
fn shop_as_dot() {
    report_snapshot!("graph_shop_dot", Diagram::from_schema(&shop()).dot());
}

#[test]
fn output_is_deterministic() {
    let a = Diagram::from_schema(&shop()).mermaid();
    let b = Diagram::from_schema(&shop()).mermaid();
    assert_eq!(a, b);
}

#[test]
fn referencing_tables_are_graph_neighbours() {
    let d = Diagram::from_schema(&shop());
    let by: Vec<String> = d
        .referenced_by(&Name::new("orders"))
        .into_iter()
        .map(|n| n.to_string())
        .collect();
    assert_eq!(by, vec!["order_items", "billing.invoices"]);
}

#[test]
fn dangling_foreign_key_is_left_out() {
    let mut s = Schema::default();
    let mut t = orders();
    t.foreign_keys[0].ref_table = Name::new("nowhere");
    s.tables.insert(t.name.clone(), t);
    let d = Diagram::from_schema(&s);
    assert_eq!(d.graph.edge_count(), 0);
    assert!(!d.mermaid().contains("nowhere"));
}

#[test]
fn changed_tables_and_neighbours_are_marked() {
    let m = shop_migration();
    let changes: Vec<&Change> = m.plan.steps.iter().map(|s| &s.change).collect();
    let d = Diagram::of_changes(&shop(), &shop_v2(), &changes);
    let marks: Vec<(String, Option<Mark>)> = d
        .graph
        .node_weights()
        .map(|e| (e.name.to_string(), e.mark))
        .collect();
    assert_eq!(
        marks,
        vec![
            ("coupons".to_string(), Some(Mark::Added)),
            ("order_items".to_string(), Some(Mark::Altered)),
            ("orders".to_string(), Some(Mark::Altered)),
            ("products".to_string(), Some(Mark::Dropped)),
            ("users".to_string(), Some(Mark::Altered)),
            ("billing.bills".to_string(), Some(Mark::Renamed)),
        ]
    );
    report_snapshot!("graph_changes_mermaid", d.mermaid());
}

#[test]
fn unchanged_neighbours_are_context() {
    // Only `coupons` is new: `orders` references it and is drawn unmarked;
    // `users` is two steps away and is left out.
    let from = shop();
    let mut to = shop();
    let coupons = table(Name::new("coupons"), vec![col("code", "text")], &["code"]);
    to.tables.insert(coupons.name.clone(), coupons.clone());
    let orders = to.tables.get_mut(&Name::new("orders")).expect("fixture");
    orders
        .foreign_keys
        .push(fk(&["status"], Name::new("coupons"), &["code"]));
    let create = Change::CreateTable(coupons);
    let d = Diagram::of_changes(&from, &to, &[&create]);
    let names: Vec<String> = d.tables().iter().map(|n| n.to_string()).collect();
    assert_eq!(names, vec!["coupons", "orders"]);
    report_snapshot!("graph_context_dot", d.dot());
}
