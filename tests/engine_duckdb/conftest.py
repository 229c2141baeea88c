"""Fixtures: a real DuckDBEngine and helpers to run statements through the engine contract."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from sqlgateway.config import Settings  # noqa: E402
from sqlgateway.engine.base import StatementResult  # noqa: E402
from sqlgateway.engine.duckdb.engine import DuckDBEngine, DuckDBSession  # noqa: E402
from sqlgateway.model import RowFormat, new_operation_handle  # noqa: E402


@pytest.fixture
def engine() -> Iterator[DuckDBEngine]:
    eng = DuckDBEngine(Settings({"table.local-time-zone": "UTC"}))
    yield eng
    eng.close()


@pytest.fixture
def session(engine: DuckDBEngine) -> Iterator[DuckDBSession]:
    sess = engine.open_session(uuid.uuid4(), None, {})  # type: ignore[arg-type]
    yield sess
    sess.close()


def drain(result: StatementResult, fmt: RowFormat = RowFormat.JSON) -> list[list[Any]]:
    """All rows of a result as decoded JSON field lists."""
    rows: list[list[Any]] = []
    while (batch := result.source.next_batch(5000)) is not None:
        if len(batch):
            rows.extend(r["fields"] for r in orjson.loads(b"[" + batch.encode(fmt) + b"]"))
    return rows


def run(session: DuckDBSession, sql: str, **overrides: str) -> StatementResult:
    return session.execute(new_operation_handle(), sql, overrides)


def rows(session: DuckDBSession, sql: str) -> list[list[Any]]:
    return drain(run(session, sql))
