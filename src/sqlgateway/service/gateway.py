"""GatewayService: the one façade the REST layer calls (Flink's SqlGatewayService).

Every method is blocking and thread-safe; the REST layer calls them from worker threads. Errors
are ``GatewayError``s wrapped the way Flink's SqlGatewayServiceImpl wraps them ("Failed to
fetchResults.", …) so clients see the same messages.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlgateway import config
from sqlgateway.config import Settings
from sqlgateway.engine.base import Engine, StatementResult
from sqlgateway.engine.base import MaterializedRefresh as MaterializedRefresh
from sqlgateway.errors import (
    BadRequestError,
    ExecutionError,
    GatewayError,
    SqlGatewayError,
)
from sqlgateway.model import (
    OperationHandle,
    OperationStatus,
    RowFormat,
    SessionHandle,
    new_operation_handle,
    new_session_handle,
)
from sqlgateway.security.audit import AuditLog
from sqlgateway.service.operation import Operation
from sqlgateway.service.pool import Timers, WorkerPool
from sqlgateway.service.result import ResultPage, not_ready_page
from sqlgateway.service.session import Session, SessionManager
from sqlgateway.service.stats import GatewayStats

log = logging.getLogger(__name__)

S = OperationStatus

MAX_OPERATIONS = config.Option(
    "sql-gateway.session.max-operations", int, "10000",
    "Operations a session may hold (not yet closed) at once; <= 0 means unlimited.",
)  # fmt: skip
config.register(MAX_OPERATIONS)


@contextlib.contextmanager
def failing(message: str) -> Iterator[None]:
    """Wrap a service error as Flink does: ``SqlGatewayException(message)`` caused by it."""
    try:
        yield
    except BadRequestError:
        raise
    except GatewayError as exc:
        raise SqlGatewayError(message) from exc


@dataclass(frozen=True, slots=True)
class OperationInfo:
    handle: OperationHandle
    status: OperationStatus
    statement: str | None
    created: float
    started: float | None
    ended: float | None

    @classmethod
    def of(cls, op: Operation) -> OperationInfo:
        return cls(op.handle, op.status, op.statement, op.created, op.started, op.ended)


class GatewayService:
    """Sessions, statements, operations and results over one engine."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self.stats = GatewayStats()
        self._page_max_rows = settings.get(config.PAGE_MAX_ROWS)
        self._max_operations = settings.get(MAX_OPERATIONS)
        self._sessions = SessionManager(
            engine,
            settings.get(config.SESSION_MAX_NUM),
            settings.get(config.SESSION_IDLE_TIMEOUT),
        )
        self._pool = WorkerPool(
            settings.get(config.WORKER_THREADS_MIN),
            settings.get(config.WORKER_THREADS_MAX),
            settings.get(config.WORKER_KEEPALIVE),
        )
        self._timers = Timers()
        self._prefetch = ThreadPoolExecutor(4, thread_name_prefix="sqlgateway-prefetch")
        self._closed = False
        self._audit = AuditLog.from_settings(settings)
        interval = settings.get(config.SESSION_CHECK_INTERVAL)
        if interval > 0:
            self._timers.every(interval, self._expire_idle)

    # ---- Session management ---------------------------------------------------------------

    def open_session(
        self,
        name: str | None = None,
        properties: Mapping[str, str] | None = None,
        principal: str | None = None,
    ) -> SessionHandle:
        handle = new_session_handle()
        with failing("Failed to openSession."):
            self._sessions.open(handle, name, dict(properties or {}), principal)
        self.stats.add("sessions_opened")
        return handle

    def close_session(self, handle: SessionHandle, principal: str | None = None) -> None:
        with failing("Failed to closeSession."):
            session = self._sessions.remove(handle, principal)
        session.close()
        self.stats.add("sessions_closed")

    def get_session_config(
        self, handle: SessionHandle, principal: str | None = None
    ) -> dict[str, str]:
        with failing("Failed to getSessionConfig."):
            return self._sessions.get(handle, principal).engine.get_config()

    def heartbeat(self, handle: SessionHandle, principal: str | None = None) -> None:
        with failing("Failed to getSessionConfig."):
            self._sessions.get(handle, principal)

    def configure_session(
        self,
        handle: SessionHandle,
        statement: str,
        timeout_ms: int = 0,
        principal: str | None = None,
    ) -> None:
        """Run one configuring statement synchronously, in order with the session's others."""
        with failing("Failed to configure session."):
            session = self._sessions.get(handle, principal)
            op = Operation(new_operation_handle(), statement)
            done: list[BaseException] = []

            def task() -> None:
                if not op.try_move(S.RUNNING):
                    return
                try:
                    session.engine.configure(op.handle, statement)
                except BaseException as exc:  # reported to the caller below
                    done.append(exc)
                    op.fail(exc)
                else:
                    op.try_move(S.FINISHED)

            op.try_move(S.PENDING)
            session.run_in_order(self._pool, task)
            self._wait_with_timeout(session, op, timeout_ms)
            if op.status is S.ERROR and op.error is not None:
                raise op.error
            if op.status is S.TIMEOUT:
                raise self._timeout_error(timeout_ms)

    def complete_statement(
        self, handle: SessionHandle, statement: str, position: int, principal: str | None = None
    ) -> list[str]:
        with failing("Failed to get statement completion candidates."):
            session = self._sessions.get(handle, principal)
            with session.exec_lock:
                return session.engine.complete(statement, position)

    # ---- Statements and operations ----------------------------------------------------------

    def _new_operation(
        self, handle: SessionHandle, statement: str | None, principal: str | None
    ) -> tuple[Session, Operation]:
        """A new operation of the session (audited, counted against its limit), INITIALIZED."""
        session = self._sessions.get(handle, principal)
        op = Operation(new_operation_handle(), statement, self._on_status)
        if self._audit is not None:
            self._audit.begin(op, handle, principal)
        session.add_operation(op, self._max_operations)
        return session, op

    def execute_statement(
        self,
        handle: SessionHandle,
        statement: str | None,
        timeout_ms: int = 0,
        execution_config: Mapping[str, str] | None = None,
        principal: str | None = None,
        defer: Callable[[Callable[[], None]], None] | None = None,
    ) -> OperationHandle:
        """Submit a statement; returns at once with the handle (status PENDING).

        ``defer``, if given, is called with the submission instead of submitting at once: the
        REST layer runs it after the response is written, so the worker does not compete with
        the event loop for the GIL while the handle is being sent."""
        with failing("Failed to execute statement."):
            session, op = self._new_operation(handle, statement, principal)
        overrides = dict(execution_config or {})
        op.try_move(S.PENDING)

        def submit() -> None:
            session.run_in_order(self._pool, lambda: self._run(session, op, overrides))

        if defer is None:
            submit()
        else:
            defer(submit)
        if timeout_ms and timeout_ms > 0:
            self._timers.call_later(
                timeout_ms / 1000.0, lambda: self._expire(session, op, timeout_ms)
            )
        self.stats.add("statements_executed")
        return op.handle

    def _run(
        self,
        session: Session,
        op: Operation,
        overrides: dict[str, str],
        call: Callable[[], StatementResult] | None = None,
    ) -> None:
        """Run the operation's statement (or ``call``, e.g. a materialized-table refresh)."""
        if not op.try_move(S.RUNNING):
            return
        started = time.perf_counter()
        try:
            if op.statement is None:
                raise ExecutionError(
                    'Cannot invoke "String.trim()" because "statement" is null',
                    java_class="java.lang.NullPointerException",
                )
            with session.exec_lock:
                if call is not None:
                    result = call()
                else:
                    result = session.engine.execute(op.handle, op.statement, overrides)
        except BaseException as exc:
            if not isinstance(exc, GatewayError):
                log.exception("statement of operation %s failed unexpectedly", op.handle)
            self.stats.add("engine_errors")
            op.fail(exc)
        else:
            if not op.finish(result, self._page_max_rows, self._prefetch):
                result.source.close()
        finally:
            self.stats.observe_latency(time.perf_counter() - started)

    def _on_status(self, op: Operation, status: OperationStatus) -> None:
        self.stats.status_entered(status.value)
        if self._audit is not None:
            self._audit.on_status(op, status)

    def _timeout_error(self, timeout_ms: int) -> ExecutionError:
        return ExecutionError(
            f"The statement did not finish within its executionTimeout of {timeout_ms} ms "
            "and was interrupted.",
            java_class="java.util.concurrent.TimeoutException",
        )

    def _expire(self, session: Session, op: Operation, timeout_ms: int = 0) -> None:
        """executionTimeout reached: interrupt a running statement (-> TIMEOUT), or stop a
        finished query's remaining rows."""
        if op.try_move(S.TIMEOUT):
            session.engine.cancel(op.handle)
            return
        fetcher = op.fetcher
        if op.status is S.FINISHED and fetcher is not None and not fetcher.exhausted:
            fetcher.fail(self._timeout_error(timeout_ms))

    def _wait_with_timeout(self, session: Session, op: Operation, timeout_ms: int) -> None:
        if timeout_ms and timeout_ms > 0:
            if not op.wait_terminal(timeout_ms / 1000.0):
                self._expire(session, op, timeout_ms)
                op.wait_terminal(None)
        else:
            op.wait_terminal(None)

    def _operation(
        self, handle: SessionHandle, op_handle: OperationHandle, principal: str | None
    ) -> tuple[Session, Operation]:
        session = self._sessions.get(handle, principal)
        return session, session.get_operation(op_handle)

    def get_operation_info(
        self, handle: SessionHandle, op_handle: OperationHandle, principal: str | None = None
    ) -> OperationInfo:
        with failing("Failed to getOperationInfo."):
            _, op = self._operation(handle, op_handle, principal)
            return OperationInfo.of(op)

    def list_operations(
        self, handle: SessionHandle, principal: str | None = None
    ) -> list[OperationInfo]:
        with failing("Failed to listOperations."):
            session = self._sessions.get(handle, principal)
            return [OperationInfo.of(o) for o in session.operations()]

    def cancel_operation(
        self, handle: SessionHandle, op_handle: OperationHandle, principal: str | None = None
    ) -> OperationStatus:
        with failing("Failed to cancelOperation."):
            session, op = self._operation(handle, op_handle, principal)
            op.move_or_raise(S.CANCELED)
            session.engine.cancel(op.handle)
            return op.status

    def close_operation(
        self, handle: SessionHandle, op_handle: OperationHandle, principal: str | None = None
    ) -> None:
        with failing("Failed to closeOperation."):
            session = self._sessions.get(handle, principal)
            op = session.remove_operation(op_handle)
        if op is not None:
            if not op.status.is_terminal:
                session.engine.cancel(op.handle)
            op.close()

    def fetch_results(
        self,
        handle: SessionHandle,
        op_handle: OperationHandle,
        token: int,
        wait: float = 0.0,
        principal: str | None = None,
        row_format: RowFormat | None = None,
    ) -> ResultPage:
        """One page by Flink's token rules; ``wait`` > 0 long-polls for the result or rows."""
        with failing("Failed to fetchResults."):
            _, op = self._operation(handle, op_handle, principal)
            if not op.status.is_terminal and wait > 0:
                op.wait_terminal(wait)
            status = op.status
            if status is S.FINISHED and op.fetcher is not None:
                return op.fetcher.fetch(token, wait, row_format)
            if status is S.ERROR and op.error is not None:
                raise op.error
            if status in (S.CANCELED, S.TIMEOUT):
                raise SqlGatewayError(
                    f"Can not fetch results from the {op_handle} in {status.value} status."
                )
            if status is S.CLOSED:
                raise SqlGatewayError(
                    "Can not find the submitted operation in the OperationManager with the "
                    f"{op_handle}."
                )
            self.stats.add("pages_not_ready")
            return not_ready_page()

    # ---- What the REST layer may run on its event loop (never blocking) ----------------------

    def opens_cheaply(self, properties: Mapping[str, str] | None) -> bool:
        """``open_session`` with these properties returns at once (the engine says so)."""
        return self.engine.cheap_open(properties or {})

    def session_is_cheap(self, handle: SessionHandle, principal: str | None = None) -> bool:
        """``get_session_config`` / ``close_session`` of this session return at once: its engine
        session says so, or the call fails at once (unknown session)."""
        session = self._sessions.find(handle, principal)
        return session is None or session.engine.cheap()

    def fetch_ready(
        self, handle: SessionHandle, op_handle: OperationHandle, token: int,
        principal: str | None = None,
    ) -> bool:  # fmt: skip
        """``fetch_results(..., wait=0)`` answers at once: with NOT_READY or an error, or from a
        page the result already holds."""
        session = self._sessions.find(handle, principal)
        op = session.find_operation(op_handle) if session is not None else None
        if op is None or op.status is not S.FINISHED or op.fetcher is None:
            return True
        return op.fetcher.ready(token)

    def when_done(
        self, handle: SessionHandle, op_handle: OperationHandle, callback: Callable[[], None],
        principal: str | None = None,
    ) -> Callable[[], None] | None:  # fmt: skip
        """Arrange ``callback()`` for when the operation reaches a terminal status; it is called
        from the thread that ends it and must only hand off (e.g. wake an event loop). Returns
        a function that unregisters it, or None (nothing registered) when the operation is
        already terminal or unknown."""
        session = self._sessions.find(handle, principal)
        op = session.find_operation(op_handle) if session is not None else None
        if op is None or not op.add_done_callback(callback):
            return None
        return lambda: op.remove_done_callback(callback)

    # ---- V3/V4 extensions (engines may not support them) -----------------------------------

    def deploy_script(
        self,
        handle: SessionHandle,
        script: str | None,
        script_uri: str | None,
        execution_config: Mapping[str, str] | None,
        principal: str | None = None,
    ) -> str:
        with failing("Failed to deploy script."):
            session = self._sessions.get(handle, principal)
            with session.exec_lock:
                return self.engine.deploy_script(
                    session.engine, script, script_uri, dict(execution_config or {})
                )

    # ---- lifecycle ----------------------------------------------------------------------------

    def _expire_idle(self) -> None:
        self.expire_idle_sessions()

    def expire_idle_sessions(self) -> int:
        stale = self._sessions.expired()
        for s in stale:
            s.close()
            self.stats.add("sessions_expired")
        return len(stale)

    @property
    def session_count(self) -> int:
        return len(self._sessions)

    @property
    def worker_threads(self) -> int:
        return self._pool.thread_count

    def close(self) -> None:
        """Interrupt running statements, close every session, stop threads and the engine.
        Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._timers.shutdown()
        for session in self._sessions.remove_all():
            session.close()
        self._pool.shutdown()
        self._prefetch.shutdown(wait=False, cancel_futures=True)
        try:
            self.engine.close()
        except Exception:
            log.exception("the %s engine did not close cleanly", self.engine.name)
        if self._audit is not None:
            self._audit.close()

    def refresh_materialized_table(
        self,
        handle: SessionHandle,
        identifier: str,
        refresh: MaterializedRefresh,
        execution_config: Mapping[str, str] | None = None,
        principal: str | None = None,
    ) -> OperationHandle:
        """V3 refresh: an ordinary operation running the engine's refresh of the materialized
        table (Flink's ``refreshMaterializedTable``); its result is the refresh job's row."""
        statement = f"ALTER MATERIALIZED TABLE {identifier} REFRESH"
        with failing("Failed to refresh materialized table."):
            session, op = self._new_operation(handle, statement, principal)
        overrides = dict(execution_config or {})
        op.try_move(S.PENDING)

        def call() -> StatementResult:
            return session.engine.refresh_materialized_table(
                op.handle, identifier, refresh, overrides
            )

        session.run_in_order(self._pool, lambda: self._run(session, op, overrides, call))
        self.stats.add("statements_executed")
        return op.handle

    # ---- V3 embedded workflow scheduler (Flink's handlers call the scheduler directly) ------

    def create_workflow(
        self, identifier: str, cron_expression: str, dynamic_options: Mapping[str, str],
        init_config: Mapping[str, str], execution_config: Mapping[str, str],
        rest_endpoint_url: str | None,
    ) -> tuple[str, str]:  # fmt: skip
        """Schedule a periodic refresh; returns (workflowName, workflowGroup)."""
        return self.engine.workflow_scheduler().create(
            identifier, cron_expression, dynamic_options, init_config, execution_config,
            rest_endpoint_url,
        )  # fmt: skip

    def suspend_workflow(self, name: str, group: str) -> None:
        self.engine.workflow_scheduler().suspend(name, group)

    def resume_workflow(self, name: str, group: str, dynamic_options: Mapping[str, str]) -> None:
        self.engine.workflow_scheduler().resume(name, group, dynamic_options)

    def delete_workflow(self, name: str, group: str) -> None:
        self.engine.workflow_scheduler().delete(name, group)

    def modify_workflow_cron(self, name: str, group: str, cron_expression: str) -> None:
        self.engine.workflow_scheduler().modify_cron(name, group, cron_expression)
