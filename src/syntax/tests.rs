//! Unit tests of the parser, lowering and printer on small inputs; the
//! example schemas and snapshots are in tests/it/syntax*.rs.

use super::*;
use crate::ir::{FkAction, IndexKey, Name};

fn one(text: &str) -> Schema {
    match parse_files(&[SourceFile::new("t.strata", text)]) {
        Ok(s) => s,
        Err(d) => panic!("{}", d.render_plain()),
    }
}

fn roundtrip(text: &str) {
    let s = one(text);
    let printed = print(&s);
    let again = match parse_files(&[SourceFile::new("p.strata", printed.as_str())]) {
        Ok(s) => s,
        Err(d) => panic!(
            "printed text does not parse:\n{printed}\n{}",
            d.render_plain()
        ),
    };
    assert_eq!(s, again, "printed:\n{printed}");
    assert_eq!(print(&again), printed);
}

#[test]
fn sketch_tables() {
    let text = r#"
dialect postgres
extension pgcrypto

enum order_status { pending, paid, shipped, cancelled }

table users {
  id          bigint      pk identity
  email       text        unique
  display     text?                              // nullable
  created_at  timestamptz = now()

  index users_lower_email (lower(email)) unique
  check email_has_at (email like '%@%')
  comment "People who can sign in"
}

table orders {
  id          uuid        pk = gen_random_uuid()
  user_id     bigint      -> users.id on delete cascade
  status      order_status = 'pending'
  total       numeric(12, 2) check (total >= 0)
  note        text?       renamed_from comment
  created_at  timestamp with time zone = current_timestamp

  index (user_id, created_at desc) where status <> 'cancelled'
}
"#;
    let s = one(text);
    let users = &s.tables[&Name::new("users")];
    assert_eq!(users.columns.len(), 4);
    assert_eq!(
        users.primary_key.as_ref().map(|p| p.columns.clone()),
        Some(vec!["id".to_string()])
    );
    assert!(users.columns[2].nullable);
    assert_eq!(
        users.indexes[0].parts[0].key,
        IndexKey::Expr(crate::ir::Expr::new("lower(email)"))
    );
    let orders = &s.tables[&Name::new("orders")];
    assert_eq!(orders.columns[3].ty.as_str(), "numeric(12,2)");
    assert_eq!(orders.columns[5].ty.as_str(), "timestamp with time zone");
    assert_eq!(orders.foreign_keys[0].on_delete, FkAction::Cascade);
    assert_eq!(orders.checks[0].expr.as_str(), "total >= 0");
    assert_eq!(
        orders.indexes[0].predicate.as_ref().map(|e| e.as_str()),
        Some("status <> 'cancelled'")
    );
    assert_eq!(orders.columns[4].renamed_from.as_deref(), Some("comment"));
    roundtrip(text);
}

#[test]
fn fmt_keeps_comments_and_order() {
    let text = "// header\n\ntable b {\n  id bigint pk // the key\n  // leading\n  name text\n}\n\n/* about a */\ntable a { id int }\n";
    let out = format_file(&SourceFile::new("f.strata", text)).map_err(|d| d.render_plain());
    let out = match out {
        Ok(o) => o,
        Err(e) => panic!("{e}"),
    };
    assert!(out.contains("// header\n\ntable b {"), "{out}");
    assert!(out.contains("pk // the key"), "{out}");
    assert!(out.contains("  // leading\n  name"), "{out}");
    assert!(
        out.find("table b").unwrap_or(0) < out.find("table a").unwrap_or(0),
        "{out}"
    );
    let again =
        format_file(&SourceFile::new("f.strata", out.as_str())).map_err(|d| d.render_plain());
    assert_eq!(again.as_deref(), Ok(out.as_str()));
}

#[test]
fn placeholders_and_quoted_dollars_are_plain_sql() {
    roundtrip("table u {\n  a int check (a > $1)\n  b int = (length('$$'))\n}\n");
}

/// Found by libFuzzer: inside a label, `//` was skipped as a line comment
/// between the quotes, so `'//'` did not read back.
#[test]
fn enum_labels_may_hold_comment_markers() {
    roundtrip("enum o { '//', 'a /* b', 'x  y', \"--\" }\n");
}

/// Bodies as a database keeps them (a leading newline, indentation,
/// trailing blanks, a `$` at the end) print in `verbatim$$…$$` and read
/// back byte for byte; a dedented body keeps the indented `sql` form.
#[test]
fn function_bodies_round_trip_byte_for_byte() {
    for body in [
        "\n  BEGIN\n    RETURN a + 1;   \n  END;\n",
        "select 'x$' ",
        "select '$'::text || $",
        "\n\n\tselect 1\n\n",
        " select $$a$$, $sql$b$sql$",
        "",
    ] {
        let mut s = Schema::default();
        let mut f = crate::ir::Function {
            name: Name::new("f"),
            args: String::new(),
            returns: Some("text".into()),
            language: "sql".into(),
            body: body.into(),
            object_file: None,
            standard_body: false,
            aggregate: false,
            comment: None,
            attributes: Default::default(),
            options: Default::default(),
        };
        s.functions.insert(f.key(), f.clone());
        let printed = print(&s);
        let back = one(&printed);
        assert_eq!(back.functions[&f.key()].body, body, "printed:\n{printed}");
        assert_eq!(print(&back), printed);
        f.body = "select 1".into();
        s.functions.insert(f.key(), f);
        assert!(!print(&s).contains("verbatim"));
    }
    let written =
        one("function g() returns int language sql as verbatim\"\"\"\n  select 1\n\"\"\"");
    assert_eq!(
        written.functions[&(Name::new("g"), String::new())].body,
        "\n  select 1\n"
    );
}

/// A `sql"""…"""` body ends at its closing `"""` even where MySQL's `\'`
/// would leave a string open to a SQL reader: the procedure after it is
/// still read, and each body is exactly what was written.
#[test]
fn a_triple_quoted_body_ends_at_its_closing_quotes() {
    let text = "dialect mysql\n\nprocedure p() language sql as sql\"\"\"\n  select 'it\\'s', ''''\n\"\"\"\n\nprocedure q() language sql as sql\"\"\"\n  select '''x'''\n\"\"\"\n";
    let s = one(text);
    assert_eq!(s.functions.len(), 2);
    assert_eq!(
        s.functions[&(Name::new("p"), String::new())].body,
        "select 'it\\'s', ''''"
    );
    assert_eq!(
        s.functions[&(Name::new("q"), String::new())].body,
        "select '''x'''"
    );
    roundtrip(text);
}

/// Every clause of an event reads back as printed.
#[test]
fn events_round_trip() {
    roundtrip("dialect mysql\n\nevent a with (sql_mode = \"ANSI_QUOTES\") every '1 4' day_hour starts \"2030-01-01 00:00:00\" ends \"2031-01-01 00:00:00\" on completion preserve disable on slave as sql\"\"\"\n  delete from t\n\"\"\" comment \"it's\"\n\nevent b at \"2035-01-01 00:00:00\" disable as sql\"\"\"\n  select 1\n\"\"\"\n");
    let s = one("dialect mysql\nevent c every 2 hour on completion not preserve enable as sql\"\"\"select 1\"\"\"");
    let e = &s.events[&Name::new("c")];
    assert!(!e.preserve);
    assert_eq!(e.status, crate::ir::EventStatus::Enable);
    assert_eq!(
        e.schedule,
        crate::ir::Schedule::Every {
            value: "2".into(),
            unit: "hour".into(),
            starts: None,
            ends: None
        }
    );
}
