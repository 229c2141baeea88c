"""Fixtures for the Flink engine tests: a real PyFlink JVM (local target) and real clusters."""

from __future__ import annotations

import importlib.util
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from sqlgateway import config
from sqlgateway.engine.base import EngineSession, StatementResult
from sqlgateway.model import OperationHandle, RowFormat, SessionHandle

from .cluster import FlinkCluster

if TYPE_CHECKING:
    from sqlgateway.engine.flink import FlinkEngine

# The [flink] extra lives in its own virtualenv: elsewhere these tests are not collected.
FLINK_INSTALLED = importlib.util.find_spec("pyflink") is not None
collect_ignore_glob = [] if FLINK_INSTALLED else ["test_*.py"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/flink/" in str(item.fspath):
            item.add_marker(pytest.mark.flink)


def make_engine(**raw: str) -> FlinkEngine:
    from sqlgateway.engine.flink import FlinkEngine

    return FlinkEngine(config.load(None, dict(raw), environ={}))


@pytest.fixture(scope="session")
def engine() -> Iterator[FlinkEngine]:
    """One engine (one JVM) for the local-target tests."""
    e = make_engine()
    yield e
    e.close()


@pytest.fixture(scope="module")
def cluster() -> Iterator[FlinkCluster]:
    c = FlinkCluster()
    c.start()
    yield c
    c.cleanup()


def open_session(engine: FlinkEngine, **props: str) -> EngineSession:
    return engine.open_session(SessionHandle(uuid.uuid4()), None, props)


def op() -> OperationHandle:
    return OperationHandle(uuid.uuid4())


@dataclass
class Fetched:
    result: StatementResult
    json: list[bytes] = field(default_factory=list)
    plain: list[bytes] = field(default_factory=list)
    empty_batches: int = 0

    @property
    def rows_json(self) -> bytes:
        return b",".join(p for p in self.json if p)

    @property
    def rows_plain(self) -> bytes:
        return b",".join(p for p in self.plain if p)


def run(
    session: EngineSession,
    statement: str,
    overrides: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> Fetched:
    """Execute and fetch to the end, encoding every batch in both row formats."""
    result = session.execute(op(), statement, dict(overrides or {}))
    out = Fetched(result)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            batch = result.source.next_batch(5000, 0.5)
            if batch is None:
                return out
            if len(batch) == 0:
                out.empty_batches += 1
                continue
            out.json.append(batch.encode(RowFormat.JSON))
            out.plain.append(batch.encode(RowFormat.PLAIN_TEXT))
        raise AssertionError(f"result of {statement!r} did not end within {timeout} s")
    finally:
        result.source.close()


def wait_for(predicate: object, timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(interval)
    return False
