"""ResultFetcher: Flink's token paging over an engine's lazily produced rows.

Token rules (Flink's ResultFetcher): the current token returns the next page and advances by
exactly one (even for an empty page); the previous token replays the last page (a retried request
is safe); any other token is an error; once exhausted the current token answers EOS forever.
"""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import Executor, Future
from dataclasses import dataclass

from sqlgateway.engine.base import RowBatch, StatementResult
from sqlgateway.errors import SQL_EXECUTION_EXCEPTION, ExecutionError, GatewayError
from sqlgateway.model import Column, ResultKind, ResultType, RowFormat

EMPTY: bytes = b""


@dataclass(frozen=True, slots=True)
class ResultPage:
    """One fetch answer. ``data`` is the comma-joined encoded rows (no brackets)."""

    result_type: ResultType
    next_token: int | None
    columns: tuple[Column, ...] = ()
    kind: ResultKind = ResultKind.SUCCESS
    is_query: bool = False
    job_id: str | None = None
    batch: RowBatch | None = None

    @property
    def row_count(self) -> int:
        return len(self.batch) if self.batch is not None else 0


def not_ready_page() -> ResultPage:
    return ResultPage(ResultType.NOT_READY, 0)


class ResultFetcher:
    """Pages over one StatementResult. Thread-safe; the source is pulled under a lock."""

    def __init__(
        self, result: StatementResult, page_max_rows: int, prefetch: Executor | None = None
    ) -> None:
        self._result = result
        # one page read and encoded ahead while the current one travels to the client
        self._prefetch = prefetch
        self._ahead: Future[RowBatch | None] | None = None
        self._columns = tuple(result.columns)
        self._page_max_rows = max(1, page_max_rows)
        self._lock = threading.Lock()
        self._current = 0
        self._previous: RowBatch | None = None
        self._eos = False
        self._failure: GatewayError | None = None
        self.rows_served = 0

    @property
    def exhausted(self) -> bool:
        return self._eos

    @property
    def result(self) -> StatementResult:
        return self._result

    def fetch(
        self, token: int, wait: float = 0.0, row_format: RowFormat | None = None
    ) -> ResultPage:
        """The page for ``token``; ``row_format`` (a hint) lets the next page be encoded ahead."""
        with self._lock:
            if token == self._current:
                return self._next(wait, row_format)
            if token == self._current - 1 and token >= 0:
                return self._page(ResultType.PAYLOAD, self._current, self._previous)
            c = self._current
            expected = "0" if c == 0 else f"{c} or {c - 1}"
            raise ExecutionError(f"Expecting token to be {expected}, but found {token}.")

    def ready(self, token: int) -> bool:
        """True when ``fetch(token)`` would answer at once: no other fetch is running and the
        answer is an error, EOS, a replayed page, or rows the source already holds."""
        if self._lock.locked():
            return False
        if token != self._current or self._failure is not None or self._eos:
            return True
        ahead = self._ahead
        if ahead is not None:
            return ahead.done()
        return self._result.source.ready()

    def _next(self, wait: float, row_format: RowFormat | None) -> ResultPage:
        self._previous = None
        if self._failure is not None:
            raise self._failure
        if self._eos:
            return self._page(ResultType.EOS, None, None)
        try:
            batch = self._pull(wait)
        except GatewayError as exc:
            failure = ExecutionError(
                "Error while retrieving result.", java_class=SQL_EXECUTION_EXCEPTION
            )
            failure.__cause__ = exc
            self._failure = failure
            raise failure from exc
        if batch is None:
            self._eos = True
            self._result.source.close()
            return self._page(ResultType.EOS, None, None)
        self._current += 1
        self._previous = batch
        self.rows_served += len(batch)
        # only bulk results are read ahead: a full page suggests more rows are waiting (a
        # stream's next page must not be read early, it could miss rows that arrive meanwhile)
        full = len(batch) >= self._page_max_rows
        if self._prefetch is not None and row_format is not None and full:
            self._ahead = self._prefetch.submit(self._produce, row_format)
        return self._page(ResultType.PAYLOAD, self._current, batch)

    def _pull(self, wait: float) -> RowBatch | None:
        ahead, self._ahead = self._ahead, None
        if ahead is not None:
            return ahead.result()
        return self._result.source.next_batch(self._page_max_rows, wait)

    def _produce(self, row_format: RowFormat) -> RowBatch | None:
        batch = self._result.source.next_batch(self._page_max_rows, 0.0)
        if batch is not None and len(batch):
            with contextlib.suppress(GatewayError):  # the request that serves it will report it
                batch.encode(row_format)  # batches cache their encoding
        return batch

    def _page(
        self, rtype: ResultType, next_token: int | None, batch: RowBatch | None
    ) -> ResultPage:
        r = self._result
        return ResultPage(rtype, next_token, self._columns, r.kind, r.is_query, r.job_id, batch)

    def fail(self, error: GatewayError) -> None:
        """Make every later fetch raise ``error`` (e.g. the statement timed out)."""
        self._result.source.close()
        with self._lock:
            self._failure = error

    def close(self) -> None:
        self._result.source.close()
