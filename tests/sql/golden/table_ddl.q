# CREATE / DESCRIBE / SHOW / DROP of tables and views, as in Flink's transcripts.
SHOW TABLES;
!output
Empty set
!ok

CREATE TABLE dg_bounded (id INT, name STRING, price DOUBLE) WITH ('connector' = 'datagen', 'number-of-rows' = '5', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '5', 'fields.name.length' = '4');
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

CREATE TABLE dg_bounded (id INT) WITH ('connector' = 'datagen');
!output
org.apache.flink.table.catalog.exceptions.TableAlreadyExistException: Table (or view) default_database.dg_bounded already exists in Catalog default_catalog.
!error

CREATE TABLE dg_stream (id BIGINT, v STRING, ts AS LOCALTIMESTAMP) WITH ('connector' = 'datagen', 'rows-per-second' = '5', 'fields.v.length' = '3');
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SHOW TABLES;
!output
+------------+
| table name |
+------------+
| dg_bounded |
|  dg_stream |
+------------+
2 rows in set
!ok

DESCRIBE dg_bounded;
!output
+-------+--------+------+--------+--------+-----------+
|  name |   type | null |    key | extras | watermark |
+-------+--------+------+--------+--------+-----------+
|    id |    INT | TRUE | <NULL> | <NULL> |    <NULL> |
|  name | STRING | TRUE | <NULL> | <NULL> |    <NULL> |
| price | DOUBLE | TRUE | <NULL> | <NULL> |    <NULL> |
+-------+--------+------+--------+--------+-----------+
3 rows in set
!ok

DESC dg_stream;
!output
+------+--------------+-------+--------+-------------------+-----------+
| name |         type |  null |    key |            extras | watermark |
+------+--------------+-------+--------+-------------------+-----------+
|   id |       BIGINT |  TRUE | <NULL> |            <NULL> |    <NULL> |
|    v |       STRING |  TRUE | <NULL> |            <NULL> |    <NULL> |
|   ts | TIMESTAMP(3) | FALSE | <NULL> | AS LOCALTIMESTAMP |    <NULL> |
+------+--------------+-------+--------+-------------------+-----------+
3 rows in set
!ok

SHOW CREATE TABLE dg_bounded;
!output
+------------------------------------------------------------------+
|                                                           result |
+------------------------------------------------------------------+
| CREATE TABLE `default_catalog`.`default_database`.`dg_bounded` (
  `id` INT,
  `name` VARCHAR(2147483647),
  `price` DOUBLE
)
WITH (
  'connector' = 'datagen',
  'fields.id.end' = '5',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.name.length' = '4',
  'number-of-rows' = '5'
)
 |
+------------------------------------------------------------------+
1 row in set
!ok

SHOW USER FUNCTIONS;
!output
Empty set
!ok

CREATE VIEW v1 AS SELECT id FROM dg_bounded;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SHOW VIEWS;
!output
+-----------+
| view name |
+-----------+
|        v1 |
+-----------+
1 row in set
!ok

SELECT * FROM v1 WHERE id > 3;
!output
+----+
| id |
+----+
|  4 |
|  5 |
+----+
2 rows in set
!ok

CREATE TABLE orders (
  order_id BIGINT NOT NULL,
  customer STRING COMMENT 'who',
  amount DECIMAL(10, 2),
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
  PRIMARY KEY (order_id) NOT ENFORCED
) COMMENT 'all orders';
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

DESCRIBE orders;
!output
+----------+------------------------+-------+---------------+--------+--------------------------+
|     name |                   type |  null |           key | extras |                watermark |
+----------+------------------------+-------+---------------+--------+--------------------------+
| order_id |                 BIGINT | FALSE | PRI(order_id) | <NULL> |                   <NULL> |
| customer |                 STRING |  TRUE |        <NULL> | <NULL> |                   <NULL> |
|   amount |         DECIMAL(10, 2) |  TRUE |        <NULL> | <NULL> |                   <NULL> |
|       ts | TIMESTAMP(3) *ROWTIME* |  TRUE |        <NULL> | <NULL> | ts - INTERVAL '5' SECOND |
+----------+------------------------+-------+---------------+--------+--------------------------+
4 rows in set
!ok

INSERT INTO orders VALUES (1, 'ann', 10.50, TIMESTAMP '2024-01-01 10:00:00'), (2, 'bob', 3.25, TIMESTAMP '2024-01-01 11:30:00');
!output
IGNORE
!ok

SELECT customer, amount, ts FROM orders ORDER BY order_id;
!output
+----------+--------+-------------------------+
| customer | amount |                      ts |
+----------+--------+-------------------------+
|      ann |  10.50 | 2024-01-01 10:00:00.000 |
|      bob |   3.25 | 2024-01-01 11:30:00.000 |
+----------+--------+-------------------------+
2 rows in set
!ok

ALTER TABLE orders RENAME TO orders2;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT count(*) FROM orders2;
!output
+--------+
| EXPR$0 |
+--------+
|      2 |
+--------+
1 row in set
!ok

SELECT * FROM orders;
!output
org.apache.flink.table.api.ValidationException: SQL validation failed. Object 'orders' not found
!error

CREATE TEMPORARY VIEW dg_bounded AS SELECT 42 AS id;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT id FROM dg_bounded;
!output
+----+
| id |
+----+
| 42 |
+----+
1 row in set
!ok

DROP TABLE dg_bounded;
!output
org.apache.flink.table.api.ValidationException: Temporary table with identifier 'default_catalog.default_database.dg_bounded' exists. Drop it first before removing the permanent table.
!error

DROP TEMPORARY VIEW dg_bounded;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT count(*) FROM dg_bounded;
!output
+--------+
| EXPR$0 |
+--------+
|      5 |
+--------+
1 row in set
!ok

DROP VIEW v1;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

DROP TABLE nosuch;
!output
org.apache.flink.table.api.ValidationException: Table with identifier 'default_catalog.default_database.nosuch' does not exist.
!error

DROP TABLE IF EXISTS nosuch;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

DESCRIBE nosuch;
!output
org.apache.flink.table.api.ValidationException: Tables or views with the identifier 'default_catalog.default_database.nosuch' doesn't exist.
!error

CREATE TABLE cols (id INT, name STRING, nick STRING);
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SHOW COLUMNS FROM cols LIKE 'n%';
!output
+------+--------+------+--------+--------+-----------+
| name |   type | null |    key | extras | watermark |
+------+--------+------+--------+--------+-----------+
| name | STRING | TRUE | <NULL> | <NULL> |    <NULL> |
| nick | STRING | TRUE | <NULL> | <NULL> |    <NULL> |
+------+--------+------+--------+--------+-----------+
2 rows in set
!ok

SHOW COLUMNS IN cols NOT LIKE 'n%';
!output
+------+------+------+--------+--------+-----------+
| name | type | null |    key | extras | watermark |
+------+------+------+--------+--------+-----------+
|   id |  INT | TRUE | <NULL> | <NULL> |    <NULL> |
+------+------+------+--------+--------+-----------+
1 row in set
!ok

CREATE VIEW cv AS SELECT id, UPPER(name) AS uname FROM cols;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SHOW CREATE VIEW cv;
!output
+---------------------------------------------------------+
|                                                  result |
+---------------------------------------------------------+
| CREATE VIEW `default_catalog`.`default_database`.`cv` (
  `id`,
  `uname`
)
AS SELECT id, UPPER(name) AS uname FROM cols
 |
+---------------------------------------------------------+
1 row in set
!ok

SHOW CREATE TABLE cv;
!output
org.apache.flink.table.api.ValidationException: SHOW CREATE TABLE is only supported for tables, but `default_catalog`.`default_database`.`cv` is a view. Please use SHOW CREATE VIEW instead.
!error
