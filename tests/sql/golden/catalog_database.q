# Catalogs and databases (Flink's catalog model on DuckDB: catalogs = attached databases).
SHOW CATALOGS;
!output
+-----------------+
|    catalog name |
+-----------------+
| default_catalog |
+-----------------+
1 row in set
!ok

SHOW CURRENT CATALOG;
!output
+----------------------+
| current catalog name |
+----------------------+
|      default_catalog |
+----------------------+
1 row in set
!ok

SHOW DATABASES;
!output
+------------------+
|    database name |
+------------------+
| default_database |
+------------------+
1 row in set
!ok

SHOW CURRENT DATABASE;
!output
+-----------------------+
| current database name |
+-----------------------+
|      default_database |
+-----------------------+
1 row in set
!ok

CREATE CATALOG c1 WITH ('type' = 'generic_in_memory');
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

CREATE CATALOG c1 WITH ('type' = 'generic_in_memory');
!output
org.apache.flink.table.catalog.exceptions.CatalogException: Catalog c1 already exists.
!error

CREATE CATALOG c2 WITH ('type' = 'hive');
!output
org.apache.flink.table.api.ValidationException: Could not find any factory for identifier 'hive' that implements 'org.apache.flink.table.factories.CatalogFactory' in the classpath.
!error

SHOW CATALOGS LIKE 'c%';
!output
+--------------+
| catalog name |
+--------------+
|           c1 |
+--------------+
1 row in set
!ok

USE CATALOG c1;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

CREATE DATABASE db1;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

CREATE DATABASE IF NOT EXISTS db1;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SHOW DATABASES;
!output
+------------------+
|    database name |
+------------------+
|              db1 |
| default_database |
+------------------+
2 rows in set
!ok

USE db1;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SHOW CURRENT DATABASE;
!output
+-----------------------+
| current database name |
+-----------------------+
|                   db1 |
+-----------------------+
1 row in set
!ok

DROP DATABASE db1;
!output
org.apache.flink.table.api.ValidationException: Cannot drop a database which is currently in use.
!error

USE nosuch;
!output
org.apache.flink.table.catalog.exceptions.CatalogException: A database with name [nosuch] does not exist in the catalog: [c1].
!error

USE CATALOG nosuch;
!output
org.apache.flink.table.catalog.exceptions.CatalogException: A catalog with name [nosuch] does not exist.
!error

DROP CATALOG c1;
!output
org.apache.flink.table.api.ValidationException: Cannot drop a catalog which is currently in use.
!error

USE default_catalog.default_database;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

DROP DATABASE c1.db1;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

DROP CATALOG c1;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

DROP CATALOG IF EXISTS c1;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SHOW CATALOGS;
!output
+-----------------+
|    catalog name |
+-----------------+
| default_catalog |
+-----------------+
1 row in set
!ok
