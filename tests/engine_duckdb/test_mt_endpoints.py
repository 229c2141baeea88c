"""V3 materialized-table refresh endpoint and embedded-scheduler workflow endpoints, through the
REST API of a real gateway on DuckDB (short cron intervals; each test a few seconds)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import RunningGateway, start_gateway
from tests.helpers import error_text, execute, fetch_all, open_session, run, wait_status

MT = "`default_catalog`.`default_database`.`mt`"
WORKFLOW = f"quartz_job_{MT}"


@pytest.fixture
def gw() -> Iterator[RunningGateway]:
    gateway = start_gateway({"table.local-time-zone": "UTC"})
    yield gateway
    gateway.stop()


def _setup(c: httpx.Client, formatter: str, mode: str = "", freshness: str = "'1' HOUR") -> str:
    sh = open_session(c)
    run(c, sh, "CREATE TABLE src (id INT, ds STRING)")
    run(c, sh, "INSERT INTO src VALUES (1, 'p'), (2, '2024-01-01'), (3, '2024-01-02')")
    run(c, sh, f"CREATE MATERIALIZED TABLE mt PARTITIONED BY (ds) WITH "
               f"('partition.fields.ds.date-formatter' = '{_sql(formatter)}') "
               f"FRESHNESS = INTERVAL {freshness} {mode} AS SELECT ds, COUNT(*) AS n "
               f"FROM src GROUP BY ds")  # fmt: skip
    return sh


def _sql(text: str) -> str:
    return text.replace("'", "''")


def _rows(c: httpx.Client, sh: str) -> dict[str, int]:
    return {r[0]: r[1] for r in run(c, sh, "SELECT ds, n FROM mt").rows}


def _refresh(c: httpx.Client, sh: str, **body: Any) -> httpx.Response:
    return c.post(f"/v3/sessions/{sh}/materialized-tables/{quote(MT)}/refresh", json=body)


def _eventually(check: Callable[[], bool], timeout: float = 6.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.1)


def test_refresh_endpoint_static_and_periodic_partitions(gw: RunningGateway) -> None:
    with gw.client() as c:
        sh = _setup(c, "yyyy-MM-dd")
        run(c, sh, "INSERT INTO src VALUES (4, '2024-01-01'), (5, '2024-01-02'), (6, 'p')")
        r = _refresh(c, sh, isPeriodic=False, staticPartitions={"ds": "2024-01-01"})
        assert r.status_code == 200, r.text
        oh = r.json()["operationHandle"]
        result = fetch_all(c, sh, oh)
        assert [col["name"] for col in result.columns] == ["job id", "cluster info"]
        assert result.columns[1]["logicalType"]["type"] == "MAP"
        assert len(result.rows) == 1 and len(result.rows[0][0]) == 32
        assert _rows(c, sh) == {"p": 1, "2024-01-01": 2, "2024-01-02": 1}
        # periodic: the partition of scheduleTime minus the freshness (1 hour), as Flink's
        r = _refresh(c, sh, isPeriodic=True, scheduleTime="2024-01-03 00:30:00")
        fetch_all(c, sh, r.json()["operationHandle"])
        assert _rows(c, sh) == {"p": 1, "2024-01-01": 2, "2024-01-02": 2}
        jobs = run(c, sh, "SHOW JOBS").rows
        names = {j[1]: j[2] for j in jobs if j[1].startswith("Materialized_table_")}
        assert names == {
            f"Materialized_table_{MT}_one_time_refresh_job": "FINISHED",
            f"Materialized_table_{MT}_periodic_refresh_job": "FINISHED",
        }


def test_refresh_endpoint_errors(gw: RunningGateway) -> None:
    with gw.client() as c:
        sh = _setup(c, "yyyy-MM-dd")
        cases = [
            ({"isPeriodic": True}, "The scheduler time must not be null during the periodic "
             f"refresh of the materialized table {MT}."),
            ({"isPeriodic": True, "scheduleTime": "yesterday"}, "Failed to parse a valid "
             "partition value for the field 'ds' in materialized table"),
            ({"isPeriodic": False, "staticPartitions": {"nope": "x"}},
             "The partition spec contains unknown partition keys:\n\nnope"),
            ({"isPeriodic": False, "dynamicOptions": {"sink.parallelism": "2"}},
             "Unsupported options found for the materialized table"),
        ]  # fmt: skip
        for body, message in cases:
            r = _refresh(c, sh, **body)
            assert r.status_code == 200, r.text
            oh = r.json()["operationHandle"]
            assert wait_status(c, sh, oh) == "ERROR"
            page = c.get(f"/v3/sessions/{sh}/operations/{oh}/result/0")
            assert page.status_code == 500
            assert message in error_text(page), error_text(page)
        r = c.post(f"/v3/sessions/{sh}/materialized-tables/src/refresh", json={"isPeriodic": False})
        page = c.get(f"/v3/sessions/{sh}/operations/{r.json()['operationHandle']}/result/0")
        assert "is not a materialized table" in error_text(page)


def test_refresh_endpoint_execution_config(gw: RunningGateway) -> None:
    """executionConfig configures the refresh job: here its time zone."""
    with gw.client() as c:
        sh = open_session(c)
        run(c, sh, "CREATE MATERIALIZED TABLE mt FRESHNESS = INTERVAL '1' HOUR AS "
                   "SELECT EXTRACT(HOUR FROM TO_TIMESTAMP_LTZ(0, 0)) AS h")  # fmt: skip
        assert run(c, sh, "SELECT h FROM mt").rows == [[0]]
        r = _refresh(c, sh, isPeriodic=False,
                     executionConfig={"table.local-time-zone": "Asia/Tokyo"})  # fmt: skip
        fetch_all(c, sh, r.json()["operationHandle"])
        assert run(c, sh, "SELECT h FROM mt").rows == [[9]]


def _wf(c: httpx.Client, verb: str, method: str = "POST", **body: Any) -> httpx.Response:
    return c.request(method, f"/v3/workflow/embedded-scheduler/{verb}", json=body)


def test_workflow_endpoints_drive_periodic_refresh(gw: RunningGateway) -> None:
    with gw.client() as c:
        # CONTINUOUS mode: no Quartz workflow of its own; suspended so only ours refreshes
        sh = _setup(c, "'p'", "REFRESH_MODE = CONTINUOUS")
        run(c, sh, "ALTER MATERIALIZED TABLE mt SUSPEND")
        r = _wf(c, "create", materializedTableIdentifier=MT, cronExpression="* * * * * ?",
                initConfig={}, executionConfig={}, restEndpointUrl=gw.url)  # fmt: skip
        assert r.status_code == 200, r.text
        assert r.json() == {"workflowName": WORKFLOW, "workflowGroup": "default_group"}
        key = r.json()
        run(c, sh, "INSERT INTO src VALUES (7, 'p'), (8, '2024-01-01')")
        # every second: a periodic refresh of partition 'p' (the formatter's literal) only
        _eventually(lambda: _rows(c, sh) == {"p": 2, "2024-01-01": 1, "2024-01-02": 1})
        assert _wf(c, "suspend", **key).json() == {}
        time.sleep(0.3)  # a fire in progress at suspend time may still land
        run(c, sh, "INSERT INTO src VALUES (9, 'p')")
        time.sleep(1.5)  # more than one fire period
        assert _rows(c, sh)["p"] == 2
        assert _wf(c, "resume", dynamicOptions={}, **key).json() == {}
        _eventually(lambda: _rows(c, sh)["p"] == 3)
        # a cron that fires only in 2199: no more refreshes
        r = _wf(c, "modify-cron-expression", "DELETE", cronExpression="0 0 0 1 1 ? 2199", **key)
        assert r.status_code == 200 and r.json() == {}, r.text
        time.sleep(0.3)  # let a fire in progress finish
        run(c, sh, "INSERT INTO src VALUES (10, 'p')")
        time.sleep(1.5)  # more than one fire period
        assert _rows(c, sh)["p"] == 3
        assert _wf(c, "delete", "DELETE", **key).json() == {}
        assert _wf(c, "delete", "DELETE", **key).json() == {}  # Quartz: deleting twice is fine
        r = _wf(c, "suspend", **key)
        assert r.status_code == 500
        assert r.json()["errors"][0].startswith(
            "org.apache.flink.runtime.rest.handler.RestHandlerException: Failed to suspend a "
            f"non-existent quartz schedule job: default_group.{WORKFLOW}.\n"
        )


def test_workflow_endpoint_errors_and_sql_consistency(gw: RunningGateway) -> None:
    with gw.client() as c:
        sh = _setup(c, "yyyy-MM-dd")  # FULL mode: CREATE scheduled Flink's cron workflow
        key = {"workflowName": WORKFLOW, "workflowGroup": "default_group"}
        r = _wf(c, "create", materializedTableIdentifier=MT, cronExpression="0 0 0 * * ? *")
        assert r.status_code == 500
        assert (f"Materialized table {MT} quartz schedule job already exist, job info: "
                f"default_group.{WORKFLOW}.") in r.json()["errors"][0]  # fmt: skip
        r = _wf(c, "create", materializedTableIdentifier="`c`.`d`.`x`", cronExpression="nope")
        assert "CronExpression 'nope' is invalid." in r.json()["errors"][0]
        for verb, method in [("resume", "POST"), ("modify-cron-expression", "DELETE")]:
            r = _wf(
                c,
                verb,
                method,
                workflowName="nope",
                workflowGroup="g",
                cronExpression="* * * * * ?",
            )
            word = "modify" if verb.startswith("modify") else verb
            assert f"Failed to {word} a non-existent quartz schedule job: g.nope." in (
                r.json()["errors"][0])  # fmt: skip
        # the SQL statements and the endpoints act on the same workflow
        assert _wf(c, "suspend", **key).json() == {}
        assert _wf(c, "resume", dynamicOptions={}, **key).json() == {}
        run(c, sh, "DROP MATERIALIZED TABLE mt")
        r = _wf(c, "resume", dynamicOptions={}, **key)
        assert "Failed to resume a non-existent quartz schedule job" in r.json()["errors"][0]
        # a workflow already holding the table's key: CREATE fails and drops the table again
        r = _wf(c, "create", materializedTableIdentifier=MT, cronExpression="0 0 0 * * ? *")
        assert r.status_code == 200, r.text
        oh = execute(c, sh, "CREATE MATERIALIZED TABLE mt FRESHNESS = INTERVAL '1' HOUR "
                            "AS SELECT id FROM src")  # fmt: skip
        assert wait_status(c, sh, oh) == "ERROR"
        text = error_text(c.get(f"/v3/sessions/{sh}/operations/{oh}/result/0"))
        assert f"Failed to create refresh workflow for materialized table {MT}." in text
        assert "quartz schedule job already exist" in text
        assert run(c, sh, "SHOW TABLES").rows == [["src"]]


def test_continuous_mode_refreshes_every_freshness_interval(gw: RunningGateway) -> None:
    with gw.client() as c:
        sh = _setup(c, "yyyy-MM-dd", freshness="'1' SECOND")
        run(c, sh, "INSERT INTO src VALUES (4, '2024-01-01')")
        _eventually(lambda: _rows(c, sh)["2024-01-01"] == 2)
        run(c, sh, "ALTER MATERIALIZED TABLE mt SUSPEND")
        time.sleep(0.3)  # let a fire in progress finish
        run(c, sh, "INSERT INTO src VALUES (5, '2024-01-01')")
        time.sleep(1.5)  # more than one fire period
        assert _rows(c, sh)["2024-01-01"] == 2
        run(c, sh, "ALTER MATERIALIZED TABLE mt RESUME")
        _eventually(lambda: _rows(c, sh)["2024-01-01"] == 3)
