"""Unbounded datagen sources: paced micro-batches, LIMIT, STOP JOB, changelog results of group
aggregations, and what Flink's streaming planner refuses."""

from __future__ import annotations

import time
from typing import Any

import orjson
import pytest

from sqlgateway.engine.base import StatementResult
from sqlgateway.engine.duckdb.engine import DuckDBSession
from sqlgateway.errors import ExecutionError
from sqlgateway.model import RowFormat

from .conftest import drain, rows, run

STREAM = (
    "CREATE TABLE s (id BIGINT, v STRING, ts AS LOCALTIMESTAMP) WITH ("
    "'connector' = 'datagen', 'rows-per-second' = '50', 'fields.v.length' = '3')"
)


def test_stream_rows_arrive_at_the_configured_rate(session: DuckDBSession) -> None:
    drain(run(session, STREAM))
    res = run(session, "SELECT id, v, ts FROM s")
    assert res.is_query and [c.name for c in res.columns] == ["id", "v", "ts"]
    assert res.columns[2].type.summary() == "TIMESTAMP(3)"
    got, start = 0, time.monotonic()
    while got < 20:
        assert time.monotonic() - start < 20, f"only {got} rows arrived"
        batch = res.source.next_batch(1000, wait=0.05)
        assert batch is not None
        got += len(batch)
    elapsed = time.monotonic() - start
    assert elapsed >= 0.9 * (got - 1) / 50  # never faster than rows-per-second
    jobs = rows(session, "SHOW JOBS")
    running = [j for j in jobs if j[0] == res.job_id]
    assert running and running[0][2] == "RUNNING"
    drain(run(session, f"STOP JOB '{res.job_id}'"))
    assert res.source.next_batch(10) is None
    assert [j[2] for j in rows(session, "SHOW JOBS") if j[0] == res.job_id] == ["CANCELED"]


def test_stream_limit_ends_the_result(session: DuckDBSession) -> None:
    drain(run(session, STREAM))
    res = run(session, "SELECT id FROM s WHERE v IS NOT NULL LIMIT 4")
    collected: list[object] = []
    deadline = time.monotonic() + 5
    while (batch := res.source.next_batch(100, wait=0.05)) is not None:
        assert time.monotonic() < deadline
        collected.extend(range(len(batch)))
    assert len(collected) == 4


def test_insert_from_unbounded_source_is_rejected(session: DuckDBSession) -> None:
    drain(run(session, STREAM))
    with pytest.raises(ExecutionError, match="INSERT from an unbounded source"):
        drain(run(session, "CREATE TABLE sink (id BIGINT)"))
        run(session, "INSERT INTO sink SELECT id FROM s")


def test_closing_the_result_stops_the_stream(session: DuckDBSession) -> None:
    drain(run(session, STREAM))
    res = run(session, "SELECT id FROM s")
    res.source.close()
    assert res.source.next_batch(10, wait=0.1) is None


KEYED = (
    "CREATE TABLE g (k INT, v INT, ts AS LOCALTIMESTAMP) WITH ('connector' = 'datagen', "
    "'rows-per-second' = '400', "
    "'fields.k.min' = '1', 'fields.k.max' = '3', 'fields.v.min' = '1', 'fields.v.max' = '9')"
)


def _records(res: StatementResult, n: int, timeout: float = 20) -> list[tuple[str, list[Any]]]:
    """At least ``n`` changelog records (kind, fields) of a running streaming result."""
    out: list[tuple[str, list[Any]]] = []
    deadline = time.monotonic() + timeout
    while len(out) < n:
        assert time.monotonic() < deadline, f"only {len(out)} records arrived"
        batch = res.source.next_batch(100, wait=0.05)
        assert batch is not None
        if len(batch):
            for r in orjson.loads(b"[" + batch.encode(RowFormat.JSON) + b"]"):
                out.append((r["kind"], r["fields"]))
    return out


def test_group_aggregate_streams_flinks_changelog(session: DuckDBSession) -> None:
    drain(run(session, KEYED))
    res = run(session, "SELECT k, COUNT(*) AS c, SUM(v) AS s FROM g GROUP BY k")
    assert [(c.name, c.type.summary()) for c in res.columns] == [
        ("k", "INT"), ("c", "BIGINT NOT NULL"), ("s", "INT")]  # fmt: skip
    records = _records(res, 300)
    res.source.close()
    last: dict[int, list[Any]] = {}
    i = 0
    while i < len(records):
        kind, row = records[i]
        k = row[0]
        if kind == "INSERT":  # the first record of a key, count 1
            assert k not in last and row[1] == 1 and 1 <= row[2] <= 9
            last[k] = row
            i += 1
            continue
        # otherwise -U (the previous result of the key) directly followed by its +U
        assert kind == "UPDATE_BEFORE" and row == last[k], records[max(0, i - 3) : i + 2]
        after_kind, after = records[i + 1] if i + 1 < len(records) else ("UPDATE_AFTER", None)
        if after is None:
            break
        assert after_kind == "UPDATE_AFTER" and after[0] == k
        assert after[1] == row[1] + 1 and 1 <= after[2] - row[2] <= 9
        last[k] = after
        i += 2
    assert set(last) == {1, 2, 3}
    assert res.source.state_keys == 3  # state per key only: the input rows are not kept


def test_unchanged_aggregate_emits_no_update(session: DuckDBSession) -> None:
    drain(run(session, KEYED.replace("'fields.v.max' = '9'", "'fields.v.max' = '1'")))
    res = run(session, "SELECT k, MAX(v) FROM g GROUP BY k")
    got = _records(res, 3)
    time.sleep(0.5)  # ~200 more input rows: MAX stays 1, so Flink emits nothing more
    for _ in range(10):
        batch = res.source.next_batch(100, wait=0.01)
        assert batch is not None
        got.extend(("?", []) for _ in range(len(batch)))
    res.source.close()
    assert sorted(got) == [("INSERT", [1, 1]), ("INSERT", [2, 1]), ("INSERT", [3, 1])]


def test_select_distinct_and_having_on_a_stream(session: DuckDBSession) -> None:
    drain(run(session, KEYED))
    res = run(session, "SELECT DISTINCT k FROM g")
    got = _records(res, 3)
    res.source.close()
    assert sorted(got) == [("INSERT", [1]), ("INSERT", [2]), ("INSERT", [3])]
    res = run(session, "SELECT k, COUNT(*) FROM g GROUP BY k HAVING COUNT(*) >= 3")
    got = _records(res, 12)
    res.source.close()
    assert all(row[1] >= 3 for _, row in got)
    assert {kind for kind, _ in got} <= {"UPDATE_BEFORE", "UPDATE_AFTER"}  # +I had count 1


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("SELECT k FROM g ORDER BY v", "Sort on a non-time-attribute field is not supported."),
        ("SELECT k FROM g ORDER BY v LIMIT 3", "ORDER BY ... LIMIT (Top-N)"),
        ("SELECT k, SUM(v) OVER (PARTITION BY k ORDER BY v) FROM g",
         "OVER windows' ordering in stream mode must be defined on a time attribute."),
        ("SELECT a.k FROM g AS a JOIN g AS b ON a.k = b.k", "A regular JOIN"),
        ("SELECT k, COUNT(DISTINCT v) FROM g GROUP BY k", "COUNT(DISTINCT ...)"),
        ("SELECT k, STDDEV_POP(v) FROM g GROUP BY k", "Aggregate function STDDEV_POP"),
        ("SELECT k, COUNT(*) FROM g GROUP BY k LIMIT 2", "LIMIT on an updating"),
        ("SELECT c FROM (SELECT k, COUNT(*) AS c FROM g GROUP BY k)", "inside a subquery"),
        ("SELECT * FROM TABLE(SESSION(TABLE g PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' "
         "SECOND))", "SESSION window TVF on an unbounded source"),
    ],
)  # fmt: skip
def test_streaming_queries_flink_refuses_are_named(
    session: DuckDBSession, sql: str, named: str
) -> None:
    drain(run(session, KEYED))
    with pytest.raises(ExecutionError) as info:
        run(session, sql)
    assert info.value.java_class == "org.apache.flink.table.api.ValidationException"
    assert named in info.value.message
