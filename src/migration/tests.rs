//! Ordering tests of the whole pipeline with a small test-only dialect
//! whose emitter writes one line per step, so that assertions read as the
//! plan does.

use super::*;
use crate::dialect::{EmitError, Phase, Statement};
use crate::diff::{Change, TableChange};
use crate::ir::{Column, DialectKind, Enum, ForeignKey, Name, Schema, Table, Trigger, View};
use crate::plan::{Capabilities, Hazard, HazardKind, Plan, Target};

struct TestDialect {
    caps: Capabilities,
    /// Whether every table change is a rebuild (as SQLite's is for most).
    rebuilds: bool,
}

const PG_LIKE: TestDialect = TestDialect {
    caps: Capabilities {
        transactional_ddl: true,
        lazy_foreign_keys: false,
        alter_constraints: true,
        foreign_keys_pin_columns: false,
        move_columns: false,
        schema_wide_index_names: true,
    },
    rebuilds: false,
};

const SQLITE_LIKE: TestDialect = TestDialect {
    caps: Capabilities {
        transactional_ddl: true,
        lazy_foreign_keys: true,
        alter_constraints: false,
        foreign_keys_pin_columns: false,
        move_columns: false,
        schema_wide_index_names: false,
    },
    rebuilds: true,
};

/// SQLite-like, but every change is made in place (an added column).
const SQLITE_IN_PLACE: TestDialect = TestDialect {
    caps: Capabilities {
        transactional_ddl: true,
        lazy_foreign_keys: true,
        alter_constraints: false,
        foreign_keys_pin_columns: false,
        move_columns: false,
        schema_wide_index_names: false,
    },
    rebuilds: false,
};

impl Target for TestDialect {
    fn capabilities(&self) -> Capabilities {
        self.caps
    }
    fn rebuilds(&self, _from: &Table, _to: &Table, _changes: &[TableChange]) -> bool {
        self.rebuilds
    }
}

impl Dialect for TestDialect {
    fn kind(&self) -> DialectKind {
        DialectKind::Postgres
    }
    fn normalize(&self, schema: &Schema) -> Schema {
        schema.clone()
    }
    fn hazards(&self, _change: &Change, _options: &EmitOptions) -> Vec<Hazard> {
        Vec::new()
    }
    fn emit(&self, plan: &Plan, _options: &EmitOptions) -> Result<Script, EmitError> {
        Ok(Script {
            phases: vec![Phase {
                transactional: true,
                statements: plan
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| Statement {
                        sql: describe(&s.change),
                        step: Some(i),
                        hazards: vec![],
                    })
                    .collect(),
            }],
        })
    }
    fn quote_ident(&self, ident: &str) -> String {
        crate::dialect::postgres::quote::ident(ident)
    }
    fn quote_name(&self, name: &crate::ir::Name) -> String {
        crate::dialect::postgres::quote::name(name)
    }
    fn keep_table(
        &self,
        table: &crate::ir::Table,
        aside: &crate::ir::Name,
        _stamp: &str,
    ) -> crate::dialect::keep::Moves {
        crate::dialect::keep::Moves {
            aside: vec![format!("move {} to {aside}", table.name)],
            back: vec![format!("move {aside} to {}", table.name)],
        }
    }
}

/// One short line per change: `create a`, `alter b: +fk a`, `drop view v`.
fn describe(c: &Change) -> String {
    match c {
        Change::CreateTable(t) => format!("create {}", t.name),
        Change::DropTable(t) => format!("drop {}", t.name),
        Change::AlterTable { to, changes, .. } => {
            let inner: Vec<String> = changes
                .iter()
                .map(|c| match c {
                    TableChange::AddForeignKey(f) => format!("+fk {}", f.ref_table),
                    TableChange::DropForeignKey(f) => format!("-fk {}", f.ref_table),
                    TableChange::AddColumn(c) => format!("+{}", c.name),
                    TableChange::DropColumn(c) => format!("-{}", c.name),
                    TableChange::AlterColumn { to, .. } => format!("~{}", to.name),
                    other => format!("{other:?}"),
                })
                .collect();
            format!("alter {}: {}", to.name, inner.join(", "))
        }
        Change::CreateView(v) => format!("create view {}", v.name),
        Change::DropView(v) => format!("drop view {}", v.name),
        Change::ReplaceView { to, .. } => format!("replace view {}", to.name),
        Change::CreateTrigger(t) => format!("create trigger {}", t.name),
        Change::DropTrigger(t) => format!("drop trigger {}", t.name),
        Change::CreateEnum(e) => format!("create enum {}", e.name),
        Change::DropEnum(e) => format!("drop enum {}", e.name),
        other => format!("{other:?}"),
    }
}

fn lines(p: &Plan) -> Vec<String> {
    p.steps.iter().map(|s| describe(&s.change)).collect()
}

fn table(name: &str, cols: &[&str]) -> Table {
    let mut t = Table::new(Name::new(name));
    t.columns = cols.iter().map(|c| Column::new(*c, "integer")).collect();
    t
}

fn fk(to: &str) -> ForeignKey {
    ForeignKey {
        comment: None,
        name: Some(format!("fk_{to}")),
        columns: vec![format!("{to}_id")],
        ref_table: Name::new(to),
        ref_columns: vec!["id".into()],
        on_delete: Default::default(),
        on_update: Default::default(),
        deferral: Default::default(),
        match_type: Default::default(),
        not_valid: false,
        renamed_from: None,
        attached_to: None,
    }
}

fn with_fk(mut t: Table, to: &str) -> Table {
    t.columns.push(Column::new(format!("{to}_id"), "integer"));
    t.foreign_keys.push(fk(to));
    t
}

fn schema(tables: Vec<Table>) -> Schema {
    let mut s = Schema::default();
    for t in tables {
        s.tables.insert(t.name.clone(), t);
    }
    s
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
        column_comments: Default::default(),
        unmodeled: Vec::new(),
        options: Default::default(),
        written: None,
    }
}

fn up(from: &Schema, to: &Schema, d: &TestDialect) -> Migration {
    match migration(from, to, d, &EmitOptions::default()) {
        Ok(m) => m,
        Err(e) => panic!("migration failed: {e}"),
    }
}

#[test]
fn referenced_table_is_created_first() {
    // "a_child" sorts before "z_parent", so only the edge can put the parent first.
    let to = schema(vec![
        with_fk(table("a_child", &["id"]), "z_parent"),
        table("z_parent", &["id"]),
    ]);
    let m = up(&Schema::default(), &to, &PG_LIKE);
    assert_eq!(lines(&m.plan), vec!["create z_parent", "create a_child"]);
    assert_eq!(lines(&m.rollback), vec!["drop a_child", "drop z_parent"]);
}

#[test]
fn lazy_foreign_keys_keep_the_plain_order() {
    let to = schema(vec![
        with_fk(table("a_child", &["id"]), "z_parent"),
        table("z_parent", &["id"]),
    ]);
    let m = up(&Schema::default(), &to, &SQLITE_LIKE);
    assert_eq!(lines(&m.plan), vec!["create a_child", "create z_parent"]);
}

#[test]
fn mutual_foreign_keys_are_added_after_both_tables() {
    let a = with_fk(table("a", &["id"]), "b");
    let b = with_fk(table("b", &["id"]), "a");
    let to = schema(vec![a.clone(), b.clone()]);
    let m = up(&Schema::default(), &to, &PG_LIKE);
    assert_eq!(
        lines(&m.plan),
        vec!["create a", "create b", "alter a: +fk b", "alter b: +fk a"]
    );
    // The created tables have no foreign keys yet; the alters' `to` are complete.
    match &m.plan.steps[0].change {
        Change::CreateTable(t) => assert!(t.foreign_keys.is_empty()),
        other => panic!("unexpected {other:?}"),
    }
    match &m.plan.steps[2].change {
        Change::AlterTable { to, .. } => assert_eq!(to, &a),
        other => panic!("unexpected {other:?}"),
    }
    // And the rollback takes the keys off before dropping either table.
    assert_eq!(
        lines(&m.rollback),
        vec!["alter a: -fk b", "alter b: -fk a", "drop a", "drop b"]
    );
}

#[test]
fn three_table_cycle_and_a_self_reference() {
    let a = with_fk(with_fk(table("a", &["id"]), "b"), "a");
    let b = with_fk(table("b", &["id"]), "c");
    let c = with_fk(table("c", &["id"]), "a");
    let m = up(&Schema::default(), &schema(vec![a, b, c]), &PG_LIKE);
    let l = lines(&m.plan);
    assert_eq!(&l[..3], &["create a", "create b", "create c"]);
    assert_eq!(l.len(), 6, "{l:?}");
    // The self-reference stays inside the table's own CREATE.
    match &m.plan.steps[0].change {
        Change::CreateTable(t) => assert_eq!(t.foreign_keys, vec![fk("a")]),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn foreign_key_is_dropped_before_the_table_it_points_at() {
    let from = schema(vec![
        with_fk(table("a_child", &["id"]), "z_parent"),
        table("z_parent", &["id"]),
    ]);
    let mut child = table("a_child", &["id"]);
    child.columns.push(Column::new("z_parent_id", "integer"));
    let to = schema(vec![child]);
    let m = up(&from, &to, &PG_LIKE);
    assert_eq!(
        lines(&m.plan),
        vec!["alter a_child: -fk z_parent", "drop z_parent"]
    );
    assert_eq!(
        lines(&m.rollback),
        vec!["create z_parent", "alter a_child: +fk z_parent"]
    );
}

#[test]
fn children_are_dropped_before_parents() {
    let from = schema(vec![
        with_fk(table("a", &["id"]), "b"),
        with_fk(table("b", &["id"]), "c"),
        table("c", &["id"]),
    ]);
    let m = up(&from, &Schema::default(), &PG_LIKE);
    assert_eq!(lines(&m.plan), vec!["drop a", "drop b", "drop c"]);
    assert!(m
        .plan
        .steps
        .iter()
        .all(|s| s.hazards.iter().any(|h| h.kind == HazardKind::DataLoss)));
}

#[test]
fn view_stays_over_a_column_added_in_place() {
    let mut from = schema(vec![table("t", &["id"])]);
    from.views
        .insert(Name::new("v"), view("v", "select id from t"));
    let mut to = schema(vec![table("t", &["id", "a"])]);
    to.views
        .insert(Name::new("v"), view("v", "select id from t"));
    let m = up(&from, &to, &SQLITE_IN_PLACE);
    assert_eq!(lines(&m.plan), vec!["alter t: +a"]);
    // Dropping the column again breaks what reads the table.
    assert_eq!(
        lines(&m.rollback),
        vec!["drop view v", "alter t: -a", "create view v"]
    );
}

#[test]
fn view_over_a_rebuilt_table_is_dropped_and_recreated() {
    let mut from = schema(vec![table("t", &["id", "a"])]);
    from.views
        .insert(Name::new("v"), view("v", "select id from t"));
    let mut to = schema(vec![table("t", &["id"])]);
    to.views
        .insert(Name::new("v"), view("v", "select id from t"));
    let m = up(&from, &to, &SQLITE_LIKE);
    assert_eq!(
        lines(&m.plan),
        vec!["drop view v", "alter t: -a", "create view v"]
    );
    assert_eq!(
        lines(&m.rollback),
        vec!["drop view v", "alter t: +a", "create view v"]
    );
}

#[test]
fn view_over_a_dropped_column_is_recreated_but_others_are_not() {
    let mut from = schema(vec![table("t", &["id", "a"]), table("u", &["id"])]);
    from.views
        .insert(Name::new("uses_a"), view("uses_a", "select id, a from t"));
    from.views
        .insert(Name::new("uses_id"), view("uses_id", "select id from t"));
    from.views
        .insert(Name::new("star"), view("star", "select * from t"));
    from.views
        .insert(Name::new("other"), view("other", "select id from u"));
    // A view over a recreated view is recreated too.
    from.views
        .insert(Name::new("over"), view("over", "select * from uses_a"));
    let mut to = from.clone();
    to.tables.insert(Name::new("t"), table("t", &["id"]));
    for v in to.views.values_mut() {
        v.body = v.body.replace("id, a", "id");
    }
    let m = up(&from, &to, &PG_LIKE);
    assert_eq!(
        lines(&m.plan),
        vec![
            "drop view over",
            "drop view uses_a",
            "drop view star",
            "alter t: -a",
            "create view uses_a",
            "create view over",
            "create view star",
        ]
    );
}

#[test]
fn replaced_view_over_an_altered_table_is_split() {
    let mut from = schema(vec![table("t", &["id", "a"])]);
    from.views
        .insert(Name::new("v"), view("v", "select a from t"));
    let mut to = schema(vec![table("t", &["id"])]);
    to.views
        .insert(Name::new("v"), view("v", "select id from t"));
    let m = up(&from, &to, &PG_LIKE);
    assert_eq!(
        lines(&m.plan),
        vec!["drop view v", "alter t: -a", "create view v"]
    );
}

#[test]
fn trigger_is_recreated_around_a_rebuild() {
    let trig = Trigger {
        name: "audit".into(),
        table: Name::new("t"),
        timing: "after".into(),
        events: vec!["insert".into()],
        for_each_row: true,
        when: None,
        body: "begin insert into log values (new.id); end".into(),
        options: Default::default(),
        comment: None,
    };
    let mut from = schema(vec![table("t", &["id"]), table("log", &["id"])]);
    from.triggers.insert((Name::new("t"), "audit".into()), trig);
    let mut to = from.clone();
    to.tables.insert(Name::new("t"), table("t", &["id", "b"]));
    let m = up(&from, &to, &SQLITE_LIKE);
    assert_eq!(
        lines(&m.plan),
        vec!["drop trigger audit", "alter t: +b", "create trigger audit"]
    );
    // Where constraints alter in place, an added column leaves it alone.
    let m = up(&from, &to, &PG_LIKE);
    assert_eq!(lines(&m.plan), vec!["alter t: +b"]);
}

#[test]
fn enums_come_before_and_go_after_the_tables_using_them() {
    let e = Enum {
        name: Name::new("zz_mood"),
        values: vec!["ok".into()],
        comment: None,
    };
    let mut with_enum = schema(vec![table("a", &["id"])]);
    with_enum.enums.insert(e.name.clone(), e);
    if let Some(t) = with_enum.tables.get_mut(&Name::new("a")) {
        t.columns.push(Column::new("m", "zz_mood"));
    }
    let without = schema(vec![table("a", &["id"])]);
    let m = up(&without, &with_enum, &PG_LIKE);
    assert_eq!(lines(&m.plan), vec!["create enum zz_mood", "alter a: +m"]);
    assert_eq!(lines(&m.rollback), vec!["alter a: -m", "drop enum zz_mood"]);
}

#[test]
fn view_is_created_after_the_tables_it_reads() {
    let mut to = schema(vec![table("zz", &["id"])]);
    to.views
        .insert(Name::new("aa"), view("aa", "select id from zz"));
    to.views
        .insert(Name::new("a0"), view("a0", "select id from aa"));
    let m = up(&Schema::default(), &to, &PG_LIKE);
    assert_eq!(
        lines(&m.plan),
        vec!["create zz", "create view aa", "create view a0"]
    );
    assert_eq!(
        lines(&m.rollback),
        vec!["drop view a0", "drop view aa", "drop zz"]
    );
}

#[test]
fn plans_are_deterministic_and_hazards_reach_statements() {
    let from = schema(vec![table("a", &["id", "gone"]), table("b", &["id"])]);
    let to = schema(vec![table("a", &["id"])]);
    let m1 = up(&from, &to, &PG_LIKE);
    let m2 = up(&from, &to, &PG_LIKE);
    assert_eq!(m1, m2);
    let destructive: Vec<&str> = m1
        .destructive()
        .iter()
        .map(|h| h.message.as_str())
        .collect();
    assert_eq!(
        destructive,
        vec![
            "table `b` is dropped with all of its rows",
            "column `a.gone` is dropped with its values"
        ]
    );
    let on_statements: usize = m1.up.statements().map(|s| s.hazards.len()).sum();
    assert_eq!(on_statements, 2);
}

#[test]
fn no_changes_no_steps() {
    let s = schema(vec![with_fk(table("a", &["id"]), "b"), table("b", &["id"])]);
    let m = up(&s, &s, &PG_LIKE);
    assert!(m.plan.is_empty() && m.up.is_empty() && m.down.is_empty());
}

#[test]
fn enum_swap_recreates_views_over_its_columns_first() {
    let e = |values: &[&str]| Enum {
        name: Name::new("mood"),
        values: values.iter().map(|v| v.to_string()).collect(),
        comment: None,
    };
    let mut t = table("t", &["id"]);
    t.columns.push(Column::new("m", "mood"));
    let mut from = schema(vec![t]);
    from.enums.insert(Name::new("mood"), e(&["ok", "sad"]));
    from.views
        .insert(Name::new("v"), view("v", "select m from t"));
    from.views
        .insert(Name::new("w"), view("w", "select id from t"));
    let mut to = from.clone();
    to.enums.insert(Name::new("mood"), e(&["ok"]));
    let m = up(&from, &to, &PG_LIKE);
    let l = lines(&m.plan);
    assert_eq!(l[0], "drop view v", "{l:?}");
    assert!(l[1].starts_with("AlterEnum"), "{l:?}");
    assert_eq!(l[2], "create view v", "{l:?}");
    assert_eq!(l.len(), 3, "{l:?}");
    // Adding a value needs no swap, and no view is touched.
    let m = up(&to, &from, &PG_LIKE);
    assert_eq!(m.plan.steps.len(), 1);
}

#[test]
fn table_made_anew_takes_its_triggers_and_views_along() {
    let trig = Trigger {
        name: "tr".into(),
        table: Name::new("t"),
        timing: "after".into(),
        events: vec!["insert".into()],
        for_each_row: true,
        when: None,
        body: "execute function f()".into(),
        options: Default::default(),
        comment: None,
    };
    let mut from = schema(vec![table("t", &["id"])]);
    from.triggers.insert((Name::new("t"), "tr".into()), trig);
    from.views
        .insert(Name::new("v"), view("v", "select id from t"));
    let mut to = from.clone();
    if let Some(t) = to.tables.get_mut(&Name::new("t")) {
        t.partition = Some(crate::ir::Partitioning::By {
            by: crate::ir::Expr::new("range (id)"),
        });
    }
    let m = up(&from, &to, &PG_LIKE);
    assert_eq!(
        lines(&m.plan),
        vec![
            "drop trigger tr",
            "drop view v",
            "drop t",
            "create t",
            "create view v",
            "create trigger tr"
        ]
    );
}

#[test]
fn large_plans_are_ordered_end_to_end() {
    // 3,000 tables, each referencing the previous one, with a view each.
    let n = 3000;
    let mut to = Schema::default();
    for i in 0..n {
        let mut t = table(&format!("t{i:05}"), &["id"]);
        if i > 0 {
            t = with_fk(t, &format!("t{:05}", i - 1));
        }
        to.tables.insert(t.name.clone(), t);
        let v = view(&format!("v{i:05}"), &format!("select id from t{i:05}"));
        to.views.insert(v.name.clone(), v);
    }
    let m = up(&Schema::default(), &to, &PG_LIKE);
    assert_eq!(m.plan.steps.len(), 2 * n);
    assert_eq!(describe(&m.plan.steps[0].change), "create t00000");
}

/// Column order alone is no change where columns cannot move in place;
/// with other changes, only those are planned.
#[test]
fn column_order_is_ignored_where_columns_cannot_move() {
    let from = schema(vec![table("t", &["id", "a", "b"])]);
    let swapped = schema(vec![table("t", &["id", "b", "a"])]);
    assert!(up(&from, &swapped, &PG_LIKE).plan.is_empty());
    assert!(up(&from, &swapped, &SQLITE_IN_PLACE).plan.is_empty());

    let mut retyped = table("t", &["id", "b", "a"]);
    retyped.columns[2].ty = crate::ir::Type::new("bigint");
    let m = up(&from, &schema(vec![retyped]), &PG_LIKE);
    assert_eq!(lines(&m.plan), vec!["alter t: ~a"]);
    match &m.plan.steps[0].change {
        Change::AlterTable { changes, .. } => {
            assert!(changes.iter().all(|c| match c {
                TableChange::AlterColumn { what, .. } => what.ty && !what.position,
                _ => false,
            }))
        }
        other => panic!("{other:?}"),
    }
}

/// The server's record of the start database orders drops that no name
/// in the schema's text shows (rank alone drops views before tables).
#[test]
fn recorded_dependencies_order_drops() {
    use crate::ir::DepObject;
    let mut from = schema(vec![table("u", &["x"])]);
    from.views
        .insert(Name::new("v"), view("v", "select 1 as a"));
    from.depends.edges.insert((
        DepObject::Relation(Name::new("u")),
        DepObject::Relation(Name::new("v")),
    ));
    let m = up(&from, &Schema::default(), &PG_LIKE);
    assert_eq!(lines(&m.plan), vec!["drop u", "drop view v"]);
    // Without the record, the tie goes by rank.
    from.depends = Default::default();
    let m = up(&from, &Schema::default(), &PG_LIKE);
    assert_eq!(lines(&m.plan), vec!["drop view v", "drop u"]);
}

/// A recorded edge that would close a cycle with the planner's own is
/// left out: the view that reads the table still goes first.
#[test]
fn a_recorded_edge_never_closes_a_cycle() {
    use crate::ir::DepObject;
    let mut from = schema(vec![table("t", &["a"])]);
    from.views
        .insert(Name::new("v"), view("v", "select a from t"));
    from.depends.edges.insert((
        DepObject::Relation(Name::new("t")),
        DepObject::Relation(Name::new("v")),
    ));
    let m = up(&from, &Schema::default(), &PG_LIKE);
    assert_eq!(lines(&m.plan), vec!["drop view v", "drop t"]);
}

/// What strata does not model stops a drop of what it leans on, unless
/// what it belongs to goes too (first).
#[test]
fn unmodeled_dependents_refuse_a_drop_unless_their_owner_goes() {
    use crate::ir::{DepObject, Unmodeled};
    let mut from = schema(vec![table("t", &["a"]), table("log", &["a"])]);
    let rule = Unmodeled {
        on: DepObject::Relation(Name::new("log")),
        what: "rule r on table t".into(),
        owner: Some(DepObject::Relation(Name::new("t"))),
    };
    from.depends.unmodeled.insert(rule);
    from.depends.edges.insert((
        DepObject::Relation(Name::new("t")),
        DepObject::Relation(Name::new("log")),
    ));
    let keep_t = schema(vec![table("t", &["a"])]);
    match migration(&from, &keep_t, &PG_LIKE, &EmitOptions::default()) {
        Err(EmitError::UnmodeledDependents { what, .. }) => {
            assert!(what.contains("rule r on table t"), "{what}");
            assert!(what.contains("drop table `log`"), "{what}");
        }
        other => panic!("expected E0248, got {:?}", other.map(|m| lines(&m.plan))),
    }
    let m = up(&from, &Schema::default(), &PG_LIKE);
    assert_eq!(lines(&m.plan), vec!["drop t", "drop log"]);
}
