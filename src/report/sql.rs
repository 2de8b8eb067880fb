//! A script as SQL text that the database's own client runs as-is
//! (`psql -v ON_ERROR_STOP=1 -f`, `mariadb <`, `sqlite3 db <`):
//!
//! - a transactional phase sits between `BEGIN;` and `COMMIT;`;
//! - each statement of a non-transactional phase has a
//!   `-- not transactional: …` line above it;
//! - hazards are `-- hazard: <kind>: <message>` lines above the statement
//!   they concern;
//! - every statement ends with `;`. A statement with `;`s inside (a
//!   trigger's `begin … end`) stays whole; for the MySQL client, which
//!   splits at every `;`, it is wrapped in `DELIMITER` lines.

use crate::dialect::{Dialect, Phase, Script, Statement};
use crate::ir::DialectKind;
use crate::plan::HazardKind;

/// The SQL text of a script; empty when the script is.
pub fn render(dialect: &dyn Dialect, script: &Script) -> String {
    let kind = dialect.kind();
    let mut blocks = Vec::new();
    for phase in &script.phases {
        if phase.statements.is_empty() {
            continue;
        }
        blocks.push(render_phase(kind, phase));
    }
    blocks.join("\n")
}

fn render_phase(kind: DialectKind, phase: &Phase) -> String {
    let mut out = String::new();
    if phase.transactional {
        out.push_str("BEGIN;\n");
    }
    for s in &phase.statements {
        render_statement(kind, phase.transactional, s, &mut out);
    }
    if phase.transactional {
        out.push_str("COMMIT;\n");
    }
    out
}

/// ` (acknowledged: reason)` after a hazard the schema accepts.
pub fn acknowledged(h: &crate::plan::Hazard) -> String {
    match &h.acknowledged {
        Some(reason) => format!(" (acknowledged: {})", one_line(reason)),
        None => String::new(),
    }
}

fn render_statement(kind: DialectKind, transactional: bool, s: &Statement, out: &mut String) {
    for h in &s.hazards {
        if !transactional && h.kind == HazardKind::NotTransactional {
            continue; // said by the line below
        }
        out.push_str(&format!(
            "-- hazard: {}: {}{}\n",
            h.kind.as_str(),
            one_line(&h.message),
            acknowledged(h)
        ));
    }
    if !transactional {
        let reason = s
            .hazards
            .iter()
            .find(|h| h.kind == HazardKind::NotTransactional)
            .map(|h| one_line(&h.message))
            .unwrap_or_else(|| default_reason(kind).to_string());
        out.push_str(&format!("-- not transactional: {reason}\n"));
    }
    let sql = s.sql.trim_end();
    let sql = sql.strip_suffix(';').unwrap_or(sql).trim_end();
    if kind == DialectKind::Mysql && sql.contains(';') {
        out.push_str("DELIMITER //\n");
        out.push_str(sql);
        out.push_str("\n//\nDELIMITER ;\n");
    } else {
        out.push_str(sql);
        out.push_str(";\n");
    }
}

fn default_reason(kind: DialectKind) -> &'static str {
    match kind {
        DialectKind::Mysql => "MySQL and MariaDB commit every DDL statement on its own",
        _ => "runs on its own, outside any transaction",
    }
}

/// Comment text must stay on its comment line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::for_kind;
    use crate::plan::Hazard;

    fn st(sql: &str, hazards: Vec<Hazard>) -> Statement {
        Statement {
            sql: sql.into(),
            step: Some(0),
            hazards,
        }
    }

    fn hz(kind: HazardKind, message: &str) -> Hazard {
        Hazard {
            kind,
            message: message.into(),
            acknowledged: None,
        }
    }

    fn snapshot(name: &str, text: &str) {
        insta::with_settings!({
            snapshot_path => "../../snapshots/plan",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, text);
        });
    }

    #[test]
    fn postgres_transaction_then_concurrent_index() {
        let script = Script {
            phases: vec![
                Phase {
                    transactional: true,
                    statements: vec![
                        Statement {
                            sql: "SET LOCAL lock_timeout = '5s'".into(),
                            step: None,
                            hazards: vec![],
                        },
                        st(
                            "ALTER TABLE \"orders\" DROP COLUMN \"note\"",
                            vec![hz(
                                HazardKind::DataLoss,
                                "column `orders.note` is dropped with its values",
                            )],
                        ),
                        st(
                            "CREATE FUNCTION \"f\"() RETURNS integer LANGUAGE sql AS $$ select 1; $$;",
                            vec![],
                        ),
                    ],
                },
                Phase {
                    transactional: false,
                    statements: vec![st(
                        "CREATE INDEX CONCURRENTLY \"orders_at\" ON \"orders\" (\"at\")",
                        vec![
                            hz(HazardKind::IndexBuild, "builds an index on `orders`"),
                            hz(
                                HazardKind::NotTransactional,
                                "CREATE INDEX CONCURRENTLY cannot run in a transaction",
                            ),
                        ],
                    )],
                },
            ],
        };
        let text = render(for_kind(DialectKind::Postgres), &script);
        assert!(text.starts_with("BEGIN;\n"));
        snapshot("render_postgres", &text);
    }

    #[test]
    fn mysql_trigger_body_is_one_statement_between_delimiters() {
        let script = Script {
            phases: vec![Phase {
                transactional: false,
                statements: vec![
                    st("ALTER TABLE `t` ADD COLUMN `b` int NULL", vec![]),
                    st(
                        "CREATE TRIGGER `t_ai` AFTER INSERT ON `t` FOR EACH ROW BEGIN\n  INSERT INTO `log` VALUES (NEW.`id`);\n  UPDATE `c` SET `n` = `n` + 1;\nEND",
                        vec![],
                    ),
                ],
            }],
        };
        let text = render(for_kind(DialectKind::Mysql), &script);
        assert!(!text.contains("BEGIN;"));
        assert_eq!(text.matches("-- not transactional:").count(), 2);
        snapshot("render_mysql_trigger", &text);
    }

    #[test]
    fn sqlite_pragmas_around_a_transaction() {
        let script = Script {
            phases: vec![
                Phase {
                    transactional: false,
                    statements: vec![st("PRAGMA foreign_keys = OFF", vec![])],
                },
                Phase {
                    transactional: true,
                    statements: vec![
                        st(
                            "CREATE TABLE \"new_t\" (\"id\" integer NOT NULL)",
                            vec![hz(HazardKind::TableRebuild, "table `t` is rebuilt")],
                        ),
                        st(
                            "CREATE TRIGGER \"tr\" AFTER INSERT ON \"t\" BEGIN\n  SELECT 1;\nEND",
                            vec![],
                        ),
                        st("PRAGMA foreign_key_check", vec![]),
                    ],
                },
                Phase {
                    transactional: false,
                    statements: vec![st("PRAGMA foreign_keys = ON", vec![])],
                },
            ],
        };
        let text = render(for_kind(DialectKind::Sqlite), &script);
        assert!(text.contains("SELECT 1;\nEND;\n"), "{text}");
        snapshot("render_sqlite_rebuild", &text);
    }

    #[test]
    fn empty_script_renders_nothing() {
        assert_eq!(
            render(for_kind(DialectKind::Sqlite), &Script::default()),
            ""
        );
    }

    #[test]
    fn multi_line_hazards_stay_comments() {
        let script = Script {
            phases: vec![Phase {
                transactional: true,
                statements: vec![st(
                    "DROP TABLE \"t\"",
                    vec![hz(HazardKind::DataLoss, "a\nb")],
                )],
            }],
        };
        let text = render(for_kind(DialectKind::Postgres), &script);
        assert_eq!(
            text,
            "BEGIN;\n-- hazard: data_loss: a b\nDROP TABLE \"t\";\nCOMMIT;\n"
        );
    }
}
