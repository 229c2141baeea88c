"""Failures: the engine's JVM dies, the remote cluster dies and comes back."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from sqlgateway.errors import ExecutionError

from .cluster import FlinkCluster
from .conftest import make_engine, op, open_session, run, wait_for

STREAM = "CREATE TEMPORARY TABLE s (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5')"


def _first_rows(result) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        batch = result.source.next_batch(100, 0.5)
        assert batch is not None
        if len(batch):
            return
    raise AssertionError("no rows")


def _error_within(result, seconds: float) -> ExecutionError:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result.source.next_batch(100, 0.2)
        except ExecutionError as exc:
            return exc
    raise AssertionError(f"the running result did not fail within {seconds} s")


def test_jvm_death_fails_running_results_and_recovers() -> None:
    engine = make_engine()
    try:
        session = open_session(engine, **{"pipeline.name": "kept"})
        run(session, STREAM)
        result = session.execute(op(), "SELECT k FROM s", {})
        _first_rows(result)
        engine.jvm.kill_for_tests()
        exc = _error_within(result, 5)
        assert "JVM exited unexpectedly" in exc.message
        # The next statement runs in a new JVM; the session keeps its configuration.
        assert run(session, "SELECT 5").rows_json == b'{"kind":"INSERT","fields":[5]}'
        assert session.get_config()["pipeline.name"] == "kept"
        session.close()
    finally:
        engine.close()


@pytest.fixture
def own_cluster() -> Iterator[FlinkCluster]:
    c = FlinkCluster()
    c.start()
    yield c
    c.cleanup()


def test_cluster_death_and_recovery(own_cluster: FlinkCluster) -> None:
    engine = make_engine(**own_cluster.session_config())
    try:
        session = open_session(engine)
        run(session, STREAM)
        result = session.execute(op(), "SELECT k FROM s", {})
        _first_rows(result)
        other = open_session(engine)
        own_cluster.kill()
        # A statement submitted right after the crash (before the monitor noticed) is not left
        # waiting for Flink's minute of client retries.
        started = time.monotonic()
        with pytest.raises(ExecutionError, match="Flink cluster"):
            run(other, "SELECT 1")
        assert time.monotonic() - started < 30
        other.close()
        exc = _error_within(result, 15)
        assert "Lost the connection to the Flink cluster" in exc.message
        with pytest.raises(ExecutionError, match="Flink cluster"):
            session.execute(op(), "SELECT 1", {})
        own_cluster.start()

        def works() -> bool:
            try:
                return run(session, "SELECT 6").rows_json.endswith(b"[6]}")
            except ExecutionError:
                return False

        assert wait_for(works, 120, interval=1)
        session.close()
    finally:
        engine.close()
