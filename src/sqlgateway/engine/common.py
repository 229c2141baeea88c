"""Engine-independent building blocks: static results and small row batches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlgateway.engine.base import RowBatch, RowSource, StatementResult
from sqlgateway.engine.values import encode_rows
from sqlgateway.model import STRING, Column, LogicalType, ResultKind, RowFormat, RowKind


class PyRowBatch:
    """A batch of Python values, encoded on demand (and cached per format)."""

    __slots__ = ("_types", "_rows", "_kinds", "_zone", "_cache")

    def __init__(
        self,
        types: Sequence[LogicalType],
        rows: Sequence[Sequence[Any]],
        kinds: Sequence[RowKind] | None = None,
        time_zone: str = "UTC",
    ) -> None:
        self._types = types
        self._rows = rows
        self._kinds = kinds
        self._zone = time_zone
        self._cache: dict[RowFormat, bytes] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def encode(self, row_format: RowFormat) -> bytes:
        out = self._cache.get(row_format)
        if out is None:
            out = encode_rows(self._types, self._rows, row_format, self._kinds, self._zone)
            self._cache[row_format] = out
        return out


class StaticRowSource(RowSource):
    """All rows known up front (DDL "OK", SET listings, SHOW, DESCRIBE, job id rows)."""

    def __init__(self, batch: RowBatch) -> None:
        self._batch: RowBatch | None = batch if len(batch) else None

    def next_batch(self, max_rows: int, wait: float = 0.0) -> RowBatch | None:
        batch, self._batch = self._batch, None
        return batch

    def ready(self) -> bool:
        return self._batch is None or len(self._batch) <= 1000  # encoded on the event loop

    def close(self) -> None:
        self._batch = None


def static_result(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    kind: ResultKind = ResultKind.SUCCESS_WITH_CONTENT,
    job_id: str | None = None,
) -> StatementResult:
    batch = PyRowBatch([c.type for c in columns], rows)
    return StatementResult(list(columns), kind, StaticRowSource(batch), False, job_id)


OK_COLUMNS = (Column("result", STRING()),)


def ok_result() -> StatementResult:
    """``[{"kind":"INSERT","fields":["OK"]}]`` with resultKind SUCCESS (DDL, SET k=v, RESET…)."""
    return static_result(OK_COLUMNS, [["OK"]], ResultKind.SUCCESS)


def string_rows_result(
    column_names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> StatementResult:
    """SUCCESS_WITH_CONTENT with STRING columns (SET listing, SHOW …)."""
    return static_result([Column(n, STRING()) for n in column_names], rows)


def job_id_result(job_id: str) -> StatementResult:
    return static_result([Column("job id", STRING())], [[job_id]], job_id=job_id)
