"""Operations: one submitted statement, its status machine and its result (Flink's Operation)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor

from sqlgateway.engine.base import StatementResult
from sqlgateway.errors import SQL_EXECUTION_EXCEPTION, ExecutionError, GatewayError, SqlGatewayError
from sqlgateway.model import OperationHandle, OperationStatus
from sqlgateway.service.result import ResultFetcher

log = logging.getLogger(__name__)

S = OperationStatus


class Operation:
    """A statement's lifecycle. Status changes follow ``OperationStatus.can_move_to`` only."""

    def __init__(
        self,
        handle: OperationHandle,
        statement: str | None,
        on_status: Callable[[Operation, OperationStatus], None] | None = None,
    ) -> None:
        self.handle = handle
        self.statement = statement
        self.created = time.time()
        self.started: float | None = None
        self.ended: float | None = None
        self._status = S.INITIALIZED
        self._cond = threading.Condition()
        self._error: GatewayError | None = None
        self._fetcher: ResultFetcher | None = None
        self._on_status = on_status
        self._on_done: list[Callable[[], None]] = []

    @property
    def status(self) -> OperationStatus:
        return self._status

    @property
    def fetcher(self) -> ResultFetcher | None:
        return self._fetcher

    @property
    def error(self) -> GatewayError | None:
        return self._error

    def _move(self, target: OperationStatus) -> bool:
        """Move to ``target`` if legal; caller holds ``_cond``."""
        if not self._status.can_move_to(target):
            return False
        log.debug("operation %s %s -> %s", self.handle, self._status.value, target.value)
        self._status = target
        if target is S.RUNNING:
            self.started = time.time()
        elif target.is_terminal and self.ended is None:
            self.ended = time.time()
        self._cond.notify_all()
        if self._on_status is not None:
            self._on_status(self, target)
        if target.is_terminal and self._on_done:
            callbacks, self._on_done = self._on_done, []
            for callback in callbacks:
                callback()
        return True

    def add_done_callback(self, callback: Callable[[], None]) -> bool:
        """Call ``callback()`` once the status is terminal, from the thread that ends the
        operation (under its lock: it must only hand off, e.g. wake an event loop). Returns
        False, without registering it, if the status already is terminal."""
        with self._cond:
            if self._status.is_terminal:
                return False
            self._on_done.append(callback)
            return True

    def remove_done_callback(self, callback: Callable[[], None]) -> None:
        """Forget a callback that is no longer wanted (e.g. a long-poll that timed out)."""
        with self._cond:
            if callback in self._on_done:
                self._on_done.remove(callback)

    def try_move(self, target: OperationStatus) -> bool:
        with self._cond:
            return self._move(target)

    def move_or_raise(self, target: OperationStatus) -> None:
        """Flink's updateState: an illegal transition is an error naming both statuses."""
        with self._cond:
            if not self._move(target):
                raise SqlGatewayError(
                    f"Failed to convert the Operation Status from {self._status.value} to "
                    f"{target.value} for {self.handle}."
                )

    def finish(
        self, result: StatementResult, page_max_rows: int, prefetch: Executor | None = None
    ) -> bool:
        """RUNNING -> FINISHED with a result; False (and nothing kept) if no longer running."""
        with self._cond:
            if not self._status.can_move_to(S.FINISHED):
                return False
            self._fetcher = ResultFetcher(result, page_max_rows, prefetch)
            return self._move(S.FINISHED)

    def fail(self, cause: BaseException) -> bool:
        """-> ERROR, keeping Flink's "Failed to execute the operation <uuid>." wrapper."""
        error = ExecutionError(
            f"Failed to execute the operation {self.handle}.", java_class=SQL_EXECUTION_EXCEPTION
        )
        error.__cause__ = cause
        with self._cond:
            if not self._status.can_move_to(S.ERROR):
                return False
            self._error = error
            return self._move(S.ERROR)

    def wait_terminal(self, timeout: float | None) -> bool:
        """Wait until the status is terminal (FINISHED, ERROR, …); True if it is."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._status.is_terminal:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def close(self) -> None:
        """-> CLOSED from any state, releasing the result."""
        with self._cond:
            self._move(S.CLOSED)
            fetcher = self._fetcher
        if fetcher is not None:
            fetcher.close()
