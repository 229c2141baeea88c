"""Row text inside DuckDB: a second query over a result's Arrow stream that renders every row.

Once the first fetch names the row format, ``TextStage.open`` wraps the rest of a query's raw
Arrow stream in ``SELECT *, <row text> AS sqlgw_row_<FORMAT> FROM stream`` on a private
single-threaded in-memory connection. Each row's text is ``,{"kind":"INSERT","fields":[...]}``
built from the exact field expressions of ``batch.column_sql`` (values SQL cannot format are
tagged ``\\x01…\\x01`` and patched, or marked ``\\x00``: the batch then uses the Arrow encoder).
The raw columns travel along, so a fetch in the other format (or a marked batch) is still encoded
by ``ArrowRowBatch`` from them. DuckDB renders the text without the GIL while the previous page is
sent, and a page becomes one slice of the text column's data buffer.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from sqlgateway.engine.duckdb.batch import (
    _INTS,
    ROW_TEXT_PREFIX,
    _formattable,
    _ident,
    _int_like,
    _leading_zero,
    _ts_plain,
    _Unsupported,
    column_sql,
)
from sqlgateway.engine.values import check_json_supported
from sqlgateway.errors import GatewayError
from sqlgateway.model import LogicalType, RowFormat

__all__ = ["TextStage", "row_text_sql"]

log = logging.getLogger(__name__)

_START = ',{"kind":"INSERT","fields":['


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def row_text_sql(
    schema: pa.Schema, types: tuple[LogicalType, ...], row_format: RowFormat, zone: str
) -> str | None:
    """The SQL expression of a whole row's text (leading comma included) over the columns of
    ``schema``; None when a column has no exact SQL rendering or the names are ambiguous."""
    names = [f.name.lower() for f in schema]
    if not types or len(set(names)) != len(names) or len(names) != len(types):
        return None
    if any(n.startswith(ROW_TEXT_PREFIX) for n in names):
        return None
    n = len(types)
    exprs = column_sql(schema, types, tuple(range(n)), row_format, zone, (False,) * n)
    if any(e is None for e in exprs):
        return None
    row = f"concat({_lit(_START)}, " + ", ',', ".join(str(e) for e in exprs) + ", ']}')"
    fast = _json_array_row(schema, types, row_format)
    if fast is not None:  # rows whose values JSON_ARRAY would print otherwise: ``row``
        flag, args = fast
        array_row = f"concat({_lit(_START[:-1])}, json_array({args})::VARCHAR, '}}')"
        return f"CASE WHEN {flag} THEN {row} ELSE {array_row} END" if flag else array_row
    return row


def _json_array_row(
    schema: pa.Schema, types: Sequence[LogicalType], row_format: RowFormat
) -> tuple[str, str] | None:
    """(condition, arguments) for rendering a row with DuckDB's JSON_ARRAY (yyjson: about half
    the cost of per-field expressions), or None if a column's type does not allow it. Where the
    condition holds, the row has a value JSON_ARRAY would print unlike Flink (DOUBLE in
    scientific notation, NaN; in JSON an integral or tiny DECIMAL; a date or timestamp outside
    years 1..9999) and takes the per-field expressions instead. PLAIN_TEXT fields are strings:
    the arguments are then the printing casts' text."""
    args: list[str] = []
    flags: list[str] = []
    arg_of = _json_array_arg if row_format is RowFormat.JSON else _plain_array_arg
    for field, t in zip(schema, types, strict=True):
        try:
            arg = arg_of(t, field.type, _ident(field.name), flags)
        except _Unsupported:
            arg = None
        if arg is None:
            return None
        args.append(arg)
    return " OR ".join(flags), ", ".join(args)


def _plain_array_arg(  # noqa: C901 - a type switch
    t: LogicalType, a: pa.DataType, x: str, flags: list[str]
) -> str | None:
    r = t.root
    if (r in _INTS and pa.types.is_integer(a)) or (r == "ARRAY" and _int_like(t) and _int_lists(a)):
        return f"CAST({x} AS VARCHAR)"  # lists print as [1, 2, NULL]
    if r == "BOOLEAN" and pa.types.is_boolean(a):
        return f"CASE WHEN {x} THEN 'TRUE' WHEN NOT {x} THEN 'FALSE' END"
    if r == "VARCHAR" and (pa.types.is_string(a) or pa.types.is_large_string(a)):
        return x
    if r == "DOUBLE" and a == pa.float64():
        flags.append(f"NOT (abs({x}) >= 0.001 AND abs({x}) < 10000000 OR {x} = 0)")
        return f"to_json({x})::VARCHAR"
    if r == "DECIMAL" and pa.types.is_decimal(a) and a.scale == (t.scale or 0):
        return f"CAST({_leading_zero(x, a)} AS VARCHAR)"
    if r == "DATE" and pa.types.is_date32(a):
        flags.append(f"NOT ({x} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31')")
        return f"CAST({x} AS VARCHAR)"
    if r == "TIMESTAMP_WITHOUT_TIME_ZONE" and pa.types.is_timestamp(a) and a.tz is None:
        flags.append(f"NOT (isfinite({x}) AND year({x}) BETWEEN 1 AND 9999)")
        return _ts_plain(_formattable(x, a), t.precision or 0, a)
    return None


def _json_array_arg(  # noqa: C901 - a type switch
    t: LogicalType, a: pa.DataType, x: str, flags: list[str]
) -> str | None:
    r = t.root
    if (r in _INTS and pa.types.is_integer(a)) or (r == "BOOLEAN" and pa.types.is_boolean(a)):
        return x
    if r == "VARCHAR" and (pa.types.is_string(a) or pa.types.is_large_string(a)):
        return x
    if r == "DOUBLE" and a == pa.float64():
        flags.append(f"NOT (abs({x}) >= 0.001 AND abs({x}) < 10000000 OR {x} = 0)")
        return x
    if r == "DECIMAL" and pa.types.is_decimal(a) and a.scale == (t.scale or 0):
        # printed through DOUBLE: exact digits for up to 15 of them, when not integral
        if a.precision > 15 or a.scale <= 0:
            return None
        flags.append(f"({x} = trunc({x}) OR abs({x}) < 0.001)")
        return x
    if r == "DATE" and pa.types.is_date32(a):
        flags.append(f"NOT ({x} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31')")
        return x
    if r == "TIMESTAMP_WITHOUT_TIME_ZONE" and pa.types.is_timestamp(a) and a.tz is None:
        flags.append(f"NOT (isfinite({x}) AND year({x}) BETWEEN 1 AND 9999)")
        return f"replace(CAST({_formattable(x, a)} AS VARCHAR), ' ', 'T')"
    if r == "ARRAY" and _int_like(t) and _int_lists(a):
        return x
    return None


def _int_lists(a: pa.DataType) -> bool:
    if pa.types.is_list(a) or pa.types.is_large_list(a):
        return _int_lists(a.value_type)
    return bool(pa.types.is_integer(a))


_lock = threading.Lock()
_state: dict[str, duckdb.DuckDBPyConnection] = {}


def _connection() -> duckdb.DuckDBPyConnection:
    """The private in-memory database whose cursors run the text queries (one thread each:
    the stream they read is consumed in order)."""
    with _lock:
        con = _state.get("con")
        if con is None:
            con = duckdb.connect(":memory:", config={"threads": 1})
            _state["con"] = con
        return con


@functools.lru_cache(maxsize=256)
def _validated(schema: pa.Schema, sql: str) -> bool:
    """True if ``sql`` binds and runs over an empty table of ``schema`` (checked before the real
    stream is handed to DuckDB: a stream given to a query that fails is lost)."""
    cur = _connection().cursor()
    try:
        cur.execute("SET TimeZone = 'UTC'")
        sqlgw_stream = schema.empty_table()  # noqa: F841 - read by DuckDB's replacement scan
        cur.sql(sql.replace("{source}", "sqlgw_stream")).to_arrow_table()
        return True
    except duckdb.Error:
        log.warning("row text SQL rejected, rows are encoded in Python", exc_info=True)
        return False
    finally:
        with contextlib.suppress(Exception):
            cur.close()


class TextStage:
    """Opens the row-text query over a raw stream; owns its cursor (interrupt, close)."""

    def __init__(self, types: Sequence[LogicalType], zone: str, batch_rows: int) -> None:
        self._types = tuple(types)
        self._zone = zone
        self._batch_rows = max(1, batch_rows)
        self._cursor: Any = None

    def open(self, raw: pa.RecordBatchReader, row_format: RowFormat) -> pa.RecordBatchReader:
        """``raw`` extended by the row text column for ``row_format``, or ``raw`` itself when
        the row text cannot be made in SQL."""
        if row_format is RowFormat.JSON:
            try:
                check_json_supported(self._types)
            except GatewayError:  # the fetch reports it from the raw columns
                return raw
        row = row_text_sql(raw.schema, self._types, row_format, self._zone)
        if row is None:
            return raw
        name = f"{ROW_TEXT_PREFIX}{row_format.value}"
        sql = f"SELECT *, {row} AS {name} FROM {{source}}"
        if not _validated(raw.schema, sql):
            return raw
        cur = _connection().cursor()
        self._cursor = cur
        cur.execute("SET TimeZone = 'UTC'")
        sqlgw_stream = raw  # noqa: F841 - read by DuckDB's replacement scan
        reader: pa.RecordBatchReader = cur.sql(
            sql.replace("{source}", "sqlgw_stream")
        ).to_arrow_reader(self._batch_rows)
        return reader

    def interrupt(self) -> None:
        cur = self._cursor
        if cur is not None:
            with contextlib.suppress(Exception):
                cur.interrupt()

    def close(self) -> None:
        cur, self._cursor = self._cursor, None
        if cur is not None:
            with contextlib.suppress(Exception):
                cur.close()
