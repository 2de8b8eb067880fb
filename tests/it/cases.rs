//! Scenario tests as data: each `tests/cases/<topic>/<name>.case` holds a
//! `from` and a `to` schema ([`format`]), and [`check`] runs it on one
//! dialect: the plan's up SQL, rollback and hazards are compared with
//! `snapshots/cases/<topic>/<name>.<dialect>.snap` (offline, always), then
//! the plan is applied to a live database and judged by the server's
//! catalog ([`live`]; SQLite always, the servers where reachable).
//!
//! Every case × dialect is its own test (`cases::<topic>::<name>::<dialect>`),
//! so they run in parallel and fail one by one. A new case file is listed
//! in [`cases!`] below; `every_case_file_is_listed` fails until it is.
//! `INSTA_UPDATE=always` (or `cargo insta review`) writes new snapshots.

mod examples;
mod format;
mod live;

use std::path::PathBuf;

use strata::dialect::{self};
use strata::ir::{DialectKind, Schema};
use strata::migration::migration;
use strata::syntax::SourceFile;

use format::Case;

fn cases_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

fn load(id: &str) -> Case {
    let path = cases_dir().join(format!("{id}.case"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    format::parse(id, &text).unwrap_or_else(|e| panic!("{e}"))
}

fn schema(case: &Case, side: &str, text: &str, kind: DialectKind) -> Schema {
    let file = SourceFile::new(
        format!("{}.case ({side})", case.id),
        case.source(text, kind),
    );
    strata::syntax::parse(&[file]).unwrap_or_else(|e| panic!("{:?}", e))
}

/// What `strata plan --rollback` prints for the case: the up and the
/// rollback SQL with their hazards, or the refusal.
fn offline(case: &Case, kind: DialectKind, from: &Schema, to: &Schema) -> Option<String> {
    let d = dialect::for_kind(kind);
    let text = match migration(from, to, d, &case.options) {
        Ok(m) => format!(
            "-- up\n{}\n-- down\n{}",
            strata::report::sql::render(d, &m.up),
            strata::report::sql::render(d, &m.down)
        ),
        Err(e) => format!("error: {e}"),
    };
    let (topic, name) = case.id.split_once('/').unwrap_or(("", &case.id));
    insta::with_settings!({
        snapshot_path => format!("../../snapshots/cases/{topic}"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => format!("{} ({kind})", case.id),
    }, {
        insta::assert_snapshot!(format!("{name}.{kind}"), &text);
    });
    (!text.starts_with("error:")).then_some(text)
}

/// Runs case `id` (`<topic>/<name>`) on `kind`.
pub async fn check(id: &str, kind: DialectKind) {
    let case = load(id);
    if let Some(reason) = case.skipped(kind) {
        eprintln!("SKIPPED {id} on {kind}: {reason}");
        return;
    }
    let from = schema(&case, "from", &case.from, kind);
    let to = schema(&case, "to", &case.to, kind);
    if offline(&case, kind, &from, &to).is_none() {
        return; // a refused plan has nothing to apply
    }
    if let Some(reason) = case.live_skipped(kind) {
        eprintln!("SKIPPED {id} on live {kind}: {reason}");
        return;
    }
    if let Err(e) = live::run(kind, &from, &to, &case.options).await {
        panic!("{id} on {kind}: {e}");
    }
}

/// One module per topic, one per case, one test per dialect.
macro_rules! cases {
    ($($topic:ident: [$($name:ident),* $(,)?],)*) => {
        $(mod $topic {$(
            mod $name {
                use strata::ir::DialectKind;
                const ID: &str = concat!(stringify!($topic), "/", stringify!($name));
                #[tokio::test]
                async fn postgres() {
                    crate::cases::check(ID, DialectKind::Postgres).await;
                }
                #[tokio::test]
                async fn mysql() {
                    crate::cases::check(ID, DialectKind::Mysql).await;
                }
                #[tokio::test]
                async fn sqlite() {
                    crate::cases::check(ID, DialectKind::Sqlite).await;
                }
            }
        )*})*
        const LISTED: &[&str] = &[$($(concat!(stringify!($topic), "/", stringify!($name)),)*)*];
    };
}

cases! {
    columns: [add, default, drop, generated, nullability, rename, widen],
    constraints: [check, foreign_key, foreign_key_actions, foreign_key_to_new_table, primary_key, unique],
    indexes: [change, create, drop, partial_and_expression, rename],
    mysql: [alter_table_every_change, charset_and_comment, column_moves, create_table_with_options, enum_and_auto_increment, fk_no_action, fulltext_and_prefix_index, online_alter, online_alter_in_place, online_type_change_copies, partitioning, routines, column_checks, view_charset, trigger_sql_mode, view_options, widen_keeps_default_and_comment, convert_charset_keeps_text_types],
    postgres: [add_and_drop_columns, alter_column_and_constraints, alter_column_and_constraints_online, checks_and_uniques, create_table_in_namespace, defaults_of_every_kind, domains_and_exclusions, domains_and_exclusions_online, enum_labels_added_and_removed, enum_values_added, enum_values_removed, escape_string_default, field_selection, file_spellings, foreign_keys, function_attributes, function_of_row_type, functions, identity_and_serial, identity_options, indexes, namespaces_and_sequences, online_index_and_check, partition_attach, partition_attach_online, partition_own_keys, partitions, quoted_names, standard_body_recreated, type_change_using, type_changes, unlogged_and_storage, view_trigger_kept, views_and_materialized],
    shop: [create_shop, drop_column, fk_cycle, rename_and_widen_under_a_view],
    sqlite: [add_column_in_the_middle_rebuilds, add_not_null_column_rebuilds, add_nullable_column_in_place, create_table_with_everything, drop_column_in_place, drop_indexed_column, renames_in_place, strict_and_without_rowid, strict_table_refuses_other_types, type_change_with_rename_rebuilds],
    tables: [comment, create, drop, rename],
    triggers: [mysql, postgres, sqlite],
    views: [change, create, drop, over_changed_column],
}

#[test]
fn every_case_file_is_listed() {
    let mut found = Vec::new();
    for topic in std::fs::read_dir(cases_dir()).expect("tests/cases") {
        let topic = topic.expect("entry").path();
        if !topic.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&topic).expect("topic dir") {
            let file = file.expect("entry").path();
            if file.extension().is_some_and(|e| e == "case") {
                let t = topic.file_name().unwrap_or_default().to_string_lossy();
                let n = file.file_stem().unwrap_or_default().to_string_lossy();
                found.push(format!("{t}/{n}"));
            }
        }
    }
    found.sort();
    let mut listed: Vec<String> = LISTED.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(
        found, listed,
        "tests/cases/ and the cases! list in tests/it/cases.rs"
    );
}
