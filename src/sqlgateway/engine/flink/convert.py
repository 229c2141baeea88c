"""Translation of the helper's JSON descriptions into the gateway's model and error tree."""

from __future__ import annotations

import logging
from typing import Any

import orjson

from sqlgateway.errors import SQL_EXECUTION_EXCEPTION, ExecutionError
from sqlgateway.model import Column, LogicalType, ResultKind, RowField

log = logging.getLogger(__name__)


def error_from_chain(chain: list[dict[str, Any]]) -> ExecutionError:
    """``[{"class","message"}, ...]`` (outermost first) -> chained ExecutionErrors."""
    if not chain:
        return ExecutionError("Unknown error in the Flink engine.")
    cause: ExecutionError | None = None
    for item in reversed(chain):
        err = ExecutionError(item.get("message") or "", java_class=item.get("class") or None)
        if cause is not None:
            err.__cause__ = cause
        cause = err
    assert cause is not None
    return cause


def parse_meta(text: str) -> dict[str, Any]:
    """The helper's outcome JSON; raises the error it describes, if any."""
    meta: dict[str, Any] = orjson.loads(text)
    if "error" in meta:
        if meta.get("stack"):
            log.debug("Flink error:\n%s", meta["stack"])
        raise error_from_chain(meta["error"])
    return meta


def retrieval_error(text: str) -> ExecutionError:
    """A failure while rows were produced, wrapped as Flink's ResultFetcher does."""
    meta: dict[str, Any] = orjson.loads(text)
    if meta.get("stack"):
        log.debug("Flink result error:\n%s", meta["stack"])
    outer = ExecutionError("Error while retrieving result.", java_class=SQL_EXECUTION_EXCEPTION)
    outer.__cause__ = error_from_chain(meta.get("error", []))
    return outer


def logical_type(d: dict[str, Any]) -> LogicalType:
    """Flink LogicalTypeJsonSerializer-shaped dict -> LogicalType."""
    root = d["type"]
    nullable = bool(d.get("nullable", True))
    element = d.get("elementType")
    key, value = d.get("keyType"), d.get("valueType")
    fields = tuple(
        RowField(f["name"], logical_type(f["fieldType"]), f.get("description"))
        for f in d.get("fields", ())
    )
    return LogicalType(
        root,
        nullable,
        length=d.get("length"),
        precision=d.get("precision"),
        scale=d.get("scale"),
        fractional_precision=d.get("fractionalPrecision"),
        resolution=d.get("resolution"),
        element=logical_type(element) if element else None,
        key=logical_type(key) if key else None,
        value=logical_type(value) if value else None,
        fields=fields,
    )


def columns(meta: dict[str, Any]) -> list[Column]:
    return [Column(c["name"], logical_type(c["type"]), c.get("comment")) for c in meta["columns"]]


def result_kind(meta: dict[str, Any]) -> ResultKind:
    return ResultKind(meta["kind"])
