"""Statement dispatch of the DuckDB engine: which handler runs which kind of Flink statement."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb

from sqlgateway.engine.base import StatementResult
from sqlgateway.engine.common import job_id_result, ok_result, string_rows_result
from sqlgateway.engine.duckdb import standin
from sqlgateway.engine.duckdb.failures import execution_error, is_runtime
from sqlgateway.engine.duckdb.rows import ArrowRowSource
from sqlgateway.errors import PARSER_EXCEPTION, ExecutionError
from sqlgateway.model import Column, OperationHandle, ResultKind
from sqlgateway.sql.classifier import Kind, Statement

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBSession

Handler = Callable[["DuckDBSession", OperationHandle, Statement, dict[str, str]], StatementResult]


@dataclass
class Job:
    """An INSERT / statement-set "job" (synchronous on DuckDB, kept for SHOW JOBS)."""

    job_id: str
    name: str
    status: str
    start_ms: int


class JobRegistry:
    """Jobs of the engine, newest last (SHOW JOBS / DESCRIBE JOB / STOP JOB)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def add(self, job: Job) -> None:
        with self._lock:
            self._jobs[job.job_id] = job
            while len(self._jobs) > 1000:
                self._jobs.pop(next(iter(self._jobs)))

    def all(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)


def run(
    session: DuckDBSession, handle: OperationHandle, stmt: Statement, overrides: dict[str, str]
) -> StatementResult:
    """Execute one classified statement for ``session``."""
    handler = _HANDLERS.get(stmt.kind, run_ddl)
    return handler(session, handle, stmt, overrides)


# ---- SET / RESET ------------------------------------------------------------------------------

_SET_KV = re.compile(r"SET\s+('(?:[^']|'')*'|[^\s=']+)\s*=\s*('(?:[^']|'')*'|\S.*)$", re.I | re.S)
_SET_DANGLING = re.compile(r"SET\s+('(?:[^']|'')*'|[^\s=']+)\s*=\s*$", re.I | re.S)
_RESET_K = re.compile(r"RESET\s+('(?:[^']|'')*'|\S+)$", re.I | re.S)


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    return text


def run_set(
    session: DuckDBSession, handle: OperationHandle, stmt: Statement, overrides: dict[str, str]
) -> StatementResult:
    """``SET`` lists the configuration sorted by key; ``SET 'k' = 'v'`` changes it."""
    text = stmt.text
    if re.fullmatch(r"SET", text, re.I):
        items = sorted(session.config.effective(overrides).items())
        return string_rows_result(["key", "value"], [list(kv) for kv in items])
    m = _SET_KV.fullmatch(text)
    if m is None:
        raise _set_parse_error(text)
    session.config.set(_unquote(m.group(1)), _unquote(m.group(2)))
    return ok_result()


def _set_parse_error(text: str) -> ExecutionError:
    if _SET_DANGLING.fullmatch(text):
        column = len(text.rstrip()) + 1
        return ExecutionError(
            f'Encountered "<EOF>" at line 1, column {column}.\nWas expecting one of:\n'
            "    <BINARY_STRING_LITERAL> ...\n    <QUOTED_STRING> ...\n"
            "    <PREFIXED_STRING_LITERAL> ...\n    <UNICODE_STRING_LITERAL> ...\n"
            "    <C_STYLE_ESCAPED_STRING_LITERAL> ...\n"
            "    <BIG_QUERY_DOUBLE_QUOTED_STRING> ...\n    <BIG_QUERY_QUOTED_STRING> ...\n",
            java_class="org.apache.flink.table.api.SqlParserEOFException",
        )
    return ExecutionError(
        f"SQL parse failed. Cannot parse SET statement: {text}", java_class=PARSER_EXCEPTION
    )


def run_reset(
    session: DuckDBSession, handle: OperationHandle, stmt: Statement, overrides: dict[str, str]
) -> StatementResult:
    """``RESET`` restores the initial configuration; ``RESET 'k'`` one key."""
    if re.fullmatch(r"RESET", stmt.text, re.I):
        session.config.reset()
        return ok_result()
    m = _RESET_K.fullmatch(stmt.text)
    if m is None:
        raise ExecutionError(
            f"SQL parse failed. Cannot parse RESET statement: {stmt.text}",
            java_class=PARSER_EXCEPTION,
        )
    session.config.reset(_unquote(m.group(1)))
    return ok_result()


# ---- queries ------------------------------------------------------------------------------------


def run_query(
    session: DuckDBSession, handle: OperationHandle, stmt: Statement, overrides: dict[str, str]
) -> StatementResult:
    """A SELECT/VALUES/WITH query: streamed from its own cursor; the first batch is read here."""
    return query_result(session, handle, stmt.text, overrides)


def query_result(
    session: DuckDBSession, handle: OperationHandle, sql: str, overrides: dict[str, str]
) -> StatementResult:
    """Run ``sql`` (DuckDB dialect) as a query operation on a fresh cursor."""
    cur = session.new_cursor(overrides)
    session.track(handle, cur)
    try:
        rel = cur.sql(sql)
        if rel is None:
            cur.close()
            return ok_result()
        types = [standin.logical_type(t) for t in rel.types]
        columns = [Column(n, t) for n, t in zip(rel.columns, types, strict=True)]
        source = _open_source(cur, rel, standin.arrow_batch(types), session.engine.batch_rows)
    except BaseException:
        cur.close()
        raise
    finally:
        session.untrack(handle)
    return StatementResult(columns, ResultKind.SUCCESS_WITH_CONTENT, source, True, uuid.uuid4().hex)


def _open_source(cur: Any, rel: Any, make_batch: Any, batch_rows: int) -> ArrowRowSource:
    """Start the query and read its first batch; runtime failures surface on the first fetch
    (as in Flink, where the job fails after the operation FINISHED)."""
    try:
        reader = rel.to_arrow_reader(batch_rows)
        try:
            first = reader.read_next_batch()
        except StopIteration:
            first = None
            reader = None
    except duckdb.Error as exc:
        if is_runtime(exc):
            return ArrowRowSource(cur, None, None, make_batch, failure=exc)
        raise
    return ArrowRowSource(cur, reader, first, make_batch)


# ---- DDL and DML ------------------------------------------------------------------------


def run_ddl(
    session: DuckDBSession, handle: OperationHandle, stmt: Statement, overrides: dict[str, str]
) -> StatementResult:
    """Statements DuckDB executes directly, answered with ``OK``."""
    execute_on_cursor(session, handle, stmt.text, overrides)
    return ok_result()


def run_insert(
    session: DuckDBSession, handle: OperationHandle, stmt: Statement, overrides: dict[str, str]
) -> StatementResult:
    """INSERT as a job: runs to completion, answers the ``job id``."""
    job = Job(uuid.uuid4().hex, overrides.get("pipeline.name", "insert"), "RUNNING", _now_ms())
    session.engine.jobs.add(job)
    try:
        execute_on_cursor(session, handle, stmt.text, overrides)
    except BaseException:
        job.status = "FAILED"
        raise
    job.status = "FINISHED"
    return job_id_result(job.job_id)


def execute_on_cursor(
    session: DuckDBSession, handle: OperationHandle, sql: str, overrides: dict[str, str]
) -> list[Any]:
    """Run ``sql`` to completion on a fresh, cancellable cursor; returns the fetched rows."""
    cur = session.new_cursor(overrides)
    session.track(handle, cur)
    try:
        cur.execute(sql)
        try:
            return list(cur.fetchall())
        except duckdb.InvalidInputException:
            return []
    except duckdb.Error as exc:
        raise execution_error(exc) from None
    finally:
        session.untrack(handle)
        cur.close()


def _now_ms() -> int:
    import time

    return int(time.time() * 1000)


def complete(session: DuckDBSession, statement: str, position: int) -> list[str]:
    """complete-statement candidates (see ``sqlgateway.sql.completion``)."""
    return []


def close_session(session: DuckDBSession) -> None:
    """Drop what the session owns (temporary objects)."""


_HANDLERS: dict[Kind, Handler] = {
    Kind.SET: run_set,
    Kind.RESET: run_reset,
    Kind.QUERY: run_query,
    Kind.INSERT: run_insert,
}
