"""Lazily streamed query results: one DuckDB cursor + Arrow reader per query operation.

Memory stays bounded: at most one Arrow batch (``batch_rows`` rows) is held; later batches are
pulled from DuckDB only when the fetcher asks for rows.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa

from sqlgateway.engine.base import RowBatch, RowSource
from sqlgateway.engine.duckdb.failures import retrieval_error
from sqlgateway.model import Column

BatchFactory = Callable[[pa.RecordBatch], RowBatch]


class ArrowRowSource(RowSource):
    """Rows of one query; owns its cursor and reader and frees them when exhausted or closed."""

    def __init__(
        self,
        cursor: Any,
        reader: pa.RecordBatchReader | None,
        first: pa.RecordBatch | None,
        make_batch: BatchFactory,
        failure: BaseException | None = None,
    ) -> None:
        self._cursor = cursor
        self._reader = reader
        self._pending = first
        self._offset = 0
        self._make_batch = make_batch
        self._failure = failure
        self._lock = threading.Lock()
        self._closed = False
        self._done = reader is None and first is None and failure is None
        if self._done:
            self._release()

    def next_batch(self, max_rows: int, wait: float = 0.0) -> RowBatch | None:
        with self._lock:
            if self._closed or self._done:
                return None
            try:
                return self._next_locked(max(1, max_rows))
            finally:
                if self._closed or self._done:
                    self._release()

    def _next_locked(self, max_rows: int) -> RowBatch | None:
        if self._failure is not None:
            failure, self._failure = self._failure, None
            self._done = True
            raise retrieval_error(failure)
        while self._pending is None or self._offset >= self._pending.num_rows:
            if not self._pull():
                self._done = True
                return None
        batch = self._pending.slice(self._offset, max_rows)
        self._offset += batch.num_rows
        return self._make_batch(batch)

    def _pull(self) -> bool:
        if self._reader is None:
            return False
        try:
            self._pending = self._reader.read_next_batch()
        except StopIteration:
            return False
        except Exception as exc:
            self._done = True
            if self._closed:
                return False
            raise retrieval_error(exc)  # noqa: B904 - cause set inside
        self._offset = 0
        return True

    def close(self) -> None:
        self._closed = True
        if self._lock.acquire(blocking=False):
            try:
                self._release()
            finally:
                self._lock.release()
        else:  # a fetch is reading: stop it, the reader thread releases afterwards
            _interrupt(self._cursor)

    def _release(self) -> None:
        self._pending = None
        reader, self._reader = self._reader, None
        cursor, self._cursor = self._cursor, None
        if reader is not None:
            with contextlib.suppress(Exception):
                reader.close()
        if cursor is not None:
            _close_cursor(cursor)


def _interrupt(cursor: Any) -> None:
    if cursor is not None:
        with contextlib.suppress(Exception):
            cursor.interrupt()


def _close_cursor(cursor: Any) -> None:
    with contextlib.suppress(Exception):
        cursor.close()


def columns_of(
    names: Sequence[str], types: Sequence[Any], to_type: Callable[[Any], Any]
) -> list[Column]:
    """Result columns from DuckDB's column names and types."""
    return [Column(n, to_type(t)) for n, t in zip(names, types, strict=True)]
