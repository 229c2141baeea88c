"""A file-backed default catalog keeps tables, connector tables, views and their Flink metadata
across engine restarts."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlgateway.config import Settings
from sqlgateway.engine.duckdb.engine import DuckDBEngine

from .conftest import drain, rows, run


def _engine(path: Path) -> DuckDBEngine:
    return DuckDBEngine(
        Settings(
            {
                "sql-gateway.duckdb.database": str(path / "gw.duckdb"),
                "sql-gateway.security.sandbox.allowed-directories": str(path),
            }
        )
    )


def test_metadata_survives_restart(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    s = engine.open_session(uuid.uuid4(), None, {})  # type: ignore[arg-type]
    drain(run(s, "CREATE TABLE t (a INT, b STRING, c AS a * 2, PRIMARY KEY (a) NOT ENFORCED)"))
    drain(run(s, "INSERT INTO t VALUES (1, 'x')"))
    drain(run(s, "CREATE TABLE g (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3')"))
    drain(run(s, "CREATE VIEW v AS SELECT a, c FROM t"))
    drain(run(s, "CREATE TEMPORARY VIEW tmp AS SELECT 1 AS x"))
    drain(run(s, "CREATE DATABASE db2"))
    s.close()
    engine.close()

    engine = _engine(tmp_path)
    s = engine.open_session(uuid.uuid4(), None, {})  # type: ignore[arg-type]
    assert rows(s, "SHOW TABLES") == [["g"], ["t"], ["v"]]
    assert rows(s, "SELECT * FROM v") == [[1, 2]]
    assert rows(s, "SELECT COUNT(*) FROM g") == [[3]]
    assert rows(s, "DESCRIBE t")[0] == ["a", "INT", False, "PRI(a)", None, None]
    assert rows(s, "SHOW DATABASES") == [["db2"], ["default_database"]]
    engine.close()
