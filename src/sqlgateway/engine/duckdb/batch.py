"""``ArrowRowBatch``: a RowBatch over a pyarrow RecordBatch, encoded column-wise.

Every column becomes an array of JSON *fragments* (its field text in each row), then all rows
are assembled with one ``take`` that interleaves the fragments with literal separators
(``{"kind":"INSERT","fields":[``, ``,``, quotes, ``]}``); the output is the taken array's data
buffer. Fragments come from, in order of preference:

1. pyarrow compute kernels (flat common types: integers, BOOLEAN, FLOAT/DOUBLE, DECIMAL,
   CHAR/VARCHAR, DATE, TIMESTAMP, ARRAY of integers) with Java-exact fix-ups; values whose
   Java text needs more work (``1.0E10``, ``1E+2``, strings with control characters, …) are
   rendered one by one with the Python reference encoder;
2. one generated DuckDB SQL projection over the batch for the remaining columns (nested ARRAY/
   MAP/ROW, TIMESTAMP_LTZ in the session zone, BYTES, TIME, …) on a private per-thread
   in-memory connection (``TimeZone=UTC``); the SQL tags values it cannot format exactly
   (``\\x01<tag><text>\\x01``, patched in Python) or marks a column for the Python encoder
   (``\\x00``);
3. the Python reference encoder (``sqlgateway.engine.values``): types nothing else handles
   (intervals, MULTISET, …), out-of-range dates/timestamps, and whole batches smaller than
   ``FAST_PATH_MIN_ROWS`` (keeps ``SELECT 1`` cheap).

All paths produce identical bytes (see tests/unit/test_arrow_batch.py).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from array import array
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, Literal

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from sqlgateway.engine.values import (
    check_json_supported,
    encode_rows,
    field_encoder,
    fixed_offset_seconds,
    java_decimal_json,
    java_decimal_plain,
    java_double_str,
    java_float_str,
    json_str,
    resolve_time_zone,
)
from sqlgateway.model import LogicalType, RowFormat

__all__ = [
    "ArrowRowBatch",
    "FAST_PATH_MIN_ROWS",
    "ROW_TEXT_PREFIX",
    "Strategy",
    "arrow_to_python_rows",
]

FAST_PATH_MIN_ROWS = 64

# A last column named ``sqlgw_row_<FORMAT>`` carries every row's text in that format, made by
# DuckDB (``rowtext.TextStage``): ``,{"kind":"INSERT","fields":[...]}`` per row.
ROW_TEXT_PREFIX = "sqlgw_row_"

log = logging.getLogger(__name__)

Strategy = Literal["auto", "sql", "python"]

_MARK = "chr(0)"  # SQL: this value needs the Python encoder (the whole column is redone)
_TABLE = "sqlgw_batch"


class ArrowRowBatch:
    """RowBatch over a pyarrow RecordBatch whose columns have the given Flink types.

    ``time_zone`` is the session's ``table.local-time-zone`` (TIMESTAMP_LTZ rendering). Encoded
    bytes are cached per row format. ``encode`` raises ``ResponseMappingError`` when Flink could
    not render the batch (e.g. JSON with a non-string MAP key). A batch with one more column
    named ``sqlgw_row_<FORMAT>`` (see ``ROW_TEXT_PREFIX``) takes that format's text from it.
    """

    __slots__ = ("_batch", "_types", "_zone", "_cache", "_text", "_text_format", "on_encode")

    def __init__(
        self, batch: pa.RecordBatch, types: Sequence[LogicalType], time_zone: str = "UTC"
    ) -> None:
        self._text: pa.Array | None = None
        self._text_format: RowFormat | None = None
        if batch.num_columns == len(types) + 1:
            name = batch.schema.field(len(types)).name
            if name.startswith(ROW_TEXT_PREFIX):
                self._text_format = RowFormat[name[len(ROW_TEXT_PREFIX) :]]
                self._text = batch.column(len(types))
                batch = batch.select(list(range(len(types))))
        if batch.num_columns != len(types):
            raise ValueError(f"{batch.num_columns} columns but {len(types)} types")
        self._batch = batch
        self._types = tuple(types)
        self._zone = time_zone
        self._cache: dict[RowFormat, bytes] = {}
        # told the format of the first encoding (rows.ArrowRowSource: the rest of the result's
        # rows then get their text from DuckDB in that format)
        self.on_encode: Callable[[RowFormat], None] | None = None

    @property
    def types(self) -> tuple[LogicalType, ...]:
        return self._types

    @property
    def time_zone(self) -> str:
        return self._zone

    def __len__(self) -> int:
        return int(self._batch.num_rows)

    @property
    def record_batch(self) -> pa.RecordBatch:
        return self._batch

    def encode(self, row_format: RowFormat) -> bytes:
        """Comma-joined row objects, byte-identical to Flink's output for ``row_format``."""
        hook, self.on_encode = self.on_encode, None
        if hook is not None:
            hook(row_format)
        out = self._cache.get(row_format)
        if out is None and row_format is self._text_format and self._text is not None:
            out = self._from_text(self._text, row_format)
            if out is not None:
                self._cache[row_format] = out
        if out is None:
            if len(self) < FAST_PATH_MIN_ROWS:
                out = self.encode_with(row_format, "python")
            else:
                out = self.encode_with(row_format, "auto")
            self._cache[row_format] = out
        return out

    def encode_with(self, row_format: RowFormat, strategy: Strategy) -> bytes:
        """Encode with a given strategy (uncached): ``auto`` (arrow kernels, then SQL, then
        Python per column), ``sql`` (SQL wherever it has an expression) or ``python``."""
        if row_format is RowFormat.JSON:
            check_json_supported(self._types)
        if len(self) == 0:
            return b""
        if strategy == "python":
            return self.encode_python(row_format)
        frags = _fragments(self._batch, self._types, row_format, self._zone, strategy)
        return _assemble(frags, len(self))

    def _from_text(self, text: pa.Array, row_format: RowFormat) -> bytes | None:
        """The page from the row text column (None: a value needs the Arrow/Python encoder)."""
        if row_format is RowFormat.JSON:
            check_json_supported(self._types)
        if len(text) == 0:
            return b""
        out = _string_data(_plain_string(text), skip=1)  # the first row's comma
        if b"\x00" in out:  # a value needs the Python encoder (memchr: cheaper than kernels)
            return None
        return _patch_tags(out) if b"\x01" in out else out

    def encode_python(self, row_format: RowFormat) -> bytes:
        """The Python reference encoding (public for tests and benchmarks)."""
        rows = arrow_to_python_rows(self._batch, self._types)
        return encode_rows(self._types, rows, row_format, time_zone=self._zone)


# --------------------------------------------------------------------------------------------
# Fragments and assembly
# --------------------------------------------------------------------------------------------

# A column's fragments: string array, and the literals written around every (non-null) value.
Fragment = tuple[pa.Array, str, str]


def _fragments(
    batch: pa.RecordBatch,
    types: Sequence[LogicalType],
    row_format: RowFormat,
    zone: str,
    strategy: Strategy,
) -> list[Fragment]:
    frags: list[Fragment | None] = []
    for i, t in enumerate(types):
        col = batch.column(i)
        frags.append(_arrow_fragment(col, t, row_format) if strategy == "auto" else None)
    todo = [i for i, f in enumerate(frags) if f is None]
    if todo:
        for i, frag in zip(todo, _sql_fragments(batch, types, todo, row_format, zone), strict=True):
            frags[i] = frag
    for i, f in enumerate(frags):
        if f is None:
            frags[i] = _python_fragment(batch.column(i), types[i], row_format, zone)
    return [f for f in frags if f is not None]


_START = '{"kind":"INSERT","fields":['


def _assemble(frags: Sequence[Fragment], n: int) -> bytes:
    """Interleave fragments and literals row by row with one ``take``; return the text."""
    k = len(frags)
    if k == 0:
        return ",".join([_START + "]}"] * n).encode()
    lits = [_START + frags[0][1], "," + _START + frags[0][1]]
    lits += [frags[j - 1][2] + "," + frags[j][1] for j in range(1, k)]
    lits.append(frags[-1][2] + "]}")
    arrays = [_plain_string(f[0]) for f in frags]
    pool = pa.concat_arrays([*arrays, pa.array(lits, pa.string())])
    out = pc.take(pool, _interleave_index(n, k))
    return _string_data(out)


def _plain_string(arr: pa.Array) -> pa.Array:
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    if arr.null_count:
        raise AssertionError("fragment with nulls")  # every fragment renders its nulls
    return arr


@functools.lru_cache(maxsize=32)
def _interleave_index(n: int, k: int) -> pa.Array:
    """Row-major positions: [start, f0, sep1, f1, …, f(k-1), end] for every row."""
    m = 2 * k + 1
    base = k * n
    idx = array("i", [base + 1]) * (n * m)
    idx[0] = base
    for j in range(k):
        idx[1 + 2 * j :: m] = array("i", range(j * n, j * n + n))
        if j:
            idx[2 * j :: m] = array("i", [base + 1 + j]) * n
    idx[2 * k :: m] = array("i", [base + k + 1]) * n
    return pa.Array.from_buffers(pa.int32(), n * m, [None, pa.py_buffer(idx.tobytes())])


def _string_data(arr: pa.Array, skip: int = 0) -> bytes:
    """The concatenated bytes of a non-null StringArray (less its first ``skip`` bytes)."""
    offsets, data = arr.buffers()[1], arr.buffers()[2]
    start = arr.offset * 4
    first = int.from_bytes(offsets[start : start + 4].to_pybytes(), "little", signed=True)
    last_at = (arr.offset + len(arr)) * 4
    last = int.from_bytes(offsets[last_at : last_at + 4].to_pybytes(), "little", signed=True)
    return data[first + skip : last].to_pybytes() if data is not None else b""


# --------------------------------------------------------------------------------------------
# Fragments from pyarrow kernels
# --------------------------------------------------------------------------------------------

_INTS = frozenset({"TINYINT", "SMALLINT", "INTEGER", "BIGINT"})
_STRINGS = frozenset({"CHAR", "VARCHAR"})
_NEEDS_ESCAPE = r'[\x00-\x1f"\\]'


def _arrow_fragment(col: pa.Array, t: LogicalType, row_format: RowFormat) -> Fragment | None:
    """The column's fragments from arrow kernels, or None if this type/column is not handled."""
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    json = row_format is RowFormat.JSON
    text, wrap = _arrow_text(col, t, json)
    if text is None:
        return None
    return _wrap_nulls(col, text, wrap, json)


def _wrap_nulls(col: pa.Array, text: pa.Array, wrap: tuple[str, str], json: bool) -> Fragment:
    """Quotes (or brackets) come from the literals when no value is NULL; otherwise each
    fragment carries its own, and NULL is rendered ``null``."""
    if not json and wrap != ('"', '"'):  # PLAIN_TEXT: every non-null field is a JSON string
        wrap = ('"' + wrap[0], wrap[1] + '"')
    if col.null_count == 0:
        return text, wrap[0], wrap[1]
    if wrap != ("", ""):
        text = pc.binary_join_element_wise(_str(wrap[0]), text, _str(wrap[1]), _str(""))
    return pc.fill_null(text, _str("null")), "", ""


def _arrow_text(  # noqa: C901 - a type switch
    col: pa.Array, t: LogicalType, json: bool
) -> tuple[pa.Array | None, tuple[str, str]]:
    """(fragment text of non-null values, literals around it) — (None, …) if not handled."""
    r, a = t.root, col.type
    none: tuple[None, tuple[str, str]] = (None, ("", ""))
    if r in _INTS and pa.types.is_integer(a):
        return pc.cast(col, pa.string()), ("", "")
    if r == "BOOLEAN" and pa.types.is_boolean(a):
        if json:
            return pc.cast(col, pa.string()), ("", "")
        return pc.if_else(col, _str("TRUE"), _str("FALSE")), ("", "")
    if r in ("FLOAT", "DOUBLE") and a == (pa.float32() if r == "FLOAT" else pa.float64()):
        return _float_text(col, r == "FLOAT", json), ("", "")
    if r == "DECIMAL" and pa.types.is_decimal(a) and a.scale == (t.scale or 0):
        return _decimal_text(col, a.scale, json), ("", "")
    if r in _STRINGS and (pa.types.is_string(a) or pa.types.is_large_string(a)):
        return _string_text(col, t), ('"', '"')
    if r == "DATE" and pa.types.is_date32(a) and _all_days_within(col, 0):
        return pc.cast(col, pa.string()), ('"', '"')
    if r == "TIMESTAMP_WITHOUT_TIME_ZONE" and pa.types.is_timestamp(a) and a.tz is None:
        return _timestamp_text(col, t, json), ('"', '"')
    if _is_int_list(t, a):
        return _int_list_text(col, json), ("[", "]")
    return none


def _is_int_list(t: LogicalType, a: pa.DataType) -> bool:
    element = t.element
    return bool(
        t.root == "ARRAY"
        and element is not None
        and element.root in _INTS
        and pa.types.is_list(a)
        and pa.types.is_integer(a.value_type)
    )


@functools.lru_cache(maxsize=64)
def _str(text: str) -> pa.Scalar:
    """A typed string scalar (untyped Python scalars make pyarrow probe for numpy: slow)."""
    return pa.scalar(text, pa.string())


@functools.lru_cache(maxsize=64)
def _f64(x: float) -> pa.Scalar:
    return pa.scalar(x, pa.float64())


_FALSE = pa.scalar(False, pa.bool_())
_NULL_STR = pa.scalar(None, pa.string())


def _replace_some(
    text: pa.Array, mask: pa.Array, values: pa.Array, render: Callable[[Any], str]
) -> pa.Array:
    """Replace the masked elements of ``text`` by ``render(value)`` (one by one, in Python)."""
    mask = pc.fill_null(mask, _FALSE)
    idx = pc.indices_nonzero(mask)
    if len(idx) == 0:
        return text
    picked = values.take(idx).to_pylist()
    return pc.replace_with_mask(text, mask, pa.array([render(v) for v in picked], pa.string()))


def _float_text(col: pa.Array, is_float: bool, json: bool) -> pa.Array:
    """Java ``Float/Double.toString``: arrow prints the same shortest digits; in 1e-3 <= |x| <
    1e7 only ``.0`` is missing on integral values. Other values are rendered in Python."""
    text = _append_missing_fraction(pc.cast(col, pa.string()))
    mag = pc.abs(col)
    if _all_common(col, mag):
        return text
    common = pc.or_(
        pc.and_(pc.greater_equal(mag, _f64(0.001)), pc.less(mag, _f64(1e7))),
        pc.equal(col, _f64(0.0)),
    )
    fmt = java_float_str if is_float else java_double_str

    def render(v: float) -> str:
        s = fmt(v)
        return f'"{s}"' if json and s[-1] in "yN" else s  # NaN, ±Infinity as JSON strings

    return _replace_some(text, pc.invert(common), col, render)


def _all_common(col: pa.Array, mag: pa.Array) -> bool:
    """True if every value is 0 or has 1e-3 <= |x| < 1e7 (no NaN): nothing to fix in Python."""
    if pc.any(pc.is_nan(col)).as_py():
        return False
    bounds = pc.min_max(mag).as_py()
    lo, hi = bounds["min"], bounds["max"]
    if lo is None:
        return True
    if hi >= 1e7:
        return False
    if lo == 0:  # zeros print fine; look at the smallest non-zero magnitude
        lo = pc.min(pc.if_else(pc.equal(mag, _f64(0.0)), _f64(1.0), mag)).as_py()
    return bool(lo >= 0.001)


def _append_missing_fraction(text: pa.Array) -> pa.Array:
    """``"1"`` → ``"1.0"`` (Java prints at least one fraction digit)."""
    no_dot = pc.fill_null(pc.invert(pc.match_substring(text, ".")), _FALSE)
    if not pc.any(no_dot).as_py():
        return text
    fixed = pc.binary_join_element_wise(pc.filter(text, no_dot), _str(".0"), _str(""))
    return pc.replace_with_mask(text, no_dot, fixed)


def _decimal_text(col: pa.Array, scale: int, json: bool) -> pa.Array:
    """DECIMAL: plain with scale (PLAIN_TEXT) or Jackson's stripped form (JSON)."""
    text = pc.cast(col, pa.string())
    # arrow prints |x| < 1e-6 in scientific notation (only possible with scale > 6)
    sci = pc.match_substring(text, "E") if scale > 6 else None
    if not json:
        if sci is None:
            return text
        return _replace_some(text, sci, col, lambda v: java_decimal_plain(v, scale))
    if scale > 0:  # "1.500" -> "1.5", "2.000" -> "2", "0.000" -> "0"
        text = pc.utf8_rtrim(pc.utf8_rtrim(text, "0"), ".")
    # after stripping, a trailing zero means an integral value: Java writes 1E+2, 1.5E+3
    hard = pc.and_(pc.ends_with(text, "0"), pc.not_equal(text, _str("0")))
    if sci is not None:
        hard = pc.or_(hard, sci)
    return _replace_some(text, hard, col, java_decimal_json)


def _string_text(col: pa.Array, t: LogicalType) -> pa.Array:
    """String content, JSON-escaped (strings needing escapes go through Python)."""
    if t.root == "CHAR" and t.length:
        col = pc.utf8_rpad(col, width=int(t.length), padding=" ")
    col = col.cast(pa.string())
    special = pc.match_substring_regex(col, _NEEDS_ESCAPE)
    return _replace_some(col, special, col, lambda s: json_str(s)[1:-1])


def _timestamp_text(col: pa.Array, t: LogicalType, json: bool) -> pa.Array | None:
    a = col.type
    if not _all_days_within(col, 0):
        return None
    text = pc.cast(col, pa.string())  # "yyyy-MM-dd HH:mm:ss[.fraction with all unit digits]"
    if json:
        if a.unit != "s":
            text = pc.utf8_rtrim(pc.utf8_rtrim(text, "0"), ".")
        return pc.binary_replace_slice(text, 10, 11, "T")  # ASCII text: byte slice is exact
    if _UNIT_PRECISION[a.unit] != (t.precision or 0):
        return None
    return text


def _int_list_text(col: pa.Array, json: bool) -> pa.Array:
    null_text, sep = ("null", ",") if json else ("NULL", ", ")
    values = pc.fill_null(pc.cast(col.values, pa.string()), _str(null_text))
    joined = pc.binary_join(pa.ListArray.from_arrays(col.offsets, values), _str(sep))
    if col.null_count:  # (from_arrays cannot take a null mask together with sliced offsets)
        joined = pc.if_else(col.is_valid(), joined, _NULL_STR)
    return joined


_MIN_DAY, _MAX_DAY = -719162, 2932896  # 0001-01-01 and 9999-12-31 as days since 1970-01-01
_UNIT_PER_DAY = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}
_UNIT_PRECISION = {"s": 0, "ms": 3, "us": 6, "ns": 9}


def _all_days_within(arr: pa.Array, margin: int) -> bool:
    """True if every DATE/TIMESTAMP value lies in years 1..9999 (``margin`` days inside)."""
    a = arr.type
    if pa.types.is_date32(a):
        per_day, ints = 1, arr.view(pa.int32())
    elif pa.types.is_timestamp(a):
        per_day, ints = _UNIT_PER_DAY[a.unit], arr.view(pa.int64())
    else:
        return False
    mm = pc.min_max(ints).as_py()
    if mm["min"] is None:
        return True
    lo, hi = (_MIN_DAY + margin) * per_day, (_MAX_DAY - margin + 1) * per_day - 1
    return bool(lo <= mm["min"] and mm["max"] <= hi)


# --------------------------------------------------------------------------------------------
# Fragments from DuckDB SQL
# --------------------------------------------------------------------------------------------

_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    con: duckdb.DuckDBPyConnection | None = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect(":memory:", config={"threads": 1})
        con.execute("SET TimeZone = 'UTC'")
        _local.con = con
    return con


def _sql_fragments(
    batch: pa.RecordBatch,
    types: Sequence[LogicalType],
    cols: Sequence[int],
    row_format: RowFormat,
    zone: str,
) -> list[Fragment | None]:
    """Fragments of columns ``cols`` computed by one DuckDB query (None where SQL cannot)."""
    in_range = tuple(_in_range(batch.column(i), types[i]) for i in cols)
    exprs = column_sql(batch.schema, tuple(types), tuple(cols), row_format, zone, in_range)
    runnable = [(i, e) for i, e in zip(cols, exprs, strict=True) if e is not None]
    out: dict[int, Fragment | None] = {i: None for i in cols}
    if runnable:
        select = ", ".join(f"{e} AS f{n}" for n, (_, e) in enumerate(runnable))
        try:
            table = _run_sql(f"SELECT {select} FROM {_TABLE}", batch)
        except duckdb.Error:  # e.g. a value DuckDB cannot convert: the Python encoder decides
            log.warning("SQL encoding failed, using the Python encoder", exc_info=True)
            return [None for _ in cols]
        for n, (i, _) in enumerate(runnable):
            out[i] = _checked_sql_fragment(table.column(n).combine_chunks())
    return [out[i] for i in cols]


def _in_range(col: pa.Array, t: LogicalType) -> bool:
    if t.root in ("DATE", "TIMESTAMP_WITHOUT_TIME_ZONE", "TIMESTAMP_WITH_LOCAL_TIME_ZONE"):
        return _all_days_within(col, 1 if t.root.endswith("LOCAL_TIME_ZONE") else 0)
    return False


def _run_sql(sql: str, batch: pa.RecordBatch) -> pa.Table:
    """Run ``sql`` over ``batch``, found by DuckDB's replacement scan of this frame's local
    ``sqlgw_batch`` (cheaper than register/unregister)."""
    con = _connection()
    sqlgw_batch = batch  # noqa: F841 - read by DuckDB's replacement scan
    return con.sql(sql).to_arrow_table()


def _checked_sql_fragment(arr: pa.Array) -> Fragment | None:
    """None if a value asked for the Python encoder; tagged values patched."""
    if pc.any(pc.match_substring(arr, "\x00")).as_py():
        return None
    tagged = pc.match_substring(arr, "\x01")
    return _replace_some(arr, tagged, arr, _patch), "", ""


# Tagged values ``\x01<tag><DuckDB text>\x01`` that SQL leaves to Python.
_TAGGED = re.compile("\x01(.)([^\x01]*)\x01")


def _patch_value(m: re.Match[str]) -> str:
    return _render_tagged(m.group(1), m.group(2))


def _render_tagged(tag: str, raw: str) -> str:
    if tag == "n":
        return java_decimal_json(Decimal(raw))
    text = java_float_str(float(raw)) if tag in "fF" else java_double_str(float(raw))
    if tag in "df" and text[-1] in "yN":  # NaN, Infinity, -Infinity are JSON strings
        text = f'"{text}"'
    return text


def _patch_tags(text: bytes) -> bytes:
    """``_patch`` on bytes, found with ``bytes.find`` (a regex scan of a page is slower)."""
    parts: list[bytes] = []
    pos = 0
    while (start := text.find(b"\x01", pos)) >= 0:
        end = text.find(b"\x01", start + 2)
        if end < 0:
            break
        parts.append(text[pos:start])
        tag, raw = text[start + 1 : start + 2].decode(), text[start + 2 : end].decode()
        parts.append(_render_tagged(tag, raw).encode())
        pos = end + 1
    parts.append(text[pos:])
    return b"".join(parts)


def _patch(text: str) -> str:
    """Render the tagged values (rare number layouts) with the Python encoder's rules."""
    return _TAGGED.sub(_patch_value, text)


# --------------------------------------------------------------------------------------------
# Fragments from the Python encoder
# --------------------------------------------------------------------------------------------


def _python_fragment(col: pa.Array, t: LogicalType, row_format: RowFormat, zone: str) -> Fragment:
    enc = field_encoder(t, row_format, zone)
    values = _to_py(col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col, t)
    return pa.array([enc(v) for v in values], pa.string()), "", ""


# --------------------------------------------------------------------------------------------
# SQL generation
# --------------------------------------------------------------------------------------------


class _Unsupported(Exception):
    """The SQL generator cannot render this type exactly; use the Python encoder."""


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@functools.lru_cache(maxsize=512)
def column_sql(
    schema: pa.Schema,
    types: tuple[LogicalType, ...],
    cols: tuple[int, ...],
    row_format: RowFormat,
    time_zone: str,
    in_range: tuple[bool, ...],
) -> tuple[str | None, ...]:
    """SQL expressions (over ``sqlgw_batch``) giving the complete field text of columns
    ``cols``; None for a column whose type has no exact SQL rendering. ``in_range[n]`` says
    column ``cols[n]`` is known to hold years 1..9999 only (no per-value check needed)."""
    gen = _SqlGen(row_format, time_zone)
    out: list[str | None] = []
    for i, safe in zip(cols, in_range, strict=True):
        f = schema.field(i)
        try:
            out.append(gen.top(types[i], _ident(f.name), f.type, safe))
        except _Unsupported:
            out.append(None)
    return tuple(out)


_DQ = "'\"'"  # SQL literal of a double quote
_TS_FORMATS = {0: "%Y-%m-%d %H:%M:%S", 3: "%Y-%m-%d %H:%M:%S.%g", 6: "%Y-%m-%d %H:%M:%S.%f"}
_TS_FORMATS[9] = "%Y-%m-%d %H:%M:%S.%n"


def _int_like(t: LogicalType) -> bool:
    """INT types and arrays of them: DuckDB's VARCHAR cast already prints ``[1, 2, NULL]``."""
    if t.root == "ARRAY" and t.element is not None:
        return _int_like(t.element)
    return t.root in _INTS


class _SqlGen:
    """Builds SQL text expressions.

    ``x`` is an SQL expression of a value (possibly NULL) of Flink type ``t`` whose arrow type
    (as registered with DuckDB) is ``a``; ``safe`` says temporal values need no range check.
    """

    def __init__(self, row_format: RowFormat, time_zone: str) -> None:
        self.json = row_format is RowFormat.JSON
        self.zone_name = time_zone
        self.zone = resolve_time_zone(time_zone)
        self._n = 0

    def _var(self) -> str:
        self._n += 1
        return f"e{self._n}"

    def top(self, t: LogicalType, x: str, a: pa.DataType, safe: bool) -> str:
        _check_arrow(t, a)
        if self.json:
            return self.json_nullable(t, a, x, True, safe)
        if t.root in _STRINGS:  # the whole value is the text: escape it in one go
            quoted = f"to_json({_padded(t, x)})::VARCHAR"
        else:  # nested strings are escaped where they occur (see _plain_scalar)
            quoted = f"concat({_DQ}, {self.plain(t, a, x, safe)}, {_DQ})"
        return f"CASE WHEN {x} IS NULL THEN 'null' ELSE {quoted} END"

    # ---- JSON -----------------------------------------------------------------------------

    def json_nullable(
        self, t: LogicalType, a: pa.DataType, x: str, convert_ltz: bool, safe: bool = False
    ) -> str:
        value = self.json_value(t, a, x, convert_ltz, safe)
        return f"CASE WHEN {x} IS NULL THEN 'null' ELSE {value} END"

    def json_value(
        self, t: LogicalType, a: pa.DataType, x: str, convert_ltz: bool, safe: bool
    ) -> str:
        r = t.root
        if _int_like(t) and r == "ARRAY":  # yyjson's integers and nulls are Jackson's
            return f"to_json({x})::VARCHAR"
        if r in ("ARRAY", "MAP", "ROW"):
            return self._json_nested(t, a, x, convert_ltz)
        if r == "TIMESTAMP_WITHOUT_TIME_ZONE":
            text = _checked_ts(x, f"CAST({_formattable(x, a)} AS VARCHAR)", safe)
            return f"concat({_DQ}, replace({text}, ' ', 'T'), {_DQ})"
        if r == "TIMESTAMP_WITH_LOCAL_TIME_ZONE":
            local = self._shift(x, a) if convert_ltz else _utc_wall(x, a)
            text = _checked_ts(x, f"CAST({local} AS VARCHAR)", safe)
            return f"concat({_DQ}, replace({text}, ' ', 'T'), 'Z\"')"
        return _json_scalar(t, _leading_zero(x, a), safe)

    def _json_nested(self, t: LogicalType, a: pa.DataType, x: str, convert_ltz: bool) -> str:
        e = self._var()
        if t.root == "ARRAY":
            assert t.element is not None
            inner = self.json_nullable(t.element, a.value_type, e, convert_ltz)
            return (
                f"concat('[', array_to_string(list_transform({x}, lambda {e}: {inner}), ','), ']')"
            )
        if t.root == "MAP":
            assert t.value is not None
            assert t.key is not None
            key_text = f"to_json({_padded(t.key, f'{e}.key')})::VARCHAR"
            key = f"CASE WHEN {e}.key IS NULL THEN '\"null\"' ELSE {key_text} END"
            val = self.json_nullable(t.value, a.item_type, f"{e}.value", convert_ltz)
            entries = f"list_transform(map_entries({x}), lambda {e}: concat({key}, ':', {val}))"
            return f"concat('{{', array_to_string({entries}, ','), '}}')"
        parts = []
        for i, f in enumerate(t.fields):  # ROW: LTZ values inside stay UTC (Flink's converter)
            name = _lit(json_str(f.name) + ":")
            value = self.json_nullable(f.type, a.field(i).type, _field(x, f.name), False)
            parts.append(f"{name}, {value}")
        return "concat('{', " + ", ',', ".join(parts) + ", '}')"

    # ---- PLAIN_TEXT -----------------------------------------------------------------------

    def plain_nullable(self, t: LogicalType, a: pa.DataType, x: str) -> str:
        return f"CASE WHEN {x} IS NULL THEN 'NULL' ELSE {self.plain(t, a, x, False)} END"

    def plain(self, t: LogicalType, a: pa.DataType, x: str, safe: bool) -> str:
        r = t.root
        if _int_like(t):
            return f"CAST({x} AS VARCHAR)"
        if r in ("ARRAY", "MAP", "ROW"):
            return self._plain_nested(t, a, x)
        if r == "TIMESTAMP_WITHOUT_TIME_ZONE":
            return _checked_ts(x, _ts_plain(_formattable(x, a), t.precision or 0, a), safe)
        if r == "TIMESTAMP_WITH_LOCAL_TIME_ZONE":
            local = self._shift(x, a)
            unit = "ns" if getattr(a, "unit", "us") == "ns" else "us"
            return _checked_ts(x, _ts_plain(local, t.precision or 0, pa.timestamp(unit)), safe)
        return _plain_scalar(t, _leading_zero(x, a), safe)

    def _plain_nested(self, t: LogicalType, a: pa.DataType, x: str) -> str:
        e = self._var()
        if t.root == "ARRAY":
            assert t.element is not None
            inner = self.plain_nullable(t.element, a.value_type, e)
            return (
                f"concat('[', array_to_string(list_transform({x}, lambda {e}: {inner}), ', '), ']')"
            )
        if t.root == "MAP":
            assert t.key is not None and t.value is not None
            key = self.plain_nullable(t.key, a.key_type, f"{e}.key")
            val = self.plain_nullable(t.value, a.item_type, f"{e}.value")
            entries = f"list_transform(map_entries({x}), lambda {e}: concat({key}, '=', {val}))"
            return f"concat('{{', array_to_string({entries}, ', '), '}}')"
        parts = [
            self.plain_nullable(f.type, a.field(i).type, _field(x, f.name))
            for i, f in enumerate(t.fields)
        ]
        return "concat('(', " + ", ', ', ".join(parts) + ", ')')"

    def _shift(self, x: str, a: pa.DataType) -> str:
        """TIMESTAMP_LTZ instant → wall-clock timestamp in the session time zone."""
        offset = fixed_offset_seconds(self.zone)
        if offset is None:
            return f"timezone({_lit(self.zone_name)}, {x})"
        base = _utc_wall(x, a)
        return base if offset == 0 else f"({base} + to_seconds({offset}))"


def _json_scalar(t: LogicalType, x: str, safe: bool) -> str:  # noqa: C901 - a type switch
    r = t.root
    if r == "BOOLEAN":
        return f"CASE WHEN {x} THEN 'true' ELSE 'false' END"
    if r in _INTS:
        return f"CAST({x} AS VARCHAR)"
    if r in ("FLOAT", "DOUBLE"):
        return _java_number(x, r == "FLOAT", quote_specials=True)
    if r == "DECIMAL":
        return _decimal_json(x, t.scale or 0)
    if r in _STRINGS:
        return f"to_json({_padded(t, x)})::VARCHAR"
    if r in ("BINARY", "VARBINARY"):
        return f"concat({_DQ}, base64({x}), {_DQ})"
    if r == "DATE":
        return f"concat({_DQ}, {_date_text(x, safe)}, {_DQ})"
    if r == "TIME_WITHOUT_TIME_ZONE":
        return f"concat({_DQ}, substr(CAST({x} AS VARCHAR), 1, 8), {_DQ})"
    if r == "NULL":
        return "'null'"
    raise _Unsupported(r)


def _plain_scalar(t: LogicalType, x: str, safe: bool) -> str:  # noqa: C901 - a type switch
    r = t.root
    if r == "BOOLEAN":
        return f"CASE WHEN {x} THEN 'TRUE' ELSE 'FALSE' END"
    if r == "DECIMAL":
        return f"CAST({x} AS VARCHAR)"
    if r in ("FLOAT", "DOUBLE"):
        return _java_number(x, r == "FLOAT", quote_specials=False)
    if r in _STRINGS:  # JSON-escaped in place, the enclosing string's quotes come later
        return f"(to_json({_padded(t, x)})::VARCHAR)[2:-2]"
    if r in ("BINARY", "VARBINARY"):
        return f"concat('x''', lower(hex({x})), '''')"
    if r == "DATE":
        return _date_text(x, safe)
    if r == "TIME_WITHOUT_TIME_ZONE" and not t.precision:
        return f"substr(CAST({x} AS VARCHAR), 1, 8)"
    if r == "NULL":
        return "'NULL'"
    raise _Unsupported(r)


def _utc_wall(x: str, a: pa.DataType) -> str:
    """TIMESTAMP_LTZ instant → UTC wall clock (the connection's TimeZone is UTC)."""
    target = "TIMESTAMP_NS" if getattr(a, "unit", "us") == "ns" else "TIMESTAMP"
    return f"CAST({x} AS {target})"


def _padded(t: LogicalType, x: str) -> str:
    if t.root == "CHAR" and t.length:
        n = int(t.length)
        return f"CASE WHEN length({x}) < {n} THEN rpad({x}, {n}, ' ') ELSE {x} END"
    return f"CAST({x} AS VARCHAR)"


def _field(x: str, name: str) -> str:
    return f"struct_extract({x}, {_lit(name)})"


def _java_number(x: str, is_float: bool, quote_specials: bool) -> str:
    """Java ``Float/Double.toString``: DuckDB's shortest round-trip text is already right for
    0 and 1e-3 <= |x| < 1e7; other values are tagged for ``_patch`` (scientific notation,
    NaN/Infinity, subnormals)."""
    tag = ("f" if is_float else "d") if quote_specials else ("F" if is_float else "D")
    s = f"CAST({x} AS VARCHAR)"
    # a DOUBLE's in-range text from yyjson (to_json) is the same and cheaper than the cast
    common = s if is_float else f"to_json({x})::VARCHAR"
    return (
        f"CASE WHEN abs({x}) >= 0.001 AND abs({x}) < 10000000 OR {x} = 0 THEN {common} "
        f"ELSE concat(chr(1), '{tag}', {s}, chr(1)) END"
    )


def _leading_zero(x: str, a: pa.DataType) -> str:
    """DuckDB prints a DECIMAL(p,p) without its leading zero (``.5``): widen it by one digit."""
    if not pa.types.is_decimal(a) or a.precision != a.scale or a.scale == 0:
        return x
    if a.precision >= 38:
        raise _Unsupported(str(a))
    return f"CAST({x} AS DECIMAL({a.precision + 1}, {a.scale}))"


def _decimal_json(x: str, scale: int) -> str:
    """Jackson's DECIMAL: ``stripTrailingZeros()`` then ``BigDecimal.toString``. Integral values
    with trailing zeros (``1E+2``) and |x| < 1e-6 (``1E-7``) are tagged for ``_patch``."""
    s = f"CAST({x} AS VARCHAR)"
    tagged = f"concat(chr(1), 'n', {s}, chr(1))"
    if scale == 0:
        return f"CASE WHEN NOT suffix({s}, '0') OR {x} = 0 THEN {s} ELSE {tagged} END"
    trimmed = f"rtrim({s}, '0')"
    tiny = f"abs({x}) < 0.000001 AND {x} <> 0" if scale > 6 else "false"
    return (
        f"CASE WHEN {tiny} THEN {tagged} "
        f"WHEN NOT suffix({s}, '0') THEN {s} "
        f"WHEN {x} = 0 THEN '0' "
        f"WHEN NOT suffix({trimmed}, '.') THEN {trimmed} "
        f"ELSE {tagged} END"
    )


def _date_text(x: str, safe: bool) -> str:
    if safe:
        return f"CAST({x} AS VARCHAR)"
    return (
        f"CASE WHEN {x} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31' "
        f"THEN CAST({x} AS VARCHAR) ELSE {_MARK} END"
    )


def _formattable(x: str, a: pa.DataType) -> str:
    """DuckDB formats TIMESTAMP_S/_MS through nanoseconds (overflow outside 1677..2262):
    widen them to microsecond TIMESTAMP first."""
    return f"CAST({x} AS TIMESTAMP)" if getattr(a, "unit", "us") in ("s", "ms") else x


def _checked_ts(x: str, text: str, safe: bool) -> str:
    """``text`` of timestamp ``x``, or the marker for years outside 1..9999 / infinities."""
    if safe:
        return text
    return f"CASE WHEN isfinite({x}) AND year({x}) BETWEEN 1 AND 9999 THEN {text} ELSE {_MARK} END"


def _ts_plain(x: str, precision: int, a: pa.DataType) -> str:
    """Flink's PLAIN_TEXT timestamp: fraction padded with zeros to the type's precision."""
    if _UNIT_PRECISION.get(getattr(a, "unit", ""), -1) == precision:
        return f"strftime({x}, {_lit(_TS_FORMATS[precision])})"
    s = f"CAST({x} AS VARCHAR)"
    if precision <= 0:
        return s
    return (
        f"CASE WHEN NOT contains({s}, '.') THEN concat({s}, '.{'0' * precision}') "
        f"ELSE rpad({s}, CAST(greatest(length({s}), strpos({s}, '.') + {precision}) AS INTEGER), "
        f"'0') END"
    )


def _check_arrow(t: LogicalType, a: pa.DataType) -> None:
    """Accept only arrow layouts whose DuckDB import the generator was written for."""
    r = t.root
    if r in ("INTERVAL_DAY_TIME", "INTERVAL_YEAR_MONTH", "MULTISET"):
        raise _Unsupported(r)
    if pa.types.is_dictionary(a) or pa.types.is_union(a) or isinstance(a, pa.ExtensionType):
        raise _Unsupported(str(a))
    if r == "TIME_WITHOUT_TIME_ZONE" and t.precision:
        raise _Unsupported("TIME(p>0)")
    layout = _LAYOUTS.get(r)
    if layout is not None and not layout(t, a):  # e.g. DECIMAL data at another scale
        raise _Unsupported(f"{t.summary()} as {a}")
    for ct, ca in _children(t, a):
        _check_arrow(ct, ca)


def _is_text(a: pa.DataType) -> bool:
    return bool(pa.types.is_string(a) or pa.types.is_large_string(a) or pa.types.is_string_view(a))


def _is_bytes(a: pa.DataType) -> bool:
    return bool(
        pa.types.is_binary(a) or pa.types.is_large_binary(a) or pa.types.is_fixed_size_binary(a)
    )


# Arrow layouts whose DuckDB rendering the SQL expressions assume, per Flink type root.
_LAYOUTS: dict[str, Callable[[LogicalType, pa.DataType], bool]] = {
    **{r: (lambda t, a: bool(pa.types.is_integer(a))) for r in _INTS},
    "BOOLEAN": lambda t, a: bool(pa.types.is_boolean(a)),
    "FLOAT": lambda t, a: a == pa.float32(),
    "DOUBLE": lambda t, a: a == pa.float64(),
    "DECIMAL": lambda t, a: bool(pa.types.is_decimal(a) and a.scale == (t.scale or 0)),
    "CHAR": lambda t, a: _is_text(a),
    "VARCHAR": lambda t, a: _is_text(a),
    "BINARY": lambda t, a: _is_bytes(a),
    "VARBINARY": lambda t, a: _is_bytes(a),
    "DATE": lambda t, a: bool(pa.types.is_date32(a)),
    "TIME_WITHOUT_TIME_ZONE": lambda t, a: bool(pa.types.is_time(a)),
    "TIMESTAMP_WITHOUT_TIME_ZONE": lambda t, a: bool(pa.types.is_timestamp(a) and a.tz is None),
    "TIMESTAMP_WITH_LOCAL_TIME_ZONE": lambda t, a: bool(
        pa.types.is_timestamp(a) and a.tz is not None
    ),
    "NULL": lambda t, a: bool(pa.types.is_null(a)),
}


def _children(t: LogicalType, a: pa.DataType) -> list[tuple[LogicalType, pa.DataType]]:
    r = t.root
    if r == "ARRAY" and t.element is not None:
        if not _is_list(a):
            raise _Unsupported(str(a))
        return [(t.element, a.value_type)]
    if r == "MAP" and t.key is not None and t.value is not None:
        if not pa.types.is_map(a):
            raise _Unsupported(str(a))
        return [(t.key, a.key_type), (t.value, a.item_type)]
    if r == "ROW":
        if not pa.types.is_struct(a) or a.num_fields != len(t.fields):
            raise _Unsupported(str(a))
        return [(f.type, a.field(i).type) for i, f in enumerate(t.fields)]
    return []


def _is_list(a: pa.DataType) -> bool:
    return bool(pa.types.is_list(a) or pa.types.is_large_list(a) or pa.types.is_fixed_size_list(a))


# --------------------------------------------------------------------------------------------
# --------------------------------------------------------------------------------------------
# Arrow → Python values (the fallback's input, see values.py for the accepted forms)
# --------------------------------------------------------------------------------------------

_NS = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}


def arrow_to_python_rows(
    batch: pa.RecordBatch, types: Sequence[LogicalType]
) -> list[tuple[Any, ...]]:
    """Rows of Python values in the forms the reference encoder accepts (exact: ints, Decimals,
    epoch-nanosecond timestamps, nanosecond-of-day times, epoch days)."""
    cols = [_to_py(batch.column(i), t) for i, t in enumerate(types)]
    return list(zip(*cols, strict=True)) if cols else [() for _ in range(batch.num_rows)]


def _scaled_ints(arr: pa.Array, scale: int) -> list[Any]:
    ints = arr.cast(pa.int32() if arr.type.bit_width == 32 else pa.int64()).to_pylist()
    return ints if scale == 1 else [None if v is None else v * scale for v in ints]


def _to_py(arr: pa.Array, t: LogicalType) -> list[Any]:  # noqa: C901 - a type switch
    a = arr.type
    if pa.types.is_dictionary(a):
        return _to_py(arr.dictionary_decode(), t)
    if isinstance(a, pa.ExtensionType):
        return _to_py(arr.storage, t)
    if pa.types.is_timestamp(a) or pa.types.is_time(a):
        return _scaled_ints(arr, _NS[a.unit])
    if pa.types.is_date32(a):
        return _scaled_ints(arr, 1)
    if pa.types.is_date64(a):
        return [None if v is None else v // 86_400_000 for v in _scaled_ints(arr, 1)]
    if a == pa.month_day_nano_interval():
        return [None if v is None else _interval_ms(v) for v in arr.to_pylist()]
    if pa.types.is_duration(a):
        return [None if v is None else v // 1_000_000 for v in _scaled_ints(arr, _NS[a.unit])]
    if pa.types.is_map(a):
        return _map_to_py(arr, t)
    if _is_list(a):
        return _list_to_py(arr, t)
    if pa.types.is_struct(a):
        return _struct_to_py(arr, t)
    return arr.to_pylist()  # type: ignore[no-any-return]


def _interval_ms(v: Any) -> int:
    """DuckDB INTERVAL as milliseconds, a month counted as 30 days (DuckDB's own convention)."""
    days = v.months * 30 + v.days
    return int(days * 86_400_000 + int(v.nanoseconds / 1_000_000))


def _list_to_py(arr: pa.Array, t: LogicalType) -> list[Any]:
    elem_t = t.element if t.element is not None else LogicalType("NULL")
    valid = arr.is_valid().to_pylist()
    if pa.types.is_fixed_size_list(arr.type):
        n = arr.type.list_size
        start = arr.offset * n
        values = _to_py(arr.values.slice(start, len(arr) * n), elem_t)
        return [values[i * n : (i + 1) * n] if ok else None for i, ok in enumerate(valid)]
    offsets = arr.offsets.to_pylist()
    base = offsets[0]
    values = _to_py(arr.values.slice(base, offsets[-1] - base), elem_t)
    return [
        values[offsets[i] - base : offsets[i + 1] - base] if ok else None
        for i, ok in enumerate(valid)
    ]


def _map_to_py(arr: pa.Array, t: LogicalType) -> list[Any]:
    key_t = t.key if t.key is not None else (t.element or LogicalType("NULL"))
    val_t = t.value if t.value is not None else LogicalType("INTEGER")
    offsets = arr.offsets.to_pylist()
    base, end = offsets[0], offsets[-1]
    keys = _to_py(arr.keys.slice(base, end - base), key_t)
    items = _to_py(arr.items.slice(base, end - base), val_t)
    pairs = list(zip(keys, items, strict=True))
    valid = arr.is_valid().to_pylist()
    return [
        pairs[offsets[i] - base : offsets[i + 1] - base] if ok else None
        for i, ok in enumerate(valid)
    ]


def _struct_to_py(arr: pa.Array, t: LogicalType) -> list[Any]:
    fields = [_to_py(pc.struct_field(arr, [i]), f.type) for i, f in enumerate(t.fields)]
    valid = arr.is_valid().to_pylist()
    rows = list(zip(*fields, strict=True)) if fields else [() for _ in valid]
    return [row if ok else None for row, ok in zip(rows, valid, strict=True)]
