"""The local target's shared MiniCluster: jobs that do not fit its free slots, or that change
cluster-level options, or sessions that ask for it, run on a per-job MiniCluster as in Flink."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from sqlgateway.engine.base import EngineSession
from sqlgateway.engine.flink import FlinkEngine

from .conftest import make_engine, op, open_session, run

pytestmark = pytest.mark.slow

STREAM = (
    "CREATE TEMPORARY TABLE s (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', "
    "'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '1000000')"
)


@pytest.fixture(scope="module")
def one_slot() -> Iterator[FlinkEngine]:
    e = make_engine(**{"sql-gateway.flink.local-cluster.slots": "1", "parallelism.default": "1"})
    yield e
    e.close()


def _first_rows(session: EngineSession, timeout: float = 90) -> int:
    """Rows of an unbounded query that arrive within ``timeout``; the query is left running."""
    result = session.execute(op(), "SELECT k FROM s", {})
    got = 0
    deadline = time.monotonic() + timeout
    while got == 0 and time.monotonic() < deadline:
        batch = result.source.next_batch(100, 0.5)
        assert batch is not None
        got += len(batch)
    return got


def test_a_job_beyond_the_free_slots_runs_on_its_own_cluster(one_slot: FlinkEngine) -> None:
    first, second = open_session(one_slot), open_session(one_slot)
    try:
        run(first, STREAM)
        run(second, STREAM)
        assert _first_rows(first) > 0  # holds the shared cluster's only slot
        started = time.monotonic()
        assert _first_rows(second) > 0  # would wait 5 min for a slot without the fallback
        assert time.monotonic() - started < 60
    finally:
        first.close()
        second.close()


def test_per_job_clusters_on_request(one_slot: FlinkEngine) -> None:
    session = open_session(one_slot)
    try:
        run(session, "SET 'sql-gateway.flink.local-cluster' = 'per-job'")
        assert run(session, "SELECT 41 + 1").rows_json == b'{"kind":"INSERT","fields":[42]}'
        run(session, "RESET 'sql-gateway.flink.local-cluster'")
        # a cluster-level option in the statement's configuration: a per-job cluster with it
        fetched = run(session, "SELECT 2", {"taskmanager.numberOfTaskSlots": "3"})
        assert fetched.rows_json == b'{"kind":"INSERT","fields":[2]}'
        assert run(session, "SELECT 3").rows_json == b'{"kind":"INSERT","fields":[3]}'
    finally:
        session.close()
