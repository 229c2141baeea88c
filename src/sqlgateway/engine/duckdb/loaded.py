"""Small query results read completely while the statement executes.

A query whose rows fit in one Arrow batch is read to its end on the worker thread that ran it:
its cursor is released at once and the first fetch finds the page in memory (``ready``), so the
service can answer it on the event loop without a thread hop. Bigger results keep streaming
lazily (rows.ArrowRowSource).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from typing import Any

import pyarrow as pa

from sqlgateway.engine.base import RowBatch, RowSource
from sqlgateway.engine.duckdb.failures import retrieval_error
from sqlgateway.engine.duckdb.rows import ArrowRowSource
from sqlgateway.engine.duckdb.rowtext import TextStage

BatchFactory = Callable[[pa.RecordBatch], RowBatch]

# Pages up to this many values (rows x columns) are cheap enough to encode on the event loop.
INLINE_CELLS = 4096


class LoadedRowSource(RowSource):
    """At most one batch of rows held in memory, optionally followed by a failure that the fetch
    after the rows reports (as a streamed result would)."""

    def __init__(
        self,
        batch: pa.RecordBatch | None,
        make_batch: BatchFactory,
        failure: BaseException | None = None,
    ) -> None:
        self._batch = batch if batch is not None and batch.num_rows else None
        self._offset = 0
        self._make_batch = make_batch
        self._failure = failure
        self._cells = 0 if self._batch is None else self._batch.num_rows * self._batch.num_columns

    def next_batch(self, max_rows: int, wait: float = 0.0) -> RowBatch | None:
        batch = self._batch
        if batch is not None and self._offset < batch.num_rows:
            part = batch.slice(self._offset, max(1, max_rows))
            self._offset += part.num_rows
            return self._make_batch(part)
        self._batch = None
        failure, self._failure = self._failure, None
        if failure is not None:
            raise retrieval_error(failure)
        return None

    def ready(self) -> bool:
        return self._batch is None or self._cells <= INLINE_CELLS

    def close(self) -> None:
        self._batch = None
        self._failure = None


def small_or_streamed(
    cur: Any,
    reader: pa.RecordBatchReader,
    first: pa.RecordBatch,
    make_batch: BatchFactory,
    stage: TextStage | None = None,
) -> RowSource:
    """``first`` was shorter than a full batch: read on to see whether it was the last one.

    If it was, the cursor is closed and the rows are kept; otherwise the rows keep streaming
    from the cursor (the batch read to find out is not lost)."""
    try:
        second = reader.read_next_batch()
    except StopIteration:
        _close(reader, cur)
        return LoadedRowSource(first, make_batch)
    except Exception as exc:  # a runtime failure after the first rows: reported after them
        _close(reader, cur)
        return LoadedRowSource(first, make_batch, failure=exc)
    rest = pa.RecordBatchReader.from_batches(reader.schema, itertools.chain([second], reader))
    return ArrowRowSource(cur, rest, first, make_batch, stage=stage)


def _close(reader: pa.RecordBatchReader, cur: Any) -> None:
    for thing in (reader, cur):
        with contextlib.suppress(Exception):  # best effort: the rows are already read
            thing.close()
