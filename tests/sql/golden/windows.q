# Window TVFs (TUMBLE / HOP / CUMULATE / SESSION) and OVER windows on bounded data. Tables and
# expected results are those of Flink's documentation (docs/.../queries/window-tvf.md and
# over-agg.md); ORDER BY added because a golden file compares rows in order.
CREATE TEMPORARY VIEW Bid AS SELECT CAST(bidtime AS TIMESTAMP(3)) AS bidtime, CAST(price AS DECIMAL(10, 2)) AS price, item FROM (VALUES ('2020-04-15 08:05:00', 4.00, 'C'), ('2020-04-15 08:07:00', 2.00, 'A'), ('2020-04-15 08:09:00', 5.00, 'D'), ('2020-04-15 08:11:00', 3.00, 'B'), ('2020-04-15 08:13:00', 1.00, 'E'), ('2020-04-15 08:17:00', 6.00, 'F')) AS t(bidtime, price, item);
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT * FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES)) ORDER BY bidtime;
!output
+-------------------------+-------+------+-------------------------+-------------------------+-------------------------+
|                 bidtime | price | item |            window_start |              window_end |             window_time |
+-------------------------+-------+------+-------------------------+-------------------------+-------------------------+
| 2020-04-15 08:05:00.000 |  4.00 |    C | 2020-04-15 08:00:00.000 | 2020-04-15 08:10:00.000 | 2020-04-15 08:09:59.999 |
| 2020-04-15 08:07:00.000 |  2.00 |    A | 2020-04-15 08:00:00.000 | 2020-04-15 08:10:00.000 | 2020-04-15 08:09:59.999 |
| 2020-04-15 08:09:00.000 |  5.00 |    D | 2020-04-15 08:00:00.000 | 2020-04-15 08:10:00.000 | 2020-04-15 08:09:59.999 |
| 2020-04-15 08:11:00.000 |  3.00 |    B | 2020-04-15 08:10:00.000 | 2020-04-15 08:20:00.000 | 2020-04-15 08:19:59.999 |
| 2020-04-15 08:13:00.000 |  1.00 |    E | 2020-04-15 08:10:00.000 | 2020-04-15 08:20:00.000 | 2020-04-15 08:19:59.999 |
| 2020-04-15 08:17:00.000 |  6.00 |    F | 2020-04-15 08:10:00.000 | 2020-04-15 08:20:00.000 | 2020-04-15 08:19:59.999 |
+-------------------------+-------+------+-------------------------+-------------------------+-------------------------+
6 rows in set
!ok

SELECT window_start, window_end, SUM(price) AS total_price FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES)) GROUP BY window_start, window_end ORDER BY window_start;
!output
+-------------------------+-------------------------+-------------+
|            window_start |              window_end | total_price |
+-------------------------+-------------------------+-------------+
| 2020-04-15 08:00:00.000 | 2020-04-15 08:10:00.000 |       11.00 |
| 2020-04-15 08:10:00.000 | 2020-04-15 08:20:00.000 |       10.00 |
+-------------------------+-------------------------+-------------+
2 rows in set
!ok

SELECT window_start, window_end, SUM(price) AS total_price FROM TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES, INTERVAL '1' MINUTES) GROUP BY window_start, window_end ORDER BY window_start;
!output
+-------------------------+-------------------------+-------------+
|            window_start |              window_end | total_price |
+-------------------------+-------------------------+-------------+
| 2020-04-15 08:01:00.000 | 2020-04-15 08:11:00.000 |       11.00 |
| 2020-04-15 08:11:00.000 | 2020-04-15 08:21:00.000 |       10.00 |
+-------------------------+-------------------------+-------------+
2 rows in set
!ok

SELECT window_start, window_end, SUM(price) AS total_price FROM HOP(DATA => TABLE Bid, TIMECOL => DESCRIPTOR(bidtime), SLIDE => INTERVAL '5' MINUTES, SIZE => INTERVAL '10' MINUTES) GROUP BY window_start, window_end ORDER BY window_start;
!output
+-------------------------+-------------------------+-------------+
|            window_start |              window_end | total_price |
+-------------------------+-------------------------+-------------+
| 2020-04-15 08:00:00.000 | 2020-04-15 08:10:00.000 |       11.00 |
| 2020-04-15 08:05:00.000 | 2020-04-15 08:15:00.000 |       15.00 |
| 2020-04-15 08:10:00.000 | 2020-04-15 08:20:00.000 |       10.00 |
| 2020-04-15 08:15:00.000 | 2020-04-15 08:25:00.000 |        6.00 |
+-------------------------+-------------------------+-------------+
4 rows in set
!ok

SELECT window_start, window_end, SUM(price) AS total_price FROM TABLE(CUMULATE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '2' MINUTES, INTERVAL '10' MINUTES)) GROUP BY window_start, window_end ORDER BY window_start, window_end;
!output
+-------------------------+-------------------------+-------------+
|            window_start |              window_end | total_price |
+-------------------------+-------------------------+-------------+
| 2020-04-15 08:00:00.000 | 2020-04-15 08:06:00.000 |        4.00 |
| 2020-04-15 08:00:00.000 | 2020-04-15 08:08:00.000 |        6.00 |
| 2020-04-15 08:00:00.000 | 2020-04-15 08:10:00.000 |       11.00 |
| 2020-04-15 08:10:00.000 | 2020-04-15 08:12:00.000 |        3.00 |
| 2020-04-15 08:10:00.000 | 2020-04-15 08:14:00.000 |        4.00 |
| 2020-04-15 08:10:00.000 | 2020-04-15 08:16:00.000 |        4.00 |
| 2020-04-15 08:10:00.000 | 2020-04-15 08:18:00.000 |       10.00 |
| 2020-04-15 08:10:00.000 | 2020-04-15 08:20:00.000 |       10.00 |
+-------------------------+-------------------------+-------------+
8 rows in set
!ok

CREATE TEMPORARY VIEW SBid AS SELECT CAST(bidtime AS TIMESTAMP(3)) AS bidtime, CAST(price AS DECIMAL(10, 2)) AS price, item FROM (VALUES ('2020-04-15 08:07:00', 4.00, 'A'), ('2020-04-15 08:06:00', 2.00, 'A'), ('2020-04-15 08:09:00', 5.00, 'B'), ('2020-04-15 08:08:00', 3.00, 'A'), ('2020-04-15 08:17:00', 1.00, 'B')) AS t(bidtime, price, item);
!output
+--------+
| result |
+--------+
|     OK |
+--------+
1 row in set
!ok

SELECT * FROM SESSION(TABLE SBid PARTITION BY item, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES) ORDER BY item, bidtime;
!output
+-------------------------+-------+------+-------------------------+-------------------------+-------------------------+
|                 bidtime | price | item |            window_start |              window_end |             window_time |
+-------------------------+-------+------+-------------------------+-------------------------+-------------------------+
| 2020-04-15 08:06:00.000 |  2.00 |    A | 2020-04-15 08:06:00.000 | 2020-04-15 08:13:00.000 | 2020-04-15 08:12:59.999 |
| 2020-04-15 08:07:00.000 |  4.00 |    A | 2020-04-15 08:06:00.000 | 2020-04-15 08:13:00.000 | 2020-04-15 08:12:59.999 |
| 2020-04-15 08:08:00.000 |  3.00 |    A | 2020-04-15 08:06:00.000 | 2020-04-15 08:13:00.000 | 2020-04-15 08:12:59.999 |
| 2020-04-15 08:09:00.000 |  5.00 |    B | 2020-04-15 08:09:00.000 | 2020-04-15 08:14:00.000 | 2020-04-15 08:13:59.999 |
| 2020-04-15 08:17:00.000 |  1.00 |    B | 2020-04-15 08:17:00.000 | 2020-04-15 08:22:00.000 | 2020-04-15 08:21:59.999 |
+-------------------------+-------+------+-------------------------+-------------------------+-------------------------+
5 rows in set
!ok

SELECT window_start, window_end, item, SUM(price) AS total_price FROM SESSION(TABLE SBid PARTITION BY item, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES) GROUP BY item, window_start, window_end ORDER BY item, window_start;
!output
+-------------------------+-------------------------+------+-------------+
|            window_start |              window_end | item | total_price |
+-------------------------+-------------------------+------+-------------+
| 2020-04-15 08:06:00.000 | 2020-04-15 08:13:00.000 |    A |        9.00 |
| 2020-04-15 08:09:00.000 | 2020-04-15 08:14:00.000 |    B |        5.00 |
| 2020-04-15 08:17:00.000 | 2020-04-15 08:22:00.000 |    B |        1.00 |
+-------------------------+-------------------------+------+-------------+
3 rows in set
!ok

SELECT * FROM SESSION(DATA => TABLE SBid, TIMECOL => DESCRIPTOR(bidtime), GAP => INTERVAL '5' MINUTES) ORDER BY bidtime;
!output
+-------------------------+-------+------+-------------------------+-------------------------+-------------------------+
|                 bidtime | price | item |            window_start |              window_end |             window_time |
+-------------------------+-------+------+-------------------------+-------------------------+-------------------------+
| 2020-04-15 08:06:00.000 |  2.00 |    A | 2020-04-15 08:06:00.000 | 2020-04-15 08:14:00.000 | 2020-04-15 08:13:59.999 |
| 2020-04-15 08:07:00.000 |  4.00 |    A | 2020-04-15 08:06:00.000 | 2020-04-15 08:14:00.000 | 2020-04-15 08:13:59.999 |
| 2020-04-15 08:08:00.000 |  3.00 |    A | 2020-04-15 08:06:00.000 | 2020-04-15 08:14:00.000 | 2020-04-15 08:13:59.999 |
| 2020-04-15 08:09:00.000 |  5.00 |    B | 2020-04-15 08:06:00.000 | 2020-04-15 08:14:00.000 | 2020-04-15 08:13:59.999 |
| 2020-04-15 08:17:00.000 |  1.00 |    B | 2020-04-15 08:17:00.000 | 2020-04-15 08:22:00.000 | 2020-04-15 08:21:59.999 |
+-------------------------+-------+------+-------------------------+-------------------------+-------------------------+
5 rows in set
!ok

SELECT window_start, window_end, SUM(price) AS total_price FROM TABLE(SESSION(TABLE SBid, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES)) GROUP BY window_start, window_end ORDER BY window_start;
!output
+-------------------------+-------------------------+-------------+
|            window_start |              window_end | total_price |
+-------------------------+-------------------------+-------------+
| 2020-04-15 08:06:00.000 | 2020-04-15 08:14:00.000 |       14.00 |
| 2020-04-15 08:17:00.000 | 2020-04-15 08:22:00.000 |        1.00 |
+-------------------------+-------------------------+-------------+
2 rows in set
!ok

# A row exactly one gap after the previous one joins its session (TimeWindow.intersects is inclusive).
SELECT window_start, window_end, COUNT(*) AS n FROM TABLE(SESSION(TABLE SBid, DESCRIPTOR(bidtime), INTERVAL '8' MINUTES)) GROUP BY window_start, window_end;
!output
+-------------------------+-------------------------+---+
|            window_start |              window_end | n |
+-------------------------+-------------------------+---+
| 2020-04-15 08:06:00.000 | 2020-04-15 08:25:00.000 | 5 |
+-------------------------+-------------------------+---+
1 row in set
!ok

SELECT window_start, COUNT(*) AS n FROM TABLE(SESSION(TABLE SBid, DESCRIPTOR(bidtime), INTERVAL '10' DAYS TO HOURS)) GROUP BY window_start;
!output
org.apache.flink.table.api.ValidationException: SQL validation failed. Window sizes must be literal intervals on the duckdb engine: INTERVAL '10' DAYS TO HOURS
!error

SELECT * FROM TABLE(TUMBLE(TABLE SBid PARTITION BY item, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES));
!output
org.apache.flink.table.api.ValidationException: SQL validation failed. TUMBLE window TVF does not accept PARTITION BY.
!error

SELECT TUMBLE_START(bidtime, INTERVAL '5' MINUTE), COUNT(*) FROM Bid GROUP BY TUMBLE(bidtime, INTERVAL '5' MINUTE);
!output
org.apache.flink.table.api.ValidationException: SQL validation failed. group window function TUMBLE is not supported on the duckdb engine.
!error

SELECT item, price, SUM(price) OVER (ORDER BY bidtime ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS last3 FROM Bid ORDER BY bidtime;
!output
+------+-------+-------+
| item | price | last3 |
+------+-------+-------+
|    C |  4.00 |  4.00 |
|    A |  2.00 |  6.00 |
|    D |  5.00 | 11.00 |
|    B |  3.00 | 10.00 |
|    E |  1.00 |  9.00 |
|    F |  6.00 | 10.00 |
+------+-------+-------+
6 rows in set
!ok

SELECT item, price, COUNT(*) OVER w AS n, MAX(price) OVER w AS mx FROM Bid WINDOW w AS (ORDER BY bidtime RANGE BETWEEN INTERVAL '4' MINUTE PRECEDING AND CURRENT ROW) ORDER BY bidtime;
!output
+------+-------+---+------+
| item | price | n |   mx |
+------+-------+---+------+
|    C |  4.00 | 1 | 4.00 |
|    A |  2.00 | 2 | 4.00 |
|    D |  5.00 | 3 | 5.00 |
|    B |  3.00 | 3 | 5.00 |
|    E |  1.00 | 3 | 5.00 |
|    F |  6.00 | 2 | 6.00 |
+------+-------+---+------+
6 rows in set
!ok

SELECT item, bidtime, SUM(price) OVER (PARTITION BY item ORDER BY bidtime RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS s, ROW_NUMBER() OVER (PARTITION BY item ORDER BY bidtime) AS rn FROM SBid ORDER BY item, bidtime;
!output
+------+-------------------------+------+----+
| item |                 bidtime |    s | rn |
+------+-------------------------+------+----+
|    A | 2020-04-15 08:06:00.000 | 2.00 |  1 |
|    A | 2020-04-15 08:07:00.000 | 6.00 |  2 |
|    A | 2020-04-15 08:08:00.000 | 9.00 |  3 |
|    B | 2020-04-15 08:09:00.000 | 5.00 |  1 |
|    B | 2020-04-15 08:17:00.000 | 6.00 |  2 |
+------+-------------------------+------+----+
5 rows in set
!ok

# AVG of an INT is an INT in Flink (SUM / COUNT, truncated), also over a window.
SELECT item, AVG(CAST(price AS INT)) OVER (ORDER BY bidtime ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS a FROM Bid ORDER BY bidtime;
!output
+------+---+
| item | a |
+------+---+
|    C | 4 |
|    A | 3 |
|    D | 3 |
|    B | 4 |
|    E | 2 |
|    F | 3 |
+------+---+
6 rows in set
!ok
