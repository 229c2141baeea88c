"""Audit log: one JSON line per statement, written when the statement's outcome is known.

Line fields: ``ts`` (UTC, ISO 8601), ``event`` ("statement"), ``principal`` (null when
authentication is off), ``session``, ``operation``, ``statement``, ``status`` (FINISHED, ERROR,
CANCELED, TIMEOUT or CLOSED for one closed while still running), ``rows`` (rows served to the
client), ``duration_ms`` (execution time, submission to end), ``error`` (root message, if any).

When a line is written: at ERROR / CANCELED / TIMEOUT; at FINISHED for statements without a
query result; for queries when the operation is closed (explicitly, by closing or expiring its
session, or at shutdown) so that ``rows`` counts every row the client fetched.

Service wiring (``GatewayService``): ``audit.begin(op, session_handle, principal)`` right after
creating an operation, and ``audit.on_status(op, status)`` from the operation's status callback.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from typing import IO, Any, Protocol

import orjson

from sqlgateway.config import Settings
from sqlgateway.errors import root_message
from sqlgateway.model import OperationStatus
from sqlgateway.security import options as opt

S = OperationStatus
MAX_STATEMENT_CHARS = 65_536


class AuditedOperation(Protocol):
    """What the audit log reads from an operation (``sqlgateway.service.operation.Operation``)."""

    @property
    def handle(self) -> Any: ...
    @property
    def statement(self) -> str | None: ...
    @property
    def created(self) -> float: ...
    @property
    def ended(self) -> float | None: ...
    @property
    def fetcher(self) -> Any: ...
    @property
    def error(self) -> BaseException | None: ...


class AuditLog:
    """Writes audit lines to a text stream; thread-safe."""

    def __init__(self, stream: IO[str], owns_stream: bool = False) -> None:
        self._stream, self._owns = stream, owns_stream
        self._lock = threading.Lock()
        self._pending: dict[Any, tuple[str, str | None, str | None]] = {}
        self._outcome: dict[Any, OperationStatus] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> AuditLog | None:
        """The configured audit log, or None when ``sql-gateway.security.audit.file`` is unset."""
        target = settings.get(opt.AUDIT_FILE)
        if target is None:
            return None
        if target == "-":
            return cls(sys.stderr)
        return cls(open(target, "a", encoding="utf-8", buffering=1), owns_stream=True)  # noqa: SIM115

    def begin(self, op: AuditedOperation, session: object, principal: str | None) -> None:
        """Remember who submitted ``op`` in which session (call before it can change status)."""
        with self._lock:
            self._pending[op.handle] = (str(session), principal, op.statement)

    def on_status(self, op: AuditedOperation, status: OperationStatus) -> None:
        """Status callback: write the line once the outcome is final."""
        if status is S.CLOSED:
            outcome = self._outcome.pop(op.handle, S.CLOSED)
            self._write(op, outcome)
        elif status in (S.ERROR, S.CANCELED, S.TIMEOUT):
            self._write(op, status)
        elif status is S.FINISHED:
            fetcher = op.fetcher
            if fetcher is not None and fetcher.result.is_query:
                with self._lock:
                    if op.handle in self._pending:
                        self._outcome[op.handle] = status
                return
            self._write(op, status)

    def _write(self, op: AuditedOperation, status: OperationStatus) -> None:
        with self._lock:
            context = self._pending.pop(op.handle, None)
            self._outcome.pop(op.handle, None)
        if context is None:  # not audited, or already written
            return
        session, principal, statement = context
        fetcher = op.fetcher
        ended = op.ended or dt.datetime.now(dt.UTC).timestamp()
        line = {
            "ts": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            "event": "statement",
            "principal": principal,
            "session": session,
            "operation": str(op.handle),
            "statement": (statement or "")[:MAX_STATEMENT_CHARS],
            "status": status.value,
            "rows": int(getattr(fetcher, "rows_served", 0) or 0),
            "duration_ms": round(max(0.0, ended - op.created) * 1000, 3),
            "error": root_message(op.error) if op.error is not None else None,
        }
        data = orjson.dumps(line).decode() + "\n"
        with self._lock:
            self._stream.write(data)
            self._stream.flush()

    @property
    def pending(self) -> int:
        """Operations begun whose line is not written yet."""
        with self._lock:
            return len(self._pending)

    def close(self) -> None:
        """Close the file (if the log opened it)."""
        with self._lock:
            if self._owns:
                self._stream.close()
