"""Materialized tables on the DuckDB engine (Flink 2.x ``CREATE MATERIALIZED TABLE``).

The table's rows live in a DuckDB table filled by its defining query at CREATE. Its refresh is
scheduled in the engine's embedded workflow scheduler (``engine/workflow.py``): a FULL-mode table
gets Flink's cron workflow from its freshness (``quartz_job_<identifier>``), which refreshes the
partition of each schedule time; a CONTINUOUS-mode table (DuckDB has no streaming jobs) gets a
workflow refreshing all rows every freshness interval. ``ALTER … SUSPEND / RESUME`` pause and
resume that workflow, ``DROP`` deletes it, ``ALTER … REFRESH [PARTITION (…)]`` refreshes now.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import TYPE_CHECKING, Any

from sqlgateway.engine.base import MaterializedRefresh, StatementResult
from sqlgateway.engine.common import ok_result, string_rows_result
from sqlgateway.engine.duckdb import names
from sqlgateway.engine.duckdb.catalog import IDENT, PATH, split_path
from sqlgateway.engine.duckdb.metastore import TableMeta, key
from sqlgateway.engine.duckdb.mt_refresh import is_string_type, refresh, save
from sqlgateway.engine.duckdb.names import Path, q, validation
from sqlgateway.engine.workflow import (
    FORMATTER,
    GROUP,
    EmbeddedScheduler,
    Workflow,
    freshness_to_cron,
    job_name,
    parse_cron,
)
from sqlgateway.errors import SQL_EXECUTION_EXCEPTION, TABLE_EXCEPTION, ExecutionError
from sqlgateway.sql.classifier import top_level_word_index
from sqlgateway.sql.ddl import ColumnDef, DdlParseError, parse_options, split_top_level, unquote

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBEngine, DuckDBSession

log = logging.getLogger(__name__)

_UNITS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400}
_HEAD = re.compile(rf"CREATE\s+(?:OR\s+REPLACE\s+)?MATERIALIZED\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?"
                   rf"{PATH}(.*)$", re.I | re.S)  # fmt: skip
_FRESHNESS = re.compile(r"FRESHNESS\s*=\s*INTERVAL\s*'(\d+)'\s*(SECOND|MINUTE|HOUR|DAY)S?", re.I)
_MODE = re.compile(r"REFRESH_MODE\s*=\s*(FULL|CONTINUOUS)", re.I)
_PARTITIONED = re.compile(r"PARTITIONED\s+BY\s*\(([^)]*)\)", re.I)
_WITH = re.compile(r"\bWITH\s*\((.*?)\)\s*(?=FRESHNESS|REFRESH_MODE|PARTITIONED|$)", re.I | re.S)
THRESHOLD_KEY = "materialized-table.refresh-mode.freshness-threshold"


def create(session: DuckDBSession, handle: Any, text: str) -> StatementResult:
    m = _HEAD.fullmatch(text)
    as_at = top_level_word_index(text, "AS")
    if m is None or as_at is None:
        raise DdlParseError(f"Cannot parse: {text}")
    path = names.resolve(session, split_path(m.group(2)))
    names.require_database(session, path.catalog, path.database)
    if names.lookup(session, path) is not None:
        if m.group(1):
            return ok_result()
        raise validation(f"Materialized table {path.dotted} already exists.")
    head, query = text[:as_at], text[as_at + 2 :].strip()
    # home: where the definition query resolves (Flink expands it at CREATE)
    meta = TableMeta("TABLE", path.physical, path.name, (session.catalog, session.database))
    meta.storage = path.physical
    meta.materialized = _definition(session, head, query)
    meta.materialized["identifier"] = path.flink
    meta.partition_keys, meta.options = _partitioning(head)
    workflow = _workflow(path, meta)

    def work(cur: Any) -> None:
        from sqlgateway.engine.duckdb.queries import columns_of, translate

        tr, resolver = translate(session, query)
        if resolver.unbounded:
            raise validation("A materialized table over an unbounded source is not supported.")
        rel = cur.sql(f"SELECT * FROM ({tr.sql}) LIMIT 0")
        cols = columns_of(tr, rel)
        meta.columns = [ColumnDef(c.name, c.type.with_nullable(True).summary()) for c in cols]
        _check_partitioning(meta)
        select = ", ".join(f"{q(o)} AS {q(c.name)}" for o, c in zip(rel.columns, cols, strict=True))
        cur.execute(f"CREATE TABLE {path.physical} AS SELECT {select} FROM ({tr.sql})")
        session.engine.meta.put(cur, key(path.catalog, path.database, path.name), meta)

    session.with_cursor(work, handle)
    try:
        session.engine.scheduler.add(workflow)
    except ExecutionError as exc:  # Flink drops the table again ("weak atomicity")
        _drop_storage(session, path)
        what = "create refresh workflow" if workflow.periodic else "start the refresh job"
        raise _execution(f"Failed to {what} for materialized table {path.flink}.") from exc
    return ok_result()


def _definition(session: DuckDBSession, head: str, query: str) -> dict[str, str]:
    fresh = _FRESHNESS.search(head)
    mode = _MODE.search(head)
    if fresh is not None:
        interval, unit = int(fresh.group(1)), fresh.group(2).upper()
    else:  # Flink 2.2+ defaults: 3 minutes, 1 hour for an explicit FULL mode
        full = mode is not None and mode.group(1).upper() == "FULL"
        interval, unit = (1, "HOUR") if full else (3, "MINUTE")
    if interval <= 0:
        raise validation(
            "The freshness interval currently only supports positive integer type values. "
            f"But was: {interval}"
        )
    seconds = interval * _UNITS[unit]
    if mode is not None:
        refresh_mode = mode.group(1).upper()
    else:
        threshold = _seconds(session.config.effective().get(THRESHOLD_KEY, "30 min"))
        refresh_mode = "CONTINUOUS" if seconds < threshold else "FULL"
    if refresh_mode == "FULL":
        freshness_to_cron(interval, unit)  # Flink validates the cron conversion at CREATE
    return {
        "query": query, "freshness-seconds": str(seconds), "freshness": f"{interval} {unit}",
        "status": "ACTIVATED", "refresh-mode": refresh_mode, "last-refresh": str(time.time()),
    }  # fmt: skip


def _seconds(duration: str) -> float:
    """A Flink duration (``30 min``, ``1h``, ``90 s``, ``500 ms``) in seconds."""
    m = re.fullmatch(r"\s*(\d+)\s*([a-z]*)\s*", duration.lower())
    if m is None:
        raise validation(f"Could not parse value '{duration}' for key '{THRESHOLD_KEY}'.")
    units = {"": 0.001, "ms": 0.001, "s": 1, "sec": 1, "second": 1, "seconds": 1, "min": 60,
             "m": 60, "minute": 60, "minutes": 60, "h": 3600, "hour": 3600, "hours": 3600,
             "d": 86400, "day": 86400, "days": 86400}  # fmt: skip
    if m.group(2) not in units:
        raise validation(f"Could not parse value '{duration}' for key '{THRESHOLD_KEY}'.")
    return int(m.group(1)) * units[m.group(2)]


def _partitioning(head: str) -> tuple[list[str], dict[str, str]]:
    part = _PARTITIONED.search(head)
    keys = [unquote(k.strip()) for k in split_top_level(part.group(1))] if part else []
    with_ = _WITH.search(head)
    options = parse_options(with_.group(1)) if with_ else {}
    if "connector" in options:
        raise validation(
            "The 'connector' option of a materialized table is not supported on the duckdb "
            "engine: its rows are stored by the engine."
        )
    return keys, options


def _check_partitioning(meta: TableMeta) -> None:
    """Flink's checks of PARTITIONED BY and the date-formatter options at CREATE."""
    columns = {c.name: c.type for c in meta.columns}
    for k in meta.partition_keys:
        if k not in columns:
            raise validation(
                f"Partition column '{k}' not defined in the query schema. Available columns: "
                f"[{_listing(list(columns))}]."
            )
    for option in meta.options:
        m = FORMATTER.fullmatch(option)
        if m is None:
            continue
        col = m.group(1)
        if col not in meta.partition_keys:
            raise validation(
                f"Column '{col}' referenced by materialized table option '{option}' isn't a "
                f"partition column. Available partition columns: "
                f"[{_listing(meta.partition_keys)}]."
            )
        if not is_string_type(columns[col]):
            raise validation(
                f"Materialized table option '{option}' only supports referring to char, varchar "
                f"and string type partition column. Column {col} type is {columns[col]}."
            )


def _listing(items: list[str]) -> str:
    return "'" + "', '".join(items) + "'"


def _workflow(path: Path, meta: TableMeta) -> Workflow:
    """The refresh workflow of a table: Flink's cron one (FULL) or a fixed interval."""
    mt = meta.materialized
    assert mt is not None
    interval, unit = mt.get("freshness", f"{mt['freshness-seconds']} SECOND").split()
    if mt["refresh-mode"] == "FULL":
        wf = Workflow(job_name(path.flink), GROUP, path.flink,
                      parse_cron(freshness_to_cron(int(interval), unit)))  # fmt: skip
    else:
        wf = Workflow(f"continuous_refresh_{path.flink}", GROUP, path.flink, None,
                      float(mt["freshness-seconds"]))  # fmt: skip
    wf.paused = mt.get("status") == "SUSPENDED"
    mt["workflow"] = wf.name
    return wf


def _materialized(session: DuckDBSession, text: str) -> tuple[Path, TableMeta]:
    m = re.search(rf"MATERIALIZED\s+TABLE\s+(?:IF\s+EXISTS\s+)?{PATH}", text, re.I)
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    return lookup(session, split_path(m.group(1)))


def lookup(session: DuckDBSession, parts: list[str]) -> tuple[Path, TableMeta]:
    """The materialized table named ``parts``; Flink's errors for a missing or other table."""
    path = names.resolve(session, parts)
    meta = session.engine.meta.get(key(path.catalog, path.database, path.name))
    if meta is None and names.lookup(session, path) is None:
        raise ExecutionError(  # CatalogManager.getTableOrError
            f"Cannot find table '{path.flink}' in any of the catalogs "
            f"[{', '.join(sorted(names.catalogs(session)))}], nor as a temporary table.",
            java_class=TABLE_EXCEPTION,
        )
    if meta is None or meta.materialized is None:
        raise validation(
            f"Table {path.flink} is not a materialized table, does not support materialized "
            "table related operation."
        )
    return path, meta


def drop(session: DuckDBSession, text: str) -> StatementResult:
    m = re.search(rf"MATERIALIZED\s+TABLE\s+(?:IF\s+EXISTS\s+)?{PATH}", text, re.I)
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    path = names.resolve(session, split_path(m.group(1)))
    if names.lookup(session, path) is None:
        if re.search(r"\bIF\s+EXISTS\b", text, re.I):
            return ok_result()
        raise validation(f"Materialized table with identifier {path.flink} does not exist.")
    path, meta = lookup(session, split_path(m.group(1)))
    assert meta.materialized is not None
    session.engine.scheduler.delete(meta.materialized.get("workflow", ""), GROUP)
    _drop_storage(session, path)
    return ok_result()


def _drop_storage(session: DuckDBSession, path: Path) -> None:
    session.execute_sql(f"DROP TABLE IF EXISTS {path.physical}")
    session.with_cursor(
        lambda cur: session.engine.meta.drop(cur, key(path.catalog, path.database, path.name))
    )


def alter(
    session: DuckDBSession, handle: Any, text: str, overrides: dict[str, str] | None = None
) -> StatementResult:
    """``ALTER MATERIALIZED TABLE t REFRESH [PARTITION (…)] | SUSPEND | RESUME``."""
    path, meta = _materialized(session, text)
    rest = text[re.search(rf"TABLE\s+{PATH}", text, re.I).end() :].strip()  # type: ignore[union-attr]
    action = rest.split()[0].upper() if rest else ""
    if action == "REFRESH":
        return refresh(session, handle, path, meta, _partition_spec(rest), overrides=overrides)
    if action in ("SUSPEND", "RESUME") and len(rest.split()) == 1:
        _suspend_or_resume(session, path, meta, action)
        return ok_result()
    raise validation(f"ALTER MATERIALIZED TABLE ... {rest} is not supported on the duckdb engine.")


def _partition_spec(rest: str) -> dict[str, str]:
    m = re.fullmatch(r"REFRESH\s*(?:PARTITION\s*\((.*)\))?\s*", rest, re.I | re.S)
    if m is None:
        raise DdlParseError(f"Cannot parse: ALTER MATERIALIZED TABLE ... {rest}")
    spec: dict[str, str] = {}
    for item in split_top_level(m.group(1) or ""):
        kv = re.fullmatch(rf"\s*({IDENT})\s*=\s*('(?:[^']|'')*'|[^\s']+)\s*", item, re.S)
        if kv is None:
            raise DdlParseError(f"Cannot parse partition spec: {item}")
        value = kv.group(2)
        spec[unquote(kv.group(1))] = unquote(value) if value.startswith("'") else value
    return spec


def _suspend_or_resume(session: DuckDBSession, path: Path, meta: TableMeta, action: str) -> None:
    mt = meta.materialized
    assert mt is not None
    suspended = mt.get("status") == "SUSPENDED"
    full = mt.get("refresh-mode") == "FULL"
    if action == "SUSPEND" and suspended:  # Flink wraps this check's error
        what = "refresh workflow" if full else "continuous refresh job"
        job = "" if full else f", jobId is {mt['workflow']}"
        detail = f"has been suspended{job}."
        raise _execution(
            f"Failed to suspend the {what} for materialized table {path.flink}."
        ) from _execution(f"Materialized table {path.flink} {what} {detail}")
    if action == "RESUME" and not suspended:
        detail = (
            "refresh workflow has been resumed."
            if full
            else (f"continuous refresh job has been resumed, jobId is {mt['workflow']}.")
        )
        raise _execution(f"Materialized table {path.flink} {detail}")
    name = mt.get("workflow", "")
    if session.engine.scheduler.get(name) is None:  # e.g. deleted through the V3 endpoint
        session.engine.scheduler.add(_workflow(path, meta))
    if action == "SUSPEND":
        session.engine.scheduler.suspend(name, GROUP)
    else:
        session.engine.scheduler.resume(name, GROUP, {})
    mt["status"] = "SUSPENDED" if action == "SUSPEND" else "ACTIVATED"
    save(session, path, meta)


def _execution(message: str) -> ExecutionError:
    return ExecutionError(message, java_class=SQL_EXECUTION_EXCEPTION)


def refresh_by_identifier(
    session: DuckDBSession, handle: Any, identifier: str, spec: MaterializedRefresh,
    overrides: dict[str, str],
) -> StatementResult:  # fmt: skip
    """The V3 refresh endpoint and the scheduler's periodic refreshes."""
    path, meta = lookup(session, split_path(identifier))
    return refresh(session, handle, path, meta, dict(spec.static_partitions), spec.periodic,
                   spec.schedule_time, spec.dynamic_options, overrides)  # fmt: skip


def show(session: DuckDBSession) -> StatementResult:
    metas = session.engine.meta.names(session.catalog, session.database)
    found = sorted(m.name for m in metas.values() if m.materialized is not None)
    return string_rows_result(["table name"], [[n] for n in found])


class Scheduler(EmbeddedScheduler):
    """The engine's embedded scheduler, holding the workflows of the materialized tables it
    loaded at start-up; a fire opens a session with the workflow's init config and refreshes
    (as Flink's Quartz job does through the REST API)."""

    def __init__(self, engine: DuckDBEngine) -> None:
        self._engine = engine
        super().__init__(self._refresh, engine.default_zone)
        for (cat, db, _), meta in engine.meta.items():
            mt = meta.materialized
            if mt is not None:
                parts = split_path(mt["identifier"]) if "identifier" in mt else [cat, db, meta.name]
                self.add(_workflow(Path(*parts), meta))

    def _refresh(self, wf: Workflow, schedule_time: str) -> None:
        name = f"{wf.identifier}-quartz-refresh-session-{schedule_time}"
        session = self._engine.open_session(uuid.uuid4(), name, wf.init_config)  # type: ignore[arg-type]
        try:
            spec = MaterializedRefresh(wf.periodic, schedule_time, {}, wf.dynamic_options)
            result = refresh_by_identifier(session, None, wf.identifier, spec,
                                           wf.execution_config)  # fmt: skip
            result.source.close()
        finally:
            session.close()
