//! The convergence triple on generated schema pairs with rows, per
//! dialect, against real databases. `PROPTEST_CASES` raises the count.

use proptest::prelude::*;
use strata::ir::DialectKind;

use crate::converge::converge_with_rows;
use crate::gen::schema_pair;
use crate::support::{MyDb, PgDb, SqliteDb};

/// Cases run, and no shrinking: the input is a seed, and a smaller seed
/// is not a smaller schema pair.
fn settings(default_cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok());
    ProptestConfig {
        cases: cases.unwrap_or(default_cases),
        max_shrink_iters: 0,
        ..ProptestConfig::default()
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn check(seed: u64, kind: DialectKind, rt: &tokio::runtime::Runtime) -> Result<(), TestCaseError> {
    let (a, b) = schema_pair(seed, kind);
    let result = rt.block_on(async {
        match kind {
            DialectKind::Sqlite => {
                let db = SqliteDb::create();
                Some(converge_with_rows(&db.url, &a, &b).await)
            }
            DialectKind::Postgres => match PgDb::create("prop").await {
                Some(db) => Some(converge_with_rows(&db.url, &a, &b).await),
                None => None,
            },
            DialectKind::Mysql => match MyDb::create("prop").await {
                Some(db) => Some(converge_with_rows(&db.url, &a, &b).await),
                None => None,
            },
        }
    });
    match result {
        Some(Err(e)) => Err(TestCaseError::fail(format!("seed {seed}: {e}"))),
        _ => Ok(()),
    }
}

#[test]
fn sqlite_generated_pairs_converge() {
    let rt = runtime();
    let cfg = settings(48);
    proptest!(cfg, |(seed in any::<u64>())| {
        check(seed, DialectKind::Sqlite, &rt)?;
    });
}

#[test]
fn postgres_generated_pairs_converge() {
    let rt = runtime();
    let cfg = settings(24);
    proptest!(cfg, |(seed in any::<u64>())| {
        check(seed, DialectKind::Postgres, &rt)?;
    });
}

#[test]
fn mysql_generated_pairs_converge() {
    let rt = runtime();
    let cfg = settings(24);
    proptest!(cfg, |(seed in any::<u64>())| {
        check(seed, DialectKind::Mysql, &rt)?;
    });
}

/// Seeds that once failed: the rollback renamed a column into a name a
/// drop in the same table frees, before that drop ran.
#[test]
fn sqlite_rename_into_dropped_name_seeds_converge() {
    let rt = runtime();
    for seed in [
        8516462341210820012,
        1876265481128530000,
        242547636421876470,
        9108991013060360181,
    ] {
        if let Err(e) = check(seed, DialectKind::Sqlite, &rt) {
            panic!("{e}");
        }
    }
}
