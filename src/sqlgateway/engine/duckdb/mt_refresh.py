"""Refreshing a materialized table as Flink's ``MaterializedTableManager.refreshMaterializedTable``
does: a batch job ``INSERT OVERWRITE t SELECT * FROM (<query>) [WHERE <partition spec>]``.

Without a partition spec every row is recomputed. With one, only the partitions the filtered
query produces are replaced (Flink's dynamic-partition overwrite); on a table without
``PARTITIONED BY`` the filtered rows replace the whole table, as in Flink. A periodic refresh
(the scheduler's) derives the spec from the schedule time minus the freshness, formatted by the
``partition.fields.<col>.date-formatter`` options (``engine/workflow.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
import uuid
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlgateway.engine import workflow
from sqlgateway.engine.base import StatementResult
from sqlgateway.engine.common import static_result
from sqlgateway.engine.duckdb.jobs import Job, _now
from sqlgateway.engine.duckdb.metastore import TableMeta, key
from sqlgateway.engine.duckdb.names import Path, q, validation
from sqlgateway.errors import SQL_EXECUTION_EXCEPTION, ExecutionError
from sqlgateway.model import STRING, Column, LogicalType

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBSession

REFRESH_COLUMNS = [
    Column("job id", STRING()),
    Column("cluster info", LogicalType("MAP", key=STRING(), value=STRING())),
]


def refresh(
    session: DuckDBSession, handle: Any, path: Path, meta: TableMeta,
    spec: Mapping[str, str], periodic: bool = False, schedule_time: str | None = None,
    dynamic_options: Mapping[str, str] | None = None, overrides: Mapping[str, str] | None = None,
) -> StatementResult:  # fmt: skip
    """Run the refresh job; its row: ``job id`` and ``cluster info`` (as Flink's)."""
    assert meta.materialized is not None
    overrides = dict(overrides or {})
    if periodic:
        spec = period_partition(session, path, meta, schedule_time, overrides)
    check_spec(spec, meta)
    if dynamic_options:
        raise validation(
            "Unsupported options found for the materialized table "
            f"'{path.dotted}' (its rows are stored by the duckdb engine, which takes no table "
            f"options):\n\n" + "\n".join(sorted(dynamic_options))
        )
    kind = "periodic" if periodic else "one_time"
    job = Job(uuid.uuid4().hex, f"Materialized_table_{path.flink}_{kind}_refresh_job",
              "RUNNING", _now())  # fmt: skip
    session.engine.jobs.add(job)
    try:
        _overwrite(session, handle, path, meta, spec, overrides)
    except ExecutionError as exc:
        job.status = "FAILED"
        raise ExecutionError(
            f"Refreshing the materialized table {path.flink} occur exception.",
            java_class=SQL_EXECUTION_EXCEPTION,
        ) from exc
    except BaseException:
        job.status = "FAILED"
        raise
    job.status = "FINISHED"
    meta.materialized["last-refresh"] = str(time.time())
    target = session.config.effective(overrides).get("execution.target")
    return static_result(REFRESH_COLUMNS, [[job.job_id, {"execution.target": target}]],
                         job_id=job.job_id)  # fmt: skip


def _overwrite(
    session: DuckDBSession, handle: Any, path: Path, meta: TableMeta, spec: Mapping[str, str],
    overrides: Mapping[str, str],
) -> None:  # fmt: skip
    from sqlgateway.engine.duckdb.queries import translate

    assert meta.materialized is not None
    with _positioned(session, meta.home if all(meta.home) else (path.catalog, path.database)):
        tr, _ = translate(session, meta.materialized["query"])
    where = " AND ".join(f"{q(k)} = {_literal(v)}" for k, v in spec.items()) or "TRUE"
    new_rows = f"SELECT * FROM ({tr.sql}) WHERE {where}"
    keys = meta.partition_keys if spec else []

    def work(cur: Any) -> None:
        cur.execute("BEGIN TRANSACTION")
        try:
            if keys:  # dynamic partition overwrite: only the partitions produced
                tmp = q(f"__mt_refresh_{uuid.uuid4().hex}")
                cur.execute(f"CREATE TEMP TABLE {tmp} AS {new_rows}")
                same = " AND ".join(f"n.{q(k)} IS NOT DISTINCT FROM t.{q(k)}" for k in keys)
                cur.execute(f"DELETE FROM {path.physical} t WHERE EXISTS "
                            f"(SELECT 1 FROM {tmp} n WHERE {same})")  # fmt: skip
                cur.execute(f"INSERT INTO {path.physical} SELECT * FROM {tmp}")
                cur.execute(f"DROP TABLE {tmp}")
            else:
                cur.execute(f"DELETE FROM {path.physical}")
                cur.execute(f"INSERT INTO {path.physical} {new_rows}")
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    session.with_cursor(work, handle, overrides)


@contextlib.contextmanager
def _positioned(session: DuckDBSession, home: tuple[str, str]) -> Iterator[None]:
    """Resolve the definition query where the table was created (Flink expands it at CREATE)."""
    saved = session.catalog, session.database
    session.catalog, session.database = home
    try:
        yield
    finally:
        session.catalog, session.database = saved


def _literal(value: str | None) -> str:
    if value is None:
        return "NULL"
    return "'" + value.replace("'", "''") + "'"


def check_spec(spec: Mapping[str, str], meta: TableMeta) -> None:
    """Flink's ``validatePartitionSpec``: known columns of a character-string type."""
    columns = {c.name: c.type for c in meta.columns}
    unknown = [k for k in spec if k not in columns]
    if unknown:
        raise validation(
            "The partition spec contains unknown partition keys:\n\n" + "\n".join(unknown)
            + "\n\nAll known partition keys are:\n\n" + "\n".join(meta.partition_keys)
        )  # fmt: skip
    not_string = [k for k in spec if not is_string_type(columns[k])]
    if not_string:
        raise validation(
            "Currently, refreshing materialized table only supports referring to char, varchar "
            "and string type partition keys. All specified partition keys in partition specs "
            "with unsupported types are:\n\n" + "\n".join(not_string)
        )


def is_string_type(summary: str) -> bool:
    return re.match(r"(STRING|VARCHAR|CHAR)\b", summary.upper()) is not None


def period_partition(
    session: DuckDBSession, path: Path, meta: TableMeta, schedule_time: str | None,
    overrides: Mapping[str, str],
) -> dict[str, str]:  # fmt: skip
    """Flink's ``getPeriodRefreshPartition`` in the session's time zone."""
    assert meta.materialized is not None
    freshness = dt.timedelta(seconds=float(meta.materialized["freshness-seconds"]))
    zone = ZoneInfo(session.config.time_zone(overrides))
    return workflow.period_partition(path.flink, schedule_time, meta.options, freshness, zone)


def save(session: DuckDBSession, path: Path, meta: TableMeta) -> None:
    """Persist the table's metadata (status changes)."""
    session.with_cursor(
        lambda cur: session.engine.meta.put(cur, key(path.catalog, path.database, path.name), meta)
    )
