"""Unit tests of the pure core: config loading, the status machine, token paging, the pool."""

from __future__ import annotations

import threading
import time

import pytest

from sqlgateway import config
from sqlgateway.engine.base import RowBatch, RowSource, StatementResult
from sqlgateway.engine.common import PyRowBatch
from sqlgateway.errors import ExecutionError, GatewayError
from sqlgateway.model import INT, Column, OperationStatus, ResultKind, ResultType, RowFormat
from sqlgateway.service.pool import Timers, WorkerPool
from sqlgateway.service.result import ResultFetcher

S = OperationStatus


def test_config_precedence(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "config.yaml"
    f.write_text(
        "sql-gateway:\n  endpoint:\n    rest:\n      port: 9001\n"
        "  session:\n    idle-timeout: 2 min\nexecution.target: local\n"
    )
    env = {"SQLGATEWAY_SQL_GATEWAY_ENDPOINT_REST_PORT": "9002"}
    s = config.load(f, None, env)
    assert s.get(config.REST_PORT) == 9002  # env beats file
    assert s.get(config.SESSION_IDLE_TIMEOUT) == 120.0
    assert s.flink_config["execution.target"] == "local"
    s = config.load(f, {"sql-gateway.endpoint.rest.port": "9003"}, env)
    assert s.get(config.REST_PORT) == 9003  # -D beats env
    assert config.load(None, None, {}).get(config.REST_PORT) == 8083


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10 min", 600), ("600s", 600), ("100ms", 0.1), ("250", 0.25), ("1 h", 3600), ("2d", 172800)],
)
def test_durations(text: str, seconds: float) -> None:
    assert config.parse_duration(text) == pytest.approx(seconds)


def test_port_ranges_and_bad_values() -> None:
    assert config.parse_port_range("8083-8085,9000") == (8083, 8084, 8085, 9000)
    with pytest.raises(config.ConfigError, match="sql-gateway.session.max-num"):
        config.load(None, {"sql-gateway.session.max-num": "many"}, {})
    with pytest.raises(config.ConfigError, match="key=value"):
        config.parse_dynamic(["novalue"])


def test_status_transitions_follow_flink() -> None:
    assert S.INITIALIZED.can_move_to(S.PENDING)
    assert S.RUNNING.can_move_to(S.TIMEOUT)
    assert not S.FINISHED.can_move_to(S.CANCELED)
    assert not S.CLOSED.can_move_to(S.CLOSED)
    assert all(s.can_move_to(S.CLOSED) for s in S if s is not S.CLOSED)
    assert {s for s in S if s.is_terminal} == {S.FINISHED, S.CANCELED, S.CLOSED, S.ERROR, S.TIMEOUT}


class ListSource(RowSource):
    """Rows 0..n-1 in batches; ``gaps`` empty batches first (a slow stream)."""

    def __init__(self, n: int, gaps: int = 0, fail_at: int | None = None) -> None:
        self.n, self.pos, self.gaps, self.fail_at, self.closed = n, 0, gaps, fail_at, False

    def next_batch(self, max_rows: int, wait: float = 0.0) -> RowBatch | None:
        if self.gaps:
            self.gaps -= 1
            return PyRowBatch([INT()], [])
        if self.fail_at is not None and self.pos >= self.fail_at:
            raise ExecutionError("boom")
        if self.pos >= self.n:
            return None
        rows = [[i] for i in range(self.pos, min(self.n, self.pos + max_rows))]
        self.pos += len(rows)
        return PyRowBatch([INT()], rows)

    def close(self) -> None:
        self.closed = True


def fetcher(source: RowSource, page: int = 2) -> ResultFetcher:
    result = StatementResult([Column("x", INT())], ResultKind.SUCCESS_WITH_CONTENT, source, True)
    return ResultFetcher(result, page)


def test_fetcher_tokens_pages_and_eos() -> None:
    src = ListSource(5, gaps=1)
    f = fetcher(src)
    p = f.fetch(0)
    assert (p.result_type, p.next_token, p.row_count) == (ResultType.PAYLOAD, 1, 0)  # empty page
    p = f.fetch(1)
    assert (p.next_token, p.batch.encode(RowFormat.JSON)) == (  # type: ignore[union-attr]
        2,
        b'{"kind":"INSERT","fields":[0]},{"kind":"INSERT","fields":[1]}',
    )
    assert f.fetch(1).batch is p.batch  # replay of the previous token
    with pytest.raises(ExecutionError, match="Expecting token to be 2 or 1, but found 0."):
        f.fetch(0)
    assert f.fetch(2).row_count == 2
    assert f.fetch(3).row_count == 1
    eos = f.fetch(4)
    assert (eos.result_type, eos.next_token) == (ResultType.EOS, None) and src.closed
    assert f.fetch(4).result_type is ResultType.EOS
    assert f.fetch(3).row_count == 0  # the previous page is gone once EOS was answered


def test_fetcher_runtime_failure_is_sticky() -> None:
    f = fetcher(ListSource(10, fail_at=2))
    f.fetch(0)
    for _ in range(2):
        with pytest.raises(GatewayError, match="Error while retrieving result."):
            f.fetch(1)


def test_worker_pool_bounds_and_shrinks() -> None:
    pool = WorkerPool(min_threads=1, max_threads=3, keepalive=0.05)
    gate = threading.Event()
    done: list[int] = []
    for i in range(6):
        pool.submit(lambda i=i: (gate.wait(5), done.append(i)))
    time.sleep(0.05)
    assert pool.thread_count == 3  # bounded
    gate.set()
    deadline = time.monotonic() + 5
    while (len(done) < 6 or pool.thread_count > 1) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sorted(done) == list(range(6))
    assert pool.thread_count == 1  # extra threads left after the keepalive
    pool.shutdown()


def test_timers_run_in_deadline_order() -> None:
    timers = Timers()
    seen: list[str] = []
    timers.call_later(0.06, lambda: seen.append("late"))
    timers.call_later(0.01, lambda: seen.append("early"))
    time.sleep(0.2)
    timers.shutdown()
    assert seen == ["early", "late"]
