"""Unbounded datagen sources: paced micro-batches, LIMIT, STOP JOB, stateful queries rejected."""

from __future__ import annotations

import time

import pytest

from sqlgateway.engine.duckdb.engine import DuckDBSession
from sqlgateway.errors import ExecutionError

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


def test_stateful_query_on_unbounded_source_is_rejected(session: DuckDBSession) -> None:
    drain(run(session, STREAM))
    with pytest.raises(ExecutionError, match="COUNT on an unbounded source"):
        run(session, "SELECT COUNT(*) FROM s")
    with pytest.raises(ExecutionError, match="INSERT from an unbounded source"):
        drain(run(session, "CREATE TABLE sink (id BIGINT)"))
        run(session, "INSERT INTO sink SELECT id FROM s")


def test_closing_the_result_stops_the_stream(session: DuckDBSession) -> None:
    drain(run(session, STREAM))
    res = run(session, "SELECT id FROM s")
    res.source.close()
    assert res.source.next_batch(10, wait=0.1) is None
