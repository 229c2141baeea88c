"""Rows of one Flink result, pulled from the JVM in batches and encoded there."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

# A Py4J call into a JVM that went away raises Py4JError (or a socket error).
import orjson
from py4j.protocol import Py4JError
from pyflink.util.exceptions import JavaException

from sqlgateway.engine.base import RowSource
from sqlgateway.engine.flink import convert
from sqlgateway.engine.flink.convert import retrieval_error
from sqlgateway.engine.flink.jvm import ILLEGAL_STATE, JvmGeneration
from sqlgateway.errors import ExecutionError
from sqlgateway.model import RowFormat

# PyFlink turns Java exceptions thrown through Py4J into its own JavaException subclasses.
JVM_ERRORS: tuple[type[BaseException], ...] = (Py4JError, OSError, JavaException)


def _encode_error(text: str | None) -> ExecutionError:
    """Rows Flink's converters cannot encode (e.g. a MAP with non-string keys as JSON)."""
    err = ExecutionError("Could not map response to JSON.", java_class=ILLEGAL_STATE)
    if text:
        err.__cause__ = convert.error_from_chain(orjson.loads(text).get("error", []))
    return err


class FlinkRowBatch:
    """A batch held in the JVM; ``encode`` asks the JVM for Flink's own encoding (cached)."""

    __slots__ = ("_batch", "_size", "_gen", "_cache")

    def __init__(self, batch: Any, size: int, gen: JvmGeneration) -> None:
        self._batch = batch
        self._size = size
        self._gen = gen
        self._cache: dict[RowFormat, bytes] = {}

    def __len__(self) -> int:
        return self._size

    def encode(self, row_format: RowFormat) -> bytes:
        out = self._cache.get(row_format)
        if out is None:
            if self._size == 0:
                out = b""
            else:
                self._gen.check()
                try:
                    text: str | None = self._batch.encode(row_format is RowFormat.JSON)
                    if text is None:
                        raise _encode_error(self._batch.encodeError())
                except JVM_ERRORS as exc:
                    self._gen.check()
                    raise ExecutionError(
                        f"Could not map response to JSON: {exc}", java_class=ILLEGAL_STATE
                    ) from None
                out = text.encode("utf-8")
            self._cache[row_format] = out
            if len(self._cache) == 2:
                self._batch = None  # both formats known: release the JVM rows
        return out


class FlinkRowSource(RowSource):
    """Polls the helper's RowFetcher; ``close`` cancels the job behind the rows."""

    def __init__(
        self,
        runner: Any,
        fetcher: Any,
        gen: JvmGeneration,
        health: Callable[[], str | None] | None = None,
        on_close: Callable[[FlinkRowSource], None] | None = None,
    ) -> None:
        self._runner = runner
        self._fetcher = fetcher
        self._gen = gen
        self._health = health
        self._on_close = on_close
        self._done = False
        self._closed = threading.Event()
        self._failure: ExecutionError | None = None

    def next_batch(self, max_rows: int, wait: float = 0.0) -> FlinkRowBatch | None:
        if self._failure is not None:
            raise self._failure
        if self._done or self._closed.is_set():
            return None
        self._check_alive()
        try:
            batch = self._fetcher.poll(max(0, max_rows), int(max(0.0, wait) * 1000))
            if batch is None:
                self._done = True
                return None
            error = batch.error()
            size = int(batch.size())
        except JVM_ERRORS:
            if self._closed.is_set():
                return None
            self._check_alive()
            raise
        if error is not None:
            self._failure = retrieval_error(error)
            raise self._failure
        if size == 0:
            self._check_health()
        return FlinkRowBatch(batch, size, self._gen)

    def _check_alive(self) -> None:
        if not self._gen.alive:
            self._failure = ExecutionError(
                self._gen.death or "The Flink JVM is gone.", java_class=ILLEGAL_STATE
            )
            raise self._failure

    def _check_health(self) -> None:
        problem = self._health() if self._health is not None else None
        if problem is not None:
            self._failure = ExecutionError(problem, java_class=ILLEGAL_STATE)
            self.close()
            raise self._failure

    def fail(self, message: str) -> None:
        """Mark the result failed (cluster lost); the next fetch raises."""
        self._failure = ExecutionError(message, java_class=ILLEGAL_STATE)

    def close(self) -> None:
        if self._closed.is_set():
            return
        self._closed.set()
        if self._on_close is not None:
            self._on_close(self)
        if self._gen.alive:
            with contextlib.suppress(*JVM_ERRORS):
                self._runner.release(self._fetcher)
