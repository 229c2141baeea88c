"""The SQL sandbox seen through the REST API of a real gateway (embedded DuckDB, defaults).

Each escape must end in a clear error, and nothing may be read (the secret never appears in any
answer, a local HTTP listener is never contacted) or written (the outside directory is unchanged).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import RunningGateway, start_gateway
from tests.helpers import execute, fetch_all, open_session, wait_status

SECRET = "hunter2-secret-value"
REFUSED = (
    "Permission Error", "disabled by configuration", "SQL sandbox", "external access",
    "Loading external extensions is disabled",
)  # fmt: skip


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections (nobody should connect)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("sandbox")
    data, outside = root / "data", root / "outside"
    data.mkdir()
    outside.mkdir()
    (data / "in.csv").write_text("a,b\n1,2\n")
    (outside / "secret.csv").write_text(f"pw\n{SECRET}\n")
    listener = Listener()
    g = start_gateway({"sql-gateway.security.sandbox.allowed-directories": str(data)})
    yield {"gw": g, "data": data, "outside": outside, "listener": listener}
    g.stop()
    listener.close()


def run(c: httpx.Client, sh: str, sql: str, **extra: Any) -> tuple[str, str]:
    """(final status, rows or error text) of one statement."""
    oh = execute(c, sh, sql, **extra)
    status = wait_status(c, sh, oh)
    if status == "FINISHED":
        try:
            return status, repr(fetch_all(c, sh, oh).rows)
        except AssertionError as exc:  # a runtime failure while fetching
            return "FETCH_ERROR", str(exc)
    r = c.get(f"/v3/sessions/{sh}/operations/{oh}/result/0")
    return status, r.text


ESCAPES = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('{outside}/secret.csv')",
    "SELECT * FROM read_csv('{data}/../outside/secret.csv')",
    "SELECT * FROM read_csv(['{data}/in.csv', '{outside}/secret.csv'])",
    "SELECT * FROM read_csv('file://{outside}/secret.csv')",
    "SELECT * FROM read_text('{outside}/secret.csv')",
    "SELECT * FROM read_blob('{outside}/secret.csv')",
    "SELECT * FROM read_json('{outside}/secret.csv')",
    "SELECT * FROM read_parquet('{outside}/secret.csv')",
    "SELECT * FROM parquet_metadata('{outside}/secret.csv')",
    "SELECT * FROM sniff_csv('{outside}/secret.csv')",
    "SELECT * FROM read_text('/proc/self/environ')",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM glob('{outside}/*')",
    "SELECT * FROM read_csv('http://127.0.0.1:{port}/x.csv')",
    "SELECT * FROM read_text('https://127.0.0.1:{port}/x')",
    "SELECT * FROM read_parquet('s3://bucket/x.parquet')",
    "COPY (SELECT 42 AS x) TO '{outside}/written.csv'",
    "COPY (SELECT 42 AS x) TO '/dev/stdout'",
    "EXPORT DATABASE '{outside}/export'",
    "ATTACH '{outside}/attached.db' AS stolen",
    "INSTALL httpfs",
    "FORCE INSTALL httpfs FROM 'http://127.0.0.1:{port}'",
    "LOAD httpfs",
    "LOAD '{outside}/evil.duckdb_extension'",
    "CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v')",
]


@pytest.mark.parametrize("template", ESCAPES)
def test_escape_is_refused(env: dict[str, Any], template: str) -> None:
    g: RunningGateway = env["gw"]
    sql = template.format(outside=env["outside"], data=env["data"], port=env["listener"].port)
    with g.client() as c:
        sh = open_session(c)
        status, text = run(c, sh, sql)
    assert status in ("ERROR", "FETCH_ERROR"), (sql, status, text)
    assert any(marker in text for marker in REFUSED), (sql, text[:600])
    assert SECRET not in text
    assert sorted(p.name for p in env["outside"].iterdir()) == ["secret.csv"]
    assert env["listener"].connections == 0


SWITCH_OFF = [
    ("statement", "SET 'enable_external_access' = 'true'"),
    ("statement", "SET 'sql-gateway.security.sandbox.enabled' = 'false'"),
    ("statement", "SET enable_external_access = true"),
    ("statement", "PRAGMA enable_external_access = true"),
    ("statement", "RESET enable_external_access"),
    ("statement", "RESET"),
    ("statement", "SET allowed_directories = ['/']"),
    ("statement", "PRAGMA allowed_directories = ['/']"),
    ("statement", "SET lock_configuration = false"),
    ("configure", "SET 'enable_external_access' = 'true'"),
    ("configure", "SET 'sql-gateway.security.sandbox.enabled' = 'false'"),
    ("configure", "RESET 'allowed_directories'"),
]


@pytest.mark.parametrize(("how", "sql"), SWITCH_OFF)
def test_sandbox_cannot_be_switched_off(env: dict[str, Any], how: str, sql: str) -> None:
    g: RunningGateway = env["gw"]
    with g.client() as c:
        sh = open_session(c)
        if how == "configure":
            c.post(f"/v3/sessions/{sh}/configure-session", json={"statement": sql})
        else:
            run(c, sh, sql)  # may be accepted as a Flink option or refused: either way ...
        status, text = run(c, sh, f"SELECT * FROM read_csv('{env['outside']}/secret.csv')")
    assert status in ("ERROR", "FETCH_ERROR") and SECRET not in text  # ... still confined


def test_session_properties_and_execution_config_cannot_switch_it_off(
    env: dict[str, Any],
) -> None:
    g: RunningGateway = env["gw"]
    off = {
        "sql-gateway.security.sandbox.enabled": "false",
        "sql-gateway.security.sandbox.allowed-directories": "/",
        "enable_external_access": "true",
    }
    with g.client() as c:
        sh = open_session(c, properties=off)
        sql = f"SELECT * FROM read_csv('{env['outside']}/secret.csv')"
        status, text = run(c, sh, sql, executionConfig=off)
    assert status in ("ERROR", "FETCH_ERROR") and SECRET not in text


def test_allowed_directory_still_works(env: dict[str, Any]) -> None:
    g: RunningGateway = env["gw"]
    data: Path = env["data"]
    with g.client() as c:
        sh = open_session(c)
        assert run(c, sh, f"SELECT * FROM read_csv('{data}/in.csv')") == ("FINISHED", "[[1, 2]]")
        status, _ = run(c, sh, f"COPY (SELECT 7 AS x) TO '{data}/out.csv'")
        assert status == "FINISHED"
    assert (data / "out.csv").read_text().split() == ["x", "7"]


def test_duckdb_configuration_statements_are_refused(env: dict[str, Any]) -> None:
    g: RunningGateway = env["gw"]
    with g.client() as c:
        sh = open_session(c)
        for sql in (
            f"PRAGMA extension_directory = '{env['data']}/ext'",
            "PRAGMA threads = 1",
            "CALL enable_logging()",
            "SELECT * FROM enable_logging()",
        ):
            status, text = run(c, sh, sql)
            assert status == "ERROR" and "SQL sandbox does not allow" in text, (sql, text[:300])
