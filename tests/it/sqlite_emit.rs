//! What the SQLite emitter prints for hand-built plans: ALTER TABLE where
//! SQLite has it, the rebuild where it does not, and the refusals.
//! Snapshots in snapshots/sqlite/.

use strata::dialect::{self, EmitOptions};
use strata::diff::{Change, ColumnChanges, TableChange};
use strata::ir::{
    Check, Column, Deferral, DialectKind, Expr, FkAction, ForeignKey, Generated, Identity, Index,
    IndexKey, IndexPart, MatchType, Name, PrimaryKey, Table, Trigger, Unique, View,
};
use strata::plan::{Plan, Step};

fn sqlite() -> &'static dyn dialect::Dialect {
    dialect::for_kind(DialectKind::Sqlite)
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => "../../snapshots/sqlite",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// The plan with the dialect's hazards attached, rendered as `plan` prints it.
fn emit(changes: Vec<Change>) -> String {
    let opts = EmitOptions::default();
    let steps = changes
        .into_iter()
        .map(|change| Step {
            hazards: sqlite().hazards(&change, &opts),
            change,
        })
        .collect();
    let plan = Plan { steps };
    let mut script = sqlite()
        .emit(&plan, &opts)
        .unwrap_or_else(|e| panic!("{e:?}"));
    strata::migration::attach_step_hazards(&plan, &mut script);
    strata::report::sql::render(sqlite(), &script)
}

fn col(name: &str, ty: &str) -> Column {
    Column::new(name, ty)
}

fn nullable(name: &str, ty: &str) -> Column {
    let mut c = Column::new(name, ty);
    c.nullable = true;
    c
}

fn index(name: &str, cols: &[&str]) -> Index {
    Index {
        name: Some(name.into()),
        parts: cols
            .iter()
            .map(|c| IndexPart {
                key: IndexKey::Column(c.to_string()),
                desc: false,
                nulls_first: None,
                collation: None,
                opclass: None,
                length: None,
            })
            .collect(),
        unique: false,
        method: None,
        include: Vec::new(),
        predicate: None,
        nulls_not_distinct: false,
        comment: None,
        renamed_from: None,
        options: Default::default(),
        invalid: false,
    }
}

/// `users (id integer pk, email text, name text?)` with an index on email.
fn users() -> Table {
    let mut t = Table::new(Name::new("users"));
    t.columns = vec![
        col("id", "integer"),
        col("email", "text"),
        nullable("name", "text"),
    ];
    t.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
        deferral: Default::default(),
    });
    t.indexes = vec![index("users_email_idx", &["email"])];
    t
}

fn alter(from: Table, to: Table, changes: Vec<TableChange>) -> Change {
    Change::AlterTable { from, to, changes }
}

#[test]
fn create_table_with_everything() {
    let mut t = Table::new(Name::new("order"));
    let mut id = col("id", "integer");
    id.identity = Some(Identity::AutoIncrement);
    let mut email = col("email", "text");
    email.collation = Some("nocase".into());
    let mut status = col("status", "text");
    status.default = Some(Expr::new("'new'"));
    let mut at = nullable("at", "text");
    at.default = Some(Expr::new("datetime('now')"));
    let mut total = col("total", "numeric(12,2)");
    total.default = Some(Expr::new("-1"));
    let mut twice = nullable("twice", "numeric");
    twice.generated = Some(Generated {
        expr: Expr::new("total * 2"),
        stored: false,
    });
    let mut kept = nullable("kept", "numeric");
    kept.generated = Some(Generated {
        expr: Expr::new("total + 1"),
        stored: true,
    });
    t.columns = vec![
        id,
        email,
        status,
        at,
        total,
        twice,
        kept,
        nullable("user_id", "integer"),
    ];
    t.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
        deferral: Default::default(),
    });
    t.uniques = vec![Unique {
        name: Some("order_email_key".into()),
        columns: vec!["email".into()],
        nulls_not_distinct: false,
        deferral: Deferral::NotDeferrable,
        renamed_from: None,
    }];
    t.checks = vec![Check {
        name: Some("total_positive".into()),
        expr: Expr::new("total >= 0"),
        not_valid: false,
        renamed_from: None,
        no_inherit: false,
    }];
    t.foreign_keys = vec![ForeignKey {
        name: None,
        columns: vec!["user_id".into()],
        ref_table: Name::new("users"),
        ref_columns: vec!["id".into()],
        on_delete: FkAction::Cascade,
        on_update: FkAction::SetNull,
        deferral: Deferral::InitiallyDeferred,
        match_type: MatchType::Simple,
        not_valid: false,
        renamed_from: None,
    }];
    let mut ix = index("order_lower_email", &[]);
    ix.unique = true;
    ix.parts.push(IndexPart {
        key: IndexKey::Expr(Expr::new("lower(email)")),
        desc: true,
        nulls_first: None,
        collation: Some("nocase".into()),
        opclass: None,
        length: None,
    });
    ix.predicate = Some(Expr::new("status <> 'cancelled'"));
    t.indexes = vec![ix];
    t.options.insert("strict".into(), "true".into());
    snapshot(
        "create_table_with_everything",
        &emit(vec![Change::CreateTable(t)]),
    );
}

#[test]
fn add_nullable_column_in_place() {
    let from = users();
    let mut to = users();
    let mut bio = nullable("bio", "text");
    bio.default = Some(Expr::new("'none'"));
    to.columns.push(bio.clone());
    let sql = emit(vec![alter(from, to, vec![TableChange::AddColumn(bio)])]);
    assert!(!sql.contains("_strata_new_"), "{sql}");
    snapshot("add_nullable_column_in_place", &sql);
}

#[test]
fn add_not_null_column_without_default_rebuilds() {
    let from = users();
    let mut to = users();
    to.columns.push(col("age", "integer"));
    let sql = emit(vec![alter(
        from,
        to.clone(),
        vec![TableChange::AddColumn(col("age", "integer"))],
    )]);
    assert!(sql.contains("_strata_new_users"), "{sql}");
    snapshot("add_not_null_column_rebuilds", &sql);
}

#[test]
fn add_column_in_the_middle_rebuilds() {
    let from = users();
    let mut to = users();
    to.columns.insert(1, nullable("nick", "text"));
    let sql = emit(vec![alter(
        from,
        to,
        vec![TableChange::AddColumn(nullable("nick", "text"))],
    )]);
    assert!(
        sql.contains("_strata_new_users"),
        "ADD COLUMN appends:\n{sql}"
    );
}

#[test]
fn drop_column_in_place_unless_indexed() {
    let from = users();
    let mut to = users();
    to.columns.retain(|c| c.name != "name");
    let sql = emit(vec![alter(
        from.clone(),
        to,
        vec![TableChange::DropColumn(nullable("name", "text"))],
    )]);
    assert!(
        sql.contains("ALTER TABLE \"users\" DROP COLUMN \"name\""),
        "{sql}"
    );
    snapshot("drop_column_in_place", &sql);

    // email is indexed and the index stays: SQLite refuses DROP COLUMN.
    let mut to = users();
    to.columns.retain(|c| c.name != "email");
    to.indexes.clear();
    let sql = emit(vec![alter(
        from.clone(),
        to.clone(),
        vec![TableChange::DropColumn(col("email", "text"))],
    )]);
    assert!(sql.contains("_strata_new_users"), "{sql}");
    // With its index dropped in the same step, it can go in place.
    let sql = emit(vec![alter(
        from,
        to,
        vec![
            TableChange::DropIndex(index("users_email_idx", &["email"])),
            TableChange::DropColumn(col("email", "text")),
        ],
    )]);
    assert!(!sql.contains("_strata_new_users"), "{sql}");
    assert!(sql.find("DROP INDEX") < sql.find("DROP COLUMN"), "{sql}");
}

#[test]
fn renames_in_place() {
    let from = users();
    let mut to = users();
    to.name = Name::new("people");
    to.columns[2].name = "full_name".into();
    to.indexes[0].name = Some("people_email_idx".into());
    let sql = emit(vec![alter(
        from,
        to,
        vec![
            TableChange::RenameTable {
                from: Name::new("users"),
                to: Name::new("people"),
            },
            TableChange::RenameColumn {
                from: "name".into(),
                to: "full_name".into(),
            },
            TableChange::RenameIndex {
                from: "users_email_idx".into(),
                to: "people_email_idx".into(),
            },
        ],
    )]);
    snapshot("renames_in_place", &sql);
}

#[test]
fn type_change_with_rename_rebuilds() {
    let from = users();
    let mut to = users();
    to.columns[2].name = "full_name".into();
    to.columns[2].ty = strata::ir::Type::new("varchar(100)");
    to.columns[2].nullable = false;
    to.columns[2].default = Some(Expr::new("''"));
    let (a, b) = (from.columns[2].clone(), to.columns[2].clone());
    let what = ColumnChanges::between(&a, &b);
    let sql = emit(vec![alter(
        from,
        to,
        vec![
            TableChange::RenameColumn {
                from: "name".into(),
                to: "full_name".into(),
            },
            TableChange::AlterColumn {
                from: a,
                to: b,
                what,
            },
        ],
    )]);
    assert!(
        sql.contains("SELECT \"id\", \"email\", coalesce(\"name\", '') FROM \"users\""),
        "{sql}"
    );
    snapshot("type_change_with_rename_rebuilds", &sql);
}

#[test]
fn views_and_triggers() {
    let v = View {
        name: Name::new("named users"),
        body: "SELECT id, name FROM users".into(),
        materialized: false,
        columns: vec!["id".into(), "name".into()],
        indexes: Vec::new(),
        comment: None,
        renamed_from: None,
        options: Default::default(),
    };
    let mut v2 = v.clone();
    v2.body = "SELECT id, upper(name) FROM users".into();
    let t = Trigger {
        name: "users_touch".into(),
        table: Name::new("users"),
        timing: "after".into(),
        events: vec!["update of email, name".into()],
        for_each_row: true,
        when: Some(Expr::new("new.email <> old.email")),
        body: "BEGIN UPDATE users SET name = NULL WHERE id = new.id; END".into(),
    };
    let sql = emit(vec![
        Change::ReplaceView { from: v, to: v2 },
        Change::CreateTrigger(t.clone()),
        Change::DropTrigger(t),
    ]);
    snapshot("views_and_triggers", &sql);
}

#[test]
fn empty_plan_is_an_empty_script() {
    let script = sqlite()
        .emit(&Plan::default(), &EmitOptions::default())
        .expect("emit");
    assert!(script.phases.is_empty());
    // A step with nothing to run in SQLite (a comment) also prints nothing.
    let mut to = users();
    to.comment = Some("people".into());
    let sql = emit(vec![alter(
        users(),
        to,
        vec![TableChange::SetComment {
            from: None,
            to: Some("people".into()),
        }],
    )]);
    assert_eq!(sql, "");
}

#[test]
fn refusals_say_why() {
    let refuse = |change: Change| -> String {
        let e = sqlite()
            .emit(
                &Plan {
                    steps: vec![Step {
                        change,
                        hazards: Vec::new(),
                    }],
                },
                &EmitOptions::default(),
            )
            .expect_err("refused");
        let help = miette::Diagnostic::help(&e)
            .map(|h| h.to_string())
            .unwrap_or_default();
        format!("{e}\nhelp: {help}")
    };
    let mut engine = users();
    engine.options.insert("engine".into(), "InnoDB".into());
    let mut auto = users();
    auto.columns[1].identity = Some(Identity::AutoIncrement);
    let mut mat = View {
        name: Name::new("v"),
        body: "SELECT 1".into(),
        materialized: true,
        columns: Vec::new(),
        indexes: Vec::new(),
        comment: None,
        renamed_from: None,
        options: Default::default(),
    };
    let text = [
        refuse(Change::CreateTable(engine)),
        refuse(Change::CreateTable(auto)),
        refuse(Change::CreateView(mat.clone())),
        refuse(Change::RenameView {
            from: Name::new("a"),
            to: Name::new("b"),
        }),
        {
            mat.materialized = false;
            let mut t = users();
            t.indexes[0].method = Some("gin".into());
            refuse(Change::CreateTable(t))
        },
    ]
    .join("\n\n");
    snapshot("refusals", &text);
}
