"""Materialized tables on the Flink engine: CONTINUOUS tables with their refresh job, FULL tables
with their cron workflow in the embedded scheduler (periodic refreshes, SUSPEND / RESUME / DROP),
one-time and periodic REFRESH (also through the V3 refresh endpoint, with dynamic options), the V3
workflow endpoints, and clear errors for what needs savepoint handling."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import orjson
import pytest

from sqlgateway.engine.base import EngineSession, MaterializedRefresh
from sqlgateway.engine.flink import FlinkEngine
from sqlgateway.errors import ExecutionError

from .conftest import op, open_session, run, wait_for

pytest.importorskip("sqlgateway.server")

from tests.conftest import start_gateway  # noqa: E402

SOURCE = (
    "CREATE TABLE src (k INT, p STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '20', "
    "'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '20', "
    "'fields.p.length' = '1')"
)


@pytest.fixture
def session(engine: FlinkEngine) -> Iterator[EngineSession]:
    s = open_session(engine, **{"parallelism.default": "1"})
    run(s, SOURCE)
    yield s
    s.close()


def _rows(data: bytes) -> list[list[object]]:
    return [r["fields"] for r in orjson.loads(b"[" + data + b"]")] if data else []


def _files_rows(path: Path) -> list[list[str]]:
    out: list[list[str]] = []
    for f in path.rglob("*"):
        if f.is_file() and not f.name.startswith("."):
            out.extend(csv.reader(f.read_text().splitlines()))
    return out


def _mt(name: str, path: Path, mode: str = "CONTINUOUS", partitioned: str = "") -> str:
    return (
        f"CREATE MATERIALIZED TABLE {name} {partitioned} WITH ('connector' = 'filesystem', "
        f"'path' = '{path}', 'format' = 'csv') FRESHNESS = INTERVAL '1' SECOND "
        f"REFRESH_MODE = {mode} AS SELECT k, p FROM src"
    )


def test_continuous_table_runs_its_refresh_job(session: EngineSession, tmp_path: Path) -> None:
    fetched = run(session, _mt("mt", tmp_path / "mt"))
    assert fetched.rows_json == b'{"kind":"INSERT","fields":["OK"]}'
    # the continuous refresh job (INSERT INTO mt <definition>) fills the table's files
    assert wait_for(lambda: len(_files_rows(tmp_path / "mt")) == 20, 120)
    assert sorted(int(r[0]) for r in _files_rows(tmp_path / "mt")) == list(range(1, 21))
    run(session, "DROP MATERIALIZED TABLE mt")
    run(session, "DROP MATERIALIZED TABLE IF EXISTS mt")
    with pytest.raises(ExecutionError, match="Materialized table with identifier .* does not"):
        run(session, "DROP MATERIALIZED TABLE mt")


def test_refresh_answers_the_job_id_and_overwrites(session: EngineSession, tmp_path: Path) -> None:
    run(session, _mt("mt", tmp_path / "mt", partitioned="PARTITIONED BY (p)"))
    assert wait_for(lambda: len(_files_rows(tmp_path / "mt")) == 20, 120)
    fetched = run(session, "ALTER MATERIALIZED TABLE mt REFRESH")
    assert [c.name for c in fetched.result.columns] == ["job id", "cluster info"]
    assert fetched.result.columns[1].type.root == "MAP"
    [[job, info]] = _rows(fetched.rows_json)
    assert isinstance(job, str) and len(job) == 32
    assert info == {"execution.target": "local"}
    assert _rows(fetched.rows_plain) == [[job, "{execution.target=local}"]]
    # INSERT OVERWRITE in batch mode: still the 20 rows once the refresh job ends
    assert wait_for(lambda: len(_files_rows(tmp_path / "mt")) == 20, 60)
    with pytest.raises(ExecutionError) as info_:
        run(session, "ALTER MATERIALIZED TABLE mt REFRESH PARTITION (nope = 'a')")
    assert "unknown partition keys" in str(info_.value) + str(info_.value.__cause__)
    with pytest.raises(ExecutionError, match="is not a materialized table"):
        run(session, "ALTER MATERIALIZED TABLE src REFRESH")
    run(session, "DROP MATERIALIZED TABLE mt")


def test_unsupported_forms_name_what_is_missing(session: EngineSession, tmp_path: Path) -> None:
    with pytest.raises(ExecutionError, match="Cannot find table"):
        run(session, "ALTER MATERIALIZED TABLE nope REFRESH")
    run(session, _mt("mt", tmp_path / "mt"))
    with pytest.raises(ExecutionError, match="execution.checkpointing.savepoint-dir"):
        run(session, "ALTER MATERIALIZED TABLE mt SUSPEND")
    with pytest.raises(ExecutionError, match="suspended, the table altered") as info:
        run(session, "ALTER MATERIALIZED TABLE mt AS SELECT k, p, 1 AS x FROM src")
    assert info.value.java_class == "java.lang.UnsupportedOperationException"
    run(session, "DROP MATERIALIZED TABLE mt")


def test_suspend_and_resume_through_a_savepoint(session: EngineSession, tmp_path: Path) -> None:
    run(session, f"SET 'execution.checkpointing.savepoint-dir' = 'file://{tmp_path / 'sp'}'")
    run(
        session,
        "CREATE TEMPORARY TABLE endless (k INT, p STRING) WITH ('connector' = 'datagen', "
        "'rows-per-second' = '20', 'fields.p.length' = '1')",
    )
    run(
        session,
        f"CREATE MATERIALIZED TABLE mt WITH ('connector' = 'filesystem', 'path' = "
        f"'{tmp_path / 'mt'}', 'format' = 'csv') FRESHNESS = INTERVAL '1' SECOND "
        "REFRESH_MODE = CONTINUOUS AS SELECT k, p FROM endless",
    )
    assert wait_for(lambda: len(_files_rows(tmp_path / "mt")) > 0, 120)
    run(session, "ALTER MATERIALIZED TABLE mt SUSPEND")
    assert any((tmp_path / "sp").iterdir()), "suspending takes a savepoint"
    with pytest.raises(ExecutionError, match="has been suspended"):
        run(session, "ALTER MATERIALIZED TABLE mt SUSPEND")
    rows = len(_files_rows(tmp_path / "mt"))
    run(session, "ALTER MATERIALIZED TABLE mt RESUME")
    with pytest.raises(ExecutionError, match="has been resumed"):
        run(session, "ALTER MATERIALIZED TABLE mt RESUME")
    # the resumed job (restored from the savepoint) writes again
    assert wait_for(lambda: len(_files_rows(tmp_path / "mt")) > rows, 120)
    run(session, "DROP MATERIALIZED TABLE mt")


def test_refresh_endpoint_over_rest(tmp_path: Path) -> None:
    """POST /v3/sessions/:s/materialized-tables/:identifier/refresh runs the refresh as an
    operation whose result is the refresh job's row."""
    gateway = start_gateway(
        {
            "sql-gateway.engine": "flink",
            "parallelism.default": "1",
            "sql-gateway.flink.prestart": "false",
        }
    )
    try:
        with httpx.Client(base_url=gateway.url, timeout=300) as c:
            sh = c.post("/v3/sessions", json={}).json()["sessionHandle"]
            for statement in (SOURCE, _mt("mt", tmp_path / "mt")):
                oh = c.post(f"/v3/sessions/{sh}/statements", json={"statement": statement})
                _fetch(c, sh, oh.json()["operationHandle"])
            ident = quote("`default_catalog`.`default_database`.`mt`")
            r = c.post(
                f"/v3/sessions/{sh}/materialized-tables/{ident}/refresh",
                json={"isPeriodic": False},
            )
            assert r.status_code == 200, r.text
            rows, columns = _fetch(c, sh, r.json()["operationHandle"])
            assert [col["name"] for col in columns] == ["job id", "cluster info"]
            assert len(rows) == 1 and len(rows[0][0]) == 32
            assert rows[0][1] == {"execution.target": "local"}
            # no date-formatter option: a periodic refresh overwrites the whole table
            r = c.post(
                f"/v3/sessions/{sh}/materialized-tables/{ident}/refresh",
                json={"isPeriodic": True, "scheduleTime": "2024-01-01 00:00:00"},
            )
            assert r.status_code == 200, r.text
            rows, _ = _fetch(c, sh, r.json()["operationHandle"])
            assert len(rows) == 1 and len(rows[0][0]) == 32
            # dynamic options are table hints of the refresh job: the sink refuses an unknown one
            r = c.post(
                f"/v3/sessions/{sh}/materialized-tables/{ident}/refresh",
                json={"isPeriodic": False, "dynamicOptions": {"no.such.option": "x"}},
            )
            errors = _fetch_error(c, sh, r)
            assert "no.such.option" in errors, errors
    finally:
        gateway.stop()


def _fetch(c: httpx.Client, sh: str, oh: str) -> tuple[list[list[object]], list[dict[str, object]]]:
    uri: str | None = f"/v3/sessions/{sh}/operations/{oh}/result/0?rowFormat=JSON"
    rows: list[list[object]] = []
    columns: list[dict[str, object]] = []
    deadline = time.monotonic() + 120
    while uri and time.monotonic() < deadline:
        body = c.get(uri).json()
        assert "errors" not in body, body
        if body["resultType"] != "NOT_READY":
            columns = body["results"]["columns"] or columns
            rows.extend(r["fields"] for r in body["results"]["data"])
        else:
            time.sleep(0.05)
        uri = body.get("nextResultUri")
    return rows, columns


def _fetch_error(c: httpx.Client, sh: str, response: httpx.Response) -> str:
    if response.status_code != 200:
        return response.text
    oh = response.json()["operationHandle"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r = c.get(f"/v3/sessions/{sh}/operations/{oh}/result/0?rowFormat=JSON")
        if r.status_code != 200:
            return r.text
        time.sleep(0.1)
    raise AssertionError("the refresh did not fail")


MT = "`default_catalog`.`default_database`.`mt`"
WORKFLOW = f"quartz_job_{MT}"


def _names(path: Path) -> set[str]:
    return {f.name for f in path.rglob("*") if f.is_file() and not f.name.startswith(".")}


def _stable(path: Path, quiet: float) -> set[str]:
    """The table's files once they stopped changing for ``quiet`` seconds."""
    seen, since = _names(path), time.monotonic()
    while time.monotonic() - since < quiet:
        time.sleep(0.25)
        now = _names(path)
        if now != seen:
            seen, since = now, time.monotonic()
    return seen


def test_full_mode_refreshes_on_its_cron_workflow(
    engine: FlinkEngine, session: EngineSession, tmp_path: Path
) -> None:
    path = tmp_path / "mt"
    run(session, _mt("mt", path, mode="FULL").replace("'1' SECOND", "'3' SECOND"))
    wf = engine.workflows.get(WORKFLOW)
    assert wf is not None and wf.cron is not None and wf.cron.text == "0/3 * * * * ? *"
    # the first fire's batch INSERT OVERWRITE fills the table, the next ones overwrite it
    assert wait_for(lambda: len(_files_rows(path)) == 20, 60)
    first = _names(path)
    assert wait_for(lambda: _names(path) not in (first, set()), 60)
    assert sorted(int(r[0]) for r in _files_rows(path)) == list(range(1, 21))
    run(session, "ALTER MATERIALIZED TABLE mt SUSPEND")
    assert wf.paused
    with pytest.raises(ExecutionError, match="Failed to suspend the refresh workflow") as info:
        run(session, "ALTER MATERIALIZED TABLE mt SUSPEND")
    assert "refresh workflow has been suspended" in str(info.value.__cause__)
    settled = _stable(path, 4.0)  # a refresh job submitted before SUSPEND may still land
    time.sleep(6.5)  # two fire periods
    assert _names(path) == settled, "a suspended workflow does not refresh"
    run(session, "ALTER MATERIALIZED TABLE mt RESUME")
    with pytest.raises(ExecutionError, match="refresh workflow has been resumed"):
        run(session, "ALTER MATERIALIZED TABLE mt RESUME")
    assert wait_for(lambda: _names(path) not in (settled, set()), 60)
    run(session, "DROP MATERIALIZED TABLE mt")
    assert engine.workflows.get(WORKFLOW) is None


def test_periodic_refresh_derives_the_partition_from_the_schedule_time(
    session: EngineSession, tmp_path: Path
) -> None:
    """The date-formatter options are read from the catalog and applied to the schedule time
    minus the freshness. The filesystem connector refuses the formatter option in its sink (as
    in Flink: such tables need a catalog-managed connector), which shows the refresh got past
    the partition derivation to the INSERT OVERWRITE job."""
    run(session, "SET 'table.local-time-zone' = 'UTC'")
    run(
        session,
        f"CREATE MATERIALIZED TABLE mt PARTITIONED BY (ds) WITH ('connector' = 'filesystem', "
        f"'path' = '{tmp_path / 'mt'}', 'format' = 'csv', 'partition.fields.ds.date-formatter' "
        "= 'yyyy-MM-dd') FRESHNESS = INTERVAL '1' DAY REFRESH_MODE = FULL AS SELECT k, ds FROM "
        "(VALUES (1, '2024-01-01'), (2, '2024-01-02')) AS t(k, ds)",
    )
    with pytest.raises(ExecutionError, match="scheduler time must not be null"):
        session.refresh_materialized_table(op(), MT, MaterializedRefresh(periodic=True), {})
    bad = MaterializedRefresh(periodic=True, schedule_time="2024-01-02T00:00:00")
    with pytest.raises(ExecutionError, match="Failed to parse a valid partition value for the "
                       "field 'ds'.*'2024-01-02T00:00:00'"):  # fmt: skip
        session.refresh_materialized_table(op(), MT, bad, {})
    good = MaterializedRefresh(periodic=True, schedule_time="2024-01-02 00:00:00")
    with pytest.raises(ExecutionError) as info:
        session.refresh_materialized_table(op(), MT, good, {})
    chain, err = [], info.value
    while err is not None:
        chain.append(str(err))
        err = err.__cause__  # type: ignore[assignment]
    assert chain[0].startswith("Refreshing the materialized table")
    assert any("partition.fields.ds.date-formatter" in c for c in chain[1:]), chain
    run(session, "DROP MATERIALIZED TABLE mt")


def _wf(c: httpx.Client, verb: str, method: str = "POST", **body: object) -> httpx.Response:
    return c.request(method, f"/v3/workflow/embedded-scheduler/{verb}", json=body)


def test_workflow_endpoints_on_a_flink_gateway(tmp_path: Path) -> None:
    gateway = start_gateway(
        {
            "sql-gateway.engine": "flink",
            "parallelism.default": "1",
            "sql-gateway.flink.prestart": "false",
        }
    )
    path = tmp_path / "mt"
    try:
        with httpx.Client(base_url=gateway.url, timeout=300) as c:
            sh = c.post("/v3/sessions", json={}).json()["sessionHandle"]
            # a FULL table firing once a day: its workflow exists, nothing fires in the test
            full = _mt("mt", path, mode="FULL").replace("'1' SECOND", "'1' DAY")
            for statement in (SOURCE, full):
                oh = c.post(f"/v3/sessions/{sh}/statements", json={"statement": statement})
                _fetch(c, sh, oh.json()["operationHandle"])
            r = _wf(c, "create", materializedTableIdentifier=MT, cronExpression="* * * * * ?",
                    initConfig={}, executionConfig={}, restEndpointUrl=gateway.url)  # fmt: skip
            assert r.status_code == 500 and "quartz schedule job already exist" in r.text, r.text
            key = {"workflowName": WORKFLOW, "workflowGroup": "default_group"}
            assert _wf(c, "suspend", **key).json() == {}
            assert _wf(c, "resume", dynamicOptions={}, **key).json() == {}
            assert _files_rows(path) == []  # FULL mode: no refresh at CREATE
            # every two seconds: the table's session runs the periodic refresh
            r = _wf(c, "modify-cron-expression", "DELETE", cronExpression="0/2 * * * * ?", **key)
            assert r.status_code == 200 and r.json() == {}, r.text
            assert wait_for(lambda: len(_files_rows(path)) == 20, 60)
            assert _wf(c, "delete", "DELETE", **key).json() == {}
            r = _wf(c, "suspend", **key)
            assert r.status_code == 500 and "non-existent quartz schedule job" in r.text
            oh = c.post(
                f"/v3/sessions/{sh}/statements", json={"statement": "DROP MATERIALIZED TABLE mt"}
            )
            _fetch(c, sh, oh.json()["operationHandle"])
    finally:
        gateway.stop()


def test_a_workflow_fires_in_the_session_holding_its_table(
    engine: FlinkEngine, tmp_path: Path
) -> None:
    """A workflow of the V3 endpoints refreshes a table of a session's in-memory catalog in that
    session; the table ends with the session, and so does the workflow."""
    s = open_session(engine, **{"parallelism.default": "1"})
    path = tmp_path / "mt"
    try:
        run(s, SOURCE)
        run(s, _mt("mt", path))  # CONTINUOUS over a bounded source: its job ends
        assert wait_for(lambda: len(_files_rows(path)) == 20, 120)
        first = _stable(path, 2.0)
        name, group = engine.workflows.create(MT, "0/2 * * * * ?", {}, {}, {}, None)
        assert (name, group) == (WORKFLOW, "default_group")
        assert wait_for(lambda: _names(path) not in (first, set()), 60)
        assert sorted(int(r[0]) for r in _files_rows(path)) == list(range(1, 21))
    finally:
        s.close()
    assert engine.workflows.get(WORKFLOW) is None
