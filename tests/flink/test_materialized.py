"""Materialized tables on the Flink engine: CONTINUOUS tables with their refresh job, one-time
REFRESH [PARTITION] (also through the V3 refresh endpoint), DROP, and clear errors for what needs
a workflow scheduler or savepoint handling."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import orjson
import pytest

from sqlgateway.engine.base import EngineSession
from sqlgateway.engine.flink import FlinkEngine
from sqlgateway.errors import ExecutionError

from .conftest import open_session, run, wait_for

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
    with pytest.raises(ExecutionError, match="workflow scheduler"):
        run(session, _mt("mt_full", tmp_path / "full", mode="FULL"))
    with pytest.raises(ExecutionError, match="Cannot find table"):
        run(session, "ALTER MATERIALIZED TABLE mt_full REFRESH")
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
            r = c.post(
                f"/v3/sessions/{sh}/materialized-tables/{ident}/refresh",
                json={"isPeriodic": True, "scheduleTime": "2024-01-01 00:00:00"},
            )
            errors = _fetch_error(c, sh, r)
            assert "not supported" in errors
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
