//! A SQL file cut into the statements its database's own client would
//! send one by one (`psql -f`, `mysql < file`, `sqlite3 < file`), each
//! with its byte offset in the file: a `.sql` desired state is run a
//! statement at a time so that a failure points at the statement's line.
//! The lexical rules that decide where a statement ends (quotes, comments,
//! dollar quotes, `DELIMITER`, trigger bodies) are the dialect's
//! [`Lexicon`].

/// What a dialect's client treats as the inside of a statement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lexicon {
    /// `\'` escapes a quote inside a string (MySQL).
    pub backslash_escapes: bool,
    /// `` `name` `` quotes an identifier (MySQL, SQLite).
    pub backticks: bool,
    /// `$$ … $$` and `$tag$ … $tag$` strings (PostgreSQL).
    pub dollar_quotes: bool,
    /// `# …` comments to the end of the line (MySQL).
    pub hash_comments: bool,
    /// `DELIMITER x` lines change the terminator (the mysql client).
    pub delimiter_lines: bool,
    /// `CREATE TRIGGER … BEGIN …; END` is one statement (SQLite).
    pub trigger_blocks: bool,
    /// `BEGIN ATOMIC …; END` is one statement (PostgreSQL SQL-standard
    /// function bodies).
    pub atomic_blocks: bool,
}

/// One statement of a file: its text without the terminator, and where
/// it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    /// Byte offset of its first character in the file.
    pub start: usize,
}

/// Cuts `sql` into statements. Comments between statements are left out;
/// a statement's text keeps the comments inside it.
pub fn split(sql: &str, lex: Lexicon) -> Vec<Piece> {
    let mut cut = Cutter {
        sql,
        bytes: sql.as_bytes(),
        lex,
        pieces: Vec::new(),
        start: None,
        words: Vec::new(),
        depth: 0,
        delimiter: ";".to_string(),
    };
    cut.run();
    cut.pieces
}

struct Cutter<'a> {
    sql: &'a str,
    bytes: &'a [u8],
    lex: Lexicon,
    pieces: Vec<Piece>,
    /// Where the statement being read starts, once it has a token.
    start: Option<usize>,
    /// Its first words, upper-cased (to know a trigger).
    words: Vec<String>,
    /// Open `BEGIN`/`CASE` blocks, whose `;` do not end the statement.
    depth: usize,
    delimiter: String,
}

impl Cutter<'_> {
    fn run(&mut self) {
        let mut i = 0;
        while i < self.bytes.len() {
            i = self.step(i);
        }
        self.finish(self.bytes.len());
    }

    /// Reads the token at `i`; returns where the next one starts.
    fn step(&mut self, i: usize) -> usize {
        let b = self.bytes[i];
        let rest = &self.sql[i..];
        if self.start.is_none() && self.lex.delimiter_lines && at_line_start(self.sql, i) {
            if let Some(line) = delimiter_line(rest) {
                let end = line_end(self.sql, i);
                self.delimiter = line.to_string();
                return end;
            }
        }
        if rest.starts_with("--") || (self.lex.hash_comments && b == b'#') {
            return line_end(self.sql, i);
        }
        if rest.starts_with("/*") {
            return rest[2..]
                .find("*/")
                .map_or(self.bytes.len(), |e| i + 2 + e + 2);
        }
        if b.is_ascii_whitespace() {
            return i + 1;
        }
        if (self.delimiter != ";" || self.depth == 0) && rest.starts_with(self.delimiter.as_str()) {
            self.finish(i);
            return i + self.delimiter.len();
        }
        self.start.get_or_insert(i);
        match b {
            b'\'' => self.quoted(i, b'\'', self.lex.backslash_escapes),
            b'"' => self.quoted(i, b'"', false),
            b'`' if self.lex.backticks => self.quoted(i, b'`', false),
            b'$' if self.lex.dollar_quotes => self.dollar(i),
            _ if is_word_byte(b) => self.word(i),
            _ => i + 1,
        }
    }

    /// Skips a quoted string or name; a doubled quote stays inside.
    fn quoted(&self, i: usize, quote: u8, backslash: bool) -> usize {
        let mut j = i + 1;
        while j < self.bytes.len() {
            let c = self.bytes[j];
            if backslash && c == b'\\' {
                j += 2;
            } else if c == quote && self.bytes.get(j + 1) == Some(&quote) {
                j += 2;
            } else if c == quote {
                return j + 1;
            } else {
                j += 1;
            }
        }
        self.bytes.len()
    }

    /// Skips `$tag$ … $tag$`; a `$` that opens no such string is a byte.
    fn dollar(&self, i: usize) -> usize {
        let rest = &self.sql[i + 1..];
        let tag_len = rest
            .bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
            .count();
        let opens = rest.as_bytes().get(tag_len) == Some(&b'$')
            && !rest.as_bytes().first().is_some_and(u8::is_ascii_digit);
        if !opens {
            return i + 1;
        }
        let tag = &self.sql[i..i + tag_len + 2];
        let body = i + tag.len();
        self.sql[body..]
            .find(tag)
            .map_or(self.bytes.len(), |e| body + e + tag.len())
    }

    /// Reads a word; `BEGIN` (in a trigger, or `BEGIN ATOMIC`) and `CASE`
    /// open a block that `END` closes.
    fn word(&mut self, i: usize) -> usize {
        let end = i + self.sql[i..]
            .bytes()
            .take_while(|c| is_word_byte(*c))
            .count();
        let w = self.sql[i..end].to_ascii_uppercase();
        let opens = match w.as_str() {
            "CASE" => true,
            "BEGIN" => {
                (self.lex.trigger_blocks && self.is_trigger())
                    || (self.lex.atomic_blocks && next_word_is(&self.sql[end..], "ATOMIC"))
            }
            _ => false,
        };
        if opens {
            self.depth += 1;
        } else if w == "END" {
            self.depth = self.depth.saturating_sub(1);
        }
        if self.words.len() < 4 {
            self.words.push(w);
        }
        end
    }

    fn is_trigger(&self) -> bool {
        self.words.first().is_some_and(|w| w == "CREATE")
            && self.words.iter().skip(1).any(|w| w == "TRIGGER")
    }

    /// Ends the statement being read at `end`, where its terminator is.
    fn finish(&mut self, end: usize) {
        if let Some(start) = self.start.take() {
            let text = self.sql[start..end].trim_end().to_string();
            if !text.is_empty() {
                self.pieces.push(Piece { text, start });
            }
        }
        self.words.clear();
        self.depth = 0;
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn at_line_start(sql: &str, i: usize) -> bool {
    sql[..i]
        .rsplit('\n')
        .next()
        .is_some_and(|before| before.trim().is_empty())
}

fn line_end(sql: &str, i: usize) -> usize {
    sql[i..].find('\n').map_or(sql.len(), |e| i + e + 1)
}

/// The new terminator of a `DELIMITER x` line.
fn delimiter_line(rest: &str) -> Option<&str> {
    let line = rest.lines().next()?.trim();
    let head = line.get(..10)?;
    if !head.eq_ignore_ascii_case("delimiter ") {
        return None;
    }
    Some(line[10..].trim()).filter(|d| !d.is_empty())
}

fn next_word_is(rest: &str, word: &str) -> bool {
    let w: String = rest
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    w.eq_ignore_ascii_case(word)
}

/// The 1-based line of byte offset `at` in `text`.
pub fn line_of(text: &str, at: usize) -> usize {
    text.get(..at).map_or(1, |t| t.matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str, lex: Lexicon) -> Vec<String> {
        split(sql, lex).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn quotes_and_comments_hide_semicolons() {
        let sql = "-- a; comment\nCREATE TABLE a (x text DEFAULT 'x;''y');\n/* ; */ CREATE TABLE \"b;\" (y int);";
        let pieces = split(sql, Lexicon::default());
        assert_eq!(pieces.len(), 2);
        assert_eq!(line_of(sql, pieces[0].start), 2);
        assert_eq!(pieces[1].text, "CREATE TABLE \"b;\" (y int)");
    }

    #[test]
    fn postgres_dollar_quotes_and_atomic_bodies() {
        let lex = Lexicon {
            dollar_quotes: true,
            atomic_blocks: true,
            ..Lexicon::default()
        };
        let sql = "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n\
                   CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END;\n\
                   SELECT $1;";
        let t = texts(sql, lex);
        assert_eq!(t.len(), 3, "{t:?}");
        assert!(t[1].ends_with("END; END"), "{t:?}");
    }

    #[test]
    fn sqlite_trigger_bodies_are_one_statement() {
        let lex = Lexicon {
            backticks: true,
            trigger_blocks: true,
            ..Lexicon::default()
        };
        let sql = "BEGIN;\nCREATE TRIGGER t AFTER INSERT ON a BEGIN UPDATE a SET x = CASE WHEN 1 THEN 2 END; DELETE FROM b; END;\nCOMMIT;";
        assert_eq!(texts(sql, lex).len(), 3);
    }

    #[test]
    fn mysql_delimiter_lines_and_escapes() {
        let lex = Lexicon {
            backslash_escapes: true,
            backticks: true,
            hash_comments: true,
            delimiter_lines: true,
            ..Lexicon::default()
        };
        let sql = "# c;\nCREATE TABLE `a;` (x text DEFAULT 'it\\'s;');\nDELIMITER //\nCREATE TRIGGER t BEFORE INSERT ON a FOR EACH ROW BEGIN SET NEW.x = 'y'; END//\nDELIMITER ;\nDROP TABLE b;";
        let t = texts(sql, lex);
        assert_eq!(t.len(), 3, "{t:?}");
        assert!(t[1].ends_with("END"), "{t:?}");
    }
}
