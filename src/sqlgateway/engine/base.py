"""The contract between the service layer and an engine (DuckDB, Flink).

Threading contract:

* ``Engine`` methods may be called from any thread.
* ``EngineSession.execute`` / ``configure`` / ``complete`` of one session are never called
  concurrently (the service serialises them, like Flink's per-session semaphore), but they run on
  worker threads, not the event loop.
* ``EngineSession.cancel`` and ``RowSource.close`` may be called from any thread at any time,
  including while ``execute`` or ``next_batch`` is running; they must make those return promptly.
* ``RowSource.next_batch`` of one source is never called concurrently (the ResultFetcher holds a
  lock), but may run at the same time as ``execute`` of a later statement of the same session.

Errors: engines raise ``sqlgateway.errors.ExecutionError`` (with a Flink-like ``java_class``) for
anything a statement did wrong; driver exceptions never cross this boundary.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlgateway.model import Column, OperationHandle, ResultKind, RowFormat, SessionHandle


class RowBatch(Protocol):
    """A batch of result rows that can render itself in either row format."""

    def __len__(self) -> int: ...

    def encode(self, row_format: RowFormat) -> bytes:
        """The rows as comma-separated JSON objects ``{"kind":"INSERT","fields":[...]}``, with no
        surrounding brackets (the REST layer splices them into ``"data":[...]``). Values are
        encoded exactly as Flink's JSON or PLAIN_TEXT row format would encode them."""
        ...


class RowSource(abc.ABC):
    """The rows of one result, produced lazily; memory held must stay bounded."""

    @abc.abstractmethod
    def next_batch(self, max_rows: int, wait: float = 0.0) -> RowBatch | None:
        """Up to ``max_rows`` further rows.

        Returns ``None`` once the result is exhausted (and on every later call), and an empty
        batch when no row is available yet (a streaming source) after waiting up to ``wait``
        seconds for one. Raises ``ExecutionError`` if producing rows failed.
        """

    @abc.abstractmethod
    def close(self) -> None:
        """Release the result (cancel a running job, free cursors); idempotent, any thread."""


@dataclass
class StatementResult:
    """What executing one statement produced (Flink's ResultFetcher inputs)."""

    columns: Sequence[Column]
    kind: ResultKind
    source: RowSource
    is_query: bool = False
    job_id: str | None = None


class EngineSession(abc.ABC):
    """One client session inside an engine: its catalog position, configuration and state."""

    @abc.abstractmethod
    def execute(
        self, handle: OperationHandle, statement: str, overrides: Mapping[str, str]
    ) -> StatementResult:
        """Run one statement (Flink's execute-statement rules), blocking until its result can be
        fetched. ``overrides`` is the statement's ``executionConfig`` (this statement only)."""

    @abc.abstractmethod
    def configure(self, handle: OperationHandle, statement: str) -> None:
        """configure-session: run one SET/RESET/CREATE/DROP/ALTER/USE/LOAD/UNLOAD/ADD JAR
        statement; anything else raises ``ExecutionError`` with Flink's message."""

    @abc.abstractmethod
    def complete(self, statement: str, position: int) -> list[str]:
        """Completion candidates at ``position`` (0-based character offset)."""

    @abc.abstractmethod
    def cancel(self, handle: OperationHandle) -> None:
        """Interrupt ``execute`` of that operation if it is running (any thread)."""

    @abc.abstractmethod
    def get_config(self) -> dict[str, str]:
        """The session's effective configuration as strings (GET /sessions/:handle)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Free everything the session holds (jobs, cursors, temporary objects); idempotent."""


class Engine(abc.ABC):
    """An engine: creates sessions. One instance per gateway process."""

    name: str = "engine"

    @abc.abstractmethod
    def open_session(
        self, handle: SessionHandle, session_name: str | None, properties: Mapping[str, str]
    ) -> EngineSession:
        """Create a session whose configuration is the gateway's Flink configuration overlaid
        with ``properties``. Raises ``ExecutionError`` for an invalid property."""

    def version(self) -> str:
        """Version string of the engine (for logs and /info extensions)."""
        return "unknown"

    def close(self) -> None:  # noqa: B027 - optional hook
        """Stop the engine (called once at gateway shutdown, after all sessions closed)."""

    def deploy_script(
        self, session: EngineSession, script: str | None, script_uri: str | None,
        overrides: Mapping[str, str],
    ) -> str:  # fmt: skip
        """V4 deploy-script: run the script detached and return its cluster/job id."""
        from sqlgateway.errors import ExecutionError

        raise ExecutionError(
            f"Deploying scripts is not supported on the {self.name} engine yet.",
            java_class="java.lang.UnsupportedOperationException",
        )
