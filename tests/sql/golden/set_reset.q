# SET / RESET with Flink's result shapes; the session configuration.
SET 'pipeline.name' = 'ref-job';
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SET 'table.sql-dialect' = 'unknown';
!output
java.lang.IllegalArgumentException: No enum constant org.apache.flink.table.api.SqlDialect.UNKNOWN
!error

SET 'table.local-time-zone' = 'Mars/Olympus';
!output
org.apache.flink.table.api.ValidationException: The supported Zone ID is either a full name such as 'America/Los_Angeles', or a custom timezone id such as 'GMT-08:00', but configured Zone ID is 'Mars/Olympus'.
!error

SET 'table.local-time-zone' = 'Asia/Shanghai';
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT TO_TIMESTAMP_LTZ(0, 3);
!output
+-------------------------+
|                  EXPR$0 |
+-------------------------+
| 1970-01-01 08:00:00.000 |
+-------------------------+
1 row in set
!ok

SELECT CAST(TIMESTAMP '1970-01-01 08:00:00' AS TIMESTAMP_LTZ(3));
!output
+-------------------------+
|                  EXPR$0 |
+-------------------------+
| 1970-01-01 08:00:00.000 |
+-------------------------+
1 row in set
!ok

RESET 'table.local-time-zone';
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT CAST(TIMESTAMP '1970-01-01 08:00:00' AS TIMESTAMP_LTZ(3));
!output
+-------------------------+
|                  EXPR$0 |
+-------------------------+
| 1970-01-01 08:00:00.000 |
+-------------------------+
1 row in set
!ok

RESET 'pipeline.name';
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SET 'a' = ;
!output
org.apache.flink.table.api.SqlParserEOFException: Encountered "<EOF>" at line 1, column 10.
Was expecting one of:
    <BINARY_STRING_LITERAL> ...
    <QUOTED_STRING> ...
    <PREFIXED_STRING_LITERAL> ...
    <UNICODE_STRING_LITERAL> ...
    <C_STYLE_ESCAPED_STRING_LITERAL> ...
    <BIG_QUERY_DOUBLE_QUOTED_STRING> ...
    <BIG_QUERY_QUOTED_STRING> ...
!error

RESET;
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok
