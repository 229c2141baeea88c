"""Temporary stand-ins for ``types.py`` / ``batch.py`` (owned by the encoders) until they land:
DuckDB type -> Flink LogicalType, and an Arrow batch rendered through the Python encoder."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from sqlgateway.engine.base import RowBatch
from sqlgateway.engine.common import PyRowBatch
from sqlgateway.model import MAX_LENGTH, LogicalType, RowField

_SIMPLE = {
    "boolean": "BOOLEAN", "tinyint": "TINYINT", "smallint": "SMALLINT", "integer": "INTEGER",
    "bigint": "BIGINT", "float": "FLOAT", "double": "DOUBLE", "date": "DATE",
    "utinyint": "SMALLINT", "usmallint": "INTEGER", "uinteger": "BIGINT",
}  # fmt: skip


def logical_type(t: Any) -> LogicalType:
    """Flink LogicalType of a ``duckdb.DuckDBPyType`` (all nullable)."""
    tid = t.id
    if tid in _SIMPLE:
        return LogicalType(_SIMPLE[tid])
    if tid in ("varchar", "uuid", "enum", "json"):
        return LogicalType("VARCHAR", length=MAX_LENGTH)
    if tid in ("blob", "bit"):
        return LogicalType("VARBINARY", length=MAX_LENGTH)
    if tid == "decimal":
        kids = dict(t.children)
        return LogicalType("DECIMAL", precision=int(kids["precision"]), scale=int(kids["scale"]))
    if tid in ("hugeint", "ubigint", "uhugeint", "varint", "bignum"):
        return LogicalType("DECIMAL", precision=38, scale=0)
    if tid == "time":
        return LogicalType("TIME_WITHOUT_TIME_ZONE", precision=0)
    if tid in ("timestamp", "timestamp_ns", "timestamp_ms", "timestamp_s"):
        return LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=6)
    if tid == "timestamp with time zone":
        return LogicalType("TIMESTAMP_WITH_LOCAL_TIME_ZONE", precision=6)
    if tid in ("list", "array"):
        return LogicalType("ARRAY", element=logical_type(dict(t.children)["child"]))
    if tid == "map":
        kids = dict(t.children)
        return LogicalType("MAP", key=logical_type(kids["key"]), value=logical_type(kids["value"]))
    if tid == "struct":
        fields = tuple(RowField(n, logical_type(c)) for n, c in t.children)
        return LogicalType("ROW", fields=fields)
    return LogicalType("VARCHAR", length=MAX_LENGTH)


def arrow_batch(types: list[LogicalType]) -> Any:
    """A factory turning an Arrow record batch into a ``RowBatch``."""

    def make(batch: pa.RecordBatch) -> RowBatch:
        cols = [c.to_pylist() for c in batch.columns]
        rows = [list(r) for r in zip(*cols, strict=True)] if cols else []
        return PyRowBatch(types, rows)

    return make
