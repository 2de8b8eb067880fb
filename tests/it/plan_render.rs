//! The same change sets planned and rendered in every dialect: snapshots
//! of what a reviewer reads (up and rollback SQL, hazards, transaction
//! lines) under `snapshots/plan/`.

use strata::dialect::{self, EmitOptions};
use strata::ir::{
    Column, DialectKind, ForeignKey, Index, IndexKey, IndexPart, Name, Schema, Table, View,
};
use strata::migration::migration;

fn col(name: &str, ty: &str) -> Column {
    Column::new(name, ty)
}

fn table(name: &str, cols: Vec<Column>) -> Table {
    let mut t = Table::new(Name::new(name));
    t.primary_key = Some(strata::ir::PrimaryKey {
        name: None,
        columns: vec![cols[0].name.clone()],
        deferral: Default::default(),
    });
    t.columns = cols;
    t
}

fn fk(name: &str, column: &str, to: &str) -> ForeignKey {
    ForeignKey {
        name: Some(name.into()),
        columns: vec![column.into()],
        ref_table: Name::new(to),
        ref_columns: vec!["id".into()],
        on_delete: Default::default(),
        on_update: Default::default(),
        deferral: Default::default(),
        match_type: Default::default(),
        not_valid: false,
        renamed_from: None,
    }
}

fn index(name: &str, column: &str) -> Index {
    Index {
        name: Some(name.into()),
        parts: vec![IndexPart {
            key: IndexKey::Column(column.into()),
            desc: false,
            nulls_first: None,
            collation: None,
            opclass: None,
            length: None,
        }],
        unique: false,
        method: None,
        include: vec![],
        predicate: None,
        nulls_not_distinct: false,
        comment: None,
        renamed_from: None,
        options: Default::default(),
        invalid: false,
    }
}

fn view(name: &str, body: &str) -> View {
    View {
        name: Name::new(name),
        body: body.into(),
        materialized: false,
        columns: vec![],
        indexes: vec![],
        comment: None,
        renamed_from: None,
        options: Default::default(),
    }
}

fn schema(tables: Vec<Table>, views: Vec<View>) -> Schema {
    let mut s = Schema::default();
    for t in tables {
        s.tables.insert(t.name.clone(), t);
    }
    for v in views {
        s.views.insert(v.name.clone(), v);
    }
    s
}

fn users() -> Table {
    let mut note = col("note", "varchar(100)");
    note.nullable = true;
    table(
        "users",
        vec![col("id", "integer"), col("email", "varchar(100)"), note],
    )
}

fn orders() -> Table {
    let mut t = table(
        "orders",
        vec![
            col("id", "integer"),
            col("user_id", "integer"),
            col("total", "integer"),
        ],
    );
    t.foreign_keys.push(fk("orders_user", "user_id", "users"));
    t.indexes.push(index("orders_user_id", "user_id"));
    t
}

fn paid() -> View {
    view(
        "user_totals",
        "select u.email, o.total from orders o join users u on u.id = o.user_id",
    )
}

/// The change sets: name, from, to.
fn cases() -> Vec<(&'static str, Schema, Schema)> {
    let shop = schema(vec![users(), orders()], vec![paid()]);

    let mut a = table("a", vec![col("id", "integer"), col("b_id", "integer")]);
    a.foreign_keys.push(fk("a_b", "b_id", "b"));
    let mut b = table("b", vec![col("id", "integer"), col("a_id", "integer")]);
    b.foreign_keys.push(fk("b_a", "a_id", "a"));
    let cycle = schema(vec![a, b], vec![]);

    let mut no_note = users();
    no_note.columns.retain(|c| c.name != "note");
    let dropped = schema(vec![no_note, orders()], vec![paid()]);

    let mut renamed = users();
    renamed.columns[1].name = "mail".into();
    renamed.columns[1].renamed_from = Some("email".into());
    renamed.columns[1].ty = strata::ir::Type::new("varchar(200)");
    let mut totals = paid();
    totals.body = totals.body.replace("u.email", "u.mail");
    let renamed = schema(vec![renamed, orders()], vec![totals]);

    vec![
        ("create_shop", Schema::default(), shop.clone()),
        ("fk_cycle", Schema::default(), cycle),
        ("drop_column", shop.clone(), dropped),
        ("rename_and_widen_under_a_view", shop, renamed),
    ]
}

fn render(kind: DialectKind, from: &Schema, to: &Schema) -> String {
    let d = dialect::for_kind(kind);
    match migration(from, to, d, &EmitOptions::default()) {
        Ok(m) => format!(
            "-- up\n{}\n-- down\n{}",
            strata::report::sql::render(d, &m.up),
            strata::report::sql::render(d, &m.down)
        ),
        Err(e) => format!("error: {e}"),
    }
}

fn snapshot(kind: DialectKind) {
    for (name, from, to) in cases() {
        let text = render(kind, &from, &to);
        insta::with_settings!({
            snapshot_path => "../../snapshots/plan",
            prepend_module_to_snapshot => false,
            omit_expression => true,
            description => format!("{name} ({kind})"),
        }, {
            insta::assert_snapshot!(format!("{kind}_{name}"), text);
        });
    }
}

#[test]
fn mysql_plans() {
    snapshot(DialectKind::Mysql);
}

#[test]
fn sqlite_plans() {
    snapshot(DialectKind::Sqlite);
}

#[test]
fn postgres_plans() {
    snapshot(DialectKind::Postgres);
}
