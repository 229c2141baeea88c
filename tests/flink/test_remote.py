"""The remote target: a real standalone Flink cluster started from PyFlink's scripts."""

from __future__ import annotations

from collections.abc import Iterator

import orjson
import pytest

from sqlgateway.engine.base import EngineSession
from sqlgateway.engine.flink import FlinkEngine
from sqlgateway.errors import ExecutionError

from .cluster import FlinkCluster
from .conftest import Fetched, make_engine, op, open_session, run, wait_for

STREAM = "CREATE TEMPORARY TABLE s (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5')"


@pytest.fixture(scope="module")
def remote_engine(cluster: FlinkCluster) -> Iterator[FlinkEngine]:
    e = make_engine(**cluster.session_config(), **{"parallelism.default": "1"})
    yield e
    e.close()


@pytest.fixture
def session(remote_engine: FlinkEngine) -> Iterator[EngineSession]:
    s = open_session(remote_engine, **{"table.local-time-zone": "UTC"})
    yield s
    s.close()


def _rows(data: bytes) -> list[list[object]]:
    return [r["fields"] for r in orjson.loads(b"[" + data + b"]")] if data else []


def test_query_runs_on_the_cluster(session: EngineSession, cluster: FlinkCluster) -> None:
    fetched = run(session, "SELECT 1 + 1 AS two")
    assert fetched.rows_json == b'{"kind":"INSERT","fields":[2]}'
    job = fetched.result.job_id
    assert job is not None and job in cluster.jobs()
    listed = run(session, "SHOW JOBS")
    assert [c.name for c in listed.result.columns] == ["job id", "job name", "status", "start time"]
    assert listed.result.columns[3].type.root == "TIMESTAMP_WITH_LOCAL_TIME_ZONE"
    assert job in [r[0] for r in _rows(listed.rows_json)]
    described = _rows(run(session, f"DESCRIBE JOB '{job}'").rows_json)
    assert described[0][0] == job and described[0][2] == "FINISHED"


def test_closing_a_streaming_result_cancels_its_job(
    session: EngineSession, cluster: FlinkCluster
) -> None:
    run(session, STREAM)
    result = session.execute(op(), "SELECT k FROM s", {})
    job = result.job_id
    assert job is not None
    assert wait_for(lambda: cluster.jobs().get(job) == "RUNNING", 60)
    got = 0
    while got == 0:
        batch = result.source.next_batch(100, 1.0)
        assert batch is not None
        got += len(batch)
    result.source.close()
    assert wait_for(lambda: cluster.jobs().get(job) == "CANCELED", 60)


def test_stop_job(session: EngineSession, cluster: FlinkCluster) -> None:
    run(session, STREAM)
    run(session, "CREATE TEMPORARY TABLE bh (k INT) WITH ('connector' = 'blackhole')")
    job = run(session, "INSERT INTO bh SELECT k FROM s").result.job_id
    assert job is not None
    assert wait_for(lambda: cluster.jobs().get(job) == "RUNNING", 60)
    stopped = run(session, f"STOP JOB '{job}'")
    assert stopped.rows_json == b'{"kind":"INSERT","fields":["OK"]}'
    assert wait_for(lambda: cluster.jobs().get(job) == "CANCELED", 60)


def test_closing_the_session_cancels_its_queries(
    remote_engine: FlinkEngine, cluster: FlinkCluster
) -> None:
    s = open_session(remote_engine)
    run(s, STREAM)
    result = s.execute(op(), "SELECT k FROM s", {})
    job = result.job_id
    assert job is not None
    assert wait_for(lambda: cluster.jobs().get(job) == "RUNNING", 60)
    s.close()
    assert wait_for(lambda: cluster.jobs().get(job) == "CANCELED", 60)


def test_stop_job_with_savepoint(session: EngineSession, cluster: FlinkCluster, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run(session, f"SET 'execution.checkpointing.savepoint-dir' = 'file://{tmp_path}'")
    run(session, STREAM)
    run(session, "CREATE TEMPORARY TABLE bh (k INT) WITH ('connector' = 'blackhole')")
    job = run(session, "INSERT INTO bh SELECT k FROM s").result.job_id
    assert job is not None
    assert wait_for(lambda: cluster.jobs().get(job) == "RUNNING", 60)
    outcome: list[object] = []

    def stop() -> bool:  # a savepoint needs every task running, which follows job RUNNING
        try:
            outcome.append(run(session, f"STOP JOB '{job}' WITH SAVEPOINT"))
            return True
        except ExecutionError:
            return False

    assert wait_for(stop, 90, interval=1)
    stopped = outcome[0]
    assert isinstance(stopped, Fetched)
    assert [c.name for c in stopped.result.columns] == ["savepoint path"]
    path = _rows(stopped.rows_json)[0][0]
    assert isinstance(path, str) and str(tmp_path) in path
    assert wait_for(lambda: cluster.jobs().get(job) == "FINISHED", 60)
