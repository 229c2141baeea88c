"""DML "jobs" on the DuckDB engine: INSERT INTO/OVERWRITE, CTAS, statement sets, EXPLAIN, and the
job commands SHOW JOBS / DESCRIBE JOB / STOP JOB.

DuckDB runs a DML statement to completion inside ``execute`` (cancellable); the answer is
Flink's ``job id`` row. Streaming queries are registered as RUNNING jobs until closed.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlgateway.engine.base import RowSource, StatementResult
from sqlgateway.engine.common import job_id_result, ok_result, static_result, string_rows_result
from sqlgateway.engine.duckdb import connectors, dialect, names
from sqlgateway.engine.duckdb.metastore import TableMeta
from sqlgateway.engine.duckdb.names import q, validation
from sqlgateway.engine.duckdb.queries import translate
from sqlgateway.errors import SQL_EXECUTION_EXCEPTION, ExecutionError
from sqlgateway.model import STRING, Column, LogicalType
from sqlgateway.sql.classifier import Kind, classify, is_ctas
from sqlgateway.sql.ddl import ColumnDef, parse_create_table, parse_insert
from sqlgateway.sql.splitter import split_statements

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBSession


@dataclass
class Job:
    job_id: str
    name: str
    status: str
    start: dt.datetime
    source: RowSource | None = None


class JobRegistry:
    """The jobs of the engine (bounded history), for SHOW JOBS / DESCRIBE JOB / STOP JOB."""

    def __init__(self, limit: int = 1000) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._limit = limit

    def add(self, job: Job) -> None:
        with self._lock:
            self._jobs[job.job_id] = job
            while len(self._jobs) > self._limit:
                self._jobs.pop(next(iter(self._jobs)))

    def add_stream(self, job_id: str, name: str, source: RowSource) -> None:
        self.add(Job(job_id, name, "RUNNING", _now(), source))

    def all(self) -> list[Job]:
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            if job.source is not None and not getattr(job.source, "running", False):
                job.status = "FINISHED" if job.status == "RUNNING" else job.status
        return jobs

    def get(self, job_id: str) -> Job | None:
        return next((j for j in self.all() if j.job_id == job_id), None)


def _now() -> dt.datetime:
    """Now, with millisecond precision (as Flink's job start times)."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


JOB_COLUMNS = [
    Column("job id", STRING()), Column("job name", STRING()), Column("status", STRING()),
    Column("start time", LogicalType("TIMESTAMP_WITH_LOCAL_TIME_ZONE", precision=6)),
]  # fmt: skip


def show_jobs(session: DuckDBSession) -> StatementResult:
    rows = [[j.job_id, j.name, j.status, j.start] for j in session.engine.jobs.all()]
    return static_result(JOB_COLUMNS, rows)


def _job_arg(text: str) -> str:
    m = re.search(r"'([^']*)'", text)
    if m is None:
        raise dialect.parse_error(f"Expecting a job id string in: {text}")
    return m.group(1)


def describe_job(session: DuckDBSession, text: str) -> StatementResult:
    job = session.engine.jobs.get(_job_arg(text))
    if job is None:
        raise ExecutionError(f"Could not find job '{_job_arg(text)}'.",
                             java_class=SQL_EXECUTION_EXCEPTION)  # fmt: skip
    return static_result(JOB_COLUMNS, [[job.job_id, job.name, job.status, job.start]])


def stop_job(session: DuckDBSession, text: str) -> StatementResult:
    job_id = _job_arg(text)
    job = session.engine.jobs.get(job_id)
    if job is None or job.status != "RUNNING" or job.source is None:
        raise ExecutionError(f"Could not stop job {job_id}: it is not running.",
                             java_class=SQL_EXECUTION_EXCEPTION)  # fmt: skip
    if re.search(r"\bWITH\s+SAVEPOINT\b", text, re.I):
        raise validation("Savepoints are not supported on the duckdb engine.")
    job.source.close()
    job.status = "CANCELED"
    return ok_result()


# ---- INSERT / CTAS -------------------------------------------------------------------------------


def run_dml(
    session: DuckDBSession, handle: Any, texts: list[str], overrides: dict[str, str]
) -> StatementResult:
    """INSERT/CTAS statements as one job (one transaction)."""
    targets: list[str] = []
    job = Job(uuid.uuid4().hex, "", "RUNNING", _now())

    def work(cur: Any) -> None:
        cur.execute("BEGIN TRANSACTION")
        try:
            for text in texts:
                targets.append(_dml(session, cur, text))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    job.name = overrides.get("pipeline.name") or "insert-into_" + ",".join(targets or ["?"])
    session.engine.jobs.add(job)
    try:
        session.with_cursor(work, handle, overrides)
    except BaseException:
        job.status = "FAILED"
        raise
    job.name = overrides.get("pipeline.name") or "insert-into_" + ",".join(targets)
    job.status = "FINISHED"
    return job_id_result(job.job_id)


def _dml(session: DuckDBSession, cur: Any, text: str) -> str:
    stmt = classify(text)
    if stmt.kind is Kind.INSERT:
        return _insert(session, cur, stmt.text)
    if is_ctas(stmt):
        return _ctas(session, cur, stmt.text)
    raise _only_dml()


def _only_dml() -> ExecutionError:
    return ExecutionError(
        "Only 'INSERT/CREATE TABLE AS' statement is allowed in Statement Set or use 'END' "
        "statement to submit Statement Set.",
        java_class=SQL_EXECUTION_EXCEPTION,
    )


def _insert(session: DuckDBSession, cur: Any, text: str) -> str:
    d = parse_insert(text)
    if d.partition:
        raise validation("INSERT ... PARTITION (...) is not supported on the duckdb engine.")
    ref = names.require_object(session, d.target)
    tr, resolver = translate(session, d.query)
    if resolver.unbounded:
        raise validation("INSERT from an unbounded source would never finish on the duckdb "
                         "engine; bound the source with 'number-of-rows'.")  # fmt: skip
    meta = ref.meta
    if ref.kind == "VIEW":
        raise validation(f"The target {ref.path.dotted} of an INSERT is a view.")
    if meta is not None and meta.connector is not None:
        connectors.check_sink(meta)
        if d.columns:
            raise validation("A column list in INSERT is not supported for connector tables.")
        connectors.write(session, cur, meta, tr.sql, d.overwrite)
        return ref.path.dotted
    target = meta.storage if meta is not None and meta.storage else ref.physical
    cols = f" ({', '.join(q(c) for c in d.columns)})" if d.columns else ""
    if d.overwrite:
        cur.execute(f"DELETE FROM {target}")
    cur.execute(f"INSERT INTO {target}{cols} SELECT * FROM ({tr.sql})")
    return ref.path.dotted


def _ctas(session: DuckDBSession, cur: Any, text: str) -> str:
    from sqlgateway.engine.duckdb.tables import save

    d = parse_create_table(text)
    path = names.resolve(session, d.name)
    names.require_database(session, path.catalog, path.database)
    if names.lookup(session, path) is not None:
        if d.if_not_exists:
            return path.dotted
        from sqlgateway.engine.duckdb.tables import _exists_error

        raise _exists_error(path, "CreateTable")
    tr, resolver = translate(session, d.query or "")
    if resolver.unbounded:
        raise validation("CREATE TABLE AS from an unbounded source is not supported.")
    rel = cur.sql(f"SELECT * FROM ({tr.sql}) LIMIT 0")
    from sqlgateway.engine.duckdb.queries import columns_of

    columns = columns_of(tr, rel)
    meta = TableMeta(
        "TABLE", "", path.name, (path.catalog, path.database),
        [ColumnDef(c.name, c.type.with_nullable(True).summary()) for c in columns],
        d.primary_key, d.watermarks, d.comment, d.partition_keys, d.options, None, d.temporary,
    )  # fmt: skip
    if meta.connector is not None:
        connectors.validate(meta, session.engine.settings)
        connectors.check_sink(meta)
        connectors.write(session, cur, meta, tr.sql, False)
    else:
        meta.physical = meta.storage = (
            f"{session.temp_schema()}.{q(path.dotted)}" if d.temporary else path.physical
        )
        select = ", ".join(
            f"{q(o)} AS {q(c.name)}" for o, c in zip(rel.columns, columns, strict=True)
        )
        cur.execute(f"CREATE TABLE {meta.physical} AS SELECT {select} FROM ({tr.sql})")
    save(session, path, meta)
    return path.dotted


# ---- statement sets --------------------------------------------------------------------------


def begin_set(session: DuckDBSession) -> StatementResult:
    session.statement_set = []
    return ok_result()


def add_to_set(session: DuckDBSession, text: str) -> StatementResult:
    stmt = classify(text)
    if stmt.kind is not Kind.INSERT and not is_ctas(stmt):
        raise _only_dml()
    assert session.statement_set is not None
    session.statement_set.append(text)
    return ok_result()


def end_set(session: DuckDBSession, handle: Any, overrides: dict[str, str]) -> StatementResult:
    if session.statement_set is None:
        raise ExecutionError(
            "No Statement Set to submit. 'END' statement should be used after "
            "'BEGIN STATEMENT SET'.",
            java_class=SQL_EXECUTION_EXCEPTION,
        )
    texts, session.statement_set = session.statement_set, None
    if not texts:
        return ok_result()
    return run_dml(session, handle, texts, overrides)


def execute_set(
    session: DuckDBSession, handle: Any, text: str, overrides: dict[str, str]
) -> StatementResult:
    """``[EXECUTE] STATEMENT SET BEGIN …; …; END``."""
    m = re.search(r"\bBEGIN\b(.*)\bEND\s*$", text, re.I | re.S)
    if m is None:
        raise dialect.parse_error(f"Cannot parse statement set: {text}")
    inner = split_statements(m.group(1))
    for part in inner:
        stmt = classify(part)
        if stmt.kind is not Kind.INSERT and not is_ctas(stmt):
            raise _only_dml()
    if not inner:
        return ok_result()
    return run_dml(session, handle, inner, overrides)


# ---- EXPLAIN ------------------------------------------------------------------------------------


def explain(session: DuckDBSession, text: str) -> StatementResult:
    """EXPLAIN [PLAN FOR | <details>] <query or INSERT>: DuckDB's physical plan."""
    details = r"(?:ESTIMATED_COST|CHANGELOG_MODE|JSON_EXECUTION_PLAN|PLAN_ADVICE)"
    m = re.match(rf"EXPLAIN\s+(?:PLAN\s+FOR\s+)?((?:{details}\s*,?\s*)*)(.*)$", text, re.I | re.S)
    body = m.group(2) if m else text
    stmt = classify(body)
    if stmt.kind is Kind.INSERT:
        body = parse_insert(stmt.text).query
    elif stmt.kind is not Kind.QUERY:
        raise validation(f"EXPLAIN is only supported for queries and INSERT on the duckdb "
                         f"engine, not for: {body}")  # fmt: skip
    tr, resolver = translate(session, body)
    plan = session.fetch(f"EXPLAIN {tr.sql}")
    physical = "\n".join(str(r[1]) for r in plan)
    out = f"== Physical Plan (DuckDB {session.engine.duckdb_version}) ==\n{physical}\n"
    return string_rows_result(["result"], [[out]])
