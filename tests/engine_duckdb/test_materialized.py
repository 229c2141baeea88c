"""Materialized tables: created from their query, refreshed on demand and by the scheduler."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

from sqlgateway.config import Settings
from sqlgateway.engine.duckdb.engine import DuckDBEngine, DuckDBSession
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
    with pytest.raises(ExecutionError, match="Cannot find table"):
        run(session, "ALTER MATERIALIZED TABLE mt REFRESH")


def test_workflows_survive_restart(tmp_path: Path) -> None:
    """The scheduler re-creates each stored materialized table's workflow at start-up, paused
    when the table was SUSPENDED."""

    def engine() -> DuckDBEngine:
        return DuckDBEngine(Settings({"sql-gateway.duckdb.database": str(tmp_path / "g.db"),
                                      "table.local-time-zone": "UTC"}))  # fmt: skip

    first = engine()
    s = first.open_session(uuid.uuid4(), None, {})  # type: ignore[arg-type]
    drain(run(s, "CREATE TABLE src (a INT)"))
    drain(run(s, "CREATE MATERIALIZED TABLE full_mt FRESHNESS = INTERVAL '1' HOUR "
                 "AS SELECT a FROM src"))  # fmt: skip
    drain(run(s, "CREATE MATERIALIZED TABLE cont_mt FRESHNESS = INTERVAL '5' SECOND "
                 "AS SELECT a FROM src"))  # fmt: skip
    drain(run(s, "ALTER MATERIALIZED TABLE cont_mt SUSPEND"))
    s.close()
    first.close()

    second = engine()
    try:
        ident = "`default_catalog`.`default_database`"
        full = second.scheduler.get(f"quartz_job_{ident}.`full_mt`")
        cont = second.scheduler.get(f"continuous_refresh_{ident}.`cont_mt`")
        assert full is not None and full.cron is not None
        assert full.cron.text == "0 0 0/1 * * ? *" and not full.paused
        assert cont is not None and cont.cron is None and cont.interval == 5 and cont.paused
        s = second.open_session(uuid.uuid4(), None, {})  # type: ignore[arg-type]
        drain(run(s, "ALTER MATERIALIZED TABLE cont_mt RESUME"))
        assert not cont.paused
        s.close()
    finally:
        second.close()


def test_default_freshness_and_refresh_mode(session: DuckDBSession) -> None:
    """Flink 2.2+: FRESHNESS is optional (3 minutes; 1 hour for REFRESH_MODE = FULL); the mode
    follows the 30-minute threshold unless given."""
    drain(run(session, "CREATE TABLE src (a INT)"))
    ident = "`default_catalog`.`default_database`"
    cases = {
        "m1 REFRESH_MODE = FULL": ("quartz_job", "0 0 0/1 * * ? *"),
        "m2": ("continuous_refresh", None),
        "m3 FRESHNESS = INTERVAL '30' MINUTE": ("quartz_job", "0 0/30 * * * ? *"),
        "m4 FRESHNESS = INTERVAL '29' MINUTE": ("continuous_refresh", None),
    }
    for clause, (prefix, expression) in cases.items():
        drain(run(session, f"CREATE MATERIALIZED TABLE {clause} AS SELECT a FROM src"))
        wf = session.engine.scheduler.get(f"{prefix}_{ident}.`{clause.split()[0]}`")
        assert wf is not None, clause
        assert (wf.cron.text if wf.cron else None) == expression
    assert session.engine.scheduler.get(f"continuous_refresh_{ident}.`m2`").interval == 180  # type: ignore[union-attr]
