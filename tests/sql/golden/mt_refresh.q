# Materialized tables: partition refresh, periodic partitions, Flink's validation errors.
CREATE TABLE orders (id INT, amount INT, ds STRING);
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

INSERT INTO orders VALUES (1, 10, '2024-01-01'), (2, 20, '2024-01-02');
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

# FULL mode (freshness above the 30 min threshold): Flink's cron conversion is validated.
CREATE MATERIALIZED TABLE daily PARTITIONED BY (ds) WITH ('partition.fields.ds.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' HOUR AS SELECT ds, SUM(amount) AS total, COUNT(*) AS n FROM orders GROUP BY ds;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT * FROM daily ORDER BY ds;
!output
+------------+-------+---+
|         ds | total | n |
+------------+-------+---+
| 2024-01-01 |    10 | 1 |
| 2024-01-02 |    20 | 1 |
+------------+-------+---+
2 rows in set
!ok

SHOW MATERIALIZED TABLES;
!output
+------------+
| table name |
+------------+
|      daily |
+------------+
1 row in set
!ok

INSERT INTO orders VALUES (3, 100, '2024-01-01'), (4, 200, '2024-01-02');
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

# only the 2024-01-01 partition is recomputed
ALTER MATERIALIZED TABLE daily REFRESH PARTITION (ds = '2024-01-01');
!output
+----------------------------------+-------------------------+
|                           job id |            cluster info |
+----------------------------------+-------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | {execution.target=NULL} |
+----------------------------------+-------------------------+
1 row in set
!ok

SELECT * FROM daily ORDER BY ds;
!output
+------------+-------+---+
|         ds | total | n |
+------------+-------+---+
| 2024-01-01 |   110 | 2 |
| 2024-01-02 |    20 | 1 |
+------------+-------+---+
2 rows in set
!ok

ALTER MATERIALIZED TABLE daily REFRESH;
!output
+----------------------------------+-------------------------+
|                           job id |            cluster info |
+----------------------------------+-------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | {execution.target=NULL} |
+----------------------------------+-------------------------+
1 row in set
!ok

SELECT * FROM daily ORDER BY ds;
!output
+------------+-------+---+
|         ds | total | n |
+------------+-------+---+
| 2024-01-01 |   110 | 2 |
| 2024-01-02 |   220 | 2 |
+------------+-------+---+
2 rows in set
!ok

# a partition the query no longer produces is kept (dynamic-partition overwrite, as Flink's)
ALTER MATERIALIZED TABLE daily REFRESH PARTITION (ds = '2023-12-31');
!output
+----------------------------------+-------------------------+
|                           job id |            cluster info |
+----------------------------------+-------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | {execution.target=NULL} |
+----------------------------------+-------------------------+
1 row in set
!ok

SELECT COUNT(*) AS partitions FROM daily;
!output
+------------+
| partitions |
+------------+
|          2 |
+------------+
1 row in set
!ok

ALTER MATERIALIZED TABLE daily REFRESH PARTITION (region = 'eu');
!output
org.apache.flink.table.api.ValidationException: The partition spec contains unknown partition keys:
!error

ALTER MATERIALIZED TABLE daily REFRESH PARTITION (total = 5);
!output
org.apache.flink.table.api.ValidationException: Currently, refreshing materialized table only supports referring to char, varchar and string type partition keys. All specified partition keys in partition specs with unsupported types are:
!error

ALTER MATERIALIZED TABLE orders REFRESH;
!output
org.apache.flink.table.api.ValidationException: Table `default_catalog`.`default_database`.`orders` is not a materialized table, does not support materialized table related operation.
!error

ALTER MATERIALIZED TABLE missing REFRESH;
!output
org.apache.flink.table.api.TableException: Cannot find table '`default_catalog`.`default_database`.`missing`' in any of the catalogs [default_catalog], nor as a temporary table.
!error

ALTER MATERIALIZED TABLE daily RESUME;
!output
org.apache.flink.table.gateway.service.utils.SqlExecutionException: Materialized table `default_catalog`.`default_database`.`daily` refresh workflow has been resumed.
!error

ALTER MATERIALIZED TABLE daily SUSPEND;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

ALTER MATERIALIZED TABLE daily SUSPEND;
!output
org.apache.flink.table.gateway.service.utils.SqlExecutionException: Materialized table `default_catalog`.`default_database`.`daily` refresh workflow has been suspended.
!error

ALTER MATERIALIZED TABLE daily RESUME;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

# CREATE validation
CREATE MATERIALIZED TABLE bad1 PARTITIONED BY (day) FRESHNESS = INTERVAL '1' HOUR AS SELECT id, ds FROM orders;
!output
org.apache.flink.table.api.ValidationException: Partition column 'day' not defined in the query schema. Available columns: ['id', 'ds'].
!error

CREATE MATERIALIZED TABLE bad2 PARTITIONED BY (ds) WITH ('partition.fields.id.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' HOUR AS SELECT id, ds FROM orders;
!output
org.apache.flink.table.api.ValidationException: Column 'id' referenced by materialized table option 'partition.fields.id.date-formatter' isn't a partition column. Available partition columns: ['ds'].
!error

CREATE MATERIALIZED TABLE bad3 PARTITIONED BY (id) WITH ('partition.fields.id.date-formatter' = 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' HOUR AS SELECT id, ds FROM orders;
!output
org.apache.flink.table.api.ValidationException: Materialized table option 'partition.fields.id.date-formatter' only supports referring to char, varchar and string type partition column. Column id type is INT.
!error

CREATE MATERIALIZED TABLE bad4 FRESHNESS = INTERVAL '90' SECOND REFRESH_MODE = FULL AS SELECT id FROM orders;
!output
org.apache.flink.table.api.ValidationException: In full refresh mode, freshness must be less than 60 when the time unit is SECOND.
!error

CREATE MATERIALIZED TABLE bad5 FRESHNESS = INTERVAL '7' MINUTE REFRESH_MODE = FULL AS SELECT id FROM orders;
!output
org.apache.flink.table.api.ValidationException: In full refresh mode, only freshness that are factors of 60 are currently supported when the time unit is MINUTE.
!error

CREATE MATERIALIZED TABLE bad6 FRESHNESS = INTERVAL '2' DAY AS SELECT id FROM orders;
!output
org.apache.flink.table.api.ValidationException: In full refresh mode, freshness must be 1 when the time unit is DAY.
!error

# a table without PARTITIONED BY: the filtered rows replace the table (Flink's INSERT OVERWRITE ... WHERE)
CREATE MATERIALIZED TABLE flat FRESHNESS = INTERVAL '1' DAY AS SELECT id, ds FROM orders;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

ALTER MATERIALIZED TABLE flat REFRESH PARTITION (ds = '2024-01-02');
!output
+----------------------------------+-------------------------+
|                           job id |            cluster info |
+----------------------------------+-------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | {execution.target=NULL} |
+----------------------------------+-------------------------+
1 row in set
!ok

SELECT * FROM flat ORDER BY id;
!output
+----+------------+
| id |         ds |
+----+------------+
|  2 | 2024-01-02 |
|  4 | 2024-01-02 |
+----+------------+
2 rows in set
!ok

DROP MATERIALIZED TABLE flat;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

DROP MATERIALIZED TABLE daily;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

DROP MATERIALIZED TABLE missing;
!output
org.apache.flink.table.api.ValidationException: Materialized table with identifier `default_catalog`.`default_database`.`missing` does not exist.
!error

DROP MATERIALIZED TABLE IF EXISTS daily;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SHOW MATERIALIZED TABLES;
!output
Empty set
!ok

# the definition query resolves where the table was created, whatever the session's position
CREATE DATABASE db2;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

USE db2;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

CREATE TABLE src2 (a INT);
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

INSERT INTO src2 VALUES (1);
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

CREATE MATERIALIZED TABLE mt2 FRESHNESS = INTERVAL '1' DAY AS SELECT SUM(a) AS total FROM src2;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

USE default_database;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

INSERT INTO db2.src2 VALUES (41);
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

ALTER MATERIALIZED TABLE db2.mt2 REFRESH;
!output
+----------------------------------+-------------------------+
|                           job id |            cluster info |
+----------------------------------+-------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | {execution.target=NULL} |
+----------------------------------+-------------------------+
1 row in set
!ok

SELECT * FROM db2.mt2;
!output
+-------+
| total |
+-------+
|    42 |
+-------+
1 row in set
!ok

DROP MATERIALIZED TABLE db2.mt2;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

CREATE MATERIALIZED TABLE db2.mt3 FRESHNESS = INTERVAL '1' DAY AS SELECT COUNT(*) AS n FROM orders;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

USE db2;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

INSERT INTO default_database.orders VALUES (5, 1, '2024-01-03');
!output
+----------------------------------+
|                           job id |
+----------------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx |
+----------------------------------+
1 row in set
!ok

ALTER MATERIALIZED TABLE mt3 REFRESH;
!output
+----------------------------------+-------------------------+
|                           job id |            cluster info |
+----------------------------------+-------------------------+
| xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | {execution.target=NULL} |
+----------------------------------+-------------------------+
1 row in set
!ok

SELECT * FROM mt3;
!output
+---+
| n |
+---+
| 5 |
+---+
1 row in set
!ok

DROP MATERIALIZED TABLE mt3;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

# without FRESHNESS: 3 minutes (CONTINUOUS), 1 hour with REFRESH_MODE = FULL (Flink 2.2+)
CREATE MATERIALIZED TABLE nofresh REFRESH_MODE = FULL AS SELECT id FROM default_database.orders;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

DROP MATERIALIZED TABLE nofresh;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok
