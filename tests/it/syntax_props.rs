//! Property tests of the printer: for generated IRs, `parse(print(ir)) ==
//! ir` and printing is a fixpoint. The generator covers every construct
//! the language has, including names that need quoting and SQL fragments
//! with strings, comments and parentheses that must not be split.

use std::collections::BTreeMap;

use proptest::prelude::*;
use strata::ir::*;
use strata::syntax::{self, SourceFile};

fn ident() -> BoxedStrategy<String> {
    prop_oneof![
        6 => "[a-z][a-z0-9_]{0,8}",
        1 => Just("comment".to_string()),
        1 => Just("index".to_string()),
        1 => Just("renamed_from".to_string()),
        1 => Just("two words".to_string()),
        1 => Just("Quote\"d\\x".to_string()),
        1 => Just("café".to_string()),
        1 => Just("Mixed_Case".to_string()),
    ]
    .boxed()
}

fn text_value() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-zA-Z0-9 ,.'!]{0,20}",
        Just("with \"quotes\" and \\ backslash".to_string()),
        Just("two\nlines\tand tab".to_string()),
        Just("ünïcödé ✓".to_string()),
    ]
    .boxed()
}

fn ty() -> BoxedStrategy<Type> {
    pick(
        &[
            "bigint",
            "integer",
            "text",
            "numeric(12,2)",
            "varchar(255)",
            "text[]",
            "integer[][]",
            "timestamp with time zone",
            "timestamp(3) without time zone",
            "double precision",
            "character varying(20)",
            "int unsigned",
            "bigint unsigned zerofill",
            "enum('a','b c')",
            "set('x','y')",
            "billing.status",
            "\"MyType\"",
            "public.\"Odd Type\"",
        ],
        Type::new,
    )
}

fn value_expr() -> BoxedStrategy<Expr> {
    pick(
        &[
            "0",
            "-1",
            "1.5e3",
            "'x'",
            "'it''s'",
            "now()",
            "current_timestamp",
            "'{}'::jsonb",
            "'a'::character varying",
            "nextval('s'::regclass)",
            "true",
            "array[1, 2]",
            "a + b",
            "(a)",
            "(a) + (b)",
            "x'ff'",
            "interval '1 day'",
            "'a' || ')'",
        ],
        Expr::new,
    )
}

fn bool_expr() -> BoxedStrategy<Expr> {
    pick(
        &[
            "a > 0",
            "a in ('x', 'y')",
            "(a) + (b) > 0",
            "(a > 0)",
            "length(b) <= 10",
            "a ~ '^[A-Z]{2}$'",
            "a > 0 -- why\n  and b < 1",
            "b = 'close ) paren'",
            "c = $$dollar ) body$$",
            "\"Quoted Col\" is not null",
            "d /* note */ > 1",
            "e <> '}'",
        ],
        Expr::new,
    )
}

fn body() -> BoxedStrategy<String> {
    pick(
        &[
            "select 1",
            "select a,\n  b\nfrom t",
            "select '\"\"\"' as x",
            "begin\n  update t set a = 1;\nend",
            "select $$x$$, '$$'",
            "select 1 -- trailing comment",
            "",
        ],
        str::to_string,
    )
}

/// One of `choices`, made into a `T`.
fn pick<T: std::fmt::Debug + 'static>(
    choices: &[&'static str],
    make: fn(&'static str) -> T,
) -> BoxedStrategy<T> {
    prop::sample::select(choices.to_vec())
        .prop_map(make)
        .boxed()
}

fn opt<T: std::fmt::Debug + Clone + 'static>(s: BoxedStrategy<T>) -> BoxedStrategy<Option<T>> {
    prop::option::of(s).boxed()
}

fn dedupe(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, n) in names.into_iter().enumerate() {
        if out.contains(&n) {
            out.push(format!("{n}_{i}"));
        } else {
            out.push(n);
        }
    }
    out
}

fn seq_options() -> BoxedStrategy<SequenceOptions> {
    (
        opt(any::<i64>().boxed()),
        opt((-5i64..5).boxed()),
        opt(any::<i64>().boxed()),
        opt(any::<i64>().boxed()),
        opt((1i64..100).boxed()),
        any::<bool>(),
    )
        .prop_map(
            |(start, increment, min_value, max_value, cache, cycle)| SequenceOptions {
                start,
                increment,
                min_value,
                max_value,
                cache,
                cycle,
            },
        )
        .boxed()
}

fn column(name: String) -> BoxedStrategy<Column> {
    let identity = prop_oneof![
        seq_options().prop_map(|options| Identity::Always { options }),
        seq_options().prop_map(|options| Identity::ByDefault { options }),
        Just(Identity::AutoIncrement),
    ];
    (
        ty(),
        any::<bool>(),
        opt(value_expr()),
        opt(identity.boxed()),
        opt((bool_expr(), any::<bool>())
            .prop_map(|(expr, stored)| Generated { expr, stored })
            .boxed()),
        opt(ident()),
        opt(ident()),
        opt(value_expr()),
        any::<bool>(),
        opt(text_value()),
        opt(value_expr()),
        opt(ident()),
    )
        .prop_map(
            move |(
                ty,
                nullable,
                default,
                identity,
                generated,
                collation,
                charset,
                on_update,
                invisible,
                comment,
                using,
                renamed_from,
            )| Column {
                name: name.clone(),
                ty,
                nullable,
                // A generated column has no default: the lowering rejects both.
                default: if generated.is_some() { None } else { default },
                identity,
                generated,
                collation,
                charset,
                on_update,
                invisible,
                statistics: None,
                distinct: Default::default(),
                storage: None,
                compression: None,
                comment,
                using,
                backfill: None,
                renamed_from,
            },
        )
        .boxed()
}

fn name_in(ns: Vec<Option<String>>) -> BoxedStrategy<Name> {
    (prop::sample::select(ns), ident())
        .prop_map(|(schema, name)| Name { schema, name })
        .boxed()
}

fn deferral() -> BoxedStrategy<Deferral> {
    prop::sample::select(vec![
        Deferral::NotDeferrable,
        Deferral::InitiallyImmediate,
        Deferral::InitiallyDeferred,
    ])
    .boxed()
}

fn action() -> BoxedStrategy<FkAction> {
    prop::sample::select(vec![
        FkAction::Unspecified,
        FkAction::NoAction,
        FkAction::Restrict,
        FkAction::Cascade,
        FkAction::SetNull,
        FkAction::SetDefault,
    ])
    .boxed()
}

fn subset(cols: Vec<String>) -> BoxedStrategy<Vec<String>> {
    let n = cols.len();
    prop::collection::vec(0..n, 1..=n.min(3))
        .prop_map(move |ix| ix.into_iter().map(|i| cols[i].clone()).collect())
        .boxed()
}

fn index(cols: Vec<String>) -> BoxedStrategy<Index> {
    let part_key = prop_oneof![
        3 => prop::sample::select(cols.clone()).prop_map(IndexKey::Column),
        1 => prop::sample::select(vec!["lower(email)", "a + b", "(a)", "coalesce(a, b)", "f(10)", "x::text"]).prop_map(|e| IndexKey::Expr(Expr::new(e))),
    ];
    let part = (
        part_key,
        any::<bool>(),
        opt(any::<bool>().boxed()),
        opt(ident()),
        opt(prop::sample::select(vec![
            "text_pattern_ops".to_string(),
            "public.gin_trgm_ops".to_string(),
        ])
        .boxed()),
        opt((1u32..300).boxed()),
    )
        .prop_map(|(key, desc, nulls_first, collation, opclass, length)| {
            let length = if matches!(key, IndexKey::Column(_)) {
                length
            } else {
                None
            };
            IndexPart {
                key,
                desc,
                nulls_first,
                collation,
                opclass,
                length,
            }
        });
    (
        opt(ident()),
        prop::collection::vec(part, 1..3),
        any::<bool>(),
        opt(pick(
            &["btree", "gin", "gist", "hash", "fulltext", "spatial"],
            str::to_string,
        )),
        prop::collection::vec(prop::sample::select(cols), 0..2),
        opt(pick(
            &[
                "deleted_at is null",
                "(a)",
                "a > 0\n  and b",
                "status <> 'x'",
                "x in (1, 2)",
            ],
            Expr::new,
        )),
        any::<bool>(),
        opt(text_value()),
        opt(ident()),
    )
        .prop_map(
            |(
                name,
                parts,
                unique,
                method,
                include,
                predicate,
                nulls_not_distinct,
                comment,
                renamed_from,
            )| Index {
                name,
                parts,
                unique,
                method,
                include,
                predicate,
                nulls_not_distinct,
                comment,
                renamed_from,
                options: Default::default(),
                invalid: false,
                attached_to: None,
            },
        )
        .boxed()
}

fn exclusion(cols: Vec<String>) -> BoxedStrategy<Exclusion> {
    let key = prop_oneof![
        3 => prop::sample::select(cols).prop_map(IndexKey::Column),
        1 => prop::sample::select(vec!["lower(during)", "a + b", "(a)"]).prop_map(|e| IndexKey::Expr(Expr::new(e))),
    ];
    let element = (
        key,
        opt(prop::sample::select(vec![
            "gist_int4_ops".to_string(),
            "public.range_ops".to_string(),
        ])
        .boxed()),
        any::<bool>(),
        opt(any::<bool>().boxed()),
        prop::sample::select(vec!["=", "&&", "<>", "OPERATOR(public.=)", "-|-"]),
    )
        .prop_map(|(key, opclass, desc, nulls_first, op)| ExclusionElement {
            key,
            opclass,
            desc,
            nulls_first,
            operator: op.to_string(),
        });
    (
        opt(ident()),
        prop::sample::select(vec!["gist", "spgist", "btree"]),
        prop::collection::vec(element, 1..3),
        opt(pick(&["a > 0", "(a)", "status <> 'x'\n  and b"], Expr::new)),
        deferral(),
        opt(text_value()),
    )
        .prop_map(
            |(name, method, elements, predicate, deferral, comment)| Exclusion {
                comment,
                name,
                method: method.to_string(),
                elements,
                predicate,
                deferral,
            },
        )
        .boxed()
}

fn function_attributes() -> BoxedStrategy<FunctionAttributes> {
    let config = prop::collection::btree_map(
        prop_oneof![ident(), Just("search_path".to_string())],
        prop::sample::select(vec![
            "public, pg_temp",
            "64MB",
            "\"$user\", public",
            "a b",
            "off",
        ])
        .prop_map(str::to_string),
        0..2,
    );
    (
        prop::sample::select(vec![
            Volatility::Volatile,
            Volatility::Stable,
            Volatility::Immutable,
        ]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::sample::select(vec![Parallel::Unsafe, Parallel::Restricted, Parallel::Safe]),
        opt((0u32..10_000).boxed()),
        opt((0u32..10_000).boxed()),
        config,
    )
        .prop_map(
            |(volatility, strict, security_definer, leakproof, parallel, cost, rows, config)| {
                FunctionAttributes {
                    volatility,
                    strict,
                    security_definer,
                    leakproof,
                    parallel,
                    cost,
                    rows,
                    config,
                }
            },
        )
        .boxed()
}

fn domain(spaces: Vec<Option<String>>) -> BoxedStrategy<Domain> {
    let check =
        (opt(ident()), bool_expr(), any::<bool>()).prop_map(|(name, expr, not_valid)| Check {
            comment: None,
            name,
            expr,
            not_valid,
            renamed_from: None,
            no_inherit: false,
            column: None,
        });
    (
        name_in(spaces),
        ty(),
        opt(ident()),
        opt(value_expr()),
        any::<bool>(),
        prop::collection::vec(check, 0..3),
        opt(text_value()),
    )
        .prop_map(
            |(name, ty, collation, default, not_null, checks, comment)| Domain {
                name,
                ty,
                collation,
                default,
                not_null,
                checks,
                comment,
            },
        )
        .boxed()
}

fn table(name: Name, refs: Vec<Name>) -> BoxedStrategy<Table> {
    prop::collection::vec(ident(), 1..6)
        .prop_map(dedupe)
        .prop_flat_map(move |cols| {
            let name = name.clone();
            let columns: Vec<BoxedStrategy<Column>> = cols.iter().map(|c| column(c.clone())).collect();
            let unique = (opt(ident()), subset(cols.clone()), any::<bool>(), deferral(), opt(ident()), opt(text_value()))
                .prop_map(|(name, columns, nulls_not_distinct, deferral, renamed_from, comment)| Unique { comment, name, columns, nulls_not_distinct, deferral, renamed_from, options: Default::default(), attached_to: None });
            let check = (opt(ident()), bool_expr(), any::<bool>(), opt(ident()), opt(text_value()))
                .prop_map(|(name, expr, not_valid, renamed_from, comment)| Check { comment, name, expr, not_valid, renamed_from, no_inherit: false, column: None });
            let fk = (opt(ident()), subset(cols.clone()), prop::sample::select(refs.clone()), prop::collection::vec(ident(), 1..3), action(), action(), deferral(), prop::sample::select(vec![MatchType::Simple, MatchType::Full, MatchType::Partial]), any::<bool>(), opt(ident()), opt(text_value()))
                .prop_map(|(name, columns, ref_table, ref_columns, on_delete, on_update, deferral, match_type, not_valid, renamed_from, comment)| {
                    let n = columns.len().min(ref_columns.len());
                    ForeignKey { comment, name, columns: columns[..n].to_vec(), ref_table, ref_columns: ref_columns[..n].to_vec(), on_delete, on_update, deferral, match_type, not_valid, renamed_from, attached_to: None, }
                });
            let pk = (opt(ident()), subset(cols.clone()), opt(text_value())).prop_map(|(name, columns, comment)| PrimaryKey { comment, name, columns, deferral: Default::default(), options: Default::default(), method: None, lengths: Default::default(), descending: Default::default(), attached_to: None });
            let options = prop::collection::btree_map(ident(), prop::sample::select(vec!["InnoDB", "70", "true", "has space", "-1", "utf8mb4"]).prop_map(str::to_string), 0..3);
            let partition = prop_oneof![
                3 => Just(None),
                1 => Just(Some(Partitioning::By { by: Expr::new("range (at)") })),
                1 => (prop::sample::select(refs.clone()), prop::sample::select(vec!["default", "from (1) to (10)", "in ('a', 'b')"]))
                    .prop_map(|(parent, b)| Some(Partitioning::Of { parent, bound: Expr::new(b), by: None })),
            ];
            let schema = name.schema.clone();
            (
                columns,
                opt(pk.boxed()),
                prop::collection::vec(unique, 0..3),
                prop::collection::vec(check, 0..2),
                prop::collection::vec(fk, 0..3),
                prop::collection::vec(index(cols.clone()), 0..3),
                opt(text_value()),
                options,
                partition,
                opt(ident()),
                (any::<bool>(), any::<bool>()),
                prop::collection::vec(exclusion(cols.clone()), 0..2),
            )
                .prop_map(move |(columns, primary_key, uniques, checks, foreign_keys, indexes, comment, options, partition, renamed, (enabled, forced), exclusions)| Table {
                    name: name.clone(),
                    columns,
                    primary_key,
                    uniques,
                    checks,
                    foreign_keys,
                    indexes,
                    comment,
                    options,
                    partition,
                    inherits: Vec::new(),
                    renamed_from: renamed.map(|n| Name { schema: schema.clone(), name: n }),
                    row_security: RowSecurity { enabled, forced },
                    exclusions,
                    next_auto_increment: None,
                })
        })
        .boxed()
}

fn schema() -> BoxedStrategy<Schema> {
    (
        prop::collection::btree_map(ident(), opt(text_value()), 0..2),
        opt(prop::sample::select(vec![
            DialectKind::Postgres,
            DialectKind::Mysql,
            DialectKind::Sqlite,
        ])
        .boxed()),
    )
        .prop_flat_map(|(namespaces, dialect)| {
            let mut spaces: Vec<Option<String>> = vec![None, None, Some("ext".to_string())];
            spaces.extend(namespaces.keys().cloned().map(Some));
            let namespaces: BTreeMap<String, Namespace> = namespaces
                .into_iter()
                .filter(|(k, _)| k != "ext")
                .map(|(k, comment)| {
                    (
                        k.clone(),
                        Namespace {
                            name: k,
                            comment,
                            owner: None,
                        },
                    )
                })
                .collect();
            let names = prop::collection::vec(name_in(spaces.clone()), 1..4);
            (Just(namespaces), Just(dialect), Just(spaces), names)
        })
        .prop_flat_map(|(namespaces, dialect, spaces, table_names)| {
            let mut table_names = table_names;
            table_names.sort();
            table_names.dedup();
            let tables: Vec<BoxedStrategy<Table>> = table_names
                .iter()
                .map(|n| table(n.clone(), table_names.clone()))
                .collect();
            let enums = prop::collection::vec(
                (
                    name_in(spaces.clone()),
                    prop::collection::vec(
                        prop_oneof![
                            ident(),
                            Just("with space".to_string()),
                            Just("it's".to_string())
                        ],
                        0..4,
                    )
                    .prop_map(dedupe),
                    opt(text_value()),
                )
                    .prop_map(|(name, values, comment)| Enum {
                        name,
                        values,
                        comment,
                    }),
                0..3,
            );
            let sequences = prop::collection::vec(
                (
                    name_in(spaces.clone()),
                    opt(ty()),
                    seq_options(),
                    opt((prop::sample::select(table_names.clone()), ident()).boxed()),
                    opt(text_value()),
                )
                    .prop_map(|(name, data_type, o, owned_by, comment)| Sequence {
                        name,
                        data_type,
                        start: o.start,
                        increment: o.increment,
                        min_value: o.min_value,
                        max_value: o.max_value,
                        cache: o.cache,
                        cycle: o.cycle,
                        unlogged: false,
                        owned_by,
                        comment,
                    }),
                0..2,
            );
            let views = prop::collection::vec(
                (
                    name_in(spaces.clone()),
                    body(),
                    any::<bool>(),
                    prop::collection::vec(ident(), 0..3).prop_map(dedupe),
                    prop::collection::vec(index(vec!["a".into(), "b".into()]), 0..2),
                    opt(text_value()),
                    opt(ident()),
                )
                    .prop_map(
                        |(name, body, materialized, columns, indexes, comment, renamed)| {
                            let renamed_from = renamed.map(|n| Name {
                                schema: name.schema.clone(),
                                name: n,
                            });
                            View {
                                name,
                                body,
                                materialized,
                                columns,
                                indexes,
                                comment,
                                renamed_from,
                                options: Default::default(),
                                column_comments: Default::default(),
                                unmodeled: Vec::new(),
                                written: None,
                            }
                        },
                    ),
                0..2,
            );
            let functions = prop::collection::vec(
                (
                    name_in(spaces.clone()),
                    prop::sample::select(vec!["", "a integer, b text", "x int default 0"]),
                    opt(prop::sample::select(vec![
                        "trigger",
                        "setof text",
                        "table (a int, b text)",
                        "integer",
                    ])
                    .boxed()),
                    prop::sample::select(vec!["plpgsql", "sql"]),
                    body(),
                    opt(text_value()),
                    function_attributes(),
                    prop::collection::btree_map(
                        ident(),
                        prop::sample::select(vec![
                            "true",
                            "reads sql data",
                            "ANSI_QUOTES,STRICT_ALL_TABLES",
                            "app@%",
                        ])
                        .prop_map(str::to_string),
                        0..3,
                    ),
                )
                    .prop_map(
                        |(name, args, returns, language, body, comment, attributes, options)| {
                            Function {
                                name,
                                args: args.to_string(),
                                returns: returns.map(str::to_string),
                                language: language.to_string(),
                                body,
                                object_file: None,
                                standard_body: false,
                                aggregate: false,
                                comment,
                                attributes,
                                options,
                            }
                        },
                    ),
                0..2,
            );
            let triggers = prop::collection::vec(
                (
                    ident(),
                    prop::sample::select(table_names.clone()),
                    prop::sample::select(vec!["before", "after", "instead of"]),
                    prop::collection::vec(
                        prop::sample::select(vec![
                            "insert",
                            "update",
                            "update of a, b",
                            "delete",
                            "truncate",
                        ]),
                        1..3,
                    ),
                    any::<bool>(),
                    opt(bool_expr()),
                    prop_oneof![
                        Just("execute function touch()".to_string()),
                        Just("execute function audit.log('x', 1)".to_string()),
                        body()
                    ],
                )
                    .prop_map(
                        |(name, table, timing, events, for_each_row, when, body)| Trigger {
                            name,
                            table,
                            timing: timing.to_string(),
                            events: events.into_iter().map(str::to_string).collect(),
                            for_each_row,
                            when,
                            body,
                            options: Default::default(),
                            comment: None,
                        },
                    ),
                0..2,
            );
            let policies = prop::collection::vec(
                (
                    ident(),
                    prop::sample::select(table_names.clone()),
                    any::<bool>(),
                    prop::sample::select(vec![
                        PolicyCommand::All,
                        PolicyCommand::Select,
                        PolicyCommand::Insert,
                        PolicyCommand::Update,
                        PolicyCommand::Delete,
                    ]),
                    prop::collection::vec(ident(), 0..3),
                    opt(bool_expr()),
                    opt(bool_expr()),
                )
                    .prop_map(
                        |(name, table, restrictive, command, roles, using, check)| Policy {
                            name,
                            table,
                            restrictive,
                            command,
                            roles,
                            using,
                            check,
                        },
                    ),
                0..3,
            );
            let grants = prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(table_names.clone()).prop_map(GrantOn::Table),
                        prop::sample::select(table_names.clone()).prop_map(GrantOn::View),
                        prop::sample::select(table_names.clone()).prop_map(GrantOn::Sequence),
                        ident().prop_map(GrantOn::Schema),
                        (prop::sample::select(table_names.clone()), ident())
                            .prop_map(|(t, c)| GrantOn::Column(t, c)),
                    ],
                    prop::sample::select(vec![0usize, 1, 2, 3, 4, 5, 6]),
                    ident(),
                    any::<bool>(),
                )
                    .prop_map(|(on, i, grantee, grant_option)| {
                        let privs = on.privileges();
                        Grant {
                            privilege: privs[i % privs.len()].to_string(),
                            on,
                            grantee,
                            grant_option,
                        }
                    }),
                0..4,
            );
            let extensions = prop::collection::vec(
                (ident(), opt(ident()), opt(text_value()), opt(text_value())).prop_map(
                    |(name, schema, version, comment)| Extension {
                        name,
                        schema,
                        version,
                        comment,
                    },
                ),
                0..2,
            );
            (
                Just(namespaces),
                Just(dialect),
                tables,
                enums,
                sequences,
                views,
                functions,
                triggers,
                extensions,
                policies,
                grants,
                prop::collection::vec(domain(spaces.clone()), 0..3),
            )
        })
        .prop_map(
            |(
                namespaces,
                dialect,
                tables,
                enums,
                sequences,
                views,
                functions,
                triggers,
                extensions,
                policies,
                grants,
                domains,
            )| {
                let mut s = Schema {
                    dialect,
                    namespaces,
                    ..Schema::default()
                };
                for t in tables {
                    s.tables.insert(t.name.clone(), t);
                }
                for v in views {
                    if !s.tables.contains_key(&v.name) {
                        s.views.insert(v.name.clone(), v);
                    }
                }
                s.enums = enums.into_iter().map(|e| (e.name.clone(), e)).collect();
                s.domains = domains.into_iter().map(|d| (d.name.clone(), d)).collect();
                s.sequences = sequences.into_iter().map(|x| (x.name.clone(), x)).collect();
                s.functions = functions.into_iter().map(|x| (x.key(), x)).collect();
                s.triggers = triggers
                    .into_iter()
                    .map(|x| ((x.table.clone(), x.name.clone()), x))
                    .collect();
                s.extensions = extensions
                    .into_iter()
                    .map(|x| (x.name.clone(), x))
                    .collect();
                s.policies = policies
                    .into_iter()
                    .map(|x| ((x.table.clone(), x.name.clone()), x))
                    .collect();
                s.grants = grants.into_iter().map(|g| (g.key(), g)).collect();
                s
            },
        )
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn print_then_parse_is_identity(s in schema()) {
        let printed = syntax::print(&s);
        let again = syntax::parse_unvalidated(&[SourceFile::new("gen.strata", printed.as_str())]);
        let again = match again {
            Ok(a) => a,
            Err(d) => return Err(TestCaseError::fail(format!("printed text does not parse:\n{printed}\n{}", d.render_plain()))),
        };
        prop_assert_eq!(&again, &s, "printed:\n{}", printed);
        prop_assert_eq!(syntax::print(&again), printed);
    }

    #[test]
    fn fmt_is_a_fixpoint(s in schema()) {
        let printed = syntax::print(&s);
        let file = SourceFile::new("gen.strata", printed.as_str());
        let once = syntax::format_file(&file).map_err(|d| TestCaseError::fail(d.render_plain()))?;
        prop_assert_eq!(&once, &printed);
        let twice = syntax::format_file(&SourceFile::new("gen.strata", once.as_str())).map_err(|d| TestCaseError::fail(d.render_plain()))?;
        prop_assert_eq!(twice, once);
    }
}
