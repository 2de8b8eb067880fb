//! What the SQLite emitter prints for hand-built plans that no pair of
//! schemas produces: a change list the differ never makes, and the
//! refusals. Every change a pair of schemas can express is a case under
//! `tests/cases/sqlite/` (ALTER TABLE where SQLite has it, the rebuild
//! where it does not). Snapshots in snapshots/sqlite/.

use strata::dialect::{self, EmitOptions};
use strata::diff::{Change, TableChange};
use strata::ir::{
    Column, DialectKind, Expr, Identity, Index, Name, PrimaryKey, Table, Trigger, View,
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
    Index::on_columns(Some(name), cols)
}

fn users() -> Table {
    let mut t = Table::new(Name::new("users"));
    t.columns = vec![
        col("id", "integer"),
        col("email", "text"),
        nullable("name", "text"),
    ];
    t.primary_key = Some(PrimaryKey {
        attached_to: None,
        comment: None,
        name: None,
        columns: vec!["id".into()],
        deferral: Default::default(),
        options: Default::default(),
        method: None,
        lengths: Default::default(),
        descending: Default::default(),
    });
    t.indexes = vec![index("users_email_idx", &["email"])];
    t
}

fn alter(from: Table, to: Table, changes: Vec<TableChange>) -> Change {
    Change::AlterTable { from, to, changes }
}

/// Hand-built: the differ always drops an index with the column it
/// covers (that pair is the case `sqlite/drop_indexed_column`); this plan,
/// which drops the column alone, checks that the emitter still sees the
/// index and rebuilds instead of running a `DROP COLUMN` SQLite refuses.
#[test]
fn drop_indexed_column_alone_rebuilds() {
    let from = users();
    let mut to = users();
    to.columns.retain(|c| c.name != "email");
    to.indexes.clear();
    let sql = emit(vec![alter(
        from,
        to,
        vec![TableChange::DropColumn(col("email", "text"))],
    )]);
    assert!(sql.contains("_strata_new_users"), "{sql}");
}

/// Hand-built: a plan that replaces a view and creates and drops the same
/// trigger is no diff of two schemas; it pins the emitter's statements for
/// each change kind side by side.
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
        column_comments: Default::default(),
        unmodeled: Vec::new(),
        written: None,
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
        options: Default::default(),
        comment: None,
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

/// Hand-built: the schema validator rejects each of these inputs before a
/// plan exists, so only a plan built by hand reaches the emitter's own
/// refusal, which must still say why.
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
        column_comments: Default::default(),
        unmodeled: Vec::new(),
        written: None,
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
