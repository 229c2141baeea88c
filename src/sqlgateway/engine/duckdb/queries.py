"""Queries (SELECT / VALUES / WITH …): Flink SQL translated to DuckDB and streamed lazily.

Bounded queries run on their own cursor and stream Arrow batches (rows.ArrowRowSource).
Queries over unbounded sources (datagen without a row limit) run as micro-batches paced by the
source's ``rows-per-second`` (StreamingRowSource): stateless queries stream append-only rows
(``+I``); a group aggregation streams Flink's changelog (changelog.GroupAggregation); what
Flink's streaming planner would refuse is a ValidationException naming it.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa
from sqlglot import exp

from sqlgateway.engine.base import RowBatch, RowSource, StatementResult
from sqlgateway.engine.common import PyRowBatch
from sqlgateway.engine.duckdb import changelog, dialect, typed, types
from sqlgateway.engine.duckdb.batch import ArrowRowBatch, arrow_to_python_rows
from sqlgateway.engine.duckdb.failures import is_runtime, retrieval_error
from sqlgateway.engine.duckdb.loaded import LoadedRowSource, small_or_streamed
from sqlgateway.engine.duckdb.metastore import TableMeta
from sqlgateway.engine.duckdb.names import Path
from sqlgateway.engine.duckdb.rows import ArrowRowSource
from sqlgateway.engine.duckdb.schema import Resolver
from sqlgateway.engine.values import check_json_supported
from sqlgateway.errors import PARSER_EXCEPTION, ExecutionError
from sqlgateway.model import Column, LogicalType, OperationHandle, ResultKind, RowFormat

if TYPE_CHECKING:
    from sqlgateway.engine.duckdb.engine import DuckDBSession


def translate(
    session: DuckDBSession,
    text: str,
    stream_rows: int = 0,
    home: tuple[str, str] | None = None,
) -> tuple[dialect.Translation, Resolver]:
    """Translate a Flink query (names resolved in ``home``, default: the session's current
    catalog/database); falls back to the text itself when sqlglot cannot parse it (DuckDB then
    parses it, and reports the syntax error if it is not DuckDB SQL either)."""
    home = home or (session.catalog, session.database)
    shared_key = (text, *home, session.engine.meta.version, stream_rows)
    shared = session.engine.translations.get(shared_key) if not session.temporary else None
    if shared is not None:
        return shared, Resolver(session, home=home, stream_rows=stream_rows)
    key = (text, *home, session.engine.meta.version, session.temp_version, stream_rows)
    cached = session.translations.get(key)
    if cached is not None:
        return cached
    resolver = _Resolver(session, home=home, stream_rows=stream_rows)
    try:
        result = typed_translation(session, dialect.translate_query(text, resolver)), resolver
    except ExecutionError as exc:
        if exc.java_class != PARSER_EXCEPTION:
            raise
        return dialect.Translation(text), resolver
    if not resolver.unbounded and not _uses_files(resolver):
        if resolver.read_metadata or session.temporary:
            _remember(session.translations, key, result)
        else:  # the text and the catalog position decide it: every session may use it
            _remember(session.engine.translations, shared_key, result[0])
    return result


class _Resolver(Resolver):
    """Notes whether the query read any table or view metadata (a translation that did not
    depends only on the text and the catalog position)."""

    read_metadata = False

    def read_sql(self, path: Path, meta: TableMeta) -> str:
        self.read_metadata = True
        return super().read_sql(path, meta)


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    with contextlib.suppress(RuntimeError, StopIteration, KeyError):  # concurrent statements
        if len(cache) >= 256:
            cache.pop(next(iter(cache)))
    cache[key] = value


def _uses_files(resolver: Resolver) -> bool:
    """Filesystem tables list their files at translation time: never cache those."""
    return resolver.reads_files


def needs_position(tr: dialect.Translation, text: str) -> bool:
    """Raw (untranslated) SQL and the CURRENT_CATALOG/DATABASE functions need ``USE``."""
    return tr.tree is None or "CURRENT_" in text.upper()


def columns_of(tr: dialect.Translation, rel: Any) -> list[Column]:
    """Flink result columns: EXPR$n names, literal types, DuckDB types otherwise."""
    names = dialect.final_column_names(list(rel.columns), tr.tree)
    return [
        Column(n, tr.types.get(i) or types.flink_type(t))
        for i, (n, t) in enumerate(zip(names, rel.types, strict=True))
    ]


def typed_translation(session: DuckDBSession, tr: dialect.Translation) -> dialect.Translation:
    """``tr`` after the type-dependent fixes (typed.retype) in every SELECT scope: every query
    path (queries, INSERT, CREATE TABLE AS, views, materialized tables, statement sets,
    EXPLAIN) translates through here."""
    if tr.tree is None or not typed.applies(tr.tree):
        return tr  # no cursor for most queries
    cur = session.engine.cursor()
    try:
        tree = typed.retype(cur, tr.tree)
    finally:
        cur.close()
    if tree is None:
        return tr
    return dialect.Translation(tree.sql(dialect="duckdb"), tr.tables, tree, tr.types)


def bind(cur: Any, tr: dialect.Translation) -> tuple[dialect.Translation, Any]:
    """The DuckDB relation of ``tr`` (already retyped by ``translate``)."""
    return tr, cur.sql(tr.sql)


def exportable(rel: Any) -> Any:
    proj = types.export_projection(list(rel.columns), list(rel.types))
    return rel.project(", ".join(proj)) if proj else rel


def run_query(
    session: DuckDBSession, handle: OperationHandle, text: str, overrides: dict[str, str]
) -> StatementResult:
    tr, resolver = translate(session, text)
    if resolver.unbounded:
        return _streaming(session, text, overrides, resolver.unbounded)
    cur = session.new_cursor(overrides, positioned=needs_position(tr, text))
    session.track(handle, cur)
    try:
        tr, rel = bind(cur, tr)
        if rel is None:
            raise ExecutionError("The statement is not a query.", java_class=PARSER_EXCEPTION)
        columns = columns_of(tr, rel)
        zone = session.config.time_zone(overrides)
        col_types = [c.type for c in columns]

        def make(batch: pa.RecordBatch) -> RowBatch:
            return ArrowRowBatch(batch, col_types, zone)

        source = open_source(cur, exportable(rel), make, session.engine.batch_rows)
    except BaseException:
        session.untrack(handle)
        cur.close()
        raise
    session.untrack(handle)
    job_id = uuid.uuid4().hex
    return StatementResult(columns, ResultKind.SUCCESS_WITH_CONTENT, source, True, job_id)


def open_source(cur: Any, rel: Any, make_batch: Any, batch_rows: int) -> RowSource:
    """Start the query and read its first batch; runtime failures surface on the first fetch
    (as in Flink, where the job fails after the operation FINISHED). A result shorter than a
    batch is read to its end now and its cursor released (loaded.LoadedRowSource)."""
    try:
        reader = rel.to_arrow_reader(batch_rows)
        try:
            first = reader.read_next_batch()
        except StopIteration:
            cur.close()
            return LoadedRowSource(None, make_batch)
    except duckdb.Error as exc:
        if is_runtime(exc):
            cur.close()
            return LoadedRowSource(None, make_batch, failure=exc)
        raise
    if first.num_rows < batch_rows:
        return small_or_streamed(cur, reader, first, make_batch)
    return ArrowRowSource(cur, reader, first, make_batch)


# ---- streaming (unbounded sources) ------------------------------------------------------------


def _streaming(
    session: DuckDBSession, text: str, overrides: dict[str, str], metas: list[TableMeta]
) -> StatementResult:
    tr, _ = translate(session, text, 0)
    aggregating = changelog.classify(tr.tree, text)
    limit = tr.tree.args.get("limit") if tr.tree is not None else None
    cur = session.new_cursor(overrides)
    try:
        bound, rel = bind(cur, tr)
        columns = columns_of(bound, rel)
        agg = None
        if aggregating and isinstance(tr.tree, exp.Select):
            duck_types = [str(t) for t in rel.types]
            agg = _Aggregation(tr.tree, duck_types)
    except BaseException:
        cur.close()
        raise
    rate = min(float(m.options.get("rows-per-second", "10000")) for m in metas)
    max_rows = None
    if isinstance(limit, exp.Limit) and limit.expression.is_int:
        max_rows = int(limit.expression.name)
    zone = session.config.time_zone(overrides)
    source = StreamingRowSource(session, text, cur, columns, rate, max_rows, zone, agg)
    job_id = uuid.uuid4().hex
    session.engine.jobs.add_stream(job_id, overrides.get("pipeline.name", "collect"), source)
    return StatementResult(columns, ResultKind.SUCCESS_WITH_CONTENT, source, True, job_id)


class _Aggregation:
    """A streaming group aggregation: per-key state and the SQL projecting its records."""

    TABLE = "__sqlgateway_changelog"

    def __init__(self, tree: exp.Select, duck_types: list[str]) -> None:
        self.state = changelog.GroupAggregation(tree)
        self.projection = changelog.projection_sql(tree, self.TABLE, duck_types)


class StreamingRowSource(RowSource):
    """Micro-batches of an unbounded query, paced at ``rate`` source rows per second; with
    ``aggregation`` the rows are Flink's changelog of the group aggregation."""

    def __init__(
        self, session: DuckDBSession, text: str, cursor: Any, columns: list[Column],
        rate: float, limit: int | None, zone: str, aggregation: _Aggregation | None = None,
    ) -> None:  # fmt: skip
        self._aggregation = aggregation
        self._session = session
        self._home = (session.catalog, session.database)  # USE later must not change the stream
        self._text = text
        self._cursor = cursor
        self._types: list[LogicalType] = [c.type for c in columns]
        self._rate = max(rate, 0.001)
        self._limit = limit
        self._zone = zone
        self._start = time.monotonic()
        self._pulled = 0
        self._emitted = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()

    @property
    def state_keys(self) -> int:
        """Keys held by the group aggregation's state (0 for an append-only stream)."""
        return self._aggregation.state.keys_held if self._aggregation is not None else 0

    @property
    def running(self) -> bool:
        return not self._stop.is_set()

    def next_batch(self, max_rows: int, wait: float = 0.0) -> RowBatch | None:
        with self._lock:
            if self._stop.is_set():
                return None
            due = int((time.monotonic() - self._start) * self._rate) - self._pulled
            if due <= 0 and wait > 0:
                elapsed = time.monotonic() - self._start
                pause = min(wait, (self._pulled + 1 - elapsed * self._rate) / self._rate)
                self._stop.wait(max(0.0, pause))
                due = int((time.monotonic() - self._start) * self._rate) - self._pulled
            cap = max_rows if self._aggregation is None else max(1, max_rows // 2)
            n = max(0, min(due, cap, 5000))
            if self._limit is not None:
                n = min(n, self._limit - self._emitted)
            batch = self._pull(n) if n > 0 else None
            if self._limit is not None and self._emitted >= self._limit:
                self.close()
            if batch is None:
                return _EmptyBatch() if not self._stop.is_set() else None
            return batch

    def _pull(self, n: int) -> RowBatch | None:
        tr, _ = translate(self._session, self._text, n, self._home)
        try:
            if self._aggregation is not None and isinstance(tr.tree, exp.Select):
                self._pulled += n
                return self._aggregate(tr.tree)
            rel = exportable(self._cursor.sql(tr.sql))
            table = rel.to_arrow_table()
        except duckdb.Error as exc:
            if self._stop.is_set():
                return None
            self.close()
            raise retrieval_error(exc)  # noqa: B904 - the cause is set inside
        self._pulled += n
        if table.num_rows == 0:
            return None
        if self._limit is not None:
            table = table.slice(0, self._limit - self._emitted)
        self._emitted += table.num_rows
        return ArrowRowBatch(table.combine_chunks().to_batches()[0], self._types, self._zone)

    def _aggregate(self, tree: exp.Select) -> RowBatch | None:
        """Feed one micro-batch to the group aggregation; its changelog records as a batch."""
        agg = self._aggregation
        assert agg is not None
        rows = self._cursor.sql(changelog.input_sql(tree)).to_arrow_table()
        records = agg.state.apply(rows)
        if records is None:
            return None
        kinds, table = records
        self._cursor.register(agg.TABLE, table)
        try:
            out = exportable(self._cursor.sql(agg.projection)).to_arrow_table()
        finally:
            self._cursor.unregister(agg.TABLE)
        keep = [bool(v) for v in out.column(out.num_columns - 1).to_pylist()]
        out = out.drop_columns([out.column_names[-1]]).filter(pa.array(keep, pa.bool_()))
        kinds = [k for k, ok in zip(kinds, keep, strict=True) if ok]
        if not kinds:
            return None
        values = arrow_to_python_rows(out.combine_chunks().to_batches()[0], self._types)
        return ChangelogBatch(self._types, values, kinds, self._zone)

    def close(self) -> None:
        self._stop.set()
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            try:
                cursor.interrupt()
                cursor.close()
            except Exception:  # noqa: BLE001 - best effort
                pass


class ChangelogBatch(PyRowBatch):
    """Rows with their changelog kinds (``+I``/``-U``/``+U``), encoded on demand; JSON refuses
    the types Flink's JSON row format cannot write (as the Arrow batches do)."""

    __slots__ = ()

    def encode(self, row_format: RowFormat) -> bytes:
        if row_format is RowFormat.JSON:
            check_json_supported(self._types)
        return super().encode(row_format)


class _EmptyBatch:
    """No row available yet (streaming)."""

    def __len__(self) -> int:
        return 0

    def encode(self, row_format: Any) -> bytes:
        return b""
