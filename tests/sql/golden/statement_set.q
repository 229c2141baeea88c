# Statement sets and jobs.
CREATE TABLE src (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '3');
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

CREATE TABLE t1 (a INT);
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

CREATE TABLE t2 (a INT);
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

END;
!output
org.apache.flink.table.gateway.service.utils.SqlExecutionException: No Statement Set to submit. 'END' statement should be used after 'BEGIN STATEMENT SET'.
!error

BEGIN STATEMENT SET;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

INSERT INTO t1 SELECT a FROM src;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT 1;
!output
org.apache.flink.table.gateway.service.utils.SqlExecutionException: Only 'INSERT/CREATE TABLE AS' statement is allowed in Statement Set or use 'END' statement to submit Statement Set.
!error

INSERT INTO t2 SELECT a * 10 FROM src;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

END;
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

SELECT (SELECT SUM(a) FROM t1), (SELECT SUM(a) FROM t2);
!output
+--------+--------+
| EXPR$0 | EXPR$1 |
+--------+--------+
|      6 |     60 |
+--------+--------+
1 row in set
!ok

EXECUTE STATEMENT SET BEGIN INSERT INTO t1 VALUES (100); INSERT INTO t2 VALUES (1000); END;
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

SELECT (SELECT SUM(a) FROM t1), (SELECT SUM(a) FROM t2);
!output
+--------+--------+
| EXPR$0 | EXPR$1 |
+--------+--------+
|    106 |   1060 |
+--------+--------+
1 row in set
!ok

EXECUTE STATEMENT SET BEGIN INSERT INTO t1 VALUES (5); INSERT INTO nosuch VALUES (1); END;
!output
org.apache.flink.table.api.ValidationException: Tables or views with the identifier 'default_catalog.default_database.nosuch' doesn't exist.
!error

SELECT (SELECT SUM(a) FROM t1), (SELECT SUM(a) FROM t2);
!output
+--------+--------+
| EXPR$0 | EXPR$1 |
+--------+--------+
|    106 |   1060 |
+--------+--------+
1 row in set
!ok

STOP JOB '00000000000000000000000000000000';
!output
org.apache.flink.table.gateway.service.utils.SqlExecutionException: Could not stop job xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx: it is not running.
!error

SHOW MODULES;
!output
+-------------+
| module name |
+-------------+
|        core |
+-------------+
1 row in set
!ok

SHOW FULL MODULES;
!output
+-------------+------+
| module name | used |
+-------------+------+
|        core | TRUE |
+-------------+------+
1 row in set
!ok

LOAD MODULE core;
!output
org.apache.flink.table.api.ValidationException: A module with name 'core' already exists
!error

LOAD MODULE hive;
!output
org.apache.flink.table.api.ValidationException: Could not find any factory for identifier 'hive' that implements 'org.apache.flink.table.factories.ModuleFactory' in the classpath.
!error

ADD JAR '/tmp/x.jar';
!output
org.apache.flink.table.api.ValidationException: ADD JAR (there is no JVM to load jars into) is not supported on the duckdb engine.
!error

REMOVE JAR '/tmp/x.jar';
!output
org.apache.flink.table.gateway.service.utils.SqlExecutionException: SQL Gateway doesn't support REMOVE JAR syntax now.
!error

SHOW JARS;
!output
Empty set
!ok

CREATE FUNCTION f AS 'com.example.F';
!output
org.apache.flink.table.api.ValidationException: CREATE FUNCTION (user-defined functions need a JVM) is not supported on the duckdb engine.
!error
