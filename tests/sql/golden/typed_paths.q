# Type-dependent translation on every query path: ROUND of a DOUBLE rounds its decimal digits
# half-up (1.0005 -> 1.001, 1.0045 -> 1.005, where DuckDB's binary rounding gives 1.0 / 1.004), SUM of an
# INT is an INT, CAST(BOOLEAN AS STRING) is 'TRUE'/'FALSE' — in subqueries, CTEs, set operations,
# views, INSERT … SELECT, CREATE TABLE … AS SELECT, statement sets and materialized tables.
CREATE TABLE tp_src (i INT, d DOUBLE, b BOOLEAN);
!output
IGNORE
!ok

INSERT INTO tp_src VALUES (1, 1.0005, TRUE), (2, 1.0045, FALSE);
!output
IGNORE
!ok

SELECT * FROM (SELECT i, ROUND(d, 3) AS r, CAST(b AS STRING) AS bs FROM tp_src) ORDER BY i;
!output
+---+-------+-------+
| i |     r |    bs |
+---+-------+-------+
| 1 | 1.001 |  TRUE |
| 2 | 1.005 | FALSE |
+---+-------+-------+
2 rows in set
!ok

WITH c AS (SELECT i, ROUND(d, 3) AS r FROM tp_src) SELECT r FROM c ORDER BY i;
!output
+-------+
|     r |
+-------+
| 1.001 |
| 1.005 |
+-------+
2 rows in set
!ok

WITH c AS (SELECT i, d FROM tp_src) SELECT (SELECT ROUND(d, 3) FROM c WHERE i = 1), ROUND(SUM(d), 3) FROM c;
!output
+--------+--------+
| EXPR$0 | EXPR$1 |
+--------+--------+
|  1.001 |  2.005 |
+--------+--------+
1 row in set
!ok

SELECT ROUND(d, 3) FROM tp_src WHERE i = 1 UNION ALL SELECT ROUND(d, 3) FROM tp_src WHERE i = 2;
!output
+--------+
| EXPR$0 |
+--------+
|  1.001 |
|  1.005 |
+--------+
2 rows in set
!ok

SELECT i, r FROM tp_src JOIN (SELECT i AS j, ROUND(d, 3) AS r FROM tp_src) ON i = j ORDER BY i;
!output
+---+-------+
| i |     r |
+---+-------+
| 1 | 1.001 |
| 2 | 1.005 |
+---+-------+
2 rows in set
!ok

CREATE VIEW tp_view AS SELECT i, ROUND(d, 3) AS r, CAST(b AS STRING) AS bs FROM tp_src;
!output
IGNORE
!ok

SELECT * FROM tp_view ORDER BY i;
!output
+---+-------+-------+
| i |     r |    bs |
+---+-------+-------+
| 1 | 1.001 |  TRUE |
| 2 | 1.005 | FALSE |
+---+-------+-------+
2 rows in set
!ok

CREATE VIEW tp_sum AS SELECT SUM(i) AS si FROM tp_src;
!output
IGNORE
!ok

CREATE TABLE tp_ctas AS SELECT si, (SELECT ROUND(d, 3) FROM tp_src WHERE i = 2) AS r FROM tp_sum;
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

DESCRIBE tp_ctas;
!output
+------+--------+------+--------+--------+-----------+
| name |   type | null |    key | extras | watermark |
+------+--------+------+--------+--------+-----------+
|   si |    INT | TRUE | <NULL> | <NULL> |    <NULL> |
|    r | DOUBLE | TRUE | <NULL> | <NULL> |    <NULL> |
+------+--------+------+--------+--------+-----------+
2 rows in set
!ok

SELECT * FROM tp_ctas;
!output
+----+-------+
| si |     r |
+----+-------+
|  3 | 1.005 |
+----+-------+
1 row in set
!ok

CREATE TABLE tp_sink (r DOUBLE, bs STRING);
!output
IGNORE
!ok

INSERT INTO tp_sink SELECT ROUND(d, 3), CAST(b AS STRING) FROM tp_src;
!output
IGNORE
!ok

EXECUTE STATEMENT SET BEGIN INSERT INTO tp_sink SELECT ROUND(d + 1, 3), CAST(NOT b AS STRING) FROM tp_src; END;
!output
IGNORE
!ok

SELECT * FROM tp_sink ORDER BY r;
!output
+-------+-------+
|     r |    bs |
+-------+-------+
| 1.001 |  TRUE |
| 1.005 | FALSE |
|   2.0 | FALSE |
| 2.005 |  TRUE |
+-------+-------+
4 rows in set
!ok

CREATE MATERIALIZED TABLE tp_mt FRESHNESS = INTERVAL '1' HOUR AS SELECT i, ROUND(d, 3) AS r, SUM(i) OVER (ORDER BY i) AS run FROM tp_src;
!output
IGNORE
!ok

DESCRIBE tp_mt;
!output
+------+--------+------+--------+--------+-----------+
| name |   type | null |    key | extras | watermark |
+------+--------+------+--------+--------+-----------+
|    i |    INT | TRUE | <NULL> | <NULL> |    <NULL> |
|    r | DOUBLE | TRUE | <NULL> | <NULL> |    <NULL> |
|  run |    INT | TRUE | <NULL> | <NULL> |    <NULL> |
+------+--------+------+--------+--------+-----------+
3 rows in set
!ok

SELECT * FROM tp_mt ORDER BY i;
!output
+---+-------+-----+
| i |     r | run |
+---+-------+-----+
| 1 | 1.001 |   1 |
| 2 | 1.005 |   3 |
+---+-------+-----+
2 rows in set
!ok

# Correlated subqueries: operands reading the outer query are typed with its tables
# (1.0005 + 1 = 2.0004999999999997 -> 2.0; 1.0045 + 2 = 3.0045 -> 3.005); an operand that even
# so cannot be typed (here the unqualified d is ambiguous beside the outer table) is refused.
SELECT i, (SELECT MAX(ROUND(u.d + t.i, 3)) FROM tp_src u WHERE u.i = t.i) AS r FROM tp_src t ORDER BY i;
!output
+---+-------+
| i |     r |
+---+-------+
| 1 |   2.0 |
| 2 | 3.005 |
+---+-------+
2 rows in set
!ok

SELECT i FROM tp_src t WHERE EXISTS (SELECT 1 FROM tp_src u WHERE CAST(u.b OR t.b AS STRING) = 'TRUE') ORDER BY i;
!output
+---+
| i |
+---+
| 1 |
| 2 |
+---+
2 rows in set
!ok

SELECT i FROM tp_src WHERE EXISTS (SELECT 1 FROM tp_src u WHERE ROUND(u.d + tp_src.i, 3) > 0 AND ROUND(d, 1) > 0);
!output
org.apache.flink.table.api.ValidationException: SQL validation failed. The type of ROUND(u.d + tp_src.i, 3) in a correlated subquery cannot be determined on the duckdb engine (its Flink semantics depend on it); move it out of the correlated subquery.
!error

# CURRENT_TIMESTAMP / NOW() are TIMESTAMP_LTZ(3), LOCALTIMESTAMP TIMESTAMP(3) (Flink 2.x); a cast
# of a TIMESTAMP_LTZ(p) to STRING prints p fraction digits.
SELECT CAST(TO_TIMESTAMP_LTZ(0, 3) AS STRING), CAST(TO_TIMESTAMP_LTZ(1500, 3) AS STRING), CAST(TO_TIMESTAMP_LTZ(0, 0) AS STRING), CAST(TO_TIMESTAMP_LTZ(0) AS STRING);
!output
+-------------------------+-------------------------+---------------------+-------------------------+
|                  EXPR$0 |                  EXPR$1 |              EXPR$2 |                  EXPR$3 |
+-------------------------+-------------------------+---------------------+-------------------------+
| 1970-01-01 00:00:00.000 | 1970-01-01 00:00:01.500 | 1970-01-01 00:00:00 | 1970-01-01 00:00:00.000 |
+-------------------------+-------------------------+---------------------+-------------------------+
1 row in set
!ok

SELECT CHAR_LENGTH(CAST(CURRENT_TIMESTAMP AS STRING)), CHAR_LENGTH(CAST(NOW() AS STRING)), CHAR_LENGTH(CAST(LOCALTIMESTAMP AS STRING)), CURRENT_TIMESTAMP = NOW();
!output
+--------+--------+--------+--------+
| EXPR$0 | EXPR$1 | EXPR$2 | EXPR$3 |
+--------+--------+--------+--------+
|     23 |     23 |     23 |   TRUE |
+--------+--------+--------+--------+
1 row in set
!ok

SELECT * FROM (SELECT CHAR_LENGTH(CAST(CURRENT_TIMESTAMP AS STRING)) AS n);
!output
+----+
|  n |
+----+
| 23 |
+----+
1 row in set
!ok

CREATE TABLE tp_now AS SELECT CURRENT_TIMESTAMP AS ct, NOW() AS nw, LOCALTIMESTAMP AS lt, TO_TIMESTAMP_LTZ(0, 0) AS l0;
!output
IGNORE
!ok

DESCRIBE tp_now;
!output
+------+------------------+------+--------+--------+-----------+
| name |             type | null |    key | extras | watermark |
+------+------------------+------+--------+--------+-----------+
|   ct | TIMESTAMP_LTZ(3) | TRUE | <NULL> | <NULL> |    <NULL> |
|   nw | TIMESTAMP_LTZ(3) | TRUE | <NULL> | <NULL> |    <NULL> |
|   lt |     TIMESTAMP(3) | TRUE | <NULL> | <NULL> |    <NULL> |
|   l0 | TIMESTAMP_LTZ(0) | TRUE | <NULL> | <NULL> |    <NULL> |
+------+------------------+------+--------+--------+-----------+
4 rows in set
!ok

CREATE TABLE tp_ctas2 AS SELECT * FROM (SELECT SUM(i) AS si, AVG(i) AS ai FROM tp_src);
!output
IGNORE
!ok

DESCRIBE tp_ctas2;
!output
+------+------+------+--------+--------+-----------+
| name | type | null |    key | extras | watermark |
+------+------+------+--------+--------+-----------+
|   si |  INT | TRUE | <NULL> | <NULL> |    <NULL> |
|   ai |  INT | TRUE | <NULL> | <NULL> |    <NULL> |
+------+------+------+--------+--------+-----------+
2 rows in set
!ok

SELECT * FROM tp_ctas2;
!output
+----+----+
| si | ai |
+----+----+
|  3 |  1 |
+----+----+
1 row in set
!ok

# An unbounded source streams micro-batches: each is translated with the same fixes.
CREATE TABLE tp_gen (x INT) WITH ('connector' = 'datagen', 'rows-per-second' = '50', 'fields.x.kind' = 'sequence', 'fields.x.start' = '1', 'fields.x.end' = '1000000');
!output
IGNORE
!ok

SELECT x, ROUND(x + 0.0045e0, 3) AS r FROM (SELECT x FROM tp_gen) LIMIT 3;
!output
+---+-------+
| x |     r |
+---+-------+
| 1 | 1.005 |
| 2 | 2.005 |
| 3 | 3.005 |
+---+-------+
3 rows in set
!ok
