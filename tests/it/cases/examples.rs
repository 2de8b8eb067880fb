//! Every ordered pair of a dialect's example schemas (`schemas/<dialect>/`)
//! taken through the live run of a case ([`super::live`]): up converges to
//! the catalog the second schema builds, planning again is empty, the
//! rollback restores the first one's catalog. The pairs of a dialect run
//! concurrently, each in its own scratch database.

use std::path::{Path, PathBuf};

use strata::dialect::EmitOptions;
use strata::ir::{DialectKind, Schema};

fn examples(kind: DialectKind) -> Vec<(String, Schema)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(kind.as_str());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "strata"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let s = strata::syntax::load_paths(std::slice::from_ref(f))
                .unwrap_or_else(|e| panic!("{}: {e:?}", f.display()));
            let name = f.file_name().unwrap_or_default().to_string_lossy();
            (name.into_owned(), s)
        })
        .collect()
}

async fn pairs(kind: DialectKind) {
    let schemas = examples(kind);
    assert!(
        schemas.len() > 1,
        "schemas/{kind}/ has fewer than two examples"
    );
    let runs = schemas.iter().flat_map(|(an, a)| {
        schemas
            .iter()
            .filter(move |(bn, _)| bn != an)
            .map(move |(bn, b)| async move {
                super::live::run(kind, a, b, &EmitOptions::default())
                    .await
                    .map_err(|e| format!("{an} → {bn}: {e}"))
            })
    });
    let failures: Vec<String> = futures::future::join_all(runs)
        .await
        .into_iter()
        .filter_map(Result::err)
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[tokio::test]
async fn postgres_example_pairs() {
    pairs(DialectKind::Postgres).await;
}

#[tokio::test]
async fn mysql_example_pairs() {
    pairs(DialectKind::Mysql).await;
}

#[tokio::test]
async fn sqlite_example_pairs() {
    pairs(DialectKind::Sqlite).await;
}
