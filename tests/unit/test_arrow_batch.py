"""ArrowRowBatch: recorded Flink output, and fast paths == Python reference encoder."""

from __future__ import annotations

import datetime as dt
import json
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sqlgateway.engine.duckdb.batch import FAST_PATH_MIN_ROWS, ArrowRowBatch, Strategy
from sqlgateway.engine.values import ResponseMappingError, logical_type_from_json
from sqlgateway.model import STRING, LogicalType, RowField, RowFormat

TRANSCRIPTS = Path("/work/shared/reference/transcripts/gateway")
needs_ref = pytest.mark.skipif(not TRANSCRIPTS.exists(), reason="reference material missing")

STRATEGIES: tuple[Strategy, ...] = ("auto", "sql", "python")

# The VALUES rows of transcripts 065/075, produced by DuckDB (TIMESTAMP_MS = TIMESTAMP(3)).
VALUES_SQL = """
SELECT * FROM (VALUES
 (1, CAST(10 AS BIGINT), 'alpha', CAST(1.5 AS DOUBLE), CAST(3.14 AS DECIMAL(10,2)), TRUE,
  DATE '2024-01-02', TIME '12:34:56', TIMESTAMP_MS '2024-01-02 12:34:56.789',
  CAST(NULL AS VARCHAR), [1,2,3], MAP {'k': 1}, {'EXPR$0': 1, 'EXPR$1': 'r'}, '\\xCA\\xFE'::BLOB),
 (2, CAST(-20 AS BIGINT), 'beta', CAST(-0.25 AS DOUBLE), CAST(-1.00 AS DECIMAL(10,2)), FALSE,
  DATE '1970-01-01', TIME '00:00:00', TIMESTAMP_MS '1970-01-01 00:00:00', 'not null', [4],
  MAP {'z': 26}, {'EXPR$0': 2, 'EXPR$1': 's'}, '\\x00\\xFF'::BLOB)
) AS t(i, b, s, d, dc, bo, dt, tm, ts, ns, arr, mp, rw, bin)
"""


def _transcript(name: str) -> tuple[list[LogicalType], bytes]:
    body = json.loads((TRANSCRIPTS / name).read_text())["response"]["body_raw"]
    types = [
        logical_type_from_json(c["logicalType"]) for c in json.loads(body)["results"]["columns"]
    ]
    start = body.index('"data":[') + len('"data":[')
    return types, body[start : body.rindex("]}")].encode()


def _duckdb_batch(sql: str) -> pa.RecordBatch:
    table = duckdb.connect().sql(sql).to_arrow_table().combine_chunks()
    batches = table.to_batches()
    return batches[0] if batches else pa.RecordBatch.from_pylist([], schema=table.schema)


@needs_ref
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("073_values_json_fetch.json", RowFormat.JSON),
        ("083_values_plain_fetch.json", RowFormat.PLAIN_TEXT),
    ],
)
def test_values_transcript(name: str, fmt: RowFormat, strategy: Strategy) -> None:
    types, expected = _transcript(name)
    batch = ArrowRowBatch(_duckdb_batch(VALUES_SQL), types)
    assert batch.encode_with(fmt, strategy) == expected
    assert batch.encode(fmt) == expected


@needs_ref
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_ltz_transcripts(strategy: Strategy) -> None:
    rb = _duckdb_batch(
        "SELECT TIMESTAMPTZ '1970-01-01 00:00:00+00' AS ltz, 1.0::FLOAT AS f, 7::TINYINT AS ti,"
        " 8::SMALLINT AS si, 'ab' AS c, 'ab' AS vc"
    )
    types, expected = _transcript("094_ltz_json_fetch.json")
    assert ArrowRowBatch(rb, types, "UTC").encode_with(RowFormat.JSON, strategy) == expected
    types, expected = _transcript("103_ltz_plain_fetch.json")
    two = rb.select([0, 1])
    assert ArrowRowBatch(two, types, "UTC").encode_with(RowFormat.PLAIN_TEXT, strategy) == expected


def test_large_batch_takes_fast_path_and_matches_reference() -> None:
    rb = _duckdb_batch(
        "SELECT i::INTEGER AS a, i / 7.0 AS d, (i * 1.37)::DECIMAL(12,3) AS dc, 'r' || i AS s,"
        " TIMESTAMP '2024-01-01' + to_microseconds(i * 1234567) AS ts, [i, NULL] AS arr,"
        " {'x': i, 'y': 'v' || i} AS rw FROM range(1000) t(i)"
    )
    types = [
        LogicalType("INTEGER"),
        LogicalType("DOUBLE"),
        LogicalType("DECIMAL", precision=12, scale=3),
        STRING(),
        LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=6),
        LogicalType("ARRAY", element=LogicalType("INTEGER")),
        LogicalType("ROW", fields=(RowField("x", LogicalType("BIGINT")), RowField("y", STRING()))),
    ]
    batch = ArrowRowBatch(rb, types)
    assert len(batch) == 1000 >= FAST_PATH_MIN_ROWS
    for fmt in RowFormat:
        assert batch.encode(fmt) == batch.encode_python(fmt)
        assert batch.encode(fmt) is batch.encode(fmt)  # cached


def test_empty_and_tiny_batches() -> None:
    rb = _duckdb_batch("SELECT 1 AS a FROM range(0)")
    assert ArrowRowBatch(rb, [LogicalType("INTEGER")]).encode(RowFormat.JSON) == b""
    one = _duckdb_batch("SELECT 1 AS a")
    out = ArrowRowBatch(one, [LogicalType("INTEGER", nullable=False)]).encode(RowFormat.JSON)
    assert out == b'{"kind":"INSERT","fields":[1]}'


def test_non_string_map_key_fails_json_only() -> None:
    rb = _duckdb_batch("SELECT MAP {1: 'a'} AS m")
    types = [LogicalType("MAP", key=LogicalType("INTEGER"), value=STRING())]
    batch = ArrowRowBatch(rb, types)
    for strategy in STRATEGIES:
        with pytest.raises(ResponseMappingError):
            batch.encode_with(RowFormat.JSON, strategy)
        assert batch.encode_with(RowFormat.PLAIN_TEXT, strategy) == (
            b'{"kind":"INSERT","fields":["{1=a}"]}'
        )


def test_threads_share_nothing() -> None:
    rb = _duckdb_batch("SELECT i AS a, {'k': i} AS r FROM range(500) t(i)")
    types = [
        LogicalType("BIGINT"),
        LogicalType("ROW", fields=(RowField("k", LogicalType("BIGINT")),)),
    ]
    expected = ArrowRowBatch(rb, types).encode_python(RowFormat.JSON)
    results: list[bytes] = []

    def work() -> None:
        for _ in range(5):
            results.append(ArrowRowBatch(rb, types).encode_with(RowFormat.JSON, "sql"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [expected] * 20


# ------------------------------------------------------------------------------ properties

ZONES = ["UTC", "Asia/Shanghai", "America/New_York", "+05:30"]
_INT_RANGES = {
    "TINYINT": (pa.int8(), 7),
    "SMALLINT": (pa.int16(), 15),
    "INTEGER": (pa.int32(), 31),
    "BIGINT": (pa.int64(), 63),
}


def _ints(root: str) -> st.SearchStrategy[Any]:
    bits = _INT_RANGES[root][1]
    return st.integers(-(2**bits), 2**bits - 1)


_doubles = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, 1e7, 9999999.0, 0.001, 0.0009, 5e-324, 1e16, 1e-7, 100.0]),
)
_floats32 = st.floats(width=32, allow_nan=True, allow_infinity=True)
_text = st.text(max_size=12)
_days = st.integers(-800_000, 3_000_000)  # includes years before 1 and after 9999


def _decimals(p: int, s: int) -> st.SearchStrategy[Any]:
    return st.integers(-(10**p) + 1, 10**p - 1).map(lambda u: Decimal(f"{u}E-{s}"))


def _ts(unit: str) -> st.SearchStrategy[Any]:
    per_day = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}
    lo, hi = (-700_000, 2_900_000) if unit != "ns" else (-100_000, 100_000)
    return st.integers(lo * per_day[unit], hi * per_day[unit])


# (Flink type, arrow type, value strategy, arrow value converter)
def _scalar_cases() -> list[tuple[LogicalType, pa.DataType, st.SearchStrategy[Any]]]:
    cases: list[tuple[LogicalType, pa.DataType, st.SearchStrategy[Any]]] = []
    for root, (atype, _) in _INT_RANGES.items():
        cases.append((LogicalType(root), atype, _ints(root)))
    cases += [
        (LogicalType("BOOLEAN"), pa.bool_(), st.booleans()),
        (LogicalType("DOUBLE"), pa.float64(), _doubles),
        (LogicalType("FLOAT"), pa.float32(), _floats32),
        (LogicalType("DECIMAL", precision=10, scale=2), pa.decimal128(10, 2), _decimals(10, 2)),
        (LogicalType("DECIMAL", precision=38, scale=10), pa.decimal128(38, 10), _decimals(38, 10)),
        (LogicalType("DECIMAL", precision=20, scale=0), pa.decimal128(20, 0), _decimals(20, 0)),
        (LogicalType("DECIMAL", precision=10, scale=9), pa.decimal128(10, 9), _decimals(10, 9)),
        (STRING(), pa.string(), _text),
        (LogicalType("CHAR", length=5), pa.string(), st.text(max_size=5)),
        (LogicalType("VARBINARY", length=2147483647), pa.binary(), st.binary(max_size=8)),
        (LogicalType("DATE"), pa.date32(), _days),
        (LogicalType("TIME_WITHOUT_TIME_ZONE", precision=0), pa.time64("us"),
         st.integers(0, 86_400_000_000 - 1)),
    ]  # fmt: skip
    for unit, p in (("s", 0), ("ms", 3), ("us", 6), ("ns", 9)):
        cases.append(
            (LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=p), pa.timestamp(unit), _ts(unit))
        )
        cases.append((LogicalType("TIMESTAMP_WITH_LOCAL_TIME_ZONE", precision=p),
                      pa.timestamp(unit, tz="UTC"), _ts(unit)))  # fmt: skip
    return cases


SCALARS = _scalar_cases()


def _nested_cases() -> list[tuple[LogicalType, pa.DataType, st.SearchStrategy[Any]]]:
    i32, dbl = LogicalType("INTEGER"), LogicalType("DOUBLE")
    ltz = LogicalType("TIMESTAMP_WITH_LOCAL_TIME_ZONE", precision=6)
    fields = (RowField("a", i32), RowField("b c", STRING()), RowField("t", ltz))
    row_t = LogicalType("ROW", fields=fields)
    ts_tz = pa.timestamp("us", tz="UTC")
    row_a = pa.struct([("a", pa.int32()), ("b c", pa.string()), ("t", ts_tz)])
    row_v = st.fixed_dictionaries(
        {"a": st.none() | _ints("INTEGER"), "b c": st.none() | _text, "t": st.none() | _ts("us")}
    )
    some_ints = st.lists(st.none() | _ints("INTEGER"), max_size=4)
    pairs = st.dictionaries(_text, st.none() | _ints("INTEGER"), max_size=3)
    nested_ints = st.lists(st.none() | some_ints, max_size=2)
    return [
        (LogicalType("ARRAY", element=i32), pa.list_(pa.int32()), some_ints),
        (
            LogicalType("ARRAY", element=STRING()),
            pa.list_(pa.string()),
            st.lists(st.none() | _text, max_size=3),
        ),
        (
            LogicalType("ARRAY", element=dbl),
            pa.list_(pa.float64()),
            st.lists(st.none() | _doubles, max_size=3),
        ),
        (
            LogicalType("ARRAY", element=ltz),
            pa.list_(ts_tz),
            st.lists(st.none() | _ts("us"), max_size=3),
        ),
        (
            LogicalType("MAP", key=STRING(), value=i32),
            pa.map_(pa.string(), pa.int32()),
            pairs.map(lambda d: list(d.items())),
        ),
        (row_t, row_a, row_v),
        (
            LogicalType("ARRAY", element=row_t),
            pa.list_(row_a),
            st.lists(st.none() | row_v, max_size=2),
        ),
        (
            LogicalType("ARRAY", element=LogicalType("ARRAY", element=i32)),
            pa.list_(pa.list_(pa.int32())),
            nested_ints,
        ),
    ]


NESTED = _nested_cases()
ALL_CASES = SCALARS + NESTED


def _arrow_values(atype: pa.DataType, values: list[Any]) -> pa.Array:
    """Build an arrow array; temporal values are given as raw integers."""
    if pa.types.is_timestamp(atype) or pa.types.is_date32(atype) or pa.types.is_time(atype):
        storage = {32: pa.int32(), 64: pa.int64()}[atype.bit_width]
        return pa.array(values, storage).view(atype)
    return pa.array(values, atype)


def _nested_to_arrow(atype: pa.DataType, values: list[Any]) -> pa.Array:
    """pyarrow cannot build tz timestamps from ints inside structs/lists: convert first."""

    def conv(t: pa.DataType, v: Any) -> Any:
        if v is None:
            return None
        if pa.types.is_timestamp(t):
            return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=v)
        if pa.types.is_struct(t):
            return {
                t.field(i).name: conv(t.field(i).type, v[t.field(i).name])
                for i in range(t.num_fields)
            }
        if pa.types.is_list(t):
            return [conv(t.value_type, e) for e in v]
        return v

    return pa.array([conv(atype, v) for v in values], atype)


@st.composite
def _batches(draw: st.DrawFn) -> tuple[pa.RecordBatch, list[LogicalType], str]:
    picked = draw(st.lists(st.sampled_from(range(len(ALL_CASES))), min_size=1, max_size=4))
    n = draw(st.integers(1, 40))
    skip = draw(st.integers(0, 3))  # exercise sliced arrays too
    arrays, types = [], []
    for k in picked:
        t, atype, values = ALL_CASES[k]
        col = draw(st.lists(st.none() | values, min_size=n + skip, max_size=n + skip))
        nested = k >= len(SCALARS)
        arrays.append(_nested_to_arrow(atype, col) if nested else _arrow_values(atype, col))
        types.append(t)
    names = [f"c{i}" for i in range(len(arrays))]
    batch = pa.RecordBatch.from_arrays(arrays, names=names).slice(skip)
    return batch, types, draw(st.sampled_from(ZONES))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_batches(), st.sampled_from(list(RowFormat)))
def test_fast_paths_equal_python_reference(
    case: tuple[pa.RecordBatch, list[LogicalType], str], fmt: RowFormat
) -> None:
    rb, types, zone = case
    batch = ArrowRowBatch(rb, types, zone)
    expected = batch.encode_python(fmt)
    assert batch.encode_with(fmt, "sql") == expected
    assert batch.encode_with(fmt, "auto") == expected


def test_declared_types_differing_from_arrow_layout() -> None:
    """The engine may declare Flink literal types (DECIMAL(10,4), TIMESTAMP(3), FLOAT) over
    DuckDB data of another scale/unit/width: every strategy still renders the declared type."""
    rb = _duckdb_batch(
        "SELECT 3.14::DECIMAL(10,2) AS d, TIMESTAMP '2024-01-02 12:34:56.789' AS ts,"
        " 0.1::DOUBLE AS f FROM range(3)"
    )
    types = [
        LogicalType("DECIMAL", precision=10, scale=4),
        LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=3),
        LogicalType("FLOAT"),
    ]
    batch = ArrowRowBatch(rb, types)
    row_plain = b'{"kind":"INSERT","fields":["3.1400","2024-01-02 12:34:56.789","0.1"]}'
    row_json = b'{"kind":"INSERT","fields":[3.14,"2024-01-02T12:34:56.789",0.1]}'
    for strategy in STRATEGIES:
        assert batch.encode_with(RowFormat.PLAIN_TEXT, strategy) == b",".join([row_plain] * 3)
        assert batch.encode_with(RowFormat.JSON, strategy) == b",".join([row_json] * 3)


def test_sliced_batches() -> None:
    rb = _duckdb_batch(
        "SELECT i AS a, [i, NULL] AS l, MAP {'k' || i: i} AS m, {'x': 'v' || i} AS r,"
        " i / 3.0 AS d, ('2024-01-01'::DATE + i::INTEGER) AS dt, 'é\"' || i AS s"
        " FROM range(300) t(i)"
    )
    types = [
        LogicalType("BIGINT"),
        LogicalType("ARRAY", element=LogicalType("BIGINT")),
        LogicalType("MAP", key=STRING(), value=LogicalType("BIGINT")),
        LogicalType("ROW", fields=(RowField("x", STRING()),)),
        LogicalType("DOUBLE"),
        LogicalType("DATE"),
        STRING(),
    ]
    part = ArrowRowBatch(rb.slice(101, 150), types)
    for fmt in RowFormat:
        expected = part.encode_python(fmt)
        assert expected.startswith(
            b'{"kind":"INSERT","fields":[' + (b"101," if fmt is RowFormat.JSON else b'"101",')
        )
        for strategy in STRATEGIES:
            assert part.encode_with(fmt, strategy) == expected


def test_char_map_keys_are_padded() -> None:
    rb = _duckdb_batch("SELECT MAP {'a': 1} AS m")
    types = [LogicalType("MAP", key=LogicalType("CHAR", length=2), value=LogicalType("INTEGER"))]
    for strategy in STRATEGIES:
        out = ArrowRowBatch(rb, types).encode_with(RowFormat.JSON, strategy)
        assert out == b'{"kind":"INSERT","fields":[{"a ":1}]}'
