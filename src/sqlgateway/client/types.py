"""Typed views of the Flink SQL Gateway REST payloads used by the client."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class ApiVersion(Enum):
    """REST API versions in protocol order (``V1`` oldest)."""

    V1 = 1
    V2 = 2
    V3 = 3
    V4 = 4

    @property
    def prefix(self) -> str:
        """The URL prefix, e.g. ``/v4``."""
        return f"/v{self.value}"

    @classmethod
    def highest_known(cls, names: list[str]) -> ApiVersion | None:
        """The highest version in ``names`` (``["V1", "V2", ...]``) that this client knows."""
        known = [cls[n.upper()] for n in names if n.upper() in cls.__members__]
        return max(known, key=lambda v: v.value) if known else None


class RowFormat(Enum):
    """Row format of fetched results (``rowFormat`` query parameter, v2+)."""

    JSON = "JSON"
    PLAIN_TEXT = "PLAIN_TEXT"


class ResultType(Enum):
    """``resultType`` of a fetch-results answer."""

    NOT_READY = "NOT_READY"
    PAYLOAD = "PAYLOAD"
    EOS = "EOS"


ROW_KIND_SHORT = {"INSERT": "+I", "UPDATE_BEFORE": "-U", "UPDATE_AFTER": "+U", "DELETE": "-D"}


@dataclass(frozen=True)
class Column:
    """A result column: name, Flink LogicalType JSON and optional comment."""

    name: str
    logical_type: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None

    @property
    def type_root(self) -> str:
        """The type root name, e.g. ``INTEGER`` or ``TIMESTAMP_WITHOUT_TIME_ZONE``."""
        return str(self.logical_type.get("type", ""))

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Column:
        """Parse one element of ``results.columns``."""
        logical_type = dict(data.get("logicalType") or {})
        return cls(str(data.get("name", "")), logical_type, data.get("comment"))


@dataclass(frozen=True)
class Row:
    """One result row: the changelog ``kind`` and the field values."""

    kind: str
    fields: list[Any]

    @property
    def short_kind(self) -> str:
        """``+I``, ``-U``, ``+U`` or ``-D`` as printed by the Flink SQL client."""
        return ROW_KIND_SHORT.get(self.kind, self.kind)


@dataclass(frozen=True)
class ResultPage:
    """One answer of the fetch-results endpoint."""

    result_type: ResultType
    next_uri: str | None = None
    is_query_result: bool | None = None
    job_id: str | None = None
    result_kind: str | None = None
    columns: list[Column] = field(default_factory=list)
    row_format: RowFormat | None = None
    rows: list[Row] = field(default_factory=list)

    @property
    def is_eos(self) -> bool:
        """True for the end-of-stream page."""
        return self.result_type is ResultType.EOS

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ResultPage:
        """Parse a fetch-results body (any API version, including Flink 1.16's v1 shape)."""
        results = data.get("results") or {}
        fmt = results.get("rowFormat")
        return cls(
            result_type=ResultType(data.get("resultType", "PAYLOAD")),
            next_uri=data.get("nextResultUri"),
            is_query_result=data.get("isQueryResult"),
            job_id=data.get("jobID"),
            result_kind=data.get("resultKind"),
            columns=[Column.from_json(c) for c in results.get("columns") or []],
            row_format=RowFormat(fmt) if fmt in RowFormat.__members__ else None,
            rows=[
                Row(str(r.get("kind", "INSERT")), list(r.get("fields") or []))
                for r in results.get("data") or []
            ],
        )


@dataclass
class StatementResult:
    """A statement's complete result, collected by :meth:`GatewayClient.run`."""

    operation: str
    columns: list[Column] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    is_query_result: bool | None = None
    job_id: str | None = None
    result_kind: str | None = None
