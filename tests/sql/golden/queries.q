# Queries: Flink result names/types and the translated built-in functions.
SELECT 1;
!output
+--------+
| EXPR$0 |
+--------+
|      1 |
+--------+
1 row in set
!ok

SELECT 'abc', 1.5, TRUE, NULL;
!output
+--------+--------+--------+--------+
| EXPR$0 | EXPR$1 | EXPR$2 | EXPR$3 |
+--------+--------+--------+--------+
|    abc |    1.5 |   TRUE | <NULL> |
+--------+--------+--------+--------+
1 row in set
!ok

VALUES (1, 'a'), (2, 'b');
!output
+--------+--------+
| EXPR$0 | EXPR$1 |
+--------+--------+
|      1 |      a |
|      2 |      b |
+--------+--------+
2 rows in set
!ok

SELECT ROW(1, 'r'), MAP['k', 1], ARRAY[1, 2, 3], ARRAY[1, 2, 3][2];
!output
+--------+--------+-----------+--------+
| EXPR$0 | EXPR$1 |    EXPR$2 | EXPR$3 |
+--------+--------+-----------+--------+
| (1, r) |  {k=1} | [1, 2, 3] |      2 |
+--------+--------+-----------+--------+
1 row in set
!ok

# INT / INT is an INT; DECIMAL(2, 1) / INT is DECIMAL(13, 12) (Flink: scale max(6, s1 + p2 + 1)).
SELECT 7 / 2, 7 % 3, -7 / 2, 7.0 / 2;
!output
+--------+--------+--------+----------------+
| EXPR$0 | EXPR$1 | EXPR$2 |         EXPR$3 |
+--------+--------+--------+----------------+
|      3 |      1 |     -3 | 3.500000000000 |
+--------+--------+--------+----------------+
1 row in set
!ok

SELECT CAST('42' AS INT), TRY_CAST('x' AS INT), CAST(-1.00 AS DECIMAL(10, 2));
!output
+--------+--------+--------+
| EXPR$0 | EXPR$1 | EXPR$2 |
+--------+--------+--------+
|     42 | <NULL> |  -1.00 |
+--------+--------+--------+
1 row in set
!ok

SELECT CAST('x' AS INT);
!output
org.apache.flink.table.api.TableRuntimeException: Could not convert string 'x' to INT32 at line 1, column 8.
!error

SELECT 1 / 0;
!output
java.lang.ArithmeticException: Division by zero in expression (1 / 0).
!error

SELECT `id`, id * 2 AS twice FROM (VALUES (1), (2)) AS t(id);
!output
+----+-------+
| id | twice |
+----+-------+
|  1 |     2 |
|  2 |     4 |
+----+-------+
2 rows in set
!ok

SELECT CHAR_LENGTH('hello'), UPPER('a'), LOWER('B'), SUBSTRING('hello' FROM 2 FOR 3), POSITION('l' IN 'hello'), TRIM('  x  '), 'a' || 'b', CONCAT('a', 'b'), CONCAT('a', CAST(NULL AS STRING));
!output
+--------+--------+--------+--------+--------+--------+--------+--------+--------+
| EXPR$0 | EXPR$1 | EXPR$2 | EXPR$3 | EXPR$4 | EXPR$5 | EXPR$6 | EXPR$7 | EXPR$8 |
+--------+--------+--------+--------+--------+--------+--------+--------+--------+
|      5 |      A |      b |    ell |      3 |      x |     ab |     ab | <NULL> |
+--------+--------+--------+--------+--------+--------+--------+--------+--------+
1 row in set
!ok

SELECT IF(1 > 2, 'yes', 'no'), COALESCE(NULL, 3), NULLIF(1, 1), GREATEST(1, 5, 3), GREATEST(1, NULL), LEAST(4, 2);
!output
+--------+--------+--------+--------+--------+--------+
| EXPR$0 | EXPR$1 | EXPR$2 | EXPR$3 | EXPR$4 | EXPR$5 |
+--------+--------+--------+--------+--------+--------+
|     no |      3 | <NULL> |      5 | <NULL> |      2 |
+--------+--------+--------+--------+--------+--------+
1 row in set
!ok

SELECT DATE_FORMAT(TIMESTAMP '2020-01-02 03:04:05', 'yyyy-MM-dd HH:mm:ss'), TO_DATE('2020-03-04'), TO_TIMESTAMP('2020-01-01 12:30:00');
!output
+---------------------+------------+-------------------------+
|              EXPR$0 |     EXPR$1 |                  EXPR$2 |
+---------------------+------------+-------------------------+
| 2020-01-02 03:04:05 | 2020-03-04 | 2020-01-01 12:30:00.000 |
+---------------------+------------+-------------------------+
1 row in set
!ok

# A TIMESTAMP literal without fraction is TIMESTAMP(0); TIMESTAMPADD keeps the precision.
SELECT TIMESTAMPDIFF(DAY, TIMESTAMP '2020-01-01 23:00:00', TIMESTAMP '2020-01-02 01:00:00'), TIMESTAMPADD(HOUR, 2, TIMESTAMP '2020-01-01 00:00:00');
!output
+--------+---------------------+
| EXPR$0 |              EXPR$1 |
+--------+---------------------+
|      0 | 2020-01-01 02:00:00 |
+--------+---------------------+
1 row in set
!ok

SELECT EXTRACT(YEAR FROM DATE '2021-06-15'), YEAR(DATE '2021-06-15'), MONTH(DATE '2021-06-15'), DAYOFWEEK(DATE '2021-06-13');
!output
+--------+--------+--------+--------+
| EXPR$0 | EXPR$1 | EXPR$2 | EXPR$3 |
+--------+--------+--------+--------+
|   2021 |   2021 |      6 |      1 |
+--------+--------+--------+--------+
1 row in set
!ok

SELECT FROM_UNIXTIME(0), UNIX_TIMESTAMP('1970-01-01 00:01:00');
!output
+---------------------+--------+
|              EXPR$0 | EXPR$1 |
+---------------------+--------+
| 1970-01-01 00:00:00 |     60 |
+---------------------+--------+
1 row in set
!ok

SELECT SPLIT_INDEX('a,b,c', ',', 1), REGEXP_REPLACE('aXbXc', 'X', '-'), REGEXP_EXTRACT('abc123', '([0-9]+)', 1), JSON_VALUE('{"a": {"b": 7}}', '$.a.b');
!output
+--------+--------+--------+--------+
| EXPR$0 | EXPR$1 | EXPR$2 | EXPR$3 |
+--------+--------+--------+--------+
|      b |  a-b-c |    123 |      7 |
+--------+--------+--------+--------+
1 row in set
!ok

SELECT AVG(x), SUM(x), COUNT(*), MIN(x), MAX(x) FROM (VALUES (1), (2), (4)) AS t(x);
!output
+--------+--------+--------+--------+--------+
| EXPR$0 | EXPR$1 | EXPR$2 | EXPR$3 | EXPR$4 |
+--------+--------+--------+--------+--------+
|      2 |      7 |      3 |      1 |      4 |
+--------+--------+--------+--------+--------+
1 row in set
!ok

SELECT LN(1), LOG10(100), POWER(2, 10), ABS(-3), ROUND(2.567, 2), FLOOR(2.5), CEIL(2.1), MOD(10, 4);
!output
+--------+--------+--------+--------+--------+--------+--------+--------+
| EXPR$0 | EXPR$1 | EXPR$2 | EXPR$3 | EXPR$4 | EXPR$5 | EXPR$6 | EXPR$7 |
+--------+--------+--------+--------+--------+--------+--------+--------+
|    0.0 |    2.0 | 1024.0 |      3 |   2.57 |      2 |      3 |      2 |
+--------+--------+--------+--------+--------+--------+--------+--------+
1 row in set
!ok

SELECT NO_SUCH_FUNCTION(1);
!output
org.apache.flink.table.api.ValidationException: SQL validation failed. No match found for function signature NO_SUCH_FUNCTION(...): not supported on the duckdb engine.
!error

SELECT COUNT(*) FROM t GROUP BY SESSION(ts, INTERVAL '1' MINUTE);
!output
org.apache.flink.table.api.ValidationException: SQL validation failed. group window function SESSION is not supported on the duckdb engine.
!error

SELEC 1;
!output
org.apache.flink.table.api.SqlParserException: SQL parse failed. syntax error at or near "SELEC" at line 1, column 1.
!error

SELECT * FROM;
!output
org.apache.flink.table.api.SqlParserException: SQL parse failed. syntax error at or near "FROM" at line 1, column 10.
!error

SELECT * FROM no_such_table;
!output
org.apache.flink.table.api.ValidationException: SQL validation failed. Object 'no_such_table' not found
!error

SELECT nocol FROM (VALUES (1)) AS t(a);
!output
org.apache.flink.table.api.ValidationException: SQL validation failed. Column 'nocol' not found in any table
!error

/* {"app": "dbt", "node_id": "model.x"} */ SELECT 1 AS one;
!output
+-----+
| one |
+-----+
|   1 |
+-----+
1 row in set
!ok
