-- Item-by-item cases for PostgreSQL (tests/it/conformance/items.rs): the
-- attribute is in `desired`; `current` is where a change starts from.

-- item: index-storage-parameters
-- current:
CREATE TABLE t (a int, b text);
CREATE INDEX t_a ON t (a);
-- desired:
CREATE TABLE t (a int, b text);
CREATE INDEX t_a ON t (a) WITH (fillfactor = 70, deduplicate_items = off);
CREATE INDEX t_b ON t USING gin (to_tsvector('simple', b)) WITH (fastupdate = off);

-- item: index-storage-parameters-changed
-- current:
CREATE TABLE t (a int PRIMARY KEY, b int);
CREATE INDEX t_b ON t (b) WITH (fillfactor = 70, deduplicate_items = off);
-- desired:
CREATE TABLE t (a int PRIMARY KEY, b int);
CREATE INDEX t_b ON t (b) WITH (fillfactor = 60);

-- item: key-index-storage-parameters
-- current:
CREATE TABLE t (a int PRIMARY KEY, b int UNIQUE);
-- desired:
CREATE TABLE t (a int PRIMARY KEY WITH (fillfactor = 80), b int UNIQUE WITH (fillfactor = 70));

-- item: check-no-inherit
-- current:
CREATE TABLE t (a int);
-- desired:
CREATE TABLE t (a int, CONSTRAINT t_a_positive CHECK (a > 0) NO INHERIT);

-- item: table-inheritance
-- current:
CREATE TABLE base (id bigint NOT NULL, kind text NOT NULL, CONSTRAINT base_kind CHECK (kind <> ''));
-- desired:
CREATE TABLE base (id bigint NOT NULL, kind text NOT NULL, CONSTRAINT base_kind CHECK (kind <> ''));
CREATE TABLE tagged (tag text);
CREATE TABLE child (note text, kind text NOT NULL DEFAULT 'c', CONSTRAINT child_c CHECK (kind = 'c'), UNIQUE (id, kind)) INHERITS (base);
CREATE TABLE both_parents (x int) INHERITS (base, tagged);

-- item: table-inheritance-parent-column-added
-- current:
CREATE TABLE base (id bigint NOT NULL);
CREATE TABLE child (note text) INHERITS (base);
-- desired:
CREATE TABLE base (id bigint NOT NULL, added int DEFAULT 1);
CREATE TABLE child (note text) INHERITS (base);

-- item: deferrable-primary-and-unique-keys
-- current:
CREATE TABLE t (a int PRIMARY KEY, b int UNIQUE);
-- desired:
CREATE TABLE t (
  a int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED,
  b int UNIQUE DEFERRABLE
);

-- item: comments-on-constraints
-- current:
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE t (a int CONSTRAINT t_pk PRIMARY KEY, b int CONSTRAINT t_b_check CHECK (b > 0), c int UNIQUE, d int REFERENCES p);
COMMENT ON CONSTRAINT t_c_key ON t IS 'was here';
CREATE TABLE r (x int4range, CONSTRAINT r_x_excl EXCLUDE USING gist (x WITH &&));
-- desired:
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE t (a int CONSTRAINT t_pk PRIMARY KEY, b int CONSTRAINT t_b_check CHECK (b > 0), c int UNIQUE, d int REFERENCES p);
COMMENT ON CONSTRAINT t_pk ON t IS 'the key';
COMMENT ON CONSTRAINT t_b_check ON t IS 'positive';
COMMENT ON CONSTRAINT t_d_fkey ON t IS 'to p';
CREATE TABLE q (a int CONSTRAINT q_a_check CHECK (a <> 0), b int, CONSTRAINT q_b_key UNIQUE (b));
COMMENT ON CONSTRAINT q_a_check ON q IS 'new table, new check';
COMMENT ON CONSTRAINT q_b_key ON q IS 'it''s unique';
CREATE TABLE r (x int4range, CONSTRAINT r_x_excl EXCLUDE USING gist (x WITH &&));
COMMENT ON CONSTRAINT r_x_excl ON r IS 'no overlap';

-- item: comments-on-indexes
-- current:
CREATE TABLE t (a int, b int);
CREATE INDEX t_b ON t (b);
-- desired:
CREATE TABLE t (a int, b int);
CREATE INDEX t_b ON t (b);
CREATE UNIQUE INDEX t_a ON t (a);
COMMENT ON INDEX t_b IS 'by b';
COMMENT ON INDEX t_a IS 'one a';

-- item: instead-of-trigger-on-view
-- current:
CREATE TABLE t (a int);
CREATE VIEW v AS SELECT a FROM t;
-- desired:
CREATE TABLE t (a int);
CREATE VIEW v AS SELECT a FROM t;
CREATE FUNCTION v_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO t VALUES (NEW.a);
  RETURN NEW;
END
$$;
CREATE TRIGGER v_insert INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION v_insert();

-- item: constraint-trigger
-- current:
CREATE TABLE t (a int);
-- desired:
CREATE TABLE t (a int);
CREATE FUNCTION t_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER t_check AFTER INSERT OR UPDATE ON t
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION t_check();

-- item: view-options
-- current:
CREATE TABLE t (a int);
CREATE VIEW v AS SELECT a FROM t WHERE a > 0;
CREATE VIEW w AS SELECT a FROM t;
-- desired:
CREATE TABLE t (a int);
CREATE VIEW v WITH (security_barrier = true, security_invoker = true) AS
  SELECT a FROM t WHERE a > 0 WITH CASCADED CHECK OPTION;
CREATE VIEW w AS SELECT a FROM t WITH LOCAL CHECK OPTION;

-- item: view-options-changed
-- current:
CREATE TABLE t (a int);
CREATE VIEW v WITH (security_barrier = true) AS SELECT a FROM t WHERE a > 0 WITH LOCAL CHECK OPTION;
-- desired:
CREATE TABLE t (a int);
CREATE VIEW v WITH (security_invoker = true) AS SELECT a FROM t WHERE a > 0;

-- item: partitions-with-own-indexes-keys-fks
-- current:
CREATE TABLE ref (id int PRIMARY KEY);
CREATE TABLE p (id int NOT NULL, k int, created date NOT NULL) PARTITION BY RANGE (created);
CREATE TABLE p2020 PARTITION OF p FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
-- desired:
CREATE TABLE ref (id int PRIMARY KEY);
CREATE TABLE p (id int NOT NULL, k int, created date NOT NULL) PARTITION BY RANGE (created);
CREATE TABLE p2020 PARTITION OF p FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE p2021 PARTITION OF p FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
ALTER TABLE p2020 ADD CONSTRAINT p2020_pkey PRIMARY KEY (id);
ALTER TABLE p2020 ADD CONSTRAINT p2020_k_fkey FOREIGN KEY (k) REFERENCES ref (id);
ALTER TABLE p2020 ADD CONSTRAINT p2020_k_check CHECK (k > 0);
CREATE INDEX p2020_k ON p2020 (k);
CREATE UNIQUE INDEX p2021_id_created ON p2021 (id, created);

-- item: table-without-columns
-- current:
-- desired:
CREATE TABLE nothing ();

-- item: overloaded-functions
-- current:
CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT a $$;
CREATE FUNCTION f(a date) RETURNS date LANGUAGE sql IMMUTABLE AS $$ SELECT a $$;
-- desired:
CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT a $$;
CREATE FUNCTION f(a text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT a $$;
CREATE FUNCTION f(a int, b int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT a + b $$;

-- item: c-language-function
-- current:
CREATE TABLE t (id int, n int);
-- desired:
CREATE TABLE t (id int, n int);
CREATE FUNCTION autoinc() RETURNS trigger AS '$libdir/autoinc', 'autoinc' LANGUAGE C;
CREATE FUNCTION ltree_consistent_copy(internal, internal, smallint, oid, internal) RETURNS boolean
  AS '$libdir/btree_gist', 'gbt_int4_consistent' LANGUAGE C IMMUTABLE STRICT;

-- item: aggregates
-- current:
-- desired:
CREATE AGGREGATE my_sum(int) (SFUNC = int4pl, STYPE = int, INITCOND = '0');
CREATE AGGREGATE my_array(anycompatible) (SFUNC = array_append, STYPE = anycompatiblearray, INITCOND = '{}');

-- item: extension-version
-- current:
-- desired:
CREATE EXTENSION citext VERSION '1.5';

-- item: extension-type-in-other-schema
-- current:
CREATE SCHEMA ext;
-- desired:
CREATE SCHEMA ext;
CREATE EXTENSION citext SCHEMA ext;
CREATE TABLE users (id int PRIMARY KEY, email ext.citext NOT NULL);
CREATE INDEX users_email ON users (email);

-- item: schema-public-acl
-- current:
-- desired:
GRANT CREATE ON SCHEMA public TO PUBLIC;

-- item: schema-public-acl-revoked
-- current:
-- desired:
REVOKE ALL ON SCHEMA public FROM PUBLIC;

-- item: procedures
-- current:
CREATE TABLE t (a int);
-- desired:
CREATE TABLE t (a int);
CREATE PROCEDURE add_a(x int) LANGUAGE sql AS $$ INSERT INTO t VALUES (x) $$;
CREATE PROCEDURE add_two(x int, INOUT y int DEFAULT NULL) LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO t VALUES (x), (x + 1);
  y := x + 1;
END
$$;

-- item: function-body-byte-for-byte
-- current:
CREATE FUNCTION g(a int) RETURNS int LANGUAGE plpgsql AS $$BEGIN RETURN a; END$$;
-- desired:
CREATE FUNCTION g(a int) RETURNS int LANGUAGE plpgsql AS $$

    BEGIN
	RETURN a;   
    END;  

$$;
CREATE FUNCTION h() RETURNS text LANGUAGE sql AS '  SELECT ''x''  ';

-- item: typed-literals-as-written
-- current:
CREATE TABLE t (a numeric, b numeric[]);
-- desired:
CREATE TABLE t (
  a numeric DEFAULT '1'::numeric CHECK (a <> '2'::numeric),
  b numeric[] DEFAULT ARRAY['1'::numeric]
);
CREATE INDEX t_a_one ON t (a) WHERE a = '1'::numeric;

-- item: fk-bigint-to-integer
-- current:
CREATE TABLE parent (id integer PRIMARY KEY);
-- desired:
CREATE TABLE parent (id integer PRIMARY KEY);
CREATE TABLE child (id bigint PRIMARY KEY, parent_id bigint REFERENCES parent (id));

-- item: collations
-- current:
CREATE TABLE t (a text);
-- desired:
CREATE SCHEMA app;
CREATE COLLATION posix FROM "POSIX";
CREATE COLLATION numeric (provider = icu, locale = 'en-u-kn-true');
COMMENT ON COLLATION numeric IS 'numbers sort as numbers';
CREATE COLLATION app."Case Blind" (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE COLLATION mixed (lc_collate = 'C', lc_ctype = 'POSIX');
CREATE TABLE t (a text COLLATE "numeric", b text COLLATE app."Case Blind", c text COLLATE posix);
CREATE INDEX t_a ON t (a COLLATE app."Case Blind");

-- item: collation-changed-unused
-- current:
CREATE COLLATION c1 (provider = icu, locale = 'de-DE');
-- desired:
CREATE COLLATION c1 (provider = icu, locale = 'sv-SE');

-- item: collation-column-moves
-- current:
CREATE COLLATION posix FROM "POSIX";
CREATE COLLATION numeric (provider = icu, locale = 'en-u-kn-true');
CREATE TABLE t (a text, b text COLLATE posix);
-- desired:
CREATE COLLATION numeric (provider = icu, locale = 'en-u-kn-true');
CREATE TABLE t (a text, b text COLLATE "numeric", c text COLLATE "numeric");

-- item: text-search-configurations
-- current:
-- desired:
CREATE SCHEMA app;
CREATE TEXT SEARCH CONFIGURATION fr (COPY = french);
ALTER TEXT SEARCH CONFIGURATION fr ALTER MAPPING FOR asciiword WITH simple, french_stem;
ALTER TEXT SEARCH CONFIGURATION fr DROP MAPPING FOR url;
COMMENT ON TEXT SEARCH CONFIGURATION fr IS 'French';
CREATE TEXT SEARCH CONFIGURATION app.bare (PARSER = default);
CREATE TABLE doc (id int PRIMARY KEY, body text);
CREATE INDEX doc_fts ON doc USING gin (to_tsvector('fr'::regconfig, body));

-- item: text-search-configuration-mappings-changed
-- current:
CREATE TEXT SEARCH CONFIGURATION fr (COPY = french);
-- desired:
CREATE TEXT SEARCH CONFIGURATION fr (COPY = french);
ALTER TEXT SEARCH CONFIGURATION fr ALTER MAPPING FOR asciiword, word WITH simple;
ALTER TEXT SEARCH CONFIGURATION fr DROP MAPPING FOR email, url;

-- item: comments-on-triggers
-- current:
CREATE TABLE t (id int, at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.at := now(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TRIGGER t_gone BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION touch();
COMMENT ON TRIGGER t_gone ON t IS 'goes';
-- desired:
CREATE TABLE t (id int, at timestamptz);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.at := now(); RETURN NEW; END $$;
CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();
COMMENT ON TRIGGER t_touch ON t IS 'keeps at current';
CREATE TRIGGER t_new AFTER DELETE ON t FOR EACH STATEMENT EXECUTE FUNCTION touch();
COMMENT ON TRIGGER t_new ON t IS 'it''s new';

-- item: comments-on-domain-checks
-- current:
CREATE DOMAIN positive AS int CONSTRAINT pos CHECK (VALUE > 0);
CREATE TABLE t (id int, qty positive);
-- desired:
CREATE DOMAIN positive AS int CONSTRAINT pos CHECK (VALUE > 0) CONSTRAINT small CHECK (VALUE < 100);
COMMENT ON DOMAIN positive IS 'the domain';
COMMENT ON CONSTRAINT pos ON DOMAIN positive IS 'more than nothing';
COMMENT ON CONSTRAINT small ON DOMAIN positive IS 'below a hundred';
CREATE TABLE t (id int, qty positive);

-- item: table-inheritance-shared-column-retyped
-- current:
CREATE TABLE p (id int, qty int);
CREATE TABLE c (qty int, own text) INHERITS (p);
CREATE TABLE g (qty int) INHERITS (c);
-- desired:
CREATE TABLE p (id int, qty bigint);
CREATE TABLE c (qty bigint, own text) INHERITS (p);
CREATE TABLE g (qty bigint) INHERITS (c);

-- item: comments-on-view-columns
-- current:
CREATE TABLE t (id int PRIMARY KEY, email text);
CREATE VIEW v AS SELECT id, email FROM t;
COMMENT ON COLUMN v.id IS 'goes';
CREATE MATERIALIZED VIEW m AS SELECT id FROM t;
-- desired:
CREATE TABLE t (id int PRIMARY KEY, email text);
CREATE VIEW v AS SELECT id, email AS "E-mail" FROM t;
COMMENT ON COLUMN v."E-mail" IS 'where we write';
CREATE MATERIALIZED VIEW m AS SELECT id FROM t;
COMMENT ON COLUMN m.id IS 'it''s the key';

-- item: extended-statistics
-- current:
CREATE TABLE t (a int, b int, c text);
CREATE STATISTICS s_gone ON a, b FROM t;
CREATE STATISTICS s_kinds (ndistinct) ON a, b FROM t;
CREATE STATISTICS s_target ON a, c FROM t;
-- desired:
CREATE TABLE t (a int, b int, c text);
CREATE STATISTICS s_kinds (dependencies, mcv) ON b, a FROM t;
CREATE STATISTICS s_target ON a, c FROM t;
ALTER STATISTICS s_target SET STATISTICS 300;
COMMENT ON STATISTICS s_target IS 'a and c';
CREATE STATISTICS s_expr ON (lower(c)) FROM t;
CREATE STATISTICS s_mixed (mcv) ON a, (b * 2) FROM t;
