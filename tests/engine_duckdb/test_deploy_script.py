"""V4 deploy-script on DuckDB through the REST API of a real gateway: one detached job per
script, visible in SHOW JOBS with its status, stoppable with STOP JOB."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import RunningGateway, start_gateway
from tests.helpers import error_text, open_session, run


@pytest.fixture
def gw(tmp_path: Path) -> Iterator[RunningGateway]:
    gateway = start_gateway(
        {
            "table.local-time-zone": "UTC",
            "sql-gateway.security.sandbox.allowed-directories": str(tmp_path / "allowed"),
        }
    )
    yield gateway
    gateway.stop()


def _deploy(c: httpx.Client, sh: str, **body: object) -> httpx.Response:
    return c.post(f"/v4/sessions/{sh}/scripts", json=body)


def _status(c: httpx.Client, sh: str, job_id: str, until: str, timeout: float = 8) -> str:
    deadline = time.monotonic() + timeout
    while True:
        jobs = {j[0]: j for j in run(c, sh, "SHOW JOBS").rows}
        status = str(jobs[job_id][2]) if job_id in jobs else "MISSING"
        if status == until or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def test_script_runs_as_one_detached_job(gw: RunningGateway) -> None:
    with gw.client() as c:
        sh = open_session(c, "v4")
        script = (
            "CREATE TABLE t (a INT, s STRING);\n"
            "INSERT INTO t VALUES (1, 'a;b'), (2, 'c');\n"
            "-- a comment; with a semicolon\n"
            "INSERT INTO t SELECT a + 10, s FROM t;\n"
            "SELECT * FROM t;\n"
        )
        r = _deploy(c, sh, script=script, executionConfig={"pipeline.name": "my-script"})
        assert r.status_code == 200, r.text
        cluster_id = r.json()["clusterID"]
        assert list(r.json()) == ["clusterID"] and len(cluster_id) == 32
        assert _status(c, sh, cluster_id, "FINISHED") == "FINISHED"
        jobs = {j[0]: j for j in run(c, sh, "SHOW JOBS").rows}
        assert jobs[cluster_id][1] == "my-script"
        rows = run(c, sh, "SELECT a, s FROM t ORDER BY a").rows
        assert rows == [[1, "a;b"], [2, "c"], [11, "a;b"], [12, "c"]]


def test_failing_script_is_a_failed_job(gw: RunningGateway) -> None:
    with gw.client() as c:
        sh = open_session(c, "v4")
        r = _deploy(c, sh, script="CREATE TABLE u (a INT);\nINSERT INTO nope VALUES (1);\n"
                                  "CREATE TABLE never (a INT);")  # fmt: skip
        cluster_id = r.json()["clusterID"]
        assert _status(c, sh, cluster_id, "FAILED") == "FAILED"
        assert run(c, sh, "SHOW TABLES LIKE 'never'").rows == []
        assert run(c, sh, "SHOW TABLES LIKE 'u'").rows == [["u"]]


def test_running_script_is_stopped_by_stop_job(gw: RunningGateway) -> None:
    with gw.client() as c:
        sh = open_session(c, "v4")
        script = (
            "CREATE TEMPORARY TABLE gen (a INT) WITH ('connector' = 'datagen', "
            "'rows-per-second' = '10');\nSELECT * FROM gen;\nCREATE TABLE after_stop (a INT);"
        )
        cluster_id = _deploy(c, sh, script=script).json()["clusterID"]
        time.sleep(0.5)
        assert _status(c, sh, cluster_id, "RUNNING") == "RUNNING"
        assert run(c, sh, f"STOP JOB '{cluster_id}'").rows == [["OK"]]
        assert _status(c, sh, cluster_id, "CANCELED") == "CANCELED"
        time.sleep(0.3)
        assert _status(c, sh, cluster_id, "CANCELED") == "CANCELED"
        assert run(c, sh, "SHOW TABLES LIKE 'after_stop'").rows == []


def test_script_uri(gw: RunningGateway, tmp_path: Path) -> None:
    allowed = tmp_path / "allowed"
    allowed.mkdir(exist_ok=True)
    (allowed / "job.sql").write_text("CREATE TABLE from_file (a INT);\n", encoding="utf-8")
    (tmp_path / "outside.sql").write_text("CREATE TABLE outside (a INT);\n", encoding="utf-8")
    with gw.client() as c:
        sh = open_session(c, "v4")
        cluster_id = _deploy(c, sh, scriptUri=(allowed / "job.sql").as_uri()).json()["clusterID"]
        assert _status(c, sh, cluster_id, "FINISHED") == "FINISHED"
        assert run(c, sh, "SHOW TABLES LIKE 'from_file'").rows == [["from_file"]]
        for uri, message in [
            ("s3://bucket/job.sql", "reads scripts from file:// URIs only (not s3://)"),
            ((tmp_path / "outside.sql").as_uri(), "The SQL sandbox does not allow access"),
            ((allowed / "missing.sql").as_uri(), "Cannot read the script"),
        ]:
            r = _deploy(c, sh, scriptUri=uri)
            assert r.status_code == 500
            assert r.json()["errors"][0] == "Internal server error."
            assert message in error_text(r), error_text(r)
        r = _deploy(c, sh)
        assert "Either 'script' or 'scriptUri' must be specified" in error_text(r)
