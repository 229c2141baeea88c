"""Sessions and the SessionManager: open/close, idle expiry, max-num, per-session ordering."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

from sqlgateway.engine.base import Engine, EngineSession
from sqlgateway.errors import (
    OperationNotFoundError,
    SessionNotFoundError,
    SqlGatewayError,
)
from sqlgateway.model import OperationHandle, SessionHandle
from sqlgateway.service.operation import Operation
from sqlgateway.service.pool import WorkerPool

log = logging.getLogger(__name__)


class Session:
    """One client session: the engine session, its operations, and the FIFO that runs its
    statements one at a time in submission order (Flink's per-session semaphore)."""

    def __init__(
        self,
        handle: SessionHandle,
        name: str | None,
        engine_session: EngineSession,
        principal: str | None,
    ) -> None:
        self.handle = handle
        self.name = name
        self.engine = engine_session
        self.principal = principal
        self.created = time.time()
        self.last_access = time.monotonic()
        self.closed = False
        self._operations: dict[OperationHandle, Operation] = {}
        self._lock = threading.Lock()
        self._queue: deque[Callable[[], None]] = deque()
        self._draining = False
        # statements of one session execute one at a time (engines are not re-entrant)
        self.exec_lock = threading.Lock()

    def touch(self) -> None:
        self.last_access = time.monotonic()

    def add_operation(self, op: Operation, max_operations: int) -> None:
        with self._lock:
            if self.closed:
                raise SessionNotFoundError(self.handle)
            if 0 < max_operations <= len(self._operations):
                raise SqlGatewayError(
                    f"Session '{self.handle}' has reached its limit of {max_operations} "
                    "operations; close finished operations first."
                )
            self._operations[op.handle] = op

    def get_operation(self, handle: OperationHandle) -> Operation:
        op = self._operations.get(handle)
        if op is None:
            raise OperationNotFoundError(handle)
        return op

    def find_operation(self, handle: OperationHandle) -> Operation | None:
        return self._operations.get(handle)

    def remove_operation(self, handle: OperationHandle) -> Operation | None:
        with self._lock:
            return self._operations.pop(handle, None)

    def operations(self) -> list[Operation]:
        with self._lock:
            return list(self._operations.values())

    def run_in_order(self, pool: WorkerPool, task: Callable[[], None]) -> None:
        """Queue ``task``; tasks of this session run one after another on the pool."""
        with self._lock:
            self._queue.append(task)
            if self._draining:
                return
            self._draining = True
        pool.submit(self._drain)

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._draining = False
                    return
                task = self._queue.popleft()
            task()

    def close(self) -> None:
        """Close every operation, then the engine session. Idempotent."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            ops = list(self._operations.values())
            self._operations.clear()
            self._queue.clear()
        for op in ops:
            if not op.status.is_terminal:
                self.engine.cancel(op.handle)
            op.close()
        try:
            self.engine.close()
        except Exception:
            log.exception("closing engine session %s failed", self.handle)


class SessionManager:
    """Owns every session (Flink's SessionManagerImpl)."""

    def __init__(self, engine: Engine, max_sessions: int, idle_timeout: float) -> None:
        self._engine = engine
        self._max = max_sessions
        self._idle_timeout = idle_timeout
        self._sessions: dict[SessionHandle, Session] = {}
        self._lock = threading.Lock()
        self._opening = 0

    def open(
        self,
        handle: SessionHandle,
        name: str | None,
        properties: Mapping[str, str],
        principal: str | None,
    ) -> Session:
        with self._lock:
            if 0 < self._max <= len(self._sessions) + self._opening:
                raise SqlGatewayError(
                    "Failed to create session, the count of active sessions exceeds the max "
                    f"count: {self._max}"
                )
            self._opening += 1
        try:
            engine_session = self._engine.open_session(handle, name, properties)
        finally:
            with self._lock:
                self._opening -= 1
        session = Session(handle, name, engine_session, principal)
        with self._lock:
            self._sessions[handle] = session
            count = len(self._sessions)
        # DEBUG, not INFO: at hundreds of sessions a second the log handler's lock and writes
        # cost more than the request (bench/NOTES.md); the metrics count sessions instead
        log.info("session %s opened (%d open)", handle, count)
        return session

    def get(self, handle: SessionHandle, principal: str | None) -> Session:
        """The live session; another principal's session looks exactly like an unknown one."""
        session = self._sessions.get(handle)
        if session is None or session.closed or session.principal != principal:
            raise SessionNotFoundError(handle)
        session.touch()
        return session

    def find(self, handle: SessionHandle, principal: str | None) -> Session | None:
        """The live session, or None (unknown, closed, or another principal's); no touch."""
        session = self._sessions.get(handle)
        if session is None or session.closed or session.principal != principal:
            return None
        return session

    def remove(self, handle: SessionHandle, principal: str | None) -> Session:
        with self._lock:
            session = self._sessions.get(handle)
            if session is None or session.principal != principal:
                raise SessionNotFoundError(handle)
            del self._sessions[handle]
            count = len(self._sessions)
        log.info("session %s closed (%d open)", handle, count)
        return session

    def expired(self) -> list[Session]:
        """Remove and return sessions idle for longer than the idle timeout."""
        if self._idle_timeout <= 0:
            return []
        now = time.monotonic()
        with self._lock:
            stale = [s for s in self._sessions.values() if now - s.last_access > self._idle_timeout]
            for s in stale:
                del self._sessions[s.handle]
        for s in stale:
            log.warning("session %s expired after %.0f s idle", s.handle, self._idle_timeout)
        return stale

    def all(self) -> list[Session]:
        with self._lock:
            return list(self._sessions.values())

    def remove_all(self) -> list[Session]:
        with self._lock:
            out = list(self._sessions.values())
            self._sessions.clear()
            return out

    def __len__(self) -> int:
        return len(self._sessions)
