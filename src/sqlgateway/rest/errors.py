"""Rendering of every error as Flink's ``{"errors": [...]}`` body, with Java-style stack text."""

from __future__ import annotations

import traceback

import orjson

from sqlgateway.errors import (
    REST_HANDLER_EXCEPTION,
    BadRequestError,
    GatewayError,
    NotFoundError,
    cause_chain,
    java_string,
)

INTERNAL = "Internal server error."


def _frames(exc: BaseException) -> list[str]:
    tb = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    out = []
    for fr in reversed(tb[-12:]):
        module = fr.filename.rsplit("/", 1)[-1]
        out.append(f"\tat {fr.name}({module}:{fr.lineno})")
    return out


def java_trace(exc: BaseException) -> str:
    """Text like Java's printStackTrace: the exception, its frames, then ``Caused by:`` causes."""
    lines: list[str] = []
    for i, e in enumerate(cause_chain(exc)):
        head = java_string(e)
        lines.append(head if i == 0 else f"Caused by: {head}")
        lines.extend(_frames(e))
    return "\n".join(lines) + "\n"


def handler_error(exc: BaseException) -> GatewayError:
    """Wrap as Flink's RestHandlerException(message) caused by ``exc``."""
    message = exc.message if isinstance(exc, GatewayError) else str(exc)
    wrapped = GatewayError(message, java_class=REST_HANDLER_EXCEPTION)
    wrapped.__cause__ = exc
    return wrapped


def single_string_errors(exc: BaseException) -> list[str]:
    """500-B (and 400) shape: one RestHandlerException stack text."""
    if isinstance(exc, GatewayError) and exc.java_class == REST_HANDLER_EXCEPTION:
        return [java_trace(exc)]
    return [java_trace(handler_error(exc))]


def server_side_errors(exc: BaseException) -> list[str]:
    """500-A shape: "Internal server error." plus the server-side stack text."""
    return [
        INTERNAL,
        f"<Exception on server side:\n{java_trace(exc)}\nEnd of exception on server side>",
    ]


def error_body(messages: list[str]) -> bytes:
    return orjson.dumps({"errors": messages})


def not_found(uri: str) -> NotFoundError:
    return NotFoundError(f"Not found: {uri}")


def bad_parameter(kind: str, key: str, value: str) -> BadRequestError:
    """400 for an unparsable path or query parameter, worded as Flink's HandlerRequest."""
    inner = GatewayError(
        f'Cannot resolve {kind} parameter ({key}) from value "{value}".',
        java_class="org.apache.flink.runtime.rest.handler.HandlerRequestException",
    )
    err = BadRequestError(f"Bad request, could not parse parameters: {inner.message}")
    err.__cause__ = inner
    return err


_JACKSON = "org.apache.flink.shaded.jackson2.com.fasterxml.jackson."
JSON_PARSE_EXCEPTION = _JACKSON + "core.JsonParseException"
MISMATCHED_INPUT_EXCEPTION = _JACKSON + "databind.exc.MismatchedInputException"


def bad_body(
    request_class: str, detail: str, java_class: str = MISMATCHED_INPUT_EXCEPTION
) -> BadRequestError:
    """400 for a body that is not JSON or does not fit the request class (Jackson's causes)."""
    inner = GatewayError(detail, java_class=java_class)
    err = BadRequestError(f"Request did not match expected format {request_class}.")
    err.__cause__ = inner
    return err
