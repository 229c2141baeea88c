"""Flink LogicalType -> DuckDB column type (for tables created from Flink DDL)."""

from __future__ import annotations

from sqlgateway.errors import VALIDATION_EXCEPTION, ExecutionError
from sqlgateway.model import LogicalType


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def duck_type(t: LogicalType) -> str:  # noqa: C901 - a type switch
    """The DuckDB type storing values of Flink type ``t``."""
    r = t.root
    simple = {
        "BOOLEAN": "BOOLEAN", "TINYINT": "TINYINT", "SMALLINT": "SMALLINT",
        "INTEGER": "INTEGER", "BIGINT": "BIGINT", "FLOAT": "FLOAT", "DOUBLE": "DOUBLE",
        "DATE": "DATE", "CHAR": "VARCHAR", "VARCHAR": "VARCHAR", "BINARY": "BLOB",
        "VARBINARY": "BLOB", "INTERVAL_YEAR_MONTH": "INTERVAL", "INTERVAL_DAY_TIME": "INTERVAL",
        "TIMESTAMP_WITH_LOCAL_TIME_ZONE": "TIMESTAMPTZ", "TIME_WITHOUT_TIME_ZONE": "TIME",
    }  # fmt: skip
    if r in simple:
        return simple[r]
    if r == "DECIMAL":
        if (t.precision or 0) > 38:
            raise unsupported_type(t)
        return f"DECIMAL({t.precision}, {t.scale})"
    if r == "TIMESTAMP_WITHOUT_TIME_ZONE":
        p = t.precision if t.precision is not None else 6
        return "TIMESTAMP_MS" if p <= 3 else ("TIMESTAMP" if p <= 6 else "TIMESTAMP_NS")
    if r == "ARRAY":
        assert t.element is not None
        return f"{duck_type(t.element)}[]"
    if r == "MAP":
        assert t.key is not None and t.value is not None
        return f"MAP({duck_type(t.key)}, {duck_type(t.value)})"
    if r == "ROW":
        inner = ", ".join(f"{_q(f.name)} {duck_type(f.type)}" for f in t.fields)
        return f"STRUCT({inner})"
    raise unsupported_type(t)


def unsupported_type(t: LogicalType) -> ExecutionError:
    return ExecutionError(
        f"Data type {t.summary()} is not supported on the duckdb engine.",
        java_class=VALIDATION_EXCEPTION,
    )
