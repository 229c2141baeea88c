"""V4 deploy-script on the DuckDB engine: the whole script runs as one detached job.

Flink deploys the script as an application cluster; here it runs on a worker thread in a session
of its own, opened with the deploying session's configuration plus the request's
``executionConfig``. The job (id = the answered ``clusterID``) is in SHOW JOBS as RUNNING until
the last statement ends (FINISHED), a statement fails (FAILED, logged) or STOP JOB stops it
(CANCELED). Query rows go to the gateway's log as a count, as an application's go to stdout.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from sqlgateway.engine.base import RowBatch, RowSource
from sqlgateway.engine.duckdb.jobs import Job, _now
from sqlgateway.engine.duckdb.sandbox import check_path
from sqlgateway.errors import VALIDATION_EXCEPTION, ExecutionError
from sqlgateway.model import new_operation_handle
from sqlgateway.sql.splitter import split_statements

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBSession

log = logging.getLogger(__name__)


def deploy(
    session: DuckDBSession, script: str | None, script_uri: str | None,
    overrides: Mapping[str, str],
) -> str:  # fmt: skip
    """Start the script; returns its cluster id (= its job id)."""
    text = script if script is not None else _read(session, script_uri)
    statements = split_statements(text)
    properties = session.config.effective(overrides)
    engine = session.engine
    job_id = uuid.uuid4().hex
    name = properties.get("pipeline.name") or f"deploy-script_{job_id[:8]}"
    worker = engine.open_session(uuid.uuid4(), name, properties)  # type: ignore[arg-type]
    run = ScriptRun(worker, statements, job_id)
    run.job = Job(job_id, name, "RUNNING", _now(), run)
    engine.jobs.add(run.job)
    threading.Thread(target=run.run, name=f"deploy-script-{job_id[:8]}", daemon=True).start()
    return job_id


def _read(session: DuckDBSession, uri: str | None) -> str:
    if uri is None or not uri.strip():
        raise ExecutionError(
            "Either 'script' or 'scriptUri' must be specified to deploy a script.",
            java_class="java.lang.IllegalArgumentException",
        )
    try:
        parsed = urlparse(uri)
    except ValueError as exc:
        raise ExecutionError(
            f"Invalid script URI {uri}: {exc}", java_class=VALIDATION_EXCEPTION
        ) from None
    if parsed.scheme not in ("", "file"):
        raise ExecutionError(
            f"Cannot read the script {uri}: the duckdb engine reads scripts from file:// URIs "
            f"only (not {parsed.scheme}://).",
            java_class=VALIDATION_EXCEPTION,
        )
    path = unquote(parsed.path) if parsed.scheme else uri
    try:
        check_path(path, session.engine.settings)
        return Path(path).read_text(encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise ExecutionError(
            f"Cannot read the script {uri}: {getattr(exc, 'strerror', None) or exc}",
            java_class="java.io.IOException",
        ) from None


class ScriptRun(RowSource):
    """The running script: the job's ``source`` (``close`` = STOP JOB)."""

    def __init__(self, session: DuckDBSession, statements: list[str], job_id: str) -> None:
        self.session = session
        self.statements = statements
        self.job_id = job_id
        self.job: Job | None = None
        self.running = True
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._current: RowSource | None = None
        self._handle = new_operation_handle()

    def next_batch(self, max_rows: int, wait: float = 0.0) -> RowBatch | None:
        return None

    def close(self) -> None:
        """Stop the script: interrupt the running statement and skip the rest."""
        self._stopped.set()
        with self._lock:
            current, handle = self._current, self._handle
        self.session.cancel(handle)
        if current is not None:
            current.close()

    def run(self) -> None:
        status = "FINISHED"
        try:
            for i, statement in enumerate(self.statements, 1):
                if self._stopped.is_set():
                    break
                self._statement(i, statement)
        except Exception as exc:  # noqa: BLE001 - the job's status reports it
            if not self._stopped.is_set():
                status = "FAILED"
                log.error("deploy-script job %s failed: %s", self.job_id, exc)
        finally:
            if self._stopped.is_set():
                status = "CANCELED"
            if self.job is not None:
                self.job.status = status
            self.running = False
            self.session.close()
            log.info("deploy-script job %s %s", self.job_id, status)

    def _statement(self, index: int, statement: str) -> None:
        with self._lock:
            self._handle = new_operation_handle()
            handle = self._handle
        result = self.session.execute(handle, statement, {})
        with self._lock:
            self._current = result.source
        rows = 0
        try:
            while not self._stopped.is_set():
                batch = result.source.next_batch(1000, wait=0.2)
                if batch is None:
                    break
                rows += len(batch)
        finally:
            result.source.close()
            with self._lock:
                self._current = None
        if result.is_query:
            log.info("deploy-script job %s: statement %d returned %d rows",
                     self.job_id, index, rows)  # fmt: skip
