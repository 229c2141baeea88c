"""Row text rendered by DuckDB (rowtext.TextStage) == the Python reference encoder, both formats."""

from __future__ import annotations

import math
import random
import struct
import threading
from decimal import Decimal

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.unit.test_arrow_batch import _batches

from sqlgateway.engine.duckdb.batch import ROW_TEXT_PREFIX, ArrowRowBatch
from sqlgateway.engine.duckdb.rows import ArrowRowSource
from sqlgateway.engine.duckdb.rowtext import TextStage
from sqlgateway.engine.duckdb.types import flink_type
from sqlgateway.engine.values import ResponseMappingError
from sqlgateway.model import LogicalType, RowFormat

OTHER = {RowFormat.JSON: RowFormat.PLAIN_TEXT, RowFormat.PLAIN_TEXT: RowFormat.JSON}

# The benchmark's nine column types, with NULLs and values every encoder must special-case.
EDGE_SQL = """
SELECT * FROM (VALUES
 (1, 10::BIGINT, 1.5::DOUBLE, 'plain', 3.14::DECIMAL(10,2), DATE '2024-01-02',
  TIMESTAMP_MS '2024-01-02 12:34:56.789', TRUE, [1, 2, 3]),
 (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (-2147483648, -9223372036854775807::BIGINT - 1, 1e7::DOUBLE, 'quote " back \\ tab' || chr(9),
  100.00::DECIMAL(10,2), DATE '0001-01-01', TIMESTAMP_MS '2024-01-02 00:00:00', FALSE,
  [NULL, -1]::INTEGER[]),
 (2147483647, 9223372036854775807::BIGINT, 'nan'::DOUBLE, 'ctrl' || chr(1) || chr(31) || 'é',
  0.00::DECIMAL(10,2), DATE '9999-12-31', TIMESTAMP_MS '1970-01-01 00:00:00.5', NULL,
  []::INTEGER[]),
 (0, 0::BIGINT, '-inf'::DOUBLE, '', -1.50::DECIMAL(10,2), DATE '1970-01-01',
  TIMESTAMP_MS '9999-12-31 23:59:59.999', TRUE, NULL),
 (7, 7::BIGINT, -0.0::DOUBLE, '雪 ☃ \U0001f600', 0.01::DECIMAL(10,2), DATE '2000-02-29',
  TIMESTAMP_MS '0001-01-01 00:00:00', FALSE, [7]),
 (8, 8::BIGINT, 1e-4::DOUBLE, 'x', 12345678.90::DECIMAL(10,2), DATE '2024-01-01',
  TIMESTAMP_MS '2024-01-01 00:00:00.010', TRUE, [1]),
 (9, 9::BIGINT, 0.001::DOUBLE, 'y', 2.50::DECIMAL(10,2), DATE '2024-01-01',
  TIMESTAMP_MS '2024-01-01 00:00:01', TRUE, [2])
) AS t(c_int, c_bigint, c_double, c_string, c_decimal, c_date, c_ts, c_bool, c_arr)
"""


def _staged(
    batch: pa.RecordBatch, types: list[LogicalType], zone: str, fmt: RowFormat, rows: int = 3
) -> tuple[list[ArrowRowBatch], pa.Schema]:
    stage = TextStage(types, zone, rows)
    try:
        raw = pa.RecordBatchReader.from_batches(batch.schema, [batch])
        reader = stage.open(raw, fmt)
        out = [ArrowRowBatch(b, types, zone) for b in reader]
        return out, reader.schema
    finally:
        stage.close()


def _encode(batches: list[ArrowRowBatch], fmt: RowFormat) -> bytes:
    return b",".join(p for p in (b.encode(fmt) for b in batches) if p)


def _reference(batch: pa.RecordBatch, types: list[LogicalType], zone: str, fmt: RowFormat) -> bytes:
    return ArrowRowBatch(batch, types, zone).encode_python(fmt)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_batches(), st.sampled_from(list(RowFormat)))
def test_row_text_equals_python_reference(
    case: tuple[pa.RecordBatch, list[LogicalType], str], fmt: RowFormat
) -> None:
    """Random columns of every type (NULLs, edge values, nested, sliced): the staged batches
    encode as the reference does, in the staged format and in the other one."""
    rb, types, zone = case
    staged, _ = _staged(rb, types, zone, fmt)
    assert sum(len(b) for b in staged) == rb.num_rows
    for f in (fmt, OTHER[fmt]):
        try:
            expected = _reference(rb, types, zone, f)
        except ResponseMappingError:
            with pytest.raises(ResponseMappingError):
                _encode(staged, f)
            continue
        assert _encode(staged, f) == expected


def _edge_batch() -> tuple[pa.RecordBatch, list[LogicalType]]:
    rel = duckdb.connect().sql(EDGE_SQL)
    types = [flink_type(t) for t in rel.types]
    return rel.to_arrow_table().combine_chunks().to_batches()[0], types


@pytest.mark.parametrize("fmt", list(RowFormat))
@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai"])
def test_benchmark_types_get_row_text(fmt: RowFormat, zone: str) -> None:
    """The benchmark's column types take the DuckDB path (a text column is added) and every
    edge value (tags patched, out-of-range marks falling back) matches the reference."""
    rb, types = _edge_batch()
    staged, schema = _staged(rb, types, zone, fmt, rows=2)
    assert schema.names[-1] == f"{ROW_TEXT_PREFIX}{fmt.value}"
    for f in (fmt, OTHER[fmt]):
        assert _encode(staged, f) == _reference(rb, types, zone, f)


def test_unrenderable_types_keep_the_raw_stream() -> None:
    """No SQL rendering (INTERVAL) or JSON the format cannot carry (MAP<INT, …>): the stream
    is returned as it is and the Arrow/Python encoders decide."""
    con = duckdb.connect()
    for sql in ("SELECT INTERVAL 1 DAY AS i", "SELECT MAP {1: 'a'} AS m"):
        rel = con.sql(sql)
        types = [flink_type(t) for t in rel.types]
        rb = rel.to_arrow_table().to_batches()[0]
        _, schema = _staged(rb, types, "UTC", RowFormat.JSON)
        assert schema == rb.schema


def _source(con: duckdb.DuckDBPyConnection, n: int) -> tuple[ArrowRowSource, list[LogicalType]]:
    cur = con.cursor()
    rel = cur.sql(
        f"SELECT i::INTEGER AS a, 'v' || i AS s, (i / 8)::DECIMAL(10,2) AS d FROM range({n}) t(i)"
    )
    types = [flink_type(t) for t in rel.types]
    reader = rel.to_arrow_reader(100)
    first = reader.read_next_batch()
    return ArrowRowSource(cur, reader, first, lambda b: ArrowRowBatch(b, types)), types


def _drain(source: ArrowRowSource, formats: list[RowFormat]) -> list[bytes]:
    pages = []
    while (batch := source.next_batch(100)) is not None:
        pages.append(batch.encode(formats[min(len(pages), len(formats) - 1)]))
    return pages


@pytest.mark.parametrize("fmt", list(RowFormat))
def test_source_stages_after_the_first_page(fmt: RowFormat) -> None:
    """The first page's format is the one the rest of the stream is rendered in; a later page
    in the other format still comes out right (from the raw columns)."""
    con = duckdb.connect()
    source, _ = _source(con, 1000)
    pages = _drain(source, [fmt, fmt, OTHER[fmt], fmt])
    plain, _ = _source(con, 1000)
    expected = []
    formats = [fmt, fmt, OTHER[fmt], fmt]
    while (batch := plain.next_batch(100)) is not None:
        assert isinstance(batch, ArrowRowBatch)
        batch.on_encode = None  # never staged: every page from the Arrow encoder
        expected.append(batch.encode(formats[min(len(expected), 3)]))
    assert pages == expected
    assert len(pages) == 10


def test_source_closed_while_staged_releases_everything() -> None:
    con = duckdb.connect()
    source, _ = _source(con, 100_000)
    for _ in range(3):
        batch = source.next_batch(100)
        assert batch is not None
        batch.encode(RowFormat.JSON)
    source.close()
    assert source.next_batch(100) is None


def test_decimal_without_integer_digits() -> None:
    """DECIMAL(p,p): DuckDB prints ``.5``, Flink ``0.5`` (also nested, where SQL renders it)."""
    rel = duckdb.connect().sql(
        "SELECT 0.897::DECIMAL(3,3) AS a, -0.5::DECIMAL(1,1) AS b, 0.000::DECIMAL(3,3) AS c,"
        " [0.25, NULL]::DECIMAL(2,2)[] AS d"
    )
    types = [flink_type(t) for t in rel.types]
    rb = rel.to_arrow_table().to_batches()[0]
    for fmt in RowFormat:
        expected = _reference(rb, types, "UTC", fmt)
        assert ArrowRowBatch(rb, types).encode_with(fmt, "sql") == expected
        staged, _ = _staged(rb, types, "UTC", fmt)
        assert _encode(staged, fmt) == expected


def _random_columns(rng: random.Random, n: int) -> tuple[pa.RecordBatch, list[LogicalType]]:
    """The JSON_ARRAY row's types with values around every boundary it must leave to SQL."""
    p = rng.randint(1, 15)
    s = rng.randint(1, p)

    def decimal() -> Decimal | None:
        pick = rng.randrange(4)
        digits = (
            rng.randint(-(10**p) + 1, 10**p - 1),
            rng.randint(-(10 ** min(p, 4)), 10 ** min(p, 4)),
            rng.randint(-99, 99) * 10 ** rng.randint(0, max(0, p - 2)),
        )
        if pick == 3 or len(str(abs(digits[pick]))) > p:
            return None
        return Decimal(digits[pick]).scaleb(-s)

    def double() -> float | None:
        pick = rng.randrange(5)
        if pick == 0:
            return None
        if pick == 1:
            return float(struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0])
        if pick == 2:
            return rng.uniform(-1e8, 1e8)
        if pick == 3:
            return round(rng.uniform(-1e4, 1e4), rng.randint(0, 6))
        return rng.choice([0.0, -0.0, 1e7, 9999999.999999998, 0.001, 0.000999, math.nan, -math.inf])

    unit = rng.choice(["s", "ms", "us", "ns"])
    per_s = {"s": 1, "ms": 1000, "us": 10**6, "ns": 10**9}[unit]
    lo, hi = (-62135596800, 253402300799) if unit != "ns" else (-9223372036, 9223372035)
    chars = 'ab"\\\x01\x1f\u00e9\u2028\U0001f600 '
    columns = [
        (LogicalType("BIGINT"), pa.array([rng.randint(-(2**63), 2**63 - 1) for _ in range(n)])),
        (LogicalType("DOUBLE"), pa.array([double() for _ in range(n)], pa.float64())),
        (
            LogicalType("DECIMAL", precision=p, scale=s),
            pa.array([decimal() for _ in range(n)], pa.decimal128(p, s)),
        ),
        (
            LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision={"s": 0, "ms": 3}.get(unit, 6)),
            pa.array([rng.randint(lo * per_s, hi * per_s) for _ in range(n)], pa.timestamp(unit)),
        ),
        (
            LogicalType("DATE"),
            pa.array([rng.randint(-719162 - 3, 2932896 + 3) for _ in range(n)], pa.date32()),
        ),
        (
            LogicalType("ARRAY", element=LogicalType("INTEGER")),
            pa.array(
                [
                    [rng.choice([None, rng.randint(-(2**31), 2**31 - 1)])] * rng.randint(0, 2)
                    for _ in range(n)
                ],
                pa.list_(pa.int32()),
            ),
        ),  # fmt: skip
        (
            LogicalType("VARCHAR", length=2147483647),
            pa.array(
                ["".join(rng.choice(chars) for _ in range(rng.randint(0, 5))) for _ in range(n)]
            ),
        ),
        (LogicalType("BOOLEAN"), pa.array([rng.choice([True, False, None]) for _ in range(n)])),
    ]
    batch = pa.RecordBatch.from_arrays([c for _, c in columns], names=list("abcdefgh"))
    return batch, [t for t, _ in columns]


def _text(rng: random.Random, chars: str) -> str:
    return "".join(rng.choice(chars) for _ in range(rng.randint(0, 5)))


@pytest.mark.parametrize("fmt", list(RowFormat))
@pytest.mark.parametrize("seed", range(6))
def test_json_array_rows_and_their_exceptions(seed: int, fmt: RowFormat) -> None:
    """Rows rendered by JSON_ARRAY, and rows with a value it would print differently (taken by
    the per-field SQL), interleaved: all equal to the reference."""
    rb, types = _random_columns(random.Random(seed), 1500)
    staged, schema = _staged(rb, types, "UTC", fmt, rows=500)
    assert schema.names[-1] == f"{ROW_TEXT_PREFIX}{fmt.value}"
    assert _encode(staged, fmt) == _reference(rb, types, "UTC", fmt)


def test_sources_stage_concurrently() -> None:
    """Text stages of results read by different threads at once (one shared private database):
    every result complete and right."""
    con = duckdb.connect()
    expected = _drain(_source(con, 3000)[0], [RowFormat.JSON])
    results: list[list[bytes]] = []

    def work() -> None:
        source, _ = _source(con, 3000)
        results.append(_drain(source, [RowFormat.JSON]))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == [expected] * 4
