"""The Flink engine behind the real REST server (uvicorn on 127.0.0.1, port 0)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

pytest.importorskip("sqlgateway.server")

from tests.conftest import RunningGateway, start_gateway  # noqa: E402


@pytest.fixture(scope="module")
def gateway() -> Iterator[RunningGateway]:
    g = start_gateway({"sql-gateway.engine": "flink", "parallelism.default": "1"})
    yield g
    g.stop()


@pytest.fixture
def client(gateway: RunningGateway) -> Iterator[httpx.Client]:
    with gateway.client(timeout=300) as c:
        yield c


@pytest.fixture
def session(client: httpx.Client) -> Iterator[str]:
    body = {"sessionName": "flink", "properties": {"table.local-time-zone": "UTC"}}
    sh = client.post("/v3/sessions", json=body).json()["sessionHandle"]
    yield sh
    client.delete(f"/v3/sessions/{sh}")


def _execute(client: httpx.Client, sh: str, statement: str) -> str:
    r = client.post(f"/v3/sessions/{sh}/statements", json={"statement": statement})
    assert r.status_code == 200, r.text
    return str(r.json()["operationHandle"])


def _fetch_all(
    client: httpx.Client,
    sh: str,
    oh: str,
    fmt: str = "JSON",
    until: Callable[..., bool] | None = None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    uri: str | None = f"/v3/sessions/{sh}/operations/{oh}/result/0?rowFormat={fmt}"
    bodies: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    deadline = time.monotonic() + 300
    while uri and time.monotonic() < deadline:
        r = client.get(uri)
        assert r.status_code == 200, r.text
        body = r.json()
        bodies.append(body)
        if body["resultType"] != "NOT_READY":
            rows.extend(body["results"]["data"])
        if until is not None and until(rows):
            break
        uri = body.get("nextResultUri")
        if body["resultType"] == "NOT_READY" or not rows:
            time.sleep(0.05)
    return bodies, rows


def test_select_conversation(client: httpx.Client, session: str) -> None:
    oh = _execute(client, session, "SELECT 1")
    bodies, rows = _fetch_all(client, session, oh)
    assert rows == [{"kind": "INSERT", "fields": [1]}]
    eos = bodies[-1]
    assert list(eos) == ["resultType", "isQueryResult", "jobID", "resultKind", "results"]
    assert eos["resultType"] == "EOS" and eos["isQueryResult"] is True
    assert re.fullmatch(r"[0-9a-f]{32}", eos["jobID"])
    assert eos["results"]["columns"] == [
        {"name": "EXPR$0", "logicalType": {"type": "INTEGER", "nullable": False}, "comment": None}
    ]
    status = client.get(f"/v3/sessions/{session}/operations/{oh}/status").json()
    assert status == {"status": "FINISHED"}


def test_plain_text_values(client: httpx.Client, session: str) -> None:
    oh = _execute(client, session, "SELECT 1 AS c1, 'x' AS c2, CAST(-1.00 AS DECIMAL(10,2)) AS d")
    _, rows = _fetch_all(client, session, oh, "PLAIN_TEXT")
    assert rows == [{"kind": "INSERT", "fields": ["1", "x", "-1.00"]}]


def test_statement_error_is_reported_on_fetch(client: httpx.Client, session: str) -> None:
    oh = _execute(client, session, "SELEC 1")
    deadline = time.monotonic() + 120
    status = ""
    while time.monotonic() < deadline and status not in ("ERROR", "FINISHED"):
        status = client.get(f"/v3/sessions/{session}/operations/{oh}/status").json()["status"]
        time.sleep(0.05)
    assert status == "ERROR"
    r = client.get(f"/v3/sessions/{session}/operations/{oh}/result/0?rowFormat=JSON")
    assert r.status_code == 500
    text = r.json()["errors"][1]
    assert (
        "Caused by: org.apache.flink.table.api.SqlParserException: SQL parse failed. "
        "Non-query expression encountered in illegal context" in text
    )


def test_streaming_pages_cancel_and_close(client: httpx.Client, session: str) -> None:
    create = (
        "CREATE TEMPORARY TABLE st (k INT, v BIGINT) WITH ('connector' = 'datagen', "
        "'rows-per-second' = '10', 'fields.k.min' = '1', 'fields.k.max' = '2')"
    )
    _fetch_all(client, session, _execute(client, session, create))
    oh = _execute(client, session, "SELECT k, COUNT(*) AS c FROM st GROUP BY k")
    kinds = {"UPDATE_BEFORE", "UPDATE_AFTER"}
    bodies, rows = _fetch_all(
        client, session, oh, until=lambda rs: kinds <= {r["kind"] for r in rs}
    )
    assert kinds <= {r["kind"] for r in rows}
    assert bodies[-1]["isQueryResult"] and bodies[-1]["jobID"]
    base = f"/v3/sessions/{session}/operations/{oh}"
    assert client.post(f"{base}/cancel").status_code == 500  # FINISHED: close stops it
    assert client.delete(f"{base}/close").json() == {"status": "CLOSED"}
    assert client.get(f"{base}/status").status_code == 500


def test_complete_and_configure(client: httpx.Client, session: str) -> None:
    r = client.request(
        "GET",
        f"/v3/sessions/{session}/complete-statement",
        json={"statement": "SELECT * FR", "position": 11},
    )
    assert r.json() == {"candidates": ["FROM"]}
    ok = client.post(
        f"/v3/sessions/{session}/configure-session", json={"statement": "SET 'k1' = 'v1'"}
    )
    assert ok.status_code == 200 and ok.json() == {}
    assert client.get(f"/v3/sessions/{session}").json()["properties"]["k1"] == "v1"
    bad = client.post(f"/v3/sessions/{session}/configure-session", json={"statement": "SELECT 1"})
    assert bad.status_code == 500
    assert "Unsupported statement for configuring session: SELECT 1" in bad.json()["errors"][1]
