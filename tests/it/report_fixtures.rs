//! Hand-built schemas and migrations for the report snapshot tests, so
//! that the renderers are tested on their own, independent of the parser
//! and the planner.

#![allow(dead_code)]

use strata::dialect::{Phase, Script, Statement};
use strata::diff::{Change, ColumnChanges, TableChange};
use strata::ir::{
    Column, DialectKind, Enum, FkAction, ForeignKey, Index, Name, PrimaryKey, Schema, Table, Unique,
};
use strata::migration::Migration;
use strata::plan::{Hazard, HazardKind, Plan, Step};

/// Points report snapshots at `snapshots/report/`.
#[macro_export]
macro_rules! report_snapshot {
    ($name:expr, $value:expr) => {
        insta::with_settings!({
            snapshot_path => "../../snapshots/report",
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!($name, $value);
        })
    };
}

pub fn col(name: &str, ty: &str) -> Column {
    Column::new(name, ty)
}

pub fn nullable(name: &str, ty: &str) -> Column {
    let mut c = Column::new(name, ty);
    c.nullable = true;
    c
}

pub fn table(name: Name, columns: Vec<Column>, pk: &[&str]) -> Table {
    let mut t = Table::new(name);
    t.columns = columns;
    if !pk.is_empty() {
        t.primary_key = Some(PrimaryKey {
            attached_to: None,
            comment: None,
            name: None,
            columns: pk.iter().map(|c| c.to_string()).collect(),
            deferral: Default::default(),
            options: Default::default(),
            method: None,
            lengths: Default::default(),
            descending: Default::default(),
        });
    }
    t
}

pub fn fk(columns: &[&str], table: Name, refs: &[&str]) -> ForeignKey {
    ForeignKey {
        comment: None,
        name: None,
        columns: columns.iter().map(|c| c.to_string()).collect(),
        ref_table: table,
        ref_columns: refs.iter().map(|c| c.to_string()).collect(),
        on_delete: FkAction::Unspecified,
        on_update: FkAction::Unspecified,
        deferral: Default::default(),
        match_type: Default::default(),
        not_valid: false,
        renamed_from: None,
        attached_to: None,
    }
}

pub fn index(name: &str, columns: &[&str], unique: bool) -> Index {
    let mut i = Index::on_columns(Some(name), columns);
    i.unique = unique;
    i
}

pub fn users() -> Table {
    let mut t = table(
        Name::new("users"),
        vec![
            col("id", "bigint"),
            col("email", "text"),
            nullable("display", "text"),
            col("created_at", "timestamp with time zone"),
        ],
        &["id"],
    );
    t.uniques.push(Unique {
        attached_to: None,
        comment: None,
        name: None,
        columns: vec!["email".into()],
        nulls_not_distinct: false,
        deferral: Default::default(),
        renamed_from: None,
        options: Default::default(),
    });
    t
}

pub fn products() -> Table {
    table(
        Name::new("products"),
        vec![
            col("id", "bigint"),
            col("name", "text"),
            col("price", "numeric(12,2)"),
        ],
        &["id"],
    )
}

pub fn orders() -> Table {
    let mut t = table(
        Name::new("orders"),
        vec![
            col("id", "uuid"),
            col("user_id", "bigint"),
            col("status", "order_status"),
            col("total", "numeric(12,2)"),
        ],
        &["id"],
    );
    let mut f = fk(&["user_id"], Name::new("users"), &["id"]);
    f.on_delete = FkAction::Cascade;
    t.foreign_keys.push(f);
    t.indexes
        .push(index("orders_user_id_idx", &["user_id"], false));
    t
}

pub fn order_items() -> Table {
    let mut t = table(
        Name::new("order_items"),
        vec![
            col("order_id", "uuid"),
            col("line", "integer"),
            col("product_id", "bigint"),
            col("quantity", "integer"),
        ],
        &["order_id", "line"],
    );
    t.foreign_keys
        .push(fk(&["order_id"], Name::new("orders"), &["id"]));
    t.foreign_keys
        .push(fk(&["product_id"], Name::new("products"), &["id"]));
    t
}

pub fn invoices() -> Table {
    let mut t = table(
        Name::qualified("billing", "invoices"),
        vec![
            col("id", "bigint"),
            nullable("order_id", "uuid"),
            col("amount", "numeric(12,2)"),
        ],
        &["id"],
    );
    t.foreign_keys
        .push(fk(&["order_id"], Name::new("orders"), &["id"]));
    t
}

pub fn shop() -> Schema {
    let mut s = Schema {
        dialect: Some(DialectKind::Postgres),
        ..Schema::default()
    };
    for t in [users(), products(), orders(), order_items(), invoices()] {
        s.tables.insert(t.name.clone(), t);
    }
    s.enums.insert(
        Name::new("order_status"),
        Enum {
            name: Name::new("order_status"),
            values: vec!["pending".into(), "paid".into(), "shipped".into()],
            comment: None,
        },
    );
    s
}

/// The shop after a review's worth of changes: `users.display` dropped,
/// `users.last_login` added, `orders.total` widened, a new `coupons` table
/// referenced by orders, `products` dropped with its key from order_items,
/// `billing.invoices` renamed to `billing.bills`.
pub fn shop_v2() -> Schema {
    let mut s = shop();
    let users = s.tables.get_mut(&Name::new("users")).expect("fixture");
    users.columns.retain(|c| c.name != "display");
    users
        .columns
        .push(nullable("last_login", "timestamp with time zone"));
    let orders = s.tables.get_mut(&Name::new("orders")).expect("fixture");
    orders.columns[3].ty = strata::ir::Type::new("numeric(14,2)");
    orders.columns.push(nullable("coupon_code", "text"));
    orders
        .foreign_keys
        .push(fk(&["coupon_code"], Name::new("coupons"), &["code"]));
    let coupons = table(
        Name::new("coupons"),
        vec![col("code", "text"), col("percent", "integer")],
        &["code"],
    );
    s.tables.insert(coupons.name.clone(), coupons);
    s.tables.remove(&Name::new("products"));
    let items = s
        .tables
        .get_mut(&Name::new("order_items"))
        .expect("fixture");
    items
        .foreign_keys
        .retain(|f| f.ref_table.name != "products");
    let mut bills = s
        .tables
        .remove(&Name::qualified("billing", "invoices"))
        .expect("fixture");
    bills.name = Name::qualified("billing", "bills");
    s.tables.insert(bills.name.clone(), bills);
    s
}

fn hazard(kind: HazardKind, message: &str) -> Hazard {
    Hazard {
        kind,
        message: message.into(),
        acknowledged: None,
    }
}

fn stmt(sql: &str, step: Option<usize>, hazards: Vec<Hazard>) -> Statement {
    Statement {
        sql: sql.into(),
        step,
        hazards,
    }
}

/// The plan from [`shop`] to [`shop_v2`] with its PostgreSQL scripts,
/// written by hand as the planner and emitter would produce them.
pub fn shop_migration() -> Migration {
    let from = shop();
    let to = shop_v2();
    let t = |s: &Schema, n: Name| s.tables.get(&n).cloned().expect("fixture");
    let users_from = t(&from, Name::new("users"));
    let users_to = t(&to, Name::new("users"));
    let orders_from = t(&from, Name::new("orders"));
    let orders_to = t(&to, Name::new("orders"));
    let items_from = t(&from, Name::new("order_items"));
    let items_to = t(&to, Name::new("order_items"));
    let inv = t(&from, Name::qualified("billing", "invoices"));
    let bills = t(&to, Name::qualified("billing", "bills"));
    let products = t(&from, Name::new("products"));
    let coupons = t(&to, Name::new("coupons"));
    let display = users_from.columns[2].clone();
    let last_login = users_to.columns[3].clone();
    let total_from = orders_from.columns[3].clone();
    let total_to = orders_to.columns[3].clone();
    let coupon_code = orders_to.columns[4].clone();
    let coupon_fk = orders_to.foreign_keys[1].clone();
    let products_fk = items_from.foreign_keys[1].clone();

    let data_loss_display = hazard(
        HazardKind::DataLoss,
        "dropping column `users.display` deletes its values",
    );
    let data_loss_products = hazard(
        HazardKind::DataLoss,
        "dropping table `products` deletes its rows",
    );
    let rewrite = hazard(
        HazardKind::TableRewrite,
        "changing the type of `orders.total` rewrites `orders`",
    );
    let lock = hazard(
        HazardKind::AccessExclusiveLock,
        "`orders` is locked against reads and writes during the rewrite",
    );
    let steps = vec![
        Step {
            change: Change::CreateTable(coupons),
            hazards: vec![],
        },
        Step {
            change: Change::AlterTable {
                from: users_from,
                to: users_to,
                changes: vec![
                    TableChange::DropColumn(display),
                    TableChange::AddColumn(last_login),
                ],
            },
            hazards: vec![data_loss_display.clone()],
        },
        Step {
            change: Change::AlterTable {
                from: orders_from,
                to: orders_to,
                changes: vec![
                    TableChange::AlterColumn {
                        what: ColumnChanges::between(&total_from, &total_to),
                        from: total_from,
                        to: total_to,
                    },
                    TableChange::AddColumn(coupon_code),
                    TableChange::AddForeignKey(coupon_fk),
                ],
            },
            hazards: vec![rewrite.clone(), lock.clone()],
        },
        Step {
            change: Change::AlterTable {
                from: items_from,
                to: items_to,
                changes: vec![TableChange::DropForeignKey(products_fk)],
            },
            hazards: vec![],
        },
        Step {
            change: Change::DropTable(products),
            hazards: vec![data_loss_products.clone()],
        },
        Step {
            change: Change::AlterTable {
                from: inv,
                to: bills,
                changes: vec![TableChange::RenameTable {
                    from: Name::qualified("billing", "invoices"),
                    to: Name::qualified("billing", "bills"),
                }],
            },
            hazards: vec![],
        },
    ];
    let up = Script {
        phases: vec![Phase {
            transactional: true,
            statements: vec![
                stmt("SET lock_timeout = '5s'", None, vec![]),
                stmt(
                    "CREATE TABLE \"coupons\" (\n  \"code\" text NOT NULL,\n  \"percent\" integer NOT NULL,\n  PRIMARY KEY (\"code\")\n)",
                    Some(0),
                    vec![],
                ),
                stmt("ALTER TABLE \"users\" DROP COLUMN \"display\"", Some(1), vec![data_loss_display]),
                stmt("ALTER TABLE \"users\" ADD COLUMN \"last_login\" timestamp with time zone", Some(1), vec![]),
                stmt(
                    "ALTER TABLE \"orders\" ALTER COLUMN \"total\" TYPE numeric(14,2)",
                    Some(2),
                    vec![rewrite, lock],
                ),
                stmt("ALTER TABLE \"orders\" ADD COLUMN \"coupon_code\" text", Some(2), vec![]),
                stmt(
                    "ALTER TABLE \"orders\" ADD FOREIGN KEY (\"coupon_code\") REFERENCES \"coupons\" (\"code\")",
                    Some(2),
                    vec![],
                ),
                stmt("ALTER TABLE \"order_items\" DROP CONSTRAINT \"order_items_product_id_fkey\"", Some(3), vec![]),
                stmt("DROP TABLE \"products\"", Some(4), vec![data_loss_products]),
                stmt("ALTER TABLE \"billing\".\"invoices\" RENAME TO \"bills\"", Some(5), vec![]),
            ],
        }],
    };
    let down = Script {
        phases: vec![Phase {
            transactional: true,
            statements: vec![
                stmt("SET lock_timeout = '5s'", None, vec![]),
                stmt("ALTER TABLE \"billing\".\"bills\" RENAME TO \"invoices\"", Some(5), vec![]),
                stmt(
                    "CREATE TABLE \"products\" (\n  \"id\" bigint NOT NULL,\n  \"name\" text NOT NULL,\n  \"price\" numeric(12,2) NOT NULL,\n  PRIMARY KEY (\"id\")\n)",
                    Some(4),
                    vec![],
                ),
                stmt(
                    "ALTER TABLE \"order_items\" ADD FOREIGN KEY (\"product_id\") REFERENCES \"products\" (\"id\")",
                    Some(3),
                    vec![],
                ),
                stmt("ALTER TABLE \"orders\" DROP CONSTRAINT \"orders_coupon_code_fkey\"", Some(2), vec![]),
                stmt("ALTER TABLE \"orders\" DROP COLUMN \"coupon_code\"", Some(2), vec![]),
                stmt("ALTER TABLE \"orders\" ALTER COLUMN \"total\" TYPE numeric(12,2)", Some(2), vec![]),
                stmt("ALTER TABLE \"users\" DROP COLUMN \"last_login\"", Some(1), vec![]),
                stmt("ALTER TABLE \"users\" ADD COLUMN \"display\" text", Some(1), vec![]),
                stmt("DROP TABLE \"coupons\"", Some(0), vec![]),
            ],
        }],
    };
    assemble(Migration {
        plan: Plan { steps },
        up,
        down,
        rollback: Plan::default(),
    })
}

fn one_phase(transactional: bool, statements: Vec<Statement>) -> Phase {
    Phase {
        transactional,
        statements,
    }
}

/// SQLite: a column's type changes, which SQLite can only do by
/// rebuilding the table.
pub fn sqlite_rebuild_migration() -> Migration {
    let from = table(
        Name::new("notes"),
        vec![
            col("id", "integer"),
            col("body", "text"),
            col("score", "integer"),
        ],
        &["id"],
    );
    let mut to = from.clone();
    to.columns[2].ty = strata::ir::Type::new("real");
    let what = ColumnChanges::between(&from.columns[2], &to.columns[2]);
    let rebuild = hazard(
        HazardKind::TableRebuild,
        "`notes` is rebuilt: copied into a new table, dropped and renamed",
    );
    let step = Step {
        change: Change::AlterTable {
            from: from.clone(),
            to: to.clone(),
            changes: vec![TableChange::AlterColumn {
                from: from.columns[2].clone(),
                to: to.columns[2].clone(),
                what,
            }],
        },
        hazards: vec![rebuild.clone()],
    };
    let rebuild_sql = |ty: &str| {
        vec![
            stmt(
                &format!("CREATE TABLE \"strata_new_notes\" (\"id\" integer NOT NULL, \"body\" text NOT NULL, \"score\" {ty} NOT NULL, PRIMARY KEY (\"id\"))"),
                Some(0),
                vec![rebuild.clone()],
            ),
            stmt(
                "INSERT INTO \"strata_new_notes\" (\"id\", \"body\", \"score\") SELECT \"id\", \"body\", \"score\" FROM \"notes\"",
                Some(0),
                vec![],
            ),
            stmt("DROP TABLE \"notes\"", Some(0), vec![]),
            stmt("ALTER TABLE \"strata_new_notes\" RENAME TO \"notes\"", Some(0), vec![]),
        ]
    };
    let wrap = |mut body: Vec<Statement>| {
        let mut all = vec![stmt("PRAGMA foreign_keys = OFF", None, vec![])];
        all.append(&mut body);
        all.push(stmt("PRAGMA foreign_key_check", None, vec![]));
        Script {
            phases: vec![one_phase(true, all)],
        }
    };
    assemble(Migration {
        plan: Plan { steps: vec![step] },
        up: wrap(rebuild_sql("real")),
        down: wrap(rebuild_sql("integer")),
        rollback: Plan::default(),
    })
}

/// MySQL: an index is added and a column dropped.
pub fn mysql_migration() -> Migration {
    let from = table(
        Name::new("events"),
        vec![
            col("id", "bigint unsigned"),
            col("kind", "varchar(32)"),
            nullable("legacy", "text"),
        ],
        &["id"],
    );
    let mut to = from.clone();
    to.columns.pop();
    let idx = index("events_kind_idx", &["kind"], false);
    to.indexes.push(idx.clone());
    let loss = hazard(
        HazardKind::DataLoss,
        "dropping column `events.legacy` deletes its values",
    );
    let build = hazard(
        HazardKind::IndexBuild,
        "building `events_kind_idx` reads all of `events`",
    );
    let step = Step {
        change: Change::AlterTable {
            from: from.clone(),
            to,
            changes: vec![
                TableChange::DropColumn(from.columns[2].clone()),
                TableChange::AddIndex(idx),
            ],
        },
        hazards: vec![loss.clone(), build.clone()],
    };
    assemble(Migration {
        plan: Plan { steps: vec![step] },
        up: Script {
            phases: vec![one_phase(
                false,
                vec![
                    stmt(
                        "ALTER TABLE `events` DROP COLUMN `legacy`",
                        Some(0),
                        vec![loss],
                    ),
                    stmt(
                        "CREATE INDEX `events_kind_idx` ON `events` (`kind`)",
                        Some(0),
                        vec![build],
                    ),
                ],
            )],
        },
        down: Script {
            phases: vec![one_phase(
                false,
                vec![
                    stmt("DROP INDEX `events_kind_idx` ON `events`", Some(0), vec![]),
                    stmt(
                        "ALTER TABLE `events` ADD COLUMN `legacy` text NULL",
                        Some(0),
                        vec![],
                    ),
                ],
            )],
        },
        rollback: Plan::default(),
    })
}

/// PostgreSQL online: an index built concurrently, outside a transaction.
pub fn postgres_concurrent_index_migration() -> Migration {
    let from = orders();
    let mut to = from.clone();
    let idx = index("orders_status_idx", &["status"], false);
    to.indexes.push(idx.clone());
    let nt = hazard(
        HazardKind::NotTransactional,
        "`CREATE INDEX CONCURRENTLY` runs outside a transaction; if it fails, drop the invalid index and retry",
    );
    assemble(Migration {
        plan: Plan {
            steps: vec![Step {
                change: Change::AlterTable {
                    from,
                    to,
                    changes: vec![TableChange::AddIndex(idx)],
                },
                hazards: vec![nt.clone()],
            }],
        },
        up: Script {
            phases: vec![one_phase(
                false,
                vec![stmt(
                    "CREATE INDEX CONCURRENTLY \"orders_status_idx\" ON \"orders\" (\"status\")",
                    Some(0),
                    vec![nt],
                )],
            )],
        },
        down: Script {
            phases: vec![one_phase(
                false,
                vec![stmt(
                    "DROP INDEX CONCURRENTLY \"orders_status_idx\"",
                    Some(0),
                    vec![],
                )],
            )],
        },
        rollback: Plan::default(),
    })
}

pub fn empty_migration() -> Migration {
    assemble(Migration {
        plan: Plan::default(),
        up: Script::default(),
        down: Script::default(),
        rollback: Plan::default(),
    })
}

/// Schema source on both sides of [`shop_migration`], for the diff.
pub const SHOP_V1_SOURCE: &str = r#"dialect postgres

enum order_status { pending, paid, shipped }

table users {
  id          bigint  pk
  email       text    unique
  display     text?
  created_at  timestamptz
}

table products {
  id     bigint  pk
  name   text
  price  numeric(12,2)
}

table orders {
  id       uuid           pk
  user_id  bigint         -> users.id on delete cascade
  status   order_status
  total    numeric(12,2)

  index orders_user_id_idx (user_id)
}

table order_items {
  order_id    uuid     -> orders.id
  line        integer
  product_id  bigint   -> products.id
  quantity    integer
  primary key (order_id, line)
}

namespace billing {
  table invoices {
    id        bigint  pk
    order_id  uuid?   -> public.orders.id
    amount    numeric(12,2)
  }
}
"#;

pub const SHOP_V2_SOURCE: &str = r#"dialect postgres

enum order_status { pending, paid, shipped }

table users {
  id          bigint  pk
  email       text    unique
  created_at  timestamptz
  last_login  timestamptz?
}

table coupons {
  code     text  pk
  percent  integer
}

table orders {
  id           uuid           pk
  user_id      bigint         -> users.id on delete cascade
  status       order_status
  total        numeric(14,2)
  coupon_code  text?          -> coupons.code

  index orders_user_id_idx (user_id)
}

table order_items {
  order_id    uuid     -> orders.id
  line        integer
  product_id  bigint
  quantity    integer
  primary key (order_id, line)
}

namespace billing {
  table bills renamed_from invoices {
    id        bigint  pk
    order_id  uuid?   -> public.orders.id
    amount    numeric(12,2)
  }
}
"#;

/// `n` new tables of `width` columns each: a change set whose preview
/// cannot fit in one pull-request comment.
pub fn many_tables(n: usize, width: usize) -> (Schema, Schema, Migration) {
    let from = Schema {
        dialect: Some(DialectKind::Postgres),
        ..Schema::default()
    };
    let mut to = from.clone();
    let mut steps = Vec::new();
    let mut up = Vec::new();
    let mut down = Vec::new();
    for i in 0..n {
        let name = Name::new(format!("generated_table_{i:04}"));
        let mut cols = vec![col("id", "bigint")];
        for c in 0..width {
            cols.push(nullable(
                &format!("attribute_number_{c:02}"),
                "character varying(255)",
            ));
        }
        let t = table(name.clone(), cols, &["id"]);
        let body: Vec<String> = t
            .columns
            .iter()
            .map(|c| format!("  \"{}\" {}", c.name, c.ty))
            .collect();
        up.push(stmt(
            &format!(
                "CREATE TABLE \"{}\" (\n{},\n  PRIMARY KEY (\"id\")\n)",
                name.name,
                body.join(",\n")
            ),
            Some(i),
            vec![],
        ));
        down.push(stmt(
            &format!("DROP TABLE \"{}\"", name.name),
            Some(i),
            vec![],
        ));
        to.tables.insert(name, t.clone());
        steps.push(Step {
            change: Change::CreateTable(t),
            hazards: vec![],
        });
    }
    down.reverse();
    let m = assemble(Migration {
        plan: Plan { steps },
        up: Script {
            phases: vec![one_phase(true, up)],
        },
        down: Script {
            phases: vec![one_phase(true, down)],
        },
        rollback: Plan::default(),
    });
    (from, to, m)
}

/// Completes a hand-written migration whose `down` statements name the
/// forward step they undo: the rollback plan is the forward steps
/// reversed, and `down`'s step indexes are moved onto it, as
/// `migration::migration` makes them.
pub fn assemble(mut m: Migration) -> Migration {
    let n = m.plan.steps.len();
    m.rollback = Plan {
        steps: m
            .plan
            .steps
            .iter()
            .rev()
            .map(|s| Step {
                change: s.change.reverse(),
                hazards: vec![],
            })
            .collect(),
    };
    for phase in &mut m.down.phases {
        for st in &mut phase.statements {
            st.step = st.step.map(|i| n - 1 - i);
        }
    }
    m
}
