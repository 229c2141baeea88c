"""Materialized tables on the DuckDB engine (Flink 2.x ``CREATE MATERIALIZED TABLE``).

The table's rows live in a DuckDB table filled by its defining query. Both refresh modes are
full refreshes here: ``ALTER MATERIALIZED TABLE t REFRESH`` runs one now (answering a job id),
and the engine's scheduler refreshes every table whose ``FRESHNESS`` interval has elapsed
(unless ``SUSPEND``-ed) — DuckDB has no continuous streaming jobs.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

from sqlgateway.engine.base import StatementResult
from sqlgateway.engine.common import ok_result, string_rows_result
from sqlgateway.engine.duckdb import names
from sqlgateway.engine.duckdb.catalog import PATH, split_path
from sqlgateway.engine.duckdb.metastore import TableMeta, key
from sqlgateway.engine.duckdb.names import Path, q, validation
from sqlgateway.sql.classifier import top_level_word_index
from sqlgateway.sql.ddl import ColumnDef, DdlParseError

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBEngine, DuckDBSession

_UNITS = {"SECOND": 1, "MINUTE": 60, "HOUR": 3600, "DAY": 86400}
_HEAD = re.compile(rf"CREATE\s+(?:OR\s+REPLACE\s+)?MATERIALIZED\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?"
                   rf"{PATH}(.*)$", re.I | re.S)  # fmt: skip
_FRESHNESS = re.compile(r"FRESHNESS\s*=\s*INTERVAL\s*'(\d+)'\s*(SECOND|MINUTE|HOUR|DAY)S?", re.I)
_MODE = re.compile(r"REFRESH_MODE\s*=\s*(FULL|CONTINUOUS)", re.I)


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
    fresh = _FRESHNESS.search(head)
    seconds = int(fresh.group(1)) * _UNITS[fresh.group(2).upper()] if fresh else 180
    mode = _MODE.search(head)
    meta = TableMeta("TABLE", path.physical, path.name, (path.catalog, path.database))
    meta.storage = path.physical
    meta.materialized = {
        "query": query, "freshness-seconds": str(seconds), "status": "ACTIVATED",
        "refresh-mode": (mode.group(1).upper() if mode else "CONTINUOUS"),
        "last-refresh": str(time.time()),
    }  # fmt: skip

    def work(cur: Any) -> None:
        from sqlgateway.engine.duckdb.queries import columns_of, translate

        tr, resolver = translate(session, query)
        if resolver.unbounded:
            raise validation("A materialized table over an unbounded source is not supported.")
        rel = cur.sql(f"SELECT * FROM ({tr.sql}) LIMIT 0")
        cols = columns_of(tr, rel)
        meta.columns = [ColumnDef(c.name, c.type.with_nullable(True).summary()) for c in cols]
        select = ", ".join(f"{q(o)} AS {q(c.name)}" for o, c in zip(rel.columns, cols, strict=True))
        cur.execute(f"CREATE TABLE {path.physical} AS SELECT {select} FROM ({tr.sql})")
        session.engine.meta.put(cur, key(path.catalog, path.database, path.name), meta)

    session.with_cursor(work, handle)
    return ok_result()


def _materialized(session: DuckDBSession, text: str, verb: str) -> tuple[Path, TableMeta]:
    m = re.search(rf"MATERIALIZED\s+TABLE\s+(?:IF\s+EXISTS\s+)?{PATH}", text, re.I)
    if m is None:
        raise DdlParseError(f"Cannot parse: {text}")
    path = names.resolve(session, split_path(m.group(1)))
    meta = session.engine.meta.get(key(path.catalog, path.database, path.name))
    if meta is None or meta.materialized is None:
        raise validation(f"Materialized table with identifier '{path.dotted}' does not exist.")
    return path, meta


def drop(session: DuckDBSession, text: str) -> StatementResult:
    try:
        path, meta = _materialized(session, text, "DROP")
    except Exception:
        if re.search(r"\bIF\s+EXISTS\b", text, re.I):
            return ok_result()
        raise
    session.execute_sql(f"DROP TABLE IF EXISTS {path.physical}")
    session.with_cursor(
        lambda cur: session.engine.meta.drop(cur, key(path.catalog, path.database, path.name))
    )
    return ok_result()


def alter(session: DuckDBSession, handle: Any, text: str) -> StatementResult:
    """``ALTER MATERIALIZED TABLE t REFRESH | SUSPEND | RESUME``."""
    path, meta = _materialized(session, text, "ALTER")
    action = text.split()[-1].upper() if not re.search(r"\bREFRESH\b", text, re.I) else "REFRESH"
    assert meta.materialized is not None
    if action == "REFRESH":
        job_id = refresh(session, handle, path, meta)
        return string_rows_result(["job id"], [[job_id]])
    if action in ("SUSPEND", "RESUME"):
        meta.materialized["status"] = "SUSPENDED" if action == "SUSPEND" else "ACTIVATED"
        session.with_cursor(
            lambda cur: session.engine.meta.put(
                cur, key(path.catalog, path.database, path.name), meta
            )  # fmt: skip
        )
        return ok_result()
    raise validation(
        f"ALTER MATERIALIZED TABLE ... {action} is not supported on the duckdb engine."
    )


def refresh(session: DuckDBSession, handle: Any, path: Path, meta: TableMeta) -> str:
    """Recompute the rows (one transaction); returns the job id."""
    from sqlgateway.engine.duckdb.queries import translate

    assert meta.materialized is not None
    tr, _ = translate(session, meta.materialized["query"])

    def work(cur: Any) -> None:
        cur.execute("BEGIN TRANSACTION")
        try:
            cur.execute(f"DELETE FROM {path.physical}")
            cur.execute(f"INSERT INTO {path.physical} SELECT * FROM ({tr.sql})")
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    session.with_cursor(work, handle)
    meta.materialized["last-refresh"] = str(time.time())
    return uuid.uuid4().hex


def show(session: DuckDBSession) -> StatementResult:
    metas = session.engine.meta.names(session.catalog, session.database)
    found = sorted(m.name for m in metas.values() if m.materialized is not None)
    return string_rows_result(["table name"], [[n] for n in found])


class Scheduler:
    """Refreshes due materialized tables in the background (one daemon thread per engine)."""

    def __init__(self, engine: DuckDBEngine, interval: float = 1.0) -> None:
        self._engine = engine
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mt-refresh", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        session: DuckDBSession | None = None
        while not self._stop.wait(self._interval):
            due = self._due()
            if not due:
                continue
            if session is None:
                session = self._engine.open_session(uuid.uuid4(), "scheduler", {})  # type: ignore[arg-type]
            for (cat, db, _), meta in due:
                session.catalog, session.database = meta.home or (cat, db)
                try:
                    refresh(session, None, Path(cat, db, meta.name), meta)
                except Exception:  # noqa: BLE001 - retried at the next interval
                    assert meta.materialized is not None
                    meta.materialized["last-refresh"] = str(time.time())

    def _due(self) -> list[tuple[tuple[str, str, str], TableMeta]]:
        now = time.time()
        out = []
        for k, meta in self._engine.meta.items():
            mt = meta.materialized
            if mt is None or mt.get("status") != "ACTIVATED":
                continue
            if now - float(mt.get("last-refresh", "0")) >= float(mt["freshness-seconds"]):
                out.append((k, meta))
        return out

    def stop(self) -> None:
        self._stop.set()
