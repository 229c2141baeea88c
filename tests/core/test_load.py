"""Concurrency, bounded memory on huge results, and shutdown — on real servers."""

from __future__ import annotations

import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import orjson

from tests.conftest import RunningGateway
from tests.helpers import execute, open_session, run, wait_status


def test_50_sessions_x_20_statements_every_row_accounted(gateway: RunningGateway) -> None:
    """Parallel clients, each with its own session; every statement's rows come back exactly."""

    def client(n: int) -> int:
        with gateway.client() as c:
            sh = open_session(c)
            total = 0
            for k in range(20):
                rows = run(c, sh, f"SELECT i, {n} AS s FROM range({k * 7}) t(i)").rows
                assert [r[0] for r in rows] == list(range(k * 7))
                assert all(r[1] == n for r in rows)
                total += len(rows)
            assert c.delete(f"/v3/sessions/{sh}").status_code == 200
            return total

    with ThreadPoolExecutor(max_workers=50) as pool:
        totals = list(pool.map(client, range(50)))
    assert totals == [sum(k * 7 for k in range(20))] * 50
    assert gateway.service.session_count == 0


def test_ten_million_rows_fetched_slowly_memory_bounded(process_factory) -> None:  # type: ignore[no-untyped-def]
    """A 10-million-row SELECT: the server holds one page at a time, whether the client
    fetches or stalls, and the rows arrive complete."""
    proc = process_factory()
    with httpx.Client(base_url=proc.url, timeout=60) as c:
        sh = open_session(c)
        warm = run(c, sh, "SELECT sum(i) FROM range(1000) t(i)")  # engine warmed up
        assert warm.rows == [[499500]]
        baseline = proc.rss_kb()
        oh = execute(
            c, sh,
            "SELECT i, i * 2 AS j, 'row-' || i AS s, i / 3.0 AS d FROM range(10000000) t(i)",
        )  # fmt: skip
        assert wait_status(c, sh, oh) == "FINISHED"
        uri: str | None = f"/v3/sessions/{sh}/operations/{oh}/result/0?rowFormat=JSON"
        rows = 0
        total = 0
        peak = 0
        pages = 0
        while uri is not None:
            body = orjson.loads(c.get(uri).content)
            data = body["results"]["data"] if body["resultType"] != "NOT_READY" else []
            rows += len(data)
            total += sum(r["fields"][0] for r in data)
            uri = body.get("nextResultUri")
            pages += 1
            if pages % 200 == 0:
                peak = max(peak, proc.rss_kb())
            if pages in (10, 500):  # the client stalls: the server must not read ahead
                before = proc.rss_kb()
                time.sleep(1.0)
                assert proc.rss_kb() - before < 20_000
        assert rows == 10_000_000
        assert total == sum(range(10_000_000))
        growth_mb = (peak - baseline) / 1024
        assert growth_mb < 150, f"server grew by {growth_mb:.0f} MB"


def test_sigterm_stops_within_five_seconds_with_running_statements(process_factory) -> None:  # type: ignore[no-untyped-def]
    proc = process_factory()
    with httpx.Client(base_url=proc.url, timeout=30) as c:
        sh = open_session(c)
        for _ in range(3):
            execute(c, sh, "SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 1")
        time.sleep(0.3)
        # a client in the middle of a long-poll-free fetch loop keeps its connection open
        stop = threading.Event()

        def poll() -> None:
            with httpx.Client(base_url=proc.url, timeout=30) as c2:
                while not stop.is_set():
                    try:
                        c2.get("/v1/info")
                    except httpx.HTTPError:
                        return

        t = threading.Thread(target=poll, daemon=True)
        t.start()
        started = time.monotonic()
        proc.proc.send_signal(signal.SIGTERM)
        proc.proc.wait(10)
        stop.set()
        assert time.monotonic() - started < 5
        assert proc.proc.returncode == 0
