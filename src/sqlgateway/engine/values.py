"""Python-side encoding of values into Flink's JSON and PLAIN_TEXT row formats.

Used for static results (SET, SHOW, DESCRIBE, job ids, …) and small query results; values are
Python objects matching the column's LogicalType (str, int, bool, Decimal, date, datetime, …).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from sqlgateway.model import LogicalType, RowFormat, RowKind


def encode_json_value(t: LogicalType, v: Any) -> Any:
    """A JSON-ready Python value for Flink's JSON row format (minimal; see encoders)."""
    if v is None:
        return None
    return v


def encode_plain_value(t: LogicalType, v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    return str(v)


def encode_rows(
    types: Sequence[LogicalType],
    rows: Sequence[Sequence[Any]],
    row_format: RowFormat,
    kinds: Sequence[RowKind] | None = None,
) -> bytes:
    """Comma-joined ``{"kind":..,"fields":[..]}`` objects for ``rows``."""
    enc = encode_json_value if row_format is RowFormat.JSON else encode_plain_value
    parts = []
    for i, row in enumerate(rows):
        kind = kinds[i].value if kinds is not None else "INSERT"
        fields = [enc(t, v) for t, v in zip(types, row, strict=True)]
        parts.append(orjson.dumps({"kind": kind, "fields": fields}))
    return b",".join(parts)
