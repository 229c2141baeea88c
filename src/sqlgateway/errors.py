"""One exception tree for the whole gateway; every error knows its HTTP status.

::

    GatewayError                 500  base; ``message`` is what users see
    ├── BadRequestError          400  unparsable path/query parameter or request body
    ├── NotFoundError            404  unknown path, version or method ("Not found: <uri>")
    ├── UnauthorizedError        401  missing or invalid credentials (auth on)
    ├── LimitExceededError       413/429/500  a configured limit was hit
    ├── SqlGatewayError          500  service-level failure (SqlGatewayException in Flink)
    │   ├── SessionNotFoundError
    │   └── OperationNotFoundError
    └── ExecutionError           500  a statement failed inside an engine (SqlExecutionException)

Flink reports errors with Java class names in its stack-trace text; each error carries the
``java_class`` it would have had in Flink so the REST layer can render the same first lines and
``Caused by:`` chains. Causes are chained with ``raise ... from ...``.
"""

from __future__ import annotations

SQL_GATEWAY_EXCEPTION = "org.apache.flink.table.gateway.api.utils.SqlGatewayException"
SQL_EXECUTION_EXCEPTION = "org.apache.flink.table.gateway.service.utils.SqlExecutionException"
REST_HANDLER_EXCEPTION = "org.apache.flink.runtime.rest.handler.RestHandlerException"
HANDLER_REQUEST_EXCEPTION = "org.apache.flink.runtime.rest.handler.HandlerRequestException"
VALIDATION_EXCEPTION = "org.apache.flink.table.api.ValidationException"
PARSER_EXCEPTION = "org.apache.flink.table.api.SqlParserException"
TABLE_EXCEPTION = "org.apache.flink.table.api.TableException"
UNSUPPORTED_OPERATION = "java.lang.UnsupportedOperationException"
ILLEGAL_ARGUMENT = "java.lang.IllegalArgumentException"
ILLEGAL_STATE = "java.lang.IllegalStateException"


class GatewayError(Exception):
    """Base of every error the gateway reports to a client."""

    http_status: int = 500
    java_class: str = SQL_GATEWAY_EXCEPTION
    flat: bool = False  # True: rendered as {"errors": [message]} without a stack text

    def __init__(self, message: str, *, java_class: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if java_class is not None:
            self.java_class = java_class

    def java_string(self) -> str:
        """``<class>: <message>`` as Java's ``Throwable.toString``."""
        return f"{self.java_class}: {self.message}"


class BadRequestError(GatewayError):
    http_status = 400
    java_class = REST_HANDLER_EXCEPTION


class NotFoundError(GatewayError):
    http_status = 404


class UnauthorizedError(GatewayError):
    http_status = 401
    java_class = REST_HANDLER_EXCEPTION


class LimitExceededError(GatewayError):
    def __init__(self, message: str, *, http_status: int = 500) -> None:
        super().__init__(message)
        self.http_status = http_status


class SqlGatewayError(GatewayError):
    java_class = SQL_GATEWAY_EXCEPTION


class SessionNotFoundError(SqlGatewayError):
    def __init__(self, handle: object) -> None:
        super().__init__(f"Session '{handle}' does not exist.")


class OperationNotFoundError(SqlGatewayError):
    def __init__(self, handle: object) -> None:
        super().__init__(
            f"Can not find the submitted operation in the OperationManager with the {handle}."
        )


class ExecutionError(GatewayError):
    """A statement failed in the engine. ``java_class`` names the Flink-equivalent exception
    (``ValidationException``, ``SqlParserException``, …) so clients see familiar text."""

    java_class = SQL_EXECUTION_EXCEPTION


def cause_chain(exc: BaseException) -> list[BaseException]:
    """``exc`` followed by its ``__cause__`` chain (explicit causes only, no loops)."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        chain.append(cur)
        seen.add(id(cur))
        cur = cur.__cause__
    return chain


def java_string(exc: BaseException) -> str:
    """Java ``toString`` of any exception: gateway errors keep their Flink class name."""
    if isinstance(exc, GatewayError):
        return exc.java_string()
    return f"python.{type(exc).__name__}: {exc}"


def root_message(exc: BaseException) -> str:
    """The message of the innermost cause: what a user most wants to read."""
    last = cause_chain(exc)[-1]
    return last.message if isinstance(last, GatewayError) else str(last)
