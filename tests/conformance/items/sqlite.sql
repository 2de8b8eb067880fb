-- Item-by-item cases for SQLite (tests/it/conformance/items.rs): the
-- attribute is in `desired`; `current` is where a change starts from.

-- item: column-without-type
-- current:
CREATE TABLE t (id INTEGER PRIMARY KEY);
-- desired:
CREATE TABLE t (id INTEGER PRIMARY KEY, a, b DEFAULT 1);

-- item: type-names
-- current:
-- desired:
CREATE TABLE t (
  id INTEGER PRIMARY KEY,
  a UNSIGNED BIG INT,
  b VARYING CHARACTER(255),
  c BLOB SUB_TYPE TEXT,
  d NATIVE CHARACTER(70),
  e DOUBLE PRECISION,
  f INT2,
  g MEDIUMINT,
  h NVARCHAR(100),
  i CLOB,
  j DATETIME,
  k BOOLEAN,
  l DECIMAL(10,5),
  m REAL,
  n NUMERIC,
  o TINYINT,
  p BIGINT,
  q VARCHAR(255),
  r CHARACTER(20),
  s FLOAT,
  u INT8,
  v NCHAR(55),
  w TEXT,
  x BLOB,
  y DOUBLE,
  z SMALLINT
);

-- item: type-names-changed
-- current:
CREATE TABLE t (id INTEGER PRIMARY KEY, a BIGINT, b VARCHAR(10));
-- desired:
CREATE TABLE t (id INTEGER PRIMARY KEY, a UNSIGNED BIG INT, b VARYING CHARACTER(255));

-- item: nullable-text-primary-key
-- current:
-- desired:
CREATE TABLE t (id TEXT PRIMARY KEY, v INTEGER);

-- item: not-null-text-primary-key
-- current:
CREATE TABLE t (id TEXT PRIMARY KEY, v INTEGER);
-- desired:
CREATE TABLE t (id TEXT NOT NULL PRIMARY KEY, v INTEGER);

-- item: strict
-- current:
CREATE TABLE t (a INTEGER, b TEXT);
-- desired:
CREATE TABLE t (a INTEGER, b TEXT, c ANY) STRICT;

-- item: without-rowid
-- current:
CREATE TABLE t (a TEXT PRIMARY KEY, b INTEGER);
-- desired:
CREATE TABLE t (a TEXT PRIMARY KEY, b INTEGER) WITHOUT ROWID;

-- item: strict-without-rowid
-- current:
-- desired:
CREATE TABLE t (a TEXT PRIMARY KEY, b INTEGER) STRICT, WITHOUT ROWID;

-- item: generated-columns
-- current:
CREATE TABLE t (a INTEGER, b INTEGER);
-- desired:
CREATE TABLE t (
  a INTEGER,
  b INTEGER,
  c INTEGER GENERATED ALWAYS AS (a * 2) STORED,
  d INTEGER AS (a + b) VIRTUAL,
  e TEXT GENERATED ALWAYS AS (CAST(a AS TEXT) || 'x')
);

-- item: fk-bigint-to-integer-primary-key
-- current:
CREATE TABLE parent (id INTEGER PRIMARY KEY);
-- desired:
CREATE TABLE parent (id INTEGER PRIMARY KEY);
CREATE TABLE child (
  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
  "parent_id" bigint NOT NULL REFERENCES "parent" ("id") DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "child_parent_id_idx" ON "child" ("parent_id");
