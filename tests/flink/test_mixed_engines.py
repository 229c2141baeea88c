"""One gateway, two engines: sessions choose DuckDB or Flink at open-session
(``sql-gateway.session.engines``), and a dead Flink JVM does not stop the DuckDB sessions."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import RunningGateway, start_gateway
from tests.helpers import error_text, execute, fetch_all, open_session, wait_status


@pytest.fixture(scope="module")
def gateway() -> Iterator[RunningGateway]:
    g = start_gateway({"sql-gateway.session.engines": "duckdb,flink", "parallelism.default": "1"})
    yield g
    g.stop()


@pytest.fixture
def client(gateway: RunningGateway) -> Iterator[httpx.Client]:
    with gateway.client(timeout=300) as c:
        yield c


def _version(c: httpx.Client, sh: str) -> httpx.Response:
    """VERSION() exists on neither engine, and each refuses it in its own words."""
    oh = execute(c, sh, "SELECT VERSION()")
    wait_status(c, sh, oh, timeout=120)
    return c.get(f"/v3/sessions/{sh}/operations/{oh}/result/0?rowFormat=JSON")


def test_sessions_choose_their_engine(gateway: RunningGateway, client: httpx.Client) -> None:
    duck = open_session(client)
    assert "flink" not in gateway.service.engine.started  # the JVM starts on first use
    flink = open_session(client, properties={"sql-gateway.engine": "flink"})
    assert set(gateway.service.engine.started) == {"duckdb", "flink"}

    on_duck = error_text(_version(client, duck))
    assert "not supported on the duckdb engine" in on_duck
    assert "Calcite" not in on_duck
    on_flink = error_text(_version(client, flink))
    assert "org.apache.calcite.runtime.CalciteContextException" in on_flink

    for sh in (duck, flink):
        rows = fetch_all(client, sh, execute(client, sh, "SELECT 40 + 2 AS x")).rows
        assert rows == [[42]]
        client.delete(f"/v3/sessions/{sh}")


def test_unknown_or_disallowed_engine_is_a_clear_error(client: httpx.Client) -> None:
    r = client.post("/v3/sessions", json={"properties": {"sql-gateway.engine": "spark"}})
    assert r.status_code == 500
    text = error_text(r)
    assert "The engine 'spark' is not available" in text
    assert "sql-gateway.session.engines" in text


def test_only_the_default_engine_unless_listed() -> None:
    g = start_gateway({})
    try:
        with g.client() as c:
            r = c.post("/v3/sessions", json={"properties": {"sql-gateway.engine": "flink"}})
            assert r.status_code == 500
            assert "available: duckdb." in error_text(r)
            assert "flink" not in g.service.engine.started
    finally:
        g.stop()


def test_duckdb_sessions_keep_working_while_the_jvm_is_dead(
    gateway: RunningGateway, client: httpx.Client
) -> None:
    duck = open_session(client)
    flink = open_session(client, properties={"sql-gateway.engine": "flink"})
    assert fetch_all(client, flink, execute(client, flink, "SELECT 1")).rows
    gateway.service.engine.started["flink"].jvm.kill_for_tests()
    time.sleep(0.5)
    for i in range(5):
        rows = fetch_all(client, duck, execute(client, duck, f"SELECT {i} AS i")).rows
        assert rows == [[i]]
    # ... and the Flink sessions recover on their next statement (a new JVM).
    rows = fetch_all(client, flink, execute(client, flink, "SELECT 7")).rows
    assert rows == [[7]]
    for sh in (duck, flink):
        client.delete(f"/v3/sessions/{sh}")


def test_workflow_endpoints_reach_the_engine_holding_the_workflow(
    gateway: RunningGateway, client: httpx.Client, tmp_path: Path
) -> None:
    """The V3 embedded-scheduler endpoints see both engines' workflows as one scheduler."""
    flink = open_session(client, properties={"sql-gateway.engine": "flink"})
    fetch_all(client, flink, execute(client, flink, (
        "CREATE MATERIALIZED TABLE full_mt WITH ('connector' = 'filesystem', 'path' = "
        f"'{tmp_path / 'mt'}', 'format' = 'csv') FRESHNESS = INTERVAL '1' DAY "
        "REFRESH_MODE = FULL AS SELECT 1 AS k")))  # fmt: skip
    name = "quartz_job_`default_catalog`.`default_database`.`full_mt`"
    key = {"workflowName": name, "workflowGroup": "default_group"}
    flink_workflows = gateway.service.engine.started["flink"].workflows  # type: ignore[attr-defined]
    duck_workflows = gateway.service.engine.started["duckdb"].scheduler  # type: ignore[attr-defined]
    r = client.post("/v3/workflow/embedded-scheduler/suspend", json=key)
    assert r.status_code == 200, r.text
    assert flink_workflows.get(name).paused
    # a workflow is created on the engine its init config chooses
    for engine, workflows in (("flink", flink_workflows), ("duckdb", duck_workflows)):
        r = client.post("/v3/workflow/embedded-scheduler/create", json={
            "materializedTableIdentifier": f"`c`.`d`.`{engine}_t`",
            "cronExpression": "0 0 0 1 1 ? 2199", "initConfig": {"sql-gateway.engine": engine},
            "executionConfig": {}, "restEndpointUrl": gateway.url})  # fmt: skip
        assert r.status_code == 200, r.text
        assert workflows.get(r.json()["workflowName"]) is not None
        r = client.request("DELETE", "/v3/workflow/embedded-scheduler/delete", json=r.json())
        assert r.status_code == 200, r.text
    fetch_all(client, flink, execute(client, flink, "DROP MATERIALIZED TABLE full_mt"))
    assert flink_workflows.get(name) is None
    client.delete(f"/v3/sessions/{flink}")
