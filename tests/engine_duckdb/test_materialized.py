"""Materialized tables: created from their query, refreshed on demand and by the scheduler."""

from __future__ import annotations

import time

import pytest

from sqlgateway.engine.duckdb.engine import DuckDBSession
from sqlgateway.errors import ExecutionError

from .conftest import drain, rows, run


def test_refresh_on_demand_and_by_freshness(session: DuckDBSession) -> None:
    drain(run(session, "CREATE TABLE src (a INT)"))
    drain(run(session, "INSERT INTO src VALUES (1), (2)"))
    drain(run(session, "CREATE MATERIALIZED TABLE mt FRESHNESS = INTERVAL '1' SECOND "
                       "AS SELECT COUNT(*) AS n FROM src"))  # fmt: skip
    assert rows(session, "SELECT n FROM mt") == [[2]]
    assert rows(session, "SHOW MATERIALIZED TABLES") == [["mt"]]
    drain(run(session, "INSERT INTO src VALUES (3)"))
    refreshed = run(session, "ALTER MATERIALIZED TABLE mt REFRESH")
    assert [c.name for c in refreshed.columns] == ["job id", "cluster info"]
    assert rows(session, "SELECT n FROM mt") == [[3]]
    drain(run(session, "INSERT INTO src VALUES (4)"))
    deadline = time.monotonic() + 10
    while rows(session, "SELECT n FROM mt") != [[4]]:
        assert time.monotonic() < deadline, "the scheduler did not refresh the table"
        time.sleep(0.2)
    drain(run(session, "ALTER MATERIALIZED TABLE mt SUSPEND"))
    drain(run(session, "INSERT INTO src VALUES (5)"))
    time.sleep(2.5)
    assert rows(session, "SELECT n FROM mt") == [[4]]
    drain(run(session, "DROP MATERIALIZED TABLE mt"))
    assert rows(session, "SHOW TABLES") == [["src"]]
    with pytest.raises(ExecutionError, match="does not exist"):
        run(session, "ALTER MATERIALIZED TABLE mt REFRESH")
