"""Hypothesis state machine over a real gateway: random interleavings of open / execute / fetch /
refetch / cancel / close / heartbeat / close-session, some of them fired from several threads at
once, checking the protocol's invariants after every step:

* rows: a finished query yields exactly ``0..n-1`` in order (nothing lost, nothing duplicated);
* tokens: a payload page answers ``nextResultUri`` = token + 1, the previous token replays the
  same page, EOS has no next URI;
* statuses only move forward (INITIALIZED < PENDING < RUNNING < one terminal status < CLOSED);
* nothing leaks: after closing everything no session, extra thread or DuckDB cursor remains.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from tests.conftest import RunningGateway, start_gateway

PAGE = 200
RANK = {
    "INITIALIZED": 0, "PENDING": 1, "RUNNING": 2,
    "FINISHED": 3, "CANCELED": 3, "ERROR": 3, "TIMEOUT": 3, "CLOSED": 4,
}  # fmt: skip
TOKEN = re.compile(r"/result/(\d+)")


@dataclass
class Op:
    session: str
    handle: str
    n: int
    rows: list[int] = field(default_factory=list)
    token: int = 0
    last_page: list[int] | None = None
    status: str = "INITIALIZED"
    canceled: bool = False
    closed: bool = False
    eos: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Sess:
    handle: str
    closed: bool = False
    ops: list[Op] = field(default_factory=list)


class GatewayMachine(RuleBasedStateMachine):
    """Model of sessions and operations; every rule checks the server against it."""

    gw: RunningGateway
    sessions = Bundle("sessions")
    ops = Bundle("ops")

    def __init__(self) -> None:
        super().__init__()
        self.c = self.gw.client(timeout=60)
        self.all_sessions: list[Sess] = []

    # ---- helpers -----------------------------------------------------------------------------

    def _path(self, op: Op, tail: str) -> str:
        return f"/v2/sessions/{op.session}/operations/{op.handle}/{tail}"

    def _observe(self, op: Op, status: str) -> None:
        with op.lock:
            assert RANK[status] >= RANK[op.status], (op.status, status)
            if RANK[status] == RANK[op.status] == 3:
                assert status == op.status, (op.status, status)
            op.status = status

    def _gone(self, op: Op) -> bool:
        return op.closed or self._session(op).closed

    def _session(self, op: Op) -> Sess:
        return next(s for s in self.all_sessions if s.handle == op.session)

    # ---- rules -------------------------------------------------------------------------------

    @rule(target=sessions)
    def open_session(self) -> Sess:
        r = self.c.post("/v2/sessions", json={})
        assert r.status_code == 200, r.text
        s = Sess(r.json()["sessionHandle"])
        self.all_sessions.append(s)
        return s

    @rule(target=ops, s=sessions, n=st.integers(0, 1200))
    def execute(self, s: Sess, n: int) -> Any:
        sql = f"SELECT range AS x FROM range({n}) ORDER BY x"
        r = self.c.post(f"/v2/sessions/{s.handle}/statements", json={"statement": sql})
        if s.closed:
            assert r.status_code == 500 and "does not exist" in r.text
            return multiple()
        assert r.status_code == 200, r.text
        op = Op(s.handle, r.json()["operationHandle"], n)
        s.ops.append(op)
        return op

    @rule(op=ops)
    def status(self, op: Op) -> None:
        r = self.c.get(self._path(op, "status"))
        if self._gone(op):
            assert r.status_code == 500
            return
        assert r.status_code == 200, r.text
        self._observe(op, r.json()["status"])

    def _fetch(self, op: Op) -> None:
        with op.lock:
            token = op.token
        r = self.c.get(self._path(op, f"result/{token}?rowFormat=JSON"))
        with op.lock:
            if self._gone(op) or op.canceled:
                assert r.status_code in (200, 500)
                return
            if op.token != token:  # another thread fetched this token meanwhile
                return
            if r.status_code == 500 and "in CANCELED status" in r.text:
                # a concurrent cancel won the race (its response may not be back yet)
                op.canceled = True
                return
            assert r.status_code == 200, r.text
            body = r.json()
            kind = body["resultType"]
            nxt = body.get("nextResultUri")
            if kind == "NOT_READY":
                assert token == 0 and TOKEN.search(nxt).group(1) == "0"  # type: ignore[union-attr]
            elif kind == "PAYLOAD":
                page = [d["fields"][0] for d in body["results"]["data"]]
                assert len(page) <= PAGE
                assert TOKEN.search(nxt).group(1) == str(token + 1)  # type: ignore[union-attr]
                op.rows += page
                op.last_page = page
                op.token = token + 1
            else:
                assert kind == "EOS" and nxt is None
                assert op.rows == list(range(op.n)), "rows lost, duplicated or reordered"
                op.eos = True

    @rule(op=ops)
    def fetch(self, op: Op) -> None:
        self._fetch(op)

    @rule(op=ops)
    def refetch_previous(self, op: Op) -> None:
        with op.lock:
            if op.token == 0 or op.last_page is None or op.eos or self._gone(op) or op.canceled:
                return
            token, expected = op.token - 1, op.last_page
        r = self.c.get(self._path(op, f"result/{token}?rowFormat=JSON"))
        assert r.status_code == 200, r.text
        assert [d["fields"][0] for d in r.json()["results"]["data"]] == expected

    @rule(op=ops)
    def cancel(self, op: Op) -> None:
        r = self.c.post(self._path(op, "cancel"))
        if self._gone(op):
            assert r.status_code == 500
            return
        if r.status_code == 200:
            assert r.json() == {"status": "CANCELED"}
            op.canceled = True
            self._observe(op, "CANCELED")
        else:
            assert r.status_code == 500 and "Failed to convert the Operation Status" in r.text

    @rule(op=consumes(ops))
    def close_operation(self, op: Op) -> None:
        r = self.c.delete(self._path(op, "close"))
        if self._session(op).closed:
            assert r.status_code == 500
            return
        assert r.json() == {"status": "CLOSED"}
        op.closed = True
        gone = self.c.get(self._path(op, "status"))
        assert gone.status_code == 500 and "Can not find the submitted operation" in gone.text

    @rule(s=sessions)
    def heartbeat(self, s: Sess) -> None:
        r = self.c.post(f"/v1/sessions/{s.handle}/heartbeat")
        assert r.status_code == (500 if s.closed else 200)

    @rule(s=consumes(sessions))
    def close_session(self, s: Sess) -> None:
        r = self.c.delete(f"/v1/sessions/{s.handle}")
        assert r.status_code == (500 if s.closed else 200), r.text
        s.closed = True

    @rule(picks=st.lists(st.sampled_from(["fetch", "status", "cancel"]), min_size=2,
                         max_size=6), data=st.data())  # fmt: skip
    def concurrent_burst(self, picks: list[str], data: st.DataObject) -> None:
        """Several actions on distinct operations at the same time, from several threads."""
        live = [o for s in self.all_sessions if not s.closed for o in s.ops if not o.closed]
        if not live:
            return
        targets = data.draw(st.permutations(live))[: len(picks)]
        funcs = {"fetch": self._fetch, "status": self.status, "cancel": self.cancel}
        self._parallel([_bind(funcs[name], op) for name, op in zip(picks, targets, strict=False)])

    @rule(op=ops, fetches=st.integers(1, 3))
    def race_fetch_with_cancel(self, op: Op, fetches: int) -> None:
        """Fetches and a cancel of the same operation at the same time."""
        self._parallel([_bind(self._fetch, op)] * fetches + [_bind(self.cancel, op)])

    @staticmethod
    def _parallel(actions: list[Callable[[], None]]) -> None:
        with ThreadPoolExecutor(len(actions)) as pool:
            for f in [pool.submit(a) for a in actions]:
                f.result()

    @invariant()
    def finished_queries_drain(self) -> None:
        for s in self.all_sessions:
            for op in s.ops:
                assert len(op.rows) <= op.n

    def teardown(self) -> None:
        for s in self.all_sessions:
            if not s.closed:
                assert self.c.delete(f"/v1/sessions/{s.handle}").status_code == 200
        self.c.close()


def _bind(fn: Callable[[Op], None], op: Op) -> Callable[[], None]:
    return lambda: fn(op)


# bounded pools that live as long as the gateway: their sizes are checked, not counted as leaks
BOUNDED = {"sqlgateway-prefetch": 4, "mt-refresh": 1}


def _own_threads() -> int:
    """Threads other than anyio's bounded, self-expiring pool that runs blocking handlers and
    the gateway's fixed-size pools (whose bounds are asserted here)."""
    names = [t.name for t in threading.enumerate()]
    for prefix, bound in BOUNDED.items():
        assert sum(1 for n in names if n.startswith(prefix)) <= bound, names
    return sum(
        1 for n in names if n != "AnyIO worker thread" and not any(n.startswith(p) for p in BOUNDED)
    )


def _settings(examples: int, steps: int) -> settings:
    return settings(
        max_examples=examples, stateful_step_count=steps, deadline=None, database=None,
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip


def _connections(g: RunningGateway) -> int:
    with g.client() as c:
        sh = c.post("/v1/sessions", json={}).json()["sessionHandle"]
        sql = "SELECT * FROM duckdb_connection_count()"
        oh = c.post(f"/v1/sessions/{sh}/statements", json={"statement": sql}).json()
        oh = oh["operationHandle"]
        count = -1
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            body = c.get(f"/v1/sessions/{sh}/operations/{oh}/result/0").json()
            if body["resultType"] == "PAYLOAD":
                count = int(body["results"]["data"][0]["fields"][0])
                break
            time.sleep(0.01)
        c.delete(f"/v1/sessions/{sh}")
    return count


@pytest.mark.slow
def test_random_interleavings_keep_invariants() -> None:
    g = start_gateway({"sql-gateway.result.page-max-rows": str(PAGE)})
    try:
        connections = _connections(g)
        threads = _own_threads()
        GatewayMachine.gw = g
        run_state_machine_as_test(GatewayMachine, settings=_settings(25, 30))
        assert g.service.session_count == 0
        time.sleep(0.5)
        assert _connections(g) == connections, "DuckDB cursors leaked"
        names = [t.name for t in threading.enumerate()]
        assert _own_threads() <= threads + g.service.worker_threads, names
    finally:
        g.stop()


def test_machine_smoke() -> None:
    """A few short runs (fast), so the suite always exercises the machine."""
    g = start_gateway({"sql-gateway.result.page-max-rows": str(PAGE)})
    try:
        GatewayMachine.gw = g
        run_state_machine_as_test(GatewayMachine, settings=_settings(5, 15))
        assert g.service.session_count == 0
    finally:
        g.stop()
