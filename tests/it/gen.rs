//! Generated schema pairs (A, B) with rows, for the convergence property
//! at scale. One generator serves every dialect: it draws from a pool of
//! types each dialect spells natively, and it only makes changes that a
//! database holding rows can take (new NOT NULL columns have defaults,
//! type changes only widen, dropped columns can come back in a rollback).
//!
//! Generation is driven by a seed so a failure names a reproducible case.

#![allow(dead_code)]

use strata::ir::{
    Column, DialectKind, Expr, ForeignKey, Index, IndexKey, Name, PrimaryKey, Schema, Table, Type,
    Unique,
};

/// A tiny deterministic PRNG (xorshift64*): proptest picks the seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// One column type of the pool: its spelling in a dialect, a default, a
/// literal for row `i`, and the type it may widen to.
#[derive(Clone, Copy)]
pub struct Ty {
    pub name: &'static str,
    pub default: &'static str,
    /// Values for rows 1, 2, 3, as SQL literals (distinct, for unique columns).
    pub values: [&'static str; 3],
    pub widens_to: Option<&'static str>,
    /// Can be part of a key or index without a prefix length.
    pub indexable: bool,
}

pub fn types(d: DialectKind) -> &'static [Ty] {
    match d {
        DialectKind::Sqlite => &[
            Ty {
                name: "integer",
                default: "0",
                values: ["1", "2", "3"],
                widens_to: None,
                indexable: true,
            },
            Ty {
                name: "text",
                default: "'none'",
                values: ["'a'", "'b'", "'c'"],
                widens_to: None,
                indexable: true,
            },
            Ty {
                name: "real",
                default: "1.5",
                values: ["0.5", "1.5", "2.5"],
                widens_to: None,
                indexable: true,
            },
            Ty {
                name: "varchar(20)",
                default: "'x'",
                values: ["'p'", "'q'", "'r'"],
                widens_to: Some("text"),
                indexable: true,
            },
        ],
        DialectKind::Postgres => &[
            Ty {
                name: "integer",
                default: "0",
                values: ["1", "2", "3"],
                widens_to: Some("bigint"),
                indexable: true,
            },
            Ty {
                name: "bigint",
                default: "7",
                values: ["10", "20", "30"],
                widens_to: None,
                indexable: true,
            },
            Ty {
                name: "text",
                default: "'none'",
                values: ["'a'", "'b'", "'c'"],
                widens_to: None,
                indexable: true,
            },
            Ty {
                name: "boolean",
                default: "false",
                values: ["true", "false", "true"],
                widens_to: None,
                indexable: false,
            },
            Ty {
                name: "numeric(10,2)",
                default: "0",
                values: ["1.25", "2.50", "3.75"],
                widens_to: Some("numeric(14,2)"),
                indexable: true,
            },
            Ty {
                name: "character varying(20)",
                default: "'x'",
                values: ["'p'", "'q'", "'r'"],
                widens_to: Some("text"),
                indexable: true,
            },
        ],
        DialectKind::Mysql => &[
            Ty {
                name: "int",
                default: "0",
                values: ["1", "2", "3"],
                widens_to: Some("bigint"),
                indexable: true,
            },
            Ty {
                name: "bigint",
                default: "7",
                values: ["10", "20", "30"],
                widens_to: None,
                indexable: true,
            },
            Ty {
                name: "varchar(20)",
                default: "'x'",
                values: ["'p'", "'q'", "'r'"],
                widens_to: Some("varchar(50)"),
                indexable: true,
            },
            Ty {
                name: "decimal(10,2)",
                default: "0.00",
                values: ["1.25", "2.50", "3.75"],
                widens_to: Some("decimal(14,2)"),
                indexable: true,
            },
            Ty {
                name: "text",
                default: "",
                values: ["'a'", "'b'", "'c'"],
                widens_to: None,
                indexable: false,
            },
        ],
    }
}

fn pk_type(d: DialectKind) -> &'static str {
    match d {
        DialectKind::Sqlite => "integer",
        DialectKind::Postgres => "bigint",
        DialectKind::Mysql => "bigint",
    }
}

/// Names that need quoting on some dialect (reserved words) mixed with
/// plain ones, so that quoting is exercised everywhere.
const TABLE_NAMES: &[&str] = &[
    "users", "orders", "order", "items", "group", "notes", "select", "tags",
];
const COLUMN_NAMES: &[&str] = &[
    "name", "total", "status", "user", "desc", "amount", "title", "note", "key", "value", "count",
    "flag",
];

fn ty_of(d: DialectKind, name: &str) -> Option<Ty> {
    types(d).iter().copied().find(|t| t.name == name)
}

fn new_column(rng: &mut Rng, d: DialectKind, name: &str, for_existing_rows: bool) -> Column {
    let ty = *rng.pick(types(d));
    let mut c = Column::new(name, ty.name);
    c.nullable = rng.chance(40);
    let has_default =
        !ty.default.is_empty() && (rng.chance(40) || (for_existing_rows && !c.nullable));
    if has_default {
        c.default = Some(Expr::new(ty.default));
    } else if for_existing_rows && !c.nullable {
        c.nullable = true;
    }
    c
}

fn gen_table(rng: &mut Rng, d: DialectKind, name: &str, earlier: &[Table]) -> Table {
    let mut t = Table::new(Name::new(name));
    t.columns.push(Column::new("id", pk_type(d)));
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
    let n = 1 + rng.below(4);
    let mut used = vec!["id".to_string()];
    for _ in 0..n {
        let cname = *rng.pick(COLUMN_NAMES);
        if used.iter().any(|u| u == cname) {
            continue;
        }
        used.push(cname.to_string());
        t.columns.push(new_column(rng, d, cname, false));
    }
    if let Some(parent) = (!earlier.is_empty() && rng.chance(50)).then(|| rng.pick(earlier).clone())
    {
        let col = format!("{}_id", parent.name.name);
        let mut c = Column::new(col.clone(), pk_type(d));
        c.nullable = rng.chance(50);
        t.columns.push(c);
        t.foreign_keys.push(ForeignKey {
            comment: None,
            name: None,
            columns: vec![col],
            ref_table: parent.name.clone(),
            ref_columns: vec!["id".into()],
            on_delete: if rng.chance(50) {
                strata::ir::FkAction::Cascade
            } else {
                strata::ir::FkAction::Unspecified
            },
            on_update: strata::ir::FkAction::Unspecified,
            deferral: Default::default(),
            match_type: Default::default(),
            not_valid: false,
            renamed_from: None,
            attached_to: None,
        });
    }
    add_random_index(rng, d, &mut t);
    t
}

fn indexable_columns(d: DialectKind, t: &Table) -> Vec<String> {
    t.columns
        .iter()
        .filter(|c| c.name != "id" && ty_of(d, c.ty.as_str()).is_some_and(|ty| ty.indexable))
        .map(|c| c.name.clone())
        .collect()
}

fn add_random_index(rng: &mut Rng, d: DialectKind, t: &mut Table) {
    let cols = indexable_columns(d, t);
    if cols.is_empty() || !rng.chance(50) {
        return;
    }
    let col = rng.pick(&cols).clone();
    let idx_name = format!("{}_{}_ix", t.name.name, col);
    if t.indexes
        .iter()
        .any(|i| i.name.as_deref() == Some(&idx_name))
    {
        return;
    }
    if rng.chance(30) {
        if t.uniques.iter().all(|u| u.columns != [col.clone()]) {
            t.uniques.push(Unique {
                attached_to: None,
                comment: None,
                name: Some(format!("{}_{}_uq", t.name.name, col)),
                columns: vec![col],
                nulls_not_distinct: false,
                deferral: Default::default(),
                renamed_from: None,
                options: Default::default(),
            });
        }
        return;
    }
    let mut index = Index::on_columns(Some(&idx_name), &[&col]);
    index.parts[0].desc = rng.chance(20);
    t.indexes.push(index);
}

/// A random schema A and a B made from it by a few changes.
pub fn schema_pair(seed: u64, d: DialectKind) -> (Schema, Schema) {
    let mut rng = Rng::new(seed);
    let mut tables: Vec<Table> = Vec::new();
    let count = 1 + rng.below(4);
    let mut names: Vec<&str> = TABLE_NAMES.to_vec();
    for _ in 0..count {
        let i = rng.below(names.len());
        let name = names.remove(i);
        let t = gen_table(&mut rng, d, name, &tables);
        tables.push(t);
    }
    let a = to_schema(d, &tables);

    let mut b_tables = tables.clone();
    let changes = 1 + rng.below(4);
    for _ in 0..changes {
        mutate(&mut rng, d, &tables, &mut b_tables, &mut names);
    }
    (a, to_schema(d, &b_tables))
}

fn to_schema(d: DialectKind, tables: &[Table]) -> Schema {
    let mut s = Schema {
        dialect: Some(d),
        ..Schema::default()
    };
    for t in tables {
        s.tables.insert(t.name.clone(), t.clone());
    }
    s
}

fn referenced(tables: &[Table], name: &Name) -> bool {
    tables.iter().any(|t| {
        t.foreign_keys
            .iter()
            .any(|f| &f.ref_table == name && &t.name != name)
    })
}

/// Whether rows seeded into A hold a value in this column: a column that B
/// adds has none, so it may only become NOT NULL with a default.
fn seeded(original: &[Table], table: &Name, column: &str) -> bool {
    original
        .iter()
        .any(|t| &t.name == table && t.column(column).is_some())
}

fn mutate(
    rng: &mut Rng,
    d: DialectKind,
    original: &[Table],
    tables: &mut Vec<Table>,
    free_names: &mut Vec<&str>,
) {
    if tables.is_empty() {
        return;
    }
    let ti = rng.below(tables.len());
    match rng.below(9) {
        // add a table
        0 if !free_names.is_empty() => {
            let i = rng.below(free_names.len());
            let name = free_names.remove(i);
            let t = gen_table(rng, d, name, tables);
            tables.push(t);
        }
        // drop a table nobody references
        1 => {
            let name = tables[ti].name.clone();
            if !referenced(tables, &name) && tables.len() > 1 {
                tables.remove(ti);
            }
        }
        // add a column (safe on a table with rows)
        2 => {
            let t = &mut tables[ti];
            let cname = *rng.pick(COLUMN_NAMES);
            if t.column(cname).is_none() {
                let c = new_column(rng, d, cname, true);
                t.columns.push(c);
            }
        }
        // drop a nullable plain column
        3 => {
            let t = &mut tables[ti];
            let candidates: Vec<usize> = (1..t.columns.len())
                .filter(|&i| {
                    // The rollback re-adds the column as A had it, under
                    // its name in A when an earlier step renamed it.
                    let now = &t.columns[i];
                    let in_a = now.renamed_from.as_deref().unwrap_or(&now.name);
                    let c = original
                        .iter()
                        .find(|o| o.name == t.name)
                        .and_then(|o| o.column(in_a))
                        .unwrap_or(now);
                    (c.nullable || c.default.is_some()) && !in_constraint(t, &c.name)
                })
                .collect();
            if let Some(&i) = candidates.first() {
                t.columns.remove(i);
            }
        }
        // toggle nullability (values are never null in our rows)
        4 => {
            let t = &mut tables[ti];
            if t.columns.len() > 1 {
                let i = 1 + rng.below(t.columns.len() - 1);
                let c = &t.columns[i];
                let filled = seeded(original, &t.name, &c.name) || c.default.is_some();
                if !in_constraint(t, &c.name) && (!c.nullable || filled) {
                    t.columns[i].nullable = !t.columns[i].nullable;
                }
            }
        }
        // change or remove a default
        5 => {
            let t = &mut tables[ti];
            if t.columns.len() > 1 {
                let i = 1 + rng.below(t.columns.len() - 1);
                let filled = seeded(original, &t.name, &t.columns[i].name);
                let c = &mut t.columns[i];
                if let Some(ty) = ty_of(d, c.ty.as_str()) {
                    if c.default.is_some() && (filled || c.nullable) {
                        c.default = None;
                    } else if !ty.default.is_empty() {
                        c.default = Some(Expr::new(ty.default));
                    }
                }
            }
        }
        // widen a type
        6 => {
            let t = &mut tables[ti];
            if t.columns.len() > 1 {
                let i = 1 + rng.below(t.columns.len() - 1);
                let name = t.columns[i].name.clone();
                if !in_constraint(t, &name) {
                    let c = &mut t.columns[i];
                    if let Some(w) = ty_of(d, c.ty.as_str()).and_then(|ty| ty.widens_to) {
                        c.ty = Type::new(w);
                    }
                }
            }
        }
        // rename a plain column
        7 => {
            let t = &mut tables[ti];
            let cname = *rng.pick(COLUMN_NAMES);
            let renamed = format!("{cname}_v2");
            if t.columns.len() > 1 && t.column(&renamed).is_none() {
                let i = 1 + rng.below(t.columns.len() - 1);
                let old = t.columns[i].name.clone();
                if !in_constraint(t, &old) && !old.ends_with("_v2") {
                    t.columns[i].name = renamed;
                    t.columns[i].renamed_from = Some(old);
                }
            }
        }
        // add or drop an index
        _ => {
            let t = &mut tables[ti];
            if !t.indexes.is_empty() && rng.chance(50) {
                t.indexes.pop();
            } else {
                add_random_index(rng, d, t);
            }
        }
    }
}

fn in_constraint(t: &Table, col: &str) -> bool {
    let c = |cols: &[String]| cols.iter().any(|x| x == col);
    t.primary_key.as_ref().is_some_and(|p| c(&p.columns))
        || t.uniques.iter().any(|u| c(&u.columns))
        || t.foreign_keys.iter().any(|f| c(&f.columns))
        || t.indexes.iter().any(|i| {
            i.parts
                .iter()
                .any(|p| p.key == IndexKey::Column(col.to_string()))
        })
}

/// Parents before children, so inserts satisfy foreign keys.
pub fn tables_in_fk_order(s: &Schema) -> Vec<&Table> {
    let mut out: Vec<&Table> = Vec::new();
    let mut left: Vec<&Table> = s.tables.values().collect();
    while !left.is_empty() {
        let before = left.len();
        left.retain(|t| {
            let ready = t
                .foreign_keys
                .iter()
                .all(|f| f.ref_table == t.name || out.iter().any(|o| o.name == f.ref_table));
            if ready {
                out.push(t);
            }
            !ready
        });
        if left.len() == before {
            out.append(&mut left);
        }
    }
    out
}

/// Three rows for every table, as INSERT statements quoted for `d`.
pub fn seed_rows(s: &Schema, d: DialectKind) -> Vec<String> {
    let q = |x: &str| strata::dialect::for_kind(d).quote_ident(x);
    let mut out = Vec::new();
    for t in tables_in_fk_order(s) {
        for row in 0..3 {
            let mut cols = Vec::new();
            let mut vals = Vec::new();
            for c in &t.columns {
                cols.push(q(&c.name));
                vals.push(value_for(d, t, c, row));
            }
            out.push(format!(
                "INSERT INTO {} ({}) VALUES ({})",
                q(&t.name.name),
                cols.join(", "),
                vals.join(", ")
            ));
        }
    }
    out
}

/// The literal row `row` holds in column `c` (also used to check rows
/// survived a migration).
pub fn value_for(d: DialectKind, t: &Table, c: &Column, row: usize) -> String {
    if c.name == "id" || t.foreign_keys.iter().any(|f| f.columns == [c.name.clone()]) {
        return (row + 1).to_string();
    }
    match ty_of(d, c.ty.as_str()) {
        Some(ty) => ty.values[row].to_string(),
        None => (row + 1).to_string(),
    }
}
