"""Faults: client disconnects, closes and cancels racing with execution, kill -9 during INSERT
into a durable database, unusable or full data directories."""

from __future__ import annotations

import contextlib
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from sqlgateway.server import READY_LINE
from tests.conftest import RunningGateway, start_gateway
from tests.helpers import execute, fetch_all, open_session, wait_status

SLOW_QUERY = "SELECT sum(a.range * b.range) FROM range(300000) a, range(300000) b"


@pytest.fixture(scope="module")
def gw() -> Iterator[RunningGateway]:
    g = start_gateway({"sql-gateway.result.page-max-rows": "1000"})
    yield g
    g.stop()


def _ghost_fetch(url: str, path: str) -> None:
    """Send a fetch request and reset the connection at once (a client that goes away)."""
    host, port = url.removeprefix("http://").split(":")
    s = socket.create_connection((host, int(port)))
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def test_client_disconnecting_mid_fetch_loses_and_duplicates_nothing(gw: RunningGateway) -> None:
    with gw.client() as c:
        sh = open_session(c)
        oh = execute(c, sh, "SELECT range AS x FROM range(20000) ORDER BY x")
        assert wait_status(c, sh, oh) == "FINISHED"
        base = f"/v2/sessions/{sh}/operations/{oh}/result/"
        rows: list[int] = []
        token: int | None = 0
        while token is not None:
            if token % 3 == 0:  # every third page: a client fetches and vanishes first
                _ghost_fetch(gw.url, f"{base}{token}?rowFormat=JSON")
                time.sleep(0.02)
            r = c.get(f"{base}{token}?rowFormat=JSON")
            assert r.status_code == 200, r.text
            body = r.json()
            if body["resultType"] == "EOS":
                break
            rows += [d["fields"][0] for d in body["results"]["data"]]
            uri = body.get("nextResultUri")
            token = int(uri.rsplit("/", 1)[1].split("?")[0]) if uri else None
        assert rows == list(range(20000))
        assert c.delete(f"/v1/sessions/{sh}").status_code == 200


def _cpu_seconds(interval: float) -> float:
    p = psutil.Process()
    before = sum(p.cpu_times()[:2])
    time.sleep(interval)
    return float(sum(p.cpu_times()[:2]) - before)


def _own_threads() -> int:
    """Threads other than anyio's bounded, self-expiring pool for blocking handlers."""
    return sum(1 for t in threading.enumerate() if t.name != "AnyIO worker thread")


def test_session_closed_while_statement_runs(gw: RunningGateway) -> None:
    threads_before = _own_threads()
    with gw.client() as c:
        sh = open_session(c)
        oh = execute(c, sh, SLOW_QUERY)
        time.sleep(0.5)
        assert c.get(f"/v1/sessions/{sh}/operations/{oh}/status").json()["status"] == "RUNNING"
        started = time.monotonic()
        assert c.delete(f"/v1/sessions/{sh}").json() == {"status": "CLOSED"}
        assert time.monotonic() - started < 2
        r = c.get(f"/v1/sessions/{sh}/operations/{oh}/status")
        assert r.status_code == 500 and f"Session '{sh}' does not exist." in r.text
        time.sleep(0.3)
        assert _cpu_seconds(1.0) < 0.5  # the DuckDB query was interrupted, not left running
        sh2 = open_session(c)
        assert fetch_all(c, sh2, execute(c, sh2, "SELECT 1")).rows == [[1]]
        c.delete(f"/v1/sessions/{sh2}")
    assert _own_threads() <= threads_before + gw.service.worker_threads


def test_cancel_racing_with_completion(gw: RunningGateway) -> None:
    outcomes: dict[str, int] = {"CANCELED": 0, "FINISHED": 0}
    with gw.client() as c:
        sh = open_session(c)
        for i in range(60):
            oh = execute(c, sh, f"SELECT {i}")
            if i % 2:
                time.sleep(0.002 * (i % 5))
            r = c.post(f"/v1/sessions/{sh}/operations/{oh}/cancel")
            status = wait_status(c, sh, oh)
            if r.status_code == 200:
                assert r.json() == {"status": "CANCELED"} and status == "CANCELED"
                f = c.get(f"/v1/sessions/{sh}/operations/{oh}/result/0")
                assert f.status_code == 500 and "CANCELED" in f.text
            else:
                assert r.status_code == 500, r.text
                assert "from FINISHED to CANCELED" in r.text or "from ERROR" in r.text
                assert status == "FINISHED"
                assert fetch_all(c, sh, oh).rows == [[i]]
            outcomes[status] += 1
            for _ in range(2):  # statuses never move backwards
                assert c.get(f"/v1/sessions/{sh}/operations/{oh}/status").json() == {
                    "status": status
                }
            assert c.delete(f"/v1/sessions/{sh}/operations/{oh}/close").status_code == 200
        c.delete(f"/v1/sessions/{sh}")
    assert sum(outcomes.values()) == 60


def test_cancel_right_after_submit_stops_the_statement() -> None:
    g = start_gateway()  # its own gateway: a missed cancel leaves a statement running
    try:
        with g.client() as c:
            sh = open_session(c)
            for _ in range(3):
                oh = execute(c, sh, SLOW_QUERY)
                r = c.post(f"/v1/sessions/{sh}/operations/{oh}/cancel")
                assert r.json() == {"status": "CANCELED"}
                nxt = execute(c, sh, "SELECT 1")
                assert wait_status(c, sh, nxt, timeout=5) == "FINISHED"
    finally:
        g.stop()


# ---- processes -----------------------------------------------------------------------------


class Proc:
    """``python -m sqlgateway serve`` on an ephemeral port, with optional resource limits."""

    def __init__(self, *dynamic: str, fsize: int | None = None) -> None:
        args = [sys.executable, "-m", "sqlgateway", "serve", "-Dsql-gateway.endpoint.rest.port=0"]
        args += [f"-D{d}" for d in dynamic]

        self.proc = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        if fsize is not None:  # no preexec_fn: forking a threaded interpreter may crash
            resource.prlimit(self.proc.pid, resource.RLIMIT_FSIZE, (fsize, fsize))
        self.output: list[str] = []
        self.url = self._wait_ready()

    def _wait_ready(self) -> str:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)
            if READY_LINE in line:
                threading.Thread(target=self._drain, daemon=True).start()
                return line.split(READY_LINE, 1)[1].split()[0]
        self.proc.wait(10)
        return ""

    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)


def _submit_insert(c: httpx.Client, sh: str, batch: int) -> str:
    sql = f"INSERT INTO t SELECT {batch}, range, md5(range::VARCHAR) FROM range(2000)"
    return execute(c, sh, sql)


def test_kill_9_during_inserts_keeps_every_committed_row(tmp_path: Path) -> None:
    db = tmp_path / "durable.duckdb"
    p = Proc(f"sql-gateway.duckdb.database={db}")
    confirmed: list[int] = []
    submitted: list[int] = []
    try:
        with p.client() as c:
            sh = open_session(c)
            ddl = execute(c, sh, "CREATE TABLE t (batch INT, i BIGINT, s VARCHAR)")
            assert wait_status(c, sh, ddl) == "FINISHED"
            killer = threading.Timer(3.0, p.kill)
            killer.start()
            with contextlib.suppress(httpx.HTTPError, AssertionError):
                for batch in range(100_000):
                    submitted.append(batch)
                    oh = _submit_insert(c, sh, batch)
                    if wait_status(c, sh, oh) == "FINISHED":
                        confirmed.append(batch)
            killer.join()
    finally:
        p.kill()
    assert p.proc.returncode == -signal.SIGKILL and len(confirmed) >= 2
    q = Proc(f"sql-gateway.duckdb.database={db}")
    try:
        with q.client() as c:
            sh = open_session(c)
            oh = execute(c, sh, "SELECT batch, count(*), count(DISTINCT i) FROM t GROUP BY batch")
            counts = {b: (n, d) for b, n, d in fetch_all(c, sh, oh).rows}
    finally:
        q.kill()
    assert set(confirmed) <= set(counts) <= set(submitted)
    assert all(v == (2000, 2000) for v in counts.values()), "a batch was half-written"


def test_database_in_unusable_directory_fails_clearly(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    p = Proc(f"sql-gateway.duckdb.database={blocker}/db.duckdb")
    try:
        assert p.url == "" and p.proc.returncode not in (0, None)
        text = "".join(p.output)
        assert str(blocker) in text, text[-2000:]
        assert "Traceback" not in text, text[-2000:]
    finally:
        p.kill()


def _outcome(c: httpx.Client, sh: str, sql: str) -> tuple[str, str]:
    oh = execute(c, sh, sql)
    status = wait_status(c, sh, oh)
    r = c.get(f"/v1/sessions/{sh}/operations/{oh}/result/0")
    return status, r.text


def test_full_disk_gives_clear_errors_and_keeps_committed_data(tmp_path: Path) -> None:
    db = tmp_path / "small.duckdb"
    p = Proc(f"sql-gateway.duckdb.database={db}", fsize=4 * 1024 * 1024)
    try:
        with p.client() as c:
            sh = open_session(c)
            sql = "CREATE TABLE t AS SELECT md5(range::VARCHAR) AS s FROM range(1000)"
            assert _outcome(c, sh, sql)[0] == "FINISHED"
            big = "INSERT INTO t SELECT md5(range::VARCHAR) FROM range(3000000)"
            results = [_outcome(c, sh, big), _outcome(c, sh, "CHECKPOINT")]
            assert "ERROR" in {status for status, _ in results}
            assert any("File too large" in text for _, text in results), results
            # the HTTP endpoint keeps serving; statements either work or say why they cannot
            sh2 = open_session(c)
            status, text = _outcome(c, sh2, "SELECT 1")
            assert status == "FINISHED" or "File too large" in text, text[:500]
    finally:
        p.kill()
    q = Proc(f"sql-gateway.duckdb.database={db}")  # after a restart with space again
    try:
        with q.client() as c:
            sh = open_session(c)
            oh = execute(c, sh, "SELECT count(*) FROM t")
            assert fetch_all(c, sh, oh).rows == [[1000]]  # committed rows intact, no half insert
    finally:
        q.kill()
