-- Item-by-item cases for MySQL/MariaDB (tests/it/conformance/items.rs):
-- the attribute is in `desired`; `current` is where a change starts from.
-- Events are another helper's.

-- item: partition-range
-- current:
CREATE TABLE t (id int NOT NULL, created date NOT NULL, PRIMARY KEY (id, created));
-- desired:
CREATE TABLE t (id int NOT NULL, created date NOT NULL, PRIMARY KEY (id, created))
  PARTITION BY RANGE (YEAR(created)) (
    PARTITION p2020 VALUES LESS THAN (2021),
    PARTITION p2021 VALUES LESS THAN (2022),
    PARTITION pmax VALUES LESS THAN MAXVALUE
  );

-- item: partition-list
-- current:
-- desired:
CREATE TABLE t (id int NOT NULL, region int NOT NULL)
  PARTITION BY LIST (region) (
    PARTITION north VALUES IN (1, 2),
    PARTITION south VALUES IN (3, 4)
  );

-- item: partition-hash
-- current:
CREATE TABLE t (id int NOT NULL PRIMARY KEY);
-- desired:
CREATE TABLE t (id int NOT NULL PRIMARY KEY) PARTITION BY HASH (id) PARTITIONS 4;

-- item: partition-key
-- current:
-- desired:
CREATE TABLE t (id int NOT NULL PRIMARY KEY, v varchar(10)) PARTITION BY KEY (id) PARTITIONS 3;

-- item: partition-range-columns
-- current:
-- desired:
CREATE TABLE t (a int NOT NULL, b date NOT NULL)
  PARTITION BY RANGE COLUMNS (a, b) (
    PARTITION p0 VALUES LESS THAN (10, '2020-01-01'),
    PARTITION p1 VALUES LESS THAN (MAXVALUE, MAXVALUE)
  );

-- item: partition-list-columns
-- current:
-- desired:
CREATE TABLE t (country varchar(2) NOT NULL, v int)
  PARTITION BY LIST COLUMNS (country) (
    PARTITION eu VALUES IN ('FR', 'DE'),
    PARTITION am VALUES IN ('US', 'CA')
  );

-- item: subpartitions
-- current:
-- desired:
CREATE TABLE t (id int NOT NULL, created date NOT NULL)
  PARTITION BY RANGE (YEAR(created))
  SUBPARTITION BY HASH (id) SUBPARTITIONS 2 (
    PARTITION p0 VALUES LESS THAN (2021),
    PARTITION p1 VALUES LESS THAN MAXVALUE
  );

-- item: stored-functions-and-procedures
-- current:
CREATE TABLE t (a int);
-- desired:
CREATE TABLE t (a int);
CREATE FUNCTION twice(x int) RETURNS int DETERMINISTIC RETURN x * 2;
CREATE PROCEDURE add_a(IN x int, OUT n int) MODIFIES SQL DATA
BEGIN
  INSERT INTO t VALUES (x);
  SELECT COUNT(*) INTO n FROM t;
END;

-- item: view-security-algorithm-definer
-- current:
CREATE TABLE t (a int);
CREATE VIEW v AS SELECT a FROM t;
-- desired:
CREATE TABLE t (a int);
CREATE ALGORITHM = MERGE DEFINER = CURRENT_USER SQL SECURITY INVOKER VIEW v AS SELECT a FROM t;
CREATE ALGORITHM = TEMPTABLE SQL SECURITY DEFINER VIEW w AS SELECT a FROM t;
CREATE ALGORITHM = UNDEFINED VIEW x AS SELECT a FROM t WHERE a > 0 WITH CASCADED CHECK OPTION;

-- item: column-and-table-checks
-- current:
CREATE TABLE t (a int, b int);
-- desired:
CREATE TABLE t (
  a int CHECK (a > 0),
  b int,
  CONSTRAINT t_b_gt_a CHECK (b > a)
);

-- item: foreign-key-no-action-as-written
-- current:
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (id int PRIMARY KEY, p_id int);
-- desired:
CREATE TABLE p (id int PRIMARY KEY);
CREATE TABLE c (
  id int PRIMARY KEY,
  p_id int,
  q_id int,
  CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE NO ACTION ON UPDATE NO ACTION,
  CONSTRAINT c_q FOREIGN KEY (q_id) REFERENCES p (id) ON DELETE RESTRICT
);

-- item: trigger-under-its-sql-mode
-- current:
CREATE TABLE t (a int, b int, c int);
-- desired:
CREATE TABLE t (a int, b int, c int);
SET sql_mode = 'STRICT_TRANS_TABLES';
CREATE TRIGGER t_or BEFORE INSERT ON t FOR EACH ROW SET NEW.c = NEW.a || NEW.b;

-- item: routine-and-view-under-their-sql-mode
-- current:
CREATE TABLE t (a int, b int);
-- desired:
CREATE TABLE t (a int, b int);
SET sql_mode = 'STRICT_TRANS_TABLES';
CREATE FUNCTION either(x int, y int) RETURNS int DETERMINISTIC RETURN x || y;
SET sql_mode = 'PIPES_AS_CONCAT,ANSI_QUOTES';
CREATE FUNCTION joined(x varchar(10), y varchar(10)) RETURNS varchar(20) DETERMINISTIC RETURN x || y;
CREATE VIEW v AS SELECT a || b AS ab FROM t;

-- item: subpartitions-named
-- current:
-- desired:
CREATE TABLE t (id int NOT NULL, region int NOT NULL)
  PARTITION BY LIST (region)
  SUBPARTITION BY KEY (id) (
    PARTITION north VALUES IN (1, 2) (SUBPARTITION n0, SUBPARTITION n1),
    PARTITION south VALUES IN (3) (SUBPARTITION s0, SUBPARTITION s1)
  );

-- item: primary-key-comment
-- current:
CREATE TABLE t (id bigint NOT NULL PRIMARY KEY, v int);
-- desired:
CREATE TABLE t (id bigint NOT NULL, v int NOT NULL, PRIMARY KEY (id, v) COMMENT 'the key''s own comment');

-- item: primary-key-comment-changed
-- current:
CREATE TABLE t (id bigint NOT NULL, PRIMARY KEY (id) COMMENT 'old');
CREATE TABLE c (t_id bigint, FOREIGN KEY (t_id) REFERENCES t (id));
-- desired:
CREATE TABLE t (id bigint NOT NULL, PRIMARY KEY (id) COMMENT 'new');
CREATE TABLE c (t_id bigint, FOREIGN KEY (t_id) REFERENCES t (id));

-- item: mariadb-sequences
-- current:
-- desired:
CREATE SEQUENCE s START WITH 100 MINVALUE 10 MAXVALUE 100000 INCREMENT BY 5 CACHE 20 CYCLE COMMENT 'order numbers';
CREATE SEQUENCE plain;
CREATE SEQUENCE down_from INCREMENT BY -1;
CREATE TABLE t (id bigint NOT NULL DEFAULT NEXTVAL(s) PRIMARY KEY, n bigint DEFAULT (NEXTVAL(plain) + 1));

-- item: mariadb-sequences-changed
-- current:
CREATE SEQUENCE s START WITH 1 INCREMENT BY 1 COMMENT 'old';
CREATE SEQUENCE gone MAXVALUE 50;
CREATE TABLE t (id bigint NOT NULL DEFAULT NEXTVAL(s) PRIMARY KEY);
-- desired:
CREATE SEQUENCE s START WITH 1 INCREMENT BY 2 MAXVALUE 1000000 CACHE 10 COMMENT 'new';
CREATE SEQUENCE added START WITH 7;
CREATE TABLE t (id bigint NOT NULL DEFAULT NEXTVAL(s) PRIMARY KEY, n bigint NOT NULL DEFAULT NEXTVAL(added));

-- item: mariadb-system-versioning
-- current:
CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int);
CREATE TABLE gone (id int NOT NULL PRIMARY KEY) WITH SYSTEM VERSIONING;
CREATE TABLE h (id int NOT NULL PRIMARY KEY, a int) WITH SYSTEM VERSIONING;
-- desired:
CREATE TABLE t (id int NOT NULL PRIMARY KEY, a int) WITH SYSTEM VERSIONING;
CREATE TABLE gone (id int NOT NULL PRIMARY KEY);
CREATE TABLE h (id int NOT NULL PRIMARY KEY, a int, b varchar(10)) COMMENT 'kept history' WITH SYSTEM VERSIONING;
CREATE TABLE n (id int NOT NULL PRIMARY KEY) WITH SYSTEM VERSIONING;
