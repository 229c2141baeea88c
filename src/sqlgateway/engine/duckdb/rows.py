"""Lazily streamed query results: one DuckDB cursor + Arrow reader per query operation.

Memory stays bounded: at most one Arrow batch (``batch_rows`` rows) is held; later batches are
pulled from DuckDB only when the fetcher asks for rows. Once the row format is known (the format
the first page was encoded in, or ``expect_format``), the rest of the stream goes through a
``rowtext.TextStage`` that adds each row's text, rendered by DuckDB.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa

from sqlgateway.engine.base import RowBatch, RowSource
from sqlgateway.engine.duckdb.batch import ArrowRowBatch
from sqlgateway.engine.duckdb.failures import retrieval_error
from sqlgateway.engine.duckdb.rowtext import TextStage
from sqlgateway.model import Column, RowFormat

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
        stage: TextStage | None = None,
    ) -> None:
        self._cursor = cursor
        self._stage = stage  # None: made from the first ArrowRowBatch's types
        self._stage_rows = max(1, first.num_rows if first is not None else 0)
        self._format: RowFormat | None = None
        self._reader = reader
        self._pending = first
        self._offset = 0
        self._make_batch = make_batch
        self._failure = failure
        self._stage_used: TextStage | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._done = reader is None and first is None and failure is None
        if self._done:
            self._release()

    def expect_format(self, row_format: RowFormat) -> None:
        """Rows not read yet get their text in ``row_format`` from DuckDB (first call wins)."""
        if self._format is None:
            self._format = row_format

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
        made = self._make_batch(batch)
        if self._format is None and self._stage_used is None and isinstance(made, ArrowRowBatch):
            if self._stage is None:
                self._stage = TextStage(made.types, made.time_zone, self._stage_rows)
            made.on_encode = self.expect_format
        return made

    def _pull(self) -> bool:
        if self._reader is None:
            return False
        try:
            self._start_stage()
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

    def _start_stage(self) -> None:
        stage, fmt = self._stage, self._format
        if stage is not None and fmt is not None and self._reader is not None:
            self._stage_used, self._stage = stage, None
            self._reader = stage.open(self._reader, fmt)

    def close(self) -> None:
        self._closed = True
        if self._lock.acquire(blocking=False):
            try:
                self._release()
            finally:
                self._lock.release()
        else:  # a fetch is reading: stop it, the reader thread releases afterwards
            if self._stage_used is not None:
                self._stage_used.interrupt()
            _interrupt(self._cursor)

    def _release(self) -> None:
        self._pending = None
        reader, self._reader = self._reader, None
        cursor, self._cursor = self._cursor, None
        if reader is not None:
            with contextlib.suppress(Exception):
                reader.close()
        stage, self._stage_used = self._stage_used, None
        if stage is not None:
            stage.close()
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
