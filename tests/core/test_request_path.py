"""The request path's fast lanes (issue 5): what the event loop answers itself must be exactly
what the threaded path answered, a long-poll must not hold a thread, and small results are read
while the statement executes."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import Any

import httpx
import pytest

from sqlgateway import config
from sqlgateway.engine.duckdb.engine import DuckDBEngine
from sqlgateway.model import RowFormat
from sqlgateway.rest.coalesce import CoalescingTransport
from tests.conftest import RunningGateway
from tests.helpers import error_text, execute, fetch_all, open_session, run, wait_status

LONG_QUERY = "SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3"


def result_uri(sh: str, oh: str, token: int = 0) -> str:
    return f"/v3/sessions/{sh}/operations/{oh}/result/{token}?rowFormat=JSON"


def test_long_poll_is_woken_by_cancel(gateway_factory) -> None:  # type: ignore[no-untyped-def]
    g: RunningGateway = gateway_factory({"sql-gateway.result.fetch-max-wait": "30 s"})
    with g.client() as c, g.client() as poller:
        sh = open_session(c)
        oh = execute(c, sh, LONG_QUERY)
        answer: dict[str, Any] = {}

        def poll() -> None:
            answer["response"] = poller.get(result_uri(sh, oh))
            answer["at"] = time.monotonic()

        thread = threading.Thread(target=poll)
        thread.start()
        time.sleep(0.3)
        assert c.post(f"/v3/sessions/{sh}/operations/{oh}/cancel").json() == {"status": "CANCELED"}
        cancelled = time.monotonic()
        thread.join(20)
        r = answer["response"]
        assert r.status_code == 500
        assert f"Can not fetch results from the {oh} in CANCELED status." in error_text(r)
        assert answer["at"] - cancelled < 5  # woken by the cancel, not by the 30 s wait


def test_long_polls_hold_no_worker_thread(gateway_factory) -> None:  # type: ignore[no-untyped-def]
    """More long-polls than AnyIO has worker threads (40): requests that need a thread are
    still served at once, and every poll answers when its operation ends."""
    g: RunningGateway = gateway_factory({"sql-gateway.result.fetch-max-wait": "30 s"})
    polls = 48
    with g.client() as c:
        sh = open_session(c)
        execute(c, sh, LONG_QUERY)  # the statements after it wait in the session's queue
        queued = [execute(c, sh, "SELECT 1") for _ in range(polls)]
        other = open_session(c)

        async def scenario() -> tuple[list[httpx.Response], float, float]:
            limits = httpx.Limits(max_connections=polls + 8)
            async with httpx.AsyncClient(base_url=g.url, timeout=60, limits=limits) as ac:
                waiting = [asyncio.create_task(ac.get(result_uri(sh, oh))) for oh in queued]
                await asyncio.sleep(1.0)
                started = time.monotonic()
                body = {"statement": "SELECT 1", "position": 0}
                r = await ac.request(
                    "GET", f"/v3/sessions/{other}/complete-statement", json=body
                )  # a handler that runs on a worker thread
                assert r.status_code == 200, r.text
                served_in = time.monotonic() - started
                assert not any(t.done() for t in waiting)
                closed = time.monotonic()
                assert (await ac.delete(f"/v3/sessions/{sh}")).json() == {"status": "CLOSED"}
                answers = await asyncio.gather(*waiting)
                return answers, served_in, time.monotonic() - closed

        answers, served_in, drained_in = asyncio.run(scenario())
    assert served_in < 5
    assert drained_in < 10
    for r in answers:  # the polls answer as a fetch on a closed session does
        assert r.status_code == 500
        assert f"Session '{sh}' does not exist" in error_text(r)


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT 1", [0]),
        ("SELECT i FROM range(0) t(i)", []),
        ("SELECT i FROM range(4999) t(i)", list(range(4999))),
        ("SELECT i FROM range(5000) t(i)", list(range(5000))),
        ("SELECT i FROM range(12001) t(i)", list(range(12001))),
        # the first batch is short but not the last: nothing is lost or reordered
        ("SELECT i FROM range(3000) t(i) UNION ALL SELECT i + 3000 FROM range(3000) t(i)",
         list(range(6000))),
    ],
)  # fmt: skip
def test_small_and_streamed_results_are_exact(
    gateway: RunningGateway, sql: str, expected: list[int]
) -> None:
    with gateway.client() as c:
        sh = open_session(c)
        res = run(c, sh, sql)
        values = [row[0] for row in res.rows]
        if sql == "SELECT 1":
            assert values == [1]
        else:
            assert sorted(values) == expected and len(values) == len(expected)
        assert res.pages[-1]["resultType"] == "EOS"


def test_small_result_is_in_memory_when_execute_returns() -> None:
    engine = DuckDBEngine(config.load(None, {}, environ={}))
    try:
        session = engine.open_session(uuid.uuid4(), None, {})  # type: ignore[arg-type]
        small = session.execute(uuid.uuid4(), "SELECT 1 AS x, 'a' AS y", {})  # type: ignore[arg-type]
        assert small.source.ready()
        assert session.cheap()  # no cursor is left running
        batch = small.source.next_batch(100)
        assert batch is not None and len(batch) == 1
        assert batch.encode(RowFormat.JSON) == b'{"kind":"INSERT","fields":[1,"a"]}'
        assert small.source.next_batch(100) is None
        big = session.execute(uuid.uuid4(), "SELECT i FROM range(20000) t(i)", {})  # type: ignore[arg-type]
        assert not big.source.ready()  # streamed from its cursor, page by page
        big.source.close()
        session.close()
    finally:
        engine.close()


def test_translations_shared_between_sessions_respect_temporary_objects(
    gateway: RunningGateway,
) -> None:
    """A translation is shared only while it read no table metadata: a session's temporary
    view and a later catalog view still decide what the same text reads."""
    with gateway.client() as c:
        a, b = open_session(c), open_session(c)
        name = f"v_{uuid.uuid4().hex[:8]}"
        query = f"SELECT * FROM {name}"
        assert wait_status(c, a, execute(c, a, query)) == "ERROR"  # no such table yet
        assert run(c, b, f"CREATE TEMPORARY VIEW {name} AS SELECT 7 AS x").rows == [["OK"]]
        assert run(c, b, query).rows == [[7]]
        assert wait_status(c, a, execute(c, a, query)) == "ERROR"
        assert run(c, a, f"CREATE VIEW {name} AS SELECT 8 AS x").rows == [["OK"]]
        assert run(c, a, query).rows == [[8]]
        assert run(c, b, query).rows == [[7]]  # the temporary view shadows the catalog one


def test_session_calls_on_the_loop_answer_as_before(gateway: RunningGateway) -> None:
    with gateway.client() as c:
        sh = open_session(c, properties={"table.local-time-zone": "UTC"})
        config_body = c.get(f"/v3/sessions/{sh}").json()["properties"]
        assert config_body["table.local-time-zone"] == "UTC"
        assert c.delete(f"/v3/sessions/{sh}").json() == {"status": "CLOSED"}
        r = c.delete(f"/v3/sessions/{sh}")
        assert r.status_code == 500 and f"Session '{sh}' does not exist" in error_text(r)
        r = c.get(f"/v3/sessions/{sh}")
        assert r.status_code == 500 and f"Session '{sh}' does not exist" in error_text(r)
        sh = open_session(c)
        oh = execute(c, sh, "SELECT 1")
        assert fetch_all(c, sh, oh).rows == [[1]]
        wrong = c.get(result_uri(sh, oh, 5))  # Flink's token rules, answered on the loop
        assert wrong.status_code == 500
        assert "Expecting token to be 1 or 0, but found 5." in error_text(wrong)


class _RecordingTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


def test_response_pieces_are_written_together() -> None:
    async def scenario() -> _RecordingTransport:
        real = _RecordingTransport()
        t = CoalescingTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
        t.write(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n")
        t.write(b"{}")
        assert real.writes == []  # nothing sent within the iteration
        await asyncio.sleep(0)
        assert real.writes == [b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"]
        big = b"x" * (1 << 20)
        t.write(b"head")
        t.write(big)
        await asyncio.sleep(0)
        assert real.writes[1:] == [b"head", big]  # a big body is not copied
        t.write(b"last")
        t.close()  # pending bytes go out before the close
        assert real.writes[-1] == b"last" and real.closed
        assert t.is_closing()
        return real

    asyncio.run(scenario())
