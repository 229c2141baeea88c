"""Thin handlers: parse the request, make one service call, build the response body.

Each handler is a plain (blocking) function of a ``Request``; the app runs it on a worker thread
unless the route table marks it non-blocking.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlgateway.errors import GatewayError, SqlGatewayError, java_string
from sqlgateway.model import OperationHandle, RowFormat, SessionHandle
from sqlgateway.rest import messages
from sqlgateway.rest.errors import bad_parameter
from sqlgateway.rest.messages import Body, dumps
from sqlgateway.rest.versions import STABLE, ApiVersion, supports_row_format
from sqlgateway.service.gateway import GatewayService, MaterializedRefresh

PRODUCT_NAME = "Apache Flink"
# The Flink release whose gateway protocol we speak; clients compare against it.
FLINK_COMPAT_VERSION = "2.3.0"


@dataclass
class Request:
    service: GatewayService
    version: ApiVersion
    params: dict[str, Any]
    query: dict[str, list[str]]
    body: Body
    principal: str | None = None
    fetch_wait: float = 0.0
    # work to start once the response is written (see GatewayService.execute_statement)
    after_response: list[Callable[[], None]] = field(default_factory=list)

    @property
    def session(self) -> SessionHandle:
        return SessionHandle(self.params["session_handle"])

    @property
    def operation(self) -> OperationHandle:
        return OperationHandle(self.params["operation_handle"])


EMPTY = b"{}"


def api_versions(r: Request) -> bytes:
    return dumps({"versions": [v.name for v in STABLE]})


def info(r: Request) -> bytes:
    return dumps({"productName": PRODUCT_NAME, "version": FLINK_COMPAT_VERSION})


def open_session(r: Request) -> bytes:
    handle = r.service.open_session(
        r.body.string("sessionName"), r.body.string_map("properties"), r.principal
    )
    return dumps({"sessionHandle": str(handle)})


def get_session_config(r: Request) -> bytes:
    return dumps({"properties": r.service.get_session_config(r.session, r.principal)})


def close_session(r: Request) -> bytes:
    r.service.close_session(r.session, r.principal)
    return b'{"status":"CLOSED"}'


def heartbeat(r: Request) -> bytes:
    r.service.heartbeat(r.session, r.principal)
    return EMPTY


def configure_session(r: Request) -> bytes:
    statement = r.body.string("statement")
    timeout = r.body.long("executionTimeout") or 0
    r.service.configure_session(r.session, statement or "", timeout, r.principal)
    return EMPTY


def complete_statement(r: Request) -> bytes:
    position = r.body.int32("position")
    statement = r.body.string("statement") or ""
    candidates = r.service.complete_statement(r.session, statement, position, r.principal)
    return dumps({"candidates": candidates})


def execute_statement(r: Request) -> bytes:
    handle = r.service.execute_statement(
        r.session,
        r.body.string("statement"),
        r.body.long("executionTimeout") or 0,
        r.body.string_map("executionConfig"),
        r.principal,
        r.after_response.append,
    )
    return dumps({"operationHandle": str(handle)})


def operation_status(r: Request) -> bytes:
    status = r.service.get_operation_info(r.session, r.operation, r.principal).status
    return dumps({"status": status.value})


def cancel_operation(r: Request) -> bytes:
    status = r.service.cancel_operation(r.session, r.operation, r.principal)
    return dumps({"status": status.value})


def close_operation(r: Request) -> bytes:
    r.service.close_operation(r.session, r.operation, r.principal)
    return b'{"status":"CLOSED"}'


def row_format_of(r: Request) -> RowFormat:
    """``rowFormat`` (V2+): optional (JSON), case-insensitive, one value only; V1 ignores it."""
    if not supports_row_format(r.version):
        return RowFormat.JSON
    values = r.query.get("rowFormat")
    if not values:
        return RowFormat.JSON
    if len(values) > 1 or "," in values[0]:
        err = bad_parameter("query", "rowFormat", ",".join(values))
        err.message = "Expected only one value [JSON, PLAIN_TEXT]."
        raise err from err.__cause__
    try:
        return RowFormat.parse(values[0])
    except KeyError:
        err = bad_parameter("query", "rowFormat", values[0])
    raise err from err.__cause__


def fetch_results(r: Request) -> bytes:
    row_format = row_format_of(r)
    try:
        page = r.service.fetch_results(
            r.session, r.operation, r.params["token"], r.fetch_wait, r.principal, row_format
        )
        data = page.batch.encode(row_format) if page.batch is not None else b""
    except SqlGatewayError as exc:
        # the REST handler wraps the service exception once more, as Flink's does
        raise SqlGatewayError(java_string(exc)) from exc
    body = messages.fetch_body(page, row_format, r.version, str(r.session), str(r.operation), data)
    if page.result_type.value == "PAYLOAD":
        r.service.stats.page_served(page.row_count, len(body))
    return body


def refresh_materialized_table(r: Request) -> bytes:
    refresh = MaterializedRefresh(
        r.body.boolean("isPeriodic"),
        r.body.string("scheduleTime"),
        r.body.string_map("staticPartitions") or {},
        r.body.string_map("dynamicOptions") or {},
    )
    handle = r.service.refresh_materialized_table(
        r.session,
        str(r.params["identifier"]),
        refresh,
        r.body.string_map("executionConfig"),
        r.principal,
    )
    return dumps({"operationHandle": str(handle)})


# ---- V3 embedded scheduler: errors become RestHandlerException(message) as in Flink ----------


def workflow_create(r: Request) -> bytes:
    name, group = r.service.create_workflow(
        r.body.string("materializedTableIdentifier") or "",
        r.body.string("cronExpression") or "",
        r.body.string_map("dynamicOptions") or {},
        r.body.string_map("initConfig") or {},
        r.body.string_map("executionConfig") or {},
        r.body.string("restEndpointUrl"),
    )
    return dumps({"workflowName": name, "workflowGroup": group})


def workflow_suspend(r: Request) -> bytes:
    r.service.suspend_workflow(*_workflow_key(r))
    return EMPTY


def workflow_resume(r: Request) -> bytes:
    name, group = _workflow_key(r)
    r.service.resume_workflow(name, group, r.body.string_map("dynamicOptions") or {})
    return EMPTY


def workflow_delete(r: Request) -> bytes:
    r.service.delete_workflow(*_workflow_key(r))
    return EMPTY


def workflow_modify_cron(r: Request) -> bytes:
    name, group = _workflow_key(r)
    r.service.modify_workflow_cron(name, group, r.body.string("cronExpression") or "")
    return EMPTY


def _workflow_key(r: Request) -> tuple[str, str]:
    """Quartz's JobKey: a null name is refused, a null group is Quartz's default group."""
    name = r.body.string("workflowName")
    if name is None:
        raise GatewayError("Name cannot be null.", java_class="java.lang.IllegalArgumentException")
    return name, r.body.string("workflowGroup") or "DEFAULT"


def deploy_script(r: Request) -> bytes:
    cluster_id = r.service.deploy_script(
        r.session,
        r.body.string("script"),
        r.body.string("scriptUri"),
        r.body.string_map("executionConfig"),
        r.principal,
    )
    return dumps({"clusterID": cluster_id})


_CANONICAL_UUID = re.compile("-".join(f"[0-9a-fA-F]{{{n}}}" for n in (8, 4, 4, 4, 12)))


def parse_uuid(key: str, text: str) -> uuid.UUID:
    """Java's UUID.fromString: five dash-separated hex groups (lenient on group widths)."""
    if _CANONICAL_UUID.fullmatch(text):  # the usual form: the same value, parsed in C
        return uuid.UUID(text)
    parts = text.split("-")
    widths = (8, 4, 4, 4, 12)
    try:
        if len(parts) != 5 or len(text) > 36:
            raise ValueError
        values = [int(p, 16) for p in parts]
        if any(not p or len(p) > w for p, w in zip(parts, widths, strict=True)):
            raise ValueError
    except ValueError:
        err = bad_parameter("path", key, text)
        raise err from err.__cause__
    n = 0
    for v, w in zip(values, widths, strict=True):
        n = (n << (4 * w)) | v
    return uuid.UUID(int=n)


def parse_long(key: str, text: str) -> int:
    """Java's Long.parseLong: optional sign, decimal digits, 64-bit range."""
    body = text[1:] if text[:1] in "+-" else text
    if not body.isdigit() or not body.isascii():
        raise bad_parameter("path", key, text)
    value = int(text)
    if not messages.LONG_MIN <= value <= messages.LONG_MAX:
        raise bad_parameter("path", key, text)
    return value
