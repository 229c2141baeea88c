"""Runs one statement: HTTP in a worker thread, rendering + spinner + Ctrl-C in the caller."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from dataclasses import dataclass, field

from sqlgateway.client import (
    GatewayClient,
    GatewayClientError,
    GatewayConnectionError,
    GatewayHTTPError,
    PollPolicy,
    ResultPage,
    RowFormat,
)

from .console import Console
from .results import ResultView
from .settings import DisplaySettings

ERROR_HEAD = "[ERROR] Could not execute SQL statement. Reason:"
_TICK = 0.1


@dataclass
class _Job:
    """State shared between the caller and the worker thread of one statement."""

    stop: threading.Event = field(default_factory=threading.Event)
    events: queue.Queue[tuple[str, object]] = field(default_factory=queue.Queue)
    operation: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class StatementRunner:
    """Executes statements of one session and prints their results."""

    def __init__(
        self,
        client: GatewayClient,
        session: str,
        console: Console,
        poll: PollPolicy | None = None,
    ) -> None:
        self.client = client
        self.session = session
        self.console = console
        self.poll = poll or PollPolicy(initial=0.05, maximum=0.2)
        self.last_error: GatewayClientError | None = None

    def run(self, statement: str, settings: DisplaySettings) -> bool:
        """Run ``statement``; print results or the error; True on success.

        Ctrl-C (KeyboardInterrupt) closes the operation (which stops a running job) and
        returns False without propagating.
        """
        job = _Job()
        self.last_error = None
        view = ResultView(self.console, settings)
        started = time.monotonic()
        worker = threading.Thread(target=self._work, args=(statement, job), daemon=True)
        worker.start()
        try:
            return self._pump(job, view, settings, started)
        except KeyboardInterrupt:
            self._interrupt(job, worker)
            view.finish(time.monotonic() - started, terminated=True)
            return False

    def _pump(self, job: _Job, view: ResultView, settings: DisplaySettings, started: float) -> bool:
        while True:
            try:
                kind, payload = job.events.get(timeout=_TICK)
            except queue.Empty:
                self._tick(view, started)
                continue
            if kind == "page":
                assert isinstance(payload, ResultPage)
                view.add(payload)
            elif kind == "done":
                view.finish(time.monotonic() - started)
                return True
            else:
                assert isinstance(payload, GatewayClientError)
                self.last_error = payload
                self.report(payload, settings.verbose)
                return False

    def _tick(self, view: ResultView, started: float) -> None:
        elapsed = time.monotonic() - started
        if view.is_query:
            unit = "changes" if view.live is not None else "rows"
            text = f"{view.received} {unit} received, {elapsed:.1f}s (Ctrl-C to stop)"
        else:
            text = f"running {elapsed:.1f}s (Ctrl-C to cancel)"
        self.console.status(text)

    def _work(self, statement: str, job: _Job) -> None:
        """Worker thread: execute, follow the result pages, close the operation, report."""
        outcome: tuple[str, object] = ("done", None)
        try:
            self._follow(statement, job)
        except GatewayClientError as exc:
            outcome = ("error", exc)
        except Exception as exc:  # a bug must not leave the caller waiting forever
            outcome = ("error", GatewayClientError(f"internal error: {exc!r}"))
        finally:
            self._close(job)
            if not job.stop.is_set():
                job.events.put(outcome)

    def _follow(self, statement: str, job: _Job) -> None:
        """Execute ``statement`` and queue its result pages until EOS (or stop)."""
        operation = self.client.execute(self.session, statement)
        with job.lock:
            job.operation = operation
        if job.stop.is_set():
            return
        pages = self.client.iter_results(
            self.session,
            operation,
            RowFormat.PLAIN_TEXT,
            self.poll,
            stop=job.stop.is_set,
            sleep=job.stop.wait,
        )
        for page in pages:
            job.events.put(("page", page))
            if _is_plain_success(page):
                break  # like the Flink client: an "OK" result needs no EOS round trip

    def _close(self, job: _Job) -> None:
        """Close the operation once (from whichever thread gets here first)."""
        with job.lock:
            operation, job.operation = job.operation, None
        if operation is not None:
            with contextlib.suppress(GatewayClientError):
                self.client.close_operation(self.session, operation)

    def _interrupt(self, job: _Job, worker: threading.Thread) -> None:
        """Ctrl-C: stop the worker and close the operation (cancel is illegal once FINISHED)."""
        job.stop.set()
        self.console.clear_status()
        for _ in range(2):
            try:
                self._close(job)
                worker.join(timeout=5.0)
                return
            except KeyboardInterrupt:
                continue

    def report(self, exc: GatewayClientError, verbose: bool = False) -> None:
        """Print an error the way the Flink SQL client does."""
        if isinstance(exc, GatewayHTTPError):
            detail = exc.full_text if verbose else exc.root_cause
            self.console.error(f"{ERROR_HEAD}\n{detail}")
        else:
            self.console.error(f"[ERROR] {describe_error(exc, verbose)}")


def _is_plain_success(page: ResultPage) -> bool:
    return page.result_kind == "SUCCESS" and page.is_query_result is False


def session_gone(exc: GatewayClientError | None, session: str) -> bool:
    """True when ``exc`` says that ``session`` does not exist (expired, gateway restarted)."""
    if not isinstance(exc, GatewayHTTPError):
        return False
    return f"Session '{session}' does not exist" in exc.full_text


def describe_error(exc: GatewayClientError, verbose: bool = False) -> str:
    """One-paragraph description: ``HTTP <status>: <root cause>`` or the connection problem."""
    if isinstance(exc, GatewayHTTPError):
        return f"HTTP {exc.status}: {exc.full_text if verbose else exc.root_cause}"
    if isinstance(exc, GatewayConnectionError):
        return f"could not reach the SQL gateway: {exc}"
    return str(exc)
