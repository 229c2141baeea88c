"""DuckDB result column types → the Flink LogicalType a Flink user would expect.

DuckDB types are read from a relation (``rel.types``: ``DuckDBPyType`` objects) or given as type
strings. Every mapping, and why:

==========================  ==========================  ===========================================
DuckDB                      Flink                       notes
==========================  ==========================  ===========================================
BOOLEAN                     BOOLEAN
TINYINT/SMALLINT/INTEGER/   TINYINT/SMALLINT/INTEGER/   same ranges
BIGINT                      BIGINT
UTINYINT                    SMALLINT                    smallest signed type holding the range
USMALLINT                   INTEGER                     idem
UINTEGER                    BIGINT                      idem
UBIGINT                     DECIMAL(20, 0)              exact; Flink has no unsigned 64-bit
HUGEINT, UHUGEINT           DECIMAL(38, 0)              Flink's widest exact type; values beyond
                                                        38 digits cannot be exported (error)
BIGNUM (VARINT)             STRING                      arbitrary size: decimal text, exact
FLOAT, DOUBLE               FLOAT, DOUBLE
DECIMAL(p, s)               DECIMAL(p, s)               DuckDB's p ≤ 38 like Flink
VARCHAR, JSON               STRING                      JSON text is passed through as a string
ENUM                        STRING                      the label
UUID                        CHAR(36)                    like Flink's UUID() function
BIT                         STRING                      the bit string, e.g. ``'0101'``
BLOB                        BYTES
DATE                        DATE
TIME, TIME_NS               TIME(0)                     Flink's default TIME; a TIME literal is
                                                        TIME(0) in Flink, fractions are not shown
TIME WITH TIME ZONE         STRING                      no Flink equivalent; DuckDB's text
                                                        ``12:00:00+01``
TIMESTAMP_S/_MS/—/_NS       TIMESTAMP(0/3/6/9)          DuckDB's unit is the precision
TIMESTAMP WITH TIME ZONE    TIMESTAMP_LTZ(6)            an instant, shown in the session zone
TIMESTAMPTZ_NS              TIMESTAMP_LTZ(9)
INTERVAL                    INTERVAL DAY(6) TO          milliseconds; a month counts as 30 days
                            SECOND(3)                   (DuckDB's convention); µs truncated
LIST(T), T[n]               ARRAY<T>
STRUCT(a T, …)              ROW<a T, …>                 field names kept
MAP(K, V)                   MAP<K, V>                   JSON rows need string keys (Flink rule)
UNION(…)                    STRING                      DuckDB's text of the active member
NULL (untyped NULL)         NULL
anything else               STRING                      DuckDB's text
==========================  ==========================  ===========================================

Columns are reported nullable: DuckDB result types carry no NOT NULL information.

Types that are rendered through DuckDB's text (BIGNUM, ENUM, UUID, BIT, JSON, TIME WITH TIME ZONE,
UNION, unknown types; also inside LIST/STRUCT/MAP), UBIGINT and UHUGEINT must be cast before the
rows are exported to Arrow: ``export_cast_type`` gives the target type, ``export_projection`` a
whole SELECT list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from sqlgateway.model import MAX_LENGTH, STRING, Column, LogicalType, RowField

__all__ = [
    "flink_type",
    "flink_columns",
    "export_cast_type",
    "export_projection",
]

DuckType = Any  # duckdb's DuckDBPyType (untyped module)

_SIMPLE: dict[str, LogicalType] = {
    "boolean": LogicalType("BOOLEAN"),
    "tinyint": LogicalType("TINYINT"),
    "smallint": LogicalType("SMALLINT"),
    "integer": LogicalType("INTEGER"),
    "bigint": LogicalType("BIGINT"),
    "utinyint": LogicalType("SMALLINT"),
    "usmallint": LogicalType("INTEGER"),
    "uinteger": LogicalType("BIGINT"),
    "ubigint": LogicalType("DECIMAL", precision=20, scale=0),
    "hugeint": LogicalType("DECIMAL", precision=38, scale=0),
    "uhugeint": LogicalType("DECIMAL", precision=38, scale=0),
    "float": LogicalType("FLOAT"),
    "double": LogicalType("DOUBLE"),
    "varchar": STRING(),
    "blob": LogicalType("VARBINARY", length=MAX_LENGTH),
    "uuid": LogicalType("CHAR", length=36),
    "date": LogicalType("DATE"),
    "time": LogicalType("TIME_WITHOUT_TIME_ZONE", precision=0),
    "time_ns": LogicalType("TIME_WITHOUT_TIME_ZONE", precision=0),
    "timestamp_s": LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=0),
    "timestamp_ms": LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=3),
    "timestamp": LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=6),
    "timestamp_ns": LogicalType("TIMESTAMP_WITHOUT_TIME_ZONE", precision=9),
    "timestamp with time zone": LogicalType("TIMESTAMP_WITH_LOCAL_TIME_ZONE", precision=6),
    "timestamptz_ns": LogicalType("TIMESTAMP_WITH_LOCAL_TIME_ZONE", precision=9),
    "interval": LogicalType(
        "INTERVAL_DAY_TIME", precision=6, fractional_precision=3, resolution="DAY_TO_SECOND"
    ),
    "null": LogicalType("NULL"),
    '"null"': LogicalType("NULL"),
}

# Rendered from DuckDB's VARCHAR cast (exported as VARCHAR).
_AS_TEXT = frozenset({"bignum", "varint", "enum", "bit", "time with time zone", "union", "uuid"})


def _as_type(t: DuckType | str) -> DuckType:
    return duckdb.type(t) if isinstance(t, str) else t


def _type_id(t: DuckType) -> str:
    if str(t) == "JSON":
        return "json"
    return str(t.id).lower()


def flink_type(t: DuckType | str, nullable: bool = True) -> LogicalType:
    """The Flink type of a DuckDB column type (``DuckDBPyType`` or a DuckDB type string)."""
    t = _as_type(t)
    tid = _type_id(t)
    if tid in _SIMPLE:
        out = _SIMPLE[tid]
    elif tid == "decimal":
        kids = dict(t.children)
        out = LogicalType("DECIMAL", precision=int(kids["precision"]), scale=int(kids["scale"]))
    elif tid in ("list", "array"):
        out = LogicalType("ARRAY", element=flink_type(dict(t.children)["child"]))
    elif tid == "map":
        kids = dict(t.children)
        out = LogicalType("MAP", key=flink_type(kids["key"]), value=flink_type(kids["value"]))
    elif tid == "struct":
        fields = tuple(RowField(str(name), flink_type(child)) for name, child in t.children)
        out = LogicalType("ROW", fields=fields)
    else:  # json, enum, uuid-like text types, union, bit, bignum, unknown
        out = STRING()
    return out.with_nullable(nullable)


def flink_columns(names: Sequence[str], types: Sequence[DuckType | str]) -> list[Column]:
    """``Column``s for a DuckDB result (e.g. ``flink_columns(rel.columns, rel.types)``)."""
    return [Column(n, flink_type(t)) for n, t in zip(names, types, strict=True)]


def export_cast_type(t: DuckType | str) -> str | None:
    """The DuckDB type a column must be cast to before the Arrow export, or None if it exports
    as is (e.g. ``'VARCHAR'`` for UUID/ENUM/BIT, ``'VARCHAR[]'`` for ``BIT[]``)."""
    text, changed = _export(_as_type(t))
    return text if changed else None


def _export(t: DuckType) -> tuple[str, bool]:
    """(DuckDB type text to export as, whether it differs from ``t``)."""
    tid = _type_id(t)
    if tid == "uhugeint":
        return "DECIMAL(38,0)", True
    if tid == "ubigint":  # exported as DECIMAL it takes the encoder's fast path
        return "DECIMAL(20,0)", True
    if tid in _AS_TEXT or tid == "json":
        return "VARCHAR", True
    if tid in _SIMPLE or tid == "decimal":
        return str(t), False
    if tid == "list":
        child, changed = _export(dict(t.children)["child"])
        return f"{child}[]", changed
    if tid == "array":
        kids = dict(t.children)
        child, changed = _export(kids["child"])
        return f"{child}[{int(kids['size'])}]", changed
    if tid == "map":
        kids = dict(t.children)
        (key, kc), (val, vc) = _export(kids["key"]), _export(kids["value"])
        return f"MAP({key}, {val})", kc or vc
    if tid == "struct":
        parts = [(name, *_export(child)) for name, child in t.children]
        inner = ", ".join(f"{_ident(str(n))} {text}" for n, text, _ in parts)
        return f"STRUCT({inner})", any(c for _, _, c in parts)
    return "VARCHAR", True


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def export_projection(names: Sequence[str], types: Sequence[DuckType | str]) -> list[str] | None:
    """SELECT-list expressions that make a result exportable to Arrow for ``ArrowRowBatch``
    (casts where needed, columns kept by name); None when no column needs a cast."""
    exprs: list[str] = []
    needed = False
    for name, t in zip(names, types, strict=True):
        target = export_cast_type(t)
        col = _ident(name)
        if target is None:
            exprs.append(col)
        else:
            needed = True
            exprs.append(f"CAST({col} AS {target}) AS {col}")
    return exprs if needed else None
