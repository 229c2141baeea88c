"""DuckDB result types → Flink LogicalTypes, and the Arrow export casts."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from sqlgateway.engine.duckdb.batch import ArrowRowBatch
from sqlgateway.engine.duckdb.types import (
    export_cast_type,
    export_projection,
    flink_columns,
    flink_type,
)
from sqlgateway.model import MAX_LENGTH, LogicalType, RowFormat

# DuckDB type → Flink summary string (Flink's asSummaryString spelling)
CASES = [
    ("BOOLEAN", "BOOLEAN"),
    ("TINYINT", "TINYINT"),
    ("SMALLINT", "SMALLINT"),
    ("INTEGER", "INT"),
    ("BIGINT", "BIGINT"),
    ("UTINYINT", "SMALLINT"),
    ("USMALLINT", "INT"),
    ("UINTEGER", "BIGINT"),
    ("UBIGINT", "DECIMAL(20, 0)"),
    ("HUGEINT", "DECIMAL(38, 0)"),
    ("UHUGEINT", "DECIMAL(38, 0)"),
    ("FLOAT", "FLOAT"),
    ("DOUBLE", "DOUBLE"),
    ("DECIMAL(10,2)", "DECIMAL(10, 2)"),
    ("DECIMAL(38,10)", "DECIMAL(38, 10)"),
    ("VARCHAR", "STRING"),
    ("JSON", "STRING"),
    ("UUID", "CHAR(36)"),
    ("BLOB", "BYTES"),
    ("BIT", "STRING"),
    ("DATE", "DATE"),
    ("TIME", "TIME(0)"),
    ("TIME WITH TIME ZONE", "STRING"),
    ("TIMESTAMP_S", "TIMESTAMP(0)"),
    ("TIMESTAMP_MS", "TIMESTAMP(3)"),
    ("TIMESTAMP", "TIMESTAMP(6)"),
    ("TIMESTAMP_NS", "TIMESTAMP(9)"),
    ("TIMESTAMP WITH TIME ZONE", "TIMESTAMP_LTZ(6)"),
    ("INTERVAL", "INTERVAL DAY(6) TO SECOND(3)"),
    ("INTEGER[]", "ARRAY<INT>"),
    ("VARCHAR[3]", "ARRAY<STRING>"),
    ("MAP(VARCHAR, DOUBLE)", "MAP<STRING, DOUBLE>"),
    ('STRUCT(a INTEGER, "b c" VARCHAR[])', "ROW<`a` INT, `b c` ARRAY<STRING>>"),
    ("UNION(n INTEGER, s VARCHAR)", "STRING"),
    ("ENUM('x', 'y')", "STRING"),
]


@pytest.mark.parametrize(("duck", "summary"), CASES)
def test_flink_type(duck: str, summary: str) -> None:
    conn = duckdb.connect()
    if duck.startswith("ENUM"):  # ENUM types need a value to be spelled
        t = conn.sql("SELECT 'x'::ENUM('x', 'y') AS e").types[0]
    else:
        t = conn.sql(f"SELECT NULL::{duck} AS c").types[0]
    assert flink_type(t).summary() == summary


def test_json_shape_and_nullability() -> None:
    assert flink_type("VARCHAR").to_json() == {
        "type": "VARCHAR",
        "nullable": True,
        "length": MAX_LENGTH,
    }
    assert flink_type("BLOB").to_json()["type"] == "VARBINARY"
    assert flink_type("INTEGER", nullable=False).to_json() == {"type": "INTEGER", "nullable": False}
    ltz = flink_type("TIMESTAMP WITH TIME ZONE").to_json()
    assert ltz == {"type": "TIMESTAMP_WITH_LOCAL_TIME_ZONE", "nullable": True, "precision": 6}
    assert flink_type(duckdb.connect().sql("SELECT NULL AS n").types[0]).to_json() == {
        "type": "NULL"
    }


def test_flink_columns_from_relation() -> None:
    rel = duckdb.connect().sql("SELECT 1 AS a, 'x' AS b, [1.5] AS c")
    cols = flink_columns(rel.columns, rel.types)
    assert [c.name for c in cols] == ["a", "b", "c"]
    assert [c.type.summary() for c in cols] == ["INT", "STRING", "ARRAY<DECIMAL(2, 1)>"]


def test_export_cast_types() -> None:
    assert export_cast_type("INTEGER") is None
    assert export_cast_type("STRUCT(a INTEGER, b DOUBLE[])") is None
    assert export_cast_type("UUID") == "VARCHAR"
    assert export_cast_type("BIT[]") == "VARCHAR[]"
    assert export_cast_type("MAP(VARCHAR, UUID)") == "MAP(VARCHAR, VARCHAR)"
    assert (
        export_cast_type('STRUCT(a INTEGER, "b""x" BIT)') == 'STRUCT("a" INTEGER, "b""x" VARCHAR)'
    )
    assert export_cast_type("UHUGEINT") == "DECIMAL(38,0)"
    assert export_cast_type("UBIGINT") == "DECIMAL(20,0)"
    assert export_cast_type("JSON") == "VARCHAR"


EXOTIC = """
SELECT '0101'::BIT AS "bit", 'x'::ENUM('x', 'y') AS e,
       '5f9b1c1e-6f1a-4d55-9b55-2b0fbd0e4a1c'::UUID AS u, union_value(n := 7) AS un,
       TIMETZ '12:00:00+01' AS ttz, [('01'::BIT)] AS bits, {'k': 'a'::ENUM('a', 'b')} AS st,
       '{"a": 1}'::JSON AS j, 12345678901234567890::UHUGEINT AS uh, 42::BIGNUM AS big
"""


def test_export_projection_makes_everything_encodable() -> None:
    conn = duckdb.connect()
    rel = conn.sql(EXOTIC)
    exprs = export_projection(rel.columns, rel.types)
    assert exprs is not None
    types = [flink_type(t) for t in rel.types]
    table = conn.sql(f"SELECT {', '.join(exprs)} FROM ({EXOTIC})").to_arrow_table()
    rb = table.combine_chunks().to_batches()[0]
    batch = ArrowRowBatch(rb, types)
    # DECIMAL 12345678901234567890: Java's stripTrailingZeros().toString() is 1.23…89E+19
    expected = (
        b'{"kind":"INSERT","fields":["0101","x","5f9b1c1e-6f1a-4d55-9b55-2b0fbd0e4a1c","7",'
        b'"12:00:00+01",["01"],{"k":"a"},"{\\"a\\": 1}",1.234567890123456789E+19,"42"]}'
    )
    assert batch.encode_python(RowFormat.JSON) == expected
    for strategy in ("auto", "sql"):
        assert batch.encode_with(RowFormat.JSON, strategy) == batch.encode_python(RowFormat.JSON)
        plain = batch.encode_with(RowFormat.PLAIN_TEXT, strategy)
        assert plain == batch.encode_python(RowFormat.PLAIN_TEXT)


def test_export_projection_not_needed() -> None:
    rel = duckdb.connect().sql("SELECT 1 AS a, [2] AS b")
    assert export_projection(rel.columns, rel.types) is None


def test_arrow_types_match_mapping() -> None:
    """Exported arrow layouts of the mapped types are the ones ArrowRowBatch expects."""
    rel = duckdb.connect().sql(
        "SELECT 1::UBIGINT AS u, 1::HUGEINT AS h, TIMESTAMP_MS '2024-01-01' AS ms,"
        " TIMESTAMPTZ '2024-01-01 00:00:00+00' AS tz, 'x'::BLOB AS b"
    )
    schema = rel.to_arrow_table().schema
    assert pa.types.is_unsigned_integer(schema.field("u").type)  # hence the export cast
    assert schema.field("h").type == pa.decimal128(38, 0)
    assert schema.field("ms").type == pa.timestamp("ms")
    assert schema.field("tz").type.tz is not None
    assert pa.types.is_binary(schema.field("b").type)
    assert flink_type(rel.types[0]) == LogicalType("DECIMAL", precision=20, scale=0)


def test_interval_as_milliseconds() -> None:
    """A DuckDB INTERVAL becomes INTERVAL DAY TO SECOND: a month counts 30 days."""
    rel = duckdb.connect().sql("SELECT INTERVAL '1 month 2 days 3.5 seconds' AS iv")
    rb = rel.to_arrow_table().combine_chunks().to_batches()[0]
    batch = ArrowRowBatch(rb, [flink_type(rel.types[0])])
    ms = 32 * 86_400_000 + 3_500
    assert batch.encode(RowFormat.JSON) == b'{"kind":"INSERT","fields":[%d]}' % ms
    assert batch.encode(RowFormat.PLAIN_TEXT) == b'{"kind":"INSERT","fields":["+32 00:00:03.500"]}'
