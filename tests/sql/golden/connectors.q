# Connectors: datagen (bounded), filesystem (csv/json/parquet), print, blackhole; option validation.
CREATE TABLE seq (id INT, s STRING) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '10', 'fields.id.end' = '14', 'fields.s.kind' = 'sequence', 'fields.s.start' = '1', 'fields.s.end' = '5');
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT id, s FROM seq;
!output
+----+---+
| id | s |
+----+---+
| 10 | 1 |
| 11 | 2 |
| 12 | 3 |
| 13 | 4 |
| 14 | 5 |
+----+---+
5 rows in set
!ok

CREATE TABLE rnd (i INT, d DOUBLE, s STRING, b BOOLEAN) WITH ('connector' = 'datagen', 'number-of-rows' = '100', 'fields.i.min' = '1', 'fields.i.max' = '3', 'fields.d.min' = '0', 'fields.d.max' = '1', 'fields.s.length' = '7');
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT COUNT(*), MIN(i) >= 1, MAX(i) <= 3, MIN(d) >= 0, MAX(d) <= 1, MIN(CHAR_LENGTH(s)), MAX(CHAR_LENGTH(s)) FROM rnd;
!output
+--------+--------+--------+--------+--------+--------+--------+
| EXPR$0 | EXPR$1 | EXPR$2 | EXPR$3 | EXPR$4 | EXPR$5 | EXPR$6 |
+--------+--------+--------+--------+--------+--------+--------+
|    100 |   TRUE |   TRUE |   TRUE |   TRUE |      7 |      7 |
+--------+--------+--------+--------+--------+--------+--------+
1 row in set
!ok

CREATE TABLE nulls (i INT) WITH ('connector' = 'datagen', 'number-of-rows' = '50', 'fields.i.null-rate' = '1.0');
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT COUNT(*), COUNT(i) FROM nulls;
!output
+--------+--------+
| EXPR$0 | EXPR$1 |
+--------+--------+
|     50 |      0 |
+--------+--------+
1 row in set
!ok

CREATE TABLE bad1 (a INT) WITH ('connector' = 'datagen', 'foo' = 'bar');
!output
org.apache.flink.table.api.ValidationException: Unsupported options found for 'datagen'.
!error

CREATE TABLE bad2 (a INT) WITH ('connector' = 'kafka');
!output
org.apache.flink.table.api.ValidationException: Could not find any factory for identifier 'kafka' that implements 'org.apache.flink.table.factories.DynamicTableFactory' in the classpath.
!error

CREATE TABLE bad3 (a INT) WITH ('connector' = 'datagen', 'fields.a.kind' = 'sequence');
!output
org.apache.flink.table.api.ValidationException: Could not find required property 'fields.a.start' for sequence generator.
!error

CREATE TABLE bad4 (a INT) WITH ('connector' = 'filesystem', 'path' = '$DATA/x');
!output
org.apache.flink.table.api.ValidationException: Missing required options are:
!error

CREATE TABLE bad5 (a INT) WITH ('connector' = 'filesystem', 'path' = '$DATA/x', 'format' = 'avro');
!output
org.apache.flink.table.api.ValidationException: Could not find any format factory for identifier 'avro' in the classpath.
!error

CREATE TABLE fs_csv (id INT, name STRING, price DECIMAL(10, 2)) WITH ('connector' = 'filesystem', 'path' = '$DATA/csv', 'format' = 'csv');
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT * FROM fs_csv;
!output
Empty set
!ok

INSERT INTO fs_csv SELECT id, s, CAST(id AS DECIMAL(10, 2)) / 4 FROM seq;
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

SELECT * FROM fs_csv ORDER BY id;
!output
+----+------+-------+
| id | name | price |
+----+------+-------+
| 10 |    1 |  2.50 |
| 11 |    2 |  2.75 |
| 12 |    3 |  3.00 |
| 13 |    4 |  3.25 |
| 14 |    5 |  3.50 |
+----+------+-------+
5 rows in set
!ok

INSERT INTO fs_csv VALUES (99, 'a,"quoted"', NULL);
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

SELECT * FROM fs_csv WHERE id = 99;
!output
+----+------------+--------+
| id |       name |  price |
+----+------------+--------+
| 99 | a,"quoted" | <NULL> |
+----+------------+--------+
1 row in set
!ok

INSERT OVERWRITE fs_csv VALUES (1, 'only', 1.00);
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

SELECT * FROM fs_csv;
!output
+----+------+-------+
| id | name | price |
+----+------+-------+
|  1 | only |  1.00 |
+----+------+-------+
1 row in set
!ok

CREATE TABLE fs_json (id INT, tags ARRAY<STRING>) WITH ('connector' = 'filesystem', 'path' = '$DATA/json', 'format' = 'json');
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

INSERT INTO fs_json VALUES (1, ARRAY['x', 'y']);
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

SELECT * FROM fs_json;
!output
+----+--------+
| id |   tags |
+----+--------+
|  1 | [x, y] |
+----+--------+
1 row in set
!ok

CREATE TABLE fs_parquet (id BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'filesystem', 'path' = '$DATA/parquet', 'format' = 'parquet');
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

INSERT INTO fs_parquet VALUES (7, TIMESTAMP '2024-05-06 07:08:09.123');
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

SELECT * FROM fs_parquet;
!output
+----+-------------------------+
| id |                      ts |
+----+-------------------------+
|  7 | 2024-05-06 07:08:09.123 |
+----+-------------------------+
1 row in set
!ok

CREATE TABLE outside (a INT) WITH ('connector' = 'filesystem', 'path' = '/etc', 'format' = 'csv');
!output
org.apache.flink.table.api.ValidationException: The SQL sandbox does not allow access to '/etc': it is outside the allowed directories ['$DATA/'] (sql-gateway.security.sandbox.allowed-directories).
!error

SELECT * FROM outside;
!output
org.apache.flink.table.api.ValidationException: SQL validation failed. Object 'outside' not found
!error

CREATE TABLE sink_print (a INT, b STRING) WITH ('connector' = 'print', 'print-identifier' = 'golden');
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT * FROM sink_print;
!output
org.apache.flink.table.api.ValidationException: Connector 'print' can only be used as a sink. It cannot be used as a source.
!error

CREATE TABLE sink_bh (a INT) WITH ('connector' = 'blackhole');
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

INSERT INTO seq VALUES (1, 'x');
!output
org.apache.flink.table.api.ValidationException: Connector 'datagen' can only be used as a source. It cannot be used as a sink.
!error

CREATE TABLE plain (a INT, b STRING);
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

INSERT INTO plain SELECT id, s FROM seq WHERE id < 12;
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

SELECT * FROM plain ORDER BY a;
!output
+----+---+
|  a | b |
+----+---+
| 10 | 1 |
| 11 | 2 |
+----+---+
2 rows in set
!ok

CREATE TABLE ctas_plain AS SELECT a, UPPER(b) AS b FROM plain;
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

DESCRIBE ctas_plain;
!output
+------+--------+------+--------+--------+-----------+
| name |   type | null |    key | extras | watermark |
+------+--------+------+--------+--------+-----------+
|    a |    INT | TRUE | <NULL> | <NULL> |    <NULL> |
|    b | STRING | TRUE | <NULL> | <NULL> |    <NULL> |
+------+--------+------+--------+--------+-----------+
2 rows in set
!ok

SELECT * FROM ctas_plain ORDER BY a;
!output
+----+---+
|  a | b |
+----+---+
| 10 | 1 |
| 11 | 2 |
+----+---+
2 rows in set
!ok
