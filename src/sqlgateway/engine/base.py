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
from dataclasses import dataclass, field
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

    def ready(self) -> bool:
        """True when ``next_batch`` would answer at once, without running the query further or
        waiting: the remaining rows are in memory, or the source is exhausted or closed. The
        service then serves the fetch on the event loop instead of a worker thread. Default:
        False (always safe)."""
        return False


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

    def cheap(self) -> bool:
        """True when ``get_config`` and ``close`` would return right now within well under a
        millisecond, without I/O or waiting on another thread (they may then run on the event
        loop). Default: False (always safe)."""
        return False

    def refresh_materialized_table(
        self, handle: OperationHandle, identifier: str, refresh: MaterializedRefresh,
        overrides: Mapping[str, str],
    ) -> StatementResult:  # fmt: skip
        """V3 refresh endpoint (Flink's ``MaterializedTableManager.refreshMaterializedTable``):
        blocking like ``execute``; the result is the refresh job's row. This default runs
        ``ALTER MATERIALIZED TABLE … REFRESH [PARTITION (…)]`` and refuses what that cannot say
        (a periodic refresh, dynamic options)."""
        from sqlgateway.errors import ExecutionError

        if refresh.periodic or refresh.dynamic_options:
            raise ExecutionError(
                "Periodic refreshes and dynamic options of the materialized-table refresh "
                "endpoint are not supported by this engine.",
                java_class="java.lang.UnsupportedOperationException",
            )
        statement = f"ALTER MATERIALIZED TABLE {identifier} REFRESH"
        if refresh.static_partitions:
            spec = ", ".join(
                f"`{k.replace('`', '``')}` = '{v.replace(chr(39), chr(39) * 2)}'"
                for k, v in refresh.static_partitions.items()
            )
            statement += f" PARTITION ({spec})"
        return self.execute(handle, statement, overrides)


@dataclass(frozen=True)
class MaterializedRefresh:
    """The refresh endpoint's body: ``periodic`` derives the partition from ``schedule_time``
    (``yyyy-MM-dd HH:mm:ss``), else ``static_partitions`` (column -> value) are refreshed;
    ``dynamic_options`` are table hints of the refresh job."""

    periodic: bool = False
    schedule_time: str | None = None
    static_partitions: Mapping[str, str] = field(default_factory=dict)
    dynamic_options: Mapping[str, str] = field(default_factory=dict)


class WorkflowScheduler(abc.ABC):
    """The embedded workflow scheduler (Flink's ``EmbeddedQuartzScheduler``): refresh workflows
    of materialized tables fired by Quartz cron expressions. Thread-safe; errors are
    ``GatewayError``s carrying Flink's messages."""

    @abc.abstractmethod
    def create(
        self, identifier: str, cron_expression: str, dynamic_options: Mapping[str, str],
        init_config: Mapping[str, str], execution_config: Mapping[str, str],
        rest_endpoint_url: str | None,
    ) -> tuple[str, str]:  # fmt: skip
        """Schedule a periodic refresh of ``identifier``; returns (workflow name, group)."""

    @abc.abstractmethod
    def suspend(self, name: str, group: str) -> None:
        """Pause the workflow (it stays scheduled)."""

    @abc.abstractmethod
    def resume(self, name: str, group: str, dynamic_options: Mapping[str, str]) -> None:
        """Resume the workflow; non-empty ``dynamic_options`` replace the workflow's."""

    @abc.abstractmethod
    def delete(self, name: str, group: str) -> None:
        """Remove the workflow (no error if it does not exist)."""

    @abc.abstractmethod
    def modify_cron(self, name: str, group: str, cron_expression: str) -> None:
        """Change the workflow's cron expression, keeping it paused if it was."""


class Engine(abc.ABC):
    """An engine: creates sessions. One instance per engine kind per gateway process.

    The service sees a :class:`sqlgateway.engine.routing.SessionEngines` that opens each session on
    the engine it chose: an Engine-level method added here must also be forwarded there (to the
    engine owning the session, ``SessionEngines.owner(session)``)."""

    name: str = "engine"

    @abc.abstractmethod
    def open_session(
        self, handle: SessionHandle, session_name: str | None, properties: Mapping[str, str]
    ) -> EngineSession:
        """Create a session whose configuration is the gateway's Flink configuration overlaid
        with ``properties``. Raises ``ExecutionError`` for an invalid property."""

    def cheap_open(self, properties: Mapping[str, str]) -> bool:
        """True when ``open_session`` with these properties returns within well under a
        millisecond, without I/O (it may then run on the event loop). Default: False."""
        return False

    def version(self) -> str:
        """Version string of the engine (for logs and /info extensions)."""
        return "unknown"

    def close(self) -> None:  # noqa: B027 - optional hook
        """Stop the engine (called once at gateway shutdown, after all sessions closed)."""

    def workflow_scheduler(self) -> WorkflowScheduler:
        """The engine's embedded workflow scheduler (V3 ``/workflow/embedded-scheduler/*``)."""
        from sqlgateway.errors import ExecutionError

        raise ExecutionError(
            f"The embedded workflow scheduler is not available on the {self.name} engine: "
            "materialized-table refresh workflows cannot be created, suspended, resumed, "
            "modified or deleted.",
            java_class="java.lang.UnsupportedOperationException",
        )

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
