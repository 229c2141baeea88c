"""Domain model shared by every layer: handles, operation statuses, result enums, logical types.

Names follow Flink's SQL gateway API (``org.apache.flink.table.gateway.api``) so the matching Java
file can be read side by side.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, NewType

SessionHandle = NewType("SessionHandle", uuid.UUID)
OperationHandle = NewType("OperationHandle", uuid.UUID)


def new_session_handle() -> SessionHandle:
    return SessionHandle(uuid.uuid4())


def new_operation_handle() -> OperationHandle:
    return OperationHandle(uuid.uuid4())


class OperationStatus(Enum):
    """Status of an operation, with Flink's terminal flags and legal transitions."""

    INITIALIZED = "INITIALIZED"
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    FINISHED = "FINISHED"
    CANCELED = "CANCELED"
    CLOSED = "CLOSED"
    ERROR = "ERROR"
    TIMEOUT = "TIMEOUT"

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL

    def can_move_to(self, target: OperationStatus) -> bool:
        return target in _TRANSITIONS[self]


_TERMINAL = frozenset(
    {
        OperationStatus.FINISHED,
        OperationStatus.CANCELED,
        OperationStatus.CLOSED,
        OperationStatus.ERROR,
        OperationStatus.TIMEOUT,
    }
)

_S = OperationStatus
_TRANSITIONS: dict[OperationStatus, frozenset[OperationStatus]] = {
    _S.INITIALIZED: frozenset({_S.PENDING, _S.CANCELED, _S.CLOSED, _S.TIMEOUT, _S.ERROR}),
    _S.PENDING: frozenset({_S.RUNNING, _S.CANCELED, _S.CLOSED, _S.TIMEOUT, _S.ERROR}),
    _S.RUNNING: frozenset({_S.FINISHED, _S.CANCELED, _S.CLOSED, _S.TIMEOUT, _S.ERROR}),
    _S.FINISHED: frozenset({_S.CLOSED}),
    _S.CANCELED: frozenset({_S.CLOSED}),
    _S.TIMEOUT: frozenset({_S.CLOSED}),
    _S.ERROR: frozenset({_S.CLOSED}),
    _S.CLOSED: frozenset(),
}


class ResultType(Enum):
    NOT_READY = "NOT_READY"
    PAYLOAD = "PAYLOAD"
    EOS = "EOS"


class ResultKind(Enum):
    SUCCESS = "SUCCESS"
    SUCCESS_WITH_CONTENT = "SUCCESS_WITH_CONTENT"


class RowFormat(Enum):
    JSON = "JSON"
    PLAIN_TEXT = "PLAIN_TEXT"

    @classmethod
    def parse(cls, text: str) -> RowFormat:
        """Case-insensitive, as Flink's query parameter conversion; ValueError if unknown."""
        return cls[text.strip().upper()]


class RowKind(Enum):
    INSERT = "INSERT"
    UPDATE_BEFORE = "UPDATE_BEFORE"
    UPDATE_AFTER = "UPDATE_AFTER"
    DELETE = "DELETE"


# --------------------------------------------------------------------------------------------
# Logical types (Flink's LogicalType, as serialized by LogicalTypeJsonSerializer)
# --------------------------------------------------------------------------------------------

MAX_LENGTH = 2147483647


@dataclass(frozen=True, slots=True)
class RowField:
    name: str
    type: LogicalType
    description: str | None = None


@dataclass(frozen=True, slots=True)
class LogicalType:
    """A Flink logical type.

    ``root`` is Flink's LogicalTypeRoot name (``INTEGER``, ``VARCHAR``,
    ``TIMESTAMP_WITHOUT_TIME_ZONE`` …). Only the attributes that belong to the root are set:
    ``length`` for CHAR/VARCHAR/BINARY/VARBINARY, ``precision``/``scale`` for DECIMAL,
    ``precision`` for TIME/TIMESTAMP*, ``element`` for ARRAY/MULTISET, ``key``/``value`` for
    MAP, ``fields`` for ROW, ``resolution`` and ``fractional_precision`` for intervals.
    """

    root: str
    nullable: bool = True
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    fractional_precision: int | None = None
    resolution: str | None = None
    element: LogicalType | None = None
    key: LogicalType | None = None
    value: LogicalType | None = None
    fields: tuple[RowField, ...] = field(default=())

    def with_nullable(self, nullable: bool) -> LogicalType:
        if nullable == self.nullable:
            return self
        return LogicalType(
            self.root,
            nullable,
            self.length,
            self.precision,
            self.scale,
            self.fractional_precision,
            self.resolution,
            self.element,
            self.key,
            self.value,
            self.fields,
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON object of Flink's LogicalTypeJsonSerializer, keys in Flink's order."""
        if self.root == "NULL":
            return {"type": "NULL"}
        out: dict[str, Any] = {"type": self.root, "nullable": self.nullable}
        if self.root in ("CHAR", "VARCHAR", "BINARY", "VARBINARY"):
            out["length"] = self.length
        elif self.root == "DECIMAL":
            out["precision"] = self.precision
            out["scale"] = self.scale
        elif self.root in _PRECISION_ROOTS:
            out["precision"] = self.precision
        elif self.root == "INTERVAL_YEAR_MONTH":
            out["precision"] = self.precision
            out["resolution"] = self.resolution
        elif self.root == "INTERVAL_DAY_TIME":
            out["precision"] = self.precision
            out["fractionalPrecision"] = self.fractional_precision
            out["resolution"] = self.resolution
        elif self.root in ("ARRAY", "MULTISET"):
            assert self.element is not None
            out["elementType"] = self.element.to_json()
        elif self.root == "MAP":
            assert self.key is not None and self.value is not None
            out["keyType"] = self.key.to_json()
            out["valueType"] = self.value.to_json()
        elif self.root == "ROW":
            out["fields"] = [_field_json(f) for f in self.fields]
        return out

    def summary(self) -> str:
        """Flink's ``asSummaryString`` form, as DESCRIBE prints it (``INT``, ``STRING``, …)."""
        base = self._summary_base()
        return base if self.nullable or self.root == "NULL" else f"{base} NOT NULL"

    def _summary_base(self) -> str:
        r = self.root
        if r in _SIMPLE_NAMES:
            return _SIMPLE_NAMES[r]
        if r == "VARCHAR":
            return "STRING" if self.length == MAX_LENGTH else f"VARCHAR({self.length})"
        if r == "VARBINARY":
            return "BYTES" if self.length == MAX_LENGTH else f"VARBINARY({self.length})"
        if r in ("CHAR", "BINARY"):
            return f"{r}({self.length})"
        if r == "DECIMAL":
            return f"DECIMAL({self.precision}, {self.scale})"
        if r == "TIME_WITHOUT_TIME_ZONE":
            return f"TIME({self.precision})"
        if r == "TIMESTAMP_WITHOUT_TIME_ZONE":
            return f"TIMESTAMP({self.precision})"
        if r == "TIMESTAMP_WITH_LOCAL_TIME_ZONE":
            return f"TIMESTAMP_LTZ({self.precision})"
        if r == "TIMESTAMP_WITH_TIME_ZONE":
            return f"TIMESTAMP({self.precision}) WITH TIME ZONE"
        if r in ("ARRAY", "MULTISET"):
            assert self.element is not None
            return f"{r}<{self.element.summary()}>"
        if r == "MAP":
            assert self.key is not None and self.value is not None
            return f"MAP<{self.key.summary()}, {self.value.summary()}>"
        if r == "ROW":
            inner = ", ".join(f"`{f.name}` {f.type.summary()}" for f in self.fields)
            return f"ROW<{inner}>"
        if r == "INTERVAL_YEAR_MONTH":
            return "INTERVAL YEAR TO MONTH" if self.resolution == "YEAR_TO_MONTH" else "INTERVAL"
        if r == "INTERVAL_DAY_TIME":
            return f"INTERVAL DAY({self.precision}) TO SECOND({self.fractional_precision})"
        return r


_PRECISION_ROOTS = frozenset(
    {
        "TIME_WITHOUT_TIME_ZONE",
        "TIMESTAMP_WITHOUT_TIME_ZONE",
        "TIMESTAMP_WITH_LOCAL_TIME_ZONE",
        "TIMESTAMP_WITH_TIME_ZONE",
    }
)

_SIMPLE_NAMES = {
    "BOOLEAN": "BOOLEAN",
    "TINYINT": "TINYINT",
    "SMALLINT": "SMALLINT",
    "INTEGER": "INT",
    "BIGINT": "BIGINT",
    "FLOAT": "FLOAT",
    "DOUBLE": "DOUBLE",
    "DATE": "DATE",
    "NULL": "NULL",
}


def _field_json(f: RowField) -> dict[str, Any]:
    out: dict[str, Any] = {"name": f.name, "fieldType": f.type.to_json()}
    if f.description is not None:
        out["description"] = f.description
    return out


# Convenience constructors for the types every engine uses.
def STRING(nullable: bool = True) -> LogicalType:  # noqa: N802 - Flink's spelling
    return LogicalType("VARCHAR", nullable, length=MAX_LENGTH)


def INT(nullable: bool = True) -> LogicalType:  # noqa: N802
    return LogicalType("INTEGER", nullable)


def BOOLEAN(nullable: bool = True) -> LogicalType:  # noqa: N802
    return LogicalType("BOOLEAN", nullable)


@dataclass(frozen=True, slots=True)
class Column:
    """One result column: ``{"name", "logicalType", "comment"}`` on the wire."""

    name: str
    type: LogicalType
    comment: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "logicalType": self.type.to_json(), "comment": self.comment}
